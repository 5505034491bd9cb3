"""Find the shows an article is about: title, description and body -> ShowLinks.

Plain Python (no Scrapy, no database). Steps, one module each:
1. the article is prepared once (article.ArticleText: normalised text, quotes, cue positions);
2. the alias automaton (matcher) proposes mentions; each gets evidence (evidence.EVIDENCE);
3. titles shared by several shows are resolved by network cues, era and notability (disambiguate);
4. misspelt quoted titles ("Iron First") are matched fuzzily when the article supports it (fuzzy);
5. per show: confidence, where found, which one is primary; seasons go to their show (seasons).
"""

from __future__ import annotations

import re
from datetime import datetime
from operator import attrgetter
from typing import Iterable, Sequence

from newsagg.records import ShowLink
from newsagg.shows.aliases import alias_file_crc, film_titles, packaged_aliases, targets
from newsagg.shows.article import ArticleText
from newsagg.shows.catalogue import Show
from newsagg.shows.disambiguate import announced_early, era_factor, estimate_year, resolve
from newsagg.shows.evidence import EVIDENCE, LINK_THRESHOLD, Mention, mention, propagate_lists
from newsagg.shows.fuzzy import add_fuzzy
from newsagg.shows.matcher import AliasMatcher, get_matcher
from newsagg.shows.seasons import assign_seasons

__all__ = ["LINK_THRESHOLD", "ShowLinker"]

CLASSIC_EPISODES = 50  # a show this long is still discussed years after it ended
WEAKEST_BOOSTED = 0.45  # the weakest best mention that a second one can lift to the threshold
# Bump when a linker change alters its output: stored links then count as stale (`shows relink --stale-only`).
LINKER_REVISION = 2


_START = attrgetter("start")
_FIELD = attrgetter("field")


def _salience(item: tuple[ShowLink, list[Mention]]) -> tuple[int, int, int, int]:
    """In the headline first, then how often, then how early (the mentions scanned in C)."""
    ms = item[1]
    first = min(map(_START, ms))
    if "title" in map(_FIELD, ms):
        return (1, -first, len(ms), -first)
    return (0, 0, len(ms), -first)


def linker_fingerprint() -> str:
    """The linker's code revision and packaged alias data, as recorded beside each article's links."""
    return f"L{LINKER_REVISION}.{alias_file_crc():08x}"


# A title quoted as a series in the making: "developing 'Ripley' series", "orders 'Shogun'".
_NEW_SERIES_RIGHT = re.compile(r"""["']?(?:'s)?\s*(?:(?:tv|television|limited|drama|comedy|animated|live-action|"""
                               r"""anthology|reboot|revival|prequel|spinoff|spin-off|sequel)\s+)?"""
                               r"""(?:series|pilot|adaptation|reboot|revival|prequel|spinoff|spin-off)\b""")
_NEW_SERIES_LEFT = re.compile(r"""\b(?:developing|develops|to develop|orders?|ordered|greenlights?|greenlit|prequel|sequel|spinoff|spin-off|"""
                              r"""commissions?|commissioned|adapting|eyes|pilot order to|series order to)\s*["']?$""")


def _named_as_new_series(low: str, m: Mention) -> bool:
    return bool(_NEW_SERIES_RIGHT.match(low, m.end, m.end + 60) or _NEW_SERIES_LEFT.search(low, max(0, m.start - 40), m.start))


