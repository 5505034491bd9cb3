"""Page dates to the minute, with their zone.

Metadata dates are tried first (page.py); this module adds what pages nobody tuned
for need:
- zones written in the text: "14:30 CEST", "3:45 PM EST", "GMT+2", "UTC+05:30" (named
  abbreviations are fixed offsets; ET/PT/CT/MT follow the US zone's daylight rule);
- the zone of a zone-less date: the outlet's (registry), else the page's own (an offset
  another date on the page carries), else the country of the page (its html lang region
  or its host's country domain, for countries with one zone), else its language where
  that language is spoken in one zone's hours (ja, ko, de...); else UTC;
- dates shown only in visible markup: <time> elements, elements whose class or id says
  date/time/published, then htmldate's search of the whole page for the day, with the time
  of day taken from the same text when it is there.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from urllib.parse import urlsplit

from lxml import etree

from newsagg.normalize.dates import parse_date
from newsagg.normalize.text import fold_ws

# Abbreviations as written on pages -> a fixed UTC offset in hours, or an IANA zone where the
# abbreviation covers both seasons ("ET").
_NAMED_ZONES: dict[str, float | str] = {
    "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "BST": 1, "IST": 5.5, "WEST": 1, "CET": 1, "MEZ": 1, "CEST": 2, "MESZ": 2,
    "EET": 2, "EEST": 3, "MSK": 3, "SAST": 2, "GST": 4, "PKT": 5, "ICT": 7, "WIB": 7, "HKT": 8, "SGT": 8,
    "AWST": 8, "PHT": 8, "JST": 9, "KST": 9, "ACST": 9.5, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9,
    "AKDT": -8, "HST": -10, "BRT": -3, "ART": -3,
    "ET": "America/New_York", "PT": "America/Los_Angeles", "CT": "America/Chicago", "MT": "America/Denver",
}
_ZONE_TOKEN = re.compile(r"(?<![\w+-])\(?(" + "|".join(sorted(_NAMED_ZONES, key=len, reverse=True))
                         + r")\)?(?:\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?)?(?![\w])")
_OFFSET_IN_ISO = re.compile(r"\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})\s*$")
# Countries with one zone: html lang region or country-code domain -> IANA zone.
_COUNTRY_ZONES = {
    "uk": "Europe/London", "gb": "Europe/London", "ie": "Europe/Dublin", "pt": "Europe/Lisbon",
    "de": "Europe/Berlin", "at": "Europe/Vienna", "ch": "Europe/Zurich", "fr": "Europe/Paris", "it": "Europe/Rome",
    "es": "Europe/Madrid", "nl": "Europe/Amsterdam", "be": "Europe/Brussels", "lu": "Europe/Luxembourg",
    "dk": "Europe/Copenhagen", "se": "Europe/Stockholm", "no": "Europe/Oslo", "fi": "Europe/Helsinki",
    "pl": "Europe/Warsaw", "cz": "Europe/Prague", "sk": "Europe/Bratislava", "hu": "Europe/Budapest",
    "si": "Europe/Ljubljana", "hr": "Europe/Zagreb", "rs": "Europe/Belgrade", "ro": "Europe/Bucharest",
    "bg": "Europe/Sofia", "gr": "Europe/Athens", "tr": "Europe/Istanbul", "ua": "Europe/Kyiv", "ee": "Europe/Tallinn",
    "lv": "Europe/Riga", "lt": "Europe/Vilnius", "is": "Atlantic/Reykjavik", "il": "Asia/Jerusalem",
    "in": "Asia/Kolkata", "pk": "Asia/Karachi", "bd": "Asia/Dhaka", "lk": "Asia/Colombo", "np": "Asia/Kathmandu",
    "jp": "Asia/Tokyo", "kr": "Asia/Seoul", "cn": "Asia/Shanghai", "tw": "Asia/Taipei", "hk": "Asia/Hong_Kong",
    "sg": "Asia/Singapore", "my": "Asia/Kuala_Lumpur", "ph": "Asia/Manila", "th": "Asia/Bangkok",
    "vn": "Asia/Ho_Chi_Minh", "ae": "Asia/Dubai", "sa": "Asia/Riyadh", "qa": "Asia/Qatar", "eg": "Africa/Cairo",
    "za": "Africa/Johannesburg", "ng": "Africa/Lagos", "ke": "Africa/Nairobi", "gh": "Africa/Accra",
    "nz": "Pacific/Auckland", "ar": "America/Argentina/Buenos_Aires", "co": "America/Bogota", "pe": "America/Lima",
    "ve": "America/Caracas", "uy": "America/Montevideo",
}
# Languages spoken (nearly) only in one zone's hours: the page's zone when nothing closer says.
_LANGUAGE_ZONES = {
    "ja": "Asia/Tokyo", "ko": "Asia/Seoul", "zh": "Asia/Shanghai", "de": "Europe/Berlin", "it": "Europe/Rome",
    "nl": "Europe/Amsterdam", "pl": "Europe/Warsaw", "cs": "Europe/Prague", "sk": "Europe/Bratislava",
    "hu": "Europe/Budapest", "da": "Europe/Copenhagen", "sv": "Europe/Stockholm", "nb": "Europe/Oslo",
    "no": "Europe/Oslo", "fi": "Europe/Helsinki", "el": "Europe/Athens", "tr": "Europe/Istanbul",
    "he": "Asia/Jerusalem", "ro": "Europe/Bucharest", "bg": "Europe/Sofia", "hr": "Europe/Zagreb",
    "sl": "Europe/Ljubljana", "sr": "Europe/Belgrade", "lt": "Europe/Vilnius", "lv": "Europe/Riga",
    "et": "Europe/Tallinn", "th": "Asia/Bangkok", "vi": "Asia/Ho_Chi_Minh", "uk": "Europe/Kyiv",
}
_DATE_CLASS = ('//*[self::time or self::span or self::div or self::p or self::li or self::small]'
               '[not(ancestor::aside or ancestor::footer or ancestor::nav)]'
               '[contains(@class, "date") or contains(@class, "Date") or contains(@class, "publish") or '
               'contains(@class, "timestamp") or contains(@class, "posted") or '
               'contains(@id, "date") or contains(@id, "publish")]'
               '[not(*[self::div or self::p or self::ul])][string-length(normalize-space(.)) < 120]')
_TIME_ELEMENTS = ('(//article//time | //main//time)[@datetime][not(ancestor::aside or ancestor::footer)]',
                  '//time[@datetime][not(ancestor::aside or ancestor::footer or ancestor::nav)]')
_UPDATED = re.compile(r"\b(?:updated?|modified|aktualisiert|mis à jour|actualizado|aggiornato)\b", re.I)
_HAS_DIGIT_DATE = re.compile(r"\d{1,4}[./-]\d{1,2}|\d{1,2}\s*[A-Za-zÀ-ÿ]{3,}|[A-Za-zÀ-ÿ]{3,}\.?\s+\d{1,2}|"
                             r"\d{4}\s*年|\d{4}\s*년")
_HAS_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)|(?<!\d)\d{1,2}[./-]\d{1,2}[./-]\d{2}(?!\d)")
_LABEL_WORDS = re.compile(r"^\s*(?:published|posted|updated|last updated|veröffentlicht|publié|publicado|"
                          r"pubblicato|on|am|le|el|il)\b\s*:?\s*", re.I)


@lru_cache(maxsize=128)
def _zone(name: str) -> tzinfo:
    from zoneinfo import ZoneInfo

    return timezone.utc if name == "UTC" else ZoneInfo(name)


def _offset(hours: float) -> tzinfo:
    return timezone(timedelta(minutes=round(hours * 60)))


def written_zone(text: str) -> tuple[str, tzinfo | None]:
    """(text without its zone words, the zone they name) - ("14:30 CEST" -> ("14:30", UTC+2))."""
    m = _ZONE_TOKEN.search(text)
    if m:
        named = _NAMED_ZONES[m.group(1)]
        zone = _zone(named) if isinstance(named, str) else _offset(named)
        if m.group(2):  # "GMT+2", "UTC+05:30"
            hours = int(m.group(3)) + int(m.group(4) or 0) / 60
            zone = _offset((named if isinstance(named, (int, float)) else 0) + (hours if m.group(2) == "+" else -hours))
        return fold_ws(text[: m.start()] + " " + text[m.end():]), zone
    return text, None


_AMPM = re.compile(r"\b(\d{1,2}):(\d{2})(?::\d{2})?\s*([ap])\.?\s?m\b\.?", re.I)
_CJK_DATE = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?")


def _normalise(text: str) -> str:
    """24-hour clock ("2:30 PM" -> "14:30": the RFC 822 fallback would drop "PM") and
    CJK dates ("2023年4月28日" -> "2023-04-28")."""
    text = _CJK_DATE.sub(lambda m: f"{m[1]}-{int(m[2]):02d}-{int(m[3]):02d} ", text)

    def clock(m: re.Match[str]) -> str:
        hour = int(m[1]) % 12 + (12 if m[3].lower() == "p" else 0)
        return f"{hour:02d}:{m[2]}"

    return fold_ws(_AMPM.sub(clock, text))


def parse_page_date(value: object, zone: tzinfo, now: datetime) -> datetime | None:
    """A page's date string (or datetime) to aware UTC: a zone written in it wins, else `zone`."""
    if isinstance(value, datetime):
        return parse_date(value, zone, now)[0]
    if not isinstance(value, str) or not value.strip():
        return None
    text = fold_ws(value)
    if not _OFFSET_IN_ISO.search(text):
        text = _normalise(text)
    if not _OFFSET_IN_ISO.search(text):
        stripped, named = written_zone(text)
        if named is not None:
            return parse_date(stripped, named, now)[0]
    return parse_date(text, zone, now)[0]


