"""Local days in a time zone -> UTC windows (DST-correct: a day can be 23 or 25 hours)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsagg.errors import NewsaggError

COVERAGE_DAYS = 30


def parse_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise NewsaggError(f"unknown time zone {name!r} (use an IANA name such as UTC, "
                           "America/New_York or Europe/London)") from None


def parse_day(value: str, option: str = "--date") -> date:
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise NewsaggError(f"{option} must be a date as YYYY-MM-DD, got {value!r}") from None


def parse_instant(value: str, zone: ZoneInfo, option: str = "--since") -> datetime:
    """YYYY-MM-DD, an ISO date-time (local to `zone` without an offset), or 7d / 24h ago -> aware UTC."""
    ago = re.fullmatch(r"(\d{1,5})([dh])", value.strip())
    if ago:  # the same relative forms `newsagg articles --since` takes
        n = int(ago.group(1))
        return datetime.now(timezone.utc) - (timedelta(days=n) if ago.group(2) == "d" else timedelta(hours=n))
    try:
        if len(value) == 10:
            dt = datetime.combine(date.fromisoformat(value), time())
        else:
            dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise NewsaggError(f"{option} must be YYYY-MM-DD, an ISO date-time such as 2016-01-18T06:00 or "
                           f"2016-01-18T06:00:00+00:00, or 7d / 24h, got {value!r}") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=zone)
    return dt.astimezone(timezone.utc)


def day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone).astimezone(timezone.utc)


def day_window(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    return day_start(day, zone), day_start(day + timedelta(days=1), zone)


def day_bounds(last_day: date, zone: ZoneInfo, days: int = COVERAGE_DAYS) -> list[datetime]:
    """days+1 UTC instants: the starts of `days` local days ending with last_day, then its end."""
    first = last_day - timedelta(days=days - 1)
    return [day_start(first + timedelta(days=i), zone) for i in range(days + 1)]


def today(zone: ZoneInfo) -> date:
    return datetime.now(zone).date()
