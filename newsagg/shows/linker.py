"""Find the shows an article is about: title, description and body -> ShowLinks.

Plain Python (no Scrapy, no database). Steps:
1. the alias automaton proposes mentions (whole words, case-consistent);
2. each mention gets evidence: quotes or <em>, informative capitals, TV words next to it,
   and counter-evidence (film/book words, part of a longer name, "Deadline reported");
3. titles shared by several shows are resolved once per article by network cues, era
   and notability;
4. misspelt quoted titles ("Iron First") are matched fuzzily when the article supports it;
5. per show: confidence, where found, seasons mentioned, and which one is primary.
"""

from __future__ import annotations

import math
import re
import threading
from bisect import bisect_left, bisect_right
from operator import attrgetter
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median
from typing import Iterable, Sequence

from newsagg.records import ShowLink
from newsagg.shows import cues
from newsagg.shows.catalogue import Show
from newsagg.shows.matcher import (COMMON, DISTINCT, OUTLETS, PLAIN, SINGLE, Alias, AliasMatcher, boundary_text,
                                   get_matcher)
from newsagg.shows.textnorm import alias_key, lower_same_length, normalize

LINK_THRESHOLD = 0.5
FIELD_SEP = "\n\n"

# Quoted spans in normalised text: "..." always; '...' when the quote marks are not apostrophes.
_TRAIL = ",.;:!?"
_WORD_RIGHT = re.compile(r"^\s+([A-Z][\w'-]*)")
_WORD_LEFT = re.compile(r"([A-Za-z][\w'-]*)(\s+)$")
_WORD_RUN = re.compile(r"[\w'-]*")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
# A ' that may open a quote: not after a letter or digit, not before a space, newline or ', and not
# a bare "'s" ("the '90s", "Grey's" and "'s" are apostrophes).
_OPENING_QUOTE = re.compile(r"'(?<![^\W_]')(?=[^ \n'])(?!s(?![^\W_]))")  # starts with ': a fast scan
_POSSESSIVE_PREFIX = re.compile(r"^[\w .&+!-]{1,40}'s\s+$")


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    alias: Alias
    field: str
    quoted: bool
    evidence: float
    fuzzy: bool = False
    adjacent: bool = False


@dataclass(slots=True)
class _Candidate:
    show: Show
    mentions: list[_Mention] = field(default_factory=list)
    confidence: float = 0.0


