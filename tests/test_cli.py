"""The command line: every command has --help, the README documents every command,
and user errors are one clear line."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from conftest import ROOT, invoke, run_cli
from newsagg.cli import app


def _commands(group: object, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, cmd in group.commands.items():  # type: ignore[attr-defined]
        path = (*prefix, name)
        out.append(path)
        if hasattr(cmd, "commands"):  # a group (typer vendors its own click)
            out.extend(_commands(cmd, path))
    return out


COMMANDS = _commands(typer.main.get_command(app))  # type: ignore[arg-type]


def test_every_command_has_help() -> None:
    assert ("crawl",) in COMMANDS and ("demo",) in COMMANDS and ("db", "upgrade") in COMMANDS
    top = run_cli("--help")  # one real process: the module entry point
    assert top.returncode == 0 and "crawl" in top.stdout
    for path in COMMANDS:  # in-process: each --help costs no interpreter start-up
        result = invoke(*path, "--help")
        assert result.exit_code == 0, (path, result.stderr)
        assert "Usage:" in result.stdout and result.stderr == ""


def test_readme_command_reference_is_generated_from_help() -> None:
    from newsagg.cli_reference import command_paths, markdown

    readme = (ROOT / "README.md").read_text("utf-8")
    m = re.search(r"<!-- commands:begin -->\n(.*?)<!-- commands:end -->", readme, re.S)
    assert m, "README has no generated command reference"
    assert m.group(1) == markdown(), "README command reference is stale: run python -m newsagg.cli_reference"
    for path in command_paths():
        assert f"`newsagg {' '.join(path)}" in m.group(1)


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    m = re.search(r"^(python3 -m venv \.venv && .*pytest.*)$", readme, re.M)
    assert m, "README has no test command"
    assert m.group(1) in ci


def test_user_errors_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[source]]\nname = "x"\nfeeds = ["https://x/feed"]\ninterval = "often"\n')
    cases = [
        ("crawl", "--sources", str(bad)),
        ("crawl", "--sources", str(tmp_path / "missing.toml")),
        ("crawl", "--source", "no-such-outlet"),
        ("crawl", "--db", "postgresql+psycopg://127.0.0.1:1/none", "--source", "variety"),
        ("crawl", "-s", "lowercase=1"),
    ]
    for args in cases:  # in-process: every case fails before a crawl (and its reactor) starts
        result = invoke(*args)
        assert result.exit_code != 0, args
        lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
        assert "Traceback" not in result.stderr, (args, result.stderr)
        assert len(lines) <= 4, (args, result.stderr)  # click usage errors add a usage line
    proc = run_cli("crawl", "--sources", str(bad))  # and once as a real process
    assert proc.stderr.strip() == (f"newsagg: error: {bad}: source 'x': key 'interval': "
                                   "not a duration: 'often' (use a span such as 90s, 15m (minutes), 2h, 7d, 2w, "
                                   "6mo (months), 1y)")
