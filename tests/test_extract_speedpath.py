"""The extraction hot path's shortcuts keep behaviour: status markers matched on lower-cased text,
the page tree's C class lookup, markup stripped before trafilatura. No network, no corpus."""

from __future__ import annotations

import lxml.html
import pytest

from newsagg.extract import extract_page
from newsagg.extract.body import strip_never_body
from newsagg.extract.page import parse_tree
from newsagg.extract.status import BLOCKED, OK, PAYWALLED, classify

PARA = ("The network confirmed on Tuesday that the drama will return for a second season next spring, "
        "with the full cast expected back and production starting in the autumn in Atlanta. ")
SHORT = "A teaser of a few words only."

PAYWALL_PHRASES = [
    "Subscribe now to continue reading", "This Story Is Only For Subscribers", "Available to members",
    "Already a subscriber? Log in", "To read the full article", "SUBSCRIBER-EXCLUSIVE",
    "Unlock this article", "Create a free account to continue", "You've reached your free article limit",
]


@pytest.mark.parametrize("phrase", PAYWALL_PHRASES)
def test_paywall_phrases_in_any_case(phrase: str) -> None:
    text = f"<html><body><p>{SHORT}</p><div class='wall'>{phrase}.</div></body></html>"
    assert classify(text=text, body=SHORT, http_status=200, is_article=True, accessible_for_free=None) == PAYWALLED
    # A full article that mentions the phrase is not paywalled.
    assert classify(text=text, body=PARA * 20, http_status=200, is_article=True, accessible_for_free=None) == OK


@pytest.mark.parametrize("marker", ["<TITLE>Just a Moment...</TITLE>", "Verify You Are Human",
                                    "Reference #18.5A2B3C4D", "<div id='CF-Browser-Verification'>"])
def test_challenge_markers_in_any_case(marker: str) -> None:
    text = f"<html><head></head><body>{marker}</body></html>"
    assert classify(text=text, body="", http_status=200, is_article=False, accessible_for_free=None) == BLOCKED
    assert classify(text=text, body="", http_status=503, is_article=False, accessible_for_free=None) == BLOCKED


def test_consent_wall_in_any_case() -> None:
    text = "<html><body><form action='https://CONSENT.Yahoo.com/v2'>We Value Your Privacy</form></body></html>"
    assert classify(text=text, body="We value your privacy", http_status=200, is_article=False,
                    accessible_for_free=None) == BLOCKED


def test_page_tree_elements_are_html_elements() -> None:
    tree = parse_tree("<html><body><!-- note --><form><input name='q'><p>Text <b>bold</b></p></form></body></html>")
    assert tree is not None
    assert all(isinstance(el, lxml.html.HtmlElement) for el in tree.iter("p", "b", "input", "form"))
    assert all(isinstance(c, lxml.html.HtmlComment) for c in tree.iter(lxml.etree.Comment))
    assert tree.find(".//p").text_content() == "Text bold"


def test_strip_never_body_keeps_text_tails_and_jsonld() -> None:
    tree = parse_tree('<html><head><script type="application/ld+json">{"@type": "NewsArticle"}</script>'
                      "<style>p {}</style></head><body><nav><a href='/'>Home</a></nav>"
                      "<p>Hello <!-- c --><svg><text>icon</text></svg>world<script>var x = 1;</script>, again."
                      "<noscript><img src='x'></noscript></p><footer>Footer text</footer></body></html>")
    assert tree is not None
    strip_never_body(tree)
    assert tree.find(".//p").text_content() == "Hello world, again."
    assert [s.get("type") for s in tree.iter("script")] == ["application/ld+json"]
    assert not list(tree.iter("nav", "footer", "style", "svg", "noscript", lxml.etree.Comment))


def test_body_ignores_inline_scripts_svg_and_chrome() -> None:
    body = "".join(f"<p>{PARA}Paragraph {i}.<svg><title>share icon</title></svg></p>"
                   f"<script>window.ads.push({i});</script><!-- ad slot {i} -->" for i in range(6))
    html = (f"<html><head><title>Show Renewed</title></head><body><nav><a href='/'>Home</a></nav>"
            f"<article><h1>Show Renewed</h1>{body}</article><footer>© Outlet</footer></body></html>")
    res = extract_page(html, "https://o.example/tv/show-renewed")
    assert "Paragraph 5." in res.body and "Paragraph 0." in res.body
    for junk in ("share icon", "window.ads", "ad slot", "© Outlet", "Home"):
        assert junk not in res.body


def test_trafilatura_fallbacks_run_where_its_own_extraction_is_weak() -> None:
    from newsagg.extract.body import _fallbacks_may_apply

    article = "".join(f"<p>{PARA}Paragraph {i}.</p>" for i in range(8))
    text = "\n".join(f"{PARA}Paragraph {i}." for i in range(8))
    tree = parse_tree(f"<html><body><article>{article}</article></body></html>")
    assert tree is not None
    assert not _fallbacks_may_apply(text, tree)  # the article's whole text: the pass without fallbacks stands
    assert _fallbacks_may_apply(text[:400], tree)  # short: readability or justext may replace it
    # The same text on a page five times its size: readability may find more than twice as much.
    big = parse_tree(f"<html><body><article>{article}</article><div>{article * 4}</div></body></html>")
    assert big is not None and _fallbacks_may_apply(text, big)
    # A page without paragraph markup (text in divs): trafilatura's own extractor reads it less well.
    divs = parse_tree("<html><body>" + "".join(f"<div>{PARA}</div>" for _ in range(8)) + "</body></html>")
    assert divs is not None and _fallbacks_may_apply(text, divs)
