"""What event extraction takes and returns."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Protocol, Sequence

EVENT_TYPES = ("renewed", "cancelled", "ending", "ordered", "development", "premiere_date", "casting",
               "departure", "hiring", "production", "distribution", "ratings", "trailer", "award")
PEOPLE_TYPES = frozenset({"casting", "departure", "hiring"})


class LinkedShow(Protocol):
    """The linker's public output shape (newsagg.records.ShowLink): all the extractor relies on."""

    show_id: int
    title: str
    confidence: float
    primary: bool
    seasons: list[int]


@dataclass(frozen=True)
class ShowNames:
    """Optional extra names for a linked show (catalogue aliases): help find it in a sentence."""

    aliases: Sequence[str] = ()
    network: str | None = None


class CatalogueNames:
    """The catalogue aliases of a linker's shows (`linker.shows[id].aliases`) as ShowNames, made once
    per show: an item links several shows, and the same ones come back item after item."""

    def __init__(self, linker: Any) -> None:
        self.linker = linker
        self._made: dict[int, ShowNames] = {}

    def of(self, links: Sequence[LinkedShow]) -> dict[int, ShowNames]:
        out = {}
        for link in links:
            names = self._made.get(link.show_id)
            if names is None and link.show_id in self.linker.shows:
                names = self._made[link.show_id] = ShowNames(aliases=tuple(self.linker.shows[link.show_id].aliases or ()))
            if names is not None:
                out[link.show_id] = names
        return out


@dataclass
class Event:
    type: str
    show_id: int
    show_title: str
    season: int | None
    status: str  # official | reported
    date: str | None  # ISO date, "YYYY-MM" or "YYYY" the event announces
    people: list[str] = field(default_factory=list)
    network: str | None = None
    evidence: str = ""
    confidence: float = 0.0
    new: bool = True  # False: a past fact restated ("was renewed last year")
    field: str = "title"  # where the evidence is: title | description | body

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
