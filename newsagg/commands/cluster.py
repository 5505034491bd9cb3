"""`newsagg cluster`: dedupe and group JSON lines from stdin into stories, no database needed.

Input, one object per line, in arrival order:
  {"id", "title", "text", "published", "source", "url", "shows"}  (all but id and title optional)
Output, one line per input line, same order:
  {"id", "story", "duplicate_of"}  plus "new_story": true for a story's first article,
  "merged": [keys] when this article joined stories (read earlier lines' keys in
  "merged" as "story" from here on), and "flags" when there are any (e.g.
  "date_from_fetch": no usable "published", the time of reading is used).
A line that is not a JSON object with an "id" and a "title" gives
  {"id": <id or null>, "line": <n>, "error": "<one line>"}
and processing goes on (exit status 1 at the end if any line failed).
"""

from __future__ import annotations

import sys
from typing import Annotated, Any, Optional

import typer


def cluster(
    db: Annotated[Optional[str], typer.Option(
        "--db", help="Load the stored recent window from this database first (SQLAlchemy URL or SQLite path)")]
    = None,
    window_days: Annotated[float, typer.Option("--window-days", help="Recent window for matching, in days")]
    = 14.0,
) -> None:
    """Read JSON lines on stdin; write each item's story and duplicate_of as JSON lines."""
    from datetime import timedelta

    from newsagg.dedupe.engine import Deduper
    from newsagg.dedupe.lines import item_from_line
    from newsagg.jsonlines import map_lines

    deduper = Deduper(window=timedelta(days=window_days))
    if db:
        _load_window(deduper, db)

    def handle(line: str) -> dict[str, Any]:
        d = deduper.process_one(item_from_line(line))
        rec: dict[str, Any] = {"id": d.key, "story": d.story_key, "duplicate_of": d.duplicate_of}
        if d.is_new_story:
            rec["new_story"] = True
        if d.merged_stories:
            rec["merged"] = d.merged_stories
        if d.flags:
            rec["flags"] = d.flags
        return rec

    failed = map_lines(sys.stdin, sys.stdout, handle)
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("cluster")(cluster)


def _load_window(deduper: Any, db: str) -> None:
    """Warm start from the store: the recent window's articles replayed into their stories."""
    from datetime import datetime, timezone

    from sqlalchemy.orm import Session

    from models.db import open_database
    from newsagg.stories_writer import load_into

    engine = open_database(db)
    try:
        with Session(engine) as session:
            load_into(deduper, session, since=datetime.now(timezone.utc) - deduper.window)
    finally:
        engine.dispose()