class ShowLinker:
    """Links articles to a catalogue. Build once per process (the automaton is cached by version).
    Safe to share between threads: all per-article state lives in the ArticleText of each call."""

    def __init__(self, shows: Sequence[Show], *, version: str | None = None) -> None:
        shows = list(shows)
        for n, show in enumerate(shows, start=1):
            if show.id is None:
                show.id = n
        self.shows = {s.id: s for s in shows if s.id is not None}
        self.version = version or f"mem:{len(shows)}:{hash(tuple((s.id, s.title) for s in shows))}"
        # The packaged curated aliases (short forms, segments, eras, hosts) join the catalogue's names.
        curated = packaged_aliases()
        self.matcher: AliasMatcher = get_matcher(shows, self.version, targets(shows, curated), film_titles(curated))

    def link(self, title: str, body: str, *, description: str = "", emphasized: Iterable[str] = (),
             published_at: datetime | None = None) -> list[ShowLink]:
        """The shows this article is about, most salient first."""
        title, description, body = title or "", description or "", body or ""
        if not (title.strip() or description.strip() or body.strip()):
            return []
        art = ArticleText(title, description, body, emphasized)
        mentions = self._mentions(art)
        year = published_at.year + (published_at.month - 1) / 12 if published_at else None
        by_show = resolve(mentions, self.shows, art, year)
        if year is None:  # no date: estimate the era from the unambiguous, well-supported links
            year = estimate_year(by_show, self.shows)
            if year is not None and any(len(m.alias.show_ids) > 1 for m in mentions):
                by_show = resolve(mentions, self.shows, art, year)
        if art.article_tv:
            add_fuzzy(by_show, self.shows, self.matcher, art, year)
        links = self._score(by_show, year, art.low)
        assign_seasons(links, art.low, art.norm)
        return [link for link, _ in links]

    def _mentions(self, art: ArticleText) -> list[Mention]:
        mentions: list[Mention] = []
        settled: dict[str, float] = {}  # alias -> evidence of a convincing mention in the body
        body_from = art.bounds[1]
        add = mentions.append
        settle_at = EVIDENCE["settled"]
        for s, e, a in self.matcher.find_all(art.low, art.norm, art.spaced):
            if s >= body_from and settled:
                done = settled.get(a.key)
                if done is not None:
                    # The show is already certain; a repeat only adds a mention (count, seasons).
                    add(Mention(s, e, a, "body", False, done))
                    continue
            m = mention(art, s, e, a)
            if m is not None:
                add(m)
                if m.evidence >= settle_at and m.field == "body":
                    settled[a.key] = m.evidence
        if art.names:
            mentions = [m for m in mentions if m.quoted or m.alias.key not in art.names
                        or m.evidence >= EVIDENCE["name_override"]]
        propagate_lists(mentions, art.low)
        return mentions

    def _score(self, by_show: dict[int, list[Mention]], year: float | None,
               low: str) -> list[tuple[ShowLink, list[Mention]]]:
        scored: list[tuple[ShowLink, list[Mention]]] = []
        for sid, ms in by_show.items():
            ev = sorted([m.evidence for m in ms], reverse=True)
            conf = ev[0]
            # Nothing below raises a best mention under these (the era factor is at most 1): most
            # candidates of a long article stop here.
            if conf < (WEAKEST_BOOSTED if len(ev) >= 2 else LINK_THRESHOLD):
                continue
            show = self.shows[sid]
            if WEAKEST_BOOSTED <= conf < LINK_THRESHOLD and show.notable and len(ev) >= 2 and ev[1] >= 0.25:
                conf = 0.55  # a known show named twice in a television context ("Emmerdale ... Emmerdale airs")
            elif conf < LINK_THRESHOLD:
                continue
            # Only a show with one convincing mention gets credit for the others.
            for extra in (ev[1:4] if conf >= LINK_THRESHOLD else ()):
                conf += (1 - conf) * extra * 0.3
            era = era_factor(show, year)
            if 0.1 < era < 0.8 and (show.notable or (show.episodes or 0) >= CLASSIC_EPISODES) and any(
                    m.adjacent or m.quoted and m.evidence >= EVIDENCE["adjacent"] for m in ms):
                era = 0.8  # a classic discussed as television: "the 'M*A*S*H' finale", "'Hee Haw' star"
            elif era <= 0.1 and announced_early(show, year) and any(
                    m.quoted and _named_as_new_series(low, m) for m in ms):
                era = 0.8  # a series years before its premiere, quoted as television: "developing 'Shogun'"
            conf *= era
            if conf < LINK_THRESHOLD:
                continue
            fields = {m.field for m in ms if m.evidence >= 0.3}
            found_in = "title" if "title" in fields else "description" if "description" in fields else "body"
            scored.append((ShowLink(show_id=sid, title=show.title, confidence=round(min(conf, 0.99), 3),
                                    found_in=found_in), ms))

        scored.sort(key=_salience, reverse=True)
        if scored:
            top_link, top = scored[0]
            in_title = "title" in map(_FIELD, top)
            runner_up = len(scored[1][1]) if len(scored) > 1 else 0
            if in_title or len(top) >= max(2, 2 * runner_up):
                top_link.primary = True
        return scored
