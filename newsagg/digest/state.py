"""--since-last state: which stories recent digests contained, in a small JSON file.

Kept in a file rather than a table so digests stay read-only on the database (and need no
migration). Default place: `newsagg-digest-state.json` beside --out; --state overrides.
Entries are per scope (all shows, or a --show selection) and per date, so rerunning a day
(or rendering it in another format) gives the same result: "previous" means the newest
recorded date before the digest's date.

    {"version": 1, "scopes": {"all": {"2016-01-18": {"tz": "UTC", "stories": ["key", ...]}}}}
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from newsagg.atomic import write_atomic
from newsagg.errors import NewsaggError

STATE_NAME = "newsagg-digest-state.json"
VERSION = 1
KEEP_DAYS = 31  # per scope: enough for any "previous" a daily or weekly run needs


def default_path(out: Path | None) -> Path | None:
    return out.with_name(STATE_NAME) if out is not None else None


def load(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {"version": VERSION, "scopes": {}}
    try:
        data = json.loads(path.read_text("utf-8"))
        if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("scopes"), dict):
            raise ValueError("not a newsagg digest state file")
        return data
    except (OSError, ValueError) as exc:
        raise NewsaggError(f"cannot read digest state {path}: {exc} (delete it to start afresh)") from None


def previous(state: dict[str, Any], scope: str, day: date) -> tuple[date, set[str]] | None:
    days = state["scopes"].get(scope, {})
    earlier = sorted(d for d in days if d < day.isoformat())
    if not earlier:
        return None
    return date.fromisoformat(earlier[-1]), set(days[earlier[-1]].get("stories", []))


def record(state: dict[str, Any], scope: str, day: date, tz: str, keys: list[str]) -> None:
    days = state["scopes"].setdefault(scope, {})
    days[day.isoformat()] = {"tz": tz, "stories": sorted(set(keys))}
    for old in sorted(days)[:-KEEP_DAYS]:
        del days[old]


def save(path: Path, state: dict[str, Any]) -> None:
    write_atomic(path, json.dumps(state, indent=1, sort_keys=True) + "\n")
