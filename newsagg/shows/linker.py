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
from bisect import bisect_left
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
_POSSESSIVE_PREFIX = re.compile(r"^[\w .&+!-]{1,40}'s\s+$")


@dataclass
class _Mention:
    start: int
    end: int
    alias: Alias
    field: str
    quoted: bool
    evidence: float
    fuzzy: bool = False
    adjacent: bool = False


@dataclass
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

        names: set[str] = set()  # aliases seen inside people's names: their bare mentions are surnames
        mentions: list[_Mention] = []
        settled: dict[str, float] = {}  # alias -> evidence of a convincing mention in the body
        for s, e, a in self.matcher.find(low, norm, spaced):
            if s >= bounds[1] and settled.get(a.key, 0.0) >= 0.85:
                # The show is already certain; a repeat only adds a mention (count, seasons).
                mentions.append(_Mention(s, e, a, "body", False, settled[a.key]))
                continue
            m = self._mention(s, e, a, norm, low, bounds, quotes, emph, title_case, article_tv, names)
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
                 names: set[str]) -> _Mention | None:
        fld = "title" if start < bounds[0] else "description" if start < bounds[1] else "body"
        quoted = (quotes.get(start) == end or alias.key in emph or
                  bool(quotes) and _is_quoted(start, end, norm, quotes))
        tv_pos, neg_pos = self._local.ctx
        negative = _any_between(neg_pos, start - 70, end + 50, start, end)
        if quoted and (article_tv or alias.risk < PLAIN) and not negative:
            # The common case in trade press: a quoted title in an article about television.
            strong = bool(cues.STRONG_RIGHT.match(low, end, end + 40))
            return _Mention(start, end, alias, fld, True, 0.9, adjacent=strong)
        if not quoted and quotes and _inside_quote(start, end, quotes):
            return None                          # a word of another quoted title ("Orange Is the New Back")
        left = low[max(0, start - 48):start]
        right = low[end:end + 48]
        # Capitals say something only off a sentence start: "The Flash returned" still has "Flash".
        cap_at = start + alias.cap_offsets[0] if alias.cap_offsets else start
        sentence_start = _sentence_start(norm, cap_at)
        in_tc_title = fld == "title" and title_case
        # "EastEnders", "iZombie": inner capitals matched exactly say "name" even at a sentence start.
        camel = any(any(c.isupper() for c in w[1:]) for _, w in alias.exact_words)
        caps_informative = (not sentence_start or camel) and not in_tc_title
        right_adj = bool(cues.RIGHT_ADJ.match(right))
        left_adj = cues.left_phrase(left, cues.LEFT_PHRASES)
        # A headline "Show: ..." (TVLine, Digital Spy style) names the show first.
        colon_head = fld == "title" and start == _first_nonspace(norm) and right.startswith(":")
        adjacent = right_adj or left_adj or colon_head
        tv_near = _any_between(tv_pos, start - 90, end + 90, start, end)

        if not quoted:
            if _extends_name(norm, start, end, _sentence_start(norm, start), in_tc_title):
                names.add(alias.key)
                return None                      # "Hannibal Buress", "Empire State Building"
            if cues.PERSON_RIGHT.match(right) and not left_adj:
                names.add(alias.key)
                return None                      # "Ray Donovan, veteran stuntman, dies"
            if alias.risk >= SINGLE and (cues.REPORTING_VERB.match(right.lstrip(" ,")) or
                                         cues.left_phrase(left, cues.ACCORDING_PHRASES)):
                return None                      # "Deadline reported", "Rosenberg said"
            if alias.key in OUTLETS or alias.key in CALENDAR:
                return None                      # "Variety", "The CW's Wednesday lineup"

        if quoted:
            evidence = 0.9 if (adjacent or tv_near or article_tv or alias.risk < PLAIN) else 0.45
        elif adjacent:
            evidence = 0.85 if alias.risk <= SINGLE else 0.7
            if alias.risk == PLAIN and not caps_informative and not colon_head and not right_adj:
                evidence = 0.45                  # "Lost ..." at a sentence start
            if in_tc_title and alias.risk >= SINGLE and not colon_head and not alias.notable:
                evidence = 0.45                  # telegraphic headlines: "Revival Premiere Ratings"
        elif alias.risk == DISTINCT:
            evidence = 0.8 if caps_informative or tv_near else 0.65
            if cues.left_phrase(left, cues.PLACE_WORDS):
                evidence = 0.45              # "a private investigator in Hell's Kitchen": a place
        elif alias.risk == COMMON:
            if caps_informative and tv_near and not cues.left_phrase(left, cues.PLACE_WORDS):
                evidence = 0.65
            elif caps_informative and tv_near:
                evidence = 0.45
            else:
                evidence = 0.35
        elif alias.risk == SINGLE:
            evidence = 0.45 if tv_near and (caps_informative or alias.notable and not in_tc_title) else 0.25
        else:
            evidence = 0.2
        # A title the catalogue calls notable, in a sentence about television: "Sherlock, Doctor Who and ...".
        if not quoted and alias.notable and alias.risk in (COMMON, SINGLE) and tv_near and not negative \
                and not in_tc_title and (caps_informative or colon_head or alias.risk == COMMON) \
                and not cues.left_phrase(left, cues.PLACE_WORDS):
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
                sid = chosen.get(m.alias.key) or max(ids, key=lambda i: self._prior(self.shows[i], low, year))
                chosen[m.alias.key] = sid
            cand = out.get(sid)
            if cand is None:
                cand = out[sid] = _Candidate(self.shows[sid])
            cand.mentions.append(m)
        return out

    def _prior(self, show: Show, low: str, year: float | None) -> float:
        score = _era_factor(show, year)
        if any(self._network_in_article(net, low) for net in show.networks):
            score += 0.6
        if show.notable:
            score += 0.35
        if show.country == "US":
            score += 0.1
        if show.episodes:
            score += 0.05 * math.log10(show.episodes + 1)
        return score

    def _network_in_article(self, network: str, low: str) -> bool:
        cache: dict[str, bool] = self._local.net_seen
        seen = cache.get(network)
        if seen is None:
            seen = cache[network] = self._network_mentioned(network, low)
        return seen

    def _network_mentioned(self, network: str, low: str) -> bool:
        key = alias_key(network)
        if key not in low and key.replace("the ", "") not in low:
            return False
        pat = self.network_pattern.get(network)
        if pat is None:
            key = alias_key(network)
            variants = {key, key.replace("the ", "")}
            pat = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(v) for v in variants if v) + r")(?![\w])")
            self.network_pattern[network] = pat
        return bool(pat.search(low))

    def _estimate_year(self, candidates: dict[int, _Candidate]) -> float | None:
        years = [c.show.premiere_year for c in candidates.values()
                 if c.show.premiere_year and any(m.evidence >= 0.8 and len(m.alias.show_ids) == 1
                                                 for m in c.mentions)]
        return float(median(years)) + 0.5 if years else None

    # ------------------------------------------------------------------ fuzzy

    def _fuzzy(self, candidates: dict[int, _Candidate], norm: str, low: str, bounds: tuple[int, int],
               quotes: dict[int, int], emph: set[str], year: float | None) -> None:
        """Quoted or emphasised titles that match no alias: a close catalogue title, if the article agrees."""
        if not quotes and not emph:
            return
        from rapidfuzz import fuzz

        matched = {(m.start, m.end) for c in candidates.values() for m in c.mentions}
        linked_networks = {n for c in candidates.values() if max(m.evidence for m in c.mentions) >= LINK_THRESHOLD
                           for n in c.show.networks}
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
        for key, starts in spans.items():
            if key in self.matcher.aliases:
                continue
            words = key.split()
            best: tuple[float, str] | None = None
            for cand_key in self.matcher.fuzzy_candidates(key):
                if len(cand_key.split()) != len(words) or abs(len(cand_key) - len(key)) > 3:
                    continue
                if [w for w in words if w.isdigit()] != [w for w in cand_key.split() if w.isdigit()]:
                    continue  # "Ride Along 2" is not "Ride Along"
                score = fuzz.ratio(key, cand_key)
                if score >= 88 and (best is None or score > best[0]):
                    best = (score, cand_key)
            if best is None:
                continue
            alias = self.matcher.aliases[best[1]]
            sid = max(alias.show_ids, key=lambda i: self._prior(self.shows[i], low, year))
            show = self.shows[sid]
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
        primary = next((link for link, _ in links if link.primary), None)
        for pos, season_end, n in cues.season_mentions(low, norm):
            sentence_from = max(low.rfind(". ", 0, pos), low.rfind("\n", 0, pos), low.rfind("? ", 0, pos),
                                low.rfind("! ", 0, pos))
            before = [p for p in points if p[1] <= pos and pos - p[1] <= 250]
            after = [p for p in points if p[0] >= season_end and p[0] - season_end <= 40
                     and p[0] > sentence_from]
            same_sentence = [p for p in before if p[0] > sentence_from]
            adjacent = [p for p in before if pos - p[1] <= 14 and
                        low[p[1]:pos].strip(" ,:-'\"").replace("'s", "").strip() == ""]
            target = None
            if adjacent:
                target = adjacent[-1][2]   # "Girls Season 6", "'Empire's' third season"
            elif after and low[season_end:after[0][0]].strip(" ,:-'\"") in ("of", "for", "of the", ""):
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


