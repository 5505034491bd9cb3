"""Every real and edge-case feed of the shared corpus through parse_feed + normalise_entry.

Each file must go through without an exception and end as stored articles or a
recorded reason (ParsedFeed.error, an EntryRejected message, or an empty feed).
Files are ingested once per directory (module-scoped cache) and checked in bulk,
so the ~2,150 files cost a few seconds rather than one test each.
"""

from __future__ import annotations

import ast
import gzip
import re
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from newsagg.feeds import ParsedFeed, parse_feed
from newsagg.normalize.article import EntryRejected, normalise_entry
from newsagg.records import Article
from newsagg.xmlguard import REFUSAL

# Fixed clock: corpus dates run up to 2023, and the "more than 2 days ahead" plausibility
# check must not depend on the day the suite runs.
NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)
FEEDS = "feeds-and-sitemaps"
FP_TESTS = "feedparser-tests"
FP_SUBDIRS = ("encoding", "entities", "illformed", "json", "wellformed")
# What a web server would send for a file with no Header: line (feedparser's own test server
# does the same); RFC 3023 then takes the charset from the XML declaration or BOM.
_CTYPE_BY_SUFFIX = {".atom": "application/atom+xml", ".rss": "application/rss+xml",
                    ".json": "application/feed+json"}
_DEFAULT_CTYPE = "application/xml"
_EXPECT = re.compile(r"Expect:\s*(.*?)\s*(?:\n|-->)")
_HEADER = re.compile(r"^\s*Header:\s*([\w-]+):(.*)$", re.M)
# latin-1 last: it decodes anything, so legacy-encoded files (EUC-KR, ...) still show their ASCII comment.
_TEXT_ENCODINGS = ("utf-8", "utf-16", "utf-32", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be",
                   "latin-1")


@dataclass
class Outcome:
    path: str                           # relative to the corpus root
    expect: str | None = None           # feedparser-tests: the Expect: expression
    parsed: ParsedFeed | None = None
    articles: list[Article] = field(default_factory=list)
    rejections: list[str] = field(default_factory=list)
    crash: str | None = None            # traceback of anything that escaped

    @property
    def entries(self) -> int:
        return len(self.parsed.entries) if self.parsed else 0


def _test_meta(body: bytes) -> tuple[str | None, dict[str, str]]:
    """The Expect: expression and Header: lines of a feedparser test (some files are UTF-16/32)."""
    for encoding in _TEXT_ENCODINGS:
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "Expect:" in text:
            m = _EXPECT.search(text)
            headers = {k.strip().lower(): v.strip() for k, v in _HEADER.findall(text)}
            return (m.group(1) if m else None), headers
    return None, {}  # UTF-16/32 without a BOM and deliberately garbled tests


def ingest(body: bytes, url: str, content_type: str, rel: str, expect: str | None = None) -> Outcome:
    out = Outcome(path=rel, expect=expect)
    try:
        out.parsed = parse_feed(body, url, source="corpus", content_type=content_type, fetched_at=NOW)
        for entry in out.parsed.entries:
            try:
                out.articles.append(normalise_entry(entry, now=NOW))
            except EntryRejected as exc:
                out.rejections.append(str(exc))
    except Exception:  # collected, so one test lists every crashing file at once
        out.crash = traceback.format_exc()
    return out


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "LICENSE"
                  and "expected-output" not in p.parts)


def _ingest_file(root: Path, path: Path) -> Outcome:
    rel = path.relative_to(root).as_posix()
    body = path.read_bytes()
    expect, headers = _test_meta(body) if rel.startswith(FP_TESTS) else (None, {})
    ctype = headers.get("content-type") or _CTYPE_BY_SUFFIX.get(path.suffix, _DEFAULT_CTYPE)
    url = headers.get("content-location") or f"http://corpus.example/{rel}"
    return ingest(body, url, ctype, rel, expect)


_cache: dict[str, list[Outcome]] = {}


def outcomes(root: Path, folder: str) -> list[Outcome]:
    if folder not in _cache:
        _cache[folder] = [_ingest_file(root, p) for p in _files(root / folder)]
    return _cache[folder]


