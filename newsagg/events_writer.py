"""TV events against the database: extract with newsagg.events, hand plain values to models.events.

- event_inputs, store_events: the ingest hook, for freshly linked articles, in the caller's transaction
  (extraction between them, in newsagg.ingest: in the extraction pool when one is running);
- fold_batch: what both use to store a batch's events (folding in newsagg.event_fold, in memory);
- reprocess: re-extract every stored article after rule changes and rebuild the facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from models import events as store
from newsagg.event_fold import Folder
from newsagg.events import CatalogueNames, Event, EventInput, ShowNames, extract_events


def event_values(e: Event) -> dict[str, Any]:
    """An extracted Event as the column values models.events writes."""
    return {"show_id": e.show_id, "type": e.type, "season": e.season, "status": e.status,
            "announced": (e.date or None) and e.date[:10], "people": list(e.people), "network": e.network,
            "evidence": e.evidence, "confidence": e.confidence, "is_new": e.new, "found_in": e.field}


def _values(events: Sequence[Event]) -> list[dict[str, Any]]:
    return [event_values(e) for e in events]


def fold_batch(session: Session, items: Sequence[tuple[int, datetime, int | None, int | None, Sequence[Event]]],
               *, read_all: bool = False) -> int:
    """Replace the events of a batch of articles (id, published_at, story id, source id, events), given
    oldest first, and fold them into facts: one read of what they can touch (a fact's reports only
    when it must: newsagg.event_fold), folding in memory, bulk writes (no commit). read_all: read
    every report of every fact touched first (what the tests compare with). Returns the events stored."""
    if not items:
        return 0
    values = [(aid, at, story, source, _values(events)) for aid, at, story, source, events in items]
    pairs = {(v["show_id"], v["type"]) for *_, vs in values for v in vs}
    detailed: dict[tuple[int, str], datetime] = {}
    for _aid, at, _story, _source, vs in values:
        for v in vs:
            key = (v["show_id"], v["type"])
            if (v["people"] or v["announced"]) and (key not in detailed or at < detailed[key]):
                detailed[key] = at
    facts, reports, summaries = store.fold_state(
        session, pairs, min(i[1] for i in items), max(i[1] for i in items), [i[0] for i in items],
        [i[2] for i in items if i[2] is not None], read_all=read_all, detailed=detailed)
    folder = Folder(facts, reports, store.FOLD_WINDOW, summaries=summaries,
                    load=lambda ids: store.fact_reports(session, ids))
    for aid, at, story, source, vs in values:
        folder.article(aid, at, story, source, vs)
    c = folder.changes()
    store.write_fold(session, c.articles, c.new_facts, c.updated_facts, c.deleted_facts, c.moved_reports,
                     c.new_reports)
    return sum(len(vs) for *_, vs in values)


@dataclass
class ReprocessResult:
    articles: int = 0
    events: int = 0
    facts: int = 0


def reprocess(session: Session, since: datetime | None = None, batch: int = 500) -> ReprocessResult:
    """Re-extract events of stored articles (all, or published since a time) with the current rules,
    oldest first so that facts keep their first reporter. Commits."""
    ids = store.article_ids(session, since)
    result = ReprocessResult()
    if since is None:
        store.delete_all(session)
    for start in range(0, len(ids), batch):
        items = []
        for art in store.articles(session, ids[start:start + batch]):
            links = store.stored_links(session, art.id)
            names = {sid: ShowNames(aliases=aliases, network=network) for sid, (aliases, network)
                     in store.show_aliases(session, [l.show_id for l in links]).items()}
            events = extract_events(art.title, art.summary or "", art.body or "", links,
                                    published_at=art.published_at, names=names) if links else []
            items.append((art.id, art.published_at, art.story_id, art.source_id, events))
        result.events += fold_batch(session, items)
        result.articles += len(items)
        session.commit()
    result.facts = store.fact_count(session)
    return result


def event_inputs(articles: Sequence[Any], names: CatalogueNames | None = None) -> list[EventInput]:
    """What extracting the events of freshly linked articles (`a.shows`) reads, as plain values (they go
    to an extraction process as they are): the catalogue's aliases help find a show in a sentence."""
    out: list[EventInput] = []
    for a in articles:
        links = list(a.shows or [])
        out.append((a.title, a.summary or "", a.body or "", links, a.published_at,
                    names.of(links) if names is not None and links else {}))
    return out


def store_events(session: Session, articles: Sequence[Any], ids: Sequence[int],
                 extracted: Sequence[Sequence[Event]]) -> int:
    """The ingest hook: store the events extracted from freshly stored articles (extract_batch over
    event_inputs, in the same order), oldest first, in the caller's transaction (the batch's).
    Returns the events stored."""
    rows = sorted(zip(articles, ids, extracted), key=lambda r: (r[0].published_at, r[1]))
    meta = store.story_sources(session, ids)
    return fold_batch(session, [(aid, a.published_at, *meta.get(aid, (None, None)), events)
                                for a, aid, events in rows])
