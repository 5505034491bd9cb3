"""Every way found to hide a DTD internal subset from the old 200 KB / first-"]>" check."""

from __future__ import annotations

import base64

import pytest

from newsagg.feeds import parse_feed
from newsagg.sitemaps import parse_sitemap
from newsagg.xmlguard import has_internal_subset

# Expanded by feedparser's loose parser when it gets through: 10 x 10 x 1,000 characters.
_SUBSET = ('<!DOCTYPE rss [ <!ENTITY a "' + "x" * 1000 + '"> <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
           ' <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"> ]>')
_BODY = ('<rss version="2.0"><channel><title>t</title><item><title>bomb</title><link>http://e.com/1</link>'
         "<description>&c;</description></item></channel></rss>")
_DECL = '<?xml version="1.0"?>'


def _utf7(text: str) -> bytes:
    """Every character base64-encoded: not one ASCII '<' left for a byte scan to find."""
    return b"+" + base64.b64encode(text.encode("utf-16-be")).rstrip(b"=") + b"-"


TRICKS = {
    "comment closes the subset early": (_DECL + '<!DOCTYPE rss [ <!-- ]> --> ' + _SUBSET[len("<!DOCTYPE rss ["):]
                                        + _BODY).encode(),
    "padding before the DOCTYPE": (_DECL + " " * 300_000 + _SUBSET + _BODY).encode(),
    "a comment of padding": (_DECL + "<!--" + "p" * 300_000 + "-->" + _SUBSET + _BODY).encode(),
    "quoted '>' in the external id": (_DECL + _SUBSET.replace("rss [", 'rss SYSTEM "a>b" [') + _BODY).encode(),
    "UTF-16 with a BOM": ('<?xml version="1.0" encoding="utf-16"?>' + _SUBSET + _BODY).encode("utf-16"),
    "UTF-16 without a BOM": ('<?xml version="1.0" encoding="utf-16le"?>' + _SUBSET + _BODY).encode("utf-16-le"),
    "UTF-32": ('<?xml version="1.0" encoding="utf-32"?>' + _SUBSET + _BODY).encode("utf-32"),
    "UTF-7 declared": b'<?xml version="1.0" encoding="utf-7"?>' + _utf7(_SUBSET) + _BODY.encode(),
    "lower-case doctype": (_DECL + _SUBSET.replace("DOCTYPE", "doctype").replace("ENTITY", "entity")
                           + _BODY).encode(),
}


@pytest.mark.parametrize("trick", TRICKS)
def test_hidden_subset_is_refused_before_parsing(trick: str) -> None:
    parsed = parse_feed(TRICKS[trick], "http://e.com/feed", source="s")
    assert parsed.entries == [] and parsed.error and "expansion refused" in parsed.error


def test_utf7_trick_is_expanded_without_the_guard() -> None:
    """The UTF-7 document really is a bomb for feedparser: the guard is what stops it."""
    import io

    import feedparser

    doc = feedparser.parse(io.BytesIO(TRICKS["UTF-7 declared"]), sanitize_html=False, resolve_relative_uris=False)
    assert len(doc.entries[0].summary) == 100_000


def test_utf16_declared_in_the_http_header_only_is_scanned() -> None:
    body = (_SUBSET + _BODY).encode("utf-16-le")[2:]  # no BOM, no declaration, odd start
    assert has_internal_subset(body, "application/rss+xml; charset=utf-16-le")


@pytest.mark.parametrize("body", [
    (_DECL + '<!DOCTYPE rss SYSTEM "http://my.netscape.com/publish/formats/rss-0.91.dtd">' + _BODY).encode(),
    (_DECL + '<rss version="2.0"><channel><item><description><![CDATA[<!DOCTYPE html [x]> <p>'
     "</p>]]></description></item></channel></rss>").encode(),
    (_DECL + "<!-- <!DOCTYPE rss [ --><rss/>").encode(),
    ('<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><title>ü</title></channel></rss>'
     ).encode("utf-16"),
])
def test_ordinary_doctypes_comments_and_cdata_pass(body: bytes) -> None:
    assert not has_internal_subset(body)


def test_sitemap_with_entities_past_100_kb_is_refused() -> None:
    urls = "".join(f"<url><loc>http://e.com/{i}</loc></url>" for i in range(4000))
    body = (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}'
            '<!DOCTYPE x [<!ENTITY a "b">]></urlset>').encode()
    assert len(body) > 100_000
    assert "expansion refused" in (parse_sitemap(body, "http://e.com/sitemap.xml").error or "")


def test_sitemap_in_utf16_with_a_subset_is_refused() -> None:
    body = ('<?xml version="1.0" encoding="utf-16"?><!DOCTYPE urlset [<!ENTITY a "b">]>'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://e.com/&a;</loc></url>'
            "</urlset>").encode("utf-16")
    assert "expansion refused" in (parse_sitemap(body, "http://e.com/sitemap.xml").error or "")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_20k_nested_elements_are_refused_before_feedparser(encoding: str) -> None:
    """feedparser's time per element grows with depth: 20,000 levels cost it seconds."""
    deep = "<x>" * 20_000 + "</x>" * 20_000
    body = (f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel><title>t</title><item>'
            f"<title>a</title><link>http://e.com/1</link><description>{deep}</description></item>"
            "</channel></rss>").encode(encoding)
    parsed = parse_feed(body, "http://e.com/feed", source="s")
    assert parsed.entries == [] and "nested more than 1000 elements deep" in (parsed.error or "")


def test_long_runs_of_start_tags_with_text_between_are_counted() -> None:
    body = b"<rss><channel>" + b"<x>" + b"text " * 4000 + b"<x>words" * 1200 + b"</x>" * 1201 + b"</channel></rss>"
    assert "nested more than" in (parse_feed(body, "http://e.com/feed").error or "")