def by_path(root: Path) -> dict[str, Outcome]:
    return {o.path: o for o in outcomes(root, FEEDS)}


# -- every file: no crash, articles or a reason ---------------------------------


@pytest.mark.parametrize("folder", [FEEDS] + [f"{FP_TESTS}/{d}" for d in FP_SUBDIRS])
def test_every_file_is_stored_or_has_a_reason(corpus_dir: Path, folder: str) -> None:
    results = outcomes(corpus_dir, folder)
    assert results, f"no files under {corpus_dir / folder}"
    crashes = [f"{o.path}\n{o.crash}" for o in results if o.crash]
    assert not crashes, f"{len(crashes)} file(s) raised:\n" + "\n".join(crashes[:5])
    for o in results:
        assert o.parsed is not None
        if "/sitemaps/" in o.path:
            continue  # a sitemap only has to not crash parse_feed
        # Every parsed entry is accounted for: stored or rejected with a message.
        assert len(o.articles) + len(o.rejections) == o.entries, o.path
        assert all(o.rejections), o.path
        assert o.articles or o.parsed.error or o.rejections or o.entries == 0, o.path


@pytest.mark.parametrize("folder", [FEEDS] + [f"{FP_TESTS}/{d}" for d in FP_SUBDIRS])
def test_articles_are_well_formed(corpus_dir: Path, folder: str) -> None:
    articles = [(o.path, a) for o in outcomes(corpus_dir, folder) for a in o.articles]
    for path, a in articles:
        assert a.title.strip() and a.canonical_url, path
        assert a.published_at.utcoffset() == timedelta(0), path
        assert a.published_at <= NOW + timedelta(days=2), path
        # The sanitize/ tests carry scripts and handlers: plain-text output must hold none.
        for text in (a.title, a.summary, a.body):
            assert "\ufffd" not in text or folder.endswith("illformed"), (path, text[:80])
            assert not re.search(r"<script\b|<iframe\b", text, re.I), (path, text[:80])


# -- feedparser's edge cases: aggregate facts ----------------------------------


def _wellformed(corpus_dir: Path) -> list[Outcome]:
    return [o for o in outcomes(corpus_dir, f"{FP_TESTS}/wellformed") if (o.expect or "").startswith("not bozo")]


def test_wellformed_entry_tests_yield_entries(corpus_dir: Path) -> None:
    entry_tests = [o for o in _wellformed(corpus_dir) if "entries[" in (o.expect or "")]
    assert len(entry_tests) > 1000
    with_entries = sum(1 for o in entry_tests if o.entries)
    with_articles = sum(1 for o in entry_tests if o.articles)
    # Measured: 1,129 of 1,130 (the exception is a refused DOCTYPE entity); 447 give an
    # article, the rest test one element alone (an author, a date) and are rejected.
    assert with_entries / len(entry_tests) >= 0.99
    assert with_articles / len(entry_tests) >= 0.35


def test_wellformed_errors_are_only_refusals_or_unknown_formats(corpus_dir: Path) -> None:
    errors = {o.path: o.parsed.error for o in _wellformed(corpus_dir) if o.parsed and o.parsed.error}
    allowed = (REFUSAL, "not a recognised feed format")  # CDF has no items
    assert len(errors) <= 10, errors
    assert all(e.startswith(allowed) for e in errors.values()), errors


def _expected_literal(expect: str | None, key: str) -> str | None:
    """The string in `<key> == '...'` when that is the whole expectation (bar `not bozo and`)."""
    m = re.fullmatch(r"(?:not bozo and )?" + re.escape(key) + r" == (u?'(?:[^'\\]|\\.)*')", expect or "")
    return ast.literal_eval(m.group(1)) if m else None


def test_entity_tests_decode_titles(corpus_dir: Path) -> None:
    checked = mismatched = 0
    for o in outcomes(corpus_dir, f"{FP_TESTS}/entities"):
        want = _expected_literal(o.expect, "feed['title']")
        if want is not None:
            checked += 1
            mismatched += o.parsed is None or o.parsed.title != want
    assert checked > 200 and mismatched == 0


