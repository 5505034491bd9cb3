"""Quotes and names in normalised article text: which spans are quoted titles, which capitalised
words continue a person's or a place's name, and whether a headline is written in title case."""

from __future__ import annotations

import re
from bisect import bisect_left

from newsagg.shows import cues

TRAIL = ",.;:!?"
_WORD_RIGHT = re.compile(r"\s+([A-Z][\w'-]*)")  # matched at a position, within 30 characters
_WORD_RUN = re.compile(r"[\w'-]*")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
# A ' that may open a quote: not after a letter or digit, not before a space, newline or ', and not
# a bare "'s" ("the '90s", "Grey's" and "'s" are apostrophes).
_OPENING_QUOTE = re.compile(r"'(?<![^\W_]')(?=[^ \n'])(?!s(?![^\W_]))")  # starts with ': a fast scan
_POSSESSIVE_PREFIX = re.compile(r"^[\w .&+!-]{1,40}'s\s+$")
_SMALL_WORDS = frozenset("with from into over onto than that upon about after before near amid".split())
_HEADLINE_WORD = re.compile(r"[A-Za-z][\w'-]*")


def quoted_spans(norm: str) -> dict[int, int]:
    """start -> end of each quoted span's content, trailing punctuation trimmed ("Jessica Jones,").

    "..." pairs on one line; '...' when the marks are quotes, not apostrophes ("Grey's", "'90s")."""
    spans: dict[int, int] = {}
    n = len(norm)

    def add(s: int, e: int) -> None:
        while e > s and (norm[e - 1] in TRAIL or norm[e - 1] == " "):
            e -= 1
        while s < e and norm[s] == " ":
            s += 1
        if e > s:
            spans.setdefault(s, e)

    i = norm.find('"')
    while i >= 0:
        j = norm.find('"', i + 1)
        if j < 0:
            break
        if j - i <= 121 and norm.find("\n", i + 1, j) < 0:
            add(i + 1, j)
            i = norm.find('"', j + 1)
        else:
            i = j
    # Only marks that may open a quote are visited (_OPENING_QUOTE); apostrophes ("Grey's") are skipped in C.
    found = _OPENING_QUOTE.search(norm)
    while found is not None:
        i = found.start()
        j = norm.find("'", i + 2)
        while j >= 0 and j - i <= 161 and (norm[j - 1] == " " or (j + 1 < n and norm[j + 1].isalpha())):
            j = norm.find("'", j + 1)  # an apostrophe inside ("Grey's"), not the closing quote
        if j < 0 or j - i > 161 or norm.find("\n", i + 1, j) >= 0:
            found = _OPENING_QUOTE.search(norm, i + 1)
            continue
        add(i + 1, j)
        found = _OPENING_QUOTE.search(norm, j + 1)
    return spans


class QuoteIndex:
    """One article's quoted spans, indexed by end and by start (the per-mention checks look up, not scan)."""

    __slots__ = ("quotes", "by_end", "starts", "longest", "covered")

    def __init__(self, quotes: dict[int, int]) -> None:
        self.quotes = quotes
        by_end: dict[int, list[int]] = {}
        for qs, qe in quotes.items():
            by_end.setdefault(qe, []).append(qs)
        self.by_end = by_end
        self.starts = sorted(quotes)
        self.longest = max(qe - qs for qs, qe in quotes.items())
        # covered[i]: some quoted span holds offset i. A mention whose first offset no span holds is
        # inside none (most mentions): inside() then answers without a search.
        covered = bytearray(max(quotes.values()) + 1)
        for qs, qe in quotes.items():
            covered[qs:qe] = b"\x01" * (qe - qs)
        self.covered = covered

    def is_quoted(self, start: int, end: int, norm: str) -> bool:
        """The mention is a whole quoted span, or one after an owner's name ("'Marvel's Jessica Jones'")."""
        qe = self.quotes.get(start)
        if qe is not None and (qe == end or qe == end + 2 and norm[end:qe] == "'s"):
            return True  # "'SNL's' Elf": a quoted possessive
        for qs in self.by_end.get(end, ()):
            if start - 42 <= qs < start and (_POSSESSIVE_PREFIX.match(norm[qs:start]) or
                                             norm[qs:start] in ("The ", "the ")):
                return True  # "'Marvel's Jessica Jones'", "'The Saturday Night Live' trio"
        return False

    def inside(self, start: int, end: int) -> bool:
        """A word of a longer quoted title ("Orange Is the New Black")."""
        if start >= len(self.covered) or not self.covered[start]:
            return False
        starts, quotes = self.starts, self.quotes
        i = bisect_left(starts, start - self.longest)   # a span starting earlier cannot reach `end`
        n = len(starts)
        while i < n:
            qs = starts[i]
            if qs > start:
                break
            qe = quotes[qs]
            if end <= qe and (qs, qe) != (start, end) and qe - qs > end - start:
                return True
            i += 1
        return False


def strip_possessive(word: str) -> str:
    return word[:-2] if word.endswith("'s") else word


def first_nonspace(text: str) -> int:
    return len(text) - len(text.lstrip(" \"'"))


def sentence_start(norm: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and norm[i] in " \"'(":
        i -= 1
    return i < 0 or norm[i] in ".!?:\n;|-" or (norm[i] == "-" and norm[i - 1:i] == " ")


def extends_name(norm: str, start: int, end: int, in_tc_title: bool) -> bool:
    """Part of a longer capitalised name: "Hannibal Buress", "the Empire State Building"."""
    if in_tc_title:
        return False
    # \s, as the regex sees it: most mentions are followed by a space, and then by a lower-case word,
    # which _WORD_RIGHT (spaces, then a capital) cannot match: it runs only before a capital or more spaces.
    if norm[end:end + 1].isspace():
        after = norm[end + 1:end + 2]
        if "A" <= after <= "Z" or after.isspace():
            right = _WORD_RIGHT.match(norm, end, end + 30)
            if right and strip_possessive(right.group(1).lower()) not in cues.FOLLOWERS:
                return True
    # The word before, as r"([A-Za-z][\w'-]*)(\s+)$" finds it in norm[start - 30:start], without a regex scan.
    if start == 0 or not norm[start - 1].isspace():
        return False  # no space before: rstrip() below would strip nothing
    window = norm[start - 30 if start > 30 else 0:start]
    stripped = window.rstrip()
    if not stripped:
        return False
    run = len(stripped) - _WORD_RUN.match(stripped[::-1]).end()  # type: ignore[union-attr]
    first = _ASCII_LETTER.search(stripped, run)
    if first is None:
        return False
    word = stripped[first.start():]
    if word[:1].isupper() and not sentence_start(norm, start):
        i = start - (len(window) - first.start()) - 1
        while i >= 0 and norm[i] in " \"'":
            i -= 1
        left_is_sentence_start = i < 0 or norm[i] in ".!?:\n"
        if word.endswith("'s") or strip_possessive(word.lower()) in cues.FOLLOWERS or left_is_sentence_start:
            return False
        return word.upper() != word or len(word) > 4  # "HBO Girls" is fine, "Lena Dunham Girls" is not
    return False


def is_title_case(title: str) -> bool:
    """Headline style "Ratings: The Flash Races Back" (capitals say nothing) vs sentence case
    ("Soap spoilers: this week in EastEnders"): sentence case has ordinary words in lower case."""
    words = [w for w in _HEADLINE_WORD.findall(title) if len(w) > 3 and w.lower() not in _SMALL_WORDS]
    if len(words) < 3:
        return True
    lower = sum(w[0].islower() for w in words[1:])
    return lower < (1 if len(words) < 6 else 2)
