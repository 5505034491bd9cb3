"""The one show resolver: what a person typed (`show TITLE`, `articles --show`, `stories --show`,
`digest --show`) -> catalogue rows, or one line with the closest names.

A reference matches, in this order: an id ("#12" or "12"), a label ("Conviction (2016)"), a title,
an alias; comparing title keys (case, accents, punctuation and a leading article ignored, so
"marvels jessica-jones" meets "Marvel's Jessica Jones"). A name several shows share gives all of
them (`best_show` picks one where one is needed). Nothing matching: fuzzy suggestions over titles
and aliases ("did you mean ...?").
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from models.schema import ShowRow
from newsagg.shows.catalogue import Show
from newsagg.shows.merge import title_key

_SEPARATORS = re.compile(r"[-\u2010-\u2015_/:.,;]+")
FUZZY_CUTOFF = 70  # rapidfuzz WRatio, 0-100: "Sherlok" -> "Sherlock", "Jones" -> "Jessica Jones"


def name_key(name: str) -> str:
    """The catalogue's title key, with separators as spaces: "X-FILES" meets "The X-Files"."""
    return title_key(_SEPARATORS.sub(" ", name))


def find_shows(session: Session, ref: str) -> list[Show]:
    """Every show `ref` names (see the module help); ShowNotFound (one line) when none."""
    from newsagg.shows.store import ShowNotFound, load_catalogue

    ref = " ".join(ref.split())
    if ref.lstrip("#").isdigit():
        row = session.get(ShowRow, int(ref.lstrip("#")))
        if row is not None:
            from newsagg.shows.store import show_from_row

            return [show_from_row(row)]
    shows, _ = load_catalogue(session)
    if not shows:
        raise ShowNotFound(f"unknown show {ref!r}: the database has no shows yet (shows are linked as articles "
                           "are crawled; `newsagg shows import` adds a catalogue)")
    want = name_key(ref)
    for found in ([s for s in shows if name_key(s.label) == want or s.label.lower() == ref.lower()],
                  [s for s in shows if name_key(s.title) == want],
                  [s for s in shows if any(name_key(a) == want for a in s.aliases)]):
        if found:
            return found
    raise ShowNotFound(_unknown(ref, shows))


def best_show(shows: list[Show]) -> Show:
    """Of shows sharing a name: the notable one, else the most recent premiere."""
    return max(shows, key=lambda s: (s.notable, s.premiere_year or 0))


def find_show(session: Session, ref: str) -> ShowRow:
    """The one show `ref` means (for a timeline or an edit)."""
    row = session.get(ShowRow, best_show(find_shows(session, ref)).id)
    assert row is not None
    return row


def _unknown(ref: str, shows: list[Show]) -> str:
    from rapidfuzz import fuzz, process

    titles = {s.title for s in shows}
    shared = {t for t in titles if sum(s.title == t for s in shows) > 1}
    # How each name is shown: a title (its label when remakes share it), an alias with its show.
    names: dict[str, str] = {}
    for s in shows:
        names.setdefault(s.title, s.label if s.title in shared else s.title)
        for alias in s.aliases:
            names.setdefault(alias, f"{alias} ({s.title})")
    close = process.extract(ref, list(names), scorer=fuzz.WRatio, processor=name_key, limit=3,
                            score_cutoff=FUZZY_CUTOFF)
    if not close:
        return f"unknown show {ref!r} (no close matches; `newsagg shows list --search WORD` searches the catalogue)"
    hints = list(dict.fromkeys(names[c[0]] for c in close))
    return f"unknown show {ref!r}; did you mean {', '.join(repr(h) for h in hints)}?"