def test_encoding_tests_decode_titles(corpus_dir: Path) -> None:
    checked = 0
    for o in outcomes(corpus_dir, f"{FP_TESTS}/encoding"):
        assert o.parsed is not None
        titles = [o.parsed.title or ""] + [a.title for a in o.articles]
        assert not any("\ufffd" in t for t in titles), o.path
        want = _expected_literal(o.expect, "feed['title']")
        if want is not None:
            checked += 1
            assert o.parsed.title == want, o.path
    assert checked > 0


def test_plain_entry_titles_survive_normalisation(corpus_dir: Path) -> None:
    """Where feedparser's expected title is plain text, the stored title is exactly that."""
    checked = 0
    for o in _wellformed(corpus_dir):
        want = _expected_literal(o.expect, "entries[0]['title']")
        if want is None or re.search(r"[<>&]", want):
            continue
        checked += 1
        assert o.articles and o.articles[0].title == want.strip(), o.path
    assert checked >= 20


@pytest.mark.parametrize("name", ["atom/entry_title_text_plain_brackets.xml",
                                  "atom10/entry_title_text_plain_brackets.xml"])
def test_plain_text_title_keeps_angle_brackets(corpus_dir: Path, name: str) -> None:
    o = next(o for o in _wellformed(corpus_dir) if o.path.endswith(name))
    assert o.articles and o.articles[0].title == "History of the <blink> tag"


@pytest.mark.parametrize("name", ["sanitize/entry_title_embed.xml", "sanitize/entry_title_object.xml"])
def test_text_after_unclosed_embed_is_kept(corpus_dir: Path, name: str) -> None:
    o = next(o for o in _wellformed(corpus_dir) if o.path.endswith(name))
    assert o.articles and o.articles[0].title == "safe description"


# -- real feeds -----------------------------------------------------------------

REAL_FEEDS = {  # corpus path -> (outlet, minimum items)
    "node-feedparser/category-feed.xml": ("New York Times", 1),
    "rss-parser/input/guardian.rss": ("The Guardian", 50),
    "node-feedparser/wapowellness.xml": ("Washington Post", 25),
    "node-feedparser/mediacontent-dupes.xml": ("Daily Mail", 1),
    "node-feedparser/tpm.atom": ("Talking Points Memo", 20),
    "rss-parser/input/heise.atom": ("heise online", 15),
    "rss-parser/input/encoding.rss": ("Jornal de Notícias", 40),
    "rss-parser/input/reddit.rss": ("reddit", 20),
    "trafilatura/npr-technology-feed.json": ("NPR (JSON Feed)", 25),
}


@pytest.mark.parametrize("rel", sorted(REAL_FEEDS))
def test_real_feed_yields_dated_titled_articles(corpus_dir: Path, rel: str) -> None:
    outlet, minimum = REAL_FEEDS[rel]
    o = by_path(corpus_dir)[f"{FEEDS}/{rel}"]
    assert o.parsed is not None and o.parsed.error is None, o.parsed and o.parsed.error
    assert o.parsed.warning is None, f"{outlet}: {o.parsed.warning}"
    assert len(o.articles) >= minimum and not o.rejections, outlet
    for a in o.articles:
        assert a.title.strip() and a.url and a.url.startswith("http"), outlet
        assert a.published_at.tzinfo is not None and a.published_at.utcoffset() == timedelta(0)
        # The date comes from the feed itself, not the fetch-time fallback.
        assert a.evidence["published_at"].startswith("feed:"), (outlet, a.flags)
        assert a.published_at.year >= 2000, outlet


def test_sitemaps_are_not_taken_for_feeds(corpus_dir: Path) -> None:
    sitemaps = [o for o in outcomes(corpus_dir, FEEDS) if "/sitemaps/" in o.path]
    assert len(sitemaps) >= 7
    assert all(o.parsed is not None and not o.articles for o in sitemaps)


def test_html_page_is_reported_as_not_a_feed(corpus_dir: Path) -> None:
    o = by_path(corpus_dir)[f"{FEEDS}/rss-parser/input/unrecognized.rss"]
    assert o.parsed is not None and o.parsed.error and "HTML page" in o.parsed.error


