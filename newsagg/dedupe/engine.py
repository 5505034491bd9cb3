"""The dedupe façade: exact copies, near-duplicates and stories, one decision per article.

Order of checks, cheapest first: exact normalised-text hash, then MinHash LSH
over word 3-gram shingles, then the story clusterer (a copy simply joins its
original's story). Copies are marked, never dropped.

Guards against false copies: texts under MIN_SHINGLES shingles never match;
a text hash seen under BOILERPLATE_TITLES unrelated titles is boilerplate
("Subscribe to continue reading ...") and never matches again; a match whose
title shares no word with the candidate's title is refused (and the text is
then also ignored for story matching).

Used the same way by the crawl pipeline and by `newsagg cluster`; knows nothing
of Scrapy or the database. Warm start: `load(signatures, articles)`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from newsagg.dedupe import fingerprint as fp
from newsagg.dedupe.near_duplicates import THRESHOLD, NearDuplicateIndex, StoredSignature
from newsagg.dedupe.stories import StoryClusterer, StoryItem
from newsagg.dedupe.terms import tokens

if TYPE_CHECKING:
    from newsagg.records import Article

BOILERPLATE_TITLES = 3


@dataclass
class DedupeItem:
    key: Hashable
    title: str
    text: str = ""
    published_at: datetime | None = None      # None: fetched_at (or now) is used and flagged
    source: str | None = None
    url: str | None = None
    shows: list[str] = field(default_factory=list)      # primary shows
    fetched_at: datetime | None = None
    mentions: list[str] = field(default_factory=list)   # shows named only in passing
    # The text's fingerprint (fingerprint_of), when computed ahead: a writer that decides under
    # a lock computes it before taking the lock (it depends on the item alone).
    fingerprint: "Fingerprint | None" = None


@dataclass(frozen=True)
class Fingerprint:
    title_words: frozenset[str]
    text_hash: str | None
    shingle_count: int
    minhash: object | None  # None below the minimum number of shingles


def fingerprint_of(item: DedupeItem, min_shingles: int = fp.MIN_SHINGLES) -> Fingerprint:
    """What a decision needs from the item's own text: pure, so it can run before a lock."""
    text = item.text or ""
    shingle_set = fp.shingles(text)
    return Fingerprint(frozenset(tokens(item.title or "")), fp.text_hash(text), len(shingle_set),
                       fp.minhash(shingle_set) if len(shingle_set) >= min_shingles else None)


@dataclass
class Decision:
    key: Hashable
    story_key: str
    duplicate_of: Hashable | None
    text_hash: str | None
    minhash: bytes | None                     # None: text too short or boilerplate (nothing to store)
    is_new_story: bool = False
    merged_stories: list[str] = field(default_factory=list)  # now part of story_key: repoint them
    published_at: datetime | None = None      # the time used (fetch time when the item had none)
    flags: list[str] = field(default_factory=list)  # date_from_fetch, short_text, boilerplate_text, no_text


@dataclass
class StoredArticle:
    """An article of the recent window as stored: replayed on start to rebuild the stories."""

    item: DedupeItem
    story_key: str
    duplicate_of: Hashable | None = None
    text_hash: str | None = None


