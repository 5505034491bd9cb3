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


LISTINGS = [("articles",), ("stories", "--date", "2016-01-17"), ("runs",), ("health",), ("schedule", "status"),
            ("sources",), ("show", "Jessica Jones"), ("shows", "list")]


def test_every_listing_command_writes_every_format(tmp_path: Path) -> None:
    """One output layer: table, csv (formula-safe), json and jsonl with the same column names, and
    timestamps in ISO 8601 UTC with a Z."""
    import csv

    from sqlalchemy.orm import Session

    from models.schema import CrawlRunRow, SourceRow
    from test_queries import _seed as seed_articles

    db = tmp_path / "q.db"
    seed_articles(str(db))
    engine = open_database(str(db))
    with Session(engine) as session:
        source = session.query(SourceRow).filter_by(name="variety").one()
        started = datetime(2016, 1, 17, 21, 0, tzinfo=timezone.utc)
        session.add(CrawlRunRow(run_id="r" * 36, source_id=source.id, trigger="=cmd|' /C calc'!A0", status="ok",
                                started_at=started, finished_at=started, requests=1, items_seen=3))
        session.commit()
    engine.dispose()
    for args in LISTINGS:
        db_args = ("--db", str(db)) if args != ("sources",) else ()
        outputs = {fmt: invoke(*args, *db_args, "-f", fmt) for fmt in ("table", "csv", "json", "jsonl")}
        for fmt, result in outputs.items():
            assert result.exit_code in (0, 1), (args, fmt, result.stderr)  # health: 1 = unhealthy
        header = next(csv.reader(io.StringIO(outputs["csv"].stdout)))
        records = json.loads(outputs["json"].stdout)
        if args[0] == "show":  # a timeline document; jsonl has its stories, csv one row per article
            records = records["stories"]
        lines = [json.loads(line) for line in outputs["jsonl"].stdout.splitlines()]
        assert [list(r) for r in records] == [list(r) for r in lines], args  # "now"-based values may differ
        if args[0] != "show":  # show's json is a timeline document; its csv is the flat rows
            # JSON may carry more (nested article lists, catalogue ids), never other names.
            assert records and all(set(header) <= set(r) for r in records), (args, header)
        assert "=cmd" not in outputs["csv"].stdout.replace("'=cmd", ""), args
        for record in records:
            for key, value in record.items():
                if key.endswith("_at") and value:
                    assert value.endswith("Z") and "T" in value, (args, key, value)


def test_show_csv_is_formula_safe(tmp_path: Path) -> None:
    from sqlalchemy import text

    from test_queries import _seed as seed_articles

    db = tmp_path / "q.db"
    seed_articles(str(db))
    engine = open_database(str(db))
    with engine.begin() as conn:
        conn.execute(text("UPDATE articles SET title = :t WHERE url = 'https://variety.com/jj'"),
                     {"t": '=HYPERLINK("http://evil.example","Jessica Jones")'})
    engine.dispose()
    result = invoke("show", "Jessica Jones", "--db", str(db), "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert '"\'=HYPERLINK(""http://evil.example"",""Jessica Jones"")"' in result.stdout
    assert "\n=HYPERLINK" not in result.stdout and ",=HYPERLINK" not in result.stdout


def test_error_lines_quoting_stored_names_are_escaped(tmp_path: Path) -> None:
    """A catalogue imported from elsewhere is untrusted: a show name suggested in an error line
    reaches the terminal escaped too."""
    from sqlalchemy import text

    from test_queries import _seed as seed_articles

    db = tmp_path / "q.db"
    seed_articles(str(db))
    engine = open_database(str(db))
    with engine.begin() as conn:
        conn.execute(text("UPDATE shows SET title = :t WHERE id = 1"), {"t": f"Jessica Jones{OSC52}"})
    engine.dispose()
    result = invoke("articles", "--show", "Jessica Jone", "--db", str(db))
    assert result.exit_code == 2 and "did you mean" in result.stderr
    assert "\x1b" not in result.stderr and "\\x1b]52;c;" in result.stderr and len(result.stderr.splitlines()) == 1
