"""The cue lexicons (cues.toml, modality.toml, networks.txt) compiled once per process."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from newsagg.events.prefilter import Alternation

ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
            "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
            "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
            "nineteenth": 19, "twentieth": 20}
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
                "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20}
ORD_PATTERN = r"(?:" + "|".join(ORDINALS) + r"|\d{1,2}(?:st|nd|rd|th))"
GENRE_PATTERN = (r"(?:(?:\w+ )?(?:drama|comedy|sitcom|series|limited series|miniseries|docuseries|"
                 r"reboot|revival|spinoff|spin-off|talk show|show|anthology|thriller|procedural|sequel series|"
                 r"prequel series|reality series|competition series|animated series))")


@dataclass(frozen=True)
class TypeCues:
    name: str
    weight: float
    patterns: Alternation  # search() skips the branches that cannot match (newsagg.events.prefilter)
    blockers: Alternation | None
    needs_date: bool
    triggers: tuple[str, ...]
    anaphor_only: bool  # no fallback to the main show in the headline without "the show/series"


@dataclass(frozen=True)
class Modality:
    window: int
    negation_before: re.Pattern[str]
    hypothetical_before: re.Pattern[str]
    hypothetical_clause: re.Pattern[str]
    denial: re.Pattern[str]
    genre: re.Pattern[str]
    question_start: frozenset[str]
    reported: re.Pattern[str]
    past: re.Pattern[str]
    background_window: int
    background_before: re.Pattern[str]


def _data(name: str) -> str:
    return resources.files("newsagg.events").joinpath(name).read_text("utf-8")


@lru_cache(maxsize=1)
def networks() -> tuple[str, ...]:
    names = [l.strip().lower() for l in _data("networks.txt").splitlines() if l.strip() and not l.startswith("#")]
    return tuple(sorted(set(names), key=len, reverse=True))


@lru_cache(maxsize=1)
def network_pattern() -> re.Pattern[str]:
    return re.compile(r"(?<![\w&+])(?:" + "|".join(re.escape(n) for n in networks()) + r")(?![\w&+])")


def _expand(pattern: str) -> str:
    net = "|".join(re.escape(n) for n in networks())
    return pattern.replace("{ORD}", ORD_PATTERN).replace("{GENRE}", GENRE_PATTERN).replace("{NET}", net)


def _alternation(patterns: list[str]) -> Alternation | None:
    if not patterns:
        return None
    return Alternation([_expand(p) for p in patterns])


@lru_cache(maxsize=1)
def type_cues() -> tuple[TypeCues, ...]:
    data = tomllib.loads(_data("cues.toml"))
    out = []
    for name, spec in data.items():
        patterns = _alternation(list(spec["patterns"]))
        assert patterns is not None, name
        out.append(TypeCues(name, float(spec.get("weight", 0.8)), patterns,
                            _alternation(list(spec.get("blockers", []))), bool(spec.get("needs_date", False)),
                            tuple(spec["triggers"]),
                            spec.get("fallback") == "anaphor"))
    return tuple(out)


@lru_cache(maxsize=1)
def trigger_automaton() -> Any:
    """Every trigger word in one Aho-Corasick machine, valued (length, indices in type_cues() of the
    types holding it): a sentence is scanned in C, and Python sees only where a trigger occurs."""
    import ahocorasick

    types_of: dict[str, set[int]] = {}
    for i, cue in enumerate(type_cues()):
        for trig in cue.triggers:
            assert "a" <= trig[0] <= "z", trig  # read at word starts only
            types_of.setdefault(trig, set()).add(i)
    auto = ahocorasick.Automaton()
    for trig, types in types_of.items():
        auto.add_word(trig, (len(trig), frozenset(types)))
    auto.make_automaton()
    return auto


def _words(words: list[str]) -> re.Pattern[str]:
    # "n't" attaches to its verb, the others are whole words.
    return re.compile("|".join(re.escape(w) if w.startswith("n'") else rf"\b{re.escape(w)}\b" for w in words))


@lru_cache(maxsize=1)
def modality() -> Modality:
    data = tomllib.loads(_data("modality.toml"))
    return Modality(
        window=int(data["window"]),
        negation_before=_words(data["negation_before"]),
        hypothetical_before=_words(data["hypothetical_before"]),
        hypothetical_clause=_words(data["hypothetical_clause"]),
        denial=re.compile("|".join(data["denial_sentence"])),
        genre=re.compile("|".join(data["genre_sentence"])),
        question_start=frozenset(data["question_start"]),
        reported=re.compile("|".join(data["reported_sentence"])),
        past=re.compile("|".join(data["past_sentence"])),
        background_window=int(data["background_window"]),
        background_before=_words(data["background_before"]),
    )
