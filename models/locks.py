"""Every PostgreSQL advisory-lock key of newsagg, in one place (one key space per database).

Transaction-level locks serialise writers for the length of one transaction; session-level ones
(the scheduler, the workers) are released by the server when the holding process dies.
"""

from __future__ import annotations

import hashlib

MIGRATION = 7390142  # xact: one process upgrades the schema, the others wait and find nothing to do
STORY_WRITER = 7390143  # xact: one writer at a time decides stories
CATALOGUE_SEED = 7390144  # xact: one worker seeds the starter show catalogue
# session: one `schedule run-due` at a time
RUN_DUE = int(hashlib.sha1(b"newsagg:run-due").hexdigest()[:15], 16)


def source_crawl(schema: str, source: str) -> int:
    """session: one crawl of a source per schema at a time (a signed 64-bit key)."""
    digest = hashlib.sha1(f"newsagg:crawl:{schema}:{source}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)
