"""Events from an item whose shows are already linked: sentence by sentence, cue by cue.

For each sentence with a cue of some type (cues.toml): veto by the type's blockers, drop negated,
questioned, denied and hypothetical cues (modality.toml), attach the event to the show mentioned
nearest the cue (a show named as a person's credit, "'The Returned' showrunner X", is not the
subject of a hiring), read its season, date, people and network, and keep one event per
(type, show): the most confident, with the details its other sentences add.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_right
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from itertools import chain
from typing import Iterator, Mapping, Sequence

from newsagg.events import lexicon
from newsagg.events.dates import find_date
from newsagg.events.model import PEOPLE_TYPES, Event, LinkedShow, ShowNames
from newsagg.events.people import find_people
from newsagg.events.prefilter import Scan
from newsagg.events.text import Sentence, holds_any, item_sentences, whole_words

LEAD_SENTENCES = 6  # body sentences read whatever they name; later ones only when they name a show
FIELD_WEIGHT = {"title": 1.0, "description": 0.95, "body": 0.85}
# A show named right before a role is a person's credit ("'The Returned' showrunner Raelle Tucker"); a past
# one ("'Castle' alum"), or the parent of another show ("the 'Breaking Bad' prequel": the news is the other's).
_CREDIT_AFTER = re.compile(r"^(?:'s)?[\"']?\s*(?:season \d+ |series )?(?:(?P<past>alum|alums|veteran)|star|stars|actor|actress|"
                           r"showrunner|co-showrunner|creator|co-creator|producer|executive producer|ep|writer|"
                           r"director|co-star|costar|cast member|castmate|host|co-host|judge|boss|"
                           r"breakout|favorite|favourite|villain|hero|character|duo|team|trio|writers|mastermind|"
                           r"(?P<derived>prequel|sequel|spinoff|spin-off|offshoot|follow-up|companion))s?\b")
# Before a show and a role, what makes the role the news rather than someone's credit.
_ROLE_BEFORE = re.compile(r"\b(?:as|new|named)\s+(?:the |a )?(?:new )?[\"']?$")
_ANAPHOR = re.compile(r"\b(?:the|its|this|that|his|her|their|a|\w+'s) (?:new |upcoming )?(?:[\w-]+ )?(?:show|series|drama|comedy|sitcom|season|reboot|hour|half-hour|"
                      r"revival|spinoff|spin-off|program|programme|franchise|miniseries|procedural|thriller)\b|"
                      r"\bseason (?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\b|\bit\b|\bits\b")
_SEASON = re.compile(r"\b(?:seasons?|series) (?P<num>\d{1,2}|" + "|".join(lexicon.NUMBER_WORDS) + r")\b|\bs(?P<short>\d{1,2})\b"
                     r"|\b(?P<ord>" + lexicon.ORD_PATTERN + r")(?: and (?:final|last))?[- ](?:season|series(?! order| regular))\b")
_S_NUMBER = re.compile(r"s\d")
_LIST_GAP = re.compile(r"^[\"'\s]*(?:,|and|&|, and|as well as)[\"'\s]*$")
_TRANSITIVE = re.compile(r"^(?:casts|taps|tapped|hires|hired|fires|fired|names|named|recruits|enlists|ousts|ousted|"
                         r"lets go)\b")
_REPLACE = re.compile(r"^replac")
# The cue's object is another work: "quits 'Star Wars'", "lands lead in Sony's 'Madame Web'".
_OTHER_WORK = re.compile(r"^\s*(?:(?:a |an |the )?(?:\w+ ){0,2}(?:role|part|lead|spot|gig)s? )?(?:(?:in|for|on|to|with) )?"
                         r"(?:\w+'s )?(?:the |his |her |their |a )?(?:\w+ )?(?:\"[^\"]{2,60}\"|'[^']{2,60}'(?!s))"
                         # not a credit: "eyes 'Black Panther' actor"
                         r"(?!\s*(?:'s\s+)?(?:star|actor|actress|alum|veteran|favorite|favourite|breakout|co-star)s?\b)")
# A quoted title, 'like this' or "like this" (an apostrophe inside a word opens none).
_QUOTED = re.compile(r"(?<!\w)'[^']{2,60}'(?!\w)|\"[^\"]{2,60}\"")
_CLAUSE_BREAK = re.compile(r"[;:()\[\]]|\s-\s|\bbut\b|\bwhile\b|\bwhereas\b|\bas\b(?= \w+ (?:is|was|are))")


@dataclass(slots=True)
class _Mention:
    show_id: int
    start: int
    end: int
    credit: bool
    derived: bool = False  # named as the parent of a spinoff, prequel, sequel
    past: bool = False  # named as someone's past credit ("'Castle' alum")


def _lower(text: str) -> str:
    low = text.lower()
    return low if len(low) == len(text) else "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


@lru_cache(maxsize=8192)  # the same shows come back item after item
def _names_for(title: str, extra: tuple[str, ...]) -> tuple[str, ...]:
    names = {title}
    base = re.sub(r"\s*\([^)]*\)\s*$", "", title).strip()  # "Conviction (2016)"
    names.add(base)
    if base.lower().startswith("the ") and len(base) > 8:
        names.add(base[4:])
    if ":" in base and len(base.split(":")[0]) > 6:
        names.add(base.split(":")[0])  # "Catfish: The TV Show"
    for prefix in ("marvel's ", "tom clancy's ", "dc's "):
        if base.lower().startswith(prefix):
            names.add(base[len(prefix):])
    names.update(a for a in extra if a and len(a) > 1)
    return tuple(n for n in names if len(n.strip()) > 1)


@lru_cache(maxsize=4096)
def _mention_names(keys: tuple[tuple[int, tuple[str, ...]], ...]) -> tuple[tuple[str, ...], dict[str, int]]:
    """The linked shows' names as matched (lower case, straight quotes), longest first, and their shows."""
    owner: dict[str, int] = {}
    for show_id, names in keys:
        for n in names:
            owner.setdefault(_lower(n.translate(_STRAIGHT)), show_id)
    return tuple(sorted(owner, key=len, reverse=True)), owner


_STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _word_char(char: str) -> bool:
    """A word character (the regex class \\w: alphanumeric or _)."""
    return char.isalnum() or char == "_"


Span = tuple[int, int, str]  # start, end, the name found


def _find_mentions(names: tuple[str, ...], text: str) -> list[Span]:
    """The names' occurrences as whole words, left to right, never overlapping; where several start
    at one place the longest wins. (What a search for the names' alternation, longest first, gave;
    found with str.find: an item's set of shows is seldom seen twice, and compiling a pattern for
    each item cost more than the search.)"""
    longest: dict[int, int] = {}
    for name in names:  # longest first: at a shared start the first to arrive is kept
        size = len(name)
        i = text.find(name)
        while i >= 0:
            if i not in longest and (i + size == len(text) or not _word_char(text[i + size])):
                longest[i] = size
            i = text.find(name, i + 1)
    # Inside the previous name, or right after a letter ("Fargo" in "Wellsfargo"): not a mention.
    return [(s, e, text[s:e]) for s, e in whole_words(longest, text, _word_char)]


def _mentions(low: str, spans: Sequence[Span], owner: dict[str, int]) -> list[_Mention]:
    out = []
    for s, e, name in spans:
        credit = _CREDIT_AFTER.match(low[e:e + 40])
        if credit and _ROLE_BEFORE.search(low, max(0, s - 16), s):
            credit = None  # "returns as 'American Idol' host": the role given, on this show
        out.append(_Mention(owner[name], s, e, bool(credit), bool(credit and credit["derived"]),
                            bool(credit and credit["past"])))
    return out


def _may_name_season(low: str) -> bool:
    """What every _SEASON match holds: a cheap test before the search."""
    return "season" in low or "series" in low or bool(_S_NUMBER.search(low))


def _season(low: str, near: int) -> int | None:
    best: tuple[int, int] | None = None
    if not _may_name_season(low):
        return None
    for m in _SEASON.finditer(low):
        if m.group("num"):
            raw = m.group("num")
            value = int(raw) if raw.isdigit() else lexicon.NUMBER_WORDS[raw]
        elif m.group("short"):
            value = int(m.group("short"))
        else:
            raw = m.group("ord")
            value = lexicon.ORDINALS.get(raw) or int(re.sub(r"\D", "", raw))
        distance = abs(m.start() - near)
        if 0 < value < 60 and (best is None or distance < best[0]):
            best = (distance, value)
    return best[1] if best else None


def _sole_season(low: str) -> int | None:
    """The season a text names, when it names exactly one."""
    if not _may_name_season(low):
        return None
    found = {_season(m.group(0), 0) for m in _SEASON.finditer(low)}
    return found.pop() if len(found) == 1 else None


