"""The database side of show linking: the catalogue in `shows`, links in `article_shows`.

- load_catalogue / catalogue_version: the catalogue as Show records, and a cheap version
  string that changes whenever a show is added or edited (the matcher is cached by it);
- ensure_catalogue: seed the packaged starter catalogue into an empty table;
- upsert_shows: import with de-duplication (external id, else title + premiere year);
- link_articles / link_pending / relink: write article_shows for stored articles and
  remember which catalogue version each article was linked against.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable, Sequence

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from models import locks
from models.schema import ArticleRow, ArticleShowRow, ArticleShowScanRow, ShowRow
from newsagg.errors import NewsaggError
from newsagg.records import ShowLink
from newsagg.shows.catalogue import Show, load_starter_catalogue
from newsagg.shows.linker import ShowLinker, linker_fingerprint
from newsagg.shows.merge import CatalogueIndex, merge_into

BATCH = 500


class ShowNotFound(NewsaggError):
    pass


@dataclass
class UpsertResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class LinkResult:
    articles: int = 0
    links: int = 0


def _now() -> datetime:
    return datetime.now(timezone.utc)


def show_from_row(row: ShowRow) -> Show:
    return Show(title=row.title, network=row.network, country=row.country, premiered_on=row.premiered_on,
                ended_on=row.ended_on, status=row.status, external_ids=dict(row.external_ids or {}),
                aliases=list(row.aliases or []), episodes=row.episodes, notable=bool(row.notable), id=row.id)


def _apply(row: ShowRow, show: Show) -> None:
    row.title, row.network, row.country = show.title, show.network, show.country
    row.premiered_on, row.ended_on, row.status = show.premiered_on, show.ended_on, show.status
    row.external_ids, row.aliases = dict(show.external_ids), list(show.aliases)
    row.episodes, row.notable = show.episodes, show.notable
    row.updated_at = _now()


def catalogue_version(session: Session) -> str:
    """Changes when shows are added, removed or edited (every write sets updated_at), and when the
    linker's code revision or packaged alias data change (so relink --stale-only re-links after an upgrade)."""
    count, max_id, max_updated = session.execute(
        select(func.count(ShowRow.id), func.max(ShowRow.id), func.max(ShowRow.updated_at))).one()
    stamp = max_updated.isoformat(timespec="microseconds") if isinstance(max_updated, datetime) else max_updated
    return f"{f'{count}:{max_id}:{stamp}'[:52]}|{linker_fingerprint()}"


def load_catalogue(session: Session) -> tuple[list[Show], str]:
    rows = session.scalars(select(ShowRow).order_by(ShowRow.id)).all()
    return [show_from_row(r) for r in rows], catalogue_version(session)


def ensure_catalogue(session: Session) -> int:
    """Seed the starter catalogue when the table is empty (the demo links without an import)."""
    if session.get_bind().dialect.name == "postgresql":
        # Workers starting together on an empty database: one seeds, the others then see it.
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": locks.CATALOGUE_SEED})
    if session.scalar(select(func.count(ShowRow.id))):
        return 0
    starter = load_starter_catalogue()
    for show in starter:
        show.id = None
    result = upsert_shows(session, starter)
    return result.added


_LINKERS: dict[str, ShowLinker] = {}


def linker_for_session(session: Session) -> ShowLinker:
    """A linker over the database's catalogue, built once per process per catalogue version."""
    version = catalogue_version(session)
    linker = _LINKERS.get(version)
    if linker is None:
        shows, version = load_catalogue(session)
        linker = ShowLinker(shows, version=f"db:{version}")
        _LINKERS.clear()
        _LINKERS[version] = linker
    return linker


def upsert_shows(session: Session, shows: Iterable[Show]) -> UpsertResult:
    """Add new shows, merge known ones (ids, aliases, missing fields). Commits."""
    result = UpsertResult()
    rows = {r.id: r for r in session.scalars(select(ShowRow)).all()}
    existing = [show_from_row(r) for r in rows.values()]
    index = CatalogueIndex(existing)
    pending: list[tuple[Show, ShowRow | None]] = []
    for show in shows:
        found = index.find(show)
        if found is None:
            show = Show(**{**show.__dict__, "id": None})
            index.add(show)
            pending.append((show, None))
            result.added += 1
            continue
        if merge_into(found, show):
            if found.id is not None:
                pending.append((found, rows[found.id]))
            result.updated += 1
        else:
            result.unchanged += 1
    seen: set[int] = set()
    for n, (show, row) in enumerate(pending, start=1):
        if row is None:
            row = ShowRow()
            _apply(row, show)
            session.add(row)
        elif id(row) not in seen:
            _apply(row, show)
        seen.add(id(row))
        if n % BATCH == 0:
            session.flush()
    session.commit()
    return result


