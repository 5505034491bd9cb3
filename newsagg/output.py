"""Rows to the terminal or a pipe: table (rich), csv, json, jsonl."""

from __future__ import annotations

import csv
import json
import re
import sys
from collections.abc import Sequence
from datetime import date, datetime, timezone
from typing import Any, TextIO

FORMATS = ("table", "csv", "json", "jsonl")


# SQLite keeps times as text ("2016-01-18 12:00:00.000000", UTC): shown like every other time.
_SQLITE_TIME = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?(\+00:00|Z)?")


def _plain(value: Any) -> Any:
    """One time format everywhere: ISO 8601 UTC ending in Z (aware, naive-UTC or SQLite text)."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return aware.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and len(value) <= 32 and _SQLITE_TIME.fullmatch(value):
        return _plain(datetime.fromisoformat(value.replace("Z", "+00:00")))
    if isinstance(value, (bytes, bytearray)):
        return value.hex()
    return value


def _cell(value: Any) -> str:
    """A value as table/CSV text: lists (e.g. shows) as JSON arrays."""
    value = _plain(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """Text from feeds and pages never runs as a spreadsheet formula: "=HYPERLINK(..." gets a
    leading apostrophe (the OWASP CSV-injection rule). Numbers are left alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_rows(columns: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str, out: TextIO | None = None,
               title: str | None = None) -> None:
    out = out or sys.stdout
    if fmt == "csv":
        w = csv.writer(out)
        w.writerow(columns)
        w.writerows([[csv_safe(_cell(v) if isinstance(v, (list, dict)) else _plain(v)) for v in r] for r in rows])
    elif fmt == "json":
        json.dump([{c: _plain(v) for c, v in zip(columns, r)} for r in rows], out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "jsonl":
        for r in rows:
            out.write(json.dumps({c: _plain(v) for c, v in zip(columns, r)}, ensure_ascii=False) + "\n")
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(*columns, title=title)
        for r in rows:
            table.add_row(*(_cell(v) for v in r))
        Console(file=out, width=None if out.isatty() else 220).print(table)
