"""The cue lexicons (cues.toml, modality.toml, networks.txt) compiled once per process."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from newsagg.events.prefilter import PatternSet
from newsagg.events.text import whole_words

ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
            "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
            "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
            "nineteenth": 19, "twentieth": 20, "sophomore": 2}
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
                "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20}
ORD_PATTERN = r"(?:" + "|".join(ORDINALS) + r"|\d{1,2}(?:st|nd|rd|th))"
GENRE_PATTERN = (r"(?:(?:\w+ )?(?:drama|comedy|sitcom|series|limited series|miniseries|docuseries|"
                 r"reboot|revival|spinoff|spin-off|talk show|show|anthology|thriller|procedural|sequel series|"
                 r"prequel series|reality series|competition series|animated series))")


# Cues that hold only next to a show's name: `after_show` ones follow it as its verb ("'Warrior Nun'
# won't return"), `before_show` ones take it as their object ("ABC drops 'Quantico'"). Alone, such
# words are too common to mean the event ("drops", "adds", "is over").
POSITIONS = ("after_show", "before_show")


@dataclass(frozen=True)
class TypeCues:
    """A group of one type's cues: the alternation `key` of patterns() (the type's name, or
    "type@position" for positional cues); the type's blockers are `blockers:name`."""
    name: str
    weight: float
    has_blockers: bool
    needs_date: bool
    anaphor_only: bool  # no fallback to the main show in the headline without "the show/series"
    key: str = ""
    position: str | None = None

    @property
    def blockers(self) -> str:
        return f"blockers:{self.name}"


@dataclass(frozen=True)
class Modality:
    """Word windows and question words; the modality patterns are the alternations of patterns()
    named by their modality.toml key (denial_sentence, negation_before, ...)."""
    window: int
    background_window: int
    question_start: frozenset[str]


def _data(name: str) -> str:
    return resources.files("newsagg.events").joinpath(name).read_text("utf-8")


@lru_cache(maxsize=1)
def networks() -> tuple[str, ...]:
    names = [l.strip().lower() for l in _data("networks.txt").splitlines() if l.strip() and not l.startswith("#")]
    return tuple(sorted(set(names), key=len, reverse=True))


@lru_cache(maxsize=1)
def _network_names() -> str:
    return "|".join(re.escape(n) for n in networks())


def _joins_name(char: str) -> bool:
    """A character that would make a network name part of a longer word ("abc" in "abcd", "at&t")."""
    return char.isalnum() or char in "_&+"


@lru_cache(maxsize=1)
def _network_automaton() -> Any:
    import ahocorasick

    auto = ahocorasick.Automaton()
    for name in networks():
        auto.add_word(name, len(name))
    auto.make_automaton()
    return auto


def find_networks(low: str) -> list[tuple[int, int]]:
    """Network names in a lower-cased sentence, as (start, end), left to right, not overlapping, the
    longest where several start at one place; never inside a longer word (what a search for the
    names, longest first, between (?<![\\w&+]) and (?![\\w&+]) finds)."""
    longest: dict[int, int] = {}
    for end, size in _network_automaton().iter(low):
        start = end - size + 1
        if (end + 1 == len(low) or not _joins_name(low[end + 1])) and size > longest.get(start, 0):
            longest[start] = size
    return whole_words(longest, low, _joins_name)


def _expand(pattern: str) -> str:
    if "{" not in pattern:
        return pattern
    return pattern.replace("{ORD}", ORD_PATTERN).replace("{GENRE}", GENRE_PATTERN).replace("{NET}", _network_names())


@lru_cache(maxsize=1)
def _cue_data() -> dict[str, Any]:
    return tomllib.loads(_data("cues.toml"))


@lru_cache(maxsize=1)
def type_cues() -> tuple[TypeCues, ...]:
    out = []
    for name, spec in _cue_data().items():
        common = (name, float(spec.get("weight", 0.8)), bool(spec.get("blockers")),
                  bool(spec.get("needs_date", False)), spec.get("fallback") == "anaphor")
        out.append(TypeCues(*common, key=name))
        out += [TypeCues(*common, key=f"{name}@{pos}", position=pos) for pos in POSITIONS if spec.get(pos)]
    return tuple(out)


@lru_cache(maxsize=1)
def cues_by_name() -> dict[str, TypeCues]:
    """Cue groups by their alternation key."""
    return {c.key: c for c in type_cues()}


MODALITY_PATTERNS = ("negation_before", "hypothetical_before", "hypothetical_clause", "background_before",
                     "denial_sentence", "genre_sentence", "reported_sentence", "past_sentence")


@lru_cache(maxsize=1)
def patterns() -> PatternSet:
    """Every cue, blocker and modality pattern behind one literal pre-filter (newsagg.events.prefilter):
    a sentence is scanned once, and only the branches that can match it are searched."""
    alternations: dict[str, list[str]] = {}
    for name, spec in _cue_data().items():
        alternations[name] = [_expand(p) for p in spec["patterns"]]
        for pos in POSITIONS:
            if spec.get(pos):
                alternations[f"{name}@{pos}"] = [_expand(p) for p in spec[pos]]
        if spec.get("blockers"):
            alternations[f"blockers:{name}"] = [_expand(p) for p in spec["blockers"]]
    data = _modality_data()
    for key in MODALITY_PATTERNS:
        # *_before and *_clause lists are words; *_sentence lists are regular expressions.
        alternations[key] = _words(data[key]) if not key.endswith("_sentence") else list(data[key])
    return PatternSet(alternations)


def _words(words: list[str]) -> list[str]:
    # "n't" attaches to its verb, the others are whole words.
    return [re.escape(w) if w.startswith("n'") else rf"\b{re.escape(w)}\b" for w in words]


@lru_cache(maxsize=1)
def _modality_data() -> dict[str, Any]:
    return tomllib.loads(_data("modality.toml"))


@lru_cache(maxsize=1)
def modality() -> Modality:
    data = _modality_data()
    return Modality(window=int(data["window"]), background_window=int(data["background_window"]),
                    question_start=frozenset(data["question_start"]))
