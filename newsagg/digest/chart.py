"""The digest's one chart: the day's coverage by show, as rows for email-safe HTML table bars.

Email clients drop SVG and images need remote fetches, so the bars are table cells whose width
is a percentage; Markdown lists the same numbers.
"""

from __future__ import annotations

from newsagg.digest.model import ShowSection

CHART_SHOWS = 8   # the most covered shows of the day; the rest are in their sections


def coverage_rows(sections: list[ShowSection], limit: int = CHART_SHOWS) -> list[tuple[str, int, int]]:
    """(show title, the day's articles, bar width in percent of the widest) for the top shows.
    No chart (empty) when fewer than two shows had news: one bar says nothing."""
    shown = sorted((s for s in sections if s.articles > 0), key=lambda s: -s.articles)[:limit]
    if len(shown) < 2:
        return []
    top = shown[0].articles
    return [(s.show.title, s.articles, max(2, round(100 * s.articles / top))) for s in shown]
