"""Per-source parsers: discovery, saved page fixtures with expected JSON, the demo site's pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsagg.errors import ConfigError
from newsagg.extract import extract_page
from newsagg.extract.page import parse_tree
from newsagg.extract.parsers import ParsedPage, UnknownParser, available_parsers, get_parser
from newsagg.sources import load_sources, page_options_for, parse_registry

PAGES = Path(__file__).parent / "fixtures" / "pages"
FIXTURES = sorted(p.name.removesuffix(".expected.json") for p in PAGES.glob("*.expected.json"))
FIELDS = ("title", "authors", "published", "modified", "body", "description", "image", "language", "tags",
          "canonical_url", "status")


def test_parsers_are_discovered_with_names_versions_and_unknown_name() -> None:
    assert available_parsers() == ["hearst", "penske"]
    for name in available_parsers():
        parser = get_parser(name)
        assert parser.name == name and isinstance(parser.version, int) and parser.version >= 1
        assert parser.label == f"parser:{name}@{parser.version}"
    with pytest.raises(UnknownParser, match=r"'penskee' \(did you mean 'penske'\?\); known: hearst, penske"):
        get_parser("penskee")
    with pytest.raises(KeyError):  # an unknown parser is a configuration error, not a bad page
        extract_page("<html><body><p>x</p></body></html>", parser="nosuch")


def test_registry_rejects_an_unknown_parser_name_in_one_line() -> None:
    toml = '[[source]]\nname = "v"\nfeeds = ["https://variety.com/feed/"]\nparser = "hearts"\n'
    with pytest.raises(ConfigError) as err:
        parse_registry(toml, "test.toml")
    message = str(err.value)
    assert "\n" not in message and "'hearts'" in message and "did you mean 'hearst'" in message


def _expected(name: str) -> dict:
    return json.loads((PAGES / f"{name}.expected.json").read_text("utf-8"))


PARSER_FIXTURES = [f for f in FIXTURES if _expected(f)["parser"]]
HEADLINE_FIXTURES = [f for f in FIXTURES if _expected(f).get("headline")]


def test_every_parser_and_headline_setting_has_a_fixture() -> None:
    assert {_expected(f)["parser"] for f in PARSER_FIXTURES} == set(available_parsers())
    declared = {s.headline for s in load_sources() if s.headline}
    assert declared <= {_expected(f)["headline"] for f in HEADLINE_FIXTURES}


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_page_matches_expected_json(name: str) -> None:
    """Each saved page, extracted with the settings of the registry source serving its URL
    (as the crawler and `newsagg extract` do), gives its expected JSON."""
    expected = _expected(name)
    html = (PAGES / f"{name}.html").read_bytes()
    options = page_options_for(expected["url"], load_sources())
    assert options.get("parser") == expected["parser"]
    assert options.get("headline") == expected.get("headline")
    got = extract_page(html, expected["url"], **options)
    out = got.to_json()
    for field in FIELDS:
        assert out[field] == expected[field], field
    assert got.section == expected["section"]
    assert got.emphasized == expected["emphasized"]
    for field, label in expected["evidence"].items():
        assert got.evidence[field] == label, field
    for junk in expected["must_not_contain"]:
        assert junk not in got.body


@pytest.mark.parametrize("name", HEADLINE_FIXTURES)
def test_declared_headline_is_what_changes_the_title(name: str) -> None:
    expected = _expected(name)
    html = (PAGES / f"{name}.html").read_bytes()
    generic = extract_page(html, expected["url"])
    assert generic.title == expected["generic_title"] != expected["title"]
    assert generic.evidence["title"] == expected["generic_evidence"]


@pytest.mark.parametrize("parser_name", available_parsers())
def test_every_parser_on_its_saved_pages(parser_name: str) -> None:
    """Each discovered parser, alone, on every saved page of its outlets: a typed result whose
    fields equal the page's expected JSON, and the caller's tree untouched."""
    pages = [f for f in PARSER_FIXTURES if _expected(f)["parser"] == parser_name]
    assert pages, f"parser {parser_name!r} has no saved page in {PAGES}"
    for name in pages:
        expected = _expected(name)
        tree = parse_tree((PAGES / f"{name}.html").read_text("utf-8"))
        parsed = get_parser(parser_name).parse(tree, expected["url"])
        assert isinstance(parsed, ParsedPage)
        assert parsed.body == expected["body"], name
        assert parsed.title == expected["title"], name
        assert list(parsed.authors) == expected["authors"], name
        assert parsed.published, name
        # The parser must not touch the caller's tree (extract_page reuses it).
        assert tree.xpath('//*[contains(@class, "related")]'), name


def test_parser_that_finds_nothing_falls_back_to_generic() -> None:
    html = ("<html><head><title>Plain page</title></head><body><article><h1>Plain page</h1>"
            + "<p>" + "A sentence about television that goes on for a while. " * 30 + "</p>"
            + "</article></body></html>")
    got = extract_page(html, "https://variety.com/x/", parser="penske")
    # No .a-content / itemprop body: the penske parser finds an <article> h1 but no body.
    assert got.body.startswith("A sentence about television")
    assert got.evidence["body"] == "trafilatura"
    assert got.title == "Plain page"  # from the parser's h1 (no metadata on the page)


def test_parser_crash_does_not_lose_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(tree, url=None):  # noqa: ANN001, ANN202
        raise RuntimeError("theme changed")

    monkeypatch.setattr(get_parser("penske"), "parse", boom)
    html = (PAGES / "penske-variety.html").read_bytes()
    got = extract_page(html, "https://variety.com/2017/tv/news/the-crown-renewed-season-3-netflix-1201955555/",
                       parser="penske")
    assert got.status == "ok" and got.evidence["body"] == "trafilatura" and got.authors == ["Dana Whitfield"]


def _demo_pages():
    from newsagg.demo.site import build_site, load_articles

    base = "http://127.0.0.1:8000"
    site = build_site(base)
    arts = {a["title"]: a for a in load_articles()}
    for path, res in sorted(site.items()):
        if b'property="og:type" content="article"' in (res.body or b""):
            yield base + path, res.body, ("hearst" if path.startswith("/digitalspy/") else "penske"), arts


def test_parsers_on_demo_pages_agree_with_the_demo_data() -> None:
    checked = 0
    for url, body, parser, arts in _demo_pages():
        got = extract_page(body, url, parser=parser)
        assert got.status == "ok", url
        assert got.evidence["body"] == get_parser(parser).label, url
        src = arts.get(got.title)
        assert src is not None, f"{url}: title {got.title!r} not in the demo data"
        assert got.authors == src["authors"], url
        assert got.published == src["published_dt"], url
        assert got.body == src["text"], url
        assert got.tags == src["tags"], url
        checked += 1
    assert checked >= 10
