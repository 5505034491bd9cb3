"""Plain dataclasses a digest is made of: what build.py produces and render.py consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Outlet:
    name: str              # the source's display title, e.g. "Deadline"
    source: str            # the source's registry name, e.g. "deadline"
    url: str | None        # None when the article's link is not http(s) (never rendered as a link)
    time: datetime         # aware UTC: when this outlet first published the story


@dataclass(frozen=True)
class DigestStory:
    key: str               # stable across days and runs: the story key, or "url-<sha1>" for a lone article
    headline: str
    time: datetime         # aware UTC: the earliest outlet's time
    summary: str
    outlets: list[Outlet]  # one per outlet, earliest first (outlets of off-topic members last)
    articles: int = 1      # member articles up to the day's end (the second ranking key of top stories)
    show: str | None = None  # title of the show the story is filed under; None = "Other"

    @property
    def link(self) -> str | None:
        """The first outlet with a usable link (what feeds point an item at)."""
        return next((o.url for o in self.outlets if o.url), None)

    @property
    def lead_times(self) -> list[tuple[Outlet, timedelta]]:
        """Each later outlet and how long after the first it published (first outlet excluded)."""
        first = self.outlets[0].time
        return [(o, o.time - first) for o in self.outlets[1:]]


@dataclass(frozen=True)
class Show:
    id: int
    title: str
    network: str | None = None
    year: int | None = None                          # premiere year: tells remakes apart
    external_ids: tuple[tuple[str, str], ...] = ()   # ("tvmaze", "1370"), ...


@dataclass(frozen=True)
class ShowSection:
    show: Show
    stories: list[DigestStory]
    coverage_30d: list[int]  # articles linked to the show per local day, oldest first; last = the digest's day
    articles: int            # the day's articles linked to the show (the ordering key)


@dataclass
class Digest:
    date: date
    tz: str
    window_start: datetime   # aware UTC, inclusive
    window_end: datetime     # aware UTC, exclusive
    sections: list[ShowSection]
    other: list[DigestStory]
    shows_filter: list[str] = field(default_factory=list)  # show titles asked for with --show
    previous_date: date | None = None                      # --since-last: the digest compared against
    excluded_keys: list[str] = field(default_factory=list)  # --since-last: stories left out
    top_stories: list[DigestStory] = field(default_factory=list)  # widest stories, also in their section
    # Dicts of the exact shape newsagg.digest.moves.MOVE_KEYS (TV events); the section is hidden when empty.
    industry_moves: list[dict] = field(default_factory=list)

    @property
    def excluded(self) -> int:
        return len(self.excluded_keys)

    @property
    def stories(self) -> list[DigestStory]:
        return [s for sec in self.sections for s in sec.stories] + self.other

    @property
    def empty(self) -> bool:
        return not self.stories

    @property
    def coverage_start(self) -> date:
        return self.date - timedelta(days=29)

    @property
    def top_keys(self) -> set[str]:
        return {s.key for s in self.top_stories}