def _clause_before(low: str, start: int) -> list[str]:
    """The words of the cue's clause before it (within 240 characters)."""
    head = low[max(0, start - 240):start]
    breaks = list(_CLAUSE_BREAK.finditer(head))
    if breaks:
        head = head[breaks[-1].end():]
    return head.split()


def _is_question(low: str, start: int, field: str, words: frozenset[str]) -> bool:
    """The cue's segment ends in a question mark, or is a headline's polar question ("Will X ...?")."""
    if "?" not in low:
        return False
    question = low.find("?", start)
    if question >= 0 and all(stop < 0 or question < stop for stop in (low.find(c, start) for c in ".!|")):
        return True
    if field == "title":
        seg_start = max(low.rfind(c, 0, start) for c in ".!:|")
        return low[seg_start + 1:].split(" ", 1)[0].strip("\"'") in words
    return False


# What may stand between a show's name and a cue that needs it next to it: quotes, a season, an adverb.
_SUBJECT_GAP = re.compile(r"[\s\"',]*(?:(?:season|series|s) ?\d{1,2}[\s\"',]*|(?:tv |limited |new )?(?:series|show|drama|comedy|reboot|revival)\s+)?"
                          r"(?:(?:season |series )?(?:finale|premiere|return|debut)\s+|which\s+)?"
                          r"(?:(?:reportedly|officially|finally|also|now|"
                          r"quietly|abruptly|has|have|will|is)\s+)*")
# Before an object, its description or its maker: "drops wrestling drama 'Heels'", "brings back Nida Manzoor's".
_KIND_OF_SHOW = (r"(?:show|series|drama|comedy|sitcom|soap|procedural|thriller|reboot|revival|spinoff|spin-off|"
                 r"franchise|anthology|miniseries|docuseries|dramedy|romcom|satire|saga|mockumentary|adaptation|epic)")
_OBJECT_GAP = re.compile(r"[\s\"']*(?:(?:the|its|their|his|her|a|an) )?(?:(?:[\w'.&-]+ ){0,2}[\w.-]+'s )?"
                         r"(?:(?:[\w'-]+ ){0,3}" + _KIND_OF_SHOW + r" )?[\s\"']*")


_DESTINATION_BEFORE = re.compile(r"\b(?:to|and) (?:concentrate|focus|work)(?: full-time)? on (?:the )?(?:[\w'-]+ ){0,5}[\"']?$")


def _unlinked_title(low: str, mentions: list[_Mention]) -> bool:
    """Does the sentence quote a title that is none of its linked shows ("'X' star's 'Enola Holmes 2'")?"""
    if "'" not in low and '"' not in low:
        return False
    return any(not any(q.start() <= m.start < q.end() for m in mentions) for q in _QUOTED.finditer(low))


_SUBJECT_ANAPHOR = re.compile(r"\b(?:the|its|this|that) (?:[\w'-]+ ){0,3}" + _KIND_OF_SHOW + r"\s*(?:,\s*)?$")
# The object as a description: "the drama", "its precinct comedy", "James Graham's drama", "police drama"
# (without an article, not after a preposition: "sinks to series low" is no object).
_OBJECT_ANAPHOR = re.compile(r"\s*(?:(?:the|its|this|their|a|an) (?:[\w'-]+ ){0,3}|[\w.-]+(?: [\w.-]+)?'s (?:[\w'-]+ ){0,3}"
                             r"|(?!(?:to|for|in|on|at|of|with|from|by|into|as|after|before|its|their)\b)(?:[\w'-]+ ){1,3})"
                             + _KIND_OF_SHOW + r"\b")


def _next_to(mentions: list[_Mention], start: int, end: int, low: str, position: str) -> _Mention | None:
    """The show named right before the cue (its subject) or right after it (its object), if any."""
    if position == "after_show":
        near = [m for m in mentions if m.end <= start and _SUBJECT_GAP.fullmatch(low, m.end, start)]
        return max(near, key=lambda m: m.end) if near else None
    near = [m for m in mentions if m.start >= end and _OBJECT_GAP.fullmatch(low, end, m.start)]
    return min(near, key=lambda m: m.start) if near else None


