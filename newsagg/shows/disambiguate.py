"""Titles shared by several shows ("Conviction", "The Office"): the best candidate for this article,
by the networks it names, the show's era against the article's date, and notability."""

from __future__ import annotations

import math
from functools import lru_cache
from statistics import median

from newsagg.shows.article import ArticleText
from newsagg.shows.catalogue import Show, split_networks, year_of
from newsagg.shows.evidence import Mention
from newsagg.shows.textnorm import alias_key

# Prior of a show among same-titled ones (added to its era factor, in this order).
PRIOR_BONUS = {"network_named": 0.6, "notable": 0.35, "us": 0.1, "per_log_episode": 0.05}

_NETWORK_KEYS: dict[str, tuple[str, str]] = {}


@lru_cache(maxsize=65536)
def _run_years(premiered_on: str | None, ended_on: str | None) -> tuple[int | None, int | None]:
    return year_of(premiered_on), year_of(ended_on)


ANNOUNCED_EARLY = 5.5  # years: development news names a show this long before its premiere


def announced_early(show: Show, year: float | None) -> bool:
    """Is `year` before the show's run, but within the time a series is developed and ordered?"""
    start = year_of(show.premiered_on)
    return year is not None and start is not None and start - ANNOUNCED_EARLY <= year < start


def era_factor(show: Show, year: float | None) -> float:
    """How plausible it is that an article of `year` is about this show (1 = in its run)."""
    if year is None:
        return 1.0
    start, end = _run_years(show.premiered_on, show.ended_on)
    if start is not None and year < start - 2.5:
        return 0.1  # not even announced yet
    if end is not None and year > end + 1.5:
        gap = year - end
        if gap <= 6:
            return 0.85
        if gap <= 16:
            return 0.75 if show.notable else 0.55
        return 0.7 if show.notable else 0.45
    return 1.0


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _whole_word_in(word: str, low: str) -> bool:
    """Does `word` occur in `low` with no word character on either side?"""
    n = len(word)
    i = low.find(word)
    while i >= 0:
        if (i == 0 or not _is_word_char(low[i - 1])) and (i + n >= len(low) or not _is_word_char(low[i + n])):
            return True
        i = low.find(word, i + 1)
    return False


def network_mentioned(network: str, art: ArticleText) -> bool:
    """Is the network named in the article (whole words, with or without a leading "the")? Memoised per article."""
    seen = art.networks_seen.get(network)
    if seen is None:
        variants = _NETWORK_KEYS.get(network)
        if variants is None:
            key = alias_key(network)
            variants = (key, key.replace("the ", ""))
            if len(_NETWORK_KEYS) > 100_000:
                _NETWORK_KEYS.clear()
            _NETWORK_KEYS[network] = variants
        seen = any(v and _whole_word_in(v, art.low) for v in dict.fromkeys(variants))
        art.networks_seen[network] = seen
    return seen


def prior(show: Show, art: ArticleText, year: float | None) -> float:
    """Era factor plus bonuses (network named here, notable, US, long-running); memoised per article."""
    k = (show.id, year)  # type: ignore[assignment]
    score = art.prior.get(k)  # type: ignore[arg-type]
    if score is None:
        score = era_factor(show, year)
        for net in split_networks(show.network):
            if network_mentioned(net, art):
                score += PRIOR_BONUS["network_named"]
                break
        if show.notable:
            score += PRIOR_BONUS["notable"]
        if show.country == "US":
            score += PRIOR_BONUS["us"]
        if show.episodes:
            score += PRIOR_BONUS["per_log_episode"] * math.log10(show.episodes + 1)
        art.prior[k] = score  # type: ignore[index]
    return score


def best_show(ids: tuple[int, ...], shows: dict[int, Show], art: ArticleText, year: float | None,
              eras: tuple[tuple[int, float, float], ...] = ()) -> int:
    """The likeliest show; an era title ("The Tonight Show") names the show of the article's date."""
    if eras and year is not None:
        in_era = tuple(dict.fromkeys(sid for sid, start, until in eras if start <= year < until))
        if in_era:
            ids = in_era
    return max(ids, key=lambda i: prior(shows[i], art, year))


def resolve(mentions: list[Mention], shows: dict[int, Show], art: ArticleText,
            year: float | None) -> dict[int, list[Mention]]:
    """Each mention names one show: for shared titles, the best candidate for this article."""
    out: dict[int, list[Mention]] = {}
    chosen: dict[str, int] = {}
    for m in mentions:
        alias = m.alias
        ids = alias.show_ids
        if len(ids) == 1:
            sid = ids[0]
        else:
            sid = chosen.get(alias.key) or best_show(ids, shows, art, year, alias.eras)
            chosen[alias.key] = sid
        ms = out.get(sid)
        if ms is None:
            out[sid] = [m]
        else:
            ms.append(m)
    return out


def estimate_year(by_show: dict[int, list[Mention]], shows: dict[int, Show]) -> float | None:
    """No date: the era of the unambiguous, well-supported links."""
    years = [y for sid, ms in by_show.items()
             if any(m.evidence >= 0.8 and len(m.alias.show_ids) == 1 for m in ms)
             for y in (shows[sid].premiere_year,) if y]
    return float(median(years)) + 0.5 if years else None
