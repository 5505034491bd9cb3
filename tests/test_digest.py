"""Digest building and rendering on small hand-made databases (no crawl pipeline involved).

build_sample_db() is shared with the CLI, browser and export tests: realistic TV news on
2016-01-18 with stories across outlets, show links, a lone article, a syndicated copy,
an article linked to no show, and coverage over the previous weeks for the charts.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from conftest import sqlite_template
from models.db import open_database
from models.schema import ArticleRow, ArticleShowRow, ShowRow, SourceRow, StoryRow
from newsagg.digest import state as digest_state
from newsagg.digest.build import build_digest
from newsagg.digest.render import render, to_json_obj
from newsagg.digest.shows import resolve_shows
from newsagg.errors import NewsaggError

DAY = date(2016, 1, 18)
UTC = timezone.utc
SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "newsagg/digest/schema.json").read_text())

HOSTILE_TITLE = "<script>alert(1)</script> Jessica Jones finale leaks"
HOSTILE_URL = "javascript:alert(document.cookie)"
HOSTILE_SUMMARY = 'Spoilers ahead <img src="x" onerror="alert(2)"> and <a href="javascript:alert(3)">more</a>'


def t(day: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2016, 1, day, hh, mm, tzinfo=UTC)


SOURCES = [("deadline", "Deadline"), ("variety", "Variety"), ("tvline", "TVLine"), ("digitalspy", "Digital Spy")]
SHOWS = [  # title, network, aliases
    ("Jessica Jones", "Netflix", ["Marvel's Jessica Jones"]),
    ("The X-Files", "Fox", ["X-Files"]),
    ("Sherlock", "BBC One", []),
    ("Better Call Saul", "AMC", []),
    ("Game of Thrones", "HBO", ["GoT"]),
]


@sqlite_template
def build_sample_db(path: Path, *, hostile: bool = False, with_news: bool = True) -> str:
    """A migrated SQLite file with the sample news; returns its URL."""
    url = f"sqlite:///{path}"
    engine = open_database(url)
    now = t(20, 12)
    with Session(engine) as s:
        src = {name: SourceRow(name=name, title=title, homepage=f"https://{name}.example/", timezone="UTC",
                               created_at=now) for name, title in SOURCES}
        shows = {title: ShowRow(title=title, network=net, aliases=al, external_ids={}) for title, net, al in SHOWS}
        s.add_all([*src.values(), *shows.values()])
        s.flush()
        n = 0

        def art(source: str, when: datetime, title: str, summary: str = "", body: str = "",
                story: StoryRow | None = None, links: list[tuple[str, float, bool]] = (), url: str | None = None,
                duplicate_of: ArticleRow | None = None) -> ArticleRow:
            nonlocal n
            n += 1
            slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]
            a = ArticleRow(source_id=src[source].id, guid=f"g{n}", canonical_url=f"https://{source}.example/{n}/{slug}",
                           url=url or f"https://{source}.example/{n}/{slug}", title=title, summary=summary, body=body,
                           authors=["Staff"], tags=[], published_at=when, content_hash=f"h{n}", first_seen_at=when,
                           changed_at=when, story_id=story.id if story else None,
                           duplicate_of_id=duplicate_of.id if duplicate_of else None)
            s.add(a)
            s.flush()
            for show, conf, primary in links:
                s.add(ArticleShowRow(article_id=a.id, show_id=shows[show].id, confidence=conf, is_primary=primary,
                                     seasons=[]))
            return a

        def story(key: str, headline: str) -> StoryRow:
            st = StoryRow(key=key, headline=headline, first_published_at=now, last_published_at=now,
                          created_at=now, updated_at=now)
            s.add(st)
            s.flush()
            return st

        def finish(st: StoryRow, arts: list[ArticleRow]) -> None:
            arts = sorted(arts, key=lambda a: a.published_at)
            st.first_article_id, st.first_source_id = arts[0].id, arts[0].source_id
            st.first_published_at, st.last_published_at = arts[0].published_at, arts[-1].published_at
            st.article_count, st.source_count = len(arts), len({a.source_id for a in arts})

        # Background coverage for the charts: Jessica Jones builds up, The X-Files premieres on the 24th.
        for i in range(1, 30):
            d = datetime(2016, 1, 18, 15, tzinfo=UTC) - timedelta(days=i)
            if i % 3 == 0:
                art("variety", d, f"Jessica Jones ratings note {i}", "Viewership estimates.",
                    links=[("Jessica Jones", 0.9, True)])
            if i < 8:
                art("tvline", d - timedelta(hours=2), f"The X-Files revival countdown, day {i}", "Mulder and Scully.",
                    links=[("The X-Files", 0.95, True)])
        if not with_news:
            s.commit()
            engine.dispose()
            return url

        jj = story("5d1b7a52-0b1e-4d1a-9a57-2f7f3f0c0001", "Netflix renews Jessica Jones for a second season")
        jj_arts = [
            art("variety", t(17, 22, 40), "'Jessica Jones' renewed for season 2 at Netflix",
                "Netflix has renewed its Marvel drama starring Krysten Ritter, the streamer announced Sunday.",
                story=jj, links=[("Jessica Jones", 0.98, True)]),
            art("deadline", t(18, 1, 5), "Netflix renews 'Marvel's Jessica Jones'", "Season two is a go.",
                story=jj, links=[("Jessica Jones", 0.97, True)]),
            art("digitalspy", t(18, 9, 30), "Jessica Jones season 2 confirmed - Krysten Ritter will return",
                "Good news, Jessica Jones fans.", story=jj, links=[("Jessica Jones", 0.95, True)]),
            art("deadline", t(18, 10), "Jessica Jones showrunner on season 2", "More from Melissa Rosenberg.",
                story=jj, links=[("Jessica Jones", 0.9, True)]),  # second Deadline piece: one outlet, earliest kept
        ]
        finish(jj, jj_arts)
        xf = story("5d1b7a52-0b1e-4d1a-9a57-2f7f3f0c0002", "The X-Files revival premiere date and first reviews")
        xf_arts = [
            art("tvline", t(18, 14), "The X-Files: first reviews of the revival are in", "",
                body=" ".join(["Critics who have seen the first episodes of Fox's six-episode revival say"] * 8),
                story=xf, links=[("The X-Files", 0.96, True), ("Sherlock", 0.3, False)]),
            art("variety", t(18, 16, 30), "TV review: 'The X-Files'", "Mulder and Scully are back, mostly.",
                story=xf, links=[("The X-Files", 0.92, True)]),
            art("deadline", t(18, 21), "'The X-Files' EP Chris Carter on more episodes", "Carter is open to more.",
                story=xf, links=[("The X-Files", 0.9, True)]),
        ]
        finish(xf, xf_arts)
        bcs = story("5d1b7a52-0b1e-4d1a-9a57-2f7f3f0c0003", "Better Call Saul season 2 trailer")
        finish(bcs, [art("deadline", t(18, 18), "'Better Call Saul' season 2 trailer: Jimmy goes straight(ish)",
                         "AMC released a new trailer.", story=bcs, links=[("Better Call Saul", 0.99, True)])])
        # A lone article (no story yet) about Sherlock, and a syndicated copy of it, also without a story.
        sh = art("digitalspy", t(18, 11), "Sherlock: Steven Moffat on when series 4 will film",
                 "Filming starts in the spring, says Moffat.", links=[("Sherlock", 0.93, True)])
        art("tvline", t(18, 12), "Sherlock series 4 filming date (syndicated)", "Filming starts in the spring.",
            duplicate_of=sh)
        # News linked to no show.
        art("variety", t(18, 20), "Golden Globes 2016: TV winners list", "The full list of television winners.")
        art("deadline", t(18, 23, 30), "Upfronts: networks tighten pilot orders", "",
            body="Broadcast networks are ordering fewer pilots this season, according to several executives.")
        # The next day, and a late-evening Pacific item on the 18th that is the 19th in UTC.
        art("variety", t(19, 6), "Game of Thrones season 6 poster revealed", "Jon Snow features heavily.",
            links=[("Game of Thrones", 0.97, True)])
        if hostile:
            art("tvline", t(18, 13), HOSTILE_TITLE, HOSTILE_SUMMARY, url=HOSTILE_URL,
                links=[("Jessica Jones", 0.8, True)])
        s.commit()
    engine.dispose()
    return url


@pytest.fixture
def sample(tmp_path: Path) -> Any:
    url = build_sample_db(tmp_path / "sample.db")
    engine = open_database(url)
    yield engine
    engine.dispose()


def digest_for(engine: Any, day: date = DAY, tz: str = "UTC", **kw: Any):
    with engine.connect() as conn:
        return build_digest(conn, day, ZoneInfo(tz), **kw)


def validate(value: Any, schema: dict[str, Any], root: dict[str, Any] = SCHEMA, where: str = "$") -> None:
    """The subset of JSON Schema schema.json uses (no jsonschema dependency needed)."""
    if "$ref" in schema:
        target = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        validate(value, target, root, where)
    types = {"string": str, "integer": int, "boolean": bool, "array": list, "object": dict, "null": type(None)}
    if "type" in schema:
        allowed = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        ok = any(isinstance(value, types[tp]) and not (tp == "integer" and isinstance(value, bool)) for tp in allowed)
        assert ok, f"{where}: {value!r} is not {allowed}"
    if "const" in schema:
        assert value == schema["const"], where
    if "pattern" in schema and isinstance(value, str):
        assert re.search(schema["pattern"], value), f"{where}: {value!r} !~ {schema['pattern']}"
    if schema.get("format") == "date" and isinstance(value, str):
        date.fromisoformat(value)
    if isinstance(value, dict):
        for key in schema.get("required", []):
            assert key in value, f"{where}: missing {key}"
        props = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            assert set(value) <= set(props), f"{where}: extra keys {set(value) - set(props)}"
        for key, sub in props.items():
            if key in value:
                validate(value[key], sub, root, f"{where}.{key}")
    if isinstance(value, list):
        assert len(value) >= schema.get("minItems", 0) and len(value) <= schema.get("maxItems", 10**9), where
        for i, item in enumerate(value):
            if "items" in schema:
                validate(item, schema["items"], root, f"{where}[{i}]")
    if isinstance(value, int) and "minimum" in schema:
        assert value >= schema["minimum"], where


# --- building -----------------------------------------------------------------------------------

def test_sections_by_coverage_each_story_once_other_last(sample: Any) -> None:
    d = digest_for(sample)
    titles = [sec.show.title for sec in d.sections]
    assert titles == ["Jessica Jones", "The X-Files", "Sherlock", "Better Call Saul"]
    # The day's linked articles (also the chart's last bar); Sherlock counts the X-Files story's weak mention.
    assert [sec.articles for sec in d.sections] == [3, 3, 2, 1]
    keys = [s.key for s in d.stories]
    assert len(keys) == len(set(keys)) == 6
    # The X-Files story also mentions Sherlock, weakly: it appears once, under The X-Files.
    assert [s.headline for s in d.sections[1].stories] == ["The X-Files revival premiere date and first reviews"]
    assert [s.headline for s in d.other] == ["Golden Globes 2016: TV winners list",
                                             "Upfronts: networks tighten pilot orders"]
    assert "Game of Thrones" not in titles  # its news is on the 19th


def test_outlets_every_source_once_earliest_first(sample: Any) -> None:
    jj = digest_for(sample).sections[0].stories[0]
    assert jj.headline == "Netflix renews Jessica Jones for a second season"
    assert [o.name for o in jj.outlets] == ["Variety", "Deadline", "Digital Spy"]  # Variety's piece was the 17th
    assert jj.outlets[1].time == t(18, 1, 5)  # Deadline's first piece, not its follow-up
    assert jj.time == t(17, 22, 40) and jj.link == jj.outlets[0].url
    assert jj.summary.startswith("Netflix has renewed its Marvel drama")  # the first article's summary


def test_article_without_story_is_its_own_story_and_copies_join_it(sample: Any) -> None:
    sherlock = next(sec for sec in digest_for(sample).sections if sec.show.title == "Sherlock")
    [story] = sherlock.stories
    assert story.key.startswith("url-") and len(story.key) == 36
    assert [o.name for o in story.outlets] == ["Digital Spy", "TVLine"]
    assert digest_for(sample).stories == digest_for(sample).stories  # keys and order are stable


def test_summary_falls_back_to_first_40_words_of_body(sample: Any) -> None:
    d = digest_for(sample)
    xf = d.sections[1].stories[0]
    assert xf.summary.endswith("…") and len(xf.summary.rstrip("…").split()) == 40
    upfronts = d.other[1]
    assert upfronts.summary.startswith("Broadcast networks are ordering fewer pilots")


def test_day_is_local_to_tz(sample: Any) -> None:
    # 2016-01-18 in Los Angeles is 08:00Z on the 18th to 08:00Z on the 19th: it gains the
    # Game of Thrones item (06:00Z on the 19th) and loses the early-morning ones.
    d = digest_for(sample, tz="America/Los_Angeles")
    assert d.window_start == t(18, 8) and d.window_end == t(19, 8)
    titles = [sec.show.title for sec in d.sections]
    assert "Game of Thrones" in titles
    jj = next(sec for sec in d.sections if sec.show.title == "Jessica Jones").stories[0]
    assert [o.name for o in jj.outlets] == ["Variety", "Deadline", "Digital Spy"]  # still every outlet up to the end


def test_coverage_30d_counts_per_local_day(sample: Any) -> None:
    d = digest_for(sample)
    jj, xf = d.sections[0], d.sections[1]
    assert len(jj.coverage_30d) == len(xf.coverage_30d) == 30
    assert jj.coverage_30d[-1] == 3 and jj.coverage_30d[-2] == 1  # 18th: three; 17th: Variety's scoop
    assert jj.coverage_30d[-4] == 1 and jj.coverage_30d[-3] == 0  # background: every third day
    assert xf.coverage_30d[-8:] == [1, 1, 1, 1, 1, 1, 1, 3]


def test_show_filter_and_aliases(sample: Any) -> None:
    with sample.connect() as conn:
        shows = resolve_shows(conn, ["marvels jessica-jones", "X-FILES"])
    assert sorted(s.title for s in shows) == ["Jessica Jones", "The X-Files"]
    d = digest_for(sample, shows=shows)
    assert [sec.show.title for sec in d.sections] == ["Jessica Jones", "The X-Files"] and d.other == []
    # Filtering by the weak show pulls in the story, under that show.
    with sample.connect() as conn:
        sherlock = resolve_shows(conn, ["Sherlock"])
    d = digest_for(sample, shows=sherlock)
    assert sorted(s.headline for s in d.sections[0].stories) == [
        "Sherlock: Steven Moffat on when series 4 will film", "The X-Files revival premiere date and first reviews"]


def test_unknown_show_suggests_close_matches(sample: Any) -> None:
    with sample.connect() as conn, pytest.raises(NewsaggError) as err:
        resolve_shows(conn, ["Jesica Jone"])
    msg = str(err.value)
    assert "\n" not in msg and "unknown show 'Jesica Jone'" in msg and "'Jessica Jones'" in msg


def test_empty_day_is_an_empty_digest_in_every_format(sample: Any) -> None:
    d = digest_for(sample, day=date(2015, 6, 1))
    assert d.empty and d.sections == [] and d.other == []
    assert "No news" in render(d, "md") and "No news" in render(d, "html")
    assert to_json_obj(d)["empty"] is True
    for fmt in ("rss", "atom"):
        feed = feedparser.parse(render(d, fmt))
        assert not feed.bozo and feed.entries == []


def test_since_last_leaves_out_stories_of_the_previous_digest(sample: Any, tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    st = digest_state.load(state_file)
    day17 = digest_for(sample, day=date(2016, 1, 17))
    digest_state.record(st, "all", day17.date, "UTC", [s.key for s in day17.stories])
    digest_state.save(state_file, st)
    prev = digest_state.previous(digest_state.load(state_file), "all", DAY)
    assert prev is not None and prev[0] == date(2016, 1, 17)
    d = digest_for(sample, exclude_keys=prev[1], previous_date=prev[0])
    assert d.excluded == 1 and "Netflix renews Jessica Jones for a second season" not in [s.headline for s in d.stories]
    # A rerun of the 18th compares against the 17th again, not against itself.
    digest_state.record(st, "all", DAY, "UTC", [s.key for s in d.stories] + d.excluded_keys)
    assert digest_state.previous(st, "all", DAY)[0] == date(2016, 1, 17)


# --- rendering ----------------------------------------------------------------------------------

def test_json_follows_the_schema(sample: Any) -> None:
    for d in (digest_for(sample), digest_for(sample, day=date(2015, 6, 1))):
        obj = json.loads(render(d, "json"))
        validate(obj, SCHEMA)
    obj = json.loads(render(digest_for(sample), "json"))
    assert obj["sections"][0]["show"]["title"] == "Jessica Jones"
    assert obj["sections"][0]["coverage_30d"]["start"] == "2015-12-20"
    assert obj["other"]["stories"][0]["outlets"][0]["name"] == "Variety"


def test_feeds_read_back_without_bozo_with_story_keys_as_ids(sample: Any) -> None:
    d = digest_for(sample)
    rss = feedparser.parse(render(d, "rss", feed_url="https://digest.example/all.rss"))
    atom = feedparser.parse(render(d, "atom", feed_url="https://digest.example/all.atom"))
    for feed in (rss, atom):
        assert not feed.bozo, feed.get("bozo_exception")
        assert len(feed.entries) == 6
        assert feed.entries[0].title == "Netflix renews Jessica Jones for a second season"
        assert feed.entries[0].link.startswith("https://variety.example/")
        html = feed.entries[0].content[0].value if "content" in feed.entries[0] else feed.entries[0].description
        assert 'href="https://deadline.example/' in html and "Netflix has renewed" in html
    assert rss.version == "rss20" and atom.version == "atom10"
    assert rss.entries[0].id == "5d1b7a52-0b1e-4d1a-9a57-2f7f3f0c0001"
    assert atom.entries[0].id == "urn:newsagg:story:5d1b7a52-0b1e-4d1a-9a57-2f7f3f0c0001"
    assert atom.feed.id == "urn:newsagg:digest:all"


def test_per_show_feed_has_stable_ids_across_days(sample: Any) -> None:
    with sample.connect() as conn:
        shows = resolve_shows(conn, ["The X-Files"])
    feeds = [feedparser.parse(render(digest_for(sample, day=day, shows=shows), "atom"))
             for day in (DAY, DAY + timedelta(days=1))]
    assert all(not f.bozo for f in feeds)
    assert feeds[0].feed.id == feeds[1].feed.id == "urn:newsagg:digest:the-x-files"
    assert [e.tags[0].term for e in feeds[0].entries] == ["The X-Files"]


def test_hostile_text_is_inert_in_every_format(tmp_path: Path) -> None:
    engine = open_database(build_sample_db(tmp_path / "hostile.db", hostile=True))
    d = digest_for(engine)
    engine.dispose()
    html = render(d, "html")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown as text
    assert_inert_markup(html)
    md = render(d, "md")
    assert "\\<script\\>" in md and "](javascript:" not in md
    assert not re.search(r"(?<!\\)<(script|img|a)\b", md)  # every < of user text is escaped
    for fmt in ("rss", "atom"):
        feed = feedparser.parse(render(d, fmt))
        assert not feed.bozo
        entry = next(e for e in feed.entries if "alert(1)" in e.title)
        assert "javascript:" not in entry.get("link", "") and "<script" not in entry.description
    assert json.loads(render(d, "json"))["sections"][0]["stories"][-1]["outlets"][0]["url"] is None


def assert_inert_markup(html: str) -> None:
    """No tag the digest did not write itself: no script, no event handler, no javascript: URL."""
    tags = re.findall(r"<[a-zA-Z][^>]*>", html)
    assert tags and not [tag for tag in tags if re.match(r"<(script|iframe|object|embed|img)\b", tag, re.I)]
    assert not [tag for tag in tags if re.search(r"\son\w+\s*=", tag, re.I)]
    assert not [tag for tag in tags if re.search(r"(href|src)\s*=\s*[\"']?\s*(javascript|data|vbscript):", tag, re.I)]


def test_markdown_escapes_user_text() -> None:
    from newsagg.digest.render import md_escape

    assert md_escape("*Bold* [x](javascript:y) <b>&amp;") == "\\*Bold\\* \\[x\\]\\(javascript:y\\) \\<b\\>\\&amp;"
    assert md_escape("two\n\nparagraphs # not a heading") == "two paragraphs \\# not a heading"


def test_html_is_self_contained_and_email_safe(sample: Any) -> None:
    html = render(digest_for(sample), "html")
    assert "<script" not in html.lower() and "<link" not in html.lower() and "<style" not in html.lower()
    assert not re.search(r"""(src|href)=["'](?!https?://)""", html.replace('href="https://', ""))
    assert "<svg" not in html.lower() and "<img" not in html.lower() and 'class="show-section other-section"' in html
    assert "Content-Security-Policy" in html and len(html.encode("utf-8")) < 102 * 1024
    # One chart, drawn with table cells; the top stories come before every show section.
    assert html.count('class="bar-chart"') == 1
    assert html.index('class="top-stories"') < html.index('class="show-section"')


