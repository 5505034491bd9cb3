"""How read commands and analysts reach the database without being able to change it.

- `open_readonly`: the one opener of every read command (articles, stories, show, health,
  runs, schedule status, digest, export). It never creates or migrates: a mistyped --db
  is "no database at PATH" (exit 2), not a new empty database that a monitor reads as
  healthy. SQLite opens with mode=ro; PostgreSQL sessions start with
  default_transaction_read_only=on.
- `analyst_session`: the raw DBAPI connection `newsagg sql` runs an analyst's text on.
  Its safety comes from the connection, not from reading the text: see run_readonly_sql.
- `create_reader_role`: a SELECT-only PostgreSQL login for analysts.
"""

from __future__ import annotations

import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from models.db import current_revision, database_url, head_revision, make_engine
from newsagg.errors import NewsaggError

# Statement timeout of `newsagg sql` (seconds; --timeout).
DEFAULT_SQL_TIMEOUT = 30.0
# PostgreSQL roles whose members can read or write server files or run programs (COPY ... PROGRAM):
# a connection holding one of them is as dangerous for `newsagg sql` as a superuser.
_SERVER_ACCESS_ROLES = ("pg_execute_server_program", "pg_write_server_files", "pg_read_server_files")
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class DatabaseMissing(NewsaggError):
    pass


def _sqlite_path(url: URL) -> Path | None:
    """The file of a plain SQLite URL; None for other databases and for URI/in-memory forms."""
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:" or url.query:
        raise NewsaggError(f"read commands need a SQLite file path, got {url.render_as_string()}")
    return Path(url.database)


def _require_file(path: Path) -> Path:
    if not path.is_file():
        raise DatabaseMissing(f"no database at {path} (run `newsagg crawl` or `newsagg demo` first, or pass --db)")
    return path.resolve()


def _pg_options(url: URL, settings: dict[str, str]) -> URL:
    """Add `-c name=value` startup parameters, keeping any options already in the URL (a
    search_path, say). Startup parameters are session defaults a COMMIT cannot undo."""
    extra = " ".join(f"-c {k}={v}" for k, v in settings.items())
    current = url.query.get("options")
    current = " ".join(current) if isinstance(current, tuple) else (current or "")
    return url.update_query_dict({"options": f"{current} {extra}".strip()})


def open_readonly(db: str | None) -> Engine:
    """An engine on an existing newsagg database at the current schema revision, unable to write."""
    url = make_url(database_url(db))
    shown = db or url.render_as_string(hide_password=True)
    path = _sqlite_path(url)
    if path is not None:
        path = _require_file(path)
        # mode=ro: SQLite itself refuses writes; works on read-only files and media.
        engine = make_engine(f"sqlite:///file:{quote(str(path))}?mode=ro&uri=true")
    else:
        if url.get_backend_name() == "postgresql":
            url = _pg_options(url, {"default_transaction_read_only": "on"})
        engine = make_engine(url.render_as_string(hide_password=False))
    try:
        with engine.connect() as conn:
            has_articles = inspect(conn).has_table("articles")
        revision = current_revision(engine) if has_articles else None
    except SQLAlchemyError as exc:
        engine.dispose()
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise NewsaggError(f"cannot read database {shown}: {detail}") from None
    if not has_articles:
        engine.dispose()
        raise DatabaseMissing(f"database {shown} is empty (no newsagg tables): run `newsagg crawl` "
                              "or `newsagg db upgrade` first")
    if revision != head_revision():
        engine.dispose()
        raise NewsaggError(f"database {shown} is at schema revision {revision}, this newsagg needs "
                           f"{head_revision()}: run `newsagg db upgrade --db ...` first")
    return engine


def open_existing(db: str | None) -> Engine:
    """A writable engine on a database that must already exist (e.g. `show --link-new`)."""
    open_readonly(db).dispose()
    return make_engine(db)


# -- the analyst's SQL session ----------------------------------------------------------------

