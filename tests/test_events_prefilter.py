"""The speed-ups of event extraction change no result: literal pre-filters and name finding."""

import re

from hypothesis import given, settings, strategies as st

from newsagg.events import lexicon
from newsagg.events.extract import _find_mentions
from newsagg.events.prefilter import PatternSet, conditions, required


def test_required_literals_are_what_every_match_contains() -> None:
    assert required(r"\bcancel(?:s|ed|led)?\b") == {"cancel"}
    assert required(r"\b(?:gets?|got) (?:a )?new season\b") == {
        "get new season", "gets new season", "got new season", "get a new season", "gets a new season",
        "got a new season"}
    assert required(r"\b(?:axe[sd]?|axing)\b") == {"axe", "axing"}
    assert required(r"\b\w+ly\b") == {"ly"}
    assert required(r"(?i)renew") is None  # case folding: a literal no longer says what occurs
    assert required(r"\b(?:renew|\w+)\b") is None  # one alternative needs nothing
    # Every condition holds together; literal alternatives are multiplied out, assertions are no gap.
    assert conditions(r"\brenew(?:s|ed)? for \w+ (?:second|another) season") == [
        {"renew for ", "renews for ", "renewed for "}, {" second season", " another season"}]
    assert conditions(r"\bback\b in") == [{"back in"}]


BRANCHES = [r"\brenew(?:s|ed)?\b", r"\b(?:gets?|got) (?:a )?new season\b", r"\b\d+ more episodes\b",
            r"\bre\w+ed\b", r"\bnew\b", r"(?:^|\W)no\b", r"\bseason (?:\d+|one|two)\b"]
ALPHABET = list("renwsdgotamp 0123456789") + ["renew", "renewed", " got a new season", " more episodes", "season 2",
                                            " no ", "new"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=14).map("".join), st.integers(0, 20))
def test_scan_search_is_the_alternation_search(text: str, pos: int) -> None:
    """Searching only the branches a scan leaves finds what the whole alternation finds, in the
    text, from any position, and in any part of it."""
    patterns = PatternSet({"a": BRANCHES, "b": BRANCHES[2:5]})
    scan = patterns.scan(text)
    for name in ("a", "b"):
        plain = patterns.compiled(name)
        got, want = scan.search(name, None, pos), plain.search(text, pos)
        assert (got and got.span()) == (want and want.span()), (name, text, pos)
        assert [m.span() for m in scan.finditer(name, pos)] == [m.span() for m in plain.finditer(text, pos)]
        part = text[pos:]
        got, want = scan.search(name, part), plain.search(part)
        assert (got and got.span()) == (want and want.span()), (name, part)


def test_cue_lexicon_scan_agrees_with_the_engine() -> None:
    sentences = ["'the bear' renewed for season 3 at fx", "netflix cancels 'ozark' after four seasons",
                 "production begins on the new drama", "the series will premiere feb. 26 on hbo",
                 "she joins the cast as a series regular", "nothing about television at all",
                 "it was not renewed, reportedly, despite fans' hopes", "a review: the final season ranked"]
    patterns = lexicon.patterns()
    assert {c.name for c in lexicon.type_cues()} <= set(patterns.names)
    for low in sentences:
        scan = patterns.scan(low)
        for name in patterns.names:
            got, want = scan.search(name), patterns.compiled(name).search(low)
            assert (got and got.span()) == (want and want.span()), (name, low)


def test_names_found_as_words_longest_first() -> None:
    names = ("the bear season", "the bear", "bear")
    text = "the bear season 2 and thebear and the bear, and bearing bear"
    found = _find_mentions(names, text)
    assert found == [(0, 15, "the bear season"), (34, 42, "the bear"), (56, 60, "bear")]
    pattern = re.compile("(?:" + "|".join(map(re.escape, names)) + r")(?![\w])")
    by_regex, pos = [], 0
    while (m := pattern.search(text, pos)) is not None:
        if m.start() and re.match(r"\w", text[m.start() - 1]):
            pos = m.start() + 1
            continue
        by_regex.append((m.start(), m.end(), m.group(0)))
        pos = m.end()
    assert found == by_regex


NETWORK_PIECES = ["hbo", "hbo max", "max", "abc", "nbc", "fx", "fxx", "amc", "bbc one", "at", "&", "+", "_", "t",
                  " ", " ", ".", "s", "e"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(NETWORK_PIECES), max_size=12).map("".join))
def test_find_networks_is_the_names_search(text: str) -> None:
    """Network names found with the automaton are what the names' regex search, longest first and
    never inside a longer word, finds."""
    names = "|".join(re.escape(n) for n in lexicon.networks())
    pattern = re.compile(r"(?<![\w&+])(?:" + names + r")(?![\w&+])")
    assert lexicon.find_networks(text) == [m.span() for m in pattern.finditer(text)], text
