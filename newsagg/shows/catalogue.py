"""Show records and the catalogue importers: the packaged starter list, epguides CSV, TVmaze JSON.

Importers never raise on a bad row: they fix what can be fixed (HTML entities, a
replacement character the epguides directory name can restore) and skip the rest,
reporting every decision as an ImportIssue with a reason.
"""

from __future__ import annotations

import csv
import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

STARTER_FILE = "starter_catalogue.csv"
ALIAS_SEP = "|"

_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
# epguides qualifies same-title shows: "Conviction (2016)", "The Office (US)", "The Voice (Australia)".
_QUALIFIER = re.compile(r"\s*\(([^()]+)\)\s*$")
_COUNTRY_WORDS = {
    "us": "US", "usa": "US", "uk": "UK", "gb": "UK", "australia": "AU", "au": "AU", "canada": "CA", "ca": "CA",
    "nz": "NZ", "new zealand": "NZ", "ireland": "IE", "india": "IN", "france": "FR", "germany": "DE",
    "spain": "ES", "italy": "IT", "japan": "JP", "mexico": "MX", "brazil": "BR", "sweden": "SE",
    "denmark": "DK", "norway": "NO", "netherlands": "NL", "israel": "IL", "korea": "KR", "south africa": "ZA",
}
_ARTICLES = ("the ", "a ", "an ")


@dataclass
class Show:
    """One TV show. `premiered_on`/`ended_on` are ISO dates, possibly "YYYY-MM" or "YYYY"."""

    title: str
    network: str | None = None
    country: str | None = None
    premiered_on: str | None = None
    ended_on: str | None = None
    status: str | None = None           # running | ended | hiatus | upcoming (None: unknown)
    external_ids: dict[str, str] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)
    episodes: int | None = None
    notable: bool = False               # in the starter catalogue: a prior when titles collide
    id: int | None = None               # database id (or a stable in-memory id)

    @property
    def premiere_year(self) -> int | None:
        return year_of(self.premiered_on)

    @property
    def end_year(self) -> int | None:
        return year_of(self.ended_on)

    @property
    def label(self) -> str:
        """"Title (year)": unambiguous across remakes, stable across catalogues."""
        return f"{self.title} ({self.premiere_year})" if self.premiere_year else self.title

    @property
    def networks(self) -> list[str]:
        return list(split_networks(self.network))

    def ref(self) -> dict[str, Any]:
        """How outputs name the show unambiguously (see show_ref)."""
        return show_ref(self.id, self.title, self.premiered_on, self.network, self.external_ids)

    def all_names(self) -> list[str]:
        """Title, aliases and generated variants (without a leading "The", ASCII-folded, & / and)."""
        return name_variants([self.title, *self.aliases])


@dataclass
class ImportIssue:
    """One row the importer fixed or skipped."""

    line: int
    title: str
    reason: str
    skipped: bool


def show_ref(show_id: int | None, title: str, premiered_on: str | None, network: str | None,
             external_ids: dict[str, str] | None) -> dict[str, Any]:
    """A show as outputs give it: the project's id beside what names it outside the project (TVmaze and
    other external ids, premiere year, network), so "Conviction" 2006 and 2016 cannot be confused."""
    ids = {k: str(v) for k, v in (external_ids or {}).items() if v}
    return {"id": show_id, "title": title, "year": year_of(premiered_on), "network": network,
            "tvmaze": ids.get("tvmaze"), "external_ids": ids}


@lru_cache(maxsize=4096)
def split_networks(network: str | None) -> tuple[str, ...]:
    """"NBC / Peacock" -> ("NBC", "Peacock"); memoised: the linker asks per candidate show and article."""
    return tuple(n.strip() for n in (network or "").split(" / ") if n.strip())


def year_of(value: str | None) -> int | None:
    if value and len(value) >= 4 and value[:4].isdigit():
        return int(value[:4])
    return None


