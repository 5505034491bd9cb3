"""Normalising: dates to aware UTC, canonical URLs, clean text and titles, languages."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from newsagg.normalize.article import EntryRejected, normalise_entry, split_authors
from newsagg.normalize.dates import parse_date
from newsagg.normalize.language import choose_language
from newsagg.normalize.text import clean_title, html_to_text
from newsagg.normalize.urls import canonical_url, is_private_address
from newsagg.records import FeedEntry

UTC = timezone.utc
LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2019, 1, 20, tzinfo=UTC)


@pytest.mark.parametrize(("raw", "expected", "how"), [
    ("Sun, 17 Jan 2016 21:05:00 +0000", datetime(2016, 1, 17, 21, 5, tzinfo=UTC), "rfc822"),
    ("Sun, 17 Jan 2016 13:05:00 PST", datetime(2016, 1, 17, 21, 5, tzinfo=UTC), "rfc822"),
    ("Sun, 17 Jan 2016 21:05:00 -0000", datetime(2016, 1, 17, 21, 5, tzinfo=UTC), "rfc822"),
    ("2016-01-17T13:05:00-08:00", datetime(2016, 1, 17, 21, 5, tzinfo=UTC), "iso"),
    ("2016-01-17T21:05:00Z", datetime(2016, 1, 17, 21, 5, tzinfo=UTC), "iso"),
    # No zone: read in the source's timezone (Pacific, winter: UTC-8).
    ("2016-01-17T13:05:00", datetime(2016, 1, 17, 21, 5, tzinfo=UTC), "iso"),
    ("Sun, 17 Jan 2016 13:05:00", datetime(2016, 1, 17, 21, 5, tzinfo=UTC), "rfc822"),
    # Zone words trade press uses.
    ("2016-01-17 4:05 PM ET", datetime(2016, 1, 17, 21, 5, tzinfo=UTC), "dateparser"),
    ("January 17, 2016 1:05pm PT", datetime(2016, 1, 17, 21, 5, tzinfo=UTC), "dateparser"),
    # Other languages after English; zone-less, so read in the source's zone.
    ("17 janvier 2016 21:05", datetime(2016, 1, 18, 5, 5, tzinfo=UTC), "dateparser"),
    ("Seg, 24 Set 2018 19:42:40 -0300", datetime(2018, 9, 24, 22, 42, 40, tzinfo=UTC), "dateparser"),
    ("no date at all", None, "unparsed"),
])
def test_parse_date_paths(raw: str, expected: datetime | None, how: str) -> None:
    dt, method = parse_date(raw, LA, NOW)
    assert dt == expected
    assert method == how
    if dt is not None:
        assert dt.tzinfo is not None and dt.utcoffset().total_seconds() == 0


def test_implausible_and_missing_dates() -> None:
    assert parse_date("Thu, 01 Jan 1970 00:00:00 +0000", UTC, NOW) == (None, "implausible")
    assert parse_date("2031-01-01T00:00:00Z", UTC, NOW) == (None, "implausible")
    assert parse_date("", UTC, NOW) == (None, "missing")
    assert parse_date("Sometime last week", UTC, NOW)[0] is None
    assert parse_date(time.struct_time((2016, 1, 17, 21, 5, 0, 6, 17, 0)), UTC, NOW)[0] == \
        datetime(2016, 1, 17, 21, 5, tzinfo=UTC)


@pytest.mark.parametrize("raw", [
    "Mon, 01 Jan 0001 00:00:00 GMT",   # the stdlib reads year 1 as 2001
    "Mon, 01 Jan 1 00:00:00 GMT",
    "Fri, 31 Dec 0099 23:59:59 +0000",
    "-1", "1", "2016", "1453064700",    # dateparser invents a date from a bare number
    "0001-01-01T00:00:00+05:00",        # out of range once moved to UTC: no OverflowError
    "9999-12-31T23:59:59-05:00",
])
def test_out_of_range_and_bare_numbers_are_refused(raw: str) -> None:
    dt, why = parse_date(raw, UTC, NOW)
    assert dt is None and why in ("implausible", "unparsed")


def test_two_digit_rfc822_years_keep_their_century_rule() -> None:
    assert parse_date("Sun, 17 Jan 16 21:05:00 +0000", UTC, NOW)[0] == datetime(2016, 1, 17, 21, 5, tzinfo=UTC)


@pytest.mark.parametrize("raw", ["Mon, 01 Jan 0001 00:00:00 GMT", "Mon, 01 Jan 1 00:00:00 GMT", "-1"])
def test_refused_feed_date_is_not_taken_from_feedparser_either(raw: str) -> None:
    from newsagg.feeds import parse_feed

    body = (f'<rss version="2.0"><channel><title>t</title><item><title>x</title><link>http://e.com/a</link>'
            f"<pubDate>{raw}</pubDate></item></channel></rss>").encode()
    article = normalise_entry(parse_feed(body, "http://e.com/feed", source="s").entries[0], now=NOW)
    assert article.published_at == NOW and "date_from_fetch" in article.flags


@pytest.mark.parametrize(("raw", "canon"), [
    ("HTTP://Variety.COM:80/2016/tv/news/x/?utm_source=rss&utm_medium=feed#comments",
     "http://variety.com/2016/tv/news/x/"),
    ("https://deadline.com:443/a?b=2&a=1&fbclid=XYZ&gclid=1&mc_cid=3", "https://deadline.com/a?a=1&b=2"),
    ("https://www.digitalspy.com:8443/tv/a", "https://www.digitalspy.com:8443/tv/a"),
    ("https://example.com/a b", "https://example.com/a%20b"),
    ("https://example.com", "https://example.com/"),
])
def test_canonical_url(raw: str, canon: str) -> None:
    assert canonical_url(raw) == canon


def test_canonical_url_rejects_non_http_and_resolves_relative() -> None:
    with pytest.raises(ValueError):
        canonical_url("javascript:alert(1)")
    assert canonical_url("/tv/x", base="https://variety.com/feed/") == "https://variety.com/tv/x"


@pytest.mark.parametrize("address", [
    "127.0.0.1", "10.1.2.3", "192.168.0.1", "169.254.169.254", "::1", "0.0.0.0",
    "100.64.0.1", "100.127.255.254",          # CGNAT: is_private is False, is_global too
    "::ffff:127.0.0.1", "2002:7f00:1::",      # IPv4-mapped and 6to4 wrapping loopback
    "64:ff9b::a00:1", "fe80::1%eth0", "fc00::1", "224.0.0.1", "240.0.0.1", "not-an-address",
])
def test_non_global_addresses_are_private(address: str) -> None:
    assert is_private_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8"])
def test_global_addresses_are_public(address: str) -> None:
    assert not is_private_address(address)


def test_html_to_text_keeps_paragraphs_and_drops_scripts() -> None:
    html = ("<p>Netflix has renewed <em>Jessica&nbsp;Jones</em> &amp; more.</p>"
            "<script>alert(1)</script><p>Second\n   paragraph.</p><ul><li>One</li><li>Two</li></ul>")
    assert html_to_text(html) == "Netflix has renewed Jessica Jones & more.\n\nSecond paragraph.\n\nOne\n\nTwo"
    assert html_to_text("Plain &amp; simple") == "Plain & simple"
    assert html_to_text("") == ""


@pytest.mark.parametrize(("raw", "clean"), [
    ("Jessica Jones Renewed for Season 2 | Variety", "Jessica Jones Renewed for Season 2"),
    ("Jessica Jones Renewed for Season 2 &#8211; Deadline", "Jessica Jones Renewed for Season 2"),
    ("Jessica Jones Renewed – Deadline Hollywood", "Jessica Jones Renewed"),
    ("Sherlock special ratings | TV News | Digital Spy", "Sherlock special ratings | TV News"),
    ("Jessica Jones - Season 2", "Jessica Jones - Season 2"),
    ("<b>Bold</b> title", "Bold title"),
])
def test_clean_title(raw: str, clean: str) -> None:
    assert clean_title(raw, ["Variety", "Deadline", "Digital Spy"]) == clean


def test_split_authors() -> None:
    assert split_authors(["By Jane Doe and John Roe", "Jane Doe", "Variety Staff", "Variety"],
                         ["Variety"]) == ["Jane Doe", "John Roe", "Variety Staff"]
    assert split_authors(["editor@example.com (Nellie Andreeva)"]) == ["Nellie Andreeva"]


def test_language() -> None:
    assert choose_language("en-US") == "en"
    assert choose_language(None, "", text="Netflix hat die Serie um eine zweite Staffel verlängert, "
                                          "teilte der Streamingdienst am Sonntag mit.") == "de"


def _entry(**kw: object) -> FeedEntry:
    base = dict(source="variety", feed_url="https://variety.com/feed/", fetched_at=NOW)
    base.update(kw)
    return FeedEntry(**base)  # type: ignore[arg-type]


def test_normalise_entry_full() -> None:
    a = normalise_entry(_entry(
        guid="https://variety.com/?p=1", link="https://variety.com/2016/tv/x/?utm_source=rss",
        title="Jessica Jones Renewed | Variety", summary="<p>Teaser</p>",
        content="<p>Full <em>text</em>.</p><p>More.</p>", authors=["Jane Doe"], categories=["TV", "TV", "News"],
        published="Sun, 17 Jan 2016 21:05:00 +0000", language="en-US"), source_title="Variety",
        timezone_name="America/Los_Angeles")
    assert a.canonical_url == "https://variety.com/2016/tv/x/"
    assert a.url.endswith("?utm_source=rss")
    assert a.title == "Jessica Jones Renewed" and a.body == "Full text.\n\nMore."
    assert a.published_at == datetime(2016, 1, 17, 21, 5, tzinfo=UTC)
    assert a.evidence["published_at"] == "feed:published/rfc822"
    assert a.tags == ["TV", "News"] and a.language == "en" and a.flags == []


def test_normalise_entry_fallbacks() -> None:
    no_link = normalise_entry(_entry(guid="tag:variety.com,2016:1", title="T", published="2016-01-17T10:00:00Z"))
    assert no_link.canonical_url.startswith("urn:newsagg:variety:") and "no_link" in no_link.flags
    again = normalise_entry(_entry(guid="tag:variety.com,2016:1", title="T2", published="2016-01-17T10:00:00Z"))
    assert again.canonical_url == no_link.canonical_url  # stable key across runs
    guid_url = normalise_entry(_entry(guid="https://variety.com/a", title="T"))
    assert guid_url.canonical_url == "https://variety.com/a"
    no_title = normalise_entry(_entry(link="https://v.com/a", summary="First sentence here. Second one."))
    assert no_title.title == "First sentence here." and "title_from_summary" in no_title.flags
    no_date = normalise_entry(_entry(link="https://v.com/b", title="x"))
    assert no_date.published_at == NOW and "date_from_fetch" in no_date.flags
    bad_date = normalise_entry(_entry(link="https://v.com/c", title="x", published="Sometime last week",
                                      updated="2016-01-18T00:00:00Z"))
    assert bad_date.published_at == datetime(2016, 1, 18, tzinfo=UTC)
    assert "date_from_updated" in bad_date.flags and any(f.startswith("bad_date:") for f in bad_date.flags)
    with pytest.raises(EntryRejected):
        normalise_entry(_entry())


def test_feed_boilerplate_is_stripped() -> None:
    from newsagg.normalize.text import strip_feed_boilerplate

    text = ("First paragraph.\n\nSecond paragraph with Related words inside.\n\nRelated\n\n"
            "Other headline one\n\nOther headline two\n\nThe post Title appeared first on Deadline.")
    assert strip_feed_boilerplate(text) == "First paragraph.\n\nSecond paragraph with Related words inside."
    assert strip_feed_boilerplate("Related\n\nA story that starts with a heading.") == \
        "Related\n\nA story that starts with a heading."


def test_language_model_mapped_from_the_cache_answers_as_the_packaged_one(tmp_path, monkeypatch) -> None:
    """Workers map the classifier's big tables from an uncompressed copy (pages shared, only
    touched ones resident): same classes and probabilities as py3langid's own loading."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from newsagg.normalize import language

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    ptc, pc, classes, nextmove, rows, output = language._mapped_model()
    mapped = LanguageIdentifier(ptc, pc, classes, nextmove, output, norm_probs=True, tk_row=rows)
    packaged = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    texts = ["Netflix renewed the series for a second season on Sunday.", "Der Hund ist sehr groß und schön.",
             "Le chat dort sur la table ce matin.", "La serie se estrena hoy en España y México.", "ok"]
    assert [mapped.classify(t) for t in texts] == [packaged.classify(t) for t in texts]
    assert (tmp_path / "newsagg").is_dir()
    again = language._mapped_model()  # the second process: reads the copy already written
    assert len(again[3]) == len(nextmove)


def test_language_model_without_a_writable_cache_loads_the_packaged_one(tmp_path, monkeypatch) -> None:
    from newsagg.normalize import language

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    identifier = language._identifier.__wrapped__()
    assert identifier.classify("Netflix renewed the series for a second season on Sunday.")[0] == "en"
