"""Read-only queries for analysts: articles with filters and ranked full-text search,
stories of a day, and guarded raw SQL. Only SQLAlchemy Core: no Scrapy, no extractor."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Engine, text

from newsagg.errors import NewsaggError
from newsagg.search_syntax import to_fts5, to_tsquery



class QueryError(NewsaggError):
    pass


def parse_when(value: str, now: datetime | None = None, *, end_of_day: bool = False) -> datetime:
    """A moment in the one grammar (newsagg.timespec): '7d', '24h', '2016-01-18' or an ISO
    datetime -> aware UTC. A bare date is its UTC day."""
    from newsagg.timespec import TimeSpecError, parse_moment

    try:
        return parse_moment(value, now, end_of_day=end_of_day)
    except TimeSpecError as exc:
        raise QueryError(str(exc)) from None


def _db_time(engine: Engine, dt: datetime) -> Any:
    # SQLite stores naive UTC text ("YYYY-MM-DD HH:MM:SS.ffffff"): compare like with like.
    return dt.astimezone(timezone.utc).replace(tzinfo=None) if engine.dialect.name == "sqlite" else dt


def fts_query(user_query: str) -> str:
    """User query -> a safe FTS5 MATCH expression (OR, NOT, prefix*, "phrases": see search_syntax)."""
    return to_fts5(user_query)


def _names(engine: Engine, table: str, column: str) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text(f"SELECT {column} FROM {table}"))]


def resolve_name(engine: Engine, table: str, column: str, value: str, what: str) -> list[int]:
    """Ids whose name matches (case-insensitive); unknown -> one line with close matches."""
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(
            text(f"SELECT id FROM {table} WHERE lower({column}) = lower(:v)"), {"v": value})]
    if ids:
        return ids
    import difflib

    names = _names(engine, table, column)
    close = difflib.get_close_matches(value, names, n=3, cutoff=0.6) or \
        [n for n in names if value.lower() in n.lower()][:3]
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise QueryError(f"unknown {what} {value!r}{hint}")


def show_ids(engine: Engine, ref: str) -> list[int]:
    """The ids of the shows `ref` names (the one show resolver: title, alias, label, fuzzy hints)."""
    from sqlalchemy.orm import Session

    from newsagg.shows.resolve import find_shows

    with Session(engine) as session:
        return [s.id for s in find_shows(session, ref) if s.id is not None]


def check_source_names(engine: Engine, names: list[str] | None) -> None:
    """--source values must name sources the database knows (one line with close matches)."""
    for name in names or ():
        resolve_name(engine, "sources", "name", name, "source")


RUN_COLUMNS = ("run", "source", "trigger", "started_at", "seconds", "status", "requests", "http_200", "http_304",
               "http_4xx", "http_5xx", "seen", "new", "updated", "duplicate", "errors", "last_error")


def recent_runs(engine: Engine, limit: int = 20, source: str | None = None) -> list[tuple[Any, ...]]:
    """The newest crawl runs (one row per source and run), as `newsagg runs` lists them."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from models.schema import CrawlRunRow, SourceRow

    stmt = (select(CrawlRunRow, SourceRow.name).join(SourceRow, SourceRow.id == CrawlRunRow.source_id)
            .order_by(CrawlRunRow.id.desc()).limit(limit))
    if source:
        stmt = stmt.where(SourceRow.name == source)
    out = []
    with Session(engine) as session:
        for r, name in session.execute(stmt):
            secs = round((r.finished_at - r.started_at).total_seconds(), 1) if r.finished_at else None
            out.append((r.run_id[:8], name, r.trigger, r.started_at, secs, r.status,
                        r.requests, r.responses_200, r.responses_304, r.responses_4xx, r.responses_5xx,
                        r.items_seen, r.items_new, r.items_updated, r.items_duplicate, r.errors,
                        (r.last_error or "")[:60]))
    return out


@dataclass
class ArticleFilter:
    show: str | None = None
    source: str | None = None
    since: str | None = None
    until: str | None = None
    search: str | None = None
    story: int | None = None
    include_duplicates: bool = False
    season: int | None = None   # with show: only articles that mention this season of it
    limit: int = 50


# --search alone ranks the most recent this many matches. On PostgreSQL every pooled match is a
# heap row read for its date and tsvector: on 1M articles 20,000 of them (~15,000 pages, about all
# of a default 128MB shared_buffers) cost 0.13-0.25 s in a fresh backend, 10,000 cost ~0.07 s.
# The same pool on both backends keeps their answers alike.
RANK_POOL = 10_000

# PostgreSQL finds its pool through a time window when it can (see _pg_recent_cutoff).
_SAMPLE_PCT = 0.5  # of the table's pages, a fixed (REPEATABLE) sample: about 5,000 rows per 1M articles
_WINDOW_MARGIN = 1.5  # the window aims at this many times the pool, so that it rarely falls short
_DENSE = 0.25  # words in this share of the _RECENT newest articles: the newest-first walk is cheaper
_RECENT = 200

