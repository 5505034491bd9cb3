"""Words for story matching: tokens, names, and document frequencies learned online.

Plain Python, no state beyond `DocFreq`. Story matching weighs rare words (IDF from
the stream itself, so no training corpus is needed) and names (capitalised words
inside a sentence), because outlets retell one piece of news in different words
but keep the names.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from newsagg.dedupe.fingerprint import COMBINING

# Function words and headline filler that say nothing about which news it is.
STOPWORDS = frozenset("""
a about above after again against ago all also am an and any are aren around as at back be because been before
being below between both but by can cannot could couldn did didn do does doesn doing don down during each even
ever every few for from further get gets got had hadn has hasn have haven having he her here hers herself him
himself his how i if in into is isn it its itself just least less let like ll made make makes many may me might
more most much must mustn my myself need new news no nor not now of off on once one only or other our ours
ourselves out over own per re report reports said same say says see sees she should shouldn so some such take
than that the their theirs them themselves then there these they this those though through to too toward under
until up upon us ve very via was wasn we were weren what when where whether which while who whom why will with
within without won would wouldn yet you your yours yourself yourselves update updated updates live video watch
exclusive breaking here's what's it's that's s t d m o y
""".split())

_WORD = re.compile(r"[^\W_]+(?:['’.&][^\W_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?:;\"“”‘’()\[\]—–|-]\s*$")


def _fold(word: str) -> str:
    # lower-case, strip accents and inner dots ("U.S." -> "us", "Mt." stays "mt")
    word = word.lower()
    if not word.isascii():
        word = COMBINING.sub("", unicodedata.normalize("NFKD", word)).replace("’", "'")
    return word.replace(".", "")


def stem(word: str) -> str:
    """A very light English stemmer: possessives and plurals only (keeps names intact)."""
    if word.endswith("'s"):
        word = word[:-2]
    word = word.replace("'", "")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def tokens(text: str) -> list[str]:
    """Content tokens of a text, in order (stopwords and 1-letter tokens dropped).

    Scripts written without spaces (Chinese, Japanese) give character bigrams.
    """
    out = []
    for m in _WORD.finditer(text):
        word = m.group(0)
        if len(word) > 2 and _CJK.search(word):
            out.extend(word[i:i + 2] for i in range(len(word) - 1))
            continue
        tok = _token(word)
        if tok:
            out.append(tok)
    return out


@lru_cache(maxsize=200_000)
def _token(word: str) -> str:
    """A word's content token, or "" for stopwords, digits and 1-letter words (cached: words repeat)."""
    tok = stem(_fold(word))
    return tok if len(tok) > 1 and tok not in STOPWORDS and not tok.isdigit() else ""


def names(text: str, title_case: bool = False) -> set[str]:
    """Capitalised words that are not sentence-initial: a cheap proper-noun detector.

    In a Title Case headline every word is capitalised, so only words that are
    capitalised mid-word too (eBay, McDonald's, iPhone) or all caps count there.
    """
    out: set[str] = set()
    prev_end = 0
    for m in _WORD.finditer(text):
        word = m.group(0)
        start = m.start()
        sentence_start = start == 0 or bool(_SENTENCE_END.search(text[max(0, start - 3):start]))
        prev_end = m.end()
        if not word[0].isupper() and not any(ch.isupper() for ch in word[1:]):
            continue
        tok = stem(_fold(word))
        if len(tok) < 2 or tok in STOPWORDS or tok.isdigit():
            continue
        inner_caps = any(ch.isupper() for ch in word[1:]) and not word.isupper()
        if title_case:
            if inner_caps or (word.isupper() and len(word) > 1):
                out.add(tok)
        elif not sentence_start or inner_caps or word.isupper():
            out.add(tok)
    del prev_end
    return out


def is_title_case(title: str) -> bool:
    """Most words capitalised: capitals then say nothing about names."""
    words = [w for w in _WORD.findall(title) if w[0].isalpha() and _fold(w) not in STOPWORDS]
    if len(words) < 3:
        return False
    caps = sum(1 for w in words if w[0].isupper())
    return caps / len(words) >= 0.75


class DocFreq:
    """Document frequencies over the stream so far: IDF without a training corpus.

    `decay` < 1 lets old counts fade (a rolling window) without storing documents.
    """

    def __init__(self, prior_docs: float = 20.0) -> None:
        self.docs = 0.0
        self.df: Counter[str] = Counter()
        self.prior_docs = prior_docs  # smoothing: early on every word looks rare

    def add(self, terms: Iterable[str]) -> None:
        self.docs += 1
        self.df.update(set(terms))

    def remove(self, terms: Iterable[str]) -> None:
        self.docs = max(0.0, self.docs - 1)
        for t in set(terms):
            c = self.df.get(t, 0) - 1
            if c > 0:
                self.df[t] = c
            else:
                self.df.pop(t, None)

    def idf(self, term: str) -> float:
        n = self.docs + self.prior_docs
        return math.log((n + 1.0) / (self.df.get(term, 0) + 1.0))
