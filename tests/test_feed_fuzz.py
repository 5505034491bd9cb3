"""Fuzz the feed path: generated RSS, Atom and JSON Feed documents with random structure,
types, encodings and hostile strings go through parse, normalise and store on SQLite
and PostgreSQL. No exception escapes; every item is stored, counted as a duplicate, or
rejected with a reason; the feed's own failure is one line."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.db import open_database
from models.schema import ArticleRow
from newsagg.feeds import parse_feed
from newsagg.ingest import Ingestor
from newsagg.normalize.article import EntryRejected, normalise_entry

HOSTILE = [
    "<script>alert(1)</script>", "]]>", "&amp;&lt;&#0;&#x1F600;", "&undefined;", "\x1b]52;c;aGk=\x07",
    "\x1b[31mred", "[/bold]", "[link=file:///etc/passwd]x[/link]", "javascript:alert(1)", "http://127.0.0.1/",
    "\u202eevil", "\ufeff", "\x00", "\ud800", "\uffff", "x" * 5000, "<!DOCTYPE x [<!ENTITY a 'b'>]>",
    "%s%n{0}", "'; DROP TABLE articles; --", "Mon, 01 Jan 0001 00:00:00 GMT", "-1", "9999-12-31T23:59:59-05:00",
    "2016-01-17T21:05:00Z", "Sun, 17 Jan 2016 21:05:00 +0000", "/relative/link", "//e.com/x", "", " ",
]
text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
links = st.one_of(st.none(), text, st.builds(lambda n: f"http://fuzz.example/a/{n}", st.integers(0, 30)))
json_value = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), text),
                          lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                  st.dictionaries(st.text(max_size=5), inner, max_size=3)),
                          max_leaves=8)


def _xml_field(tag: str, value: str | None, raw: bool) -> str:
    if value is None:
        return ""
    return f"<{tag}>{value if raw else escape(value)}</{tag}>"


@st.composite
def xml_feeds(draw: st.DrawFn) -> tuple[bytes, str]:
    atom = draw(st.booleans())
    raw = draw(st.booleans())  # unescaped text: ill-formed documents too
    items = []
    for _ in range(draw(st.integers(0, 6))):
        fields = {name: draw(st.one_of(st.none(), text)) for name in ("title", "guid", "summary", "date", "author",
                                                                      "category")}
        link = draw(links)
        if atom:
            items.append("<entry>" + _xml_field("title", fields["title"], raw) + _xml_field("id", fields["guid"], raw)
                         + (f'<link href="{escape(link, {chr(34): "&quot;"})}"/>' if link is not None else "")
                         + _xml_field("summary", fields["summary"], raw) + _xml_field("updated", fields["date"], raw)
                         + (f"<author>{_xml_field('name', fields['author'], raw)}</author>" if fields["author"] else "")
                         + "</entry>")
        else:
            items.append("<item>" + _xml_field("title", fields["title"], raw) + _xml_field("link", link, raw)
                         + _xml_field("guid", fields["guid"], raw) + _xml_field("description", fields["summary"], raw)
                         + _xml_field("pubDate", fields["date"], raw) + _xml_field("author", fields["author"], raw)
                         + _xml_field("category", fields["category"], raw) + "</item>")
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "utf-32", "iso-8859-1", "windows-1252"]))
    title = escape(draw(text))
    body = ('<feed xmlns="http://www.w3.org/2005/Atom"><title>' + title + "</title>" + "".join(items) + "</feed>"
            if atom else f'<rss version="2.0"><channel><title>{title}</title>{"".join(items)}</channel></rss>')
    declared = f'<?xml version="1.0" encoding="{encoding}"?>' + body
    data = declared.encode(encoding, errors="replace") if encoding != "utf-8" else \
        declared.encode("utf-8", errors="surrogatepass")
    return data, "application/atom+xml" if atom else "application/rss+xml"


@st.composite
def json_feeds(draw: st.DrawFn) -> tuple[bytes, str]:
    items: list[Any] = []
    for _ in range(draw(st.integers(0, 6))):
        item = {key: draw(st.one_of(text, json_value)) for key in draw(st.lists(st.sampled_from(
            ["id", "title", "summary", "content_html", "content_text", "date_published", "authors", "author",
             "tags", "image", "language", "external_url"]), max_size=6, unique=True))}
        item["url"] = draw(st.one_of(links, json_value))
        items.append(draw(st.one_of(st.just(item), json_value)))
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": draw(st.one_of(text, json_value)), "items": items}
    data = json.dumps(doc).encode()  # \ud800 and \x00 travel as JSON escapes
    return data, "application/feed+json"


feeds = st.one_of(xml_feeds(), json_feeds()).flatmap(
    lambda doc: st.sampled_from([doc, (gzip.compress(doc[0]), doc[1])]))


def _check(ingestor: Ingestor, body: bytes, content_type: str) -> None:
    parsed = parse_feed(body, "http://fuzz.example/feed", source="fuzz", content_type=content_type)
    if parsed.error:
        assert "\n" not in parsed.error and len(parsed.error) <= 500 and not parsed.entries
    articles, rejected = [], []
    for entry in parsed.entries:
        try:
            articles.append(normalise_entry(entry))
        except EntryRejected as exc:
            rejected.append(str(exc))
    assert all(rejected) and all("\n" not in e for e in parsed.item_errors)
    result = ingestor.ingest(articles)
    # Items the store refuses (text hygiene, item-by-item retry) come back with a reason each.
    failures = getattr(result, "failures", [])
    assert all(f.reason and "\n" not in f.reason for f in failures)
    outcomes = sum(result.store.per_source.values())
    assert outcomes + len(failures) == len(articles), (result.store.per_source, failures)
    with Session(ingestor.engine) as session:
        stored = set(session.execute(select(ArticleRow.canonical_url)).scalars())
    refused = {f.key for f in failures}  # outcomes are those of the items that reached the store
    kept = [a for a in articles if a.canonical_url not in refused]
    assert [a.canonical_url for a, o in zip(kept, result.store.outcomes) if o == "new"
            and a.canonical_url not in stored] == []


FUZZ = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])


@pytest.fixture
def sqlite_ingestor(tmp_path: Path) -> Iterator[Ingestor]:
    engine = open_database(f"sqlite:///{tmp_path / 'fuzz.db'}")
    yield Ingestor(engine, link_shows=False, dedupe=False)
    engine.dispose()


@pytest.fixture
def postgres_ingestor(postgres_url: str) -> Iterator[Ingestor]:
    engine = open_database(postgres_url)
    yield Ingestor(engine, link_shows=False, dedupe=False)
    engine.dispose()


@FUZZ
@given(doc=feeds)
def test_fuzzed_feeds_through_parse_normalise_store_sqlite(sqlite_ingestor: Ingestor, doc: tuple[bytes, str]) -> None:
    _check(sqlite_ingestor, *doc)


@FUZZ
@given(doc=feeds)
def test_fuzzed_feeds_through_parse_normalise_store_postgres(postgres_ingestor: Ingestor,
                                                             doc: tuple[bytes, str]) -> None:
    _check(postgres_ingestor, *doc)