# --- digest v2: top stories, lead, industry moves -------------------------------------------------

def test_top_stories_widest_first_with_lead_times(sample: Any) -> None:
    d = digest_for(sample)
    assert [s.headline for s in d.top_stories] == ["Netflix renews Jessica Jones for a second season",
                                                   "The X-Files revival premiere date and first reviews",
                                                   "Sherlock: Steven Moffat on when series 4 will film"]
    jj, xf = d.top_stories[0], d.top_stories[1]
    assert (len(jj.outlets), jj.articles, jj.show) == (3, 4, "Jessica Jones")  # 3 outlets beat 3 (fewer articles)
    assert (len(xf.outlets), xf.articles) == (3, 3)
    assert [(o.name, delay) for o, delay in jj.lead_times] == [("Deadline", timedelta(hours=2, minutes=25)),
                                                               ("Digital Spy", timedelta(hours=10, minutes=50))]
    md = render(d, "md")
    assert md.index("## Top stories") < md.index("## Coverage today") < md.index("## Jessica Jones")
    assert "First: [Variety]" in md and "(+2 h 25 min)" in md
    # The compact per-show lists hold every story on one line, top stories marked as such.
    assert md.count("Netflix renews Jessica Jones for a second season") == 2 and md.count("· top story") == 3
    obj = to_json_obj(d)
    assert list(obj)[0] == "top_stories" and obj["top_stories"][0]["outlets"][1]["behind_first_s"] == 8700


