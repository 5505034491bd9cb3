"""The speed-ups of event extraction change no result: literal pre-filters and name finding."""

import re

from newsagg.events import lexicon
from newsagg.events.extract import _find_mentions
from newsagg.events.prefilter import Alternation, required


def test_required_literals_are_what_every_match_contains() -> None:
    assert required(r"\bcancel(?:s|ed|led)?\b") == {"cancel"}
    assert required(r"\b(?:gets?|got) (?:a |an )?new season\b") == {"new season"}
    assert required(r"\b(?:axe[sd]?|axing)\b") == {"ax"}
    assert required(r"\b\w+ly\b") == {"ly"}
    assert required(r"(?i)renew") is None  # case folding: a literal no longer says what occurs
    assert required(r"\b(?:renew|\w+)\b") is None  # one alternative needs nothing


def test_alternation_search_is_the_compiled_alternation() -> None:
    branches = [r"\brenew(?:s|ed)?\b", r"\b(?:gets?|got) (?:a )?new season\b", r"\b\d+ more episodes\b"]
    alt = Alternation(branches)
    texts = ["the show gets a new season", "ten more episodes", "no news here", "renewed, then 4 more episodes",
             "it got new season news", "renewal"]
    for text in texts:
        a, b = alt.search(text), re.compile("|".join(f"(?:{x})" for x in branches)).search(text)
        assert (a and a.span()) == (b and b.span()), text
    assert alt.search("no news here") is None


def test_cue_lexicon_prefilter_agrees_with_the_engine() -> None:
    sentences = ["'the bear' renewed for season 3 at fx", "netflix cancels 'ozark' after four seasons",
                 "production begins on the new drama", "the series will premiere feb. 26 on hbo",
                 "she joins the cast as a series regular", "nothing about television at all"]
    for cue in lexicon.type_cues():
        for low in sentences:
            a, b = cue.patterns.search(low), cue.patterns.compiled.search(low)
            assert (a and a.span()) == (b and b.span()), (cue.name, low)


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