ARTICLE_COLUMNS = ("id", "published_at", "source", "title", "url", "story_id", "duplicate_of_id", "shows")


def find_articles(engine: Engine, f: ArticleFilter) -> list[dict[str, Any]]:
    where: list[str] = []
    params: dict[str, Any] = {"limit": max(1, f.limit)}
    joins: list[str] = []
    work_mem: str | None = None  # SET LOCAL for this statement's transaction only
    order = "a.published_at DESC, a.id DESC"
    if f.source:
        params["source_ids"] = resolve_name(engine, "sources", "name", f.source, "source")
        where.append("a.source_id IN :source_ids")
    if f.season is not None and not f.show:
        raise QueryError("--season needs --show (which show's season)")
    if f.show:
        params["show_ids"] = show_ids(engine, f.show)
        season = ""
        if f.season is not None:
            params["season"] = f.season
            season = (" AND x.seasons @> to_jsonb(CAST(:season AS int))" if engine.dialect.name == "postgresql"
                      else " AND EXISTS (SELECT 1 FROM json_each(x.seasons) WHERE value = :season)")
        where.append("EXISTS (SELECT 1 FROM article_shows x WHERE x.article_id = a.id AND x.show_id IN :show_ids"
                     f"{season})")
    if f.since:
        params["since"] = _db_time(engine, parse_when(f.since))
        where.append("a.published_at >= :since")
    if f.until:
        params["until"] = _db_time(engine, parse_when(f.until, end_of_day=True))
        where.append("a.published_at < :until")
    if f.story is not None:
        params["story"] = f.story
        where.append("a.story_id = :story")
    if not f.include_duplicates:
        # SQLite would walk the duplicate_of_id index for "IS NULL" (nearly every row) instead of
        # the published_at order; PostgreSQL estimates IS NULL well and an expression badly.
        where.append("a.duplicate_of_id IS NULL" if engine.dialect.name == "postgresql"
                     else "coalesce(a.duplicate_of_id, 0) = 0")
    if f.search:
        only_search = not (f.source or f.show or f.since or f.until or f.story is not None)
        # Without other filters, rank the RANK_POOL most recent matches only: news readers want
        # recent hits, and a very common word then costs 0.1 s instead of seconds on 1M articles.
        pool = "LIMIT :pool" if only_search else ""
        params["pool"], params["top"] = RANK_POOL, f.limit * 2 + 20
        if engine.dialect.name == "postgresql":
            params["q"] = to_tsquery(f.search)
            # to_tsquery('english', :q) is immutable: the planner folds it to a constant once.
            matches = ("SELECT id AS rid, published_at AS pub, ts_rank(search, to_tsquery('english', :q)) "
                       "AS score FROM articles WHERE search @@ to_tsquery('english', :q)")
            cut = _pg_recent_cutoff(engine, params["q"], RANK_POOL) if only_search else None
            if cut is None:
                ranked = f"{matches} ORDER BY published_at DESC {pool}"
            else:
                # The same pool (the RANK_POOL most recent matches), read from the heap only for the
                # matches newer than the cut (a BitmapAnd of the GIN and published_at indexes) instead
                # of all of them; the older matches are read only if the window falls short.
                params["cut"] = cut
                # The window's published_at bitmap holds 100,000s of rows: in the default 4MB it turns
                # lossy, twice the heap pages are read and rechecked (0.17 s instead of 0.07 s).
                work_mem = "16MB"
                ranked = (f"WITH win AS MATERIALIZED ({matches} AND published_at >= :cut "
                          f"ORDER BY published_at DESC LIMIT :pool) SELECT * FROM win UNION ALL "
                          f"({matches} AND published_at < :cut ORDER BY published_at DESC "
                          f"LIMIT :pool - (SELECT count(*) FROM win))")
            if only_search:
                # Ties (the same words in the same places score alike) go to the newest, as in the
                # final ORDER BY (now down to the id): which rows are kept is no longer up to the sort.
                ranked = f"SELECT rid, score FROM ({ranked}) pool ORDER BY score DESC, pub DESC, rid DESC LIMIT :top"
            joins.append(f"JOIN ({ranked}) fts ON fts.rid = a.id")
            order = "fts.score DESC, a.published_at DESC, a.id DESC"
        else:
            params["q"] = fts_query(f.search)
            # FTS5 walks matches newest rowid first, so the pool costs no sort.
            ranked = ("SELECT rowid AS rid, bm25(articles_fts, 10.0, 3.0, 1.0) AS score FROM articles_fts "
                      f"WHERE articles_fts MATCH :q ORDER BY rowid DESC {pool}")
            joins.append(f"JOIN ({_best(ranked, only_search, 'ASC')}) fts ON fts.rid = a.id")
            order = "fts.score, a.published_at DESC"
    # shows: a JSON array of titles, most confident first (parsed into a list in _clean_row)
    agg = ("json_agg(sh.title ORDER BY x.confidence DESC)" if engine.dialect.name == "postgresql"
           else "json_group_array(sh.title)")
    sql = (f"SELECT a.id, a.published_at, s.name AS source, a.title, a.url, a.story_id, a.duplicate_of_id, "
           f"(SELECT {agg} FROM article_shows x JOIN shows sh ON sh.id = x.show_id WHERE x.article_id = a.id) "
           f"AS shows FROM articles a JOIN sources s ON s.id = a.source_id {' '.join(joins)} "
           f"{'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY {order} LIMIT :limit")
    stmt = text(sql)
    from sqlalchemy import bindparam

    for key in ("source_ids", "show_ids"):
        if key in params:
            stmt = stmt.bindparams(bindparam(key, expanding=True))
    with engine.connect() as conn:
        if work_mem:
            conn.exec_driver_sql(f"SET LOCAL work_mem = '{work_mem}'")
        return [_clean_row(dict(r._mapping)) for r in conn.execute(stmt, params)]


