"""Options shared by the commands (one definition, one help text) and the one TTY check."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

DbOption = Annotated[Optional[str], typer.Option(
    "--db", help="SQLAlchemy URL or SQLite file path (env NEWSAGG_DATABASE_URL; default ./newsagg.db)")]
SourcesOption = Annotated[Optional[Path], typer.Option(
    "--sources", help="Source registry TOML replacing the packaged one (env NEWSAGG_SOURCES)")]
SourceNames = Annotated[Optional[list[str]], typer.Option("--source", help="Only this source (repeatable)")]
FormatOption = Annotated[str, typer.Option("--format", "-f", help="table, csv, json or jsonl")]


def interactive() -> bool:
    """A person is watching stderr (progress bars, boxed reports); not under CI or cron."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def settings_overrides(pairs: list[str]) -> dict[str, str]:
    """`-s NAME=VALUE` pairs of Scrapy settings (crawl, worker), checked once."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip().isupper():
            raise typer.BadParameter(f"expected NAME=VALUE with an upper-case Scrapy setting name, got {pair!r}",
                                     param_hint="--set")
        out[key.strip()] = value
    return out
