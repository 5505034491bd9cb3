"""The story writer under random batches, merges, copies and kills (hypothesis), on real SQLite.

After every step (a batch stored, or a batch killed at a commit point) the invariants
of `newsagg check` hold, and after a rerun every article is stored exactly once.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from models.db import open_database
from newsagg import faults
from newsagg.faults import InjectedFault
from newsagg.ingest import Ingestor
from newsagg.integrity import check_integrity, repair
from newsagg.records import Article

T0 = datetime(2016, 1, 17, 9, 0, tzinfo=timezone.utc)
# Few words, many shared: stories form, grow across batches and merge inside one batch.
NAMES = ["Ritter", "Netflix", "Marvel", "Krysten", "Defenders", "Jessica", "Showrunner", "Renewal",
         "Casting", "Premiere", "Trailer", "Season"]
FILLER = "the studio said on monday that the series will return with new episodes after a long wait".split()
SOURCES = ["variety", "deadline", "tvline"]

# One article: (title words as indexes into NAMES, copy of an earlier article's text?, source, hours after T0)
article_spec = st.tuples(st.lists(st.integers(0, len(NAMES) - 1), min_size=2, max_size=4),
                         st.booleans(), st.integers(0, 2), st.integers(0, 72))
batches = st.lists(st.lists(article_spec, min_size=1, max_size=12), min_size=1, max_size=6)
# Where a batch dies: (batch index, fault point); none, or one per run.
kills = st.one_of(st.none(), st.tuples(st.integers(0, 5), st.sampled_from(faults.POINTS)))


def _articles(spec: list[list[tuple]], seed: int) -> list[list[Article]]:
    rng = random.Random(seed)
    out: list[list[Article]] = []
    bodies: list[str] = []
    n = 0
    for batch in spec:
        arts = []
        for words, copy, source, hours in batch:
            title = " ".join(NAMES[w] for w in words) + " news"
            if copy and bodies:
                body = rng.choice(bodies)  # a syndicated copy: same text, another URL
            else:
                body = " ".join(rng.choice(FILLER + [NAMES[w] for w in words]) for _ in range(60))
                bodies.append(body)
            # Every tenth spec repeats an earlier URL: the same article seen again.
            key = n - 1 if n % 10 == 9 else n
            arts.append(Article(source=SOURCES[source], canonical_url=f"https://{SOURCES[source]}.com/{key}/",
                                url=f"https://{SOURCES[source]}.com/{key}/", title=title,
                                published_at=T0 + timedelta(hours=hours), body=body, summary=body[:80]))
            n += 1
        out.append(arts)
    return out


def _assert_invariants(engine) -> None:  # type: ignore[no-untyped-def]
    problems = check_integrity(engine)
    assert not problems, [p.line() for p in problems]


def _killing(point: str):  # type: ignore[no-untyped-def]
    def hook(name: str) -> None:
        if name == point:
            raise InjectedFault(name)
    return hook


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=batches, kill=kills, seed=st.integers(0, 1000))
def test_story_writer_keeps_invariants_through_merges_and_kills(tmp_path_factory: pytest.TempPathFactory,
                                                                spec: list, kill: tuple | None, seed: int) -> None:
    engine = open_database(str(tmp_path_factory.mktemp("stories") / "s.db"))
    stored_batches = _articles(spec, seed)
    ingestor = Ingestor(engine)
    try:
        for i, batch in enumerate(stored_batches):
            if kill is not None and kill[0] == i:
                faults.hook = _killing(kill[1])
                with pytest.raises(InjectedFault):
                    ingestor.ingest(batch)
                faults.hook = None
                # A killed process starts over: a fresh ingestor reloads from the database.
                ingestor = Ingestor(engine)
            else:
                ingestor.ingest(batch)
            _assert_invariants(engine)
        # The rerun: every feed read again, nothing new is lost or doubled.
        rerun = Ingestor(engine)
        for batch in _articles(spec, seed):
            rerun.ingest(batch)
        _assert_invariants(engine)
        keys = {a.canonical_url for b in stored_batches for a in b}
        with engine.connect() as conn:
            stored = [r[0] for r in conn.execute(text("SELECT canonical_url FROM articles"))]
            members = conn.execute(text("SELECT sum(article_count) FROM stories")).scalar()
        assert sorted(stored) == sorted(keys)
        assert members == len(keys)
    finally:
        faults.hook = None
        engine.dispose()


def test_merge_inside_one_batch_has_no_foreign_key_failure(tmp_path: Path) -> None:
    """Finding 4: stories merged inside a batch were deleted while earlier decisions pointed at them."""
    engine = open_database(str(tmp_path / "m.db"))
    rng = random.Random(0)  # this stream merges stories decided earlier in the same batch
    batch = []
    for n in range(300):
        words = rng.sample(NAMES, 2)
        body = " ".join(rng.choice(FILLER + words) for _ in range(60))
        batch.append(Article(source=SOURCES[n % 3], canonical_url=f"https://x{n % 3}.com/{n}/", url=None,
                             title=" ".join(words), published_at=T0 + timedelta(minutes=n), body=body))
    result = Ingestor(engine, link_shows=False).ingest(batch)
    assert result.store.new == 300 and not result.failures
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM articles WHERE story_id IS NULL")).scalar() == 0
        merged = conn.execute(text("SELECT count(*) FROM stories WHERE article_count > 1")).scalar()
    assert merged > 0
    problems = [p for p in check_integrity(engine) if "linked to shows" not in p.name]
    assert not problems, [p.line() for p in problems]


def test_check_finds_and_repair_fixes_broken_rows(tmp_path: Path) -> None:
    engine = open_database(str(tmp_path / "r.db"))
    batch = _articles([[([0, 1], False, 0, 1), ([0, 1, 2], False, 1, 2), ([5, 6], False, 2, 3)]], 1)[0]
    Ingestor(engine).ingest(batch)
    _assert_invariants(engine)
    with engine.begin() as conn:  # what a kill between the old three transactions left behind, and worse
        conn.execute(text("DELETE FROM article_signatures WHERE article_id = 1"))
        conn.execute(text("DELETE FROM article_show_scans WHERE article_id = 2"))
        conn.execute(text("UPDATE articles SET story_id = NULL WHERE id = 3"))
        conn.execute(text("UPDATE stories SET article_count = 7"))
        conn.execute(text("INSERT INTO articles_fts(articles_fts, rowid, title, summary, body) "
                          "VALUES ('delete', 2, (SELECT title FROM articles WHERE id = 2), "
                          "(SELECT summary FROM articles WHERE id = 2), (SELECT body FROM articles WHERE id = 2))"))
    names = {p.name for p in check_integrity(engine)}
    assert {"articles without a signature", "articles never linked to shows", "articles without a story",
            "stories whose counts do not match their members (story ids)",
            "articles missing from the full-text index"} <= names
    repair(engine)
    _assert_invariants(engine)


def test_check_and_health_commands_report_and_repair(tmp_path: Path) -> None:
    from conftest import run_here

    db = tmp_path / "c.db"
    engine = open_database(str(db))
    Ingestor(engine).ingest(_articles([[([0, 1], False, 0, 1), ([3, 4], False, 1, 2)]], 2)[0])
    with engine.begin() as conn:
        conn.execute(text("UPDATE articles SET story_id = NULL WHERE id = 2"))
    engine.dispose()
    check = run_here("check", "--db", str(db))
    assert check.returncode == 1
    assert "broken: articles without a story: 1 (ids 2)" in check.stdout.splitlines()
    health = run_here("health", "--db", str(db))
    assert health.returncode == 1 and "broken: articles without a story: 1 (ids 2)" in health.stdout
    repaired = run_here("check", "--repair", "--db", str(db))
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "repaired: decided stories and signatures of 1 articles" in repaired.stdout
    assert run_here("check", "--db", str(db)).stdout.strip() == "ok: every invariant holds"
