"""Online story clustering: each arriving article joins the best matching recent story or starts one.

An article is a weighted bag of words: title words, then lead words (the first
LEAD_WORDS words of the text) at half weight, each times its IDF learned from the
stream, names (capitalised mid-sentence, or learned to be names) boosted, words
of the article's own shows damped (the show is the topic; the news is what the
rest of the headline says, so two items about one show on one day stay apart).
A story is the sum of its members' bags. Score = cosine(article, story) times a
time decay on the story's last activity. Candidates come from an inverted index
on words (very common words do not nominate), so the cost per article stays flat
as the window grows. When an article matches two stories that are themselves
alike, they are merged into the older one (Google-News-style broad stories grow
from several seeds); the decision lists the absorbed keys.

No Scrapy, no database: `export()`/`restore()` carry state across restarts.
"""

from __future__ import annotations

import math
import uuid
from collections import Counter, deque
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from newsagg.dedupe.terms import DocFreq, is_title_case, names, tokens

# Score factor when the item and the story are mainly about different shows (primary links):
# a BBC One ratings story about one drama is not the ratings story of another.
DIFFERENT_SHOWS = 0.5
# Score factor when the only show the item and the story share is named in passing on one side:
# a stand-up special that mentions its comedian's sitcom is not that sitcom's premiere news.
SECONDARY_ONLY = 0.2
LEAD_WORDS = 60
LEAD_WEIGHT = 0.5
BODY_WORDS = 400          # the rest of the text up to here counts a little: roundups cite many outlets
BODY_WEIGHT = 0.15
NAME_BOOST = 2.0
SHOW_WEIGHT = 0.35
THRESHOLD = 0.18          # cosine to join a story (tuned on UCI headlines + SemEval pairs, see bench/)
MERGE_SCORE = 0.15        # an article scoring this with a second story...
MERGE_SIMILARITY = 0.25   # ...whose profile is this close to the first merges the two
HALF_LIFE = timedelta(hours=36)   # score halves for every 36 h since the story's last article
MAX_TERMS = 160           # story profile kept to its heaviest words: bounded memory and cost
MAX_CANDIDATES = 15
LEAD_CANDIDATES = 8       # earliest / most typical members a story keeps to re-elect its first and headline
MAX_POSTINGS = 60         # a word in more live stories than this is too common to nominate candidates
_STORY_NS = uuid.UUID("6f1c7a52-3f0e-4b5e-9d1e-6e2c1f4b8a10")


@dataclass
class StoryItem:
    key: Hashable
    title: str
    text: str
    published_at: datetime
    source: str | None = None
    shows: list[str] = field(default_factory=list)      # primary shows: what the article is mainly about
    text_is_boilerplate: bool = False  # the engine's verdict: then only the title counts
    mentions: list[str] = field(default_factory=list)   # shows named only in passing (secondary links)


@dataclass
class StoryDecision:
    story_key: str
    is_new_story: bool
    duplicate_of: Hashable | None = None
    score: float = 0.0
    merged: list[str] = field(default_factory=list)  # story keys absorbed into story_key now


Links = tuple[frozenset[str], frozenset[str]]  # (primary shows, shows named in passing), casefolded


@dataclass(frozen=True)
class _Candidate:
    at: datetime
    score: float
    key: Hashable
    source: str | None
    title: str
    links: Links


