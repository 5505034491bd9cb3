"""Evidence that one alias hit names the show: quotes, informative capitals, TV words next to it,
and counter-evidence (film words, part of a longer name, "Deadline reported"). The weights are one
named table (EVIDENCE) so they can be read and tuned in one place."""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import attrgetter
from types import MappingProxyType

# Imported by name: mention() runs for every automaton hit (no module attribute look-ups there).
from newsagg.shows.cues import (ACCORDING_PHRASES, FILM_TV_LEFT, FILM_TV_RIGHT, LEFT_PHRASES, PERSON_RIGHT,
                                PLACE_WORDS, QUOTED_LEFT, REPORTING_VERB, STRONG_RIGHT, left_tails)
from newsagg.shows.cues import right_adj as is_right_adj
from newsagg.shows.article import ArticleText, any_between
from newsagg.shows.matcher import COMMON, DISTINCT, OUTLETS, PLAIN, SINGLE, Alias
from newsagg.shows.quotes import extends_name, sentence_start

LINK_THRESHOLD = 0.5

# Evidence of one mention, by situation (0..1; a show links from LINK_THRESHOLD).
EVIDENCE = MappingProxyType({
    "quoted": 0.9,                  # quoted or emphasised in an article about television
    "quoted_alone": 0.45,           # quoted, but nothing says television
    "adjacent": 0.85,               # a TV word right next to it ("Girls season 6"), distinct or single-word title
    "adjacent_plain": 0.7,          # the same for a plain word ("Lost star")
    "weak_start": 0.45,             # a plain word at a sentence start, or a telegraphic title-case headline
    "distinct_named": 0.8,          # a distinctive multi-word title, capitalised or near TV words
    "distinct": 0.65,
    "distinct_place": 0.45,         # after "in"/"at": a place ("Hell's Kitchen")
    "common_tv": 0.65,              # common words, capitalised, near TV words
    "common_place": 0.45,
    "common": 0.35,
    "single_tv": 0.45,              # one uncommon word, near TV words
    "single": 0.25,
    "plain": 0.2,
    "notable_tv": 0.55,             # a starter-catalogue title in a sentence about television
    "negative_factor": 0.45,        # film/book words near it
    "settled": 0.85,                # a body mention this convincing settles the alias for the rest
    "name_override": 0.8,           # a mention strong enough to survive being a surname elsewhere
    "listed": 0.55,                 # listed next to a convincing show: "Arrow, iZombie and Legends of Tomorrow"
    "fuzzy": 0.8,                   # a misspelt quoted title close to a catalogue title
})
CALENDAR = frozenset("monday tuesday wednesday thursday friday saturday sunday january february march april "
                     "may june july august september october november december christmas easter".split())


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    alias: Alias
    field: str
    quoted: bool
    evidence: float
    fuzzy: bool = False
    adjacent: bool = False


