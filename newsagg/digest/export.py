"""`newsagg export`: articles published in [since, until) as CSV or JSON Lines, streamed.

Rows come in published_at, id order through a streaming cursor, a batch at a time, so
memory stays flat however many articles match. Columns (CSV header = JSONL keys):
id, published_at (ISO 8601 UTC, Z), source, title, summary, body, url, canonical_url,
authors (list), tags (list), language, story_id, story_key, duplicate_of_id, shows (list of
show titles). In CSV, lists are JSON arrays inside the cell.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy import Connection, select

from models.schema import ArticleRow as A
from models.schema import ArticleShowRow as AS
from models.schema import ShowRow, SourceRow, StoryRow
from newsagg.digest.render import iso
from newsagg.output import csv_safe
from newsagg.shows.catalogue import show_ref

EXPORT_FORMATS = ("csv", "jsonl")
COLUMNS = ["id", "published_at", "source", "title", "summary", "body", "url", "canonical_url", "authors",
           "tags", "language", "story_id", "story_key", "duplicate_of_id", "shows", "show_refs"]
BATCH = 2000


def iter_articles(conn: Connection, since: datetime, until: datetime | None, *, body: bool = True
                  ) -> Iterator[dict[str, Any]]:
    q = (select(A.id, A.published_at, SourceRow.name.label("source"), A.title, A.summary,
                (A.body if body else A.id.label("no_body")), A.url, A.canonical_url, A.authors, A.tags,
                A.language, A.story_id, StoryRow.key.label("story_key"), A.duplicate_of_id)
         .join(SourceRow, SourceRow.id == A.source_id)
         .outerjoin(StoryRow, StoryRow.id == A.story_id)
         .where(A.published_at >= since)
         .order_by(A.published_at, A.id))
    if until is not None:
        q = q.where(A.published_at < until)
    result = conn.execution_options(stream_results=True, max_row_buffer=BATCH).execute(q)
    for batch in result.partitions(BATCH):
        shows: dict[int, list[str]] = defaultdict(list)
        refs: dict[int, list[dict[str, Any]]] = defaultdict(list)
        ids = [r.id for r in batch]
        for link in conn.execute(select(AS.article_id, ShowRow.id, ShowRow.title, ShowRow.premiered_on,
                                        ShowRow.network, ShowRow.external_ids)
                                 .join(ShowRow, ShowRow.id == AS.show_id)
                                 .where(AS.article_id.in_(ids)).order_by(AS.article_id, ShowRow.title)):
            shows[link.article_id].append(link.title)
            refs[link.article_id].append(show_ref(link.id, link.title, link.premiered_on, link.network,
                                                  link.external_ids))
        for r in batch:
            yield {"id": r.id, "published_at": iso(r.published_at), "source": r.source, "title": r.title,
                   "summary": r.summary, "body": r.body if body else "", "url": r.url,
                   "canonical_url": r.canonical_url, "authors": list(r.authors or []), "tags": list(r.tags or []),
                   "language": r.language, "story_id": r.story_id, "story_key": r.story_key,
                   "duplicate_of_id": r.duplicate_of_id, "shows": shows.get(r.id, []),
                   "show_refs": refs.get(r.id, [])}


def write_export(rows: Iterator[dict[str, Any]], fmt: str, out: TextIO) -> int:
    n = 0
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: csv_safe(json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v)
                             for k, v in row.items()})
            n += 1
    else:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    return n