class ShowLinker:
    """Links articles to a catalogue. Build once per process (the automaton is cached by version)."""

    def __init__(self, shows: Sequence[Show], *, version: str | None = None) -> None:
        shows = list(shows)
        for n, show in enumerate(shows, start=1):
            if show.id is None:
                show.id = n
        self.shows = {s.id: s for s in shows if s.id is not None}
        self.version = version or f"mem:{len(shows)}:{hash(tuple((s.id, s.title) for s in shows))}"
        self.matcher: AliasMatcher = get_matcher(shows, self.version)
        self.network_pattern: dict[str, re.Pattern[str]] = {}
        self._show_static: dict[int, tuple] = {}  # type: ignore[type-arg]
        self._local = threading.local()

    # ------------------------------------------------------------------ public

    def link(self, title: str, body: str, *, description: str = "", emphasized: Iterable[str] = (),
             published_at: datetime | None = None) -> list[ShowLink]:
        """The shows this article is about, most salient first."""
        title, description, body = title or "", description or "", body or ""
        if not (title.strip() or description.strip() or body.strip()):
            return []
        text = FIELD_SEP.join((title, description, body))
        bounds = (len(title), len(title) + len(FIELD_SEP) + len(description))
        norm = normalize(text)
        low = lower_same_length(norm)
        quotes = _quoted_spans(norm)
        emph = {alias_key(e).strip(_TRAIL + " ") for e in emphasized if e and e.strip()}
        title_case = _is_title_case(title)
        spaced = " " + boundary_text(low)
        tv_pos, neg_pos = cues.cue_positions(spaced, norm, bounds[0], title_case)
        article_tv = bool(tv_pos)
        # Per-call state, per thread: one linker may serve several pipeline threads.
        self._local.ctx = (tv_pos, neg_pos)
        self._local.net_seen = {}
        self._local.prior = {}
        self._local.bonuses = {}
        qctx = _QuoteIndex(quotes) if quotes else None
        first_ns = _first_nonspace(norm[:bounds[0] + 1])

        names: set[str] = set()  # aliases seen inside people's names: their bare mentions are surnames
        mentions: list[_Mention] = []
        settled: dict[str, float] = {}  # alias -> evidence of a convincing mention in the body
        for s, e, a in self.matcher.find(low, norm, spaced):
            if s >= bounds[1] and settled.get(a.key, 0.0) >= 0.85:
                # The show is already certain; a repeat only adds a mention (count, seasons).
                mentions.append(_Mention(s, e, a, "body", False, settled[a.key]))
                continue
            m = self._mention(s, e, a, norm, low, bounds, quotes, emph, title_case, article_tv, names,
                              tv_pos, neg_pos, qctx, first_ns)
            if m is not None:
                mentions.append(m)
                if m.evidence >= 0.85 and m.field == "body":
                    settled[a.key] = m.evidence
        if names:
            mentions = [m for m in mentions if m.quoted or m.alias.key not in names or m.evidence >= 0.8]
        _propagate_lists(mentions, low)
        year = published_at.year + (published_at.month - 1) / 12 if published_at else None
        candidates = self._resolve(mentions, low, year)
        if year is None:  # no date: estimate the era from the unambiguous, well-supported links
            year = self._estimate_year(candidates)
            if year is not None and any(len(m.alias.show_ids) > 1 for m in mentions):
                candidates = self._resolve(mentions, low, year)
        if article_tv:
            self._fuzzy(candidates, norm, low, bounds, quotes, emph, year)
        links = self._score(candidates, year)
        self._seasons(links, candidates, low, norm)
        return [link for link, _ in links]

    # ------------------------------------------------------------------ mentions

    def _mention(self, start: int, end: int, alias: Alias, norm: str, low: str, bounds: tuple[int, int],
                 quotes: dict[int, int], emph: set[str], title_case: bool, article_tv: bool,
                 names: set[str], tv_pos: list[int], neg_pos: list[int], qctx: "_QuoteIndex | None",
                 first_ns: int) -> _Mention | None:
        fld = "title" if start < bounds[0] else "description" if start < bounds[1] else "body"
        key = alias.key
        quoted = (quotes.get(start) == end or key in emph or
                  qctx is not None and end in qctx.by_end and _is_quoted(start, end, norm, qctx))
        risk = alias.risk
        in_tc_title = fld == "title" and title_case
        if quoted:
            negative = _any_between(neg_pos, start - 70, end + 50, start, end)
            if (article_tv or risk < PLAIN) and not negative:
                # The common case in trade press: a quoted title in an article about television.
                strong = bool(cues.STRONG_RIGHT.match(low, end, end + 40))
                return _Mention(start, end, alias, fld, True, 0.9, adjacent=strong)
        else:  # the checks that drop a mention come first: they need no other evidence
            if qctx is not None and _inside_quote(start, end, qctx):
                return None                      # a word of another quoted title ("Orange Is the New Back")
            if _extends_name(norm, start, end, in_tc_title):
                names.add(key)
                return None                      # "Hannibal Buress", "Empire State Building"
            negative = _any_between(neg_pos, start - 70, end + 50, start, end)
        left = low[max(0, start - 48):start]
        right = low[end:end + 48]
        tails = cues.left_tails(left)            # the last one to three words: looked up in several lists
        left_adj = not cues.LEFT_PHRASES.isdisjoint(tails)

        if not quoted:
            if not left_adj and cues.PERSON_RIGHT.match(right):
                names.add(key)
                return None                      # "Ray Donovan, veteran stuntman, dies"
            if risk >= SINGLE and (cues.REPORTING_VERB.match(right.lstrip(" ,")) or
                                   not cues.ACCORDING_PHRASES.isdisjoint(tails)):
                return None                      # "Deadline reported", "Rosenberg said"
            if key in OUTLETS or key in CALENDAR:
                return None                      # "Variety", "The CW's Wednesday lineup"
            # Capitals say something only off a sentence start: "The Flash returned" still has "Flash".
            # "EastEnders", "iZombie": inner capitals matched exactly say "name" even at a sentence start.
            caps_informative = not in_tc_title and (
                alias.camel or not _sentence_start(norm, start + alias.cap_offsets[0] if alias.cap_offsets
                                                     else start))

        right_adj = cues.right_adj(right)
        # A headline "Show: ..." (TVLine, Digital Spy style) names the show first.
        colon_head = fld == "title" and start == first_ns and right.startswith(":")
        adjacent = right_adj or left_adj or colon_head
        tv_near = _any_between(tv_pos, start - 90, end + 90, start, end)

        if quoted:
            evidence = 0.9 if (adjacent or tv_near or article_tv or risk < PLAIN) else 0.45
        elif adjacent:
            evidence = 0.85 if risk <= SINGLE else 0.7
            if risk == PLAIN and not caps_informative and not colon_head and not right_adj:
                evidence = 0.45                  # "Lost ..." at a sentence start
            if in_tc_title and risk >= SINGLE and not colon_head and not alias.notable:
                evidence = 0.45                  # telegraphic headlines: "Revival Premiere Ratings"
        elif risk == DISTINCT:
            evidence = 0.8 if caps_informative or tv_near else 0.65
            if not cues.PLACE_WORDS.isdisjoint(tails):
                evidence = 0.45              # "a private investigator in Hell's Kitchen": a place
        elif risk == COMMON:
            if caps_informative and tv_near and cues.PLACE_WORDS.isdisjoint(tails):
                evidence = 0.65
            elif caps_informative and tv_near:
                evidence = 0.45
            else:
                evidence = 0.35
        elif risk == SINGLE:
            evidence = 0.45 if tv_near and (caps_informative or alias.notable and not in_tc_title) else 0.25
        else:
            evidence = 0.2
        # A title the catalogue calls notable, in a sentence about television: "Sherlock, Doctor Who and ...".
        if not quoted and alias.notable and (risk == COMMON or risk == SINGLE) and tv_near and not negative \
                and not in_tc_title and (caps_informative or colon_head or risk == COMMON) \
                and cues.PLACE_WORDS.isdisjoint(tails):
            evidence = max(evidence, 0.55)
        if negative and not adjacent:
            evidence *= 0.45
        return _Mention(start, end, alias, fld, quoted, evidence,
                        adjacent=quoted and bool(cues.STRONG_RIGHT.match(right)))

    # ------------------------------------------------------------------ disambiguation

    def _resolve(self, mentions: list[_Mention], low: str, year: float | None) -> dict[int, _Candidate]:
        """Each mention names one show: for shared titles, the best candidate for this article."""
        out: dict[int, _Candidate] = {}
        chosen: dict[str, int] = {}
        for m in mentions:
            ids = m.alias.show_ids
            if len(ids) == 1:
                sid = ids[0]
            else:
                sid = chosen.get(m.alias.key) or max(ids, key=lambda i: self._prior_of(i, low, year))
                chosen[m.alias.key] = sid
            cand = out.get(sid)
            if cand is None:
                cand = out[sid] = _Candidate(self.shows[sid])
            cand.mentions.append(m)
        return out

    def _prior_of(self, sid: int, low: str, year: float | None) -> float:
        """_prior, memoised for the article being linked (link() resets the memo)."""
        cache: dict[tuple[int, float | None], float] = self._local.prior
        k = (sid, year)
        score = cache.get(k)
        if score is None:  # as _prior, inlined
            show = self.shows[sid]
            score = _era_factor(show, year)
            for bonus in self._prior_bonuses(show, low):
                score += bonus
            cache[k] = score
        return score

    def _prior(self, show: Show, low: str, year: float | None) -> float:
        score = _era_factor(show, year)
        for bonus in self._prior_bonuses(show, low):  # added one by one, in order: the same float sum
            score += bonus
        return score

    def _prior_bonuses(self, show: Show, low: str) -> tuple[float, ...]:
        """The year-independent terms of _prior, memoised for the article being linked."""
        cache: dict[int, tuple[float, ...]] | None = getattr(self._local, "bonuses", None)
        key = id(show)
        if cache is not None:
            got = cache.get(key)
            if got is not None and got[0] is show:
                return got[1]
        # The article-independent part (the show's networks and fixed bonuses), kept per show while
        # the fields it comes from are unchanged.
        static = self._show_static.get(key)
        if static is None or static[0] is not show or static[1] is not show.network or \
                static[2] != show.notable or static[3] != show.country or static[4] != show.episodes:
            out: list[float] = []
            if show.notable:
                out.append(0.35)
            if show.country == "US":
                out.append(0.1)
            if show.episodes:
                out.append(0.05 * math.log10(show.episodes + 1))
            static = (show, show.network, show.notable, show.country, show.episodes, tuple(show.networks), tuple(out))
            self._show_static[key] = static
        if any(self._network_in_article(net, low) for net in static[5]):
            bonuses = (0.6,) + static[6]
        else:
            bonuses = static[6]
        if cache is not None:
            cache[key] = (show, bonuses)
        return bonuses

    def _network_in_article(self, network: str, low: str) -> bool:
        cache: dict[str, bool] = self._local.net_seen
        seen = cache.get(network)
        if seen is None:
            seen = cache[network] = self._network_mentioned(network, low)
        return seen

    def _network_mentioned(self, network: str, low: str) -> bool:
        variants = _NETWORK_KEYS.get(network)
        if variants is None:
            key = alias_key(network)
            variants = (key, key.replace("the ", ""))
            if len(_NETWORK_KEYS) > 100_000:
                _NETWORK_KEYS.clear()
            _NETWORK_KEYS[network] = variants
        key, alt = variants
        if key and alt:  # a whole-word occurrence, as the pattern below finds it, without a regex scan
            return _whole_word_in(key, low) or (alt != key and _whole_word_in(alt, low))
        if key not in low and alt not in low:
            return False
        pat = self.network_pattern.get(network)
        if pat is None:
            key = alias_key(network)
            variants = {key, key.replace("the ", "")}
            pat = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(v) for v in variants if v) + r")(?![\w])")
            self.network_pattern[network] = pat
        return bool(pat.search(low))

    def _estimate_year(self, candidates: dict[int, _Candidate]) -> float | None:
        years = [y for c in candidates.values()
                 if any(m.evidence >= 0.8 and len(m.alias.show_ids) == 1 for m in c.mentions)
                 for y in (c.show.premiere_year,) if y]
        return float(median(years)) + 0.5 if years else None

    # ------------------------------------------------------------------ fuzzy

    def _fuzzy(self, candidates: dict[int, _Candidate], norm: str, low: str, bounds: tuple[int, int],
               quotes: dict[int, int], emph: set[str], year: float | None) -> None:
        """Quoted or emphasised titles that match no alias: a close catalogue title, if the article agrees."""
        if not quotes and not emph:
            return
        matched = {(m.start, m.end) for c in candidates.values() for m in c.mentions}
        spans: dict[str, list[int]] = {}
        for qs, qe in quotes.items():
            if (qs, qe) in matched:
                continue
            span = norm[qs:qe]
            if not span[:1].isupper() or len(span) < 6 or len(span.split()) > 5:
                continue
            spans.setdefault(alias_key(span), []).append(qs)
        for key in emph:
            if key not in self.matcher.aliases and len(key) >= 6 and key not in spans:
                found = [m.start() for m in re.finditer(re.escape(key), low)]
                spans[key] = found or [len(low)]
        if not spans:
            return
        fuzz = _rapidfuzz()

        linked_networks: set[str] | None = None
        for key, starts in spans.items():
            if key in self.matcher.aliases:
                continue
            words = key.split()
            n_words, n_chars = len(words), len(key)
            digits = [w for w in words if w.isdigit()]
            best: tuple[float, str] | None = None
            for cand_key in self.matcher.fuzzy_candidates(key):
                cand_words = cand_key.split()
                if len(cand_words) != n_words or abs(len(cand_key) - n_chars) > 3:
                    continue
                if digits != [w for w in cand_words if w.isdigit()]:
                    continue  # "Ride Along 2" is not "Ride Along"
                score = fuzz.ratio(key, cand_key)
                if score >= 88 and (best is None or score > best[0]):
                    best = (score, cand_key)
            if best is None:
                continue
            alias = self.matcher.aliases[best[1]]
            sid = max(alias.show_ids, key=lambda i: self._prior_of(i, low, year))
            show = self.shows[sid]
            if linked_networks is None:
                linked_networks = {n for c in candidates.values()
                                   if max(m.evidence for m in c.mentions) >= LINK_THRESHOLD for n in c.show.networks}
            supported = bool(set(show.networks) & linked_networks) or len(starts) >= 2 or any(
                cues.RIGHT_ADJ.match(low[s + len(key) + 1:s + len(key) + 40]) for s in starts)
            if not supported or _era_factor(show, year) < 0.5:
                continue
            cand = candidates.setdefault(sid, _Candidate(show))
            for s in starts:
                fld = "title" if s < bounds[0] else "description" if s < bounds[1] else "body"
                cand.mentions.append(_Mention(s, s + len(key), alias, fld, True, 0.8, fuzzy=True))

    # ------------------------------------------------------------------ scoring

    def _score(self, candidates: dict[int, _Candidate], year: float | None) -> list[tuple[ShowLink, _Candidate]]:
        scored: list[tuple[ShowLink, _Candidate]] = []
        for sid, cand in candidates.items():
            ev = sorted((m.evidence for m in cand.mentions), reverse=True)
            conf = ev[0]
            if 0.45 <= conf < LINK_THRESHOLD and cand.show.notable and len(ev) >= 2 and ev[1] >= 0.25:
                conf = 0.55  # a known show named twice in a television context ("Emmerdale ... Emmerdale airs")
            # Only a show with one convincing mention gets credit for the others.
            for extra in (ev[1:4] if conf >= LINK_THRESHOLD else ()):  # more mentions, more certainty, never above a strong one's reach
                conf += (1 - conf) * extra * 0.3
            era = _era_factor(cand.show, year)
            if 0.1 < era < 0.8 and any(m.adjacent for m in cand.mentions) and (
                    cand.show.notable or (cand.show.episodes or 0) >= 50):
                era = 0.8  # a classic discussed as television: "the 'M*A*S*H' finale"
            conf *= era
            cand.confidence = conf
            if conf < LINK_THRESHOLD:
                continue
            fields = {m.field for m in cand.mentions if m.evidence >= 0.3}
            found_in = "title" if "title" in fields else "description" if "description" in fields else "body"
            scored.append((ShowLink(show_id=sid, title=cand.show.title, confidence=round(min(conf, 0.99), 3),
                                    found_in=found_in), cand))
        # Salience: in the headline first, then how often, then how early.
        def salience(item: tuple[ShowLink, _Candidate]) -> tuple[int, int, int, float]:
            link, cand = item
            in_title = sum(m.field == "title" for m in cand.mentions)
            first = min(m.start for m in cand.mentions)
            return (1 if in_title else 0, -first if in_title else 0, len(cand.mentions), -first)
        scored.sort(key=salience, reverse=True)
        if scored:
            top_link, top = scored[0]
            in_title = any(m.field == "title" for m in top.mentions)
            runner_up = len(scored[1][1].mentions) if len(scored) > 1 else 0
            if in_title or len(top.mentions) >= max(2, 2 * runner_up):
                top_link.primary = True
        return scored

    def _seasons(self, links: list[tuple[ShowLink, _Candidate]], candidates: dict[int, _Candidate],
                 low: str, norm: str) -> None:
        """"Season 2" near a show's mention (same sentence, or the sentence after) goes to that show."""
        if not links:
            return
        points = sorted((m.start, m.end, link) for link, cand in links for m in cand.mentions)
        found = cues.season_mentions(low, norm)
        if not found:
            return  # nothing to assign (a new ShowLink's seasons are empty, hence sorted)
        starts = [p[0] for p in points]
        longest = max(p[1] - p[0] for p in points)
        primary = next((link for link, _ in links if link.primary), None)
        for pos, season_end, n in found:
            # Only points starting near the season mention can qualify (same order as a full scan).
            near = points[bisect_left(starts, pos - 250 - max(longest, 0)):bisect_right(starts, pos)]
            before = [p for p in near if p[1] <= pos and pos - p[1] <= 250]
            adjacent = [p for p in before if pos - p[1] <= 14 and
                        low[p[1]:pos].strip(" ,:-'\"").replace("'s", "").strip() == ""]
            target = None
            if adjacent:
                target = adjacent[-1][2]   # "Girls Season 6", "'Empire's' third season"
            else:  # the sentence matters only from here on
                # The last ". ", "\n", "? " or "! " before pos; each search stops at the best so far.
                sentence_from = low.rfind(". ", 0, pos)
                for mark in ("\n", "? ", "! "):
                    i = low.rfind(mark, max(sentence_from, 0), pos)
                    if i > sentence_from:
                        sentence_from = i
                near = points[bisect_left(starts, season_end):bisect_right(starts, season_end + 40)]
                after = [p for p in near if p[0] >= season_end and p[0] - season_end <= 40
                         and p[0] > sentence_from]
                same_sentence = [p for p in before if p[0] > sentence_from]
                if after and low[season_end:after[0][0]].strip(" ,:-'\"") in ("of", "for", "of the", ""):
                    target = after[0][2]       # "the second season of Daredevil"
                elif same_sentence and pos - same_sentence[-1][1] <= 50:
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


