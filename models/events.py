"""The database side of TV events: `events` (one per article, show and type) folded into
`event_facts` (one piece of news: the same show and type across the articles of one story, or
reported within FOLD_WINDOW of each other), with its first reporter and every outlet.

- write_article_events: replace an article's events and fold them into facts;
- the reads newsagg.events_writer needs to re-extract stored articles (extraction itself is not here);
- list_events / scorecard / industry_moves: what the commands, views and the digest read.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from models.schema import ArticleRow, ArticleShowRow, Base, JSONType, ShowRow, SourceRow, UTCDateTime
from newsagg.records import ShowLink

FOLD_WINDOW = timedelta(days=3)
STATUS_TYPES = ("renewed", "cancelled", "ending", "ordered", "development")
MOVE_TYPES = ("renewed", "cancelled", "ending", "ordered", "premiere_date", "casting", "departure", "hiring")


class EventFactRow(Base):
    __tablename__ = "event_facts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(24))
    season: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    announced: Mapped[str | None] = mapped_column(String(10))
    people: Mapped[list[str]] = mapped_column(JSONType, default=list)
    first_article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    first_source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))
    first_published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    report_count: Mapped[int] = mapped_column(Integer, default=1)
    source_count: Mapped[int] = mapped_column(Integer, default=1)


class EventRow(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    show_id: Mapped[int] = mapped_column(ForeignKey("shows.id", ondelete="CASCADE"))
    fact_id: Mapped[int | None] = mapped_column(ForeignKey("event_facts.id", ondelete="SET NULL"))
    type: Mapped[str] = mapped_column(String(24))
    season: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    announced: Mapped[str | None] = mapped_column(String(10))
    people: Mapped[list[str]] = mapped_column(JSONType, default=list)
    network: Mapped[str | None] = mapped_column(String(200))
    evidence: Mapped[str] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    is_new: Mapped[bool] = mapped_column(Boolean, default=True)
    found_in: Mapped[str] = mapped_column(String(16))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())


# ---------------------------------------------------------------- writing


def _row(article_id: int, published_at: datetime, values: Mapping[str, Any]) -> EventRow:
    return EventRow(article_id=article_id, published_at=published_at, **values)


def _find_fact(session: Session, row: EventRow, story_id: int | None) -> EventFactRow | None:
    """A fact of the same show and type in the same story, or reported within FOLD_WINDOW; seasons
    must not disagree."""
    candidates = session.scalars(select(EventFactRow).where(
        EventFactRow.show_id == row.show_id, EventFactRow.type == row.type)).all()
    best = None
    for fact in candidates:
        if row.season is not None and fact.season is not None and row.season != fact.season:
            continue
        near = (fact.first_published_at - FOLD_WINDOW <= row.published_at <= fact.last_published_at + FOLD_WINDOW)
        # The story is asked about only when the dates alone do not fold the report (one query fewer).
        same_story = not near and story_id is not None and session.scalar(
            select(func.count(EventRow.id)).join(ArticleRow, ArticleRow.id == EventRow.article_id)
            .where(EventRow.fact_id == fact.id, ArticleRow.story_id == story_id)) > 0
        if same_story or near:
            if best is None or fact.last_published_at > best.last_published_at:
                best = fact
    return best


def refresh_fact(session: Session, fact: EventFactRow) -> None:
    """Recompute a fact's first report, counts, status and details from its events."""
    # The columns it reads, not EventRow entities: a fact re-read after each report it gains must not
    # build an ORM object per report every time (the feed benchmark's cost with events on).
    rows = session.execute(
        select(EventRow.article_id, EventRow.published_at, EventRow.status, EventRow.season, EventRow.announced,
               EventRow.people, ArticleRow.source_id)
        .join(ArticleRow, ArticleRow.id == EventRow.article_id)
        .where(EventRow.fact_id == fact.id).order_by(EventRow.published_at, EventRow.id)).all()
    if not rows:
        session.delete(fact)
        return
    first = rows[0]
    fact.first_article_id, fact.first_source_id = first.article_id, first.source_id
    fact.first_published_at = first.published_at
    fact.last_published_at = rows[-1].published_at
    fact.report_count = len(rows)
    fact.source_count = len({r.source_id for r in rows})
    fact.status = "official" if any(r.status == "official" for r in rows) else "reported"
    fact.season = next((r.season for r in rows if r.season is not None), None)
    fact.announced = next((r.announced for r in reversed(rows) if r.announced), None)
    people: list[str] = []
    for r in rows:
        people.extend(p for p in (r.people or []) if p not in people)
    fact.people = people


