"""The alias automaton: every show name in one Aho-Corasick machine, matched in linear time.

Built once per process per catalogue version (`get_matcher`): the 12k-show catalogue
takes about a second to compile, a lookup over an article well under a millisecond.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterator, Sequence

import ahocorasick

from newsagg.shows.aliases import CuratedAlias
from newsagg.shows.catalogue import Show, name_variants
from newsagg.shows.textnorm import alias_key

# Words whose capitalisation says nothing ("the Flash", "Mozart in the Jungle").
MINOR_WORDS = frozenset("a an the of in on at to for and or & with from by vs vs. de la le el".split())

# Risk: how much evidence a bare mention needs before it counts as the show.
DISTINCT, COMMON, SINGLE, PLAIN = 0, 1, 2, 3

# Outlets and networks: "Deadline reported", "Variety said", "on Showtime" are not the shows.
OUTLETS = frozenset(k.lower() for k in (
    "Variety", "Deadline", "TVLine", "Digital Spy", "Cinema Blend", "CinemaBlend", "Vulture", "Collider",
    "IndieWire", "Indiewire", "Screen Rant", "TV Guide", "TheWrap", "The Wrap", "Entertainment Weekly", "EW",
    "The Hollywood Reporter", "Hollywood Reporter", "Radio Times", "Empire Online", "Uproxx", "Decider",
    "The AV Club", "The A.V. Club", "Den of Geek", "IGN", "Slashfilm", "Gizmodo", "Io9", "Mashable",
    "People", "Us Weekly", "TMZ", "E! News", "Access", "Extra", "The Guardian", "BBC News", "Metro",
    "The Sun", "The Times", "The Independent", "The Telegraph", "Newsweek", "Time", "Forbes", "Billboard",
    "Rolling Stone", "Playbill", "Backstage", "Broadcast", "Screen Daily", "Nielsen", "Netflix", "Hulu",
    "Marvel", "Disney", "Amazon", "Apple", "HBO", "Showtime", "Starz", "Bravo", "Lifetime", "History",
    "Freeform", "Syfy", "Oxygen", "Discovery", "Food Network", "Comedy Central", "Paramount", "Peacock",
    # Magazines and papers that share a name with a show ("an interview with Vanity Fair").
    "Vanity Fair", "GQ", "Esquire", "Vogue", "Elle", "Glamour", "Cosmopolitan", "Harper's Bazaar", "Marie Claire",
    "InStyle", "Wired", "The New Yorker", "The Atlantic", "New York Magazine", "The New York Times",
    "The Washington Post", "USA Today", "Los Angeles Times", "The Wall Street Journal", "HuffPost",
    "BuzzFeed", "Politico", "Axios", "Good Housekeeping", "Teen Vogue", "Seventeen", "Essence",
))


@dataclass(frozen=True)
class Alias:
    """One automaton key and what it may name."""

    key: str
    show_ids: tuple[int, ...]
    risk: int
    notable: bool                    # names a starter-catalogue show: a known title, not a random phrase
    cap_offsets: tuple[int, ...]     # offsets (in the key) of letters that must be upper-case in the text
    exact_words: tuple[tuple[int, str], ...]  # (offset, word) that must match case exactly ("GoT", "iZombie")
    content_words: int
    # "EastEnders", "iZombie": inner capitals in an exactly-matched word (derived from exact_words).
    camel: bool = field(default=False, compare=False)
    quoted_only: bool = field(default=False, compare=False)   # a host's name: the show only when quoted
    # (show id, from, until) decimal years: an era title names that show only then ("The Tonight Show").
    eras: tuple[tuple[int, float, float], ...] = field(default=(), compare=False)
    film: bool = field(default=False, compare=False)   # news means the film ("Aladdin") unless TV is said
    plain_words: bool = field(default=False, compare=False)  # a curated short form of ordinary words

    def __post_init__(self) -> None:
        object.__setattr__(self, "camel", any(any(c.isupper() for c in w[1:]) for _, w in self.exact_words))


def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


def _risk(name: str, key: str, words: list[str]) -> int:
    content = [w for w in key.split() if w not in MINOR_WORDS]
    letters = sum(c.isalnum() for c in key)
    if key in OUTLETS or letters <= 3:
        return PLAIN
    if len(content) <= 1:
        word = content[0] if content else key
        return PLAIN if _zipf(word.strip(".!?,:'")) >= 5.0 else SINGLE
    zipfs = [_zipf(w.strip(".!?,:'")) for w in content]
    if min(zipfs) >= 3.8:
        return COMMON
    return DISTINCT


def _useful_variant(key: str) -> bool:
    """A generated variant (leading "The" dropped) is kept when it is still a distinctive name."""
    content = [w for w in key.split() if w not in MINOR_WORDS]
    if len(content) >= 2:
        return True
    return bool(content) and _zipf(content[0].strip(".!?,:'")) < 3.2


def _case_rules(name: str, key: str) -> tuple[tuple[int, ...], tuple[tuple[int, str], ...]]:
    """Which letters must be capitals in the text, and which words must match case exactly."""
    caps: list[int] = []
    exact: list[tuple[int, str]] = []
    pos = 0
    orig_words = " ".join(name.split()).split(" ")
    for i, word in enumerate(key.split(" ")):
        orig = orig_words[i] if i < len(orig_words) else word
        letters = [c for c in orig if c.isalpha()]
        if letters and any(c.isupper() for c in letters[1:]) and not all(c.isupper() for c in letters):
            exact.append((pos, orig))            # GoT, iZombie, BoJack
        elif letters and all(c.isupper() for c in letters) and len(letters) <= 5 and len(letters) > 1:
            exact.append((pos, orig))            # SNL, NCIS, FBI: never the lower-case word
        elif orig[:1].isupper() and (word not in MINOR_WORDS or i == 0 and len(key.split()) == 1):
            caps.append(pos)
        elif orig[:1].isalpha() and orig[:1].islower() and not exact and word not in MINOR_WORDS:
            exact.append((pos, orig))            # "black-ish", "iZombie": keep as written
        pos += len(word) + 1
    return tuple(caps), tuple(exact)


class AliasMatcher:
    """Aho-Corasick over lower-cased, normalised text; candidates checked for word boundaries and case."""

    def __init__(self, shows: Sequence[Show], curated: Sequence[tuple[CuratedAlias, Show]] = (),
                 films: Sequence[str] = ()) -> None:
        names: dict[str, set[int]] = defaultdict(set)
        spelling: dict[str, str] = {}
        notable: set[str] = set()
        catalogue_keys: set[str] = set()  # from titles: such a key is never host-only
        for show in shows:
            if show.id is None:
                raise ValueError(f"show {show.title!r} has no id")
            given = {alias_key(n) for n in [show.title, *show.aliases]}
            catalogue_keys.add(alias_key(show.title))
            # The automaton matches on boundary text: "brooklyn nine nine" (a curated spelling) is the
            # same entry as the title "brooklyn nine-nine", and must not make the title a plain-words alias.
            catalogue_keys.add(boundary_text(alias_key(show.title)).strip())
            for name in show.all_names():
                key = alias_key(name)
                if len(key) < 2 or not any(c.isalnum() for c in key):
                    continue
                if key not in given and not _useful_variant(key):
                    continue  # "The Office" -> "Office" would match every "Box Office"
                if show.notable:
                    notable.add(key)
                names[key].add(show.id)
                # Prefer the spelling with capitals: it carries the case rules.
                if key not in spelling or (name[:1].isupper() and not spelling[key][:1].isupper()):
                    spelling[key] = name
        hosts, eras = self._add_curated(curated, names, spelling, notable)
        curated_keys = {alias_key(n) for entry, _ in curated for n in name_variants([entry.alias])}
        film_keys = {alias_key(n) for n in name_variants(films)}
        self.aliases: dict[str, Alias] = {}
        self.automaton = ahocorasick.Automaton()
        by_token: dict[str, set[str]] = defaultdict(set)
        for key, ids in names.items():
            name = spelling[key]
            caps, exact = _case_rules(name, key)
            words = key.split()
            risk = _risk(name, key, words)
            if risk == PLAIN and key in curated_keys and exact and len(exact) == len(words):
                risk = SINGLE  # a curated acronym matched in its own case ("SNL", "GoT") is no common word
            # A curated short form of ordinary words ("Late Night", "Office") needs quotes or telling capitals.
            in_catalogue = key in catalogue_keys or boundary_text(key).strip() in catalogue_keys
            plain_words = key in curated_keys and not in_catalogue and risk >= COMMON and not exact
            alias = Alias(key, tuple(sorted(ids)), risk, key in notable, caps, exact,
                          sum(w not in MINOR_WORDS for w in words),
                          quoted_only=key in hosts and not in_catalogue, eras=tuple(eras.get(key, ())),
                          film=key in film_keys, plain_words=plain_words)
            self.aliases[key] = alias
            # The value carries what find() checks per hit, unpacked without attribute lookups.
            self.automaton.add_word(" " + boundary_text(key), (
                len(key), caps[0] if caps else -1, caps if len(caps) > 1 else None, exact or None, alias))
            content = [w for w in words if w not in MINOR_WORDS] or words
            if len(key) >= 6:  # fuzzy index: a misspelt title keeps its first or last word, or its start
                n = len(words)
                by_token[f"{n}|{content[0]}"].add(key)
                by_token[f"{n}|{content[-1]}"].add(key)
                by_token[f"{n}^{content[0][:3]}"].add(key)
        self.automaton.make_automaton()
        self.by_token = {k: tuple(v) for k, v in by_token.items()}

    @staticmethod
    def _add_curated(curated: Sequence[tuple[CuratedAlias, Show]], names: dict[str, set[int]],
                     spelling: dict[str, str], notable: set[str]
                     ) -> tuple[set[str], dict[str, list[tuple[int, float, float]]]]:
        """Curated aliases join the names; returns the host-only keys and each key's eras."""
        hosts: set[str] = set()
        plain: set[str] = set()
        eras: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
        for entry, show in curated:
            assert show.id is not None
            for name in name_variants([entry.alias]):
                key = alias_key(name)
                if len(key) < 2:
                    continue
                names[key].add(show.id)
                spelling.setdefault(key, name)
                if show.notable:
                    notable.add(key)
                (hosts if entry.quoted_only else plain).add(key)
                if entry.start is not None or entry.until is not None:
                    eras[key].append((show.id, entry.start if entry.start is not None else -1e9,
                                      entry.until if entry.until is not None else 1e9))
        return hosts - plain, eras

    def find(self, low: str, orig: str, spaced: str | None = None) -> Iterator[tuple[int, int, Alias]]:
        """(start, end, alias) for whole-word, case-consistent matches, leftmost-longest.

        The automaton runs over " " + boundary_text(low), its keys start with a space: hits
        begin only at word starts, which keeps the Python-side work per article small."""
        text = spaced if spaced is not None else " " + boundary_text(low)
        n = len(low)
        # end: offsets in `low` are one less than in `text`
        for end, (klen, cap0, caps, exact, alias) in self.automaton.iter_long(text):
            if end < n and text[end + 1] != " ":
                continue
            start = end - klen
            if cap0 >= 0 and not orig[start + cap0].isupper():
                continue             # most hits are ordinary lower-case words ("you", "lost")
            if caps is not None and not all(orig[start + o].isupper() for o in caps):
                continue
            if exact is not None and not _exact_ok(orig, start, exact):
                continue
            yield start, end, alias

    def find_all(self, low: str, orig: str, spaced: str) -> list[tuple[int, int, Alias]]:
        """find() as a list: the linker's hot loop, without a generator resumed per hit."""
        n = len(low)
        out: list[tuple[int, int, Alias]] = []
        add = out.append
        for end, (klen, cap0, caps, exact, alias) in self.automaton.iter_long(spaced):
            if end < n and spaced[end + 1] != " ":
                continue
            start = end - klen
            if cap0 >= 0 and not orig[start + cap0].isupper():
                continue
            if caps is not None and not all(orig[start + o].isupper() for o in caps):
                continue
            if exact is not None and not _exact_ok(orig, start, exact):
                continue
            add((start, end, alias))
        return out

    def fuzzy_candidates(self, span_key: str) -> tuple[str, ...]:
        words = [w for w in span_key.split() if w not in MINOR_WORDS] or span_key.split()
        if not words:
            return ()
        n = len(span_key.split())
        out = set(self.by_token.get(f"{n}|{words[0]}", ()))
        out.update(self.by_token.get(f"{n}|{words[-1]}", ()))
        out.update(self.by_token.get(f"{n}^{words[0][:3]}", ()))
        size = len(span_key)
        return tuple(k for k in out if abs(len(k) - size) <= 3)