def _pick_shows(mentions: list[_Mention], cue_start: int, cue_end: int, kind: str, low: str,
                forced: _Mention | None = None) -> list[_Mention]:
    """The show the cue is about (`forced`, or the nearest usable mention) and the shows listed with it."""
    if not mentions:
        return []
    allow_credit = kind in ("departure", "award")
    usable = [m for m in mentions if allow_credit or not m.credit]
    if not usable and kind not in PEOPLE_TYPES and not _unlinked_title(low, mentions):
        # only a credit, and no other work named: the credited show it is, unless it is a past one ("'Castle' alum")
        usable = [m for m in mentions if not m.past]
    if not usable:
        return []

    def distance(m: _Mention) -> tuple[int, int]:
        if m.end <= cue_start:
            return (cue_start - m.end, 0)
        if m.start >= cue_end:
            return (m.start - cue_end, 1)
        return (0, 0)

    if kind == "departure":
        # "left the show to focus on 'Conviction'": the show named as where the person goes is not the one left.
        usable = [m for m in usable if not _DESTINATION_BEFORE.search(low, max(0, m.start - 60), m.start)]
        if not usable:
            return []
    if forced is not None:
        chosen = forced
        usable = usable if forced in usable else [*usable, forced]
    elif kind == "departure":
        # The show a person leaves is usually their credit, before the verb.
        before = [m for m in usable if m.end <= cue_start]
        chosen = min(before or usable, key=distance)
    else:
        chosen = min(usable, key=distance)
    picked = [chosen]
    # A list of shows after or before the cue shares it ("renews 'A', 'B' and 'C'").
    ordered = sorted(usable, key=lambda m: m.start)
    i = ordered.index(chosen)
    for step in (1, -1):
        j = i
        while 0 <= j + step < len(ordered):
            a, b = (ordered[j], ordered[j + step]) if step == 1 else (ordered[j + step], ordered[j])
            if not _LIST_GAP.match(low[a.end:b.start]):
                break
            picked.append(ordered[j + step])
            j += step
    return picked


def _people(sentence: str, low: str, kind: str, cue_start: int, cue_end: int, cue_text: str,
            excluded: list[tuple[int, int]]) -> list[str]:
    names = find_people(sentence, excluded)
    if not names:
        return []
    before = [n for n, s in names if s < cue_start]
    after = [n for n, s in names if s >= cue_end]
    if _REPLACE.match(cue_text):
        side = after if kind == "departure" else before
    elif _TRANSITIVE.match(cue_text) and not re.search(r"\b(?:was|were|is|been|be|get|gets|got)\s*$", low[:cue_start]):
        side = after or before
    else:
        side = before[-2:] or after[:2]
    return side[:3]