def _pg_recent_cutoff(engine: Engine, words: str, pool: int) -> datetime | None:
    """A published_at newer than which about _WINDOW_MARGIN x pool articles match, or None
    when a window would not pay: most recent articles match (the newest-first walk of the
    published_at index stops after about `pool` rows anyway), or few articles match at all
    (reading every match is cheap; the window would hold most of them).

    On 1M articles a show's name matches ~70,000 articles on ~40,000 heap pages: reading all of
    them to keep the newest was most of the 0.2-0.3 s; the window reads ~16,000 matches. The
    estimate only sets the cost, never the result: a window short of `pool` is completed from
    the older matches (then the query costs about what reading every match did)."""
    match = "search @@ to_tsquery('english', :q)"
    with engine.connect() as conn:
        # The newest articles: the pages the walk would read first, so checking them costs ~1 ms.
        recent = conn.execute(text(f"SELECT count(*) FILTER (WHERE {match}) FROM (SELECT search FROM articles "
                                   "ORDER BY published_at DESC LIMIT :n) r"), {"q": words, "n": _RECENT}).scalar()
        if recent >= _DENSE * _RECENT:
            return None
        # A fixed sample of the table's pages (REPEATABLE: the same plan for the same words):
        # the k-th newest sampled match stands for the (k / sampled share)-th newest match.
        k = max(1, round(pool * _WINDOW_MARGIN * _SAMPLE_PCT / 100))
        hits, cut = conn.execute(text(
            f"SELECT count(*), (array_agg(published_at ORDER BY published_at DESC))[CAST(:k AS int)] FROM articles "
            f"TABLESAMPLE SYSTEM ({_SAMPLE_PCT}) REPEATABLE (0) WHERE {match}"), {"q": words, "k": k}).one()
    return cut if hits >= 2 * k else None


def _best(ranked: str, only_search: bool, direction: str) -> str:
    """With no other filter, keep the best few ranked rows before joining (room for copies
    that the duplicate filter drops); otherwise the filters decide and all matches go on."""
    return f"SELECT rid, score FROM ({ranked}) pool ORDER BY score {direction} LIMIT :top" if only_search else ranked


def show_refs(engine: Engine, article_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each article's shows named unambiguously (project id, TVmaze and other ids, premiere year, network)."""
    from sqlalchemy import bindparam

    from newsagg.shows.catalogue import show_ref

    out: dict[int, list[dict[str, Any]]] = {}
    if not article_ids:
        return out
    stmt = text("SELECT x.article_id, sh.id, sh.title, sh.premiered_on, sh.network, sh.external_ids "
                "FROM article_shows x JOIN shows sh ON sh.id = x.show_id WHERE x.article_id IN :ids "
                "ORDER BY x.article_id, x.confidence DESC, sh.id").bindparams(bindparam("ids", expanding=True))
    with engine.connect() as conn:
        for aid, sid, title, premiered, network, ids in conn.execute(stmt, {"ids": article_ids}):
            if isinstance(ids, str):  # SQLite JSON text
                ids = json.loads(ids or "{}")
            out.setdefault(aid, []).append(show_ref(sid, title, premiered, network, ids))
    return out


def _utc(value: Any) -> Any:
    """A stored time as aware UTC: SQLite gives text or naive datetimes."""
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=timezone.utc)
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


