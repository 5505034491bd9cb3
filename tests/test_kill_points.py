"""SIGKILL at each commit point of the storage path (NEWSAGG_FAULT), then a rerun: `newsagg check`
passes and nothing is stored twice. Real Scrapy engine, local fixture server, real databases."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import registry_toml, run_cli, run_here
from models.db import open_database
from newsagg.demo.server import FixtureServer, Resource
from newsagg.faults import POINTS

ITEMS = 60


def _rss(base: str, prefix: str, n: int) -> bytes:
    items = "".join(
        f"<item><title>{prefix} renewal news {i % 7} for Jessica Jones</title><link>{base}/{prefix}/{i}/</link>"
        f"<pubDate>Sun, 17 Jan 2016 {10 + i % 12}:05:00 +0000</pubDate>"
        f"<description>Netflix renewed Jessica Jones, story {i % 7}, said Krysten Ritter.</description></item>"
        for i in range(n))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{prefix}</title>{items}'
            f"</channel></rss>").encode()


def _crawl_killed_then_rerun(tmp_path: Path, db: str, point: str) -> None:
    with FixtureServer() as server:
        base = server.base_url
        for name in ("a", "b"):
            server.set(f"/{name}/feed", Resource(_rss(base, name, ITEMS), "application/rss+xml"))
        reg = tmp_path / "sources.toml"
        reg.write_text(registry_toml(base, {"a": ["/a/feed"], "b": ["/b/feed"]}, follow_links=False))
        args = ("crawl", "--sources", str(reg), "--db", db, "-s", "AUTOTHROTTLE_ENABLED=False",
                "-s", "NEWSAGG_STORE_BATCH=25")
        killed = run_cli(*args, env={"NEWSAGG_FAULT": point})
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        rerun = run_cli(*args)
        assert rerun.returncode == 0, rerun.stderr
    check = run_here("check", "--db", db)
    assert check.returncode == 0, check.stdout + check.stderr
    engine = open_database(db)
    with engine.connect() as conn:
        articles, distinct = conn.execute(text("SELECT count(*), count(DISTINCT canonical_url) FROM articles")).one()
        members = conn.execute(text("SELECT sum(article_count) FROM stories")).scalar()
    engine.dispose()
    assert articles == distinct == members == 2 * ITEMS


@pytest.mark.parametrize("point", POINTS)
def test_kill_at_each_commit_point_then_rerun_sqlite(tmp_path: Path, point: str) -> None:
    _crawl_killed_then_rerun(tmp_path, str(tmp_path / "k.db"), point)


@pytest.mark.parametrize("point", ["after-stories", "after-commit"])
def test_kill_then_rerun_postgresql(tmp_path: Path, postgres_url: str, point: str) -> None:
    _crawl_killed_then_rerun(tmp_path, postgres_url, point)