@contextmanager
def analyst_session(db: str | None, timeout: float = DEFAULT_SQL_TIMEOUT,
                    as_superuser: bool = False) -> Iterator[Any]:
    """A raw DBAPI connection that cannot write, whatever the statement run on it says.

    SQLite: a mode=ro URI connection (the library refuses writes), PRAGMA query_only, no
    ATTACH, and a progress handler that interrupts the statement after `timeout` seconds.
    PostgreSQL: default_transaction_read_only and statement_timeout as startup parameters
    (BEGIN/COMMIT in the text cannot turn them off), and a refusal for superusers and
    members of the server-file roles unless `as_superuser`.
    """
    url = make_url(database_url(db))
    path = _sqlite_path(url)
    if path is not None:
        conn = _sqlite_reader(_require_file(path), timeout)
        try:
            yield conn
        finally:
            conn.close()
        return
    if url.get_backend_name() != "postgresql":
        raise NewsaggError(f"newsagg sql supports SQLite and PostgreSQL, not {url.get_backend_name()}")
    open_readonly(db).dispose()  # one clear line for a missing or empty database
    settings = {"default_transaction_read_only": "on", "statement_timeout": f"{max(1, int(timeout * 1000))}",
                "idle_in_transaction_session_timeout": f"{max(1, int(timeout * 1000))}"}
    # NullPool: one statement per connection, nothing of a session outlives it.
    engine = create_engine(_pg_options(url, settings), poolclass=NullPool)
    try:
        raw = engine.raw_connection()
    except SQLAlchemyError as exc:
        engine.dispose()
        detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise NewsaggError(f"cannot connect to {url.render_as_string(hide_password=True)}: {detail}") from None
    try:
        conn = raw.driver_connection
        conn.rollback()
        if not as_superuser:
            _refuse_powerful_role(conn)
        yield conn
    finally:
        raw.close()
        engine.dispose()


def _refuse_powerful_role(conn: Any) -> None:
    with conn.cursor() as cur:
        cur.execute("SELECT current_user, rolsuper, " + ", ".join(
            f"pg_has_role(current_user, '{r}', 'MEMBER')" for r in _SERVER_ACCESS_ROLES)
            + " FROM pg_roles WHERE rolname = current_user")
        user, superuser, *server_roles = cur.fetchone()
    conn.rollback()
    if superuser or any(server_roles):
        why = "a superuser" if superuser else "allowed to read/write server files or run programs"
        raise NewsaggError(
            f"refusing to run analyst SQL as {user!r}, {why}: create a reader with "
            f"`newsagg db reader-role analyst` and connect as it (--db postgresql://analyst@HOST/DB), "
            f"or pass --as-superuser")


def _sqlite_reader(path: Path, timeout: float) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=timeout,
                           isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA query_only = ON")
    conn.set_authorizer(_sqlite_authorizer)
    deadline = time.monotonic() + timeout
    # Called every 10,000 virtual-machine steps; a non-zero return interrupts the statement.
    conn.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
    return conn


def _sqlite_authorizer(action: int, *_: Any) -> int:
    # ATTACH could open another file; everything else is stopped by mode=ro and query_only.
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


# -- the reader role --------------------------------------------------------------------------

def create_reader_role(engine: Engine, name: str, password: str | None = None) -> str:
    """Create (or bring up to date) a login role that can only SELECT from this schema's
    tables and views, now and later. Returns the schema it was granted."""
    if engine.dialect.name != "postgresql":
        raise NewsaggError("reader roles are a PostgreSQL feature: on SQLite `newsagg sql` already opens "
                           "the file read-only (give analysts read permission on the file)")
    if not _ROLE_NAME.match(name):
        raise NewsaggError(f"role name {name!r}: use lowercase letters, digits and underscores")
    from psycopg import sql as pgsql

    role = pgsql.Identifier(name)
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        with conn.cursor() as cur:
            cur.execute("SELECT current_database(), current_schema()")
            database, schema = cur.fetchone()
            cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", (name,))
            existing = cur.fetchone()
            if existing and existing[0]:
                raise NewsaggError(f"role {name!r} exists and is a superuser: choose another name")
            if not existing:
                cur.execute(pgsql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT")
                            .format(role))
            if password is not None:
                cur.execute(pgsql.SQL("ALTER ROLE {} PASSWORD {}").format(role, pgsql.Literal(password)))
            for stmt in ("GRANT CONNECT ON DATABASE {db} TO {role}",
                         "GRANT USAGE ON SCHEMA {schema} TO {role}",
                         "GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {role}",
                         # Tables and views that later migrations create (by this user) too.
                         "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT SELECT ON TABLES TO {role}",
                         "ALTER ROLE {role} SET default_transaction_read_only = on"):
                cur.execute(pgsql.SQL(stmt).format(db=pgsql.Identifier(database), schema=pgsql.Identifier(schema),
                                                   role=role))
        conn.commit()
        return schema
    finally:
        raw.close()