def extract_events(title: str, description: str, body: str, links: Sequence[LinkedShow], *,
                   published_at: datetime | None = None,
                   names: Mapping[int, ShowNames] | None = None) -> list[Event]:
    """The events the item reports about its linked shows, one per (type, show), most confident first."""
    if not links:
        return []
    names = names or {}
    titles = {l.show_id: l.title for l in links}
    link_conf = {l.show_id: max(0.0, min(1.0, float(l.confidence))) for l in links}
    primary = next((l.show_id for l in links if l.primary), links[0].show_id)
    has_primary = any(l.primary for l in links)
    key = tuple((l.show_id, _names_for(l.title, tuple(names.get(l.show_id, ShowNames()).aliases)))
                for l in links)
    mention_names, owner = _mention_names(key)
    modality = lexicon.modality()
    pset = lexicon.patterns()
    cue_of = lexicon.cues_by_name()
    found: dict[tuple[str, int], Event] = {}
    direct: set[tuple[str, int]] = set()
    # Trade news puts the news in the headline and the lead; further down, an event names its show:
    # past the lead, a paragraph that cannot hold a show's name is not even split.
    sentences = item_sentences(title, description, body, LEAD_SENTENCES, holds_any(mention_names))
    lows = [_lower(x.text) for x in sentences]
    joined = "\n".join(lows)
    all_starts = _starts(lows)
    spans = _sentence_spans(mention_names, lows, joined, all_starts)
    named = set(spans)
    body_seen = 0
    wanted = []
    for k, sent in enumerate(sentences):
        if sent.field == "body":
            body_seen += 1
            if body_seen > LEAD_SENTENCES and k not in named:
                continue
        wanted.append(k)
    for k in wanted:
        sent, low = sentences[k], lows[k]
        scan = pset.scan(low)  # which cue and modality patterns can match here, in one pass
        # A cue that needs a show next to it cannot hold in a sentence naming none (unless "the drama"
        # can stand for the item's only show): not even searched.
        positional_ok = k in spans or len(links) == 1
        hits = [(cue, m) for name in scan.possible if (cue := cue_of.get(name)) is not None
                and (positional_ok or not cue.position) for m in [scan.search(name)] if m is not None]
        if not hits:
            continue
        if scan.search("denial_sentence") or scan.search("genre_sentence"):
            continue
        mentions = _mentions(low, spans.get(k, ()), owner)
        nets = lexicon.find_networks(low)
        # Reported/past status is read only once a cue survives every check (most do not).
        tone = _Tone(scan)
        date_cache: list[str | None] = []
        for cue, first in hits:
            if cue.has_blockers and scan.search(cue.blockers):
                continue
            if cue.needs_date:
                if not date_cache:
                    date_cache.append(find_date(low, published_at))
                if date_cache[0] is None:
                    continue
            for m in chain((first,), scan.finditer(cue.key, first.end())):  # lazily: most stop at the first
                event = _event_at(sent, low, cue, m, mentions, modality, scan, tone, primary, titles,
                                  link_conf, len(links), published_at,
                                  date_cache[0] if date_cache else None, has_primary, nets)
                if event:
                    for ev in event:
                        _keep(found, ev)
                        if ev.show_id in {x.show_id for x in mentions}:
                            direct.add((ev.type, ev.show_id))
                    if not cue.position:
                        break  # a positional cue's next match may be another show's ("'A' ticks up, 'B' steady")
    # An event given to the main show only by default yields to the same type said of a named show.
    direct_types = {t for t, _ in direct}
    kept = [e for e in found.values() if (e.type, e.show_id) in direct or e.type not in direct_types]
    # The headline often carries the season ("'X' Season 4 Wraps") and the description the verb.
    if sentences and sentences[0].field == "title" and any(e.season is None and e.field != "title" for e in kept):
        headline_season = _sole_season(lows[0])
        for e in kept:
            if e.season is None and e.field != "title":
                e.season = headline_season
    return sorted(kept, key=lambda e: (-e.confidence, e.type, e.show_id))


# What extract_events reads of one item: title, description, body, links, published_at, names.
EventInput = tuple[str, str, str, Sequence[LinkedShow], "datetime | None", Mapping[int, ShowNames]]


def extract_batch(items: Sequence[EventInput]) -> tuple[list[list[Event]], float]:
    """extract_events of each item, and the CPU seconds it took: run in an extraction process, that is
    the cost its caller could not measure on its own thread."""
    started = time.thread_time()
    out = [extract_events(title, description, body, links, published_at=at, names=names)
           for title, description, body, links, at, names in items]
    return out, time.thread_time() - started


def _sentence_spans(names: tuple[str, ...], lows: list[str], joined: str, starts: list[int]) -> dict[int, list[Span]]:
    """Sentence index -> the show names found in it (offsets in the sentence), from one pass over the
    sentences joined by newlines: a name holds no newline, so none runs across two sentences, and a
    newline, like a sentence's edge, is no word character."""
    if any("\n" in n for n in names):
        return {k: found for k, low in enumerate(lows) if (found := _find_mentions(names, low))}
    out: dict[int, list[Span]] = {}
    for s, e, name in _find_mentions(names, joined):
        k = bisect_right(starts, s) - 1
        out.setdefault(k, []).append((s - starts[k], e - starts[k], name))
    return out


def _starts(lows: list[str]) -> list[int]:
    starts, pos = [], 0
    for low in lows:
        starts.append(pos)
        pos += len(low) + 1
    return starts


