"""Several writers storing the same articles at the same moment on PostgreSQL (as workers
on different machines do when two outlets syndicate one story, or a task is delivered
twice) end with one row per article and one 'new' in total per article.

Stories: two ingestors (each with its own in-memory story clusterer, as two workers have)
storing articles of one story at the same moment end with one story: the decide-and-store
step holds an advisory lock and first replays what the other stored.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.db import open_database
from models.schema import ArticleRow, SourceRow
from models.store import ArticleStore, StoreResult
from newsagg.records import Article

T0 = datetime(2016, 1, 17, 21, 5, tzinfo=timezone.utc)


def _article(n: int, source: str = "variety") -> Article:
    return Article(source=source, canonical_url=f"https://variety.com/a{n}/", url=f"https://variety.com/a{n}/",
                   title=f"Title {n}", published_at=T0, guid=f"https://variety.com/?p={n}", summary="s")


def _at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released at the same instant; each result, or the exception raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [RuntimeError("not run")] * len(calls)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = calls[i]()
        except BaseException as exc:  # noqa: BLE001 - reported by the callers' assertions
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _race(url: str, batches: list[list[Article]]) -> list[StoreResult | BaseException]:
    """Each batch in its own thread with its own engine, released at the same instant."""
    stores = [ArticleStore(open_database(url)) for _ in batches]
    for store in stores:  # connections open and source rows known: the race is on the articles
        store.source_ids({a.source for b in batches for a in b})
    results = _at_once([lambda i=i: stores[i].store(batches[i]) for i in range(len(batches))])
    for store in stores:
        store.engine.dispose()
    return results


def _counts(url: str) -> tuple[int, int]:
    engine = open_database(url)
    with Session(engine) as s:
        n = s.execute(select(func.count(ArticleRow.id), func.count(func.distinct(ArticleRow.canonical_url)))).one()
    engine.dispose()
    return n[0], n[1]


def test_two_writers_store_the_same_batch_at_once(postgres_url: str) -> None:
    batch = [_article(i) for i in range(200)]
    for _ in range(3):  # a few rounds: the race is timing-dependent
        results = _race(postgres_url, [list(batch), list(batch)])
        assert all(isinstance(r, StoreResult) for r in results), results
        ok = [r for r in results if isinstance(r, StoreResult)]
        assert sum(r.new for r in ok) in (0, 200)
        assert [r.ids for r in ok][0] == [r.ids for r in ok][1]  # both point at the same rows
    assert _counts(postgres_url) == (200, 200)


def test_many_writers_with_overlapping_batches(postgres_url: str) -> None:
    """Six writers, each a shuffled, overlapping half of 300 articles: no error, one row each,
    and exactly one writer counts each article as new."""
    rng = random.Random(7)
    pool = [_article(i) for i in range(300)]
    batches = [rng.sample(pool, 150) for _ in range(6)]
    results = _race(postgres_url, batches)
    assert all(isinstance(r, StoreResult) for r in results), results
    ok = [r for r in results if isinstance(r, StoreResult)]
    stored = {a.canonical_url for b in batches for a in b}
    assert sum(r.new for r in ok) == len(stored)
    assert sum(r.new + r.unchanged + r.updated for r in ok) == sum(len(b) for b in batches)
    if all(hasattr(r, "outcomes") for r in ok):  # per-article outcomes agree with the totals
        assert sum(r.outcomes.count("new") for r in ok) == len(stored)
    assert _counts(postgres_url) == (len(stored), len(stored))


def test_two_workers_create_the_same_source_at_once(postgres_url: str) -> None:
    results = _race_sources(postgres_url, ["fresh"] * 4)
    assert len(set(results)) == 1, results
    engine = open_database(postgres_url)
    with Session(engine) as s:
        assert s.execute(select(func.count(SourceRow.id)).where(SourceRow.name == "fresh")).scalar_one() == 1
    engine.dispose()


def _race_sources(url: str, names: list[str]) -> list[int]:
    stores = [ArticleStore(open_database(url)) for _ in names]
    out = _at_once([lambda i=i: stores[i].store([_article(1000 + i, source=names[i])]).ids[0] and
                    stores[i].source_ids([names[i]])[names[i]] for i in range(len(names))])
    for store in stores:
        store.engine.dispose()
    return out


def _story_article(source: str, n: int, minute: int) -> Article:
    body = ("Netflix has renewed Marvel's Jessica Jones for a second season of 13 episodes, the streaming "
            "service said on Sunday at the Television Critics Association winter press tour in Pasadena. "
            "Krysten Ritter returns as the private investigator and showrunner Melissa Rosenberg is back. ")
    return Article(source=source, canonical_url=f"https://{source}.com/jj-{n}/", url=f"https://{source}.com/jj-{n}/",
                   title=f"Netflix renews Jessica Jones for season 2 ({source})",
                   published_at=T0.replace(minute=minute), guid=f"{source}-{n}", summary="",
                   body=body + f"Report {n} by {source} with its own closing line about Daredevil and Luke Cage.")


def test_two_ingestors_storing_one_story_at_once_make_one_story(postgres_url: str) -> None:
    from models.schema import StoryRow
    from newsagg.ingest import Ingestor

    ingestors = [Ingestor(open_database(postgres_url), link_shows=False) for _ in range(2)]
    batches = [[_story_article("variety", 1, 5)], [_story_article("deadline", 2, 30)]]
    results = _at_once([lambda i=i: ingestors[i].ingest(batches[i]) for i in range(2)])
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors
    engine = open_database(postgres_url)
    with Session(engine) as s:
        stories = s.execute(select(StoryRow.article_count, StoryRow.source_count)).all()
        story_ids = set(s.scalars(select(ArticleRow.story_id)))
    engine.dispose()
    for ing in ingestors:
        ing.engine.dispose()
    assert [tuple(r) for r in stories] == [(2, 2)] and len(story_ids) == 1


def test_two_processes_seeding_an_empty_catalogue_seed_it_once(postgres_url: str) -> None:
    from models.schema import ShowRow
    from newsagg.shows.catalogue import load_starter_catalogue
    from newsagg.shows.store import ensure_catalogue

    engines = [open_database(postgres_url) for _ in range(2)]

    def seed(engine: Any) -> None:
        with Session(engine) as session:
            ensure_catalogue(session)
            session.commit()

    errors = [r for r in _at_once([lambda e=e: seed(e) for e in engines]) if isinstance(r, BaseException)]
    with Session(engines[0]) as s:
        count = s.scalar(select(func.count(ShowRow.id)))
    for e in engines:
        e.dispose()
    assert not errors and count == len(load_starter_catalogue())


# Extraction in a process pool (newsagg/extraction_pool.py): a process that dies costs one task.

def _upper_or_die(text: str) -> str:
    if text == "die":
        import os

        os._exit(3)  # as a segfault or an OOM kill would: no exception, the process is gone
    return text.upper()


def test_extraction_pool_process_crash_costs_only_its_page() -> None:
    import pytest

    from newsagg.extraction_pool import ExtractionCrashed, ExtractionPool

    pool = ExtractionPool(2)
    try:
        before = [pool.submit(_upper_or_die, f"page{i}") for i in range(3)]
        fatal = pool.submit(_upper_or_die, "die")
        after = [pool.submit(_upper_or_die, f"later{i}") for i in range(3)]
        with pytest.raises(ExtractionCrashed):
            fatal.result(timeout=120)
        assert [f.result(timeout=120) for f in before] == [f"PAGE{i}" for i in range(3)]
        assert [f.result(timeout=120) for f in after] == [f"LATER{i}" for i in range(3)]
        # the pool was rebuilt: it goes on working, and an ordinary exception stays that page's own
        assert pool.submit(_upper_or_die, "next").result(timeout=120) == "NEXT"
        with pytest.raises(AttributeError):
            pool.submit(_upper_or_die, None).result(timeout=120)
    finally:
        pool.shutdown()


def test_a_story_folded_into_another_in_the_same_batch_takes_its_articles_along(tmp_path, corpus_dir) -> None:
    """Overlapping real texts make stories merge inside one batch: the articles decided into the
    folded story earlier in the batch go to the survivor (no dangling story id)."""
    import gzip
    import re
    from datetime import timedelta

    from newsagg.ingest import Ingestor
    from models.schema import StoryRow

    pages = sorted((corpus_dir / "article-extraction-dev" / "html").glob("*.html.gz"))[:10]
    words = " ".join(" ".join(re.sub(r"<[^>]+>", " ", gzip.decompress(p.read_bytes()).decode("utf-8", "replace"))
                              .split()[:2000]) for p in pages).split()
    engine = open_database(str(tmp_path / "stories.db"))
    ingestor = Ingestor(engine, link_shows=False)
    for batch in range(8):
        articles = []
        for n in range(batch * 25, batch * 25 + 25):
            story = n // 2
            articles.append(Article(
                source="w", canonical_url=f"https://w.example/{n}", url=f"https://w.example/{n}",
                title=f"Story {story} " + " ".join(words[story % 900:story % 900 + 8]), guid=f"g{n}", summary="s",
                published_at=T0 + timedelta(minutes=n), body=" ".join(words[story * 37 % 5000:story * 37 % 5000 + 250])))
        ingestor.ingest(articles)
    with Session(engine) as session:
        stories = set(session.scalars(select(StoryRow.id)))
        assigned = list(session.scalars(select(ArticleRow.story_id)))
    engine.dispose()
    assert len(assigned) == 200 and set(assigned) <= stories and None not in assigned
    assert len(set(assigned)) < 100  # the overlaps did merge stories


def test_a_story_decided_after_a_later_writers_commit_is_replayed_by_it(postgres_url: str) -> None:
    """Writers insert their articles before they take the story lock, so an article's id no longer
    tells when its story was decided. Writer A inserts first (the lower id) but decides after B
    committed; B must still learn A's decision: B's next article, a word-for-word copy of A's, is
    marked a copy of A's article (not of B's own, whose text differs in a sentence)."""
    from dataclasses import replace

    from models.schema import StoryRow
    from newsagg.ingest import Ingestor

    a, b = (Ingestor(open_database(postgres_url), link_shows=False) for _ in range(2))
    inserted, go_on = threading.Event(), threading.Event()
    prepare = a.stories.prepare

    def paused(articles: list[Article]) -> Any:
        inserted.set()  # A's article is in (its id taken), its story not decided yet
        go_on.wait(30)
        return prepare(articles)

    a.stories.prepare = paused  # type: ignore[method-assign]
    first = _story_article("variety", 1, 5)
    writer_a = threading.Thread(target=a.ingest, args=([first],))
    writer_a.start()
    assert inserted.wait(30)
    b.ingest([_story_article("deadline", 2, 30)])  # B inserts, decides and commits while A waits
    go_on.set()
    writer_a.join(30)
    copy = replace(first, source="tvline", canonical_url="https://tvline.com/jj-3/", url="https://tvline.com/jj-3/",
                   guid="tvline-3", published_at=T0.replace(minute=40))
    b.ingest([copy])
    engine = open_database(postgres_url)
    with Session(engine) as s:
        ids = dict(s.execute(select(ArticleRow.canonical_url, ArticleRow.id)).all())
        copy_of = s.execute(select(ArticleRow.duplicate_of_id)
                            .where(ArticleRow.canonical_url == copy.canonical_url)).scalar()
        stories = s.execute(select(StoryRow.article_count)).scalars().all()
    engine.dispose()
    for ing in (a, b):
        ing.engine.dispose()
    assert ids[first.canonical_url] < ids["https://deadline.com/jj-2/"]  # A's id came first
    assert copy_of == ids[first.canonical_url]
    assert stories == [3]


def test_extraction_pool_is_sized_to_the_cores_the_process_may_use() -> None:
    """A worker pinned to one core (taskset, a cgroup cpuset) gets a one-process pool, not one
    process per core of the machine fighting over its single core."""
    import os
    import subprocess
    import sys

    if len(os.sched_getaffinity(0)) < 2:
        import pytest

        pytest.skip("needs a process allowed on at least 2 cores")
    code = ("import os; from newsagg.extraction_pool import pool_size; a = pool_size(); "
            "os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); print(a, pool_size())")
    env = {k: v for k, v in os.environ.items() if k != "NEWSAGG_EXTRACT_PROCESSES"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert out.split() == [str(len(os.sched_getaffinity(0))), "1"]
