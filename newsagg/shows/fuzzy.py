"""Misspelt quoted titles ("Iron First"): a close catalogue title, when the article supports it."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from newsagg.shows import cues
from newsagg.shows.article import ArticleText
from newsagg.shows.catalogue import Show, split_networks
from newsagg.shows.disambiguate import best_show, era_factor
from newsagg.shows.evidence import EVIDENCE, LINK_THRESHOLD, Mention
from newsagg.shows.matcher import AliasMatcher
from newsagg.shows.textnorm import alias_key

MIN_RATIO = 88


@lru_cache(maxsize=1)
def _rapidfuzz() -> Any:
    """rapidfuzz (fuzz, process), imported on first use (once, not per article)."""
    from rapidfuzz import fuzz, process

    return fuzz, process


def _unmatched_spans(art: ArticleText, matcher: AliasMatcher, matched: set[tuple[int, int]]) -> dict[str, list[int]]:
    """Quoted or emphasised spans that could be titles but matched no alias: key -> start offsets."""
    spans: dict[str, list[int]] = {}
    for qs, qe in art.quotes.items():
        if (qs, qe) in matched:
            continue
        span = art.norm[qs:qe]
        if not span[:1].isupper() or len(span) < 6 or len(span.split()) > 5:
            continue
        spans.setdefault(alias_key(span), []).append(qs)
    for key in art.emph:
        if key not in matcher.aliases and len(key) >= 6 and key not in spans:
            found = [m.start() for m in re.finditer(re.escape(key), art.low)]
            spans[key] = found or [len(art.low)]
    return spans


def _closest(key: str, matcher: AliasMatcher) -> str | None:
    """The most similar candidate title (the first of equals), scored in C; the word checks run only
    on the few candidates close enough."""
    words = key.split()
    n_words, n_chars = len(words), len(key)
    digits = [w for w in words if w.isdigit()]
    fuzz, process = _rapidfuzz()
    # Best first, equals in candidate order.
    for cand_key, _, _ in process.extract(key, matcher.fuzzy_candidates(key), scorer=fuzz.ratio,
                                          score_cutoff=MIN_RATIO, limit=None):
        cand_words = cand_key.split()
        if len(cand_words) != n_words or abs(len(cand_key) - n_chars) > 3:
            continue
        if digits != [w for w in cand_words if w.isdigit()]:
            continue  # "Ride Along 2" is not "Ride Along"
        if n_words == 1 and (key.startswith(cand_key) or cand_key.startswith(key)):
            continue  # one word inflected is another word: "Hustlers" is not "The Hustler"
        return cand_key
    return None


def add_fuzzy(by_show: dict[int, list[Mention]], shows: dict[int, Show], matcher: AliasMatcher,
              art: ArticleText, year: float | None) -> None:
    """Adds fuzzy mentions to `by_show` for misspelt titles the article supports (network, repeats, TV words)."""
    if not art.quotes and not art.emph:
        return
    matched = {(m.start, m.end) for ms in by_show.values() for m in ms}
    spans = _unmatched_spans(art, matcher, matched)
    linked_networks: set[str] | None = None
    for key, starts in spans.items():
        if key in matcher.aliases:
            continue
        close = _closest(key, matcher)
        if close is None:
            continue
        alias = matcher.aliases[close]
        sid = best_show(alias.show_ids, shows, art, year)
        show = shows[sid]
        if linked_networks is None:
            linked_networks = {n for s, ms in by_show.items()
                               if max(m.evidence for m in ms) >= LINK_THRESHOLD
                               for n in split_networks(shows[s].network)}
        supported = not linked_networks.isdisjoint(split_networks(show.network)) or len(starts) >= 2 or any(
            cues.RIGHT_ADJ.match(art.low[s + len(key) + 1:s + len(key) + 40]) for s in starts)
        if not supported or era_factor(show, year) < 0.5:
            continue
        ms = by_show.setdefault(sid, [])
        for s in starts:
            ms.append(Mention(s, s + len(key), alias, art.field_at(s), True, EVIDENCE["fuzzy"], fuzzy=True))
