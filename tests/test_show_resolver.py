"""One show resolver (issue 13): `articles --show`, `stories --show`, `show` and `digest --show`
accept the same names (title, alias, label, id) and refuse a typo with the same suggestion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import invoke
from models.db import open_database
from test_queries import _seed

COMMANDS = [("articles", "-f", "json", "--show"), ("stories", "--date", "2016-01-17", "-f", "json", "--show"),
            ("show", "-f", "json"), ("digest", "--date", "2016-01-17", "--format", "json", "--show")]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("resolver") / "q.db"
    _seed(str(path))
    engine = open_database(str(path))
    with engine.begin() as conn:
        conn.execute(text("UPDATE shows SET aliases = :a, premiered_on = '2015-11-20' WHERE id = 1"),
                     {"a": json.dumps(["Marvel's Jessica Jones", "AKA Jessica Jones"])})
    engine.dispose()
    return path


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
@pytest.mark.parametrize("name", ["Jessica Jones", "jessica jones", "Marvel's Jessica Jones", "marvels jessica-jones",
                                  "Jessica Jones (2015)", "#1"])
def test_every_command_accepts_the_same_names(db: Path, command: tuple[str, ...], name: str) -> None:
    result = invoke(*command, name, "--db", str(db))
    assert result.exit_code == 0, result.stderr
    assert "Jessica Jones" in result.stdout


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_every_command_refuses_a_typo_alike(db: Path, command: tuple[str, ...]) -> None:
    result = invoke(*command, "Jesica Jone", "--db", str(db))
    assert result.exit_code == 2
    assert result.stderr.startswith("newsagg: error: unknown show 'Jesica Jone'; did you mean 'Jessica Jones'")
    assert len(result.stderr.splitlines()) == 1
    far = invoke(*command, "Downton Abbey", "--db", str(db))
    assert far.exit_code == 2 and "unknown show 'Downton Abbey' (no close matches" in far.stderr