def fold(text: str) -> str:
    """ASCII-fold accents ("Pokémon" -> "Pokemon"); other characters stay."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_variants(names: Iterable[str]) -> list[str]:
    out: list[str] = []

    def add(name: str) -> None:
        name = " ".join(name.split())
        if name and name not in out:
            out.append(name)

    for name in names:
        name = name.replace("’", "'").replace("‘", "'")
        add(name)
        low = name.lower()
        for art in _ARTICLES[:1]:  # only "The": "A"/"An" titles shortened are too generic
            if low.startswith(art) and len(name) > len(art) + 3:
                add(name[len(art):])
        if " & " in name:
            add(name.replace(" & ", " and "))
        elif " and " in name:
            add(name.replace(" and ", " & "))
        folded = fold(name)
        if folded != name:
            add(folded)
    return out


# ----------------------------------------------------------------------------- helpers


def parse_month_year(value: str | None) -> str | None:
    """epguides "Oct 2014" / "Jun  2019" -> "2014-10"; "___ ____" or junk -> None."""
    if not value:
        return None
    parts = value.replace("_", " ").split()
    if len(parts) == 2 and parts[0][:3].lower() in _MONTHS and parts[1].isdigit() and len(parts[1]) == 4:
        return f"{parts[1]}-{_MONTHS[parts[0][:3].lower()]:02d}"
    if len(parts) == 1 and parts[0].isdigit() and len(parts[0]) == 4:
        return parts[0]
    return None


def parse_iso_date(value: Any) -> str | None:
    """"2015-11-20" / "2015-11" / "2015" / 2015 -> the same ISO prefix, validated; junk -> None."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text)
    if not m:
        return None
    y, mo, d = m.group(1), m.group(2), m.group(3)
    try:
        if d:
            return date(int(y), int(mo), int(d)).isoformat()
        if mo:
            if not 1 <= int(mo) <= 12:
                return None
            return f"{y}-{int(mo):02d}"
    except ValueError:
        return None
    return y


def _episodes(value: str | None) -> int | None:
    m = re.match(r"\s*(\d+)", value or "")
    return int(m.group(1)) if m else None


def clean_text(value: str) -> str:
    """Entities decoded twice over ("&amp;#201;" happens), whitespace collapsed."""
    for _ in range(2):
        value = html.unescape(value)
    return " ".join(value.replace("\u00a0", " ").split())


def split_qualifier(title: str) -> tuple[str, int | None, str | None]:
    """"Conviction (2016)" -> ("Conviction", 2016, None); "The Office (US)" -> ("The Office", None, "US")."""
    m = _QUALIFIER.search(title)
    if not m:
        return title, None, None
    q = m.group(1).strip()
    base = title[: m.start()].strip()
    if not base:
        return title, None, None
    if re.fullmatch(r"(19|20)\d\d", q):
        return base, int(q), None
    country = _COUNTRY_WORDS.get(q.lower())
    if country:
        return base, None, country
    return title, None, None


def _restore_replacement(title: str, directory: str) -> str | None:
    """Fill U+FFFD from the epguides directory name ("� La Carte" + "ALaCarte" -> "A La Carte")."""
    pattern = "".join("(.)" if c == "\ufffd" else re.escape(c) for c in title if c.isalnum() or c == "\ufffd")
    m = re.fullmatch(pattern, directory.split("_")[0], flags=re.IGNORECASE)
    if not m:
        return None
    fills = iter(m.groups())
    out = "".join(next(fills) if c == "\ufffd" else c for c in title)
    return out if "\ufffd" not in out else None


def _status(ended: str | None, raw_end: str, hiatus: str) -> str:
    if ended:
        return "ended"
    if raw_end.strip().strip("_ ") == "" and hiatus.strip().lower() == "true":
        return "hiatus"
    return "running"


# ----------------------------------------------------------------------------- importers