# ---------------------------------------------------------------------- helpers


_FUZZ = None


def _rapidfuzz():  # type: ignore[no-untyped-def]
    """rapidfuzz.fuzz, imported on first use (once, not per article)."""
    global _FUZZ
    if _FUZZ is None:
        from rapidfuzz import fuzz

        _FUZZ = fuzz
    return _FUZZ


_NETWORK_KEYS: dict[str, tuple[str, str]] = {}
_ERA: dict[tuple[str | None, str | None, bool, float], float] = {}


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _whole_word_in(word: str, low: str) -> bool:
    """Does `word` occur in `low` with no word character on either side (as the regex (?<!\\w)word(?!\\w) would)?"""
    n = len(word)
    i = low.find(word)
    while i >= 0:
        if (i == 0 or not _is_word_char(low[i - 1])) and (i + n >= len(low) or not _is_word_char(low[i + n])):
            return True
        i = low.find(word, i + 1)
    return False


def _era_factor(show: Show, year: float | None) -> float:
    """How plausible it is that an article of `year` is about this show (1 = in its run)."""
    if year is None:
        return 1.0
    k = (show.premiered_on, show.ended_on, show.notable, year)
    era = _ERA.get(k)
    if era is None:
        if len(_ERA) > 200_000:
            _ERA.clear()
        era = _ERA[k] = _era_factor_of(show, year)
    return era