def write_article_events(session: Session, article_id: int, published_at: datetime, story_id: int | None,
                         events: Sequence[Mapping[str, Any]]) -> int:
    """Replace an article's events and fold each into a fact (no commit). Returns the events written.

    Each event is its column values (show_id, type, season, status, announced, people, network,
    evidence, confidence, is_new, found_in): newsagg.events_writer turns extracted Events into them."""
    old_facts = set(session.scalars(select(EventRow.fact_id).where(EventRow.article_id == article_id,
                                                                   EventRow.fact_id.is_not(None))))
    session.execute(delete(EventRow).where(EventRow.article_id == article_id))
    session.flush()
    touched: set[int] = set(old_facts)  # type: ignore[arg-type]
    # The facts found or made here, held until the end: the session's identity map is weak, and
    # session.get() below would otherwise read each one again from the database.
    held: list[EventFactRow] = []
    for e in events:
        row = _row(article_id, published_at, e)
        fact = _find_fact(session, row, story_id)
        if fact is None:
            fact = EventFactRow(show_id=row.show_id, type=row.type, season=row.season, status=row.status,
                                announced=row.announced, people=list(row.people), first_article_id=article_id,
                                first_published_at=published_at, last_published_at=published_at,
                                report_count=1, source_count=1)
            session.add(fact)
            session.flush()
        held.append(fact)
        row.fact_id = fact.id
        session.add(row)
        session.flush()
        touched.add(fact.id)
    for fact_id in touched:
        fact = session.get(EventFactRow, fact_id)
        if fact is not None:
            refresh_fact(session, fact)
    session.flush()
    for fact_id in touched:
        fact = session.get(EventFactRow, fact_id)
        if fact is not None:
            _merge_bridged(session, fact)
    return len(events)


def _merge_bridged(session: Session, fact: EventFactRow) -> None:
    """A late report can bridge two facts of the same show and type (reports on day 0 and day 8, then
    one on day 4): fold the later into the earlier so that facts stay more than FOLD_WINDOW apart."""
    while True:
        others = session.scalars(select(EventFactRow).where(
            EventFactRow.show_id == fact.show_id, EventFactRow.type == fact.type, EventFactRow.id != fact.id)).all()
        near = [o for o in others
                if (o.season is None or fact.season is None or o.season == fact.season)
                and o.first_published_at - FOLD_WINDOW <= fact.last_published_at
                and fact.first_published_at <= o.last_published_at + FOLD_WINDOW]
        if not near:
            return
        keep, drop = sorted([fact, near[0]], key=lambda f: (f.first_published_at, f.id))
        for row in session.scalars(select(EventRow).where(EventRow.fact_id == drop.id)):
            row.fact_id = keep.id
        session.flush()
        session.delete(drop)
        session.flush()
        refresh_fact(session, keep)
        session.flush()
        fact = keep


def show_aliases(session: Session, show_ids: Iterable[int]) -> dict[int, tuple[tuple[str, ...], str | None]]:
    """show id -> (aliases, network), what event extraction needs of each linked show."""
    ids = list(set(show_ids))
    if not ids:
        return {}
    return {r.id: (tuple(r.aliases or ()), r.network)
            for r in session.scalars(select(ShowRow).where(ShowRow.id.in_(ids)))}


