"""Store a batch of normalised articles, then link and dedupe what is new.

The order matters and is the same for every entry point (crawl pipeline, workers):
1. upsert the batch (identity: canonical URL, per-source GUID) -> new / updated / unchanged;
2. link new and changed articles to shows (the catalogue's matcher is built once);
3. run new articles through the Deduper: syndicated copies get `duplicate_of`, every
   article a story; decisions and signatures are persisted.
Unchanged articles cost nothing past step 1, which keeps reruns cheap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from models.store import ArticleStore, StoreResult
from models.stories import StoryWriter
from newsagg.records import Article
from newsagg.sources import Source


@dataclass
class IngestResult:
    store: StoreResult
    linked: int = 0
    events: int = 0
    stories_new: int = 0
    duplicates: int = 0
    flags: list[str] = field(default_factory=list)


class Ingestor:
    def __init__(self, engine: Engine, registry: Iterable[Source] = (), *, link_shows: bool = True,
                 dedupe: bool = True, window: timedelta = timedelta(days=14)) -> None:
        self.engine = engine
        self.store = ArticleStore(engine, registry)
        self.linker = None
        self.catalogue_version = ""
        if link_shows:
            from newsagg.shows.store import catalogue_version, ensure_catalogue, linker_for_session

            with Session(engine) as session:
                ensure_catalogue(session)
                session.commit()
                self.linker = linker_for_session(session)
                self.catalogue_version = catalogue_version(session)
        self.stories: StoryWriter | None = None
        if dedupe:
            from newsagg.dedupe.engine import Deduper

            self.stories = StoryWriter(engine, Deduper(window=window))
            self.stories.warm_start()

    def _link(self, articles: Sequence[Article]) -> None:
        assert self.linker is not None
        for a in articles:
            a.shows = self.linker.link(a.title, a.body or "", description=a.summary or "",
                                       emphasized=a.emphasized, published_at=a.published_at)

    def _write_links(self, articles: Sequence[Article], ids: Sequence[int]) -> None:
        from newsagg.shows.store import write_links

        with Session(self.engine) as session, session.begin():
            for a, aid in zip(articles, ids):
                write_links(session, aid, a.shows, self.catalogue_version)

    def ingest(self, batch: Sequence[Article]) -> IngestResult:
        result = IngestResult(self.store.store(batch))
        changed = [(a, i, o) for a, i, o in zip(batch, result.store.ids, result.store.outcomes)
                   if o in ("new", "updated")]
        if not changed:
            return result
        articles = [a for a, _, _ in changed]
        ids = [i for _, i, _ in changed]
        if self.linker is not None:
            self._link(articles)
            self._write_links(articles, ids)
            result.linked = sum(1 for a in articles if a.shows)
        if self.stories is not None:
            # Oldest first: who had a story first should not depend on arrival order.
            fresh = sorted(((a, i) for a, i, o in changed if o == "new"),
                           key=lambda p: (p[0].published_at, p[0].canonical_url))
            decisions = self.stories.process([a for a, _ in fresh], [i for _, i in fresh])
            result.stories_new = sum(1 for d in decisions if d.is_new_story)
            result.duplicates = sum(1 for d in decisions if d.duplicate_of is not None)
        if self.linker is not None:
            result.events = self._store_events(articles, ids)
        return result

    def _store_events(self, articles: Sequence[Article], ids: Sequence[int]) -> int:
        # TV events (issue 15): after show links and stories, so facts can fold by story.
        from models.events import store_events

        return store_events(self.engine, articles, ids, self.linker)