def test_article_about_another_show_never_leads_a_story(tmp_path: Path) -> None:
    # A stored story that (before the clusterer rule) took in an earlier article mainly about
    # another show that names this one in passing: the digest still leads with the show's own news.
    url = build_sample_db(tmp_path / "lead.db")
    engine = open_database(url)
    with Session(engine) as s:
        xf_story = s.query(StoryRow).filter(StoryRow.headline.like("The X-Files%")).one()
        sherlock = s.query(ShowRow).filter_by(title="Sherlock").one()
        xfiles = s.query(ShowRow).filter_by(title="The X-Files").one()
        src = s.query(SourceRow).filter_by(name="digitalspy").one()
        other = ArticleRow(source_id=src.id, guid="off", canonical_url="https://digitalspy.example/off",
                           url="https://digitalspy.example/off", title="Benedict Cumberbatch sets a stage run",
                           summary="The Sherlock star, a fan of The X-Files, returns to the theatre.", body="",
                           authors=[], tags=[], published_at=t(18, 6), content_hash="off", first_seen_at=t(18, 6),
                           changed_at=t(18, 6), story_id=xf_story.id)
        s.add(other)
        s.flush()
        s.add_all([ArticleShowRow(article_id=other.id, show_id=sherlock.id, confidence=0.9, is_primary=True, seasons=[]),
                   ArticleShowRow(article_id=other.id, show_id=xfiles.id, confidence=0.4, is_primary=False, seasons=[])])
        xf_story.headline = other.title  # as an old clusterer could have picked it
        s.commit()
    d = digest_for(engine)
    engine.dispose()
    [xf] = [st for sec in d.sections for st in sec.stories if st.key == "5d1b7a52-0b1e-4d1a-9a57-2f7f3f0c0002"]
    assert xf.show == "The X-Files" and xf.headline == "The X-Files: first reviews of the revival are in"
    assert xf.outlets[0].name == "TVLine" and xf.time == t(18, 14) and xf.outlets[-1].name == "Digital Spy"
    assert xf.lead_times[-1][1] < timedelta(0)  # the off-topic outlet was earlier, yet not first