def _era_factor_of(show: Show, year: float) -> float:
    start, end = show.premiere_year, show.end_year
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


def _quoted_spans(norm: str) -> dict[int, int]:
    """start -> end of each quoted span's content, trailing punctuation trimmed ("Jessica Jones,").

    "..." pairs on one line; '...' when the marks are quotes, not apostrophes ("Grey's", "'90s")."""
    spans: dict[int, int] = {}
    n = len(norm)

    def add(s: int, e: int) -> None:
        while e > s and (norm[e - 1] in _TRAIL or norm[e - 1] == " "):
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


class _QuoteIndex:
    """One article's quoted spans, indexed by end and by start (the per-mention checks look up, not scan)."""

    __slots__ = ("quotes", "by_end", "starts", "longest")

    def __init__(self, quotes: dict[int, int]) -> None:
        self.quotes = quotes
        by_end: dict[int, list[int]] = {}
        for qs, qe in quotes.items():
            by_end.setdefault(qe, []).append(qs)
        self.by_end = by_end
        self.starts = sorted(quotes)
        self.longest = max(qe - qs for qs, qe in quotes.items())


def _is_quoted(start: int, end: int, norm: str, qctx: _QuoteIndex) -> bool:
    """The mention is a whole quoted span, or one after an owner's name ("'Marvel's Jessica Jones'")."""
    qe = qctx.quotes.get(start)
    if qe is not None and qe == end:
        return True
    # "'Marvel's Jessica Jones'": the quote opens on an owner's name.
    for qs in qctx.by_end.get(end, ()):
        if start - 42 <= qs < start and _POSSESSIVE_PREFIX.match(norm[qs:start]):
            return True
    return False