class Deduper:
    def __init__(self, window: timedelta = timedelta(days=14), near_threshold: float = THRESHOLD,
                 min_shingles: int = fp.MIN_SHINGLES, boilerplate_titles: int = BOILERPLATE_TITLES,
                 clusterer: StoryClusterer | None = None) -> None:
        self.window = window
        self.min_shingles = min_shingles
        self.boilerplate_titles = boilerplate_titles
        self.near = NearDuplicateIndex(window, near_threshold)
        self.stories = clusterer or StoryClusterer(window=window)
        self.boilerplate: set[str] = set()                  # learned blocklist of text hashes
        self._by_hash: dict[str, Hashable] = {}             # text hash -> first article with it
        self._hash_titles: dict[str, list[frozenset[str]]] = {}
        self._titles: dict[Hashable, frozenset[str]] = {}
        self._original: dict[Hashable, Hashable] = {}       # copy -> its original
        self._recent: deque[tuple[datetime, Hashable, str | None]] = deque()

    # ------------------------------------------------------------ public

    def process(self, items: Iterable[DedupeItem]) -> list[Decision]:
        return [self.process_one(item) for item in items]

    def process_one(self, item: DedupeItem) -> Decision:
        flags: list[str] = []
        when = item.published_at
        if when is None:
            when = item.fetched_at or datetime.now(timezone.utc)
            flags.append("date_from_fetch")
        elif when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        text = item.text or ""
        known = item.fingerprint
        if known is None or (known.minhash is None) != (known.shingle_count < self.min_shingles):
            known = fingerprint_of(item, self.min_shingles)
        title_words, thash = known.title_words, known.text_hash
        if thash is None:
            flags.append("no_text")
        elif known.shingle_count < self.min_shingles:
            flags.append("short_text")
        boiler = thash is not None and self._learn_boilerplate(thash, title_words)
        if boiler:
            flags.append("boilerplate_text")
        sig = None if boiler else known.minhash

        original = None
        if sig is not None:
            original = self._find_original(thash, sig, title_words)
        story_item = StoryItem(item.key, item.title or "", text, when, item.source, list(item.shows),
                               text_is_boilerplate=boiler, mentions=list(item.mentions))
        if original is not None:
            decision = self.stories.join(story_item, self.stories.story_of(original) or "")
        else:
            decision = self.stories.assign(story_item)

        self._remember(item.key, when, thash, title_words, sig, original, boiler)
        return Decision(item.key, decision.story_key, original, thash,
                        fp.pack(sig) if sig is not None else None, decision.is_new_story,
                        decision.merged, when, flags)

    def load(self, signatures: Iterable[StoredSignature] = (),
             articles: Iterable[StoredArticle] = ()) -> None:
        """Warm start from the database: the window's signatures and its articles with their stories.

        Articles must come oldest first; they are replayed into their stored
        stories (no new decisions), which rebuilds story profiles and word statistics.
        """
        self.near.load(signatures)
        for stored in articles:
            item = stored.item
            when = item.published_at or item.fetched_at or datetime.now(timezone.utc)
            boiler = stored.text_hash in self.boilerplate if stored.text_hash else False
            self.stories.restore(StoryItem(item.key, item.title or "", item.text or "", when, item.source,
                                           list(item.shows), text_is_boilerplate=boiler,
                                           mentions=list(item.mentions)), stored.story_key)
            thash = stored.text_hash or fp.text_hash(item.text or "")
            titles = frozenset(tokens(item.title or ""))
            if thash:
                self._learn_boilerplate(thash, titles)
            self._remember(item.key, when, thash, titles, None, stored.duplicate_of, False)

    def story_of(self, key: Hashable) -> str | None:
        return self.stories.story_of(key)

    # ------------------------------------------------------------ internals

    def _learn_boilerplate(self, thash: str, title_words: frozenset[str]) -> bool:
        """True when this text hash is boilerplate, now or from before."""
        if thash in self.boilerplate:
            return True
        seen = self._hash_titles.setdefault(thash, [])
        unrelated = bool(seen) and all(not _titles_related(title_words, t) for t in seen)
        if not seen or unrelated:
            if len(seen) < self.boilerplate_titles:
                seen.append(title_words)
        if len(seen) >= self.boilerplate_titles:
            self.boilerplate.add(thash)
            return True
        return unrelated  # same text under an unrelated title: not evidence of this article's news

    def _find_original(self, thash: str | None, sig: object, title_words: frozenset[str]) -> Hashable | None:
        candidates: list[Hashable] = []
        if thash and thash in self._by_hash:
            candidates.append(self._by_hash[thash])
        candidates.extend(self.near.query(sig))  # type: ignore[arg-type]
        for key in candidates:
            if _titles_related(title_words, self._titles.get(key, frozenset())):
                return self._original.get(key, key)
        return None

    def _remember(self, key: Hashable, when: datetime, thash: str | None, title_words: frozenset[str],
                  sig: object | None, original: Hashable | None, boiler: bool) -> None:
        self._titles[key] = title_words
        if original is not None:
            self._original[key] = original
        if thash and not boiler:
            self._by_hash.setdefault(thash, key)
        if sig is not None:
            self.near.add(key, sig, when)  # type: ignore[arg-type]
        self._recent.append((when, key, thash))
        self._evict(when)

    def _evict(self, when: datetime) -> None:
        newest = self.near.newest or when
        cutoff = max(newest, when) - self.window
        while self._recent and self._recent[0][0] < cutoff:
            _, key, thash = self._recent.popleft()
            self._titles.pop(key, None)
            self._original.pop(key, None)
            if thash and self._by_hash.get(thash) == key:
                del self._by_hash[thash]
                self._hash_titles.pop(thash, None)


def _titles_related(a: frozenset[str], b: frozenset[str]) -> bool:
    """Copies keep part of the headline (2 words, or a fifth of them); unknown titles do not object."""
    if not a or not b:
        return True
    shared = len(a & b)
    return shared >= 2 or shared / len(a | b) >= 0.2


def from_article(article: "Article") -> DedupeItem:
    """The dedupe view of a normalised article (keyed by canonical URL)."""
    flags = set(article.flags or [])
    return DedupeItem(
        key=article.canonical_url,
        title=article.title or "",
        text=article.body or article.summary or "",
        published_at=None if "date_from_fetch" in flags else article.published_at,
        source=article.source,
        url=article.url,
        # Primary shows only: an article mentioning a show in passing is not about it.
        shows=[s.title for s in article.shows if s.primary],
        mentions=[s.title for s in article.shows if not s.primary],
        fetched_at=article.fetched_at or article.published_at,
    )
