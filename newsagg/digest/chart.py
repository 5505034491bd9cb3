"""A show's 30-day coverage as a tiny inline SVG bar chart (no scripts, no external refs).

Built as a string here rather than in the template: every value is an int we format
ourselves, and the only text (the label) is escaped.
"""

from __future__ import annotations

from datetime import date, timedelta

from markupsafe import Markup, escape

WIDTH, HEIGHT = 300, 48
BAR_GAP = 2
BAR_COLOUR = "#9fb3c8"
TODAY_COLOUR = "#d9480f"  # the digest's own day stands out


def coverage_svg(counts: list[int], last_day: date, label: str) -> Markup:
    n = len(counts) or 1
    top = max(counts, default=0) or 1
    bar_w = (WIDTH - BAR_GAP * (n - 1)) / n
    plot_h = HEIGHT - 12  # room for the max label
    first = last_day - timedelta(days=n - 1)
    bars = []
    for i, value in enumerate(counts):
        h = 0 if value == 0 else max(1.5, plot_h * value / top)
        x = i * (bar_w + BAR_GAP)
        day = first + timedelta(days=i)
        colour = TODAY_COLOUR if i == n - 1 else BAR_COLOUR
        bars.append(f'<rect x="{x:.1f}" y="{HEIGHT - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                    f'fill="{colour}"><title>{day.isoformat()}: {value}</title></rect>')
    title = escape(f"{label}: articles per day, {first.isoformat()} to {last_day.isoformat()} "
                   f"(max {max(counts, default=0)}, today {counts[-1] if counts else 0})")
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{title}" class="coverage-chart">'
        f"<title>{title}</title>"
        f'<line x1="0" y1="{HEIGHT - 0.5}" x2="{WIDTH}" y2="{HEIGHT - 0.5}" stroke="#cfd8e3" stroke-width="1"/>'
        f'<text x="0" y="9" font-size="9" font-family="Helvetica,Arial,sans-serif" fill="#6b7785">'
        f"max {max(counts, default=0)}/day</text>"
        + "".join(bars) + "</svg>")
