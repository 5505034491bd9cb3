"""Advisory-lock keys live in one module (issue 13): no key is written as a number elsewhere,
and no two locks share a key."""

from __future__ import annotations

import re

from conftest import ROOT
from models import locks


def test_keys_are_distinct() -> None:
    keys = [locks.MIGRATION, locks.STORY_WRITER, locks.CATALOGUE_SEED, locks.RUN_DUE,
            locks.source_crawl("public", "variety"), locks.source_crawl("public", "deadline"),
            locks.source_crawl("other", "variety")]
    assert len(set(keys)) == len(keys)
    assert all(-(2**63) <= k < 2**63 for k in keys)


def test_no_lock_key_is_written_outside_the_locks_module() -> None:
    offenders = []
    for folder in ("newsagg", "models", "crawler", "pipelines"):
        for path in (ROOT / folder).rglob("*.py"):
            if path == ROOT / "models" / "locks.py":
                continue
            for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
                if re.search(r"advisory_(xact_)?(try_)?lock\(\s*\d", line) or re.search(r"\b739014\d\b", line) \
                        or "newsagg:run-due" in line or "newsagg:crawl:" in line:
                    offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert offenders == []
