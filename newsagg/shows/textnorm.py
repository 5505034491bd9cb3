"""Length-preserving text normalisation, so match offsets point into the original text."""

from __future__ import annotations

import re

# One character in, one character out: curly quotes and dashes to ASCII, odd spaces to " ".
_TABLE = str.maketrans({
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-",
    "\u00a0": " ", "\t": " ", "\r": " ", "\u2009": " ", "\u202f": " ", "\u200b": " ",
})


_PAIRS = [(chr(k), v) for k, v in _TABLE.items()]


def normalize(text: str) -> str:
    """Curly quotes, dashes and odd spaces made plain; same length as the input."""
    if text.isascii():
        return text.replace("\t", " ").replace("\r", " ")
    for old, new in _PAIRS:  # str.replace runs in C; translate() with a dict is far slower
        if old in text:
            text = text.replace(old, new)
    return text


def lower_same_length(text: str) -> str:
    """Lower-case without changing the length (a few characters, e.g. "İ", grow when lowered)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


_SPACES = re.compile(r"\s+")


def alias_key(name: str) -> str:
    """The automaton key of a name: normalised, lower-case, single spaces."""
    return _SPACES.sub(" ", lower_same_length(normalize(name))).strip()
