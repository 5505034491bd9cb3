"""Read commands never create or migrate a database, and validate --source (issue 12, finding 9):
a mistyped --db used to become a new empty database that a monitor read as healthy."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import invoke
from test_queries import _seed

READ_COMMANDS = [
    ("articles",), ("stories", "--date", "2016-01-17"), ("sql", "SELECT 1"), ("show", "Jessica Jones"),
    ("health",), ("runs",), ("schedule", "status"), ("digest", "--date", "2016-01-17"),
    ("export", "--since", "2016-01-01"),
]


@pytest.mark.parametrize("args", READ_COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_a_mistyped_db_is_one_line_and_creates_nothing(tmp_path: Path, args: tuple[str, ...]) -> None:
    typo = tmp_path / "newsag.db"
    result = invoke(*args, "--db", str(typo))
    assert result.exit_code == 2, result.stderr
    assert result.stderr == (f"newsagg: error: no database at {typo} (run `newsagg crawl` or `newsagg demo` "
                             "first, or pass --db)\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args", [("health", "--source"), ("runs", "--source"), ("articles", "--source")],
                         ids=lambda a: a[0])
def test_unknown_source_is_refused(tmp_path: Path, args: tuple[str, ...]) -> None:
    db = tmp_path / "q.db"
    _seed(str(db))
    result = invoke(*args, "varety", "--db", str(db))
    assert result.exit_code == 2
    assert result.stderr == "newsagg: error: unknown source 'varety'; did you mean 'variety'?\n"
    known = invoke(*args, "variety", "--db", str(db))
    # health may still exit 1: the seeded articles have no stories (its `check` part says so)
    assert known.exit_code in ((0, 1) if args[0] == "health" else (0,)) and "unknown source" not in known.stderr


def test_read_commands_leave_the_file_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    _seed(str(db))
    invoke("sql", "--db", str(db), "SELECT 1")  # the first reader checkpoints the WAL
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.suffix == ".db"}
    for args in READ_COMMANDS:
        invoke(*args, "--db", str(db))
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.suffix == ".db"} == before
