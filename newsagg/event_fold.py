"""Folding TV event reports into facts in memory, for a whole ingest batch at once.

A fact is one piece of news: the reports of one show and type that are in the same story or
within `window` of each other (seasons must not disagree), with its first reporter and every
outlet. The rules are applied article by article, oldest first, exactly as one article at a time
would: the store loads the candidate facts and their reports once, this module folds, and the
store writes the difference with bulk statements (folding report by report against the database
cost several queries per report and dominated the ingest of event-rich items).

Ties are broken by id: a fact made here gets a provisional id above every stored one, a report
made here sorts after every stored one, in the order they were made (as the database numbers them).

A stored fact's reports are read only when its fields cannot be updated without them. New reports
are folded into the stored fields when those that sort before the fact's latest report name no
people and no date (the fields they could reorder); the first reporter, counts, outlets, status and
season do not depend on the order reports arrive in (all of a fact's stated seasons agree: a report
of another season never joins it). Otherwise, and to remove or merge reports, the fact's reports
are read (`load`) and it is folded again from all of them. A long-running crawl thus reads a batch's
worth of reports, not every report of every fact it touches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Mapping, Sequence

NEW_ID = 1 << 62  # provisional ids start here: above any stored id
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)
_BEFORE_ALL, _AFTER_ALL = (-1, -1), (1 << 62, 0)  # order keys below and above any report's
FACT_COLUMNS = ("season", "status", "announced", "people", "first_article_id", "first_source_id",
                "first_published_at", "last_published_at", "report_count", "source_count", "source_ids")


def _micros(when: datetime) -> int:
    return (when - _EPOCH) // _MICROSECOND


@dataclass
class Report:
    order: int  # the stored event id, or NEW_ID + n for a report made here
    fact_id: int
    article_id: int
    published_at: datetime
    story_id: int | None
    source_id: int | None
    status: str
    season: int | None
    announced: str | None
    people: list[str]
    values: Mapping[str, Any] | None = None  # the column values of a report made here
    stored_fact_id: int | None = None  # the fact it had when loaded
    # The order of a fact's reports, as integers: sorting on aware datetimes was most of the folding time.
    key: tuple[int, int] = field(init=False)

    def __post_init__(self) -> None:
        self.key = (_micros(self.published_at), self.order)


@dataclass
class Fact:
    id: int
    show_id: int
    type: str
    season: int | None
    status: str
    announced: str | None
    people: list[str]
    first_article_id: int | None
    first_source_id: int | None
    first_published_at: datetime
    last_published_at: datetime
    report_count: int = 1
    source_count: int = 1
    # Every report when `complete`; else only the reports made by this fold (the stored ones are
    # read on demand). The fields above are those of reports[:fresh] (and of the stored reports of an
    # incomplete fact); None: not known, fold all.
    reports: list[Report] = field(default_factory=list)
    fresh: int | None = None
    complete: bool = True
    sources: set[int | None] = field(default_factory=set)  # the outlets of its (folded) reports
    # An incomplete fact: the stories its stored reports are in (among those asked about).
    stories: set[int] = field(default_factory=set)
    # The order keys of the folded reports' first and last (a stored fact's are known by date only:
    # a report made here sorts after a stored one of the same time).
    first_key: tuple[int, int] = (0, 0)
    last_key: tuple[int, int] = (0, 0)

    @property
    def source_ids(self) -> list[int | None]:
        return sorted(self.sources, key=lambda i: (i is None, i or 0))

    def columns(self) -> dict[str, Any]:
        return {c: getattr(self, c) for c in FACT_COLUMNS}


@dataclass
class FoldChanges:
    """What to write: facts to insert (provisional ids), update or delete; stored reports that
    changed fact; reports to insert (after the batch articles' stored events are deleted)."""
    new_facts: list[dict[str, Any]]
    updated_facts: list[dict[str, Any]]
    deleted_facts: list[int]
    moved_reports: list[tuple[int, int]]
    new_reports: list[dict[str, Any]]
    articles: list[int]


def _report(r: Mapping[str, Any]) -> Report:
    return Report(order=r["id"], fact_id=r["fact_id"], article_id=r["article_id"], published_at=r["published_at"],
                  story_id=r["story_id"], source_id=r["source_id"], status=r["status"], season=r["season"],
                  announced=r["announced"], people=list(r["people"] or []), stored_fact_id=r["fact_id"])


class Folder:
    def __init__(self, facts: Sequence[Mapping[str, Any]], reports: Sequence[Mapping[str, Any]],
                 window: timedelta, *, summaries: Mapping[int, set[int]] | None = None,
                 load: Callable[[list[int]], Sequence[Mapping[str, Any]]] | None = None) -> None:
        """facts: stored fact rows (id, show_id, type and FACT_COLUMNS); reports: every stored event
        (id, fact_id, article_id, published_at, story_id, source_id, status, season, announced,
        people) of the facts not in `summaries`; summaries: fact id -> the stories its reports are
        in among the batch's, for facts whose reports are read on demand by `load` (fact ids -> their
        stored events)."""
        self.window = window
        self.facts: dict[int, Fact] = {}
        self.by_pair: dict[tuple[int, str], list[Fact]] = {}
        self.stored: dict[int, dict[str, Any]] = {}
        summaries = summaries or {}
        assert load is not None or not summaries, "facts read on demand need a loader"
        self._load = load
        for row in sorted(facts, key=lambda r: r["id"]):
            fact = Fact(id=row["id"], show_id=row["show_id"], type=row["type"],
                        **{c: row[c] for c in FACT_COLUMNS if c not in ("people", "source_ids")},
                        people=list(row["people"] or []), sources=set(row["source_ids"] or ()))
            self.stored[fact.id] = fact.columns()
            if fact.id in summaries:
                fact.complete, fact.fresh = False, 0
                fact.stories = set(summaries[fact.id])
                fact.first_key = (_micros(fact.first_published_at), 0)
                fact.last_key = (_micros(fact.last_published_at), NEW_ID - 1)
            self._add(fact)
        self.by_article: dict[int, list[Report]] = {}
        self.stored_reports: list[Report] = []
        self._take(reports)
        self.new_reports: list[Report] = []
        self.articles: list[int] = []
        self._next_fact = self._next_report = NEW_ID

    def _take(self, rows: Sequence[Mapping[str, Any]]) -> None:
        """Stored reports, into their facts (in id order)."""
        for r in sorted(rows, key=lambda r: r["id"]):
            if r["fact_id"] not in self.facts:
                continue
            rep = _report(r)
            self.facts[rep.fact_id].reports.append(rep)
            self.by_article.setdefault(rep.article_id, []).append(rep)
            self.stored_reports.append(rep)

    def _complete(self, fact: Fact) -> None:
        """Read a fact's stored reports (before the ones made here); it is then folded from all."""
        if fact.complete:
            return
        assert self._load is not None
        made_here, fact.reports = fact.reports, []
        self._take(self._load([fact.id]))
        fact.reports.extend(made_here)
        fact.complete, fact.fresh, fact.stories = True, None, set()

    def _add(self, fact: Fact) -> None:
        self.facts[fact.id] = fact
        self.by_pair.setdefault((fact.show_id, fact.type), []).append(fact)  # ids ascend: stays sorted

    def _delete(self, fact: Fact) -> None:
        del self.facts[fact.id]
        self.by_pair[(fact.show_id, fact.type)].remove(fact)

    def _find(self, show_id: int, type_: str, season: int | None, published_at: datetime,
              story_id: int | None) -> Fact | None:
        """A fact of the same show and type in the same story, or reported within the window; seasons
        must not disagree. Of several, the latest reported (the first by id on a tie)."""
        best = None
        for fact in self.by_pair.get((show_id, type_), ()):
            if season is not None and fact.season is not None and season != fact.season:
                continue
            near = fact.first_published_at - self.window <= published_at <= fact.last_published_at + self.window
            same_story = not near and story_id is not None and (
                story_id in fact.stories or any(r.story_id == story_id for r in fact.reports))
            if (near or same_story) and (best is None or fact.last_published_at > best.last_published_at):
                best = fact
        return best

    def article(self, article_id: int, published_at: datetime, story_id: int | None, source_id: int | None,
                events: Sequence[Mapping[str, Any]]) -> None:
        """Replace an article's events (column values, see models.events) and fold each into a fact."""
        self.articles.append(article_id)
        touched: set[int] = set()
        for rep in self.by_article.pop(article_id, []):
            fact = self.facts.get(rep.fact_id)
            if fact is not None:
                self._complete(fact)
                fact.reports.remove(rep)
                fact.fresh = None
                touched.add(fact.id)
            if rep.values is not None:
                self.new_reports.remove(rep)
        mine: list[Report] = []
        for e in events:
            # Facts are refreshed only once the whole article is folded (its reports share one time).
            fact = self._find(e["show_id"], e["type"], e["season"], published_at, story_id)
            if fact is None:
                fact = Fact(id=self._next_fact, show_id=e["show_id"], type=e["type"], season=e["season"],
                            status=e["status"], announced=e["announced"], people=list(e["people"]),
                            first_article_id=article_id, first_source_id=None, first_published_at=published_at,
                            last_published_at=published_at)
                self._next_fact += 1
                self._add(fact)
            rep = Report(order=self._next_report, fact_id=fact.id, article_id=article_id,
                         published_at=published_at, story_id=story_id, source_id=source_id, status=e["status"],
                         season=e["season"], announced=e["announced"], people=list(e["people"] or []), values=e)
            fact.reports.append(rep)
            self._next_report += 1
            self.new_reports.append(rep)
            mine.append(rep)
            touched.add(fact.id)
        self.by_article[article_id] = mine
        for fact_id in sorted(touched):
            if fact_id in self.facts:
                self._refresh(self.facts[fact_id])
        for fact_id in sorted(touched):
            if fact_id in self.facts:
                self._merge_bridged(self.facts[fact_id])

    def _refresh(self, fact: Fact) -> None:
        """Bring a fact's fields up to date with its reports: fold the new ones into the fields when
        that gives what folding all would (see the module docstring), else fold all, from scratch."""
        if fact.fresh is not None:
            new = sorted(fact.reports[fact.fresh:], key=lambda r: r.key)
            if not new:
                return
            last = fact.last_key
            for r in new:
                if r.key > last:
                    last = r.key
                elif r.people or r.announced:
                    break  # it could reorder the people or change the date: fold all
            else:
                self._fold_in(fact, new)
                return
        self._complete(fact)
        rows = sorted(fact.reports, key=lambda r: r.key)
        if not rows:
            self._delete(fact)
            return
        fact.reports = rows
        fact.first_key, fact.last_key = _AFTER_ALL, _BEFORE_ALL
        fact.status, fact.season, fact.announced, fact.people, fact.sources = "reported", None, None, [], set()
        fact.report_count = 0
        self._fold_in(fact, rows)

    @staticmethod
    def _fold_in(fact: Fact, new: list[Report]) -> None:
        """Fold reports (sorted; those before the fact's latest name no people and no date) into its fields."""
        for r in new:
            if r.key < fact.first_key:
                fact.first_key = r.key
                fact.first_article_id, fact.first_source_id, fact.first_published_at = (
                    r.article_id, r.source_id, r.published_at)
        people = list(fact.people)  # a new list: the stored columns may hold the old one
        for r in new:
            if r.key > fact.last_key:
                fact.last_key, fact.last_published_at = r.key, r.published_at
                fact.announced = r.announced or fact.announced
                people.extend(p for p in r.people if p not in people)
            if r.story_id is not None and not fact.complete:
                fact.stories.add(r.story_id)
        fact.people = people
        fact.report_count += len(new)
        fact.sources.update(r.source_id for r in new)
        fact.source_count = len(fact.sources)
        if fact.status != "official" and any(r.status == "official" for r in new):
            fact.status = "official"
        if fact.season is None:
            fact.season = next((r.season for r in new if r.season is not None), None)
        fact.fresh = len(fact.reports)

    def _merge_bridged(self, fact: Fact) -> None:
        """A late report can bridge two facts (reports on day 0 and day 8, then one on day 4): fold
        the later into the earlier so that facts stay more than the window apart."""
        while True:
            near = [o for o in self.by_pair[(fact.show_id, fact.type)] if o.id != fact.id
                    and (o.season is None or fact.season is None or o.season == fact.season)
                    and o.first_published_at - self.window <= fact.last_published_at
                    and fact.first_published_at <= o.last_published_at + self.window]
            if not near:
                return
            keep, drop = sorted([fact, near[0]], key=lambda f: (f.first_published_at, f.id))
            self._complete(keep)
            self._complete(drop)
            for rep in drop.reports:
                rep.fact_id = keep.id
            keep.reports.extend(drop.reports)
            keep.fresh = None
            self._delete(drop)
            self._refresh(keep)
            fact = keep

    def changes(self) -> FoldChanges:
        new_facts = [{"key": f.id, "show_id": f.show_id, "type": f.type, **f.columns()}
                     for f in self.facts.values() if f.id >= NEW_ID]
        updated = [{"id": f.id, **f.columns()} for f in self.facts.values()
                    if f.id < NEW_ID and f.columns() != self.stored[f.id]]
        batch = set(self.articles)
        moved = [(r.order, r.fact_id) for r in self.stored_reports
                 if r.article_id not in batch and r.fact_id != r.stored_fact_id]
        new_reports = [{**(r.values or {}), "article_id": r.article_id, "published_at": r.published_at,
                        "fact_key": r.fact_id} for r in self.new_reports]
        return FoldChanges(new_facts=new_facts, updated_facts=updated,
                           deleted_facts=[i for i in self.stored if i not in self.facts],
                           moved_reports=moved, new_reports=new_reports, articles=list(dict.fromkeys(self.articles)))