def page_zone(date_values: list[str], lang: str | None, url: str | None) -> tuple[tzinfo | None, str]:
    """The zone a zone-less date on this page is in, when the outlet's is not known:
    an offset another date of the page carries, else the page's country (lang region, then
    country-code domain) when that country has one zone. (None, "") if nothing says."""
    for value in date_values:
        m = re.search(r"T?\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*([+-])(\d{2}):?(\d{2})\s*$", value or "")
        if m:
            minutes = int(m.group(2)) * 60 + int(m.group(3))
            return timezone(timedelta(minutes=minutes if m.group(1) == "+" else -minutes)), "page-offset"
    region = (lang or "").replace("_", "-").split("-")
    country = region[1].lower() if len(region) > 1 and len(region[1]) == 2 else ""
    if country in _COUNTRY_ZONES:
        return _zone(_COUNTRY_ZONES[country]), "page-lang"
    host = (urlsplit(url).hostname or "") if url else ""
    tld = host.rsplit(".", 1)[-1].lower() if "." in host else ""
    if tld in _COUNTRY_ZONES:
        return _zone(_COUNTRY_ZONES[tld]), "host-country"
    if region[0].lower() in _LANGUAGE_ZONES:
        return _zone(_LANGUAGE_ZONES[region[0].lower()]), "page-language"
    return None, ""