def stored_links(session: Session, article_id: int) -> list[ShowLink]:
    rows = session.execute(select(ArticleShowRow, ShowRow.title).join(ShowRow, ShowRow.id == ArticleShowRow.show_id)
                           .where(ArticleShowRow.article_id == article_id)).all()
    return [ShowLink(show_id=r.show_id, title=title, confidence=r.confidence, primary=bool(r.is_primary),
                     seasons=list(r.seasons or []), found_in=r.found_in or "body") for r, title in rows]


def article_ids(session: Session, since: datetime | None = None) -> list[int]:
    """Stored articles (all, or published since a time), oldest first."""
    query = select(ArticleRow.id).order_by(ArticleRow.published_at, ArticleRow.id)
    if since is not None:
        query = query.where(ArticleRow.published_at >= since)
    return list(session.scalars(query))


def articles(session: Session, ids: Sequence[int]) -> list[ArticleRow]:
    return list(session.scalars(select(ArticleRow).where(ArticleRow.id.in_(list(ids)))
                                .order_by(ArticleRow.published_at, ArticleRow.id)))


def story_ids(session: Session, ids: Sequence[int]) -> dict[int, int | None]:
    return dict(session.execute(select(ArticleRow.id, ArticleRow.story_id)  # type: ignore[arg-type]
                                .where(ArticleRow.id.in_(list(ids)))).all())


def delete_all(session: Session) -> None:
    session.execute(delete(EventRow))
    session.execute(delete(EventFactRow))


def fact_count(session: Session) -> int:
    return session.scalar(select(func.count(EventFactRow.id))) or 0


# ---------------------------------------------------------------- reading


def _tvmaze(show: ShowRow) -> str | None:
    return (show.external_ids or {}).get("tvmaze")


def list_events(session: Session, *, types: Sequence[str] = (), show_id: int | None = None,
                since: datetime | None = None, status: str | None = None, limit: int | None = None
                ) -> list[dict[str, Any]]:
    """Stored event reports, newest first, one flat dict each."""
    query = (select(EventRow, ShowRow, ArticleRow.title, ArticleRow.url, SourceRow.name)
             .join(ShowRow, ShowRow.id == EventRow.show_id).join(ArticleRow, ArticleRow.id == EventRow.article_id)
             .join(SourceRow, SourceRow.id == ArticleRow.source_id)
             .order_by(EventRow.published_at.desc(), EventRow.id.desc()))
    if types:
        query = query.where(EventRow.type.in_(list(types)))
    if show_id is not None:
        query = query.where(EventRow.show_id == show_id)
    if since is not None:
        query = query.where(EventRow.published_at >= since)
    if status:
        query = query.where(EventRow.status == status)
    if limit:
        query = query.limit(limit)
    return [{"published_at": e.published_at.isoformat(), "type": e.type, "show": show.title, "show_id": show.id,
             "tvmaze": _tvmaze(show), "season": e.season, "status": e.status, "date": e.announced,
             "people": list(e.people or []), "network": e.network, "new": e.is_new, "source": source,
             "title": title, "url": url, "evidence": e.evidence, "confidence": e.confidence, "fact_id": e.fact_id}
            for e, show, title, url, source in session.execute(query)]


