"""Plain text for event extraction: HTML stripped, quotes straightened, cut into sentences."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from newsagg.normalize.text import html_to_text

MAX_BODY_CHARS = 40_000  # trade news puts the news first; a very long body costs nothing past this

_LOOKS_HTML = re.compile(r"<(?:/?(?:p|div|em|i|b|strong|cite|br|span|a|h[1-6]|li|ul|ol|blockquote|script|style)\b)", re.I)
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u00ab": '"', "\u00bb": '"',
                         "\u2013": "-", "\u2014": "-", "\u00a0": " "})
_QUOTE_PAIRS = tuple((chr(k), v) for k, v in _QUOTES.items())
# A sentence ends at . ! ? (plus closing quotes) before a space and a capital, digit or quote; also at
# a full stop glued to the next sentence ("helm.Deadline"), and at line breaks.
# (Written to begin with a bare character class, outside any group or alternation: only then does
# the regex engine skip ahead to the candidate characters. `end` is the closing quotes after the stop.)
_SPLIT = re.compile(r"[.!?\n](?:(?<=[.!?])(?P<end>[\"')\]]*)"
                    r"(?:\s+(?=[\"'(\[]?[A-Z0-9])|(?<=[a-z]{2}[.!?])(?=[A-Z][a-z]))|(?<=\n)\n*)")
_ABBREV = re.compile(r"(?:(?:^|\W)(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|vs|No|Vol|Inc|Co|Lt|Gen|Sen|Rep|Gov|Prof)\.|(?:^|\W)[A-Z]\.)$")


_PARAGRAPH = re.compile(r"\n\s*\n")


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    field: str  # title | description | body
    index: int  # position in the item (0 = headline)
    paragraph: int


def whole_words(longest: Mapping[int, int], text: str, joins: Callable[[str], bool]) -> list[tuple[int, int]]:
    """(start, end) of names found in `text`, given the longest name found at each start that no
    joining character follows: left to right, never overlapping, none right after a joining
    character. What a search for the names' alternation, longest first, between a look-behind and a
    look-ahead for those characters finds."""
    out: list[tuple[int, int]] = []
    pos = 0
    for start in sorted(longest):
        if start >= pos and not (start and joins(text[start - 1])):
            pos = start + longest[start]
            out.append((start, pos))
    return out


def clean(text: str) -> str:
    if not text:
        return ""
    if "<" in text and _LOOKS_HTML.search(text):
        text = html_to_text(text)  # the one HTML-to-text: blocks become blank-line paragraphs
    elif "&" in text:
        text = html.unescape(text)
    # Replace only the characters present: str.translate walks every character of a long body.
    for char, plain in _QUOTE_PAIRS:
        if char in text:
            text = text.replace(char, plain)
    return text


def split_sentences(text: str, lead: int = 0,
                    wanted: Callable[[str], bool] | None = None) -> list[tuple[str, int]]:
    """(sentence, paragraph number) pairs, white space runs made one space; abbreviations ("Feb.",
    "Mr.") do not end a sentence. With `lead` and `wanted`: once `lead` sentences are out, a
    paragraph is split only when wanted(paragraph) holds (its white space made one space per line)."""
    out: list[tuple[str, int]] = []
    for paragraph, para in enumerate(_PARAGRAPH.split(text)):
        # White space made one space line by line, before the split (a line break ends a sentence,
        # a space does not): the parts come out clean, at a fraction of the calls.
        if "\n" in para:
            para = "\n".join(" ".join(line.split()) for line in para.split("\n"))
        else:
            para = " ".join(para.split())
        if wanted is not None and len(out) >= lead and not wanted(para):
            continue
        pending = ""
        for part in _split(para):
            part = part.strip()
            if not part:
                continue
            pending = f"{pending} {part}" if pending else part
            # _ABBREV ends in a full stop: skip the search when there is none.
            if len(pending) < 400 and pending[-1] == "." and _ABBREV.search(pending[-8:]):
                continue
            out.append((pending, paragraph))
            pending = ""
        if pending:
            out.append((pending, paragraph))
    return out


def _split(text: str) -> list[str]:
    parts, prev = [], 0
    for m in _SPLIT.finditer(text):
        cut = m.end("end") if m.group("end") is not None else m.start()
        parts.append(text[prev:cut])
        prev = m.end()
    parts.append(text[prev:])
    return parts


def holds_any(names: tuple[str, ...]) -> Callable[[str], bool]:
    """A test that a text may hold one of these lower-case names somewhere: false only when no
    sentence cut from it (white space made one space, lower-cased) holds one. Spaces and line breaks
    are left out on both sides (a sentence puts a space where its text had a line break or none:
    "Mrs.Maisel" -> "Mrs. Maisel"); a text that is not ASCII is always kept (its lower case can
    differ sentence by sentence)."""
    squeezed = tuple({n.replace(" ", "").replace("\n", "") for n in names})

    def test(text: str) -> bool:
        low = text.lower()
        for name in names:  # the usual case: the name as written (True is never wrong here)
            if name in low:
                return True
        if not text.isascii():
            return True
        flat = low.replace(" ", "").replace("\n", "")
        for name in squeezed:
            if name in flat:
                return True
        return False
    return test


def item_sentences(title: str, description: str, body: str, lead: int = 0,
                   wanted: Callable[[str], bool] | None = None) -> list[Sentence]:
    """The headline is one sentence; the description and the body are split (past the body's first
    `lead` sentences, only the paragraphs `wanted` holds: see split_sentences)."""
    sentences: list[Sentence] = []
    title = " ".join(clean(title).split())
    if title:
        sentences.append(Sentence(title, "title", 0, 0))
    for field, text in (("description", description), ("body", body)):
        text = clean(text)
        if field == "body" and len(text) > MAX_BODY_CHARS:
            text = text[:MAX_BODY_CHARS]
        base = sentences[-1].paragraph + 1 if sentences else 0
        for s, p in (split_sentences(text, lead, wanted) if field == "body" else split_sentences(text)):
            sentences.append(Sentence(s, field, len(sentences), base + p))
    return sentences
