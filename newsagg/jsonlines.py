"""The JSON-lines loop of the batch commands (`cluster`, `shows link`): one output line per
input line, in order; a bad line gives {"id", "line", "error"} and the batch goes on."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, TextIO


def parse_object(line: str) -> dict[str, Any]:
    """One input line as a JSON object; ValueError (the line's error message) otherwise."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON: {exc.msg} at column {exc.colno}") from None
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    return obj


def id_of(line: str) -> Any:
    """The line's "id" if it has a usable one, for the error record of a line that failed."""
    try:
        obj = json.loads(line)
    except ValueError:
        return None
    key = obj.get("id") if isinstance(obj, dict) else None
    return key if isinstance(key, (str, int)) and not isinstance(key, bool) else None


def map_lines(lines: Iterable[str], out: TextIO, handle: Callable[[str], dict[str, Any]]) -> int:
    """Write handle(line) for each non-blank line (handle raises ValueError for bad input).
    Returns the number of lines that failed."""
    failed = 0
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = handle(line)
        except ValueError as exc:
            failed += 1
            rec = {"id": id_of(line), "line": n, "error": str(exc)}
        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        out.flush()
    return failed
