"""Search query syntax for both databases: words, OR, NOT, prefix* and "phrases".

    renewed OR cancelled netflix     (renewed or cancelled) and netflix: OR binds tighter than AND
    "season 2" NOT trailer           the phrase, without the word (also -trailer)
    ratin*                           any word starting with "ratin"

The user's query is parsed here (never passed through): it becomes an FTS5 MATCH string with every
word quoted, or a PostgreSQL tsquery string of plain lexemes for to_tsquery('english', ...). Words
are runs of letters and digits; anything else inside a term splits it into a phrase
("x-files" = "x files"). A query that does not parse is one SearchSyntaxError line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsagg.errors import NewsaggError

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_TOKEN = re.compile(r'"[^"]*"|\S+')
MAX_TERMS = 32


class SearchSyntaxError(NewsaggError):
    pass


@dataclass(frozen=True)
class Atom:
    words: tuple[str, ...]   # one word, or a phrase
    prefix: bool = False     # the last word is a prefix


@dataclass(frozen=True)
class Query:
    groups: tuple[tuple[Atom, ...], ...]  # all groups must match; a group matches when any atom does
    excluded: tuple[Atom, ...]            # none of these may match


def _atom(raw: str, query: str) -> Atom | None:
    prefix = raw.endswith("*") and not raw.startswith('"')
    body = raw[1:-1] if raw.startswith('"') else raw.rstrip("*")
    if raw.startswith('"') and (len(raw) < 2 or not raw.endswith('"')):
        raise SearchSyntaxError(f"unbalanced quote in search {query!r}")
    words = tuple(w.lower() for w in _WORD.findall(body))
    if not words:
        return None
    if prefix and len(words[-1]) < 2:
        raise SearchSyntaxError(f"a prefix needs at least 2 letters before '*' in search {query!r}")
    return Atom(words, prefix)


def parse(query: str) -> Query:
    if query.count('"') % 2:
        raise SearchSyntaxError(f"unbalanced quote in search {query!r}")
    tokens = _TOKEN.findall(query)
    groups: list[list[Atom]] = []
    excluded: list[Atom] = []
    pending_or = negate = False
    for i, tok in enumerate(tokens):
        if tok == "OR":
            if not groups or pending_or or negate or i == len(tokens) - 1:
                raise SearchSyntaxError(f"OR needs a term on each side in search {query!r}")
            pending_or = True
            continue
        if tok == "NOT" or (tok.startswith("-") and len(tok) > 1):
            if tok == "NOT":
                if negate or i == len(tokens) - 1 or pending_or:
                    raise SearchSyntaxError(f"NOT needs a term after it in search {query!r}")
                negate = True
                continue
            tok, negate = tok[1:], True
        atom = _atom(tok, query)
        if atom is None:  # punctuation only: nothing to match
            if pending_or or negate:
                raise SearchSyntaxError(f"{'OR' if pending_or else 'NOT'} needs a word after it in search {query!r}")
            continue
        if negate:
            excluded.append(atom)
        elif pending_or:
            groups[-1].append(atom)
        else:
            groups.append([atom])
        pending_or = negate = False
    if not groups:
        raise SearchSyntaxError(f"search {query!r} has no word to look for" +
                                (" (NOT only excludes)" if excluded else ""))
    if sum(len(g) for g in groups) + len(excluded) > MAX_TERMS:
        raise SearchSyntaxError(f"search {query!r} has more than {MAX_TERMS} terms")
    return Query(tuple(tuple(g) for g in groups), tuple(excluded))


def _fts5_atom(atom: Atom) -> str:
    return '"' + " ".join(atom.words) + '"' + ("*" if atom.prefix else "")


def to_fts5(query: str) -> str:
    """An FTS5 MATCH expression: every word double-quoted (no FTS5 syntax can come from the user)."""
    q = parse(query)
    expr = " AND ".join("(" + " OR ".join(_fts5_atom(a) for a in g) + ")" for g in q.groups)
    if q.excluded:
        expr = f"({expr}) NOT (" + " OR ".join(_fts5_atom(a) for a in q.excluded) + ")"
    return expr


def _ts_atom(atom: Atom) -> str:
    parts = [w + (":*" if atom.prefix and i == len(atom.words) - 1 else "") for i, w in enumerate(atom.words)]
    return parts[0] if len(parts) == 1 else "(" + " <-> ".join(parts) + ")"


def to_tsquery(query: str) -> str:
    """A to_tsquery('english', ...) string: lexemes are \\w+ runs only, so no tsquery syntax leaks in."""
    q = parse(query)
    expr = " & ".join("(" + " | ".join(_ts_atom(a) for a in g) + ")" for g in q.groups)
    for atom in q.excluded:
        expr += f" & !{_ts_atom(atom)}"
    return expr
