"""JSON Feed: a wrong type or a hostile depth costs only its own item, with a reason."""

from __future__ import annotations

import json

import pytest

from newsagg.feeds import parse_feed


def _feed(*items: object) -> bytes:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "J", "items": list(items)}).encode()


GOOD = {"id": "g", "url": "http://e.com/good", "title": "Good"}


@pytest.mark.parametrize("bad, reason", [
    ({"id": "b", "url": "http://e.com/b", "authors": 5}, "'authors' is int, expected a list"),
    ({"id": "b", "url": "http://e.com/b", "author": "Jane"}, "'author' is str, expected a dict"),
    ({"id": "b", "url": ["http://e.com/b"]}, "'url' is list, expected a string"),
    ({"id": "b", "url": "http://e.com/b", "tags": "tv"}, "'tags' is str, expected a list"),
    ({"id": {"x": 1}, "url": "http://e.com/b"}, "'id' is dict"),
    ({"id": "b", "title": 7}, "'title' is int"),
    ("just a string", "item is str, expected an object"),
])
def test_a_wrong_type_costs_only_its_item(bad: object, reason: str) -> None:
    parsed = parse_feed(_feed(GOOD, bad, {**GOOD, "id": "g2", "url": "http://e.com/good2"}), "http://e.com/f.json",
                        source="s", content_type="application/feed+json")
    assert parsed.error is None
    assert [e.link for e in parsed.entries] == ["http://e.com/good", "http://e.com/good2"]
    assert len(parsed.item_errors) == 1 and parsed.item_errors[0].startswith("item 2") and reason in parsed.item_errors[0]


def test_100k_deep_array_in_one_item_keeps_the_others() -> None:
    deep = "[" * 100_000 + "]" * 100_000
    body = (b'{"items": [' + json.dumps(GOOD).encode() + b', {"id": "d", "tags": ' + deep.encode() + b"}, "
            + json.dumps({**GOOD, "id": "g2"}).encode() + b"]}")
    parsed = parse_feed(body, "http://e.com/f.json", source="s", content_type="application/json")
    assert parsed.error is None and [e.guid for e in parsed.entries] == ["g", "g2"]
    assert parsed.item_errors == ["item 2 (id 'd'): nested deeper than 32 levels"]


def test_deep_document_without_items_is_one_error_line() -> None:
    parsed = parse_feed(b"[" * 100_000, "http://e.com/f.json", source="s", content_type="application/json")
    assert parsed.entries == [] and parsed.error and "\n" not in parsed.error and len(parsed.error) <= 300


def test_an_integer_of_5000_digits_does_not_cost_the_feed() -> None:
    body = (b'{"items": [{"id": "1", "url": "http://e.com/1", "title": "a", "tags": [' + b"9" * 5000 + b"]}, "
            b'{"id": ' + b"9" * 5000 + b', "url": "http://e.com/2"}, {"id": 3, "url": "http://e.com/3"}]}')
    parsed = parse_feed(body, "http://e.com/f.json", source="s", content_type="application/json")
    assert parsed.error is None  # json.loads alone refuses the whole document
    assert [e.link for e in parsed.entries] == ["http://e.com/1", "http://e.com/2", "http://e.com/3"]