def mention(art: ArticleText, start: int, end: int, alias: Alias) -> Mention | None:
    """The evidence for one automaton hit, or None when it is certainly not the show."""
    norm, low = art.norm, art.low
    bounds = art.bounds
    fld = "title" if start < bounds[0] else "description" if start < bounds[1] else "body"  # art.field_at
    key = alias.key
    qctx = art.qindex
    quoted = art.is_quoted(start, end, key)
    risk = alias.risk
    in_tc_title = fld == "title" and art.title_case
    if alias.quoted_only and not quoted:
        return None                          # "Jimmy Kimmel" the person; "on 'Jimmy Kimmel'" the show
    if alias.film and not (FILM_TV_RIGHT.match(low, end, end + 48) or
                           not FILM_TV_LEFT.isdisjoint(left_tails(low[start - 48 if start > 48 else 0:start]))):
        return None                          # "the 'Spider-Man' star": the film, whatever shows share the title
    if quoted:
        negative = any_between(art.neg_pos, start - 70, end + 50, start, end)
        if (art.article_tv or risk < PLAIN) and not negative:
            # The common case in trade press: a quoted title in an article about television.
            strong = bool(STRONG_RIGHT.match(low, end, end + 40))
            return Mention(start, end, alias, fld, True, EVIDENCE["quoted"], adjacent=strong)
    else:  # the checks that drop a mention come first: they need no other evidence
        if qctx is not None and qctx.inside(start, end):
            return None                      # a word of another quoted title ("Orange Is the New Back")
        if extends_name(norm, start, end, in_tc_title):
            art.names.add(key)
            return None                      # "Hannibal Buress", "Empire State Building"
    left = low[start - 48 if start > 48 else 0:start]
    right = low[end:end + 48]
    tails = left_tails(left)            # the last one to three words: looked up in several lists
    left_adj = not LEFT_PHRASES.isdisjoint(tails) or quoted and not QUOTED_LEFT.isdisjoint(tails)

    if not quoted:
        # PERSON_RIGHT opens with "," or a space: test that first, the regex rarely runs.
        if not left_adj and (right[:1] == "," or right[:1].isspace()) and PERSON_RIGHT.match(right):
            art.names.add(key)
            return None                      # "Ray Donovan, veteran stuntman, dies"
        if risk >= SINGLE and (REPORTING_VERB.match(right.lstrip(" ,")) or
                               not ACCORDING_PHRASES.isdisjoint(tails)):
            return None                      # "Deadline reported", "Rosenberg said"
        if key in OUTLETS or key in CALENDAR:
            return None                      # "Variety", "The CW's Wednesday lineup"
        # Capitals say something only off a sentence start: "The Flash returned" still has "Flash".
        # "EastEnders", "iZombie": inner capitals matched exactly say "name" even at a sentence start.
        caps_informative = not in_tc_title and (
            alias.camel or not sentence_start(norm, start + alias.cap_offsets[0] if alias.cap_offsets
                                              else start))
        if alias.plain_words and not caps_informative:
            return None                      # "Late Night Hosts Find ...": ordinary words in a title-case headline
        # Film or book words near it: looked up only for a mention that survived the checks above.
        negative = any_between(art.neg_pos, start - 70, end + 50, start, end)

    right_adj = is_right_adj(right)
    # A headline "Show: ..." (TVLine, Digital Spy style) names the show first; a headline that is only
    # the title ("Friends") names nothing else.
    colon_head = fld == "title" and start == art.first_ns and (
        right.startswith(":") or not norm[end:art.bounds[0]].strip(" \"'.!?"))
    adjacent = right_adj or left_adj or colon_head
    tv_near = any_between(art.tv_pos, start - 90, end + 90, start, end)
    in_place = not PLACE_WORDS.isdisjoint(tails)

    if quoted:
        evidence = EVIDENCE["quoted"] if (adjacent or tv_near or art.article_tv or risk < PLAIN) \
            else EVIDENCE["quoted_alone"]
    elif adjacent:
        evidence = EVIDENCE["adjacent"] if risk <= SINGLE else EVIDENCE["adjacent_plain"]
        if risk == PLAIN and not caps_informative and not colon_head and not right_adj:
            evidence = EVIDENCE["weak_start"]      # "Lost ..." at a sentence start
        if in_tc_title and risk >= SINGLE and not colon_head and not alias.notable:
            evidence = EVIDENCE["weak_start"]      # telegraphic headlines: "Revival Premiere Ratings"
    elif risk == DISTINCT:
        evidence = EVIDENCE["distinct_named"] if caps_informative or tv_near else EVIDENCE["distinct"]
        if in_place:
            evidence = EVIDENCE["distinct_place"]  # "a private investigator in Hell's Kitchen": a place
    elif risk == COMMON:
        if caps_informative and tv_near and not in_place:
            evidence = EVIDENCE["common_tv"]
        elif caps_informative and tv_near:
            evidence = EVIDENCE["common_place"]
        else:
            evidence = EVIDENCE["common"]
    elif risk == SINGLE:
        evidence = EVIDENCE["single_tv"] if tv_near and (
            caps_informative or alias.notable and not in_tc_title) else EVIDENCE["single"]
    else:
        evidence = EVIDENCE["plain"]
    # A title the catalogue calls notable, in a sentence about television: "Sherlock, Doctor Who and ...".
    if not quoted and alias.notable and (risk == COMMON or risk == SINGLE) and tv_near and not negative \
            and not in_tc_title and (caps_informative or colon_head or risk == COMMON) and not in_place:
        evidence = max(evidence, EVIDENCE["notable_tv"])
    if negative and not adjacent:
        evidence *= EVIDENCE["negative_factor"]
    return Mention(start, end, alias, fld, quoted, evidence,
                   adjacent=quoted and bool(STRONG_RIGHT.match(right)))


_LIST_GAP_AT = re.compile(r"""["'\s]*(?:,|,?\s+and|,?\s+or|&|/)\s*["'\s]*$""")
_START = attrgetter("start")


def propagate_lists(mentions: list[Mention], low: str) -> None:
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
                    weak.evidence = EVIDENCE["listed"]
                    changed = True
        if not changed:
            break
