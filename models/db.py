"""Engine set-up: SQLite by default (WAL, busy timeout), any SQLAlchemy URL otherwise.

The schema is brought to the newest migration automatically on first use.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from models import locks
from newsagg.errors import NewsaggError

DATABASE_ENV = "NEWSAGG_DATABASE_URL"
DEFAULT_SQLITE = "newsagg.db"
MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 30_000


class DatabaseError(NewsaggError):
    pass


def database_url(value: str | None = None) -> str:
    """--db value (URL or SQLite path) -> SQLAlchemy URL; env var, then ./newsagg.db."""
    value = value or os.environ.get(DATABASE_ENV) or DEFAULT_SQLITE
    if "://" in value:
        if value.startswith("postgresql://"):  # psycopg 3 is the driver we ship
            value = "postgresql+psycopg://" + value[len("postgresql://"):]
        return value
    return "sqlite:///" + str(Path(value).expanduser())


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    try:
        cur.execute("PRAGMA journal_mode=WAL")
    except Exception:  # read-only file or media: keep the existing journal mode
        pass
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    url = database_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, **kwargs)
    return engine


def _alembic_config(connection: Any) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


_REV = re.compile(r"^(down_revision|revision)\s*=\s*['\"]?([\w]+)?['\"]?", re.M)


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest migration, read from the version files (importing alembic costs ~0.2 s,
    too much for the query commands' start-up)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((k, v) for k, v in _REV.findall(path.read_text("utf-8")))
        if found.get("revision"):
            revisions.add(found["revision"])
        if found.get("down_revision") and found["down_revision"] != "None":
            parents.add(found["down_revision"])
    heads = revisions - parents
    if len(heads) != 1:
        raise DatabaseError(f"migrations have {len(heads)} heads ({', '.join(sorted(heads))}); expected one")
    return heads.pop()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Two processes upgrading at once: the second waits, then finds nothing to do.
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": locks.MIGRATION})
        command.upgrade(_alembic_config(conn), revision)


def open_database(url: str | None = None, *, migrate: bool = True, **kwargs: Any) -> Engine:
    """Engine for url, with the schema at the newest migration (applied on first use)."""
    engine = make_engine(url, **kwargs)
    try:
        if migrate and current_revision(engine) != head_revision():
            upgrade(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise DatabaseError(f"cannot open database {engine.url.render_as_string(hide_password=True)}: "
                            f"{getattr(exc, 'orig', None) or exc}".splitlines()[0]) from None
    return engine