def scorecard(session: Session, *, network: str | None = None, since: datetime | None = None
              ) -> list[dict[str, Any]]:
    """One row per show with a status fact: its latest (renewed for season N, cancelled, ending, ordered,
    in development), when, and who reported it first. With --network, that network's other shows
    follow as "no news"."""
    query = (select(EventFactRow, ShowRow, SourceRow.name, ArticleRow.title, ArticleRow.url)
             .join(ShowRow, ShowRow.id == EventFactRow.show_id)
             .outerjoin(SourceRow, SourceRow.id == EventFactRow.first_source_id)
             .outerjoin(ArticleRow, ArticleRow.id == EventFactRow.first_article_id)
             .where(EventFactRow.type.in_(STATUS_TYPES))
             .order_by(EventFactRow.first_published_at, EventFactRow.id))
    if since is not None:
        query = query.where(EventFactRow.first_published_at >= since)
    if network:
        query = query.where(func.lower(ShowRow.network).contains(network.lower()))
    latest: dict[int, dict[str, Any]] = {}
    for fact, show, source, title, url in session.execute(query):
        label = {"renewed": "renewed", "cancelled": "cancelled", "ending": "ending", "ordered": "ordered",
                 "development": "in development"}[fact.type]
        if fact.season and fact.type in ("renewed", "ending", "ordered"):
            label += f" (season {fact.season})" if fact.type != "renewed" else f" for season {fact.season}"
        if show.id in latest and fact.type == "development" and latest[show.id]["type"] != "development":
            continue  # a project in development does not undo a renewal, an order or an ending
        latest[show.id] = {"show": show.title, "show_id": show.id, "tvmaze": _tvmaze(show), "network": show.network,
                           "latest": label, "type": fact.type, "season": fact.season, "status": fact.status,
                           "date": fact.first_published_at.isoformat(), "first_source": source,
                           "first_title": title, "first_url": url, "reports": fact.report_count,
                           "outlets": fact.source_count}
    rows = sorted(latest.values(), key=lambda r: r["date"], reverse=True)
    if network:
        quiet = session.scalars(select(ShowRow).where(func.lower(ShowRow.network).contains(network.lower()),
                                                      ShowRow.id.not_in(list(latest) or [-1]))
                                .order_by(ShowRow.title)).all()
        rows += [{"show": s.title, "show_id": s.id, "tvmaze": _tvmaze(s), "network": s.network, "latest": "no news",
                  "type": None, "season": None, "status": None, "date": None, "first_source": None,
                  "first_title": None, "first_url": None, "reports": 0, "outlets": 0} for s in quiet]
    return rows


def industry_moves(session: Session, start: datetime, end: datetime,
                   types: Sequence[str] = MOVE_TYPES) -> list[dict[str, Any]]:
    """The facts first reported in the UTC window [start, end), oldest first, in the digest's shape:
    {"type", "show": {"title", "id", "tvmaze"}, "season", "status", "date", "people", "evidence",
     "first": {"source", "title", "url", "published"}, "outlets": [{"source", "url", "published"}]}."""
    facts = session.execute(
        select(EventFactRow, ShowRow).join(ShowRow, ShowRow.id == EventFactRow.show_id)
        .where(EventFactRow.first_published_at >= start, EventFactRow.first_published_at < end,
               EventFactRow.type.in_(list(types)))
        .order_by(EventFactRow.first_published_at, EventFactRow.id)).all()
    # Every fact's reports in one query per 500 facts, not one query per fact (a busy day has hundreds).
    by_fact: dict[int, list[Any]] = defaultdict(list)
    ids = [fact.id for fact, _ in facts]
    for i in range(0, len(ids), 500):
        for report in session.execute(
                select(EventRow, ArticleRow.title, ArticleRow.url, SourceRow.name)
                .join(ArticleRow, ArticleRow.id == EventRow.article_id)
                .join(SourceRow, SourceRow.id == ArticleRow.source_id)
                .where(EventRow.fact_id.in_(ids[i:i + 500])).order_by(EventRow.published_at, EventRow.id)):
            by_fact[report[0].fact_id].append(report)
    out = []
    for fact, show in facts:
        reports = by_fact.get(fact.id, [])
        if not reports:
            continue
        first, first_title, first_url, first_source = reports[0]
        best = max(reports, key=lambda r: (r[0].confidence, -r[0].id))[0]
        out.append({
            "type": fact.type, "show": {"title": show.title, "id": show.id, "tvmaze": _tvmaze(show)},
            "season": fact.season, "status": fact.status, "date": fact.announced, "people": list(fact.people or []),
            "evidence": best.evidence,
            "first": {"source": first_source, "title": first_title, "url": first_url,
                      "published": first.published_at.isoformat()},
            "outlets": [{"source": src, "url": url, "published": e.published_at.isoformat()}
                        for e, _, url, src in reports]})
    return out


def utc_day(day: str) -> tuple[datetime, datetime]:
    start = datetime.fromisoformat(day).replace(tzinfo=timezone.utc)
    return start, start + timedelta(days=1)
