"""Cheap substring tests that rule out a regular expression before the engine runs it.

A cue type's pattern is an alternation of many branches that each begin with \\b: the engine then
tries every branch at every position of a sentence, and most sentences that hold one of the type's
trigger words match no branch. From each branch's syntax tree we take literal text any match must
contain (one of a few strings); a branch none of whose strings occurs in the text cannot match.
Searching only the branches that can changes nothing: an alternation's match is the leftmost over
its branches, the first branch on a tie, and a branch that matches nowhere never takes part.
"""

from __future__ import annotations

import re
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any, Iterable

Needs = frozenset[str]  # at least one of these strings occurs in every match


def _best(options: list[Needs]) -> Needs | None:
    """The most selective of several conditions that all hold: few strings, long ones."""
    if not options:
        return None
    return max(options, key=lambda n: (min(map(len, n)), -len(n)))


def _needs(items: Iterable[tuple[Any, Any]]) -> Needs | None:
    """What a sequence of parsed items requires, or None when nothing is certain."""
    options: list[Needs] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            options.append(frozenset(["".join(run)]))
            run.clear()

    for op, av in items:
        if op is C.LITERAL:
            run.append(chr(av))
            continue
        close_run()
        if op is C.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if add_flags or del_flags:
                return None  # inline flags (case folding, ...) change what a literal matches
            if (inner := _needs(sub)) is not None:
                options.append(inner)
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            low, _high, sub = av
            if low >= 1 and (inner := _needs(sub)) is not None:
                options.append(inner)
        elif op is C.ATOMIC_GROUP:
            if (inner := _needs(av)) is not None:
                options.append(inner)
        elif op is C.BRANCH:
            alternatives = [_needs(alt) for alt in av[1]]
            if all(a is not None for a in alternatives):
                options.append(frozenset().union(*alternatives))  # type: ignore[arg-type]
        elif op is C.GROUPREF or op is C.GROUPREF_EXISTS:
            return None  # back-references: keep it simple, claim nothing
        # anything else (classes, any-character, assertions, anchors) ends a literal run, adds nothing
    close_run()
    return _best(options)


def required(pattern: str) -> Needs | None:
    """Strings at least one of which every match of `pattern` (no flags) contains; None if unknown."""
    parsed = _parser.parse(pattern, 0)
    if parsed.state.flags & ~(re.UNICODE | C.SRE_FLAG_UNICODE):
        return None
    return _needs(parsed.data)


class Alternation:
    """`re.compile("|".join(f"(?:{p})" for p in branches))` whose search() first asks whether any branch
    can match (see the module docstring): when none can, the engine does not scan the text at all.
    (Searching the possible branches one by one is slower: the engine's cost is the scan, per position.)"""

    def __init__(self, branches: list[str]) -> None:
        self.compiled = re.compile("|".join(f"(?:{b})" for b in branches))
        self.pattern = self.compiled.pattern
        needs = [required(b) for b in branches]
        # None: some branch needs no literal we can name, so the text is always searched.
        self.needs: tuple[str, ...] | None = None if any(n is None for n in needs) else tuple(
            sorted(set().union(*needs), key=len))  # type: ignore[arg-type]

    def search(self, text: str) -> re.Match[str] | None:
        if self.needs is not None and not any(s in text for s in self.needs):
            return None
        return self.compiled.search(text)

    def finditer(self, text: str, pos: int = 0) -> Iterable[re.Match[str]]:
        return self.compiled.finditer(text, pos)