def import_epguides_csv(path: str | Path) -> tuple[list[Show], list[ImportIssue]]:
    """The epguides "allshows" CSV: one row per show and network (rows for one TVmaze id merge)."""
    shows: list[Show] = []
    issues: list[ImportIssue] = []
    by_key: dict[str, Show] = {}
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        reader = csv.DictReader(fh)
        required = {"title", "start date"}
        if not reader.fieldnames or not required <= set(reader.fieldnames):
            raise ValueError(f"{path}: not an epguides CSV (needs columns {sorted(required)})")
        for line, row in enumerate(reader, start=2):
            raw_title = row.get("title") or ""
            title = clean_text(raw_title)
            if title != " ".join(raw_title.split()):
                issues.append(ImportIssue(line, title, "HTML entity decoded", skipped=False))
            if "\ufffd" in title:
                restored = _restore_replacement(title, row.get("directory") or "")
                if restored is None:
                    issues.append(ImportIssue(line, title, "replacement character in title", skipped=True))
                    continue
                issues.append(ImportIssue(line, restored, "replacement character restored", skipped=False))
                title = restored
            if not title:
                issues.append(ImportIssue(line, raw_title, "empty title", skipped=True))
                continue
            base, qual_year, qual_country = split_qualifier(title)
            premiered = parse_month_year(row.get("start date"))
            ended = parse_month_year(row.get("end date"))
            if premiered is None and qual_year is not None:
                premiered = str(qual_year)
            if premiered is None:
                issues.append(ImportIssue(line, title, "missing premiere date", skipped=False))
            network = clean_text(row.get("network") or "") or None
            if network and "\ufffd" in network:
                network = network.replace("\ufffd", "?")
            ids = {k: v.strip() for k, v in (("tvmaze", row.get("TVmaze")), ("tvrage", row.get("tvrage")),
                                             ("epguides", row.get("directory"))) if v and v.strip()}
            key = f"tvmaze:{ids['tvmaze']}" if "tvmaze" in ids else f"epguides:{ids.get('epguides')}:{title}"
            existing = by_key.get(key)
            if existing is not None:  # same show listed once per network
                if network and network not in existing.networks:
                    existing.network = " / ".join([*existing.networks, network])
                continue
            show = Show(
                title=base, network=network,
                country=qual_country or (row.get("country") or "").strip() or None,
                premiered_on=premiered, ended_on=ended,
                status=_status(ended, row.get("end date") or "", row.get("onhiatus") or ""),
                external_ids=ids, episodes=_episodes(row.get("number of episodes")),
            )
            by_key[key] = show
            shows.append(show)
    return shows, issues


def _tvmaze_records(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict):
        if "shows" in data and isinstance(data["shows"], list):
            data = data["shows"]
        else:
            data = [data]
    out = []
    for item in data if isinstance(data, list) else []:
        if isinstance(item, dict) and isinstance(item.get("show"), dict):  # search results: {"score", "show"}
            item = item["show"]
        out.append(item)
    return out


