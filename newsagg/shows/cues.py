"""Context cues around a mention: the words that make "Girls" a show, or "The Avengers" a film.

Right-context patterns are matched on a short slice of lower-cased, normalised text (see
textnorm); word lists are scanned once per article (cue_positions) or by last words (left_tails).
"""

from __future__ import annotations

import re

_TV_NOUNS = (r"(?:season|seasons|episode|episodes|finale|premiere|premieres|premiered|showrunner|showrunners|"
             r"spinoff|spin-off|revival|reboot|pilot|recap|spoilers?|cast|casting|renewal|renewed|renews|"
             r"cancel(?:s|led|ed|lation)?|axed|ratings|viewers|creator|co-creator|writers'? room|sitcom|"
             r"miniseries|docuseries|limited series|drama series|comedy series|series|staffel|saison|temporada)")

# Right after the title: "Girls season 6", "'Empire' star", "The Flash finale", "Sherlock's creator".
RIGHT_ADJ = re.compile(
    r"""^["',.:;!?)]*(?:'s)?\s*["']?\s*(?:-\s*)?(?:(?:first|second|third|fourth|fifth|sixth|seventh|eighth|"""
    r"""ninth|tenth|final|last|new|next|latest|upcoming|\d{1,2}(?:st|nd|rd|th))\s+)?(?:"""
    + _TV_NOUNS +
    r"""|star|stars|starring|actor|actress|boss|bosses|producers?|executive producer|ep|eps|writer|writers|"""
    r"""is renewed|has been renewed|was renewed|airs|aired|airing|"""
    # the trade's news verbs right after a title, as British headlines write it unquoted:
    # "Vera to return for a twelfth series", "Vigil gets second series", "Sweet Tooth to end with season 3"
    r"""renewed|cancell?ed|axed|recommissioned|(?:to|will) return for|returns for|(?:to|will) end (?:with|after)|"""
    r"""saved|rescued|resurrected|revived|named best|crowned|wins best|wins outstanding|"""
    r"""gets (?:a )?(?:second|third|fourth|fifth|new|another) (?:season|series)|"""
    r"""trailer|teaser|promo|preview|review|reviews|sneak peek|fans|fandom|universe|character|characters|"""
    r"""alum|alumni|team|host|hosts|co-host|co-hosts|sketch|sketches|skit|skits|monologue|spoof|parody|"""
    r"""segment|anchor|correspondent|cold open|contestant|contestants|judge|judges|cast member|trio)\b""")

# The first word RIGHT_ADJ can match after its leading punctuation: any word of the pattern (a superset),
# with the optional endings spelt out. right_adj() runs the regex only when that word is one of them.
_RIGHT_HEAD = re.compile(r"""["',.:;!?)\s-]*(\w*)""")
_RIGHT_FIRST = frozenset(w.rstrip("?") for w in re.findall(r"[a-z]+\??", RIGHT_ADJ.pattern)) | {
    "spoiler", "producer", "cancels", "cancelled", "canceled", "cancellation"}
_ORDINAL_ENDS = frozenset(("st", "nd", "rd", "th"))


def right_adj(right: str) -> bool:
    """RIGHT_ADJ.match(right), skipping the regex when the next word cannot start a match."""
    head = _RIGHT_HEAD.match(right)
    word = head.group(1)  # type: ignore[union-attr]
    if word in _RIGHT_FIRST or word[-2:] in _ORDINAL_ENDS:
        return bool(RIGHT_ADJ.match(right))
    at = head.start(1)  # type: ignore[union-attr]
    if word[:1] == "s" and at > 0 and right[at - 1] == "'":  # "'s" belongs to the lead: "Girls's season"
        word = _RIGHT_HEAD.match(right, at + 1).group(1)  # type: ignore[union-attr]
        if word in _RIGHT_FIRST or word[-2:] in _ORDINAL_ENDS:
            return bool(RIGHT_ADJ.match(right))
    return False


# Unmistakably television, right after a quoted title: rescues a classic from the era penalty.
STRONG_RIGHT = re.compile(r"""["',.:;!?)]*(?:'s)?\s*["']?\s*(?:season|seasons|series finale|finale|episode|"""
                          r"""episodes|reunion|revival|reboot|cast|rerun|reruns|box set|host|sketch|spoof)\b""")