def _event_at(sent: Sentence, low: str, cue: lexicon.TypeCues, m: re.Match[str], mentions: list[_Mention],
              modality: lexicon.Modality, scan: Scan, tone: "_Tone", primary: int, titles: dict[int, str],
              link_conf: dict[int, float], n_links: int, published_at: datetime | None,
              when: str | None, has_primary: bool, nets: list[tuple[int, int]]) -> list[Event]:
    start, end = m.span()
    if any(x.start <= start < x.end for x in mentions):
        return []  # the cue is part of a show's title ("Chicago Fire", "Renewal")
    forced = None
    by_anaphor = False  # "the country music soap won't be back", "re-upped its precinct comedy"
    if cue.position:  # first, as the cheapest test: most of these common words stand next to no show
        forced = _next_to(mentions, start, end, low, cue.position)
        if forced is None:
            # Only where "the drama" can mean one show: with several linked, it may be any of them.
            by_anaphor = n_links == 1 and bool(_SUBJECT_ANAPHOR.search(low, max(0, start - 60), start)
                                               if cue.position == "after_show"
                                               else _OBJECT_ANAPHOR.match(low, end, end + 60))
            if not by_anaphor:
                return []
        elif forced.credit and cue.name not in ("departure", "award"):
            return []  # the show named as the parent of a spinoff, or someone's credit
    clause = _clause_before(low, start)  # split once, read at two widths
    before = " ".join(clause[-modality.window:])
    if scan.search("negation_before", before) or scan.search("hypothetical_before", before):
        return []
    if scan.search("hypothetical_clause", " ".join(clause[-60:])):
        return []
    if scan.search("background_before", " ".join(before.split()[-modality.background_window:])):
        return []
    other = _OTHER_WORK.match(low[end:end + 60]) if cue.name in PEOPLE_TYPES else None
    if other and not any(end <= x.start < end + other.end() for x in mentions):
        return []  # "quit 'Star Wars' trilogy": the object is a title that is not a linked show
    if _is_question(low, start, sent.field, modality.question_start):
        return []
    if not cue.position and has_primary and _OBJECT_ANAPHOR.match(low, end, end + 60) \
            and all(x.show_id != primary for x in mentions):
        by_anaphor = True  # the cue's object is "the drama": the item's show, not the one named nearby
    if by_anaphor:
        shows = []
    elif forced is None and has_primary and mentions and all(x.derived for x in mentions) \
            and all(x.show_id != primary for x in mentions):
        shows = []  # "the 'Breaking Bad' prequel's sixth season": the item's own show, not the parent
    else:
        shows = _pick_shows(mentions, start, end, cue.name, low, forced)
    attribution = 1.0
    if not shows:
        # No usable mention: the item's main show, when the sentence is the headline or description,
        # or refers back to it ("the series", "Season 2").
        if (sent.field == "body" or cue.anaphor_only) and not _ANAPHOR.search(low):
            return []
        if sent.field != "body" and not has_primary and not (n_links == 1 and _ANAPHOR.search(low)):
            return []
        if any(m.show_id == primary and m.credit and _unlinked_title(low, mentions) for m in mentions):
            return []  # the main show named as the credit of someone in another work
        if n_links > 1 and sent.field == "body" and not any(m.show_id == primary for m in mentions):
            attribution = 0.75
        shows = [_Mention(primary, start, start, False)]
        attribution *= 0.8
    excluded = [(x.start, x.end) for x in mentions] + nets
    people: list[str] = []
    if cue.name in PEOPLE_TYPES:
        people = _people(sent.text, low, cue.name, start, end, m.group(0), excluded)
    network = min(nets, key=lambda n: abs(n[0] - start)) if nets else None
    reported, past = tone.reported(), tone.past()
    out = []
    for show in shows:
        confidence = cue.weight * FIELD_WEIGHT[sent.field] * attribution * (0.5 + 0.5 * link_conf[show.show_id])
        if reported:
            confidence *= 0.9
        near = show.start if len(shows) > 1 else start
        out.append(Event(
            type=cue.name, show_id=show.show_id, show_title=titles[show.show_id],
            season=_season(low, near), status="reported" if reported else "official",
            date=when if cue.name == "premiere_date" else None, people=list(people),
            network=sent.text[network[0]:network[1]] if network else None,
            evidence=sent.text[:500], confidence=round(confidence, 3), new=not past, field=sent.field))
    return out


class _Tone:
    """A sentence's reported/past flags, searched for on first use only."""

    def __init__(self, scan: Scan) -> None:
        self._scan = scan
        self._reported: bool | None = None
        self._past: bool | None = None

    def reported(self) -> bool:
        if self._reported is None:
            self._reported = bool(self._scan.search("reported_sentence"))
        return self._reported

    def past(self) -> bool:
        if self._past is None:
            self._past = bool(self._scan.search("past_sentence"))
        return self._past


def _keep(found: dict[tuple[str, int], Event], event: Event) -> None:
    key = (event.type, event.show_id)
    old = found.get(key)
    if old is None:
        found[key] = event
        return
    best, other = (event, old) if event.confidence > old.confidence else (old, event)
    best.season = best.season or other.season
    best.date = best.date or other.date
    best.network = best.network or other.network
    best.people = best.people + [p for p in other.people if p not in best.people]
    best.new = best.new or other.new
    found[key] = best
