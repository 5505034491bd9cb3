"""The one grammar of relative times and durations, for every option and setting that takes one.

A span is a number and a unit, e.g. `90s`, `15m`, `2h`, `7d`, `2w`, `6mo`, `1y`:

    s   seconds     m, min   minutes     h   hours     d   days
    w   weeks (7 d) mo       months (30 d)             y   years (365 d)

`m` is minutes (as in cron and the registry's `interval = "30m"`); months are `mo`. `M` alone is
refused as ambiguous. Units are case-insensitive otherwise; a decimal number is allowed (`1.5h`).
A moment (`--since`, `--until`) is a span ago, a day `YYYY-MM-DD` or an ISO 8601 date-time.
Plain Python: the CLI, queries, digests and the registry all use it.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone, tzinfo

_SPAN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$")
_SECONDS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86_400, "w": 7 * 86_400, "mo": 30 * 86_400,
            "y": 365 * 86_400}
SPAN_HELP = "a span such as 90s, 15m (minutes), 2h, 7d, 2w, 6mo (months), 1y"
MOMENT_HELP = f"YYYY-MM-DD, an ISO date-time, or {SPAN_HELP} ago"


class TimeSpecError(ValueError):
    pass


def match_span(text: str) -> timedelta | None:
    """The span `text` spells, or None when it does not look like one. An unknown or ambiguous
    unit on a number (`5x`, `6M`) is an error, not "not a span"."""
    m = _SPAN.match(text)
    if not m:
        return None
    number, unit = m.group(1), m.group(2)
    if unit == "M":
        raise TimeSpecError(f"{text.strip()!r} is ambiguous: write {number}m for minutes or {number}mo for months")
    seconds = _SECONDS.get(unit.lower())
    if seconds is None:
        raise TimeSpecError(f"unknown unit {unit!r} in {text.strip()!r} (use {SPAN_HELP})")
    return timedelta(seconds=float(number) * seconds)


def parse_span(text: str) -> timedelta:
    """A span (see the module help) -> timedelta; anything else is a TimeSpecError."""
    span = match_span(text)
    if span is None:
        raise TimeSpecError(f"not a time span: {text!r} (use {SPAN_HELP})")
    return span


def parse_moment(text: str, now: datetime | None = None, *, zone: tzinfo = timezone.utc,
                 end_of_day: bool = False) -> datetime:
    """A span ago, a day or an ISO date-time -> aware UTC. A day starts at midnight in `zone`
    (with `end_of_day`: the next midnight, for inclusive --until days); a date-time without an
    offset is read in `zone`."""
    value = text.strip()
    span = match_span(value)
    if span is not None:
        return (now or datetime.now(timezone.utc)) - span
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            moment = datetime.combine(day + timedelta(days=1) if end_of_day else day, time())
        else:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise TimeSpecError(f"not a date or time span: {text!r} (use {MOMENT_HELP})") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(timezone.utc)