CALENDAR = frozenset("monday tuesday wednesday thursday friday saturday sunday january february march april "
                     "may june july august september october november december christmas easter".split())
_LIST_GAP = re.compile(r"""^["'\s]*(?:,|,?\s+and|,?\s+or|&|/)\s*["'\s]*$""")
_LIST_GAP_AT = re.compile(_LIST_GAP.pattern[1:])  # .match(low, a, b): low[a:b] as _LIST_GAP sees it


_START = attrgetter("start")


def _propagate_lists(mentions: list[_Mention], low: str) -> None:
    """A weak mention listed next to a convincing one is a show too: "Arrow, iZombie and Legends of Tomorrow"."""
    ordered = sorted(mentions, key=_START)
    # Which neighbours are listed together does not change between rounds: match the gaps once.
    listed = [(a, b) for a, b in zip(ordered, ordered[1:])
              if a.end < b.start and _LIST_GAP_AT.match(low, a.end, b.start)]
    if not listed:
        return
    for _ in range(3):
        changed = False
        for a, b in listed:
            for weak, strong in ((a, b), (b, a)):
                if 0.2 <= weak.evidence < LINK_THRESHOLD <= strong.evidence and weak.alias.risk < PLAIN:
                    weak.evidence = 0.55
                    changed = True
        if not changed:
            break