@dataclass
class Story:
    key: str
    headline: str
    first_key: Hashable
    first_source: str | None
    first_at: datetime
    last_at: datetime
    size: int = 0
    sources: set[str] = field(default_factory=set)
    terms: Counter[str] = field(default_factory=Counter)  # word -> summed base weight of members
    names: set[str] = field(default_factory=set)
    shows: set[str] = field(default_factory=set)
    mentions: set[str] = field(default_factory=set)          # members' secondary shows
    topics: Counter[str] = field(default_factory=Counter)    # members per primary show
    # Who may be first and lead, re-elected as the topic forms: the earliest and the most typical
    # members with their (primary, passing) shows, a few of each.
    earliest: list[_Candidate] = field(default_factory=list)
    typical: list[_Candidate] = field(default_factory=list)
    _norm: float = 0.0
    _norm_docs: float = -1.0

    def export(self) -> dict:
        """JSON-able state (what a restart needs if the window is not replayed)."""
        return {
            "key": self.key, "headline": self.headline, "first_key": self.first_key,
            "first_source": self.first_source, "first_at": self.first_at.isoformat(),
            "last_at": self.last_at.isoformat(), "size": self.size, "sources": sorted(self.sources),
            "terms": {t: round(w, 3) for t, w in self.terms.most_common(MAX_TERMS)},
            "names": sorted(self.names & set(self.terms)), "shows": sorted(self.shows),
            "mentions": sorted(self.mentions), "topics": dict(self.topics),
        }

    @classmethod
    def from_export(cls, data: dict) -> "Story":
        return cls(key=data["key"], headline=data["headline"], first_key=data["first_key"],
                   first_source=data.get("first_source"),
                   first_at=datetime.fromisoformat(data["first_at"]),
                   last_at=datetime.fromisoformat(data["last_at"]), size=int(data.get("size", 1)),
                   sources=set(data.get("sources", [])), terms=Counter(data.get("terms", {})),
                   names=set(data.get("names", [])), shows=set(data.get("shows", [])),
                   mentions=set(data.get("mentions", [])), topics=Counter(data.get("topics", {})))

    @property
    def topic(self) -> str | None:
        """The show most members are mainly about (None while no member has a primary show)."""
        return max(self.topics, key=lambda t: (self.topics[t], t)) if self.topics else None

    def fits(self, links: Links) -> bool:
        """Whether an article with these (primary, passing) shows may speak for the story:
        not when the story is about a show the article is not mainly about."""
        topic = self.topic
        shows, mentions = links
        return topic is None or topic in shows or not (shows or topic in mentions)

    def elect(self, member: _Candidate) -> None:
        """Add a member to the candidates and re-elect the first and the headline from members
        mainly about the story's show (any member while none is)."""
        if not self.earliest and self.size > 1:  # loaded from an export: the stored first stands
            self.earliest.append(_Candidate(self.first_at, -1.0, self.first_key, self.first_source, self.headline,
                                            (frozenset(), frozenset())))
            self.typical.append(self.earliest[0])
        if all(c.key != member.key for c in self.earliest):
            self.earliest = sorted([*self.earliest, member], key=lambda c: c.at)[:LEAD_CANDIDATES]
        if member.title and all(c.key != member.key for c in self.typical):
            self.typical = sorted([*self.typical, member], key=lambda c: -c.score)[:LEAD_CANDIDATES]
        first = next((c for c in self.earliest if self.fits(c.links)), self.earliest[0])
        self.first_at, self.first_key, self.first_source = first.at, first.key, first.source
        lead = next((c for c in self.typical if self.fits(c.links) and c.title), None) or \
            next((c for c in self.typical if c.title), None)
        if lead is not None:
            self.headline = lead.title


@dataclass
class _Features:
    base: dict[str, float]
    names: set[str]
    shows: set[str]
    mentions: set[str]

    @property
    def links(self) -> Links:
        return frozenset(self.shows), frozenset(self.mentions)