def import_tvmaze_json(path: str | Path) -> tuple[list[Show], list[ImportIssue]]:
    """TVmaze show records (a list, {"shows": [...]}, search results, or JSON lines) with their akas."""
    text = Path(path).read_text("utf-8", errors="replace")
    try:
        records = _tvmaze_records(json.loads(text))
    except json.JSONDecodeError:
        records = [json.loads(line) for line in text.splitlines() if line.strip()]
        records = _tvmaze_records(records)
    shows: list[Show] = []
    issues: list[ImportIssue] = []
    seen: set[str] = set()
    for n, rec in enumerate(records, start=1):
        if not isinstance(rec, dict):
            issues.append(ImportIssue(n, "", "not a show record", skipped=True))
            continue
        title = clean_text(str(rec.get("name") or ""))
        if not title:
            issues.append(ImportIssue(n, "", "no name", skipped=True))
            continue
        if "\ufffd" in title:
            issues.append(ImportIssue(n, title, "replacement character in title", skipped=True))
            continue
        tvmaze_id = str(rec["id"]) if rec.get("id") is not None else None
        if tvmaze_id and tvmaze_id in seen:
            issues.append(ImportIssue(n, title, "duplicate TVmaze id", skipped=True))
            continue
        if tvmaze_id:
            seen.add(tvmaze_id)
        premiered = parse_iso_date(rec.get("premiered"))
        if rec.get("premiered") and premiered is None:
            issues.append(ImportIssue(n, title, "bad premiere date dropped", skipped=False))
        elif premiered is None:
            issues.append(ImportIssue(n, title, "missing premiere date", skipped=False))
        channel = rec.get("network") or rec.get("webChannel") or {}
        if not isinstance(channel, dict):
            channel = {}
        country = (channel.get("country") or {}).get("code")
        ids = {"tvmaze": tvmaze_id} if tvmaze_id else {}
        for k, v in (rec.get("externals") or {}).items():
            if v not in (None, ""):
                ids[k] = str(v)
        akas = rec.get("akas") or (rec.get("_embedded") or {}).get("akas") or []
        aliases = []
        for aka in akas:
            name = clean_text(str(aka.get("name") if isinstance(aka, dict) else aka or ""))
            if name and "\ufffd" not in name and name != title and name not in aliases:
                aliases.append(name)
        status = str(rec.get("status") or "").lower()
        shows.append(Show(
            title=title, network=clean_text(str(channel.get("name") or "")) or None, country=country, premiered_on=premiered, ended_on=parse_iso_date(rec.get("ended")),
            status={"to be determined": "running", "in development": "upcoming"}.get(status, status or None),
            external_ids=ids, aliases=aliases,
        ))
    return shows, issues


def load_starter_catalogue() -> list[Show]:
    """The packaged list of notable current shows, with aliases (ids are their 1-based row numbers)."""
    text = resources.files("newsagg.shows").joinpath(STARTER_FILE).read_text("utf-8")
    return parse_starter_csv(text)


def parse_starter_csv(text: str) -> list[Show]:
    rows = csv.DictReader(line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    shows = []
    for n, row in enumerate(rows, start=1):
        aliases = [a.strip() for a in (row.get("aliases") or "").split(ALIAS_SEP) if a.strip()]
        premiered = parse_iso_date(row.get("premiered"))
        ended = parse_iso_date(row.get("ended"))
        tvmaze = (row.get("tvmaze") or "").strip()
        shows.append(Show(
            title=row["title"].strip(), network=(row.get("network") or "").strip() or None,
            country=(row.get("country") or "").strip() or None, premiered_on=premiered, ended_on=ended,
            status="ended" if ended else "running", aliases=aliases, notable=True, id=n,
            external_ids={"tvmaze": tvmaze} if tvmaze.isdigit() else {},
        ))
    return shows


def load_catalogue_file(path: str | Path, fmt: str = "auto") -> tuple[list[Show], list[ImportIssue]]:
    """Import a catalogue file by format (epguides | tvmaze | starter; auto: by extension and header)."""
    path = Path(path)
    if fmt == "auto":
        if path.suffix.lower() in (".json", ".jsonl", ".ndjson"):
            fmt = "tvmaze"
        else:
            with open(path, encoding="utf-8", errors="replace") as fh:
                header = fh.readline()
            fmt = "starter" if header.lower().startswith("title,aliases") else "epguides"
    if fmt == "epguides":
        return import_epguides_csv(path)
    if fmt == "tvmaze":
        return import_tvmaze_json(path)
    if fmt == "starter":
        for_import = parse_starter_csv(path.read_text("utf-8"))
        for s in for_import:
            s.id = None
        return for_import, []
    raise ValueError(f"unknown catalogue format {fmt!r} (epguides, tvmaze, starter)")