def _clean_text(el: etree._Element) -> str:
    return _LABEL_WORDS.sub("", fold_ws(el.text_content()))


def visible_date(tree: etree._Element, zone: tzinfo, now: datetime, url: str | None = None) -> tuple[
        datetime | None, str]:
    """The publication date shown on the page: (UTC datetime, evidence label) or (None, "")."""
    for xp in _TIME_ELEMENTS:
        for el in tree.xpath(xp)[:5]:
            if _UPDATED.search(el.get("class") or "") or _UPDATED.search(el.get("itemprop") or ""):
                continue
            dt = parse_page_date(el.get("datetime"), zone, now)
            if dt is not None:
                return dt, "time-tag"
    for el in tree.xpath(_DATE_CLASS)[:12]:
        raw = fold_ws(el.text_content())
        if _UPDATED.search(el.get("class") or "") or _UPDATED.match(raw):
            continue  # "Updated ..." stamps are not the publication date
        text = _clean_text(el)
        if not text or not _HAS_YEAR.search(text) or not _HAS_DIGIT_DATE.search(text):
            continue  # (dateparser costs ~0.2 s on a string it cannot read: only years are tried)
        dt = parse_page_date(text, zone, now)
        if dt is not None and dt.year > 1990:
            return dt, "page:date-text"
    return _htmldate(tree, zone, now, url)


def _htmldate(tree: etree._Element, zone: tzinfo, now: datetime, url: str | None) -> tuple[datetime | None, str]:
    """htmldate's original-date search for the day (its own heuristics over the whole page)."""
    try:
        from htmldate import find_date

        day = find_date(tree, extensive_search=True, original_date=True, url=url, outputformat="%Y-%m-%d",
                        max_date=now.strftime("%Y-%m-%d"))
    except Exception:  # noqa: BLE001 - a search heuristic must not lose the page
        return None, ""
    if not day:
        return None, ""
    local = datetime.fromisoformat(day).replace(tzinfo=zone)
    return local.astimezone(timezone.utc), "htmldate"
