"""Open a database for reading only: digests and exports never create or migrate anything.

Why not models.db.open_database: it creates and migrates, so a mistyped --db path would
silently become a new empty database, and a read-only file would fail on the attempt.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from sqlalchemy import Engine, inspect
from sqlalchemy.exc import SQLAlchemyError

from models.db import current_revision, database_url, head_revision, make_engine
from newsagg.errors import NewsaggError


def open_readonly(db: str | None) -> Engine:
    url = database_url(db)
    if url.startswith("sqlite:///") and "?" not in url:
        path = Path(url.removeprefix("sqlite:///"))
        if not path.is_file():
            raise NewsaggError(f"no database at {path} (run `newsagg crawl` or `newsagg demo` first, "
                               "or pass --db)")
        # mode=ro: SQLite itself refuses writes; works on read-only files and media.
        url = f"sqlite:///file:{quote(str(path.resolve()))}?mode=ro&uri=true"
    shown = db or url
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            has_articles = inspect(conn).has_table("articles")
        revision = current_revision(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise NewsaggError(f"cannot read database {shown}: {detail}") from None
    if not has_articles:
        engine.dispose()
        raise NewsaggError(f"database {shown} is empty (no newsagg tables): run `newsagg crawl` "
                           "or `newsagg db upgrade` first")
    if revision != head_revision():
        engine.dispose()
        raise NewsaggError(f"database {shown} is at schema revision {revision}, this newsagg needs "
                           f"{head_revision()}: run `newsagg db upgrade --db ...` first")
    return engine
