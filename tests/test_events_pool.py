"""TV-event extraction of a crawl's batches in the extraction process pool (newsagg.ingest.PendingEvents):
the same events as on the storing thread, the pool started only for batches worth it, and a process
that dies on an item costing that item alone. Real processes, real SQLite, real corpus headlines."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from models.db import open_database
from newsagg.extraction_pool import ExtractionPool
from newsagg.ingest import POOLED_EVENTS_MIN, Ingestor
from newsagg.records import Article

pytestmark = pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2,
                                reason="event extraction goes to the pool only with a core to spare")
POISON = "POISON"


def corpus_articles(corpus_dir: Path, count: int) -> list[Article]:
    """Real entertainment-news items (headline, description, date): first those labelled with events."""
    base = corpus_dir / "entertainment-news"
    labelled = {l["id"] for l in map(json.loads, (base / "labels.jsonl").read_text("utf-8").splitlines())
                if l.get("events")}
    items = [json.loads(line) for line in (base / "items.jsonl").read_text("utf-8").splitlines() if line.strip()]
    items.sort(key=lambda it: it["id"] not in labelled)
    out = []
    for it in items[:count]:
        url = f"http://127.0.0.1/corpus/{it['id']}"
        out.append(Article(source="corpus", url=url, canonical_url=url, title=it["headline"],
                           summary=it.get("short_description") or "", body="",
                           published_at=datetime.fromisoformat(it["date"]).replace(hour=12, tzinfo=timezone.utc)))
    return out


def stored_events(engine: Any) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(
            "SELECT a.canonical_url, e.show_id, e.type, e.season, e.status, e.announced, e.people, e.network, "
            "e.evidence, e.confidence, e.is_new, e.found_in FROM events e JOIN articles a ON a.id = e.article_id "
            "ORDER BY a.canonical_url, e.type, e.show_id"))]


def stored_facts(engine: Any) -> list[tuple]:
    with engine.connect() as conn:
        return sorted((tuple(r) for r in conn.execute(text(
            "SELECT show_id, type, season, status, announced, people, report_count, first_published_at "
            "FROM event_facts"))), key=repr)  # a season may be NULL


def test_events_extracted_in_the_pool_are_those_extracted_on_the_storing_thread(tmp_path, corpus_dir) -> None:
    articles = corpus_articles(corpus_dir, 240)
    inline_engine = open_database(str(tmp_path / "inline.db"))
    pooled_engine = open_database(str(tmp_path / "pooled.db"))
    pool = ExtractionPool(1)
    try:
        inline = Ingestor(inline_engine, pool=None)
        pooled = Ingestor(pooled_engine, pool=pool)
        small, rest = articles[:5], articles[5:]
        for ingestor in (inline, pooled):
            ingestor.ingest(small)
        assert not pool.used  # a handful of items costs less here than starting processes
        results = [ingestor.ingest(rest) for ingestor in (inline, pooled)]
        assert results[1].linked >= POOLED_EVENTS_MIN and pool.used
        assert results[1].cpu["events_pool"] > 0 and "events_pool" not in results[0].cpu
        assert [r.events for r in results][0] == results[1].events
        events = stored_events(inline_engine)
        assert len({e[0] for e in events}) >= 15  # real headlines with events: not an empty comparison
        assert stored_events(pooled_engine) == events
        assert stored_facts(pooled_engine) == stored_facts(inline_engine)
    finally:
        pool.shutdown()
        inline_engine.dispose()
        pooled_engine.dispose()


def _die_on_poison(fn: Callable[[list[Any]], Any], items: list[Any]) -> Any:
    """Runs in the pool process: dies as a segfault or an OOM kill would when a poison item is in the task."""
    if any(item[0].startswith(POISON) for item in items):
        os._exit(3)
    return fn(items)


class PoisonedPool(ExtractionPool):
    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return super().submit(_die_on_poison, fn, *args, **kwargs)


def test_a_pool_process_dying_on_an_item_costs_that_item_alone(tmp_path, corpus_dir) -> None:
    articles = corpus_articles(corpus_dir, 120)
    good = articles[0]
    poison = Article(source="corpus", url="http://127.0.0.1/corpus/poison", canonical_url="http://127.0.0.1/corpus/poison",
                     title=f"{POISON} {good.title}", summary=good.summary, body="", published_at=good.published_at)
    engine = open_database(str(tmp_path / "poison.db"))
    pool = PoisonedPool(1)
    try:
        result = Ingestor(engine, pool=pool).ingest(articles[:60] + [poison] + articles[60:])
        assert [(f.key, f.reason.split(":")[0]) for f in result.failures] == [(poison.canonical_url, "ExtractionCrashed")]
        with engine.connect() as conn:
            stored = set(conn.execute(text("SELECT canonical_url FROM articles")).scalars())
        assert stored == {a.canonical_url for a in articles}
        assert result.events > 0 and stored_events(engine)
    finally:
        pool.shutdown()
        engine.dispose()
