"""The offline demo outlets and the fixture HTTP server they are served by."""

from __future__ import annotations

import gzip
import html
import http.client
import json
import re
import socket
import time
import tomllib
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from urllib.parse import urlsplit

import feedparser
import pytest

from newsagg.demo.server import FixtureServer, Resource
from newsagg.demo.site import DEMO_DATE, OUTLETS, build_site, demo_sources_toml, feed_urls, load_articles

FEED_COUNTS = {
    "/variety/feed/": 12,
    "/deadline/feed/": 12,
    "/tvline/feed/": 6,
    "/digitalspy/rss/all.xml/": 10,
    "/digitalspy/rss/tv.xml/": 6,
}
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}


@pytest.fixture(scope="module")
def server():
    with FixtureServer() as srv:
        for path, res in build_site(srv.base_url).items():
            srv.set(path, res)
        srv.set("/slow", Resource(b"finally", "text/plain", delay=2.0))
        yield srv


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET"):
    """(status, headers, body) without raising on 3xx/4xx."""
    req = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, exc.headers, exc.read()


# ------------------------------------------------------------------ feeds


@pytest.mark.parametrize("path,count", sorted(FEED_COUNTS.items()))
def test_feed_is_well_formed_and_parses_cleanly(server, path, count):
    status, headers, body = fetch(server.base_url + path)
    assert status == 200
    assert "rss" in headers["Content-Type"]
    root = ET.fromstring(body)  # well-formed XML or this raises
    assert root.tag == "rss" and len(root.findall("./channel/item")) == count
    parsed = feedparser.parse(body)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert len(parsed.entries) == count
    for entry in parsed.entries:
        assert entry.title and entry.link and entry.id
        assert entry.get("author")


def test_penske_feed_shape(server):
    body = fetch(server.base_url + "/variety/feed/")[2]
    parsed = feedparser.parse(body)
    entry = next(e for e in parsed.entries if "jessica-jones" in e.link)
    assert entry.id == f"{server.base_url}/variety/?p=1201681234"
    assert entry.published == "Sun, 17 Jan 2016 21:05:00 +0000"
    assert entry.author == "Dana Whitfield"
    assert {t.term for t in entry.tags} >= {"TV", "Jessica Jones", "Netflix"}
    html = entry.content[0].value
    assert "<em>Daredevil</em>" in html and "Related" in html
    assert "appeared first on" in entry.summary
    assert entry.media_content[0]["url"].endswith(".jpg")
    assert entry.media_thumbnail
    assert parsed.feed.title == "Variety"


def test_hearst_feed_shape(server):
    parsed = feedparser.parse(fetch(server.base_url + "/digitalspy/rss/all.xml/")[2])
    entry = next(e for e in parsed.entries if "a782345" in e.link)
    assert entry.id == "a782345"
    assert entry.published.endswith("GMT")
    assert "content" not in entry  # Hearst feeds carry teasers only


def test_digital_spy_feeds_overlap_by_url(server):
    links = {
        path: {e.link for e in feedparser.parse(fetch(server.base_url + path)[2]).entries}
        for path in ("/digitalspy/rss/all.xml/", "/digitalspy/rss/tv.xml/")
    }
    assert links["/digitalspy/rss/tv.xml/"] < links["/digitalspy/rss/all.xml/"]


def test_deadline_bad_items(server):
    parsed = feedparser.parse(fetch(server.base_url + "/deadline/feed/")[2])
    assert parsed.bozo == 0
    by_id = {e.id.rsplit("=", 1)[1]: e for e in parsed.entries}
    assert "published" not in by_id["1201684402"]  # no <pubDate>
    assert by_id["1201684951"].published == "Sometime last week"
    assert by_id["1201684951"].get("published_parsed") is None
    assert "utm_source=rss" in by_id["1201686244"].link
    # and the page behind the tracking link is served (query ignored for matching)
    assert fetch(by_id["1201686244"].link)[0] == 200