# Right after a film's title, what makes it a television series of that name: "'Aladdin' season 2".
FILM_TV_RIGHT = re.compile(r"""["',.:;!?)]*(?:'s)?\s*["']?\s*(?:(?:tv|television|animated|new|original)\s+)?(?:season|seasons|"""
                           r"""episode|episodes|series|finale|showrunner|spinoff|spin-off)\b""")

# "Deadline reported", "Rosenberg said": the outlet or the person, not the show.
REPORTING_VERB = re.compile(r"""^["']?\s*(?:reported|reports|said|says|told|tells|writes|wrote|added|adds|"""
                            r"explained|explains|noted|notes|revealed|reveals|confirmed|confirms|announced|"
                            r"tweeted|posted|shared|insisted|admitted|according)\b")
# A person, not a show: "Ray Donovan, veteran stuntman, dies", "Luke Cage elected", "the Carter family".
PERSON_RIGHT = re.compile(r"^(?:,\s*(?:who|veteran|former|longtime|\d{1,3})\b|\s+(?:dies|died|dead|obituary|"
                          r"was born|married|marries|weds|arrested|sues|sued|elected|named|appointed|hired|"
                          r"resigns|retires|steps down|family|clan|household|brothers|sisters|siblings|estate)\b)")

# Words that may follow a title without making it part of a longer name ("Girls Season 6").
FOLLOWERS = frozenset("""season seasons series staffel saison temporada episode episodes finale premiere
premieres star stars showrunner showrunners creator creators cast boss ep eps spinoff revival reboot
recap review reviews preview trailer teaser promo spoilers ratings renewed renewal returns return
cancelled canceled gets got sets set is was has had will won takes tops leads wins ends to on at in
the a an and or for with as by from of vs sneak first final finals exclusive live special christmas
writer writers producer producers alum veteran actor actress fans universe team""".split())

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
                 "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
             "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
             "nineteenth": 19, "twentieth": 20}
# German, Spanish, French ordinals in common inflections ("vierten Staffel", "segunda temporada").
for _n, _words in enumerate([("erste", "ersten", "primera", "premier", "première"),
                             ("zweite", "zweiten", "segunda", "deuxième", "seconde"),
                             ("dritte", "dritten", "tercera", "troisième"), ("vierte", "vierten", "cuarta", "quatrième"),
                             ("fünfte", "fünften", "quinta", "cinquième"), ("sechste", "sechsten", "sexta", "sixième"),
                             ("siebte", "siebten", "séptima", "septième"), ("achte", "achten", "octava", "huitième")],
                            start=1):
    for _w in _words:
        _ORDINALS.setdefault(_w, _n)

# ---------------------------------------------------------------------------- fast paths
# The linker checks these per mention; they are scanned once per article with one
# Aho-Corasick pass (cue_positions) and looked up by word (left_tails), not by regex.

LEFT_PHRASES = frozenset("""series show drama comedy sitcom dramedy miniseries docuseries soap serial anthology
spinoff spin-off reboot revival procedural thriller franchise renewed renews cancels cancelled canceled orders
ordered binge binge-watch binge-watching watching rewatching tv television serie série séries""".split()) | {
    "prequel series", "sequel series", "thriller series", "reality series", "competition series", "talk show",
    "late-night show", "episode of", "season of", "seasons of", "finale of", "premiere of", "episodes of",
    "cast of", "star of", "stars of", "creator of", "showrunner of", "fans of", "starred in", "stars in",
    "starring in", "starred on", "stars on", "appeared in", "appeared on", "guest-starred on", "co-starring in",
    "return of", "renewal of", "picked up", "staffel von", "temporada de", "cast in", "cast on", "role in",
    "role on", "stint on", "stint in", "exit from", "departure from"} | {
    f"{n}'s" for n in ("netflix", "hbo", "fx", "amc", "abc", "nbc", "cbs", "fox", "showtime", "starz", "hulu",
                       "amazon", "the cw", "cw", "bbc", "itv", "pbs", "usa", "syfy", "a&e", "bravo", "lifetime",
                       "freeform", "disney+", "peacock", "paramount+", "apple", "apple tv+", "max", "hbo max",
                       "channel 4", "bbc one", "bbc two", "bbc three", "sky", "marvel", "dc", "tnt", "tbs",
                       "cinemax", "epix", "britbox", "acorn", "e4", "itv2", "sky atlantic", "prime video")}
