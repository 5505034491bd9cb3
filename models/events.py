"""The database side of TV events: `events` (one per article, show and type) folded into
`event_facts` (one piece of news: the same show and type across the articles of one story, or
reported within FOLD_WINDOW of each other), with its first reporter and every outlet.

- fold_state / write_fold: what folding a batch of articles' events reads and writes (the folding
  itself, in memory, is newsagg.event_fold);
- the reads newsagg.events_writer needs to re-extract stored articles (extraction itself is not here);
- list_events / scorecard / industry_moves: what the commands, views and the digest read.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable, Mapping, Sequence

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, delete, func, insert, or_, select, update
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
    source_ids: Mapped[list[int | None] | None] = mapped_column(JSONType)  # its reports' outlets


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


def _fact_columns() -> tuple[Any, ...]:
    return (EventFactRow.id, EventFactRow.show_id, EventFactRow.type, EventFactRow.season, EventFactRow.status,
            EventFactRow.announced, EventFactRow.people, EventFactRow.first_article_id, EventFactRow.first_source_id,
            EventFactRow.first_published_at, EventFactRow.last_published_at, EventFactRow.report_count,
            EventFactRow.source_count, EventFactRow.source_ids)


def fold_state(session: Session, pairs: Iterable[tuple[int, str]], start: datetime, end: datetime,
               article_ids: Sequence[int], story_ids: Iterable[int], *, read_all: bool = False,
               detailed: Mapping[tuple[int, str], datetime] | None = None,
               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[int, set[int]]]:
    """What folding a batch of reports published in [start, end] can touch, as plain rows: the facts of
    its (show, type) pairs within FOLD_WINDOW of the batch or of each other (a merge can chain), the
    facts of the batch's stories and of the batch articles' stored events. Returns (facts, reports,
    summaries): every report of the facts holding a batch article's stored event (they change), and
    for the others (newsagg.event_fold reads their reports only if it must, with fact_reports) the
    batch's stories they are in. read_all: every report of every fact instead. detailed: (show, type)
    -> the earliest batch report naming people or a date; the facts of that pair reported since then
    get their reports read now, in this one query, as folding such a report in before their latest
    would read them one fact at a time."""
    stories = [s for s in set(story_ids) if s is not None]
    mine = [ArticleRow.id.in_(list(article_ids))] + ([ArticleRow.story_id.in_(stories)] if stories else [])
    linked = select(EventRow.fact_id).join(ArticleRow, ArticleRow.id == EventRow.article_id).where(
        EventRow.fact_id.is_not(None), or_(*mine))
    facts: dict[int, dict[str, Any]] = {
        r.id: r._asdict() for r in session.execute(select(*_fact_columns()).where(EventFactRow.id.in_(linked)))}
    pairs = set(pairs) | {(f["show_id"], f["type"]) for f in facts.values()}
    shows, types = {p[0] for p in pairs}, {p[1] for p in pairs}
    lo, hi = start, end
    while shows:
        # Widen to the span of what is loaded until nothing new is near it: few rounds, as stored facts
        # of one (show, type) are kept more than the window apart.
        lo = min([lo] + [f["first_published_at"] for f in facts.values()])
        hi = max([hi] + [f["last_published_at"] for f in facts.values()])
        query = select(*_fact_columns()).where(
            EventFactRow.show_id.in_(shows), EventFactRow.type.in_(types),
            EventFactRow.last_published_at >= lo - FOLD_WINDOW, EventFactRow.first_published_at <= hi + FOLD_WINDOW)
        if facts:
            query = query.where(EventFactRow.id.not_in(list(facts)))
        more = [r._asdict() for r in session.execute(query) if (r.show_id, r.type) in pairs]
        if not more:
            break
        facts.update((f["id"], f) for f in more)
    if not facts:
        return [], [], {}
    # Facts holding a batch article's stored event change: all their reports are read. So are those
    # of a fact whose outlets are not known (folded before they were kept).
    full = set(facts) if read_all else {i for i, f in facts.items() if f["source_ids"] is None}
    if detailed:
        full |= {i for i, f in facts.items() if (since := detailed.get((f["show_id"], f["type"]))) is not None
                 and f["last_published_at"] >= since}
    # By article only (its index): with the fact ids too, SQLite may walk every report of the facts.
    full |= set(session.scalars(select(EventRow.fact_id).distinct().where(
        EventRow.article_id.in_(list(article_ids))))) & set(facts)
    summaries: dict[int, set[int]] = {i: set() for i in facts if i not in full}
    if summaries and stories:
        # Of a fact's stories only the batch's matter: found from the stories' articles (their index).
        for fact_id, story_id in session.execute(
                select(EventRow.fact_id, ArticleRow.story_id).distinct()
                .join(ArticleRow, ArticleRow.id == EventRow.article_id).where(ArticleRow.story_id.in_(stories))):
            if fact_id in summaries:
                summaries[fact_id].add(story_id)
    return list(facts.values()), fact_reports(session, list(full)), summaries


def fact_reports(session: Session, fact_ids: Sequence[int]) -> list[dict[str, Any]]:
    """Every stored report (event) of these facts, with its article's story and source."""
    if not fact_ids:
        return []
    return [r._asdict() for r in session.execute(
        select(EventRow.id, EventRow.fact_id, EventRow.article_id, EventRow.published_at, EventRow.status,
               EventRow.season, EventRow.announced, EventRow.people, ArticleRow.story_id, ArticleRow.source_id)
        .join(ArticleRow, ArticleRow.id == EventRow.article_id).where(EventRow.fact_id.in_(list(fact_ids))))]


def write_fold(session: Session, articles: Sequence[int], new_facts: Sequence[Mapping[str, Any]],
               updated_facts: Sequence[Mapping[str, Any]], deleted_facts: Sequence[int],
               moved_reports: Sequence[tuple[int, int]], new_reports: Sequence[Mapping[str, Any]]) -> None:
    """Write a folded batch with bulk statements (no commit): the batch articles' events are replaced,
    new facts get their ids (`key` -> id, as `fact_key` in reports and moves), stored facts are
    updated or deleted, stored reports moved to the fact they were merged into."""
    if articles:
        session.execute(delete(EventRow).where(EventRow.article_id.in_(list(articles))))
    ids: dict[int, int] = {}
    if new_facts:
        rows = [{k: v for k, v in f.items() if k != "key"} for f in new_facts]
        made = session.scalars(insert(EventFactRow).returning(EventFactRow.id, sort_by_parameter_order=True), rows)
        ids = dict(zip((f["key"] for f in new_facts), made))
    if moved_reports:
        session.execute(update(EventRow), [{"id": i, "fact_id": ids.get(f, f)} for i, f in moved_reports])
    if new_reports:
        # A Core insert of the table: the ORM's bulk insert spent more per row than the rest of the fold.
        rows = []
        for r in new_reports:
            row = dict(r)
            key = row.pop("fact_key")
            row["fact_id"] = ids.get(key, key)
            rows.append(row)
        session.execute(insert(EventRow.__table__), rows)
    if updated_facts:
        session.execute(update(EventFactRow), list(updated_facts))
    if deleted_facts:
        session.execute(delete(EventFactRow).where(EventFactRow.id.in_(list(deleted_facts))))


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


def story_sources(session: Session, ids: Sequence[int]) -> dict[int, tuple[int | None, int | None]]:
    """article id -> (story id, source id)."""
    return {r.id: (r.story_id, r.source_id) for r in session.execute(
        select(ArticleRow.id, ArticleRow.story_id, ArticleRow.source_id).where(ArticleRow.id.in_(list(ids))))}


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