def resolve_show(session: Session, ref: str) -> ShowRow:
    """A show by id, label, title or alias; else a one-line error with close matches
    (the one resolver: newsagg.shows.resolve)."""
    from newsagg.shows.resolve import find_show

    return find_show(session, ref)


def add_alias(session: Session, row: ShowRow, aliases: Sequence[str], *, remove: bool = False) -> list[str]:
    current = list(row.aliases or [])
    for alias in aliases:
        alias = " ".join(alias.split())
        if not alias:
            continue
        if remove:
            current = [a for a in current if a.lower() != alias.lower()]
        elif alias.lower() not in {a.lower() for a in current} and alias.lower() != row.title.lower():
            current.append(alias)
    row.aliases = current
    row.updated_at = _now()
    session.commit()
    return current


def write_links(session: Session, article_id: int, links: Sequence[ShowLink], version: str) -> None:
    """Replace an article's links and record the catalogue version they came from (no commit)."""
    session.execute(delete(ArticleShowRow).where(ArticleShowRow.article_id == article_id))
    for link in links:
        session.add(ArticleShowRow(article_id=article_id, show_id=link.show_id, confidence=link.confidence,
                                   is_primary=link.primary, seasons=list(link.seasons), found_in=link.found_in))
    scan = session.get(ArticleShowScanRow, article_id)
    if scan is None:
        session.add(ArticleShowScanRow(article_id=article_id, catalogue_version=version, linked_at=_now()))
    else:
        scan.catalogue_version, scan.linked_at = version, _now()


def write_links_bulk(session: Session, links_by_article: Sequence[tuple[int, Sequence[ShowLink]]],
                     version: str) -> None:
    """write_links for a batch in a few statements (the crawl's path; no commit). Last entry per id wins."""
    latest = dict(links_by_article)
    ids = list(latest)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        session.execute(delete(ArticleShowRow).where(ArticleShowRow.article_id.in_(chunk)))
        session.execute(delete(ArticleShowScanRow).where(ArticleShowScanRow.article_id.in_(chunk)))
    rows = [{"article_id": aid, "show_id": link.show_id, "confidence": link.confidence, "is_primary": link.primary,
             "seasons": list(link.seasons), "found_in": link.found_in}
            for aid, links in latest.items() for link in {lk.show_id: lk for lk in links}.values()]
    if rows:
        session.execute(insert(ArticleShowRow), rows)
    if ids:
        now = _now()
        session.execute(insert(ArticleShowScanRow), [{"article_id": aid, "catalogue_version": version, "linked_at": now}
                                                     for aid in ids])


def link_articles(session: Session, article_ids: Iterable[int] | None = None, *,
                  only_stale: bool = True) -> LinkResult:
    """Link stored articles (all, or these ids); with only_stale, skip those already linked against
    the current catalogue. Commits in batches."""
    ensure_catalogue(session)
    linker = linker_for_session(session)
    version = catalogue_version(session)
    query = select(ArticleRow.id).order_by(ArticleRow.id)
    if article_ids is not None:
        query = query.where(ArticleRow.id.in_(list(article_ids)))
    if only_stale:
        fresh = select(ArticleShowScanRow.article_id).where(ArticleShowScanRow.catalogue_version == version)
        query = query.where(ArticleRow.id.not_in(fresh))
    ids = list(session.scalars(query))
    result = LinkResult()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        for art in session.scalars(select(ArticleRow).where(ArticleRow.id.in_(chunk))):
            links = linker.link(art.title, art.body or "", description=art.summary or "",
                                published_at=art.published_at)
            write_links(session, art.id, links, version)
            result.articles += 1
            result.links += len(links)
        session.commit()
    return result


def link_pending(session: Session) -> LinkResult:
    """Articles not yet linked against the current catalogue (new ones, or after catalogue changes)."""
    return link_articles(session, only_stale=True)


def relink(session: Session) -> LinkResult:
    """Re-link every stored article against the current catalogue."""
    return link_articles(session, only_stale=False)
