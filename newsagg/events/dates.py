"""Dates an event announces ("Feb. 26", "April 2019", "this fall"), resolved against the item's date."""

from __future__ import annotations

import re
from datetime import date, datetime

MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
          "oct": 10, "nov": 11, "dec": 12}
_MONTH = (r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
# Month, optional day, optional year; "may" alone is a modal verb, so it needs a day, a year or "in".
_DATE = re.compile(
    rf"(?P<pre>\b(?:in|on|until|by|for|from|this|next|early|late|mid-?)\s+)?\b{_MONTH}\.?"
    r"(?:\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b)?(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?")
_NUMERIC = re.compile(r"\b(?P<m>[01]?\d)/(?P<d>[0-3]?\d)(?:/(?P<y>(?:20)?\d\d))?\b")
_SEASONAL = re.compile(r"\b(?:this|next|in the|in|early|late) (?P<season>spring|summer|fall|autumn|winter)"
                       r"(?:\s+(?P<year>(?:19|20)\d\d))?\b|\b(?:in|early|late|mid-?|until|till|to|into)\s*(?P<bareyear>20\d\d)\b"
                       r"|\b(?:until|till|to|into|in|early|late) (?P<nextyear>next year)\b"
                       # "sets fall return", "summer premiere"
                       r"|\b(?P<bare>spring|summer|fall|autumn|winter) (?:return|premiere|debut|launch|finale|bow)\b")
_SEASON_MONTH = {"spring": 3, "summer": 6, "fall": 9, "autumn": 9, "winter": 12}
# Holidays on a fixed day, as the British and American trades name air dates ("returns on Christmas Day").
_HOLIDAY = re.compile(r"\b(?:on|for) (?P<day>christmas day|christmas eve|boxing day|new year's day|new year's eve|"
                      r"halloween|valentine's day|independence day|st\. patrick's day)\b")
_HOLIDAY_DATE = {"christmas day": (12, 25), "christmas eve": (12, 24), "boxing day": (12, 26),
                 "new year's day": (1, 1), "new year's eve": (12, 31), "halloween": (10, 31),
                 "valentine's day": (2, 14), "independence day": (7, 4), "st. patrick's day": (3, 17)}
# Text each pattern's matches contain: most sentences hold none, and `in` costs less than a search.
_SEASONAL_NEEDS = (*_SEASON_MONTH, "20", "next year")
# Day before month, as British outlets write it: "on 1 January", "from Friday 17 May".
_DAY_MONTH = re.compile(r"\b(?P<day>[0-3]?\d)(?:st|nd|rd|th)? (?P<month>january|february|march|april|may|june|july|august|"
                        r"september|october|november|december)\b(?:,? (?P<year>(?:19|20)\d\d)\b)?")
_HOLIDAY_NEEDS = ("christmas", "boxing", "new year", "halloween", "valentine", "independence", "patrick")


def _resolve(month: int, day: int | None, year: int | None, published: date | None) -> str | None:
    if year is None:
        if published is None:
            return f"--{month:02d}" + (f"-{day:02d}" if day else "")
        year = published.year
        # An announced date lies ahead: a month well before the item's date means next year.
        if (month, day or 31) < (published.month, published.day) and (published.month - month) % 12 > 2:
            year += 1
    if day:
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return None
    return f"{year:04d}-{month:02d}"


def find_date(sentence_low: str, published: datetime | None) -> str | None:
    """The first date the sentence announces, as ISO "YYYY-MM-DD" or "YYYY-MM" (or "YYYY"), else None."""
    pub = published.date() if published else None
    for m in _DAY_MONTH.finditer(sentence_low) if any(w in sentence_low for w in MONTHS) else ():
        day, year = int(m.group("day")), int(m.group("year")) if m.group("year") else None
        resolved = _resolve(MONTHS[m.group("month")[:3]], day if 1 <= day <= 31 else None, year, pub)
        if resolved:
            return resolved
    for m in _DATE.finditer(sentence_low) if any(w in sentence_low for w in MONTHS) else ():
        month_word = m.group("month")
        day = int(m.group("day")) if m.group("day") else None
        year = int(m.group("year")) if m.group("year") else None
        if month_word == "may" and not (day or year or (m.group("pre") or "").strip() in ("in", "until", "by")):
            continue
        if month_word in ("mar", "jan", "jun", "jul", "aug", "oct", "nov", "dec", "feb", "apr", "sep", "sept") \
                and not (day or year or m.group(0).endswith(".")):
            # Three-letter forms are words too ("mar", "jan" as names): need a day or a year.
            continue
        if day is not None and day > 31:
            day = None
        resolved = _resolve(MONTHS[month_word[:3]], day, year, pub)
        if resolved:
            return resolved
    for m in _NUMERIC.finditer(sentence_low) if "/" in sentence_low else ():
        month, day = int(m.group("m")), int(m.group("d"))
        if 1 <= month <= 12 and 1 <= day <= 31:
            y = m.group("y")
            year = (2000 + int(y) if len(y) == 2 else int(y)) if y else None
            resolved = _resolve(month, day, year, pub)
            if resolved:
                return resolved
    m = _SEASONAL.search(sentence_low) if any(w in sentence_low for w in _SEASONAL_NEEDS) else None
    if m:
        if m.group("season"):
            year = int(m.group("year")) if m.group("year") else None
            month = _SEASON_MONTH[m.group("season")]
            if "next" in m.group(0) and pub and year is None:
                year = pub.year + 1
            return _resolve(month, None, year, pub)
        if m.group("bare"):
            return _resolve(_SEASON_MONTH[m.group("bare")], None, None, pub)
        if m.group("nextyear"):
            return f"{pub.year + 1:04d}" if pub else None
        return m.group("bareyear")
    m = _HOLIDAY.search(sentence_low) if any(w in sentence_low for w in _HOLIDAY_NEEDS) else None
    if m:
        return _resolve(*_HOLIDAY_DATE[m.group("day")], None, pub)
    return None