def test_feed_redirect_without_slash(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("GET", "/variety/feed")
    resp = conn.getresponse()
    resp.read()
    conn.close()
    assert resp.status == 301 and resp.getheader("Location") == server.base_url + "/variety/feed/"


def test_every_feed_item_page_exists(server):
    for path in FEED_COUNTS:
        for entry in feedparser.parse(fetch(server.base_url + path)[2]).entries:
            status, _, body = fetch(entry.link)
            assert status == 200, entry.link
            assert b'rel="canonical"' in body and b"application/ld+json" in body


# ------------------------------------------------------- pages, sitemaps


def test_article_pages_metadata():
    base = "http://demo.test"
    site = build_site(base)
    for a in load_articles():
        page = site[a["path"]].body.decode()
        assert '<html lang="en-US"' in page
        assert f'<link rel="canonical" href="{base}{a["path"]}">' in page
        for prop in ("og:title", "og:description", "og:image", "og:url", "og:site_name",
                     "article:published_time", "article:modified_time"):
            assert f'property="{prop}"' in page, (a["id"], prop)
        assert f'content="{a["published"]}"' in page
        assert "By" in page and a["authors"][0] in page
        assert OUTLETS[a["outlet"]].page_suffix in page.split("</title>")[0]
        visible = html.unescape(re.sub(r"<[^>]+>", "", page))
        for p in a["text"].split("\n\n"):
            assert p in visible, (a["id"], p[:40])


def test_two_author_article_jsonld():
    site = build_site("http://demo.test")
    page = site["/deadline/2016/01/jessica-jones-renewed-season-2-netflix-1201684567/"].body.decode()
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert data["@type"] == "NewsArticle"
    assert [p["name"] for p in data["author"]] == ["Gretchen Hollis", "Ari Feldstein"]
    hearst = site["/digitalspy/tv/ustv/news/a782345/jessica-jones-season-2-confirmed-netflix-krysten-ritter/"]
    graph = json.loads(re.search(r'ld\+json">(.*?)</script>', hearst.body.decode(), re.S).group(1))["@graph"]
    art = next(n for n in graph if n["@type"] == "NewsArticle")
    assert art["datePublished"] == "2016-01-18T01:10:00+00:00" and art["author"]["name"] == "Callum Rees"


def test_sitemaps_and_robots(server):
    status, _, body = fetch(server.base_url + "/robots.txt")
    assert status == 200 and b"Disallow: /private/" in body and b"Sitemap:" in body
    index = ET.fromstring(fetch(server.base_url + "/sitemap_index.xml")[2])
    locs = [e.text for e in index.findall("sm:sitemap/sm:loc", NS)]
    assert len(locs) == 4
    total = 0
    for loc in locs:
        root = ET.fromstring(fetch(loc)[2])
        for url in root.findall("sm:url", NS):
            news = url.find("news:news", NS)
            assert news.find("news:publication/news:language", NS).text == "en"
            assert news.find("news:title", NS).text
            assert fetch(url.find("sm:loc", NS).text)[0] == 200
            total += 1
    assert total == 40


def test_homepages_link_articles(server):
    for o in OUTLETS:
        status, _, body = fetch(f"{server.base_url}/{o}/")
        assert status == 200 and body.count(b'class="river-item"') >= 6


# ----------------------------------------------------------- content facts


def test_fixture_content():
    arts = load_articles()
    assert len(arts) == 40
    counts = {o: sum(a["outlet"] == o for a in arts) for o in OUTLETS}
    assert counts == {"variety": 12, "deadline": 12, "digitalspy": 10, "tvline": 6}
    assert all(3 <= len(a["paragraphs"]) <= 7 for a in arts)
    on_day = [a for a in arts if a["published_dt"].astimezone(timezone.utc).date().isoformat() == DEMO_DATE]
    assert len(on_day) > len(arts) / 2


def test_jessica_jones_renewal_story():
    renewal = sorted((a for a in load_articles() if a["story"] == "jessica-jones-renewal"),
                     key=lambda a: a["published_dt"])
    assert [a["outlet"] for a in renewal] == ["variety", "deadline", "digitalspy"]
    v, d, ds = renewal
    assert timedelta(minutes=20) <= d["published_dt"] - v["published_dt"] <= timedelta(minutes=30)
    assert ds["published_dt"] - v["published_dt"] >= timedelta(hours=2)
    texts = [set(a["text"].lower().split()) for a in renewal]
    for i in range(3):  # same facts, different words: far from near-duplicates
        for j in range(i + 1, 3):
            jaccard = len(texts[i] & texts[j]) / len(texts[i] | texts[j])
            assert jaccard < 0.5
    for a in renewal:
        for fact in ("13", "Krysten Ritter", "Melissa Rosenberg", "Daredevil", "Luke Cage", "Iron Fist", "Defenders"):
            assert fact in a["text"], (a["outlet"], fact)
    others = [a for a in load_articles() if "Jessica Jones" in a["shows"] and a["story"] != "jessica-jones-renewal"]
    assert {a["outlet"] for a in others} == {"deadline", "digitalspy"}


def test_syndicated_copy():
    arts = {f"{a['outlet']}:{a['id']}": a for a in load_articles()}
    copy = next(a for a in arts.values() if a.get("syndicated_from"))
    orig = arts[copy["syndicated_from"]]
    assert copy["outlet"] == "tvline" and orig["outlet"] == "variety"
    assert copy["title"] != orig["title"] and copy["path"] != orig["path"]
    assert copy["paragraphs"][-1] == "This story originally appeared on Variety."
    changed = [p for p, q in zip(copy["paragraphs"], orig["paragraphs"]) if p != q]
    assert len(changed) == 1


def test_demo_sources_toml():
    base = "http://127.0.0.1:8123"
    data = tomllib.loads(demo_sources_toml(base))
    sources = {s["name"]: s for s in data["source"]}
    assert set(sources) == {"variety", "deadline", "digitalspy", "tvline"}
    for name, s in sources.items():
        assert s["feeds"] == feed_urls(base)[name]
        assert s["homepage"] == f"{base}/{name}/"
        assert s["allow_private_hosts"] is True and s["page_window"] == "0"
        assert urlsplit(s["sitemaps"][0]).path == f"/{name}/news-sitemap.xml"
    assert sources["digitalspy"]["timezone"] == "Europe/London"


def test_demo_sources_load_in_registry():
    registry = pytest.importorskip("newsagg.sources")
    sources = registry.parse_registry(demo_sources_toml("http://127.0.0.1:8123"), "demo")
    assert [s.name for s in sources] == ["variety", "deadline", "digitalspy", "tvline"]


# ------------------------------------------------------------------ server


def test_unknown_path_is_404(server):
    status, headers, body = fetch(server.base_url + "/nope/")
    assert status == 404 and body.startswith(b"404")


def test_conditional_get_etag(server):
    url = server.base_url + "/variety/feed/"
    status, headers, _ = fetch(url)
    etag = headers["ETag"]
    assert status == 200 and etag.startswith('"')
    status, headers, body = fetch(url, {"If-None-Match": etag})
    assert status == 304 and body == b"" and headers["ETag"] == etag
    assert fetch(url, {"If-None-Match": '"something-else"'})[0] == 200


def test_conditional_get_last_modified(server):
    url = server.base_url + "/deadline/feed/"
    status, headers, _ = fetch(url)
    last_modified = headers["Last-Modified"]
    assert status == 200 and last_modified.endswith("GMT")
    assert fetch(url, {"If-Modified-Since": last_modified})[0] == 304
    later = format_datetime(datetime(2020, 1, 1, tzinfo=timezone.utc), usegmt=True)
    assert fetch(url, {"If-Modified-Since": later})[0] == 304
    earlier = format_datetime(datetime(2016, 1, 1, tzinfo=timezone.utc), usegmt=True)
    assert fetch(url, {"If-Modified-Since": earlier})[0] == 200
    assert fetch(url, {"If-Modified-Since": "garbage"})[0] == 200


def test_gzip(server):
    url = server.base_url + "/variety/feed/"
    status, headers, body = fetch(url, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert int(headers["Content-Length"]) == len(body)
    assert gzip.decompress(body) == fetch(url)[2]
    small = fetch(server.base_url + "/robots.txt", {"Accept-Encoding": "gzip"})
    assert small[1].get("Content-Encoding") is None  # bodies under 1 KB go plain


def test_head_and_keep_alive(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    conn.request("HEAD", "/tvline/feed/")
    resp = conn.getresponse()
    assert resp.status == 200 and int(resp.getheader("Content-Length")) > 1000 and resp.read() == b""
    for _ in range(3):  # the same connection keeps serving
        conn.request("GET", "/robots.txt")
        resp = conn.getresponse()
        assert resp.status == 200 and resp.read().startswith(b"User-agent")
    conn.close()


def test_bad_request_gets_400(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"THIS IS NOT HTTP\r\n\r\n")
        assert sock.recv(1024).startswith(b"HTTP/1.1 400")
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n")
        assert sock.recv(1024).startswith(b"HTTP/1.1 431")


def test_delay_does_not_block_other_requests(server):
    with ThreadPoolExecutor(2) as pool:
        slow = pool.submit(fetch, server.base_url + "/slow")
        time.sleep(0.1)
        start = time.monotonic()
        assert fetch(server.base_url + "/robots.txt")[0] == 200
        assert time.monotonic() - start < 1.0
        assert slow.result()[2] == b"finally"


def test_set_and_request_log(server):
    server.set("/tmp-page", Resource(b"hello", "text/plain"))
    before = server.count("/tmp-page")
    assert fetch(server.base_url + "/tmp-page?x=1")[2] == b"hello"
    assert server.count("/tmp-page") == before + 1
    rec = server.requests[-1]
    assert rec.method == "GET" and rec.path == "/tmp-page?x=1" and rec.status == 200
    assert "user-agent" in rec.headers
    server.set("/tmp-page", None)
    assert fetch(server.base_url + "/tmp-page")[0] == 404


def test_stop_is_prompt_with_pending_delay():
    srv = FixtureServer({"/hang": Resource(b"x", delay=30)}).start()
    sock = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
    sock.sendall(b"GET /hang HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.1)
    start = time.monotonic()
    srv.stop()
    assert time.monotonic() - start < 1.0
    sock.close()
