"""Many regular expressions behind one literal pre-filter (the idea of RE2's FilteredRE2).

The cue and modality lexicons are alternations of many branches, most beginning with \\b. Searching
such an alternation costs the engine a try of every branch at every position of a sentence, and
most sentences match none of them. From each branch's syntax tree we read literal text that any of
its matches must contain, as conditions that all hold ("gets|got|earns" and " season"); every
condition's strings go into one Aho-Corasick machine. One pass over a sentence, in C, then says
which branches can match there, and a search runs only those, each compiled alone.

Nothing changes in what is found: an alternation's match is the leftmost over its branches, the
first branch on a tie, and a branch that cannot match anywhere in the text takes no part. A search
in a part of the scanned text (the clause before a cue) may use the same scan: what the part
contains, the whole contains.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any, Iterable

Needs = frozenset[str]  # at least one of these strings occurs in every match
MIN_ATOM = 3  # a condition on shorter strings ("no", "ax") is kept only when a branch has no other


MAX_SET = 64  # literal alternatives multiplied out up to this many strings ("gets?|got" -> get, got)
_ZERO_WIDTH = (C.AT, C.ASSERT, C.ASSERT_NOT)


def _best(options: list[Needs]) -> Needs:
    """The most selective of several conditions that all hold: few strings, long ones."""
    return max(options, key=lambda n: (min(map(len, n)), -len(n)))


def _minimal(strings: set[str]) -> Needs:
    """The same condition with fewer strings: one that contains another adds nothing ("get" covers "gets")."""
    ordered = sorted(strings, key=len)
    kept: list[str] = []
    for s in ordered:
        if not any(k in s for k in kept):
            kept.append(s)
    return frozenset(kept)


def _exact(op: Any, av: Any) -> set[str] | None:
    """Every text one parsed item can match, when that is a small set of literals, else None."""
    if op is C.LITERAL:
        return {chr(av)}
    if op is C.IN and len(av) <= 8 and all(o is C.LITERAL for o, _ in av):
        return {chr(v) for _, v in av}
    if op is C.SUBPATTERN and not (av[1] or av[2]):
        return _exact_seq(av[3])
    if op is C.BRANCH and len(av[1]) <= MAX_SET:
        out: set[str] = set()
        for alt in av[1]:
            found = _exact_seq(alt)
            if found is None or len(out | found) > MAX_SET:
                return None
            out |= found
        return out
    if op is C.MAX_REPEAT and av[0] == 0 and av[1] == 1:
        found = _exact_seq(av[2])
        return None if found is None else found | {""}
    return None


def _exact_seq(items: Any) -> set[str] | None:
    out = {""}
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        found = _exact(op, av)
        if found is None or len(out) * len(found) > MAX_SET:
            return None
        out = {a + b for a in out for b in found}
    return out


def _conditions(items: Iterable[tuple[Any, Any]]) -> list[Needs]:
    """Conditions every match of a sequence of parsed items satisfies (all of them hold). Runs of
    items with a few literal texts each are multiplied out ("renew(?:s|ed)? for" -> "renew for",
    "renews for", "renewed for"); zero-width assertions do not break a run; a part we cannot read
    (case-folding flags, back-references, classes) breaks it and adds what holds inside it."""
    options: list[Needs] = []
    run: set[str] = {""}

    def close_run() -> None:
        nonlocal run
        if "" not in run:  # a run that may match nothing promises nothing
            options.append(_minimal(run))
        run = {""}

    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        found = _exact(op, av)
        if found is not None:
            if len(run) * len(found) > MAX_SET:
                close_run()
            run = {a + b for a in run for b in found}
            continue
        close_run()
        if op is C.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if not (add_flags or del_flags):  # inline flags change what a literal matches
                options.extend(_conditions(sub))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            low, _high, sub = av
            if low >= 1:
                options.extend(_conditions(sub))
        elif op is C.ATOMIC_GROUP:
            options.extend(_conditions(av))
        elif op is C.BRANCH:
            # One of the alternatives matches: its best condition holds, so one of their union does.
            alternatives = [_conditions(alt) for alt in av[1]]
            if all(alternatives):
                options.append(_minimal(set().union(*(_best(a) for a in alternatives))))
    close_run()
    return options


def conditions(pattern: str) -> list[Needs]:
    """Conditions (each: one of these strings occurs) that every match of `pattern` satisfies;
    empty when nothing can be said."""
    parsed = _parser.parse(pattern, 0)
    if parsed.state.flags & ~(re.UNICODE | C.SRE_FLAG_UNICODE):
        return []
    return _conditions(parsed.data)


def required(pattern: str) -> Needs | None:
    """The most selective single condition of `pattern`, or None when there is none."""
    found = conditions(pattern)
    return _best(found) if found else None


class PatternSet:
    """Named alternations (name -> branches, searched as `(?:b1)|(?:b2)|...`) behind one pre-filter."""

    def __init__(self, alternations: Mapping[str, Sequence[str]]) -> None:
        import ahocorasick

        self._branches = {name: tuple(branches) for name, branches in alternations.items()}
        self.names = tuple(self._branches)
        # Per branch, numbered across the set in order: its alternation's name, its regex, and the
        # bits of its conditions (all must be seen).
        self._owner: list[str] = []
        self._regex: list[re.Pattern[str]] = []
        self._need: list[int] = []
        # What seeing a string tells, as one integer (a scan only ORs them together): the low bits
        # are branches it makes candidates (numbered as above), the high bits conditions it meets.
        candidate_bits: dict[str, int] = {}
        condition_bits: dict[str, int] = {}
        self._always = 0  # branches with no condition: always candidates
        bit = 0
        for name, branches in self._branches.items():
            for pattern in branches:
                g = len(self._regex)
                self._owner.append(name)
                self._regex.append(re.compile(pattern))
                found = conditions(pattern)
                kept = [n for n in found if min(map(len, n)) >= MIN_ATOM] or ([_best(found)] if found else [])
                need = 0
                for cond in kept:
                    for atom in cond:
                        condition_bits[atom] = condition_bits.get(atom, 0) | 1 << bit
                    need |= 1 << bit
                    bit += 1
                self._need.append(need)
                if not kept:
                    self._always |= 1 << g
                for atom in _best(kept) if kept else ():  # seeing one of these makes the branch a candidate
                    candidate_bits[atom] = candidate_bits.get(atom, 0) | 1 << g
        self._shift = len(self._regex)
        self._automaton = ahocorasick.Automaton()
        for atom, bits in condition_bits.items():
            self._automaton.add_word(atom, candidate_bits.get(atom, 0) | bits << self._shift)
        self._automaton.make_automaton()

    def compiled(self, name: str) -> re.Pattern[str]:
        """The plain alternation (what a search through a scan is equal to)."""
        return re.compile("|".join(f"(?:{b})" for b in self._branches[name]))

    def scan(self, text: str) -> "Scan":
        seen = self._always
        for _end, bits in self._automaton.iter(text):
            seen |= bits
        candidates = seen & ((1 << self._shift) - 1)
        met = seen >> self._shift
        possible: dict[str, list[re.Pattern[str]]] = {}
        while candidates:  # lowest first: set order, then branch order (ties go to the first branch)
            lowest = candidates & -candidates
            candidates ^= lowest
            g = lowest.bit_length() - 1
            need = self._need[g]
            if met & need == need:
                possible.setdefault(self._owner[g], []).append(self._regex[g])
        return Scan(text, possible)


class Scan:
    """A text's possible branches, per alternation; searches run only those."""

    __slots__ = ("text", "possible")

    def __init__(self, text: str, possible: dict[str, list[re.Pattern[str]]]) -> None:
        self.text = text
        self.possible = possible  # alternation name -> its branches that can match, in order

    def search(self, name: str, text: str | None = None, pos: int = 0) -> re.Match[str] | None:
        """The alternation's search in the scanned text, or in a part of it."""
        branches = self.possible.get(name)
        if not branches:
            return None
        text = self.text if text is None else text
        if len(branches) == 1:
            return branches[0].search(text, pos)
        best = None
        for regex in branches:
            m = regex.search(text, pos)
            if m is not None and (best is None or m.start() < best.start()):
                best = m
        return best

    def finditer(self, name: str, pos: int = 0) -> Iterator[re.Match[str]]:
        """The alternation's successive matches in the scanned text (an empty match moves on by one)."""
        while (m := self.search(name, None, pos)) is not None:
            yield m
            pos = m.end() if m.end() > m.start() else m.start() + 1