def _any_between(positions: list[int], lo: int, hi: int, skip_from: int, skip_to: int) -> bool:
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


def _strip_possessive(word: str) -> str:
    return word[:-2] if word.endswith("'s") else word


def _inside_quote(start: int, end: int, qctx: _QuoteIndex) -> bool:
    starts, quotes = qctx.starts, qctx.quotes
    i = bisect_left(starts, start - qctx.longest)   # a span starting earlier cannot reach `end`
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


def _first_nonspace(text: str) -> int:
    return len(text) - len(text.lstrip(" \"'"))


def _sentence_start(norm: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and norm[i] in " \"'(":
        i -= 1
    return i < 0 or norm[i] in ".!?:\n;|-" or (norm[i] == "-" and norm[i - 1:i] == " ")


def _extends_name(norm: str, start: int, end: int, in_tc_title: bool) -> bool:
    """Part of a longer capitalised name: "Hannibal Buress", "the Empire State Building"."""
    if in_tc_title:
        return False
    right = _WORD_RIGHT.match(norm[end:end + 30])
    if right and _strip_possessive(right.group(1).lower()) not in cues.FOLLOWERS:
        return True
    # The word before, as _WORD_LEFT.search(norm[start - 30:start]) finds it, without a regex scan.
    window = norm[max(0, start - 30):start]
    stripped = window.rstrip()
    if not stripped or len(stripped) == len(window):
        return False
    run = len(stripped) - _WORD_RUN.match(stripped[::-1]).end()  # type: ignore[union-attr]
    first = _ASCII_LETTER.search(stripped, run)
    if first is None:
        return False
    word = stripped[first.start():]
    if word[:1].isupper() and not _sentence_start(norm, start):
        i = start - (len(window) - first.start()) - 1
        while i >= 0 and norm[i] in " \"'":
            i -= 1
        left_is_sentence_start = i < 0 or norm[i] in ".!?:\n"
        if word.endswith("'s") or _strip_possessive(word.lower()) in cues.FOLLOWERS or left_is_sentence_start:
            return False
        return word.upper() != word or len(word) > 4  # "HBO Girls" is fine, "Lena Dunham Girls" is not
    return False


_SMALL_WORDS = frozenset("with from into over onto than that upon about after before near amid".split())


_HEADLINE_WORD = re.compile(r"[A-Za-z][\w'-]*")


def _is_title_case(title: str) -> bool:
    """Headline style "Ratings: The Flash Races Back" (capitals say nothing) vs sentence case
    ("Soap spoilers: this week in EastEnders"): sentence case has ordinary words in lower case."""
    words = [w for w in _HEADLINE_WORD.findall(title) if len(w) > 3 and w.lower() not in _SMALL_WORDS]
    if len(words) < 3:
        return True
    lower = sum(w[0].islower() for w in words[1:])
    return lower < (1 if len(words) < 6 else 2)


def link_texts(shows: Sequence[Show], title: str, body: str, **kwargs: object) -> list[ShowLink]:
    """One-off convenience: build (or reuse) a linker and link one article."""
    return ShowLinker(shows).link(title, body, **kwargs)  # type: ignore[arg-type]
