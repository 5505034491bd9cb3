"""Local days in a time zone -> UTC windows (DST-correct: a day can be 23 or 25 hours)."""

from __future__ import annotations

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
    """A moment in the one grammar (newsagg.timespec): YYYY-MM-DD, an ISO date-time (local to
    `zone` without an offset), or a span ago (7d, 24h, 30m) -> aware UTC."""
    from newsagg.timespec import TimeSpecError, parse_moment

    try:
        return parse_moment(value, zone=zone)
    except TimeSpecError as exc:
        raise NewsaggError(f"{option}: {exc}") from None


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