def _clean_row(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    if isinstance(row.get("shows"), str):  # SQLite's json_group_array is JSON text
        row["shows"] = json.loads(row["shows"])
    elif "shows" in row and row["shows"] is None:
        row["shows"] = []
    for key in keys or ("published_at",):
        if key in row:
            row[key] = _utc(row[key])
    return row


def stories_of_day(engine: Engine, day: str, show: str | None = None, limit: int = 200) -> list[dict[str, Any]]:
    """Stories whose first article appeared on the UTC day, with their outlets (earliest first)."""
    start = parse_when(day)
    params: dict[str, Any] = {"start": _db_time(engine, start), "end": _db_time(engine, start + timedelta(days=1)),
                              "limit": limit}
    show_clause = ""
    if show:
        params["show_ids"] = show_ids(engine, show)
        show_clause = ("AND EXISTS (SELECT 1 FROM articles a3 JOIN article_shows x ON x.article_id = a3.id "
                       "WHERE a3.story_id = st.id AND x.show_id IN :show_ids)")
    sql = (f"SELECT st.id, st.headline, st.first_published_at, fs.name AS first_source, st.article_count, "
           f"st.source_count FROM stories st LEFT JOIN sources fs ON fs.id = st.first_source_id "
           f"WHERE st.first_published_at >= :start AND st.first_published_at < :end {show_clause} "
           f"ORDER BY st.source_count DESC, st.first_published_at LIMIT :limit")
    from sqlalchemy import bindparam

    stmt = text(sql)
    if show:
        stmt = stmt.bindparams(bindparam("show_ids", expanding=True))
    out = []
    with engine.connect() as conn:
        for r in conn.execute(stmt, params):
            row = _clean_row(dict(r._mapping), "first_published_at")
            members = conn.execute(text(
                "SELECT s.name, a.published_at, a.url, a.duplicate_of_id FROM articles a "
                "JOIN sources s ON s.id = a.source_id WHERE a.story_id = :sid ORDER BY a.published_at"),
                {"sid": row["id"]}).all()
            row["outlets"] = list(dict.fromkeys(m[0] for m in members))
            row["articles"] = [{"source": m[0], "published_at": _utc(m[1]), "url": m[2],
                                "duplicate": m[3] is not None} for m in members]
            out.append(row)
    return out


# -- the analyst's raw SQL --------------------------------------------------------------------

MAX_SQL_TIMEOUT = 86_400  # a day; PostgreSQL's statement_timeout is a 32-bit count of milliseconds


def run_readonly_sql(db: str | None, sql: str, limit: int | None = None, *, timeout: float | None = None,
                     as_superuser: bool = False) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Run one statement of an analyst's SQL on a connection that cannot write.

    Nothing here reads the text: the guarantees are the connection's (newsagg.dbaccess).
    PostgreSQL gets the text as one prepared statement (extended protocol: a second
    statement is a syntax error, and no placeholder parsing, so `LIKE '%x'` works);
    SQLite's execute() refuses a second statement itself."""
    from newsagg.dbaccess import DEFAULT_SQL_TIMEOUT, analyst_session

    if not sql.strip():
        raise QueryError("newsagg sql needs a statement")
    seconds = DEFAULT_SQL_TIMEOUT if timeout is None else timeout
    if not 0 < seconds <= MAX_SQL_TIMEOUT:  # NaN too: it would never time out
        raise QueryError(f"--timeout must be more than 0 and at most {MAX_SQL_TIMEOUT} seconds, got {seconds:g}")
    if limit is not None and limit < 1:
        raise QueryError(f"--limit must be 1 or more, got {limit}")
    with analyst_session(db, seconds, as_superuser=as_superuser) as conn:
        sqlite = isinstance(conn, sqlite3.Connection)
        cur = conn.cursor()
        try:
            if sqlite:
                cur.execute(sql)
            else:
                cur.execute(sql.encode(), prepare=True)
            columns = [d[0] for d in cur.description or ()]
            rows = [tuple(r) for r in (cur.fetchmany(limit) if limit else cur.fetchall())] if columns else []
        except Exception as exc:  # DBAPI errors: syntax, read-only violations, timeouts, unknown tables
            raise QueryError(_sql_error(exc, seconds)) from None
        finally:
            cur.close()
            conn.rollback()
    return columns, rows


def _sql_error(exc: Exception, timeout: float) -> str:
    message = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    state = getattr(getattr(exc, "diag", None), "sqlstate", None)
    if "one statement at a time" in message or "multiple commands into a prepared statement" in message:
        return "newsagg sql runs exactly one statement"
    if state == "25006" or "readonly database" in message:  # read_only_sql_transaction; SQLite's wording
        return f"newsagg sql is read-only: {message}"
    if state == "57014" or message == "interrupted":  # query_canceled by statement_timeout; progress handler
        return f"query stopped after the {timeout:g} s timeout (raise it with --timeout)"
    return f"SQL error: {message}"
