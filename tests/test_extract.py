"""newsagg.extract: evidence order, bad input, status, authors, dates, merge. No network, no corpus."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timezone

import pytest

from newsagg.extract import PageResult, extract_page, looks_like_login_page, merge_page, page_failed
from newsagg.extract.authors import clean_authors, name_from_url
from newsagg.extract.decode import decode_html, read_page_file
from newsagg.records import Article

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
PARA = ("The network confirmed on Tuesday that the drama will return for a second season next spring, "
        "with the full cast expected back and production starting in the autumn in Atlanta. ")
BODY_HTML = "".join(f"<p>{PARA}Paragraph {i}.</p>" for i in range(8))


def page(head: str = "", body: str = BODY_HTML, lang: str = "en") -> str:
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>Show Renewed | Outlet</title>'
            f'<meta property="og:site_name" content="Outlet">{head}</head><body>'
            f'<nav><a href="/">Home</a><a href="/tv">TV</a></nav><article><h1>Show Renewed</h1>{body}</article>'
            f'<footer>© Outlet</footer></body></html>')


def ld(obj: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


# ------------------------------------------------------------------ evidence


def test_jsonld_then_meta_with_evidence_labels() -> None:
    head = ld({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "LD headline",
               "datePublished": "2024-04-30T10:00:00-07:00", "author": {"@type": "Person", "name": "Jane Doe"},
               "image": [{"@type": "ImageObject", "url": "/img/a.jpg"}], "keywords": "TV, Drama",
               "articleSection": ["TV", "News"]})
    head += ('<meta property="og:description" content="Teaser."><meta property="article:modified_time" '
             'content="2024-04-30T12:00:00Z"><link rel="canonical" href="/tv/show-renewed?utm_source=x">')
    r = extract_page(page(head), "https://outlet.example/tv/show-renewed", now=NOW)
    assert r.title == "LD headline" and r.evidence["title"] == "jsonld"  # no og:title on this page
    assert r.published == datetime(2024, 4, 30, 17, 0, tzinfo=timezone.utc)
    assert r.modified is None  # 12:00Z is before publication (17:00Z): a template default, dropped
    assert r.authors == ["Jane Doe"]
    assert r.image == "https://outlet.example/img/a.jpg"
    assert r.tags == ["TV", "Drama"] and r.section == "TV"
    assert r.canonical_url == "https://outlet.example/tv/show-renewed"
    assert r.language == "en" and r.status == "ok"
    assert r.evidence["published"] == "jsonld" and r.evidence["authors"] == "jsonld"
    assert r.evidence["description"] == "meta:og" and r.evidence["body"] == "trafilatura"
    assert r.body.count("\n\n") >= 7 and "Home" not in r.body and "©" not in r.body


def test_og_title_before_jsonld_headline() -> None:
    head = '<meta property="og:title" content="Shown headline">' + ld({"@type": "NewsArticle", "headline": "SEO x"})
    r = extract_page(page(head), "https://outlet.example/a")
    assert r.title == "Shown headline" and r.evidence["title"] == "meta:og"


def test_jsonld_article_body_skips_trafilatura(monkeypatch: pytest.MonkeyPatch) -> None:
    import newsagg.extract.body as body

    monkeypatch.setattr(body, "generic_body", lambda *a: pytest.fail("trafilatura should not run"))  # type: ignore
    text = "\n\n".join(f"{PARA}Paragraph {i}." for i in range(8))
    r = extract_page(page(ld({"@type": "NewsArticle", "headline": "H", "articleBody": text})), "https://o.example/a")
    assert r.body == text and r.evidence["body"] == "jsonld"


def test_truncated_jsonld_article_body_is_not_used() -> None:
    teaser = PARA * 4 + "and then&hellip;"
    r = extract_page(page(ld({"@type": "NewsArticle", "articleBody": teaser})), "https://o.example/a")
    assert r.evidence["body"] == "trafilatura" and "Paragraph 7" in r.body


def test_meta_fallbacks_parsely_sailthru_dc() -> None:
    head = ('<meta name="parsely-pub-date" content="2024-04-29T08:00:00Z">'
            '<meta name="sailthru.author" content="By Ann Lee and Bo Park">'
            '<meta name="DC.description" content="DC teaser">')
    r = extract_page(page(head), "https://o.example/a", now=NOW)
    assert r.published == datetime(2024, 4, 29, 8, 0, tzinfo=timezone.utc) and r.evidence["published"] == "meta:parsely"
    assert r.authors == ["Ann Lee", "Bo Park"] and r.evidence["authors"] == "meta:sailthru"
    assert r.description == "DC teaser"


def test_zone_words_and_default_timezone() -> None:
    r = extract_page(page('<meta property="article:published_time" content="January 20, 2017 9:01 AM PT">'),
                     "https://o.example/a", now=NOW)
    assert r.published == datetime(2017, 1, 20, 17, 1, tzinfo=timezone.utc)
    r = extract_page(page('<meta name="date" content="2017-01-20 09:01">'), "https://o.example/a",
                     default_tz="Europe/London", now=NOW)
    assert r.published == datetime(2017, 1, 20, 9, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize("bad", ["1970-01-01T00:00:00Z", "2031-01-01T00:00:00Z", "not a date", "0"])
def test_implausible_dates_fall_back_to_next_evidence(bad: str) -> None:
    head = ld({"@type": "NewsArticle", "datePublished": bad}) + \
        '<meta property="article:published_time" content="2024-04-30T10:00:00Z">'
    r = extract_page(page(head), "https://o.example/a", now=NOW)
    assert r.published == datetime(2024, 4, 30, 10, 0, tzinfo=timezone.utc)
    assert r.evidence["published"] == "meta:og"


def test_only_implausible_dates_give_none() -> None:
    r = extract_page(page(ld({"@type": "NewsArticle", "datePublished": "1970-01-01"})), "https://o.example/a", now=NOW)
    assert r.published is None and r.to_json()["published"] is None


def test_emphasized_titles_from_body_only() -> None:
    body = f"<p>Fans of <em>Jessica Jones</em> and <i>Luke Cage</i> rejoice. {PARA}</p>" + BODY_HTML
    r = extract_page(page(body=body).replace("<nav>", "<nav><em>Menu</em>"), "https://o.example/a")
    assert r.emphasized == ["Jessica Jones", "Luke Cage"]


# ------------------------------------------------------------------ broken JSON-LD


@pytest.mark.parametrize("script", [
    '{"@type": "NewsArticle", "headline": "x",,}',                 # invalid JSON
    "<!-- {\"@type\": \"NewsArticle\"} -->",                       # commented out
    '[1, "two", null, {"@type": 5}]',                             # array of junk
    '{"@graph": [{"@graph": [{"@type": ["Thing", "NewsArticle"], "headline": ["List", "headline"], '
    '"author": 42, "datePublished": {"x": 1}, "image": 7, "keywords": {"a": 1}}]}]}',  # nested graph, wrong types
    '{"@type": "NewsArticle", "author": [{"@type": "Person"}, {"@id": "#missing"}], "headline": null}',
    "",
])
def test_broken_jsonld_never_breaks_extraction(script: str) -> None:
    html = page(f'<script type="application/ld+json">{script}</script>'
                '<meta property="article:published_time" content="2024-04-30T10:00:00Z">')
    r = extract_page(html, "https://o.example/a", now=NOW)
    assert r.status == "ok" and r.published is not None and "Paragraph 3" in r.body


def test_jsonld_trailing_comma_and_raw_newline_are_tolerated() -> None:
    script = '{"@type": "NewsArticle", "headline": "Line\none", "author": {"name": "Jane Doe"},}'
    r = extract_page(page(f'<script type="application/ld+json">{script}</script>'), "https://o.example/a")
    assert r.authors == ["Jane Doe"]


def test_graph_author_reference_is_resolved() -> None:
    graph = {"@graph": [{"@type": "NewsArticle", "headline": "H", "author": {"@id": "#p1"}},
                        {"@type": "Person", "@id": "#p1", "name": "Kim Lee", "url": "https://o.example/author/kim"}]}
    assert extract_page(page(ld(graph)), "https://o.example/a").authors == ["Kim Lee"]


# ------------------------------------------------------------------ authors


@pytest.mark.parametrize("value, expected", [
    ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
    ("Jane Doe, Senior Editor", ["Jane Doe"]),
    ("Jane Doe | Outlet", ["Jane Doe"]),
    ("Tom Krisher, AP Auto Writer", ["Tom Krisher"]),
    ("Outlet Staff", []),
    ("Outlet", []),
    ("The Outlet", []),
    ("STEVE PEOPLES", ["Steve Peoples"]),
    ("jane@outlet.example (Jane Doe)", ["Jane Doe"]),
    ("jane@outlet.example", []),
    ("https://outlet.example/author/jane-doe/", ["Jane Doe"]),
    ("https://www.facebook.com/janedoe", []),
    ("https://outlet.example/author/jdoe2/", []),
    ("sophie-foster", ["Sophie Foster"]),
    ("admin", []),
    ("Ilana Muhlstein, MS, RDN", ["Ilana Muhlstein"]),
    ("Finian Cunningham. Outlet", ["Finian Cunningham"]),
    ("Sarah E. Needleman", ["Sarah E. Needleman"]),
    ("Amy Kuperinsky, NJ Advance Media for NJ.com", ["Amy Kuperinsky"]),
    ("María José García", ["María José García"]),
    ("山田太郎", ["山田太郎"]),
    ("Associated Press in Valencia", []),  # an agency: an organisation credit (organisation_credits), not a person
    ({"@type": "Person", "name": "Jane Doe"}, ["Jane Doe"]),
    ({"@type": "Organization", "name": "Some Network"}, []),
    ({"@type": "Person", "givenName": "Jane", "familyName": "Doe"}, ["Jane Doe"]),
    ({"@type": "Person", "url": "https://outlet.example/people/jane-doe"}, ["Jane Doe"]),
    ([{"name": "Jane Doe"}, "Jane Doe", "JANE DOE"], ["Jane Doe"]),
    ([42, None, {"name": ["Jane Doe"]}], ["Jane Doe"]),
])
def test_clean_authors(value: object, expected: list[str]) -> None:
    assert clean_authors(value, ["Outlet", "outlet.example"]) == expected


def test_name_from_url_needs_a_profile_path() -> None:
    assert name_from_url("https://o.example/2024/05/jane-doe") is None
    assert name_from_url("https://o.example/contributors/mary-ann-van-dyke/") == "Mary Ann Van Dyke"


def test_outlet_named_author_falls_back_to_byline() -> None:
    head = ld({"@type": "NewsArticle", "author": {"@type": "Organization", "name": "Outlet"}})
    body = '<div class="byline">By <a rel="author" href="/author/kim-lee">Kim Lee</a></div>' + BODY_HTML
    r = extract_page(page(head, body), "https://outlet.example/a")
    assert r.authors == ["Kim Lee"] and r.evidence["authors"] == "byline"


# ------------------------------------------------------------------ bad input


def test_truncated_html() -> None:
    html = page(ld({"@type": "NewsArticle", "headline": "Cut", "datePublished": "2024-04-30"}))
    r = extract_page(html[: len(html) // 2], "https://o.example/a", now=NOW)
    assert r.title and r.published is not None
    r = extract_page(html[:40], "https://o.example/a")
    assert r.status == "not_article" and r.body == ""


def test_wrong_declared_charset_utf8_bytes() -> None:
    html = page(body=f"<p>Beyoncé’s “Lemonade” {PARA}</p>" * 5).replace('charset="utf-8"', 'charset="iso-8859-1"')
    text, enc = decode_html(html.encode("utf-8"), "text/html; charset=iso-8859-1")
    assert enc == "utf-8" and "Beyoncé’s “Lemonade”" in text
    assert "Beyoncé’s" in extract_page(html.encode("utf-8"), "https://o.example/a").body


def test_wrong_declared_utf8_on_cp1252_bytes_and_no_charset() -> None:
    html = page(body=f"<p>Beyoncé’s “Lemonade” {PARA}</p>" * 5)
    raw = html.encode("cp1252")
    r = extract_page(raw, "https://o.example/a", content_type="text/html; charset=utf-8")
    assert "Beyoncé’s “Lemonade”" in r.body
    no_decl = raw.replace(b'<meta charset="utf-8">', b"")
    assert "Beyoncé’s" in extract_page(no_decl, "https://o.example/a").body


def test_bom_and_utf16() -> None:
    html = page()
    assert decode_html(b"\xef\xbb\xbf" + html.encode("utf-8"))[0].startswith("<!DOCTYPE")
    assert "Paragraph 3" in extract_page(html.encode("utf-16"), "https://o.example/a").body


def test_gzip_file(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "p.html.gz"
    path.write_bytes(gzip.compress(page().encode()))
    assert read_page_file(path).startswith(b"<!DOCTYPE")


def test_huge_page_is_cut_and_finishes() -> None:
    import time

    html = page(body=BODY_HTML + "<div>" + ("<p>filler text " * 5 + "</p>") * 120_000 + "</div>")
    assert len(html) > 8_000_000
    t0 = time.perf_counter()
    r = extract_page(html, "https://o.example/a")
    assert time.perf_counter() - t0 < 30
    assert r.evidence["body"] == "dense-fallback" and r.body.startswith("filler text")


@pytest.mark.parametrize("payload, ctype", [
    ('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>', "application/rss+xml"),
    ('<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>', "text/html"),
    ('<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>', None),
    ('{"version": "https://jsonfeed.org/version/1", "items": []}', None),
    ('{"a": 1}', "application/json"),
    ("[1, 2, 3]", None),
])
def test_feed_or_json_where_a_page_was_expected(payload: str, ctype: str | None) -> None:
    r = extract_page(payload.encode(), "https://o.example/feed", content_type=ctype)
    assert r.status == "not_article" and r.body == "" and r.title is None


@pytest.mark.parametrize("html", ["", "   ", "<html></html>", "<html><body></body></html>",
                                  "<html><head><title>Empty</title></head><body><div></div></body></html>",
                                  "\x00\x00\x00", "plain text without markup"])
def test_page_with_no_text(html: str) -> None:
    r = extract_page(html, "https://o.example/a")
    assert r.status == "not_article"


# ------------------------------------------------------------------ status


def test_http_403_and_429_are_blocked() -> None:
    for code in (403, 429):
        r = extract_page(page(), "https://o.example/a", http_status=code)
        assert r.status == "blocked" and r.title is None  # an error page's metadata is not the article's
    assert extract_page(b'{"error": "rate limited"}', "https://o.example/a", http_status=429,
                        content_type="application/json").status == "blocked"
    assert extract_page(page(), "https://o.example/a", http_status=404).status == "not_article"


def test_bot_challenge_and_consent_wall_are_blocked() -> None:
    cf = ('<html><head><title>Just a moment...</title></head><body><div id="cf-browser-verification">'
          "Checking your browser before accessing the site.</div></body></html>")
    assert extract_page(cf, "https://o.example/a").status == "blocked"
    consent = ('<html><head><title>Before you continue</title></head><body><form action="https://consent.yahoo.com/v2">'
               "<p>We value your privacy</p><button>Accept all</button></form></body></html>")
    assert extract_page(consent, "https://o.example/a").status == "blocked"


def test_full_article_with_a_cloudflare_script_is_ok() -> None:
    html = page('<script src="/cdn-cgi/challenge-platform/h/b/scripts/x.js"></script>')
    assert extract_page(html, "https://o.example/a").status == "ok"


def test_paywalled_short_teaser() -> None:
    head = ld({"@type": "NewsArticle", "headline": "H", "isAccessibleForFree": "False"})
    body = f"<p>{PARA}</p><div class='paywall'><p>Subscribe to continue reading.</p></div>"
    assert extract_page(page(head, body), "https://o.example/a").status == "paywalled"
    # The same flag with the whole text served is an article we can use.
    assert extract_page(page(head), "https://o.example/a").status == "ok"


def test_login_page_helper() -> None:
    assert looks_like_login_page("https://o.example/login?next=/a", None)
    assert looks_like_login_page("https://accounts.o.example/x", "")
    assert looks_like_login_page("https://o.example/wp-login.php", None)
    form = ('<html><head><title>Sign in to Outlet</title></head><body><form><input name="u">'
            '<input type="password" name="p"></form></body></html>')
    assert looks_like_login_page("https://o.example/x", form)
    assert not looks_like_login_page("https://o.example/2024/05/login-scene-review", page())
    assert not looks_like_login_page("https://o.example/a", page())


# ------------------------------------------------------------------ output and merge


def test_to_json_shape() -> None:
    r = extract_page(page(ld({"@type": "NewsArticle", "datePublished": "2024-04-30T10:00:00.123+02:00"})),
                     "https://o.example/a", now=NOW)
    out = r.to_json(id=7)
    assert list(out) == ["id", "url", "title", "authors", "published", "modified", "body", "description", "image",
                         "language", "tags", "canonical_url", "status"]
    assert out["id"] == 7 and out["published"] == "2024-04-30T08:00:00Z"
    json.dumps(out)


def _article(**kw: object) -> Article:
    base = dict(source="outlet", canonical_url="https://o.example/a", url="https://o.example/a",
                title="Feed title", published_at=datetime(2024, 4, 30, 10, tzinfo=timezone.utc),
                summary="Feed summary", authors=["Outlet Staff"], tags=["TV"], evidence={"title": "feed"})
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


def test_merge_precedence() -> None:
    p = PageResult(url="https://o.example/a", canonical_url="https://o.example/a", title="Page title",
                   authors=["Jane Doe"], published=datetime(2024, 4, 30, 9, tzinfo=timezone.utc),
                   modified=datetime(2024, 4, 30, 12, tzinfo=timezone.utc), body="Body one.\n\nBody two.",
                   description="Page teaser", image="https://o.example/i.jpg", language="en", section="TV",
                   tags=["tv", "Drama"], status="ok", emphasized=["Show"],
                   evidence={"authors": "jsonld", "body": "trafilatura", "modified": "meta:og", "image": "meta:og"})
    a = merge_page(_article(), p)
    assert a.title == "Feed title" and a.published_at.hour == 10  # feed keeps title and date
    assert a.authors == ["Jane Doe"] and a.evidence["authors"] == "page:jsonld"
    assert a.body == p.body and a.evidence["body"] == "page:trafilatura"
    assert a.updated_at == p.modified and a.summary == "Feed summary" and a.image_url == p.image
    assert a.tags == ["TV", "Drama"] and a.section == "TV" and a.emphasized == ["Show"]
    assert a.page_status == "ok"
    # A fallback feed date and title are replaced by the page's.
    b = merge_page(_article(flags=["date_from_fetch", "title_from_summary"]), p)
    assert b.published_at == p.published and b.title == "Page title" and b.flags == []


def test_merge_blocked_page_keeps_feed_data() -> None:
    p = PageResult(title="Just a moment", body="", status="blocked", authors=["Bot"])
    a = merge_page(_article(), p)
    assert a.title == "Feed title" and a.authors == ["Outlet Staff"] and "page_blocked" in a.flags
    assert a.page_status == "blocked"


def test_page_failed_flags_reason() -> None:
    a = page_failed(_article(), "404")
    assert a.flags == ["page_failed:404"] and a.page_status == "failed" and a.page_error == "404"
    assert a.title == "Feed title"


def test_amp_and_mobile_variants_take_the_page_canonical_but_syndicated_copies_do_not() -> None:
    from datetime import datetime, timezone

    from newsagg.extract import extract_page, merge_page
    from newsagg.records import Article

    def article(url: str) -> Article:
        return Article(source="variety", canonical_url=url, url=url, title="T",
                       published_at=datetime(2016, 1, 17, tzinfo=timezone.utc))

    page = ('<html><head><link rel="canonical" href="https://variety.com/2016/tv/news/jj-1201681234/">'
            '<title>T</title></head><body><article><p>' + "Body text. " * 80 + "</p></article></body></html>")
    amp = merge_page(article("https://variety.com/2016/tv/news/jj-1201681234/amp/"),
                     extract_page(page, "https://variety.com/2016/tv/news/jj-1201681234/amp/"))
    assert amp.canonical_url == "https://variety.com/2016/tv/news/jj-1201681234/"
    assert amp.evidence["canonical_url"] == "page:rel=canonical"
    mobile = merge_page(article("https://m.variety.com/jj"), extract_page(page, "https://m.variety.com/jj"))
    assert mobile.canonical_url == "https://variety.com/2016/tv/news/jj-1201681234/"
    copy_url = "https://tvline.com/2016/01/18/jj-copy/"
    copy = merge_page(article(copy_url), extract_page(page, copy_url))
    assert copy.canonical_url == copy_url and "page_canonical_differs" in copy.flags
