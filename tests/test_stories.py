"""Story grouping: one story per piece of news, first outlet, merges, state export, demo fixtures."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsagg.dedupe.engine import Deduper, DedupeItem
from newsagg.dedupe.stories import StoryClusterer, StoryItem

T0 = datetime(2016, 1, 17, 21, 0, tzinfo=timezone.utc)
JJ_SHOWS = ["Jessica Jones", "Daredevil", "Luke Cage", "Iron Fist", "The Defenders"]


def _demo() -> list[dict]:
    site = pytest.importorskip("newsagg.demo.site")
    return site.load_articles()


def _run_demo(extra: list[DedupeItem] = ()) -> tuple[Deduper, dict[str, str], list[DedupeItem]]:
    arts = _demo()
    items = [DedupeItem(f"{a['outlet']}:{a['id']}", a["title"], a["text"], a["published_dt"], a["outlet"],
                        shows=a["shows"]) for a in arts] + list(extra)
    items.sort(key=lambda i: i.published_at)
    d = Deduper()
    d.process(items)
    return d, {f"{a['outlet']}:{a['id']}": a["story"] for a in arts}, items


def test_demo_jessica_jones_renewal_is_one_story_and_other_news_stays_apart() -> None:
    d, gold, _ = _run_demo()
    story = {k: d.story_of(k) for k in gold}
    renewal = {story[k] for k, g in gold.items() if g == "jessica-jones-renewal"}
    assert len(renewal) == 1
    (renewal_key,) = renewal
    tucker = story["deadline:1201686012"]
    timing = story["digitalspy:a782690"]
    assert len({renewal_key, tucker, timing}) == 3  # same show, close in time, different news
    s = d.stories.stories[renewal_key]
    assert s.first_source == "variety" and s.size == 3 and s.sources == {"variety", "deadline", "digitalspy"}


def test_demo_syndicated_copy_is_a_duplicate_in_the_same_story() -> None:
    d, gold, items = _run_demo()
    assert d.story_of("tvline:1210344") == d.story_of("variety:1201681712")
    assert d._original.get("tvline:1210344") == "variety:1201681712"


def test_demo_story_purity() -> None:
    # every predicted story holds one piece of news, except at most two pairs (ratings days)
    d, gold, _ = _run_demo()
    by_story: dict[str, set[str]] = {}
    for k, g in gold.items():
        by_story.setdefault(d.story_of(k) or "", set()).add(g)
    assert sum(1 for g in by_story.values() if len(g) > 1) <= 2


@pytest.mark.xfail(strict=True, reason="the seed roundup's lead is about the season-2 delay; it does not reach "
                   "the renewal story's threshold (see the dedupe report)")
def test_seed_roundup_joins_the_renewal_story(seed_article: str) -> None:
    title, _, body = seed_article.partition("\n")
    seed = DedupeItem("seed", title.strip(), body.strip(), datetime(2016, 1, 19, 12, tzinfo=timezone.utc),
                      "ibtimes", shows=JJ_SHOWS)
    d, gold, _ = _run_demo([seed])
    assert d.story_of("seed") == d.story_of("variety:1201681234")


def _it(key: str, title: str, hours: float = 0, text: str = "", shows: list[str] = ()) -> StoryItem:
    return StoryItem(key, title, text, T0 + timedelta(hours=hours), key.split(":")[0], list(shows))


def test_first_article_and_late_arrival_who_had_it_first() -> None:
    c = StoryClusterer()
    a = c.assign(_it("deadline:1", "Netflix renews Jessica Jones for a second season", 1))
    b = c.assign(_it("variety:1", "Jessica Jones renewed for second season at Netflix", 0))  # earlier, arrives later
    assert a.is_new_story and not b.is_new_story and a.story_key == b.story_key
    s = c.stories[a.story_key]
    assert s.first_key == "variety:1" and s.first_source == "variety" and s.size == 2


def test_time_decay_separates_old_news() -> None:
    c = StoryClusterer()
    a = c.assign(_it("x:1", "Netflix renews Jessica Jones for a second season"))
    b = c.assign(_it("x:2", "Netflix renews Jessica Jones for a second season", hours=24 * 30))
    assert a.story_key != b.story_key


def test_export_and_load_keep_matching() -> None:
    c = StoryClusterer()
    a = c.assign(_it("v:1", "Apple releases iOS 7.1 with CarPlay support"))
    c.assign(_it("d:1", "iOS 7.1 arrives with CarPlay and bug fixes", 1))
    fresh = StoryClusterer()
    fresh.load(c.export())
    assert fresh.assign(_it("t:1", "Apple's iOS 7.1 update brings CarPlay", 2)).story_key == a.story_key
    exported = c.export()[0]
    assert {"key", "headline", "first_key", "first_source", "first_at", "size", "terms"} <= exported.keys()


def test_merge_reports_absorbed_stories() -> None:
    c = StoryClusterer(threshold=0.3, merge_score=0.0, merge_similarity=0.0)
    a = c.assign(_it("a:1", "Mt. Gox bankruptcy filing in Tokyo court"))
    b = c.assign(_it("b:1", "Hackers leak Karpeles data from bitcoin exchange", 1))
    assert a.story_key != b.story_key
    m = c.assign(_it("c:1", "Hackers leak data as Mt. Gox files for bankruptcy in Tokyo", 2))
    assert m.merged == [b.story_key] and m.story_key == a.story_key  # the older story survives
    assert c.story_of("b:1") == c.story_of("a:1") == a.story_key and c.stories[a.story_key].size == 3


def test_item_without_words_is_its_own_story() -> None:
    c = StoryClusterer()
    a = c.assign(_it("a:1", ""))
    b = c.assign(_it("b:1", "!!!"))
    assert a.is_new_story and b.is_new_story and a.story_key != b.story_key


def _demo_item(outlet_id: str, shows: list[str], mentions: list[str]) -> StoryItem:
    (a,) = [a for a in _demo() if f"{a['outlet']}:{a['id']}" == outlet_id]
    return StoryItem(outlet_id, a["title"], a["text"], a["published_dt"], a["outlet"], shows, mentions=mentions)


BURESS, BROAD_CITY = "variety:1201681850", "tvline:1210388"


def test_passing_mention_of_a_show_does_not_join_its_story() -> None:
    # The stand-up special names Broad City in passing (a secondary link); the premiere is about it.
    c = StoryClusterer()
    special = c.assign(_demo_item(BURESS, [], ["Broad City"]))
    premiere = c.assign(_demo_item(BROAD_CITY, ["Broad City"], []))
    assert premiere.is_new_story and premiere.story_key != special.story_key
    # Without the link information the same two texts are one story: the rule is what keeps them apart.
    blind = StoryClusterer()
    first = blind.assign(_demo_item(BURESS, [], []))
    assert blind.assign(_demo_item(BROAD_CITY, [], [])).story_key == first.story_key


def test_article_about_something_else_never_leads_or_is_first() -> None:
    # Forced into the story (a near-duplicate join), the earlier off-topic article neither leads nor is first.
    c = StoryClusterer()
    special = c.assign(_demo_item(BURESS, [], ["Broad City"]))
    c.join(_demo_item(BROAD_CITY, ["Broad City"], []), special.story_key)
    s = c.stories[special.story_key]
    assert s.first_key == BROAD_CITY and s.first_source == "tvline"
    assert s.headline.startswith("Broad City Season 3")
    assert s.first_at > _demo_item(BURESS, [], []).published_at  # later than the special, first all the same


SHOW_NAMES = ["Broad City", "Girls", "Empire"]


@st.composite
def _members(draw: st.DrawFn) -> list[tuple[int, list[str], list[str]]]:
    n = draw(st.integers(1, 8))
    out = []
    for _ in range(n):
        shows = draw(st.lists(st.sampled_from(SHOW_NAMES), max_size=2, unique=True))
        mentions = draw(st.lists(st.sampled_from(SHOW_NAMES), max_size=2, unique=True))
        out.append((draw(st.integers(0, 100)), shows, mentions))
    return out


@settings(max_examples=200, deadline=None)
@given(_members())
def test_first_and_headline_come_from_members_about_the_topic(members: list[tuple[int, list[str], list[str]]]
                                                              ) -> None:
    c = StoryClusterer()
    items = [StoryItem(f"m:{i}", f"Member {i} news", "", T0 + timedelta(hours=hours), "x", shows, mentions=mentions)
             for i, (hours, shows, mentions) in enumerate(members)]
    story_key = c.assign(items[0]).story_key
    for item in items[1:]:
        c.join(item, story_key)
    s = c.stories[story_key]
    topic = s.topic
    fitting = [it for it in items if s.fits((frozenset(x.casefold() for x in it.shows),
                                              frozenset(x.casefold() for x in it.mentions) -
                                              frozenset(x.casefold() for x in it.shows)))]
    if topic is None:
        assert s.first_at == min(it.published_at for it in items)
    if fitting:
        assert s.first_key in {it.key for it in fitting}
        assert s.first_at == min(it.published_at for it in fitting)
        assert s.headline in {it.title for it in fitting}