MOVE = {"type": "renewal", "show": {"title": "Jessica Jones", "id": 1, "tvmaze": 1370}, "season": 2,
        "status": "renewed", "date": None, "people": ["Krysten Ritter"],
        "evidence": "Netflix has renewed its Marvel drama <b>starring</b> Krysten Ritter",
        "first": {"source": "variety", "title": "'Jessica Jones' renewed", "url": "https://variety.example/1",
                  "published": t(17, 22, 40)},
        "outlets": [{"source": "variety", "url": "https://variety.example/1", "published": t(17, 22, 40)},
                    {"source": "deadline", "url": "javascript:alert(1)", "published": t(18, 1, 5)}]}


def test_industry_moves_from_a_provider_in_every_format(sample: Any) -> None:
    from newsagg.digest import moves

    calls: list[tuple] = []

    def provider(conn: Any, start: datetime, end: datetime, show_ids: set[int] | None) -> list[dict]:
        calls.append((start, end, show_ids))
        return [dict(MOVE)]

    assert digest_for(sample).industry_moves == []  # no provider: no section
    assert "Industry moves" not in render(digest_for(sample), "html")
    moves.register_provider(provider)
    try:
        d = digest_for(sample)
    finally:
        moves.unregister_provider(provider)
    assert calls == [(t(18, 0), t(19, 0), None)]
    [m] = d.industry_moves
    assert m["first"]["published"] == "2016-01-17T22:40:00Z" and m["outlets"][1]["url"] is None
    md, html = render(d, "md"), render(d, "html")
    assert md.index("## Top stories") < md.index("## Industry moves") < md.index("## Coverage today")
    assert "**renewal**: Jessica Jones season 2 (renewed)" in md
    assert "starring" in html and "<b>starring</b>" not in html and "javascript:" not in html
    assert to_json_obj(d)["industry_moves"] == [m]
    validate(to_json_obj(d), SCHEMA)
    for fmt in ("rss", "atom"):
        feed = feedparser.parse(render(d, fmt))
        assert not feed.bozo and feed.entries[0].title == "renewal: Jessica Jones season 2 (renewed)"
    assert "Industry moves" in render(d, "eml")
    # The same move passed straight to build_digest; a wrong shape is one clear error.
    assert digest_for(sample, moves_provider=lambda *a: [dict(MOVE)]).industry_moves == [m]
    with pytest.raises(NewsaggError, match="exactly the keys"):
        digest_for(sample, moves_provider=lambda *a: [{**MOVE, "extra": 1}])


