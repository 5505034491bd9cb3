"""One article prepared for linking, once per call: the joined and normalised text, its fields'
bounds, quoted spans, cue positions, and the per-article memos the linker fills as it goes."""

from __future__ import annotations

from bisect import bisect_left
from typing import Iterable

from newsagg.shows import cues
from newsagg.shows.matcher import boundary_text
from newsagg.shows.quotes import TRAIL, QuoteIndex, first_nonspace, is_title_case, quoted_spans
from newsagg.shows.textnorm import alias_key, lower_same_length, normalize

FIELD_SEP = "\n\n"


class ArticleText:
    """Title, description and body joined by FIELD_SEP; offsets in `norm`, `low` and `spaced` agree
    (`spaced` has one leading space)."""

    __slots__ = ("norm", "low", "spaced", "bounds", "quotes", "qindex", "emph", "title_case", "tv_pos",
                 "neg_pos", "article_tv", "first_ns", "names", "prior", "networks_seen")

    def __init__(self, title: str, description: str, body: str, emphasized: Iterable[str]) -> None:
        text = FIELD_SEP.join((title, description, body))
        self.bounds = (len(title), len(title) + len(FIELD_SEP) + len(description))
        self.norm = norm = normalize(text)
        self.low = lower_same_length(norm)
        self.quotes = quoted_spans(norm)
        self.qindex = QuoteIndex(self.quotes) if self.quotes else None
        self.emph = {alias_key(e).strip(TRAIL + " ") for e in emphasized if e and e.strip()}
        self.title_case = is_title_case(title)
        self.spaced = " " + boundary_text(self.low)
        self.tv_pos, self.neg_pos = cues.cue_positions(self.spaced, norm, self.bounds[0], self.title_case)
        self.article_tv = bool(self.tv_pos)
        self.first_ns = first_nonspace(norm[:self.bounds[0] + 1])
        self.names: set[str] = set()  # aliases seen inside people's names: their bare mentions are surnames
        self.prior: dict[tuple[int, float | None], float] = {}
        self.networks_seen: dict[str, bool] = {}

    def is_quoted(self, start: int, end: int, key: str) -> bool:
        """Quoted or emphasised as a title: "'Girls'", "'Marvel's Jessica Jones'", "'SNL's'", <em>Veep</em>."""
        if self.quotes.get(start) == end or key in self.emph:
            return True
        q = self.qindex
        return q is not None and (end in q.by_end or self.quotes.get(start) == end + 2) and \
            q.is_quoted(start, end, self.norm)

    def field_at(self, pos: int) -> str:
        return "title" if pos < self.bounds[0] else "description" if pos < self.bounds[1] else "body"


def any_between(positions: list[int], lo: int, hi: int, skip_from: int, skip_to: int) -> bool:
    """Is there a cue in [lo, hi) outside the mention itself ("The Walking Dead" is no drama cue)?"""
    i = bisect_left(positions, lo)
    n = len(positions)
    while i < n:
        p = positions[i]
        if p >= hi:
            return False
        if not skip_from <= p < skip_to:
            return True
        i += 1
    return False
