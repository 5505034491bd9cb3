"""Author names from whatever a page gives: strings, Person objects, lists, URLs.

Rules (each is cheap and explainable; a name we are unsure of is dropped, not guessed):
- "By Jane Doe and John Roe" / "Jane Doe, John Roe" / "Jane Doe & John Roe" -> two names.
- A bio or job title after a comma, pipe or dash is dropped ("Jane Doe, Senior Editor",
  "Jane Doe | Variety"): a part made of job words is not a name.
- Organisation objects, outlet names (the site's own names, the JSON-LD publisher),
  "Staff"-style bylines and wire credits such as "Variety Staff" are dropped.
- Credentials after a name ("Jane Doe, MS, RDN") and all-lower-case handles ("admin")
  are dropped.
- E-mail addresses are dropped; "jane@x.com (Jane Doe)" keeps the name in brackets.
- URLs: only an author-profile URL gives a name, from its last path segment when that
  segment is a plain slug of 2-4 letter-only words (".../author/jane-doe/" -> "Jane Doe").
  Any other URL is dropped: a slug like "jdoe2" or an id cannot be trusted as a name.
- A slug such as "sophie-foster" becomes "Sophie Foster"; a dateline such as
  "Jane Doe in Valencia" loses "in Valencia".
- ALL-CAPS names are title-cased; duplicates are dropped case-insensitively.
- Navigation text in bylines ("View All", "More stories by", "Follow") is dropped;
  parenthesised initials or agency tags ("Jane Doe (jd)", "(dpa)") leave the name;
  social handles ("@janedoe") go like e-mail addresses.
- News agencies ("Associated Press", "dpa", "Reuters") are organisations, not people.
  organisation_credits() gives the credit of a byline that names no person
  ("TMZ Staff", "BBC News", "dpa"): the page keeps it as an organisation author
  when no evidence names a person.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote, urlsplit

from newsagg.normalize.text import clean_inline

_BY = re.compile(r"^\s*(?:written\s+|posted\s+|words\s+|reporting\s+)?(?:by|von|par|por)\b[:\s]*", re.I)
# ". " splits only after a word of 3+ letters: "Finian Cunningham. Sputnik" but not "Sarah E. Needleman".
_SPLIT = re.compile(r"\s*(?:,|;|&|\||/|\band\b|\bund\b|\s[-–—]\s|(?<=[a-z]{3})\.\s+)\s*", re.I)
# Credentials after a name ("Jane Doe, MS, RDN", "John Roe PhD").
_CREDENTIAL = re.compile(r"^(?:[A-Z]{2,4}|Ph\.?D\.?|M\.?D\.?|Jr\.?|Sr\.?|MBA|MSc|BSc)$")
# A dash/pipe/comma part made only of these words is a job title or bio, not a name.
_JOB_WORDS = {
    "editor", "editors", "senior", "chief", "deputy", "executive", "managing", "associate", "assistant",
    "staff", "writer", "writers", "reporter", "reporters", "correspondent", "contributor", "contributing",
    "columnist", "critic", "film", "tv", "television", "music", "news", "digital", "features", "feature",
    "entertainment", "business", "political", "politics", "sports", "at", "large", "the", "of", "for", "in",
    "and", "team", "desk", "producer", "photographer", "journalist", "freelance", "guest", "special",
    "international", "national", "global", "head", "director", "media", "culture", "weekend", "trending",
    "updated", "published", "read", "more", "bio", "follow", "on", "twitter", "x", "instagram", "opinion",
    "analyst", "lead", "content", "social", "video", "audio", "award", "awards", "section", "chief's",
}
_STAFF = re.compile(r"\b(?:staff|newsroom|news\s+desk|web\s+desk|editorial\s+board|wire|wires|"
                    r"press\s+association|agencies|team|media|for\s+\S+\.(?:com|org|net|co\.uk))\b", re.I)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_HANDLE = re.compile(r"(?<![\w.])@\w{2,30}\b")
# Link and button text that byline markup carries next to the names.
_NAVIGATION = re.compile(
    r"\b(?:(?:view|see|read|show)\s+(?:all|more|full\s+(?:bio|profile))(?:\s+(?:posts|articles|stories|news))?"
    r"(?:\s+(?:by|from)\b)?|(?:more|all|latest)\s+(?:posts|articles|stories|news)\s+(?:by|from)\b|"
    r"follow(?:\s+(?:on|us))?(?:\s+(?:twitter|x|instagram|facebook|linkedin))?|"
    r"(?:send\s+)?e-?mail(?:\s+(?:the\s+)?author)?|"
    r"contact(?:\s+(?:the\s+)?author)?|author\s+profile|bio)\b\s*", re.I)
_PARENS = re.compile(r"\s*\(([^()]{1,40})\)")
# Wire agencies: organisations, not people, whatever markup names them.
_AGENCIES = {
    "associatedpress", "ap", "reuters", "afp", "agencefrancepresse", "dpa", "deutschepresseagentur", "pa",
    "pamedia", "pressassociation", "ansa", "efe", "agenciaefe", "europapress", "lusa", "kyodo", "kyodonews",
    "yonhap", "xinhua", "tass", "ria", "interfax", "pti", "ians", "ani", "apa", "sda", "keystonesda", "belga",
    "anp", "tt", "ntb", "ritzau", "stt", "epa", "anadolu", "anadoluagency", "aap", "canadianpress", "cp",
    "bloomberg", "upi", "kna", "epd", "dts", "sid", "aa", "ccn", "pap", "mti", "ctk", "tanjug", "hina", "bta",
    "agerpres", "ana", "ena", "wafa", "mena", "irna", "bernama", "antara", "pna", "vna", "cna", "jiji",
    "jijipress", "newsis", "news1", "apaots",
}
_PROFILE_PATH = {"author", "authors", "people", "person", "profile", "profiles", "staff", "contributor",
                 "contributors", "by", "writer", "writers", "journalist", "journalists", "byline", "reporter"}
_SLUG = re.compile(r"^[a-z]+(?:-[a-z]+){1,3}$")
_DATELINE = re.compile(r"\s+in\s+(?:[A-Z][\w'.-]+\s?){1,3}$")
_ORG_TYPES = {"organization", "newsmediaorganization", "corporation", "organisation"}


def _norm(s: str) -> str:
    return re.sub(r"[\W_]+", "", s.casefold().removeprefix("the "))


def name_from_url(url: str) -> str | None:
    """'https://x.com/author/jane-doe/' -> 'Jane Doe'; None unless it is a profile URL with a name slug."""
    try:
        parts = [unquote(p) for p in urlsplit(url).path.split("/") if p]
    except ValueError:
        return None
    if len(parts) < 2 or not any(p.lower() in _PROFILE_PATH for p in parts[:-1]):
        return None
    slug = parts[-1].lower()
    if not _SLUG.match(slug):
        return None
    return " ".join(w.capitalize() for w in slug.split("-"))


def _flatten(value: Any, out: list[str], depth: int = 0, keep_organisations: bool = False) -> None:
    """Collect candidate name strings from JSON-LD-ish values (Organization objects only if asked)."""
    if depth > 5 or value is None:
        return
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _flatten(v, out, depth + 1, keep_organisations)
    elif isinstance(value, dict):
        types = value.get("@type")
        types = [types] if isinstance(types, str) else (types if isinstance(types, list) else [])
        if any(isinstance(t, str) and t.lower() in _ORG_TYPES for t in types) and not keep_organisations:
            return
        name = value.get("name")
        if isinstance(name, list):
            name = next((n for n in name if isinstance(n, str)), None)
        if not isinstance(name, str) or not name.strip():
            given, family = value.get("givenName"), value.get("familyName")
            name = " ".join(x for x in (given, family) if isinstance(x, str)) or None
        if isinstance(name, str) and name.strip():
            out.append(name)
        else:
            for key in ("url", "@id", "sameAs"):
                u = value.get(key)
                if isinstance(u, str) and (n := name_from_url(u)):
                    out.append(n)
                    break


def _is_job(part: str) -> bool:
    words = re.findall(r"[a-z']+", part.lower())
    return bool(words) and all(w in _JOB_WORDS for w in words)


def _outlet_credit(name: str, outlets: set[str]) -> bool:
    """'Variety Film Desk', 'BBC News': an outlet name followed only by job words."""
    words = name.split()
    for i in range(1, len(words)):
        if _norm(" ".join(words[:i])) in outlets and _is_job(" ".join(words[i:])):
            return True
    return False


_JOB_TAIL = {"writer", "editor", "reporter", "correspondent", "columnist", "critic", "contributor", "producer",
             "photographer", "journalist", "staff", "desk", "team", "intern"}


def _plausible(name: str) -> bool:
    words = name.split()
    if words and words[-1].lower() in _JOB_TAIL:  # "AP Auto Writer", "Senior TV Critic"
        return False
    if not 1 <= len(words) <= 5 or len(name) > 60:
        return False
    if not re.search(r"[^\W\d_]", name) or re.search(r"\d", name):
        return False
    if name == name.lower() and name != name.upper():  # "gto", "admin": handles, not names
        return False
    return not _is_job(name)


def _fix_case(name: str) -> str:
    if name.isupper() and len(name) > 3:
        return " ".join(w.capitalize() if not re.match(r"^[A-Z]\.$", w) else w for w in name.split())
    return name


def clean_authors(value: Any, outlet_names: Iterable[str] = ()) -> list[str]:
    """Names from a string, a Person object, a list of either, or URLs; cleaned and deduped."""
    raw: list[str] = []
    _flatten(value, raw)
    outlets = {_norm(o) for o in outlet_names if o}
    outlets.discard("")
    out: list[str] = []
    seen: set[str] = set()
    for item in raw:
        text = clean_inline(item)
        if not text:
            continue
        if text.startswith(("http://", "https://", "//", "www.")):
            text = name_from_url(text if "://" in text else "https:" + text.removeprefix("https:")) or ""
        text = _prepare(text)
        parts = _SPLIT.split(text)
        for i, part in enumerate(parts):
            name = part.strip(" .,:;-–—'\"()[]")
            if i > 0 and _CREDENTIAL.match(name):
                continue
            if _SLUG.match(name):  # "sophie-foster" (parsely-author on some sites)
                name = " ".join(w.capitalize() for w in name.split("-"))
            name = _DATELINE.sub("", name)  # "Jane Doe in Valencia" (Guardian-style dateline)
            if i == 0:  # "Jane Doe Senior Editor"; a later part ending in a job noun is a bio
                name = _job_tail_off(name)
            if not name:
                continue
            key = _norm(name)
            if not key or key in seen or key in outlets or key in _AGENCIES:
                continue
            # "Variety Staff", "Deadline Team", "Guardian staff reporter": outlet credits, not people.
            if _STAFF.search(name) or _outlet_credit(name, outlets):
                continue
            if not _plausible(name):
                if i == 0:
                    continue
                break  # the rest of "Jane Doe, Senior Editor at Variety, covers..." is a bio
            seen.add(key)
            out.append(_fix_case(name))
    return out


_MONTHS_DAYS = re.compile(r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun)"
                          r"[a-z]*\.?,?$|^(?:on|at|updated|published|posted|am|le|el|il|[|,·•–—-]):?$", re.I)


def _date_tail_off(text: str) -> str:
    """'Jane Doe on April 28, 2023' / 'Jane Doe | 3 hours ago' -> 'Jane Doe': a byline stops at
    its first number, with the month, weekday or 'on'/'updated' words before it."""
    m = re.search(r"(?<![^\W\d_])\d", text)  # a number standing alone: "CC7567" is a handle, kept whole
    if not m:
        return text
    words = text[: m.start()].split()
    while words and _MONTHS_DAYS.match(words[-1]):
        words.pop()
    return " ".join(words)


def _job_tail_off(name: str) -> str:
    """'Jane Doe Senior TV Critic' -> 'Jane Doe' (a title written after the name without a comma);
    the name keeps two words, and the words cut must end in a job noun ("Critic", "Writer")."""
    words = name.split()
    cut = len(words)
    while cut > 2 and words[cut - 1].lower().strip(",.") in _JOB_WORDS:
        cut -= 1
    cut_off = {w.lower().strip(",.") for w in words[cut:]}
    return " ".join(words[:cut]) if cut_off & _JOB_TAIL else name


def _prepare(text: str) -> str:
    """One byline string without e-mails, handles, navigation words, "By", parentheses and a
    trailing date."""
    if "@" in text:
        bracket = re.search(r"\(([^()@]+)\)", text)
        text = bracket.group(1) if bracket else _EMAIL.sub("", text)
        text = _HANDLE.sub("", text)
    text = _NAVIGATION.sub(" ", text)
    text = _PARENS.sub("", text)  # "Jane Doe (jd)", "Jane Doe (dpa)": initials and agency tags
    return _date_tail_off(_BY.sub("", clean_inline(text))).strip(" |,;:-–—")


def organisation_credits(value: Any, outlet_names: Iterable[str] = ()) -> list[str]:
    """The organisation a byline credits when it names no person: an agency ("dpa",
    "Associated Press in Valencia"), a staff credit ("TMZ STAFF", "Guardian staff reporter")
    or the outlet itself ("BBC News"). One credit, as written (ALL-CAPS title-cased)."""
    raw: list[str] = []
    _flatten(value, raw, keep_organisations=True)
    outlets = {_norm(o) for o in outlet_names if o}
    for item in raw:
        text = clean_inline(item)
        if not text or text.startswith(("http://", "https://", "//", "www.")):
            continue
        tags = [m.group(1) for m in _PARENS.finditer(text)]
        for part in [*_SPLIT.split(_prepare(text)), *tags]:
            name = _DATELINE.sub("", part.strip(" .,:;-–—'\"()[]"))
            key = _norm(name)
            if not key or len(name) > 60 or re.search(r"\d", name):
                continue
            if key in _AGENCIES or key in outlets or _STAFF.search(name) or _outlet_credit(name, outlets):
                if name.isupper() and len(name) > 4:  # "TMZ STAFF" -> "TMZ Staff": short words are acronyms
                    name = " ".join(w if len(w) <= 3 else w.capitalize() for w in name.split())
                return [name]
    return []