def test_entries_without_content_are_rejected_with_reasons(corpus_dir: Path) -> None:
    nested = by_path(corpus_dir)[f"{FEEDS}/node-feedparser/illegally-nested.xml"]
    assert len(nested.articles) == 10 and nested.rejections  # 10 real items, empty nested shells
    missing = by_path(corpus_dir)[f"{FEEDS}/rss-parser/input/missing-fields.atom"]
    assert missing.rejections == ["entry has no title and no text"]


# -- encodings and compression ----------------------------------------------------

_MOJIBAKE = re.compile("[ÃÐÑ][\u0080-\u00bf]|\ufffd")


def test_windows_1251_feed_decodes_cyrillic(corpus_dir: Path) -> None:
    o = by_path(corpus_dir)[f"{FEEDS}/node-feedparser/iconv.xml"]
    assert len(o.articles) == 10
    assert o.articles[0].title == "В Бузулуке главные стройплощадки – детсад и Ледовый дворец"
    for a in o.articles:
        assert re.search("[а-яА-Я]", a.title) and not _MOJIBAKE.search(a.title + a.summary), a.title


def test_undeclared_latin1_feed_decodes_accents(corpus_dir: Path) -> None:
    # UOL: ISO-8859-1 bytes, no encoding declaration; salvaged as ill-formed.
    o = by_path(corpus_dir)[f"{FEEDS}/rss-parser/input/uolNoticias.rss"]
    assert len(o.articles) == 15 and o.parsed is not None and o.parsed.warning
    assert any(re.search("[çãéíóúâê]", a.title) for a in o.articles)
    assert not any(_MOJIBAKE.search(a.title + a.summary) for a in o.articles)


def test_portuguese_pubdates_are_parsed(corpus_dir: Path) -> None:
    o = by_path(corpus_dir)[f"{FEEDS}/rss-parser/input/uolNoticias.rss"]
    assert o.articles and all("date_from_fetch" not in a.flags for a in o.articles)


GZIPPED = f"{FEEDS}/node-feedparser/invalid-characters-gzipped.xml"


def test_gzipped_feed_content_once_decompressed(corpus_dir: Path) -> None:
    # Guards the corpus file itself: the gzip member holds a 25-item RSS feed (NSHipster).
    body = gzip.decompress((corpus_dir / GZIPPED).read_bytes())
    o = ingest(body, "https://nshipster.com/feed.xml", "application/rss+xml", GZIPPED)
    assert o.crash is None and len(o.articles) == 25


def test_gzipped_feed_is_decompressed(corpus_dir: Path) -> None:
    body = (corpus_dir / GZIPPED).read_bytes()
    assert body[:2] == b"\x1f\x8b"
    o = by_path(corpus_dir)[GZIPPED]
    assert o.parsed is not None and o.parsed.error is None and len(o.articles) == 25


def test_missing_content_type_is_not_ill_formed(corpus_dir: Path) -> None:
    body = (corpus_dir / FEEDS / "node-feedparser/rss2sample.xml").read_bytes()
    parsed = parse_feed(body, "http://liftoff.msfc.nasa.gov/rss", content_type="")
    assert len(parsed.entries) == 4 and parsed.warning is None


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_feedparser_tests_articles_all_reach_the_store(corpus_dir: Path, tmp_path: Path, backend: str,
                                                        request: pytest.FixtureRequest) -> None:
    """The feed path's last step too: every article of the 2,106 files is stored or a duplicate."""
    from models.db import open_database
    from newsagg.ingest import Ingestor

    url = f"sqlite:///{tmp_path / 'fp.db'}" if backend == "sqlite" else request.getfixturevalue("postgres_url")
    articles = [a for d in FP_SUBDIRS for o in outcomes(corpus_dir, f"{FP_TESTS}/{d}") for a in o.articles]
    assert len(articles) > 400  # most files test feed-level fields and have no items
    engine = open_database(url)
    try:
        result = Ingestor(engine, link_shows=False, dedupe=False).ingest(articles)
        with engine.connect() as conn:
            rows = conn.exec_driver_sql("SELECT count(*) FROM articles").scalar_one()
    finally:
        engine.dispose()
    assert sum(result.store.per_source.values()) == len(articles)
    assert rows == result.store.per_source[("corpus", "new")] > 0  # many files share example.com links
