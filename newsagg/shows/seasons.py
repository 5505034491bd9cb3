"""Seasons mentioned in an article, each given to the show it belongs to ("Season 2" near a show's
mention, in the same sentence or the sentence after)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from operator import itemgetter

from newsagg.records import ShowLink
from newsagg.shows import cues
from newsagg.shows.evidence import Mention

# How far (characters) a season mention may sit from the show it belongs to.
BEFORE_WINDOW = 250
ADJACENT_GAP = 14
AFTER_WINDOW = 40
SAME_SENTENCE_GAP = 50


def _sentence_from(low: str, pos: int) -> int:
    """The last ". ", "\n", "? " or "! " before pos (-1: none)."""
    start = low.rfind(". ", 0, pos)
    for mark in ("\n", "? ", "! "):
        i = low.rfind(mark, max(start, 0), pos)
        if i > start:
            start = i
    return start


def assign_seasons(links: list[tuple[ShowLink, list[Mention]]], low: str, norm: str) -> None:
    """Appends each season number found to the seasons of the link it belongs to (sorted at the end)."""
    if not links:
        return
    found = cues.season_mentions(low, norm)
    if not found:
        return  # most articles name no season: the mentions need no ordering
    points = sorted((m.start, m.end, link) for link, ms in links for m in ms)
    starts = list(map(itemgetter(0), points))
    longest = max(p[1] - p[0] for p in points)
    primary = next((link for link, _ in links if link.primary), None)
    for pos, season_end, n in found:
        near = points[bisect_left(starts, pos - BEFORE_WINDOW - max(longest, 0)):bisect_right(starts, pos)]
        before = [p for p in near if p[1] <= pos and pos - p[1] <= BEFORE_WINDOW]
        adjacent = [p for p in before if pos - p[1] <= ADJACENT_GAP and
                    low[p[1]:pos].strip(" ,:-'\"").replace("'s", "").strip() == ""]
        target = None
        if adjacent:
            target = adjacent[-1][2]   # "Girls Season 6", "'Empire's' third season"
        else:
            sentence_from = _sentence_from(low, pos)
            near = points[bisect_left(starts, season_end):bisect_right(starts, season_end + AFTER_WINDOW)]
            after = [p for p in near if p[0] >= season_end and p[0] - season_end <= AFTER_WINDOW
                     and p[0] > sentence_from]
            same_sentence = [p for p in before if p[0] > sentence_from]
            if after and low[season_end:after[0][0]].strip(" ,:-'\"") in ("of", "for", "of the", ""):
                target = after[0][2]       # "the second season of Daredevil"
            elif same_sentence and pos - same_sentence[-1][1] <= SAME_SENTENCE_GAP:
                target = same_sentence[-1][2]   # "'The Walking Dead,' which is in its sixth season"
            elif same_sentence:
                in_sentence = {p[2].show_id for p in same_sentence}
                target = primary if primary is not None and primary.show_id in in_sentence or \
                    primary is not None and len(in_sentence) > 0 and primary.found_in == "title" \
                    else same_sentence[-1][2]
            elif before:
                target = before[-1][2]     # "... the series fresh episodes for a second season"
        if target is not None and n not in target.seasons:
            target.seasons.append(n)
    for link, _ in links:
        link.seasons.sort()
