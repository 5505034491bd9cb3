"""Stored text reaches terminals as text (issue 12, finding 10): escape sequences, C0/C1 controls and
bidi overrides are shown escaped and Rich markup is never interpreted; CSV and JSON keep the text."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from conftest import invoke
from models.db import open_database
from models.store import ArticleStore
from newsagg.output import print_table, terminal_safe, write_rows
from newsagg.records import Article

OSC52 = "\x1b]52;c;ZWNobyBwd25lZA==\x07"  # writes the analyst's clipboard
HOSTILE = (f"Renewed {OSC52}\x1b]0;owned\x07\x1b[31mred\x1b[0m [/bold] [link=https://evil.example]click[/link] "
           "\u202egnp.exe\u202c \x9b2J \x00 :smile:")
_TERMINAL_CONTROLS = set(map(chr, [*range(0x00, 0x20), *range(0x7f, 0xa0), 0x202a, 0x202b, 0x202c, 0x202d,
                                   0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f, 0x061c]))


def _seed(path: Path) -> None:
    engine = open_database(str(path))
    ArticleStore(engine).store([Article(
        source="variety", canonical_url="https://variety.com/x", url="https://variety.com/x", title=HOSTILE,
        published_at=datetime(2016, 1, 17, 21, 5, tzinfo=timezone.utc), body="b")])
    engine.dispose()


@given(st.text())
def test_terminal_safe_leaves_no_control_character(value: str) -> None:
    shown = terminal_safe(value)
    assert not set(shown) & _TERMINAL_CONTROLS
    if not set(value) & _TERMINAL_CONTROLS:
        assert shown == value  # ordinary text, markup-like brackets included, is untouched


def test_table_shows_hostile_text_escaped_and_markup_literal() -> None:
    out = io.StringIO()
    print_table(["title", "[bold]col[/bold]"], [[HOSTILE, "[red]x"]], out=out, title="[/bold]")
    text = out.getvalue()
    assert not set(text) & _TERMINAL_CONTROLS - {"\n"}
    for literal in ("[/bold]", "[link=https://evil.example]click[/link]", "\\x1b]52;c;", "\\u202e", "\\x9b",
                    "\\x00", ":smile:", "[bold]col[/bold]", "[red]x"):
        assert literal in text, literal


def test_articles_and_sql_print_a_hostile_title_as_text(tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    _seed(db)
    for args in (("articles",), ("sql", "SELECT title FROM articles")):
        result = invoke(*args, "--db", str(db))
        assert result.exit_code == 0, result.stderr  # "[/bold]" used to crash every query returning it
        assert "\x1b" not in result.stdout and "\u202e" not in result.stdout and "\x9b" not in result.stdout
        assert "\\x1b]52;c;ZWNobyBwd25lZA==\\x07" in result.stdout and "[/bold]" in result.stdout
    # Machine formats keep the stored text exactly.
    as_json = invoke("sql", "SELECT title FROM articles", "--db", str(db), "-f", "json")
    assert json.loads(as_json.stdout)[0]["title"].startswith(f"Renewed {OSC52}")


def test_every_format_writes_iso_utc_timestamps() -> None:
    naive = datetime(2016, 1, 17, 21, 5)  # how SQLite returns stored UTC
    aware = datetime(2016, 1, 17, 22, 5, tzinfo=timezone.utc).astimezone()
    for fmt, expected in (("csv", "2016-01-17T21:05:00Z"), ("json", "2016-01-17T21:05:00Z"),
                          ("jsonl", "2016-01-17T21:05:00Z"), ("table", "2016-01-17T21:05:00Z")):
        out = io.StringIO()
        write_rows(["at", "other"], [[naive, aware]], fmt, out=out)
        assert expected in out.getvalue() and "2016-01-17T22:05:00Z" in out.getvalue(), (fmt, out.getvalue())