def _era_factor(show: Show, year: float | None) -> float:
    """How plausible it is that an article of `year` is about this show (1 = in its run)."""
    if year is None:
        return 1.0
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
        if j - i <= 121 and "\n" not in norm[i + 1:j]:
            add(i + 1, j)
            i = norm.find('"', j + 1)
        else:
            i = j
    i = norm.find("'")
    while i >= 0:
        opens = (i == 0 or not norm[i - 1].isalnum()) and i + 1 < n and norm[i + 1] not in " \n'" and not (
            norm[i + 1] == "s" and (i + 2 >= n or not norm[i + 2].isalnum()))
        if not opens:
            i = norm.find("'", i + 1)
            continue
        j = norm.find("'", i + 2)
        while j >= 0 and j - i <= 161 and (norm[j - 1] == " " or (j + 1 < n and norm[j + 1].isalpha())):
            j = norm.find("'", j + 1)  # an apostrophe inside ("Grey's"), not the closing quote
        if j < 0 or j - i > 161 or "\n" in norm[i + 1:j]:
            i = norm.find("'", i + 1)
            continue
        add(i + 1, j)
        i = norm.find("'", j + 1)
    return spans


def _is_quoted(start: int, end: int, norm: str, quotes: dict[int, int]) -> bool:
    """The mention is a whole quoted span, or one after an owner's name ("'Marvel's Jessica Jones'")."""
    qe = quotes.get(start)
    if qe is not None and qe == end:
        return True
    # "'Marvel's Jessica Jones'": the quote opens on an owner's name.
    for qs, qe in quotes.items():
        if qe == end and start - 42 <= qs < start and _POSSESSIVE_PREFIX.match(norm[qs:start]):
            return True
    return False


