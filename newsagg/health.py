"""Source health from run records: the silent failures of scrapers in production.

A site redesign rarely errors: it yields zero items, or items without dates,
authors or bodies. A source is unhealthy when
- its last N runs failed;
- its last run returned 0 items while its median is above 0;
- its last run returned less than half its median item count;
- the share of its recent articles with a page date, authors or a body fell below
  half of what it was before.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from models.schema import ArticleRow, CrawlRunRow, FeedStateRow, SourceRow

COVERAGE_FIELDS = ("dates", "authors", "bodies")


@dataclass
class SourceHealth:
    name: str
    runs: int
    last_status: str | None
    last_items: int | None
    median_items: float | None
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # worth acting on, not a failure

    @property
    def healthy(self) -> bool:
        return not self.problems


def _coverage(session: Session, source_id: int, since: datetime, until: datetime | None) -> dict[str, float] | None:
    """Share of articles first seen in [since, until) with a real date, authors, a body."""
    stmt = select(ArticleRow.flags, ArticleRow.authors, func.length(ArticleRow.body)).where(
        ArticleRow.source_id == source_id, ArticleRow.first_seen_at >= since)
    if until is not None:
        stmt = stmt.where(ArticleRow.first_seen_at < until)
    rows = session.execute(stmt).all()
    if not rows:
        return None
    n = len(rows)
    return {"dates": sum("date_from_fetch" not in (f or []) for f, _, _ in rows) / n,
            "authors": sum(bool(a) for _, a, _ in rows) / n,
            "bodies": sum(bool(b) for _, _, b in rows) / n}


def check_health(engine: Engine, source_names: list[str] | None = None, failed_runs: int = 3,
                 history: int = 20, recent: timedelta = timedelta(days=1),
                 baseline: timedelta = timedelta(days=30)) -> list[SourceHealth]:
    now = datetime.now(timezone.utc)
    out: list[SourceHealth] = []
    with Session(engine) as session:
        sources = session.execute(select(SourceRow.id, SourceRow.name).order_by(SourceRow.name)).all()
        for source_id, name in sources:
            if source_names is not None and name not in source_names:
                continue
            runs = session.execute(
                select(CrawlRunRow.status, CrawlRunRow.items_seen, CrawlRunRow.started_at)
                .where(CrawlRunRow.source_id == source_id, CrawlRunRow.status != "running")
                .order_by(CrawlRunRow.started_at.desc()).limit(history)).all()
            if not runs:
                continue
            last = runs[0]
            # Runs answered by 304 see no items: they say nothing about the feed's size.
            sized = [r.items_seen for r in runs[1:] if r.status != "failed" and r.items_seen]
            median = statistics.median(sized) if sized else None
            h = SourceHealth(name, len(runs), last.status, last.items_seen, median)
            if len(runs) >= failed_runs and all(r.status == "failed" for r in runs[:failed_runs]):
                h.problems.append(f"failed its last {failed_runs} runs")
            elif last.status == "failed":
                h.problems.append("last run failed")
            if median and last.status != "failed" and last.items_seen == 0 and _answered(session, source_id,
                                                                                          last.started_at):
                h.problems.append(f"returned 0 items (median {median:g})")
            elif median and 0 < last.items_seen < median / 2:
                h.problems.append(f"returned {last.items_seen} items, below half its median {median:g}")
            now_cov = _coverage(session, source_id, now - recent, None)
            before_cov = _coverage(session, source_id, now - baseline, now - recent)
            if now_cov and before_cov:
                for key in COVERAGE_FIELDS:
                    if before_cov[key] >= 0.5 and now_cov[key] < before_cov[key] / 2:
                        h.problems.append(f"lost {key}: {before_cov[key]:.0%} of articles before, "
                                          f"{now_cov[key]:.0%} in the last {recent}")
            for url, moved_to in session.execute(select(FeedStateRow.url, FeedStateRow.moved_to).where(
                    FeedStateRow.source_id == source_id, FeedStateRow.moved_to.is_not(None))).all():
                h.notices.append(f"{url} moved permanently to {moved_to} (update the registry)")
            out.append(h)
    return out


def _answered(session: Session, source_id: int, started_at: datetime) -> bool:
    """True when the run got real answers (200), not only 304s or deferrals."""
    n = session.execute(select(CrawlRunRow.responses_200).where(
        CrawlRunRow.source_id == source_id, CrawlRunRow.started_at == started_at)).scalar()
    return bool(n)