_ASCII_BOUNDARY = bytes(c if chr(c).isalnum() else 32 for c in range(256))
_NON_WORD = re.compile(r"[\W_]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def boundary_text(low: str) -> str:
    """Every character that is not a letter or digit becomes a space (length kept)."""
    if low.isascii():
        return low.encode("ascii").translate(_ASCII_BOUNDARY).decode("ascii")
    # Mostly ASCII: translate it in C ("?" stands in for each other character), then put back the
    # non-ASCII letters and digits (what [\W_] keeps) one by one.
    base = low.encode("ascii", "replace").translate(_ASCII_BOUNDARY).decode("ascii")
    parts: list[str] = []
    prev = 0
    for m in _NON_ASCII.finditer(low):
        c = m.group()
        if c.isalnum():
            i = m.start()
            parts.append(base[prev:i])
            parts.append(c)
            prev = i + 1
    if not parts:
        return base
    parts.append(base[prev:])
    return "".join(parts)


def _exact_ok(orig: str, start: int, exact: tuple[tuple[int, str], ...]) -> bool:
    for off, word in exact:
        got = orig[start + off:start + off + len(word)]
        if got != word and not (got.isupper() and len(got) > 1 and got == word.upper()):
            return False
    return True


_CACHE: dict[str, AliasMatcher] = {}
_LOCK = threading.Lock()


def get_matcher(shows: Sequence[Show], version: str, curated: Sequence[tuple[CuratedAlias, Show]] = (),
                films: Sequence[str] = ()) -> AliasMatcher:
    """The matcher for this catalogue version, built on first use in this process."""
    with _LOCK:
        matcher = _CACHE.get(version)
        if matcher is None:
            matcher = AliasMatcher(shows, curated, films)
            _CACHE.clear()  # one catalogue at a time: an old version is garbage
            _CACHE[version] = matcher
        return matcher