# Before a film's title, what makes it a series of that name ("the animated series Spider-Man", "HBO's
# 'Vice'"); a film studio's possessive ("Marvel's The Avengers") says nothing about the medium.
FILM_TV_LEFT = LEFT_PHRASES - {"marvel's", "dc's", "disney's", "apple's", "amazon's", "paramount+'s"}
# Before a quoted title, words that make it a programme: "on 'SNL'", "hosting 'SNL'" (films are "in").
QUOTED_LEFT = frozenset({"on", "hosting", "hosted", "hosts", "host", "co-host", "binge", "binge-watch", "rewatch",
                         "watch", "watching", "airs", "aired", "appears on", "appearance on"})
ACCORDING_PHRASES = frozenset({"according to", "told", "via", "per", "report", "reports", "sources at",
                               "reporter at"})
PLACE_WORDS = frozenset("in at from near into across around outside inside through to".split())

TV_WORDS = frozenset("""episode episodes finale premiere premieres premiered showrunner showrunners
spinoff spin-off revival reboot pilot recap spoiler spoilers cast casts casting renewal renewed renews cancel cancels
canceled cancelled cancellation axed ratings viewers creator co-creator sitcom miniseries docuseries series
staffel saison temporada network streamer streaming cable broadcast netflix hbo showtime starz hulu amc abc
nbc cbs fox fx cw bbc itv pbs syfy amazon disney+ peacock paramount+ sky tca emmy emmys upfront upfronts
primetime timeslot airs aired airing binge rerun reruns syndication show shows drama comedy soap tv
television host hosts co-host sketch monologue late-night talk-show""".split()) | {"writers room", "writers' room", "limited series", "drama series", "comedy series",
                          "prime video", "apple tv", "channel 4", "golden globe", "golden globes", "time slot",
                          "to air"}
NEGATIVE_WORDS = frozenset("""film films movie movies theatrical theaters theatres cinema cinemas sequel
trilogy blockbuster novel novels book books memoir textbook bestseller best-seller author album albums song
songs track band singer rapper musical broadway oscar oscars videogame remake live-action""".split()) | {
    "box office", "opening weekend", "best picture", "academy award", "academy awards", "palme d'or",
    "west end", "stage play", "video game", "comic book", "comic books"}

_CUE_AUTOMATON = None


def _cue_automaton():  # type: ignore[no-untyped-def]
    global _CUE_AUTOMATON
    if _CUE_AUTOMATON is None:
        import ahocorasick

        from newsagg.shows.matcher import boundary_text

        # Keys are whole words: a space on both sides (the text gets a trailing space too); the value
        # holds the offset from the match's last character back to the word's start, and the kind.
        auto = ahocorasick.Automaton()
        for word in TV_WORDS:
            auto.add_word(" " + boundary_text(word) + " ", (len(word) + 1, 1))
        for word in NEGATIVE_WORDS:
            auto.add_word(" " + boundary_text(word) + " ",
                          (len(word) + 1, 2) if word not in TV_WORDS else (len(word) + 1, 3))
        auto.make_automaton()
        _CUE_AUTOMATON = auto
    return _CUE_AUTOMATON


_TV_KIND_OF_FILM_WORD = re.compile(r"(?:sequel|live-action|remake) (?:tv |television |drama |comedy |limited |streaming )?"
                                   r"(?:series|show)\b")


def _not_a_film_cue(norm: str, start: int) -> bool:
    """A film or book word that says television here: "'Grey's Anatomy' Books Five New Interns" (a trade
    headline's verb right after a quoted title), "a live-action series", "the sequel series"."""
    if norm[start:start + 6].lower() == "books ":
        return norm[max(0, start - 2):start] in ("' ", '" ')
    return bool(_TV_KIND_OF_FILM_WORD.match(norm[start:start + 40].lower()))


def cue_positions(spaced: str, norm: str, headline_end: int, headline_case: bool) -> tuple[list[int], list[int]]:
    """(tv, negative): sorted start offsets of whole-word cues in `spaced` (" " + boundary_text(low)).
    A negative word counts in lower case only ("River Song" is a name), except in a title-case headline."""
    tv: list[int] = []
    neg: list[int] = []
    for end_idx, (size, kind) in _cue_automaton().iter(spaced + " "):
        start = end_idx - size  # offset in norm/low (spaced has one leading space; the key a trailing one)
        if kind == 1:
            tv.append(start)
        elif kind == 2:
            if (norm[start].islower() or (headline_case and start < headline_end)) and not _not_a_film_cue(norm, start):
                neg.append(start)
        else:
            tv.append(start)
            if norm[start].islower() or (headline_case and start < headline_end):
                neg.append(start)
    return tv, neg


