"""Feed parsing: formats, salvage of ill-formed feeds, and hostile input."""

from __future__ import annotations

import json
import resource

from newsagg.feeds import parse_feed

RSS = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Variety</title><link>https://variety.com</link><language>en-US</language><ttl>30</ttl>
<item><title>Jessica Jones Renewed</title><link>https://variety.com/2016/tv/news/jj/</link>
<guid isPermaLink="false">https://variety.com/?p=1</guid><pubDate>Sun, 17 Jan 2016 21:05:00 +0000</pubDate>
<dc:creator><![CDATA[Daniel Holloway]]></dc:creator><category><![CDATA[TV]]></category><category>News</category>
<description><![CDATA[<p>Teaser</p>]]></description>
<content:encoded><![CDATA[<p>Full body.</p>]]></content:encoded>
<media:content url="https://variety.com/jj.jpg" medium="image"/></item>
<item><title>Second</title><link>https://variety.com/b/</link><guid>https://variety.com/?p=2</guid></item>
<item><title>Second again</title><link>https://variety.com/b/</link><guid>https://variety.com/?p=2</guid></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>TVLine</title><id>urn:x</id><updated>2016-01-17T00:00:00Z</updated>
<entry><title type="html">&lt;b&gt;Atom&lt;/b&gt; entry</title><id>urn:1</id><link rel="alternate" href="https://tvline.com/a"/>
<published>2016-01-17T10:00:00-08:00</published><updated>2016-01-17T11:00:00-08:00</updated>
<author><name>Michael Ausiello</name></author><content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry></feed>"""


def test_rss_fields() -> None:
    feed = parse_feed(RSS, "https://variety.com/feed/", source="variety")
    assert feed.ok and feed.title == "Variety" and feed.ttl_minutes == 30
    assert feed.duplicate_guids == 1 and len(feed.entries) == 2
    e = feed.entries[0]
    assert e.guid == "https://variety.com/?p=1" and e.link.endswith("/jj/")
    assert e.authors == ["Daniel Holloway"] and e.categories == ["TV", "News"]
    assert "Full body" in e.content and "Teaser" in e.summary
    assert e.image == "https://variety.com/jj.jpg" and e.language == "en-US"
    assert e.published == "Sun, 17 Jan 2016 21:05:00 +0000"


def test_atom_and_json_feed() -> None:
    atom = parse_feed(ATOM, "https://tvline.com/feed/atom/", source="tvline")
    assert atom.ok and atom.entries[0].link == "https://tvline.com/a"
    assert atom.entries[0].authors == ["Michael Ausiello"] and atom.entries[0].updated
    doc = {"version": "https://jsonfeed.org/version/1.1", "title": "NPR", "items": [
        {"id": "1", "url": "https://npr.org/a", "title": "A", "content_html": "<p>x</p>",
         "date_published": "2016-01-17T10:00:00Z", "authors": [{"name": "Ann"}], "tags": ["tv"]},
        "junk"]}
    jf = parse_feed(json.dumps(doc).encode(), "https://npr.org/feed.json", content_type="application/feed+json")
    assert jf.ok and len(jf.entries) == 1 and jf.entries[0].authors == ["Ann"]
    assert parse_feed(b"{not json", "https://x/feed.json").error.startswith("invalid JSON Feed")
    assert "not a JSON Feed" in parse_feed(b'{"a": 1}', "https://x/feed.json").error


def test_ill_formed_feed_is_salvaged_with_a_warning() -> None:
    broken = RSS.replace(b"</channel></rss>", b"<item><title>Unclosed & broken</title></channel>")
    feed = parse_feed(broken, "https://variety.com/feed/")
    assert feed.ok and feed.warning and "salvaged" in feed.warning
    assert len(feed.entries) >= 2


def test_unusable_inputs_fail_with_a_reason() -> None:
    assert parse_feed(b"", "u").error == "empty response body"
    html = b"<!DOCTYPE html><html><head><title>Variety</title></head><body><p>Home</p></body></html>"
    assert parse_feed(html, "u", content_type="text/html").error == "not a feed: the URL returned an HTML page"
    garbage = parse_feed(b"\x00\x01\x02 binary junk", "u")
    assert garbage.error and not garbage.entries


def test_empty_feed_is_ok_with_no_items() -> None:
    feed = parse_feed(b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>', "u")
    assert feed.ok and feed.entries == [] and feed.title == "T"


def test_entity_expansion_bomb_is_refused_without_memory_growth() -> None:
    lol = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"".join(b"&lol%d;" % (i - 1) if i > 1 else b"&lol;" for _ in range(10)))
        for i in range(1, 10))
    bomb = (b'<?xml version="1.0"?><!DOCTYPE rss [' + lol + b']><rss version="2.0"><channel><title>x</title>'
            b"<item><title>&lol9;</title><link>https://x/a</link></item></channel></rss>")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    feed = parse_feed(bomb, "https://evil.example/feed")
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert feed.error and "entit" in feed.error and feed.entries == []
    assert after - before < 20_000  # KiB: a billion laughs would need gigabytes
    external = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel>' \
               b"<item><title>&x;</title></item></channel></rss>"
    assert parse_feed(external, "u").error


def test_feed_body_that_looks_like_a_path_is_never_opened() -> None:
    # feedparser opens strings that name files or URLs; we always hand it a stream.
    feed = parse_feed(b"/etc/passwd", "https://x/feed")
    assert not feed.entries and feed.error


def test_one_guid_on_two_links_keys_each_by_its_link() -> None:
    items = "".join(f"<item><title>{t}</title><link>http://e.com/{t}</link><guid>same</guid></item>" for t in "ab")
    body = f'<rss version="2.0"><channel><title>t</title>{items}{items}</channel></rss>'.encode()
    parsed = parse_feed(body, "http://e.com/feed", source="s")
    assert [(e.link, e.guid) for e in parsed.entries] == [("http://e.com/a", None), ("http://e.com/b", None)]
    assert parsed.duplicate_guids == 2  # the repeated pair is still one item each


def test_linkless_items_get_distinct_stable_keys() -> None:
    from newsagg.normalize.article import normalise_entry

    items = ("<item><title>One</title><guid isPermaLink='false'>g1</guid></item>"
             "<item><title>Two</title><guid isPermaLink='false'>g2</guid></item>"
             "<item><title>Three</title><pubDate>Tue, 10 Jun 2025 10:00:00 +0000</pubDate></item>"
             "<item><title>Three</title><pubDate>Wed, 11 Jun 2025 10:00:00 +0000</pubDate></item>")
    body = f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
    keys = [normalise_entry(e).canonical_url for e in parse_feed(body, "http://e.com/feed", source="s").entries]
    assert len(set(keys)) == 4 and all(k.startswith("urn:newsagg:s:") for k in keys)
    again = [normalise_entry(e).canonical_url for e in parse_feed(body, "http://e.com/feed", source="s").entries]
    assert again == keys


def test_huge_text_fields_are_capped() -> None:
    body = (f'<rss version="2.0"><channel><title>t</title><item><title>{"T" * 50_000}</title>'
            f'<link>http://e.com/a</link><description>{"d" * 3_000_000}</description></item></channel></rss>').encode()
    entry = parse_feed(body, "http://e.com/feed", source="s").entries[0]
    assert len(entry.title) == 2_000 and len(entry.summary) == 1_000_000
