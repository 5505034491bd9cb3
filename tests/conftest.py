"""Shared fixtures: corpus location, service URLs, local fixture servers, CLI runner.

Services and the corpus: a test that needs one skips with the reason when it is
missing, and fails instead under NEWSAGG_REQUIRE_SERVICES=1 / NEWSAGG_REQUIRE_CORPUS=1
(which .ci/run sets).
"""

from __future__ import annotations

import atexit
import functools
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _require(env: str) -> bool:
    return os.environ.get(env, "") not in ("", "0", "false", "no")


def missing(env: str, reason: str) -> None:
    """Skip for `reason`, or fail when the environment says the thing is required."""
    if _require(env):
        pytest.fail(f"{reason} (required: {env}=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    path = Path(os.environ.get("NEWSAGG_CORPUS_DIR") or ROOT.parent / "shared" / "corpus")
    if not path.is_dir():
        missing("NEWSAGG_REQUIRE_CORPUS", f"corpus not found at {path}")
    return path


@pytest.fixture(scope="session")
def seed_article() -> str:
    path = ROOT.parent / "shared" / "seed-article.txt"
    if not path.is_file():
        missing("NEWSAGG_REQUIRE_CORPUS", f"seed article not found at {path}")
    return path.read_text("utf-8")


def _postgres_base_url() -> str:
    return os.environ.get("NEWSAGG_TEST_POSTGRES_URL", "postgresql+psycopg://127.0.0.1:5432/test")


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL schema for this test, dropped afterwards."""
    from sqlalchemy import create_engine, text

    base = _postgres_base_url()
    try:
        admin = create_engine(base, connect_args={"connect_timeout": 3})
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "unreachable"
        missing("NEWSAGG_REQUIRE_SERVICES", f"PostgreSQL unreachable at {base}: {type(exc).__name__}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def fixture_server() -> Iterator["object"]:
    from newsagg.demo.server import FixtureServer

    with FixtureServer() as server:
        yield server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_sqlite(src: Path, dst: Path) -> Path:
    """A consistent copy of a SQLite database (the backup API: WAL contents included)."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    a.close()
    b.close()
    return dst


def sqlite_template(builder: Callable[..., str]) -> Callable[..., str]:
    """Decorate `builder(path, **options) -> "sqlite:///path"`: each set of options is built once
    per process (migrations and inserts cost seconds of fsyncs), then copied to every path asked for."""
    built: dict[tuple, Path] = {}

    @functools.wraps(builder)
    def build(path: Path, **options: object) -> str:
        key = tuple(sorted(options.items()))
        if key not in built:
            folder = Path(tempfile.mkdtemp(prefix="newsagg-template-"))
            atexit.register(shutil.rmtree, folder, True)
            builder(folder / "template.db", **options)
            built[key] = folder / "template.db"
        copy_sqlite(built[key], Path(path))
        return f"sqlite:///{path}"

    return build


def shared_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every xdist worker of this run sees (the run's base temp), for results built once."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def demo_once(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    """One `newsagg demo` run (a real crawl, in a subprocess) shared by the whole test run, and by
    every xdist worker through a file lock: (database file, port, stdout). Tests copy the file
    (demo_copy) rather than crawl the fixture outlets again; the port is part of the stored URLs,
    so a rerun on a copy must use the same one."""
    from filelock import FileLock

    root = shared_dir(tmp_path_factory)
    db, meta = root / "demo-once.db", root / "demo-once.json"
    with FileLock(str(root / "demo-once.lock")):
        if not meta.is_file():
            port = free_port()
            proc = run_cli("demo", "--db", str(db), "--port", str(port), timeout=300)
            assert proc.returncode == 0, proc.stderr
            meta.write_text(json.dumps({"port": port, "stdout": proc.stdout}))
    info = json.loads(meta.read_text())
    return db, info["port"], info["stdout"]


@pytest.fixture(scope="module")
def demo_copy(demo_once: tuple[Path, int, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This module's own copy of the shared demo database."""
    return copy_sqlite(demo_once[0], tmp_path_factory.mktemp("demo") / "demo.db")


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120,
            input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run `newsagg ARGS` in a subprocess: for crawls (one Twisted reactor per process), signals and
    anything else where a real process matters. Other commands: run_here (in-process, fast)."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "COLUMNS": "200",
                "NEWSAGG_STRICT_WARNINGS": "1"}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "newsagg.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env=full_env, cwd=str(ROOT), input=input)


def registry_toml(base_url: str, sources: dict[str, list[str]], **extra: object) -> str:
    """A source registry for local test servers (allow_private_hosts on)."""
    out = []
    for name, paths in sources.items():
        feeds = ", ".join(f'"{base_url}{p}"' for p in paths)
        out.append(f'[[source]]\nname = "{name}"\ntitle = "{name.title()}"\nfeeds = [{feeds}]\n'
                   f"allow_private_hosts = true\n")
        for key, value in extra.items():
            out.append(f"{key} = {value!r}\n".replace("'", '"').replace("True", "true").replace("False", "false"))
    return "".join(out)


class _Entry:
    """newsagg.cli.main as click's CliRunner expects a command: in-process, with main's error handling."""

    name = "newsagg"

    def main(self, args: list[str] | None = None, prog_name: str | None = None, **_: object) -> None:
        from newsagg.cli import main

        main(prog_name="newsagg", argv=list(args or ()))


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """Run `newsagg ARGS` in this process (fast: no interpreter start-up) and return click's Result
    (exit_code, stdout, stderr). Crawls still need run_cli: Twisted's reactor runs once per process."""
    from click.testing import CliRunner

    return CliRunner().invoke(_Entry(), list(args), input=input,  # type: ignore[arg-type]
                              env={"NO_COLOR": "1", "COLUMNS": "200", **(env or {})}, catch_exceptions=False)


def run_here(*args: str, env: dict[str, str] | None = None, timeout: float | None = None,
             input: str | None = None) -> subprocess.CompletedProcess[str]:
    """run_cli's result shape, run in this process (for commands that start no crawl)."""
    result = invoke(*args, input=input, env=env)
    return subprocess.CompletedProcess(["newsagg", *args], result.exit_code, result.stdout, result.stderr)



# Modules that take longest (real crawls, worker processes, gates over the corpus), longest first.
# Under pytest-xdist (--dist loadfile: a module's tests, and so its module-scoped fixtures, stay on
# one worker) they are handed out first, so no long module starts last while the other worker idles.
# test_demo runs the shared demo crawl early; the other demo modules come later, not waiting on it.
SLOW_FIRST = ("test_distributed", "test_demo", "test_show_linking_gate", "test_events_gate",
              "test_extraction_gate", "test_kill_points", "test_crawl_integrity", "test_scheduler",
              "test_postgres_demo", "test_shows_aliases", "test_digest_demo", "test_web", "test_corpus_feeds",
              "test_concurrency", "test_digest_browser", "test_story_gate")


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """What `-n auto` means here: one worker per core, plus one. About a quarter of the suite's time
    is spent waiting (crawl, scheduler and Celery worker subprocesses, local servers, timeouts), and
    a third worker on 2 cores fills it: 3:17 instead of 3:48 in one measurement, same CPU time."""
    return len(os.sched_getaffinity(0)) + 1


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return  # a plain run keeps the file order
    rank = {name: i for i, name in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: rank.get(Path(str(item.fspath)).stem, len(rank)))  # stable: order kept within
