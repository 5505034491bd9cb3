"""What event extraction returns."""

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
