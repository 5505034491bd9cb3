"""`newsagg sql` is read-only by construction (issue 12, finding 1): the connection cannot write,
takes one statement per protocol message and stops at a timeout, whatever the text says.

PostgreSQL runs as a reader role made by `newsagg db reader-role` (CI connects as a superuser,
which `newsagg sql` refuses without --as-superuser)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from conftest import invoke
from test_queries import _seed

# The attack that deleted every article: sqlparse read \' as an escaped quote, PostgreSQL does not.
BACKSLASH_ATTACK = "SELECT '\\'; COMMIT; DELETE FROM articles; SELECT '\\'"
WRITES = ["DELETE FROM articles", "UPDATE articles SET title = 'x'", "CREATE TABLE evil (a int)",
          "WITH gone AS (DELETE FROM articles RETURNING id) SELECT count(*) FROM gone", "DROP VIEW v_articles"]


def _count(url: str) -> int:
    engine = create_engine(url if "://" in url else f"sqlite:///{url}")
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM articles")).scalar_one()
    finally:
        engine.dispose()


@pytest.fixture
def reader(postgres_url: str) -> Iterator[tuple[str, str]]:
    """(admin URL, reader URL): a seeded schema and a role made by `newsagg db reader-role`."""
    _seed(postgres_url)
    role = f"reader_{uuid.uuid4().hex[:10]}"
    made = invoke("db", "reader-role", role, "--db", postgres_url)
    assert made.exit_code == 0, made.stderr
    reader_url = make_url(postgres_url).set(username=role).render_as_string(hide_password=False)
    yield postgres_url, reader_url
    admin = create_engine(postgres_url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP OWNED BY "{role}"'))
        conn.execute(text(f'DROP ROLE "{role}"'))
    admin.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> str:
    path = str(tmp_path / "q.db")
    _seed(path)
    return path


def test_backslash_commit_delete_deletes_nothing_on_postgres(reader: tuple[str, str]) -> None:
    admin, reader_url = reader
    for extra in ((), ("--as-superuser",)):
        url = reader_url if not extra else admin
        result = invoke("sql", "--db", url, *extra, BACKSLASH_ATTACK)
        assert result.exit_code == 2 and result.stderr == "newsagg: error: newsagg sql runs exactly one statement\n"
    assert _count(admin) == 3


@pytest.mark.parametrize("statement", WRITES)
def test_writes_fail_on_the_connection(reader: tuple[str, str], sqlite_db: str, statement: str) -> None:
    admin, reader_url = reader
    for url, extra in ((reader_url, ()), (admin, ("--as-superuser",)), (sqlite_db, ())):
        result = invoke("sql", "--db", url, *extra, statement)
        assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1, (url, result.stderr)
        # SQLite has no DELETE inside WITH: a syntax error there.
        expected = ("read-only", "permission denied", *(("syntax error",) if url == sqlite_db else ()))
        assert any(word in result.stderr for word in expected), result.stderr
    assert _count(admin) == 3 and _count(sqlite_db) == 3


def test_a_commit_cannot_end_the_read_only_session(reader: tuple[str, str]) -> None:
    """A session default set at start-up: turning it off inside the statement holds for no later
    statement (the connection runs one and closes)."""
    admin, reader_url = reader
    for statement in ("COMMIT", "SET default_transaction_read_only = off",
                      "SELECT set_config('default_transaction_read_only', 'off', false)"):
        done = invoke("sql", "--db", reader_url, statement)
        assert done.exit_code == 0, done.stderr
        assert invoke("sql", "--db", reader_url, "DELETE FROM articles").exit_code == 2
    assert _count(admin) == 3


def test_superuser_is_refused_without_the_flag(reader: tuple[str, str]) -> None:
    admin, _ = reader
    refused = invoke("sql", "--db", admin, "SELECT count(*) FROM articles")
    assert refused.exit_code == 2 and len(refused.stderr.splitlines()) == 1
    assert "a superuser" in refused.stderr and "newsagg db reader-role" in refused.stderr
    assert "--as-superuser" in refused.stderr and refused.stdout == ""
    allowed = invoke("sql", "--db", admin, "--as-superuser", "SELECT count(*) AS n FROM articles", "-f", "csv")
    assert allowed.exit_code == 0 and allowed.stdout == "n\n3\n"


@pytest.mark.parametrize("statement, refusal", [
    ("COPY (SELECT 1) TO PROGRAM 'touch /tmp/newsagg-pwned'", "pg_execute_server_program"),
    ("COPY (SELECT 1) TO '/tmp/newsagg-pwned'", "pg_write_server_files"),
    ("SELECT pg_read_file('/etc/hostname')", "permission denied"),
])
def test_reader_cannot_reach_the_server(reader: tuple[str, str], statement: str, refusal: str) -> None:
    _, reader_url = reader
    result = invoke("sql", "--db", reader_url, statement)
    assert result.exit_code == 2 and refusal in result.stderr, result.stderr
    assert not Path("/tmp/newsagg-pwned").exists()


def test_reader_cannot_terminate_other_sessions(reader: tuple[str, str]) -> None:
    admin, reader_url = reader
    engine = create_engine(admin)
    with engine.connect() as victim:
        pid = victim.execute(text("SELECT pg_backend_pid()")).scalar_one()
        result = invoke("sql", "--db", reader_url, f"SELECT pg_terminate_backend({pid})")
        assert result.exit_code == 2 and "must be a superuser to terminate" in result.stderr, result.stderr
        assert victim.execute(text("SELECT 1")).scalar_one() == 1
    engine.dispose()


def test_statement_timeout(reader: tuple[str, str], sqlite_db: str) -> None:
    _, reader_url = reader
    slow = invoke("sql", "--db", reader_url, "--timeout", "0.5", "SELECT pg_sleep(20)")
    assert slow.exit_code == 2 and "stopped after the 0.5 s timeout" in slow.stderr
    # Resetting the timeout inside the statement does not lift it.
    reset = invoke("sql", "--db", reader_url, "--timeout", "0.5",
                   "SELECT set_config('statement_timeout', '0', false), pg_sleep(20)")
    assert reset.exit_code == 2 and "timeout" in reset.stderr
    endless = "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r"
    for url in (reader_url, sqlite_db):
        result = invoke("sql", "--db", url, "--timeout", "0.5", endless)
        assert result.exit_code == 2 and "stopped after the 0.5 s timeout (raise it with --timeout)" in result.stderr


def test_like_percent_and_leading_comment(reader: tuple[str, str], sqlite_db: str) -> None:
    _, reader_url = reader
    for url in (reader_url, sqlite_db):
        like = invoke("sql", "--db", url, "SELECT count(*) AS n FROM articles WHERE title LIKE '%Jones%'", "-f", "csv")
        assert like.exit_code == 0 and like.stdout == "n\n1\n", like.stderr
        # A statement starting with "--" goes after "--" (documented in --help and the README).
        commented = invoke("sql", "--db", url, "-f", "csv", "--", "-- how many?\nSELECT count(*) AS n FROM articles")
        assert commented.exit_code == 0 and commented.stdout == "n\n3\n", commented.stderr


def test_sqlite_cannot_attach_or_write(sqlite_db: str, tmp_path: Path) -> None:
    target = tmp_path / "new.db"
    result = invoke("sql", "--db", sqlite_db, f"ATTACH DATABASE '{target}' AS x")
    assert result.exit_code == 2 and not target.exists()
    result = invoke("sql", "--db", sqlite_db, "PRAGMA journal_mode = DELETE")
    assert _count(sqlite_db) == 3


def test_reader_role_sees_tables_created_later(reader: tuple[str, str]) -> None:
    """Default privileges: a table a later migration adds is readable without re-granting."""
    admin, reader_url = reader
    engine = create_engine(admin)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE later_table (a int)"))
        conn.execute(text("INSERT INTO later_table VALUES (7)"))
    engine.dispose()
    result = invoke("sql", "--db", reader_url, "SELECT a FROM later_table", "-f", "csv")
    assert result.exit_code == 0 and result.stdout == "a\n7\n", result.stderr


def test_reader_role_is_postgres_only(sqlite_db: str) -> None:
    result = invoke("db", "reader-role", "analyst", "--db", sqlite_db)
    assert result.exit_code == 2 and "PostgreSQL feature" in result.stderr and len(result.stderr.splitlines()) == 1
    bad = invoke("db", "reader-role", "Robert'); DROP", "--db", sqlite_db)
    assert bad.exit_code == 2


def test_timeout_and_limit_are_checked(sqlite_db: str) -> None:
    for args in (("--timeout", "nan"), ("--timeout", "0"), ("--timeout", "1e12"), ("--limit", "-1")):
        result = invoke("sql", "--db", sqlite_db, *args, "SELECT 1")
        assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1, (args, result.stderr)
    result = invoke("sql", "--db", sqlite_db, "--limit", "2", "-f", "csv", "SELECT id FROM articles ORDER BY id")
    assert result.exit_code == 0 and result.stdout.count("\n") == 3


def test_sqlite_vacuum_into_writes_no_file(sqlite_db: str, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    result = invoke("sql", "--db", sqlite_db, f"VACUUM INTO '{copy}'")
    assert result.exit_code == 2 and not copy.exists()
