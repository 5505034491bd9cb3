"""Database invariants (`newsagg check`) and their repair.

What must hold after any crawl, kill or rerun:
- every article has a story and a signature, and was linked to shows (a scan row);
- links, signatures, scans and revisions point at existing articles, links at existing shows;
- articles point at existing stories and originals; no story is empty;
- each story's article and source counts match its members, its first article is a member;
- the full-text index is in sync (SQLite FTS5: one entry per article and the index
  matches the text; PostgreSQL: the tsvector column is generated, so always in sync).

Each invariant is a query returning the ids that break it. `repair` re-runs what is
missing for the affected articles: links, then stories and signatures, then story
aggregates, then the full-text index; dangling rows are removed first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from models.schema import ArticleRow, SourceRow
from models.stories import refresh_stories
from newsagg.records import Article, ShowLink

EXAMPLES = 5
_NO_ARTICLE = "NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = t.article_id)"


@dataclass(frozen=True)
class Invariant:
    name: str      # what breaks it, as a phrase ("articles without a story")
    ids_sql: str   # SELECT of the ids (first column) that break it
    fix_sql: str = ""  # a statement that removes or clears the dangling rows (repair)


def _orphans(table: str, column: str = "article_id", parent: str = "articles") -> str:
    return f"DELETE FROM {table} WHERE {column} NOT IN (SELECT id FROM {parent})"


def _clear(column: str, parent: str) -> str:
    return f"UPDATE articles SET {column} = NULL WHERE {column} IS NOT NULL AND {column} NOT IN (SELECT id FROM {parent})"


INVARIANTS = (
    Invariant("articles without a story", "SELECT id FROM articles WHERE story_id IS NULL"),
    Invariant("articles without a signature", "SELECT a.id FROM articles a WHERE NOT EXISTS "
              "(SELECT 1 FROM article_signatures s WHERE s.article_id = a.id)"),
    Invariant("articles never linked to shows", "SELECT a.id FROM articles a WHERE NOT EXISTS "
              "(SELECT 1 FROM article_show_scans s WHERE s.article_id = a.id)"),
    Invariant("articles pointing at a missing story", "SELECT a.id FROM articles a WHERE a.story_id IS NOT NULL "
              "AND NOT EXISTS (SELECT 1 FROM stories s WHERE s.id = a.story_id)", _clear("story_id", "stories")),
    Invariant("articles copying a missing article", "SELECT a.id FROM articles a WHERE a.duplicate_of_id IS NOT "
              "NULL AND NOT EXISTS (SELECT 1 FROM articles o WHERE o.id = a.duplicate_of_id)",
              _clear("duplicate_of_id", "articles")),
    Invariant("show links to a missing article", f"SELECT t.article_id FROM article_shows t WHERE {_NO_ARTICLE}",
              _orphans("article_shows")),
    Invariant("show links to a missing show", "SELECT t.article_id FROM article_shows t WHERE NOT EXISTS "
              "(SELECT 1 FROM shows s WHERE s.id = t.show_id)", _orphans("article_shows", "show_id", "shows")),
    Invariant("signatures of a missing article", f"SELECT t.article_id FROM article_signatures t WHERE {_NO_ARTICLE}",
              _orphans("article_signatures")),
    Invariant("show scans of a missing article", f"SELECT t.article_id FROM article_show_scans t WHERE {_NO_ARTICLE}",
              _orphans("article_show_scans")),
    Invariant("revisions of a missing article", f"SELECT t.id FROM article_revisions t WHERE {_NO_ARTICLE}",
              _orphans("article_revisions")),
    Invariant("stories whose counts do not match their members (story ids)",
              "SELECT s.id FROM stories s LEFT JOIN (SELECT story_id, count(*) AS n, count(DISTINCT source_id) AS m "
              "FROM articles WHERE story_id IS NOT NULL GROUP BY story_id) c ON c.story_id = s.id "
              "WHERE coalesce(c.n, 0) <> s.article_count OR coalesce(c.m, 0) <> s.source_count "
              "OR coalesce(c.n, 0) = 0"),
    Invariant("stories whose first article is not a member (story ids)",
              "SELECT s.id FROM stories s WHERE s.first_article_id IS NULL OR NOT EXISTS "
              "(SELECT 1 FROM articles a WHERE a.id = s.first_article_id AND a.story_id = s.id)"),
)
SQLITE_FTS = (
    Invariant("articles missing from the full-text index", "SELECT a.id FROM articles a WHERE NOT EXISTS "
              "(SELECT 1 FROM articles_fts_docsize d WHERE d.id = a.id)"),
    Invariant("full-text index entries of a missing article", "SELECT d.id FROM articles_fts_docsize d "
              "WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = d.id)"),
)


@dataclass
class Broken:
    name: str
    count: int
    examples: list[int]

    def line(self) -> str:
        shown = ", ".join(str(i) for i in self.examples)
        more = ", ..." if self.count > len(self.examples) else ""
        return f"{self.name}: {self.count} (ids {shown}{more})" if self.examples else f"{self.name}: {self.count}"


def _has_table(session: Session, name: str) -> bool:
    if session.get_bind().dialect.name == "sqlite":
        return session.execute(text("SELECT 1 FROM sqlite_master WHERE name = :n"), {"n": name}).first() is not None
    return session.execute(text("SELECT to_regclass(:n)"), {"n": name}).scalar() is not None


def _broken(session: Session, inv: Invariant) -> Broken | None:
    count = session.execute(text(f"SELECT count(*) FROM ({inv.ids_sql}) q")).scalar_one()
    if not count:
        return None
    examples = list(session.execute(text(f"{inv.ids_sql} ORDER BY 1 LIMIT {EXAMPLES}")).scalars())
    return Broken(inv.name, count, examples)


def _fts_problems(session: Session) -> list[Broken]:
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        if not _has_table(session, "articles_fts"):
            return []  # built without FTS5: search falls back to LIKE, nothing to keep in sync
        found = [b for inv in SQLITE_FTS if (b := _broken(session, inv))]
        # The deep comparison is an FTS5 "command" (an INSERT): a read-only connection (health,
        # which never writes) keeps to the row checks above; `newsagg check` runs it.
        if not found and not session.execute(text("PRAGMA query_only")).scalar():
            try:  # rank 1: the index is also compared with the articles' current text
                session.execute(text("INSERT INTO articles_fts(articles_fts, rank) VALUES ('integrity-check', 1)"))
            except DBAPIError as exc:
                if "readonly" not in str(exc).replace(" ", "").lower():  # a read-only file: not checked
                    found.append(Broken("full-text index out of sync with the articles' text", 1, []))
            session.rollback()
        return found
    if dialect == "postgresql":
        generated = session.execute(text(
            "SELECT is_generated FROM information_schema.columns WHERE table_name = 'articles' "
            "AND column_name = 'search' AND table_schema = current_schema()")).scalar()
        if generated != "ALWAYS":
            return [Broken("articles.search is not a generated tsvector column (full-text index)", 1, [])]
    return []


def check_integrity(engine: Engine) -> list[Broken]:
    """The invariants that do not hold (empty: all hold)."""
    with Session(engine) as session:
        problems = [b for inv in INVARIANTS if (b := _broken(session, inv))]
        problems += _fts_problems(session)
    return problems


def _ids(session: Session, sql: str) -> list[int]:
    return list(session.execute(text(sql)).scalars())


def repair(engine: Engine) -> list[str]:
    """Re-run what is missing; returns one line per action taken."""
    done: list[str] = []
    by_name = {inv.name: inv for inv in INVARIANTS}
    with Session(engine) as session, session.begin():
        for inv in INVARIANTS:  # dangling rows first: what follows must not trip over them
            if inv.fix_sql and (n := session.execute(text(inv.fix_sql)).rowcount):
                done.append(f"fixed {n} {inv.name}")
    with Session(engine) as session:
        unlinked = _ids(session, by_name["articles never linked to shows"].ids_sql)
    if unlinked:
        from newsagg.shows.store import link_articles

        with Session(engine) as session:
            linked = link_articles(session, unlinked, only_stale=False)
        done.append(f"linked {linked.articles} articles to shows ({linked.links} links)")
    done += _restory(engine, by_name)
    done += _refresh_aggregates(engine, by_name)
    if _fts_problems_now(engine):
        with Session(engine) as session, session.begin():
            session.execute(text("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')"))
        done.append("rebuilt the full-text index")
    return done


def _fts_problems_now(engine: Engine) -> bool:
    with Session(engine) as session:
        return bool(_fts_problems(session)) and session.get_bind().dialect.name == "sqlite"


def _restory(engine: Engine, by_name: dict[str, Invariant]) -> list[str]:
    """Dedupe articles without a story or a signature, oldest first, 500 per transaction."""
    from newsagg.stories_writer import StoryAssigner, lock_stories

    with Session(engine) as session:
        ids = sorted(set(_ids(session, by_name["articles without a story"].ids_sql))
                     | set(_ids(session, by_name["articles without a signature"].ids_sql)))
    if not ids:
        return []
    assigner = StoryAssigner(engine)
    assigner.warm_start()
    for start in range(0, len(ids), 500):
        with Session(engine) as session, session.begin():
            lock_stories(session)
            articles = _stored_articles(session, ids[start:start + 500])
            articles.sort(key=lambda pair: (pair[1].published_at, pair[1].canonical_url))
            assigner.assign(session, [a for _, a in articles], [i for i, _ in articles])
        assigner.dirty = False
    return [f"decided stories and signatures of {len(ids)} articles"]


def _stored_articles(session: Session, ids: Sequence[int]) -> list[tuple[int, Article]]:
    primary: dict[int, list[ShowLink]] = {}
    marks = ",".join(str(int(i)) for i in ids)
    for aid, show_id, title in session.execute(text(
            "SELECT l.article_id, s.id, s.title FROM article_shows l JOIN shows s ON s.id = l.show_id "
            f"WHERE l.is_primary AND l.article_id IN ({marks})")):
        primary.setdefault(aid, []).append(ShowLink(show_id, title, 1.0, primary=True))
    out: list[tuple[int, Article]] = []
    for row, source in session.execute(select(ArticleRow, SourceRow.name).join(SourceRow)
                                       .where(ArticleRow.id.in_(list(ids)))):
        out.append((row.id, Article(source=source, canonical_url=row.canonical_url, url=row.url, title=row.title,
                                    published_at=row.published_at, summary=row.summary or "", body=row.body or "",
                                    flags=list(row.flags or []), fetched_at=row.first_seen_at,
                                    shows=primary.get(row.id, []))))
    return out


def _refresh_aggregates(engine: Engine, by_name: dict[str, Invariant]) -> list[str]:
    with Session(engine) as session, session.begin():
        ids = sorted(set(_ids(session, by_name["stories whose counts do not match their members (story ids)"].ids_sql))
                     | set(_ids(session, by_name["stories whose first article is not a member (story ids)"].ids_sql)))
        if not ids:
            return []
        marks = ",".join(str(int(i)) for i in ids)
        headlines = dict(session.execute(text(f"SELECT id, headline FROM stories WHERE id IN ({marks})")).all())
        refresh_stories(session, ids, {k: v for k, v in headlines.items() if v}, datetime.now(timezone.utc))
    return [f"recomputed {len(ids)} stories from their members"]
