"""Issue 18 rules on pages nobody tuned for: site names, headline choice, bylines, dates, bodies.

Pages are small and written here; each case is a layout family, not a copy of a site's page.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from newsagg.extract import extract_page
from newsagg.extract.authors import clean_authors, organisation_credits
from newsagg.extract.title import host_brand, strip_site_name

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
PARA = ("The network confirmed on Tuesday that the drama will return for a second season next spring, "
        "with the full cast expected back and production starting in the autumn. ")


def page(head: str = "", article: str = "", paragraphs: int = 6) -> str:
    body = "".join(f"<p>{PARA}Paragraph {i}.</p>" for i in range(paragraphs))
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>{head}</head><body>"
            f"<header><a href='/'><h1>Site Logo</h1></a><nav><a href='/tv'>TV</a></nav></header>"
            f"<article>{article}{body}</article></body></html>")


# ------------------------------------------------------------------ site names


@pytest.mark.parametrize(("title", "names", "url", "others", "expected"), [
    ("Scholz visits Kyiv | DW | 28.04.2023", ["Deutsche Welle"], "https://www.dw.com/en/a-1", [], "Scholz visits Kyiv"),
    ("首相が会見：朝日新聞デジタル", ["朝日新聞デジタル"], "https://www.asahi.com/articles/x", [], "首相が会見"),
    ("대통령 발표 - 매일경제", ["매일경제"], "https://www.mk.co.kr/news/x", [], "대통령 발표"),
    ("Fire in Ontario - National | Globalnews.ca", [], "https://globalnews.ca/news/1/", ["Fire in Ontario"],
     "Fire in Ontario"),
    ("Star Wars cuts | Fandom", ["Fandom"], "https://www.fandom.com/a", [], "Star Wars cuts"),
    ("Title here * The Pundit * by Jane Doe", ["The Pundit"], "https://pundit.example/a", [], "Title here"),
    # A second half that names nothing of the site stays.
    ("Jessica Jones - Season 2 review", ["Variety"], "https://variety.com/x", [], "Jessica Jones - Season 2 review"),
    ("Spider-Man: No Way Home - the review", ["Variety"], "https://variety.com/x", [],
     "Spider-Man: No Way Home - the review"),
])
def test_site_name_stripping_for_any_site(title: str, names: list[str], url: str, others: list[str],
                                          expected: str) -> None:
    assert strip_site_name(title, names, url, others) == expected


def test_host_brand_skips_country_second_levels() -> None:
    assert host_brand("https://www.bbc.co.uk/news") == "bbc"
    assert host_brand("https://mk.co.kr/x") == "mk"
    assert host_brand("https://edition.cnn.com/x") == "cnn"
    assert host_brand("https://localhost/x") is None


def test_page_title_loses_section_and_site_through_the_h1() -> None:
    head = "<title>Show renewed for season two - National | Globalnews.ca</title>"
    got = extract_page(page(head, "<h1>Show renewed for season two</h1>"), "https://globalnews.ca/news/1/x/", now=NOW)
    assert got.title == "Show renewed for season two"


# ------------------------------------------------------------------ headline choice


def test_visible_h1_beats_a_social_og_title() -> None:
    head = ("<meta property='og:title' content='You will not believe who is back for season two'>"
            "<title>Drama renewed: who is back for season two | Outlet</title>")
    got = extract_page(page(head, "<h1>Drama renewed: who is back for season two</h1>"), "https://o.example/a", now=NOW)
    assert got.title == "Drama renewed: who is back for season two"
    # The registry's declaration for an outlet wins over the rule.
    declared = extract_page(page(head, "<h1>Drama renewed: who is back for season two</h1>"), "https://o.example/a",
                            now=NOW, headline="og")
    assert declared.title == "You will not believe who is back for season two"


def test_h1_that_is_not_the_headline_is_not_taken() -> None:
    head = "<meta property='og:title' content='Drama renewed for a second season'>"
    got = extract_page(page(head, "<h1>Log In</h1>"), "https://o.example/a", now=NOW)
    assert got.title == "Drama renewed for a second season" and got.evidence["title"] == "meta:og"


def test_jsonld_headline_that_matches_the_h1_is_reported_as_jsonld() -> None:
    head = ("<meta property='og:title' content='Short social line about the drama'>"
            "<script type='application/ld+json'>"
            + json.dumps({"@type": "NewsArticle", "headline": "Drama renewed for a second season at the network"})
            + "</script>")
    got = extract_page(page(head, "<h1>Drama renewed for a second season at the network</h1>"), "https://o.example/a",
                       now=NOW)
    assert got.title == "Drama renewed for a second season at the network" and got.evidence["title"] == "jsonld"


# ------------------------------------------------------------------ bylines


@pytest.mark.parametrize(("byline", "expected"), [
    ('<div class="byline"><a href="/author/nellie-andreeva/">Nellie Andreeva</a> <a href="/a/">View All</a></div>',
     ["Nellie Andreeva"]),
    ("<p>By Jane Doe and John Roe</p>", ["Jane Doe", "John Roe"]),
    ('<span class="post-author">Max Mustermann (mm)</span>', ["Max Mustermann"]),
    ("<p>By Jane Doe (@janedoe), Senior TV Editor</p>", ["Jane Doe"]),
    ("<p>By jane.doe@outlet.example</p>", []),
    # No person named: the agency or staff credit stays, as an organisation.
    ('<p class="byline">By TMZ STAFF</p>', ["TMZ Staff"]),
    ('<div class="author-name">(dpa)</div>', ["dpa"]),
])
def test_bylines_from_visible_markup(byline: str, expected: list[str]) -> None:
    got = extract_page(page("<title>Drama renewed</title>", "<h1>Drama renewed</h1>" + byline), "https://o.example/a",
                       now=NOW)
    assert got.authors == expected
    if expected:
        assert got.evidence["authors"] == "byline"


def test_person_named_anywhere_beats_an_organisation_credit() -> None:
    head = ("<script type='application/ld+json'>" + json.dumps(
        {"@type": "NewsArticle", "headline": "x", "author": {"@type": "Organization", "name": "Outlet News"}})
        + "</script>")
    got = extract_page(page(head, '<p class="byline">By Jane Doe</p>'), "https://outlet.example/a", now=NOW)
    assert got.authors == ["Jane Doe"]
    alone = extract_page(page(head), "https://outlet.example/a", now=NOW)
    assert alone.authors == ["Outlet News"] and alone.evidence["authors"] == "jsonld"


def test_agencies_are_organisations() -> None:
    assert clean_authors("Jane Doe, Associated Press") == ["Jane Doe"]
    assert organisation_credits("Associated Press in Valencia") == ["Associated Press"]
    assert organisation_credits(["Guardian staff reporter"]) == ["Guardian staff reporter"]
    assert organisation_credits("Jane Doe") == []


# ------------------------------------------------------------------ dates


def dated(markup: str = "", head: str = "", lang: str = "en") -> str:
    return page(head, "<h1>Drama renewed</h1>" + markup).replace("lang='en'", f"lang='{lang}'")


@pytest.mark.parametrize(("html", "url", "options", "expected", "source", "zone_from"), [
    # Shown only in the visible markup, a zone written beside it.
    (dated('<span class="date">April 28, 2023 2:30 PM EST</span>'), "https://o.example/a", {},
     "2023-04-28T19:30:00+00:00", "page:date-text", None),
    (dated('<p class="meta">Published <span class="publish-time">28 April 2023 14:30 CEST</span></p>'),
     "https://o.example/a", {}, "2023-04-28T12:30:00+00:00", "page:date-text", None),
    # Zone-less: the page's country (html lang region), its language, another date's offset, the outlet's zone.
    (dated('<div class="article-date">28.04.2023, 14:30 Uhr</div>', lang="de-DE"), "https://o.example/a", {},
     "2023-04-28T12:30:00+00:00", "page:date-text", "page-lang"),
    (dated('<span class="date">2023年4月28日 14:30</span>', lang="ja"), "https://o.example/a", {},
     "2023-04-28T05:30:00+00:00", "page:date-text", "page-language"),
    (dated(head='<meta property="article:published_time" content="2023-04-28T14:30:00">'
                '<meta property="article:modified_time" content="2023-04-28T16:00:00+02:00">'),
     "https://o.example/a", {}, "2023-04-28T12:30:00+00:00", "meta:og", "page-offset"),
    (dated(head='<meta property="article:published_time" content="2023-04-28T14:30:00">'), "https://o.example/a",
     {"default_tz": "America/New_York"}, "2023-04-28T18:30:00+00:00", "meta:og", None),
    # A <time> outside <article> counts; related-article stamps in the footer do not come first.
    (dated('<footer><time datetime="2020-01-01T00:00:00Z">x</time></footer>').replace(
        "<header>", '<header><time datetime="2023-04-28T10:00:00-04:00">Apr 28</time>'),
     "https://o.example/a", {}, "2023-04-28T14:00:00+00:00", "time-tag", None),
    # Nothing marked up as a date: htmldate's search finds the day.
    (dated("<p>Posted on 5 March 2019</p>"), "https://o.example/2019/03/05/renewed/", {},
     "2019-03-05T00:00:00+00:00", "htmldate", None),
])
def test_dates_with_zone_and_source(html: str, url: str, options: dict, expected: str, source: str,
                                    zone_from: str | None) -> None:
    got = extract_page(html, url, now=NOW, **options)
    assert got.published == datetime.fromisoformat(expected)
    assert got.evidence["published"] == source
    assert got.evidence.get("published_zone") == zone_from


def test_updated_stamp_is_not_the_publication_date() -> None:
    html = dated('<span class="date updated">Updated May 1, 2023</span><span class="date">April 28, 2023</span>')
    got = extract_page(html, "https://o.example/a", now=NOW)
    assert got.published is not None and got.published.date().isoformat() == "2023-04-28"


# ------------------------------------------------------------------ bodies that stop early


def _tree(html: str):  # noqa: ANN202
    from newsagg.extract.page import parse_tree

    return parse_tree(html)


SENTENCES = [f"Sentence number {i} of the article tells the reader something new about the renewal." for i in range(8)]
ARTICLE = ("<html><body><main><article><div class='body'>" + "".join(f"<p>{s}</p>" for s in SENTENCES)
           + "</div></article><section class='more'><p>Another story entirely, about a different show, "
             "which the reader may like as well.</p></section></main></body></html>")


def test_body_that_stops_early_while_the_article_goes_on_is_detected() -> None:
    from newsagg.extract.body import continued, missed_paragraphs, stops_early

    tree = _tree(ARTICLE)
    assert not stops_early("\n\n".join(SENTENCES), tree)
    cut = "\n\n".join(SENTENCES[:3])
    assert stops_early(cut, tree)
    assert missed_paragraphs(cut, tree) == SENTENCES[3:]  # the teaser outside the body's container is not counted
    assert continued(cut, missed_paragraphs(cut, tree)) == "\n\n".join(SENTENCES)
    # A paragraph cut in the middle is detected too, and completed.
    half = "\n\n".join(SENTENCES[:7] + [SENTENCES[7][:40]])
    assert missed_paragraphs(half, tree) == [SENTENCES[7][40:].strip()]


def test_captions_and_label_lines_after_the_body_are_not_the_article_going_on() -> None:
    from newsagg.extract.body import stops_early

    tail = ("<p class='caption'>The cast at the premiere in London on Monday night, pictured together (Getty Images).</p>"
            "<p>MORE: The network's other renewals this week, and what they mean for the autumn schedule</p>"
            "<p>Published under: Television, Renewals, Drama series, Networks and streaming services</p>")
    tree = _tree(ARTICLE.replace("</div></article>", tail + "</div></article>"))
    assert not stops_early("\n\n".join(SENTENCES), tree)


def test_kicker_inside_the_h1_is_not_part_of_the_headline() -> None:
    head = "<meta property='og:title' content='Drama renewed for a second season'>"
    got = extract_page(page(head, "<h1><span class='kicker'>Exclusive:</span> Drama renewed for a second season</h1>"),
                       "https://o.example/a", now=NOW)
    assert got.title == "Drama renewed for a second season" and got.evidence["title"] == "meta:og"


@pytest.mark.parametrize(("byline", "expected"), [
    ("Jane Doe Senior TV Critic", ["Jane Doe"]),
    ("By Jane Doe on April 28, 2023", ["Jane Doe"]),
    ("By Jane Doe and John Roe Updated: Mon, Apr 3 2023", ["Jane Doe", "John Roe"]),
    ("Jane Doe | 3 hours ago", ["Jane Doe"]),
    ("Mary Ann Evans", ["Mary Ann Evans"]),
])
def test_byline_tails_of_job_titles_and_dates_come_off(byline: str, expected: list[str]) -> None:
    assert clean_authors(byline) == expected


def test_a_handle_with_digits_is_not_cut_into_a_name() -> None:
    assert clean_authors("CC7567") == []