def copy_sample_db(sqlite_path: Path, url: str) -> Engine:
    """build_sample_db's rows, copied into the (migrated, empty) database at `url`; its engine."""
    from sqlalchemy import MetaData, create_engine

    src = create_engine(build_sample_db(sqlite_path))
    dst = open_database(url)
    meta = MetaData()
    meta.reflect(src)
    with src.connect() as a, dst.begin() as b:
        for table in ("sources", "shows", "stories", "articles", "article_shows"):
            rows = [dict(r._mapping) for r in a.execute(meta.tables[table].select())]
            b.execute(meta.tables[table].insert(), rows)
    src.dispose()
    return dst


def test_digest_on_postgresql(postgres_url: str, tmp_path: Path) -> None:
    # The same rows through PostgreSQL: the queries are dialect-neutral.
    dst = copy_sample_db(tmp_path / "s.db", postgres_url)
    lite_engine = open_database(f"sqlite:///{tmp_path / 's.db'}")
    pg, lite = digest_for(dst), digest_for(lite_engine)
    dst.dispose()
    lite_engine.dispose()
    assert [sec.show.title for sec in pg.sections] == ["Jessica Jones", "The X-Files", "Sherlock", "Better Call Saul"]
    assert pg.sections == lite.sections and pg.other == lite.other
