"""Hostile and broken inputs through the real Scrapy engine against local servers (issue 12).

One crawl of many small sources (one subprocess: one reactor per process) is shared
by the tests of this module; each test asserts one finding on its result.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import registry_toml, run_cli, run_here
from newsagg.demo.server import FixtureServer, Resource


def _rss(items: str, title: str = "Feed") -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{items}'
            f"</channel></rss>").encode()


def _item(title: str, link: str | None = None, guid: str | None = None, date: str | None = None) -> str:
    return (f"<item><title>{title}</title>" + (f"<link>{link}</link>" if link else "")
            + (f'<guid isPermaLink="false">{guid}</guid>' if guid else "")
            + (f"<pubDate>{date}</pubDate>" if date else "") + f"<description>About {title}</description></item>")


def _page(title: str) -> bytes:
    paragraphs = "".join(f"<p>Paragraph {i} of the article says something about the show and its season.</p>"
                         for i in range(8))
    return (f'<html><head><title>{title}</title><meta property="og:type" content="article"></head>'
            f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>").encode()


def _json_feed(items: list[object]) -> bytes:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": items}).encode()


@dataclass
class Crawl:
    proc: subprocess.CompletedProcess[str]
    db: Path
    counts: dict[str, int]

    def rows(self, sql: str, *args: object) -> list[tuple]:
        with sqlite3.connect(self.db) as conn:
            return conn.execute(sql, args).fetchall()

    def run(self, source: str) -> tuple:
        return self.rows("SELECT r.status, r.items_new, r.errors, r.last_error FROM crawl_runs r "
                         "JOIN sources s ON s.id = r.source_id WHERE s.name = ?", source)[0]

    def titles(self, source: str) -> list[str]:
        return [t for (t,) in self.rows("SELECT a.title FROM articles a JOIN sources s ON s.id = a.source_id "
                                        "WHERE s.name = ? ORDER BY a.title", source)]


def _site(base: str, other: str) -> dict[str, Resource]:
    rss = "application/rss+xml"
    deep = "[" * 100_000 + "]" * 100_000
    hop = {f"/chain/{i}": Resource(b"", status=302, headers={"Location": f"{base}/chain/{i + 1}"}) for i in range(7)}
    return {
        **hop,
        "/chain/7": Resource(_rss(_item("end of chain", f"{base}/chain/story")), rss),
        # Finding 2: declarations hidden from a prefix check that stops at the first "]>".
        "/bomb/feed": Resource(
            b'<?xml version="1.0"?>\n<!DOCTYPE rss [ <!-- ]> --> <!ENTITY a "' + b"x" * 1000 + b'">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"> ]>'
            + _rss(_item("&b;&b;&b;", f"{base}/bomb/1"))[len(b'<?xml version="1.0"?>'):], rss),
        # Finding 6: wrong types and a 100k-deep array cost only their own item.
        "/json/feed": Resource(_json_feed([
            {"id": "1", "url": f"{base}/json/1", "title": "Json good one"},
            {"id": "2", "url": f"{base}/json/2", "title": "Json bad authors", "authors": 5},
            {"id": "3", "url": f"{base}/json/3", "title": "Json good three"},
        ]), "application/feed+json"),
        "/deep/feed": Resource(
            b'{"version": "1", "items": [{"id": "1", "url": "' + f"{base}/deep/1".encode()
            + b'", "title": "Deep good one"}, {"id": "2", "title": "Deep bad", "tags": ' + deep.encode()
            + b'}, {"id": "3", "url": "' + f"{base}/deep/3".encode() + b'", "title": "Deep good three"}]}',
            "application/feed+json"),
        # Finding 7: a feed that moved for good, and a page behind a redirect.
        "/old/feed": Resource(b"", status=301, headers={"Location": f"{base}/new/feed"}),
        "/new/feed": Resource(_rss(_item("Moved story", f"{base}/moved/page")), rss),
        "/moved/page": Resource(b"", status=302, headers={"Location": f"{base}/moved/final"}),
        "/moved/final": Resource(_page("Moved story")),
        # Finding 8: items without links, and one GUID shared by two links.
        "/nolink/feed": Resource(_rss(
            _item("First linkless", guid="g-1") + _item("Second linkless", guid="g-2")
            + _item("Third linkless", date="Tue, 10 Jun 2025 10:00:00 +0000")
            + _item("Shared guid A", f"{base}/shared/a", guid="same")
            + _item("Shared guid B", f"{base}/shared/b", guid="same")), rss),
        "/shared/a": Resource(_page("Shared guid A")),
        "/shared/b": Resource(_page("Shared guid B")),
        # Finding 5: robots.txt that redirects into another private host.
        "/robots.txt": Resource(b"", status=302, headers={"Location": f"{other}/internal-secret"}),
        "/ssrf/feed": Resource(_rss(_item("Robots story", f"{base}/ssrf/1")), rss),
        "/ssrf/1": Resource(_page("Robots story")),
        # A sitemap index naming a local file: never read, even for a source allowed private hosts.
        "/fs/sitemap.xml": Resource(b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
                                    b'sitemap/0.9"><sitemap><loc>file:///etc/hostname</loc></sitemap></sitemapindex>',
                                    "application/xml"),
        "/json/1": Resource(_page("Json good one")),
        "/json/3": Resource(_page("Json good three")),
        "/deep/1": Resource(_page("Deep good one")),
        "/deep/3": Resource(_page("Deep good three")),
    }


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Crawl]:
    tmp = tmp_path_factory.mktemp("integrity")
    with FixtureServer() as inner, FixtureServer() as server:
        inner.set("/internal-secret", Resource(b"User-agent: *\nDisallow:\n", "text/plain"))
        for path, res in _site(server.base_url, inner.base_url).items():
            server.set(path, res)
        reg = tmp / "sources.toml"
        reg.write_text(registry_toml(server.base_url, {
            "bomb": ["/bomb/feed"], "json": ["/json/feed"], "deep": ["/deep/feed"], "moved": ["/old/feed"],
            "nolink": ["/nolink/feed"], "ssrf": ["/ssrf/feed"], "chain": ["/chain/0"],
        }) + '[[source]]\nname = "nowhere"\nfeeds = ["http://feeds.nowhere.invalid/rss"]\n'
           f'[[source]]\nname = "files"\nsitemaps = ["{server.base_url}/fs/sitemap.xml"]\n'
           "allow_private_hosts = true\n")
        db = tmp / "c.db"
        proc = run_cli("crawl", "--sources", str(reg), "--db", str(db), "-s", "AUTOTHROTTLE_ENABLED=False",
                       "--log-level", "INFO", timeout=300)
        counts = {p: server.count(p) for p in ("/nolink/feed", "/moved/final", "/chain/")}
        counts["secret"] = inner.count("/internal-secret")
        yield Crawl(proc, db, counts)


def test_entity_declarations_behind_a_comment_are_refused(crawl: Crawl) -> None:
    status, new, errors, last_error = crawl.run("bomb")
    assert (status, new) == ("failed", 0) and "internal subset" in last_error
    assert len(crawl.proc.stderr) < 200_000  # no expanded text in the log


def test_json_feed_with_a_wrong_type_keeps_the_good_items(crawl: Crawl) -> None:
    assert crawl.titles("json") == ["Json good one", "Json good three"]
    status, new, errors, last_error = crawl.run("json")
    assert (status, new, errors) == ("partial", 2, 1)
    assert "item 2" in last_error and "'authors' is int" in last_error
    # The bad item is reported again next run: no validator lets the server answer 304.
    assert crawl.rows("SELECT etag, last_modified FROM feed_state WHERE url LIKE '%/json/feed'") == [(None, None)]


def test_json_feed_nested_100k_deep_keeps_the_good_items(crawl: Crawl) -> None:
    assert crawl.titles("deep") == ["Deep good one", "Deep good three"]
    status, new, errors, last_error = crawl.run("deep")
    assert (status, new, errors) == ("partial", 2, 1) and "nested deeper" in last_error


def test_failures_exit_1_with_one_plain_line_per_source(crawl: Crawl) -> None:
    assert crawl.proc.returncode == 1
    assert "Traceback" not in crawl.proc.stderr
    lines = crawl.proc.stderr.splitlines()
    assert any(line.startswith("source json: partial, ") and "1 errors" in line for line in lines)
    assert any(line.startswith("source bomb: failed, ") for line in lines)
    assert "┃" not in crawl.proc.stderr and "│" not in crawl.proc.stderr  # no box table off a terminal


def test_moved_feed_is_followed_and_recorded(crawl: Crawl) -> None:
    assert crawl.titles("moved") == ["Moved story"]
    assert crawl.run("moved")[0] == "ok"
    moved = crawl.rows("SELECT url, moved_to FROM feed_state WHERE moved_to IS NOT NULL")
    assert [(u.rsplit("/", 2)[-2:], m.rsplit("/", 2)[-2:]) for u, m in moved] == [(["old", "feed"], ["new", "feed"])]
    health = run_here("health", "--db", str(crawl.db), "--source", "moved")
    assert "moved permanently to" in health.stdout and "/new/feed" in health.stdout


def test_redirected_page_is_extracted(crawl: Crawl) -> None:
    assert crawl.counts["/moved/final"] == 1
    status, url = crawl.rows("SELECT page_status, url FROM articles WHERE title = 'Moved story'")[0]
    assert status == "ok", status
    assert url.endswith("/moved/page")


def test_redirect_chain_stops_after_five_hops(crawl: Crawl) -> None:
    status, new, errors, last_error = crawl.run("chain")
    assert (status, new) == ("failed", 0)
    assert crawl.counts["/chain/"] == 6  # the first request and 5 redirects


def test_linkless_items_are_distinct_and_fetch_no_page(crawl: Crawl) -> None:
    titles = crawl.titles("nolink")
    assert titles == ["First linkless", "Second linkless", "Shared guid A", "Shared guid B", "Third linkless"]
    keys = [k for (k,) in crawl.rows("SELECT canonical_url FROM articles WHERE title LIKE '%linkless'")]
    assert len(set(keys)) == 3 and all(k.startswith("urn:newsagg:nolink:") for k in keys)
    assert crawl.counts["/nolink/feed"] == 1  # the feed URL is not fetched as a page


def test_robots_txt_redirect_into_another_private_host_is_refused(crawl: Crawl) -> None:
    assert crawl.counts["secret"] == 0
    assert crawl.titles("ssrf") == ["Robots story"]


def test_unresolvable_host_is_refused_by_the_guard(crawl: Crawl) -> None:
    status, _, _, last_error = crawl.run("nowhere")
    assert status == "failed" and "cannot be resolved" in last_error


def test_sitemap_naming_a_local_file_is_not_read(crawl: Crawl) -> None:
    status, _, errors, last_error = crawl.run("files")
    assert status != "ok" and errors == 1
    assert "file:///etc/hostname" in last_error and "not an http(s) URL" in last_error


def test_feed_returning_html_stays_failed_on_the_second_run(tmp_path: Path) -> None:
    with FixtureServer() as server:
        # An HTML page with an ETag: a client that kept it would get 304 and call it fine.
        server.set("/feed", Resource(b"<!DOCTYPE html><html><body>Moved</body></html>"))
        reg = tmp_path / "sources.toml"
        reg.write_text(registry_toml(server.base_url, {"html": ["/feed"]}))
        db = tmp_path / "c.db"
        args = ("crawl", "--sources", str(reg), "--db", str(db), "-s", "AUTOTHROTTLE_ENABLED=False")
        first, second = run_cli(*args), run_cli(*args)
        sent = [r.headers.get("if-none-match") for r in server.requests if r.path == "/feed"]
    assert first.returncode == second.returncode == 1
    assert sent == [None, None]
    with sqlite3.connect(db) as conn:
        assert [s for (s,) in conn.execute("SELECT status FROM crawl_runs ORDER BY id")] == ["failed", "failed"]
        assert conn.execute("SELECT etag, last_modified FROM feed_state").fetchall() == [(None, None)]