# left_tails() builds the last one and two words: no phrase set may hold a longer phrase.
assert all(len(p.split()) <= 2 for s in (LEFT_PHRASES, QUOTED_LEFT, ACCORDING_PHRASES, PLACE_WORDS) for p in s)


def left_tails(left: str) -> list[str]:
    """The last one and two words of `left` (quotes and spaces trimmed), for phrase look-ups:
    computed once per mention, checked against several phrase sets with `not phrases.isdisjoint(tails)`."""
    words = left.rstrip(" \"'").rsplit(None, 2)  # only the last two words are split off
    if len(words) >= 2:
        w1 = words[-1]
        return [w1, words[-2] + " " + w1]
    return words


_SEASON_KEYS = ("season", "series", "staffel", "saison", "temporada", "stagione")
_AFTER_KEY = re.compile(r"s?\s+(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")\b")
_BEFORE_KEY = re.compile(r"\b(" + "|".join(_ORDINALS) + r"|\d{1,2}(?:st|nd|rd|th))\s+"
                         r"(?:and\s+(?:final|last)\s+|(?:final|last|und\s+letzten?|y\s+última)\s+)?$")
# What the text before a season key must end with (then spaces) for _BEFORE_KEY to match there:
# a cheap test that spares most keys ("this season", "the series") the regex scan.
_BEFORE_ENDINGS = tuple(_ORDINALS) + ("st", "nd", "rd", "th", "final", "last", "letzte", "letzten", "última")
_BEFORE_WORDS = frozenset(_ORDINALS) | {"final", "last", "letzte", "letzten", "última"}


def _may_precede(stripped: str) -> bool:
    """Could _BEFORE_KEY end with the last word of `stripped`? An all-letter word has no inner word
    boundary, so it must be one of _BEFORE_WORDS; others ("21st", "co-first") by their endings."""
    if not stripped:
        return False
    word = stripped.rsplit(None, 1)[-1]
    if word.isalpha():
        return word in _BEFORE_WORDS
    return stripped.endswith(_BEFORE_ENDINGS)


_SXX = re.compile(r"S(\d{1,2})(?:E\d{1,3})?\b")


def season_mentions(low: str, norm: str) -> list[tuple[int, int, int]]:
    """(start, end, number) of "Season 2", "second season", "series two", "Staffel 3", "S2E05"."""
    out: list[tuple[int, int, int]] = []
    for key in _SEASON_KEYS:
        i = low.find(key)
        while i >= 0:
            j = i + len(key)
            if i == 0 or not low[i - 1].isalnum():
                m = _AFTER_KEY.match(low, j)
                if m:
                    n = _number(m.group(1))
                    if n:
                        out.append((i, m.end(), n))
                lo = max(0, i - 40)
                window = low[lo:i]
                b = None
                if window[-1:].isspace():
                    stripped = window.rstrip()
                    if _may_precede(stripped):
                        # The number is at most three words back ("first and final"): search from there.
                        parts = stripped.rsplit(None, 3)
                        b = _BEFORE_KEY.search(low, lo + len(parts[0]) if len(parts) == 4 else lo, i)
                if b:
                    n = _number(b.group(1))
                    if n:
                        out.append((b.start(), j, n))
            i = low.find(key, j)
    for m in _SXX.finditer(norm):
        if m.start() == 0 or not norm[m.start() - 1].isalnum():
            n = int(m.group(1))
            if 1 <= n <= 60:
                out.append((m.start(), m.end(), n))
    out.sort()
    return out


def _number(raw: str) -> int | None:
    if raw.isdigit():
        n = int(raw)
    elif raw in _NUMBER_WORDS:
        n = _NUMBER_WORDS[raw]
    elif raw in _ORDINALS:
        n = _ORDINALS[raw]
    else:
        n = int(re.match(r"\d+", raw).group(0))  # type: ignore[union-attr]
    return n if 1 <= n <= 60 else None
