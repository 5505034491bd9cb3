"""Rows to the terminal or a pipe: table (rich), csv, json, jsonl. Every listing command
writes through here.

Stored text comes from feeds and pages, so it is printed as text:
- tables: control characters (ESC, OSC, C0/C1, bidi overrides) are shown escaped and
  Rich markup is never interpreted (a title "[/bold]" or "[link=...]" prints as itself);
- CSV: a cell never starts a spreadsheet formula;
- timestamps: ISO 8601 in UTC with a `Z`.
"""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timezone
from typing import Any, TextIO

FORMATS = ("table", "csv", "json", "jsonl")

# SQLite keeps times as text ("2016-01-18 12:00:00.000000", UTC): shown like every other time.
_SQLITE_TIME = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?")


def iso_utc(value: datetime) -> str:
    """ISO 8601 UTC with a Z; a naive datetime is taken as UTC (how the store keeps them)."""
    aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    return aware.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return iso_utc(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and len(value) <= 32 and _SQLITE_TIME.fullmatch(value):
        return iso_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    return value


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """Text from feeds and pages never runs as a spreadsheet formula: "=HYPERLINK(..." gets a
    leading apostrophe (the OWASP CSV-injection rule). Numbers are left alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# C0 and DEL and C1 controls; bidi embeddings, overrides and isolates; line/paragraph separators.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(value: Any) -> str:
    """A cell as text a terminal shows but never obeys: controls become visible escapes."""
    text = "" if value is None else str(_plain(value))
    return _UNSAFE.sub(_escape_char, text)


def cell(value: Any) -> str:
    """How one value reads in a table (lists joined with commas)."""
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(v) for v in value)
    return "" if value is None else str(_plain(value))


def print_table(columns: Sequence[str], rows: Iterable[Sequence[Any]], out: TextIO | None = None,
                title: str | None = None, err: bool = False) -> None:
    """A box table of untrusted values: no markup, no emoji codes, no highlighting, controls escaped."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    out = out or (sys.stderr if err else sys.stdout)
    table = Table(title=Text(terminal_safe(title)) if title is not None else None)
    for column in columns:
        table.add_column(Text(terminal_safe(column)))
    for r in rows:
        table.add_row(*(Text(terminal_safe(cell(v))) for v in r))
    Console(file=out, width=None if out.isatty() else 220, markup=False, emoji=False, highlight=False).print(table)


def write_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str, out: TextIO | None = None,
               title: str | None = None) -> None:
    out = out or sys.stdout
    if fmt == "csv":
        w = csv.writer(out)
        w.writerow(columns)
        w.writerows([[csv_safe(_csv_value(v)) for v in r] for r in rows])
    elif fmt == "json":
        json.dump([{c: _json_value(v) for c, v in zip(columns, r)} for r in rows], out, ensure_ascii=False,
                  indent=2)
        out.write("\n")
    elif fmt == "jsonl":
        for r in rows:
            out.write(json.dumps({c: _json_value(v) for c, v in zip(columns, r)}, ensure_ascii=False) + "\n")
    else:
        print_table(columns, rows, out=out, title=title)


def _csv_value(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return "|".join(str(_plain(v)) for v in value)
    return _plain(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    return _plain(value)


def check_format(fmt: str, allowed: Sequence[str] = FORMATS) -> str:
    """The one --format check of listing commands: a bad name is one line (exit 2)."""
    from newsagg.errors import NewsaggError

    if fmt.lower() not in allowed:
        raise NewsaggError(f"--format must be one of {', '.join(allowed)}, got {fmt!r}")
    return fmt.lower()
