"""Finding 3: one poison item must cost nothing but itself, on real SQLite and PostgreSQL.

Text poison (NUL, lone surrogates, non-characters, controls) is cleaned in one place
before storage; an item that still cannot be stored is retried alone and reported
against its own source, by key, in one line.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from models.db import open_database
from newsagg.ingest import Ingestor
from newsagg.integrity import check_integrity
from newsagg.normalize.hygiene import TEXT_CAPS, UnstorableArticle, clean_text, sanitise_article
from newsagg.records import Article

T0 = datetime(2016, 1, 17, 21, 5, tzinfo=timezone.utc)
POISON = "\x00\udfff\ud800\ufffe\U0010ffff\x1b]52;c;aGk=\x07\x08"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "t.db")
    return request.getfixturevalue("postgres_url")


def _article(source: str, n: int, **kw: object) -> Article:
    base: dict[str, object] = dict(source=source, canonical_url=f"https://{source}.com/{n}/", url=f"https://{source}.com/{n}/",
                                   title=f"{source} story number {n}", published_at=T0 + timedelta(minutes=n),
                                   body=f"Body of {source} story {n} " * 20, summary=f"Teaser {n}")
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


def test_poison_text_is_cleaned_and_nothing_is_lost(db_url: str) -> None:
    engine = open_database(db_url)
    batch = [_article("good", n) for n in range(200)]
    batch += [_article("poison", n, title=f"Poison{POISON} title {n}", body=f"Body {POISON} " * 30,
                       authors=[f"Jane{POISON}"], tags=[POISON + "TV"], evidence={"title": POISON},
                       flags=[f"bad_date:{POISON}"]) for n in range(0, 200, 7)]
    result = Ingestor(engine, link_shows=False).ingest(batch)
    assert not result.failures
    assert result.store.new == len(batch)
    with engine.connect() as conn:
        titles = [r[0] for r in conn.execute(text("SELECT a.title FROM articles a JOIN sources s ON s.id = a.source_id "
                                                  "WHERE s.name = 'poison' ORDER BY a.id"))]
        flags = conn.execute(text("SELECT flags FROM articles WHERE title LIKE 'Poison%' LIMIT 1")).scalar()
    assert len(titles) == len(range(0, 200, 7))
    assert titles[0] == "Poison]52;c;aGk= title 0"  # the controls and the non-characters are gone, text stays
    assert "text_cleaned" in (flags if isinstance(flags, list) else __import__("json").loads(flags))


def test_unstorable_items_cost_only_themselves(db_url: str) -> None:
    engine = open_database(db_url)
    good = [_article("variety", n) for n in range(150)] + [_article("deadline", n) for n in range(150)]
    bad = [_article("deadline", 1000, published_at=datetime(2016, 1, 17)),            # naive date
           _article("deadline", 1001, published_at=datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=5)))),
           _article("deadline", 1002, canonical_url="https://deadline.com/" + "x" * 3000)]  # key too long
    batch = good[:100] + bad[:1] + good[100:200] + bad[1:] + good[200:]
    result = Ingestor(engine).ingest(batch)
    assert result.store.new == len(good)
    assert sorted(f.key[:40] for f in result.failures) == sorted(a.canonical_url[:40] for a in bad)
    assert {f.source for f in result.failures} == {"deadline"}
    for failure in result.failures:
        line = failure.line()
        assert "\n" not in line and len(line) < 700 and "Article(" not in line  # by key, never by repr
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM articles")).scalar() == len(good)
    assert not check_integrity(engine)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec=None), max_size=200))
def test_clean_text_leaves_only_storable_characters(value: str) -> None:
    cleaned = clean_text(value)
    cleaned.encode("utf-8")  # no lone surrogate left
    assert "\x00" not in cleaned and not any(0xFDD0 <= ord(c) <= 0xFDEF or ord(c) & 0xFFFE == 0xFFFE for c in cleaned)
    assert clean_text(cleaned) == cleaned
    kept = [c for c in value if c.isprintable() and not 0xD800 <= ord(c) <= 0xDFFF]
    assert all(c in cleaned for c in kept if not (0xFDD0 <= ord(c) <= 0xFDEF or ord(c) & 0xFFFE == 0xFFFE))


def test_surrogate_pairs_are_joined_and_fields_capped() -> None:
    a = sanitise_article(_article("s", 1, title="Hi \ud83d\ude00", body="b" * 500_000, summary="s" * 50_000,
                                  tags=["t" * 1000] * 80))
    assert a.title == "Hi \U0001f600"
    assert len(a.body) == TEXT_CAPS["body"] and len(a.summary) == TEXT_CAPS["summary"]
    assert len(a.tags) == 50 and len(a.tags[0]) == 200
    with pytest.raises(UnstorableArticle):
        sanitise_article(_article("s", 2, title="\x00\ud800"))


def test_another_source_cannot_overwrite_a_stored_article(db_url: str) -> None:
    """Found while attacking the store: any feed listing another outlet's URL rewrote its article."""
    engine = open_database(db_url)
    store = Ingestor(engine, link_shows=False).store
    store.store([_article("variety", 1, title="The real headline")])
    relisted = store.store([_article("spammer", 1, canonical_url="https://variety.com/1/", title="HACKED")])
    assert relisted.outcomes == ["duplicate"]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT s.name, a.title FROM articles a JOIN sources s ON s.id = a.source_id")
                            ).all() == [("variety", "The real headline")]
