"""A mixed-poison crawl (real Scrapy engine, local fixture server) on SQLite and PostgreSQL.

Good sources and a poisoned one share the store batches. Before the fix one NUL or
lone surrogate in a title lost the whole batch: every source's items. Now the good
sources lose nothing, the poisoned text is cleaned and stored, the item that cannot
be stored at all (a link longer than its column) is counted against its own source,
which is `partial`, and the crawl exits 1.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import registry_toml, run_cli, run_here
from models.db import open_database
from newsagg.demo.server import FixtureServer, Resource
from test_crawl import _rss


def _poison_feed(base: str) -> bytes:
    items = [{"id": f"p{i}", "url": f"{base}/poison/{i}/", "title": f"Poison \u0000 title {i} \ud800",
              "content_text": f"Body {i} with a NUL \u0000 and a lone \udfff surrogate.",
              "date_published": "2016-01-17T20:00:00Z", "authors": [{"name": "Jane \u0000Doe"}]}
             for i in range(10)]
    items.append({"id": "long", "url": f"{base}/poison/{'x' * 2500}", "title": "A link too long to store",
                  "date_published": "2016-01-17T20:00:00Z"})
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "Poison", "items": items}
    return json.dumps(doc).encode()  # ensure_ascii: NUL and surrogates travel as \u escapes


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_poison_items_cost_only_their_own_source(tmp_path: Path, request: pytest.FixtureRequest,
                                                  backend: str) -> None:
    db = str(tmp_path / "c.db") if backend == "sqlite" else request.getfixturevalue("postgres_url")
    with FixtureServer() as server:
        base = server.base_url
        server.set("/good1/feed", Resource(_rss(base, "good1", 40), "application/rss+xml"))
        server.set("/good2/feed", Resource(_rss(base, "good2", 40), "application/rss+xml"))
        server.set("/poison/feed", Resource(_poison_feed(base), "application/feed+json"))
        reg = tmp_path / "sources.toml"
        reg.write_text(registry_toml(base, {"good1": ["/good1/feed"], "poison": ["/poison/feed"],
                                            "good2": ["/good2/feed"]}, follow_links=False))
        proc = run_cli("crawl", "--sources", str(reg), "--db", db, "-s", "AUTOTHROTTLE_ENABLED=False")
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    engine = open_database(db)
    with engine.connect() as conn:
        per_source = dict(conn.execute(text("SELECT s.name, count(*) FROM articles a JOIN sources s "
                                            "ON s.id = a.source_id GROUP BY s.name")).all())
        runs = {name: (status, errors, last_error) for name, status, errors, last_error in conn.execute(text(
            "SELECT s.name, r.status, r.errors, r.last_error FROM crawl_runs r JOIN sources s ON s.id = r.source_id"))}
        poison_validators = conn.execute(text("SELECT etag, last_modified FROM feed_state WHERE url LIKE '%poison%'")).one()
        titles = [r[0] for r in conn.execute(text("SELECT a.title FROM articles a JOIN sources s "
                                                  "ON s.id = a.source_id WHERE s.name = 'poison'"))]
    engine.dispose()
    assert per_source == {"good1": 40, "good2": 40, "poison": 10}
    assert runs["good1"][:2] == runs["good2"][:2] == ("ok", 0)
    status, errors, last_error = runs["poison"]
    assert (status, errors) == ("partial", 1)
    assert last_error.startswith(f"item {base}/poison/xxx") and "characters" in last_error
    assert poison_validators == (None, None)  # the lost item is fetched again next run, not answered by a 304
    assert all("\x00" not in t and "\ud800" not in t for t in titles)
    check = run_here("check", "--db", db)
    assert check.returncode == 0, check.stdout + check.stderr