CALENDAR = frozenset("monday tuesday wednesday thursday friday saturday sunday january february march april "
                     "may june july august september october november december christmas easter".split())
_LIST_GAP = re.compile(r"""^["'\s]*(?:,|,?\s+and|,?\s+or|&|/)\s*["'\s]*$""")


def _propagate_lists(mentions: list[_Mention], low: str) -> None:
    """A weak mention listed next to a convincing one is a show too: "Arrow, iZombie and Legends of Tomorrow"."""
    ordered = sorted(mentions, key=lambda m: m.start)
    for _ in range(3):
        changed = False
        for a, b in zip(ordered, ordered[1:]):
            if not _LIST_GAP.match(low[a.end:b.start]):
                continue
            for weak, strong in ((a, b), (b, a)):
                if 0.2 <= weak.evidence < LINK_THRESHOLD <= strong.evidence and weak.alias.risk < PLAIN:
                    weak.evidence = 0.55
                    changed = True
        if not changed:
            break


def _any_between(positions: list[int], lo: int, hi: int, skip_from: int, skip_to: int) -> bool:
    """Is there a cue in [lo, hi) outside the mention itself ("The Walking Dead" is no drama cue)?"""
    i = bisect_left(positions, lo)
    while i < len(positions) and positions[i] < hi:
        if not skip_from <= positions[i] < skip_to:
            return True
        i += 1
    return False


def _strip_possessive(word: str) -> str:
    return word[:-2] if word.endswith("'s") else word


def _inside_quote(start: int, end: int, quotes: dict[int, int]) -> bool:
    for qs, qe in quotes.items():
        if qs <= start and end <= qe and (qs, qe) != (start, end) and qe - qs > end - start:
            return True
    return False


def _first_nonspace(text: str) -> int:
    return len(text) - len(text.lstrip(" \"'"))


def _sentence_start(norm: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and norm[i] in " \"'(":
        i -= 1
    return i < 0 or norm[i] in ".!?:\n;|-" or (norm[i] == "-" and norm[i - 1:i] == " ")


def _extends_name(norm: str, start: int, end: int, sentence_start: bool, in_tc_title: bool) -> bool:
    """Part of a longer capitalised name: "Hannibal Buress", "the Empire State Building"."""
    if in_tc_title:
        return False
    right = _WORD_RIGHT.match(norm[end:end + 30])
    if right and _strip_possessive(right.group(1).lower()) not in cues.FOLLOWERS:
        return True
    left = _WORD_LEFT.search(norm[max(0, start - 30):start])
    if left and left.group(1)[:1].isupper() and not sentence_start:
        word = left.group(1)
        before = norm[:start - len(left.group(0))].rstrip(" \"'")
        left_is_sentence_start = not before or before[-1] in ".!?:\n"
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