class StoryClusterer:
    def __init__(self, window: timedelta = timedelta(days=14), threshold: float = THRESHOLD,
                 merge_score: float = MERGE_SCORE, merge_similarity: float = MERGE_SIMILARITY,
                 half_life: timedelta = HALF_LIFE, doc_freq: DocFreq | None = None) -> None:
        self.window = window
        self.threshold = threshold
        self.merge_score = merge_score
        self.merge_similarity = merge_similarity
        self.half_life_h = half_life.total_seconds() / 3600
        self.df = doc_freq or DocFreq()
        self.stories: dict[str, Story] = {}
        self.item_story: dict[Hashable, str] = {}
        self._alias: dict[str, str] = {}  # merged story key -> the key it was merged into
        self._index: dict[str, set[str]] = {}
        self._docs: deque[tuple[datetime, Hashable, tuple[str, ...]]] = deque()  # for df and item eviction
        self._caps: Counter[str] = Counter()    # word seen capitalised mid-sentence
        self._lower: Counter[str] = Counter()   # word seen in lower case
        self.newest: datetime | None = None
        self._since_sweep = 0
        self._nominators: set[str] = set()

    # ------------------------------------------------------------ features

    def features(self, item: StoryItem) -> _Features:
        title = item.title or ""
        words = [] if item.text_is_boilerplate else (item.text or "").split()[:BODY_WORDS]
        lead = " ".join(words[:LEAD_WORDS])
        base: dict[str, float] = {}
        for t in tokens(" ".join(words[LEAD_WORDS:])):
            base[t] = BODY_WEIGHT
        for t in tokens(lead):
            base[t] = LEAD_WEIGHT
        for t in tokens(title):
            base[t] = 1.0
        title_case = is_title_case(title)
        found = names(title, title_case) | names(lead)
        # learn which words are names from sentence-case text, to spot them in Title Case headlines
        for part, tc in ((title, title_case), (lead, False)):
            if part and not tc:
                part_names = names(part)
                for t in set(tokens(part)):
                    (self._caps if t in part_names else self._lower)[t] += 1
        found |= {t for t in base if self._caps[t] and self._caps[t] > self._lower[t]}
        show_words = {t for s in item.shows for t in tokens(s)}
        for t in show_words & base.keys():
            base[t] *= SHOW_WEIGHT
        shows = {s.casefold() for s in item.shows}
        return _Features(base, found & base.keys(), shows, {s.casefold() for s in item.mentions} - shows)

    def _vector(self, f: _Features) -> dict[str, float]:
        return {t: w * self.df.idf(t) * (NAME_BOOST if t in f.names else 1.0) for t, w in f.base.items()}

    def _story_weight(self, s: Story, t: str) -> float:
        return s.terms.get(t, 0.0) * self.df.idf(t) * (NAME_BOOST if t in s.names else 1.0)

    def _story_norm(self, s: Story) -> float:
        # IDF drifts slowly: recompute a story's norm only after it changed or the stream grew 5%
        if s._norm_docs < 0 or self.df.docs > s._norm_docs * 1.05 + 1:
            s._norm = math.sqrt(sum(self._story_weight(s, t) ** 2 for t in s.terms)) or 1.0
            s._norm_docs = self.df.docs
        return s._norm

    def _decay(self, s: Story, when: datetime) -> float:
        gap_h = abs((when - s.last_at).total_seconds()) / 3600 if when > s.last_at else 0.0
        if when < s.first_at:
            gap_h = (s.first_at - when).total_seconds() / 3600
        return 0.5 ** (gap_h / self.half_life_h)

    def _score(self, vec: dict[str, float], vnorm: float, f: _Features, s: Story, when: datetime) -> float:
        dot = sum(w * self._story_weight(s, t) for t, w in vec.items() if t in s.terms)
        score = dot / (vnorm * self._story_norm(s)) * self._decay(s, when)
        if f.shows & s.shows:
            return score
        if (f.shows & s.mentions) or (f.mentions & s.shows):
            score *= SECONDARY_ONLY  # the shared show is only named in passing on one side
        elif f.shows and s.shows:
            score *= DIFFERENT_SHOWS  # mainly about different shows: rarely one piece of news
        return score

    def _candidates(self, vec: dict[str, float]) -> list[str]:
        acc: Counter[str] = Counter()
        for t, w in vec.items():
            if w <= 0 or t not in self._nominators:
                continue
            posting = self._index.get(t)
            if posting and len(posting) <= MAX_POSTINGS:
                for key in posting:
                    acc[key] += w
        return [k for k, _ in acc.most_common(MAX_CANDIDATES)]

    # ------------------------------------------------------------ assignment

    def assign(self, item: StoryItem) -> StoryDecision:
        """Put the item in a story (an existing one, or a new one) and return the decision."""
        known = self.story_of(item.key)
        if known is not None and known in self.stories:
            return StoryDecision(known, False)
        f = self.features(item)
        self._observe(item, f)
        vec = self._vector(f)
        vnorm = math.sqrt(sum(w * w for w in vec.values()))
        self._nominators = {t for t, w in f.base.items() if w >= LEAD_WEIGHT * SHOW_WEIGHT}  # title and lead
        scored: list[tuple[float, str]] = []
        if vnorm > 0:
            for key in self._candidates(vec):
                scored.append((self._score(vec, vnorm, f, self.stories[key], item.published_at), key))
        scored.sort(reverse=True)
        if scored and scored[0][0] >= self.threshold:
            best_score, best = scored[0]
            survivor, merged = self._maybe_merge(best, scored[1:])
            self._add_member(self.stories[survivor], item, f, best_score)
            return StoryDecision(survivor, False, score=best_score, merged=merged)
        story = self._new_story(item)
        self._add_member(story, item, f, 0.0)
        return StoryDecision(story.key, True, score=scored[0][0] if scored else 0.0)

    def join(self, item: StoryItem, story_key: str) -> StoryDecision:
        """Add the item to a given story (a near-duplicate joins its original's story)."""
        story_key = self.resolve(story_key) or story_key
        story = self.stories.get(story_key)
        if story is None:
            return self.assign(item)
        f = self.features(item)
        self._observe(item, f)
        self._add_member(story, item, f, -1.0)
        return StoryDecision(story_key, False, score=1.0)

    def restore(self, item: StoryItem, story_key: str) -> None:
        """Replay a stored article into its known story (warm start from the database)."""
        if item.key in self.item_story:
            return
        f = self.features(item)
        self._observe(item, f)
        story_key = self.resolve(story_key) or story_key
        story = self.stories.get(story_key) or self._new_story(item, story_key)
        self._add_member(story, item, f, -1.0)

    def story_of(self, key: Hashable) -> str | None:
        return self.resolve(self.item_story.get(key))

    def resolve(self, story_key: str | None) -> str | None:
        """The current key of a story that may since have been merged into another."""
        seen = 0
        while story_key in self._alias and seen < 1000:
            story_key, seen = self._alias[story_key], seen + 1
        return story_key

    # ------------------------------------------------------------ state

    def _observe(self, item: StoryItem, f: _Features) -> None:
        self.df.add(f.base)
        self._docs.append((item.published_at, item.key, tuple(f.base)))
        if self.newest is None or item.published_at > self.newest:
            self.newest = item.published_at
        self._since_sweep += 1
        if self._since_sweep >= 500:
            self.evict()

    def _new_story(self, item: StoryItem, key: str | None = None) -> Story:
        key = key or str(uuid.uuid5(_STORY_NS, f"{item.key}|{item.published_at.isoformat()}"))
        story = Story(key=key, headline="", first_key=item.key, first_source=item.source,
                      first_at=item.published_at, last_at=item.published_at)
        self.stories[key] = story
        return story

    def _add_member(self, s: Story, item: StoryItem, f: _Features, score: float) -> None:
        s.size += 1
        if item.source:
            s.sources.add(item.source)
        s.topics.update(f.shows)
        s.last_at = max(s.last_at, item.published_at)
        # First: the earliest member; headline: the most typical (highest score). Both only from
        # members mainly about the story's show: an article about something else never speaks for it.
        s.elect(_Candidate(item.published_at, score, item.key, item.source, item.title or "", f.links))
        for t, w in f.base.items():
            if t not in s.terms:
                self._index.setdefault(t, set()).add(s.key)
            s.terms[t] += w
        s.names |= f.names
        s.shows |= f.shows
        s.mentions |= f.mentions
        s._norm_docs = -1.0
        if len(s.terms) > 2 * MAX_TERMS:
            self._prune(s)
        self.item_story[item.key] = s.key

    def _prune(self, s: Story) -> None:
        keep = dict(s.terms.most_common(MAX_TERMS))
        for t in s.terms:
            if t not in keep:
                self._unindex(t, s.key)
        s.terms = Counter(keep)
        s.names &= keep.keys()

    def _unindex(self, t: str, key: str) -> None:
        posting = self._index.get(t)
        if posting is not None:
            posting.discard(key)
            if not posting:
                del self._index[t]

    def _maybe_merge(self, best: str, others: list[tuple[float, str]]) -> tuple[str, list[str]]:
        group = [best]
        for score, key in others:
            if score < self.merge_score:
                break
            if self._story_similarity(self.stories[best], self.stories[key]) >= self.merge_similarity:
                group.append(key)
        if len(group) == 1:
            return best, []
        group.sort(key=lambda k: (self.stories[k].first_at, k))
        survivor = group[0]
        for key in group[1:]:
            self._absorb(self.stories[survivor], self.stories.pop(key))
        return survivor, group[1:]

    def _story_similarity(self, a: Story, b: Story) -> float:
        if len(a.terms) > len(b.terms):
            a, b = b, a
        dot = sum(self._story_weight(a, t) * self._story_weight(b, t) for t in a.terms if t in b.terms)
        return dot / (self._story_norm(a) * self._story_norm(b))

    def _absorb(self, into: Story, old: Story) -> None:
        for t, w in old.terms.items():
            self._unindex(t, old.key)
            if t not in into.terms:
                self._index.setdefault(t, set()).add(into.key)
            into.terms[t] += w
        into.names |= old.names
        into.shows |= old.shows
        into.mentions |= old.mentions
        into.topics.update(old.topics)
        into.sources |= old.sources
        into.size += old.size
        for member in old.earliest + old.typical or [_Candidate(old.first_at, -1.0, old.first_key, old.first_source,
                                                                 old.headline, (frozenset(), frozenset()))]:
            into.elect(member)
        into.last_at = max(into.last_at, old.last_at)
        into._norm_docs = -1.0
        self._alias[old.key] = into.key  # members keep the old key until looked up
        if len(into.terms) > 2 * MAX_TERMS:
            self._prune(into)

    def evict(self, now: datetime | None = None) -> None:
        """Forget articles and stories whose last activity is older than the window."""
        self._since_sweep = 0
        ref = now or self.newest
        if ref is None:
            return
        cutoff = ref - self.window
        while self._docs and self._docs[0][0] < cutoff:
            _, key, terms = self._docs.popleft()
            self.df.remove(terms)
            self.item_story.pop(key, None)
        keep: dict[str, str] = {}
        for k in set(self.item_story.values()):  # keep only alias chains still used by an article
            while k in self._alias and k not in keep:
                keep[k] = self._alias[k]
                k = self._alias[k]
        self._alias = keep
        for key in [k for k, s in self.stories.items() if s.last_at < cutoff]:
            s = self.stories.pop(key)
            for t in s.terms:
                self._unindex(t, key)

    def export(self) -> list[dict]:
        return [s.export() for s in self.stories.values()]

    def load(self, stories: Iterable[dict]) -> None:
        """Load exported stories (without replay; IDF then starts from the stories' own words)."""
        for data in stories:
            s = Story.from_export(data)
            self.stories[s.key] = s
            for t in s.terms:
                self._index.setdefault(t, set()).add(s.key)
            self.df.docs += 1
            self.df.df.update(s.terms.keys())
            if self.newest is None or s.last_at > self.newest:
                self.newest = s.last_at
