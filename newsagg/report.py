"""Human-readable crawl reports (rich tables on a terminal, plain text otherwise)."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.table import Table

from newsagg.crawl import CrawlReport


def crawl_table(report: CrawlReport) -> Table:
    table = Table("source", "status", "requests", "items", "new", "updated", "duplicate", "errors",
                  "last error", title=f"crawl {report.run_id[:8]} in {report.elapsed:.1f}s")
    for s in report.sources:
        table.add_row(s.name, s.status, str(s.requests), str(s.items_seen), str(s.new), str(s.updated),
                      str(s.duplicate), str(s.errors), (s.last_error or "")[:80])
    t = report.totals()
    table.add_row("total", "", str(t["requests"]), str(t["items_seen"]), str(t["new"]), str(t["updated"]),
                  str(t["duplicate"]), str(t["errors"]), "", style="bold")
    return table


def _printable(text: str) -> str:
    """Control characters shown escaped: error text comes from untrusted servers."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def crawl_lines(report: CrawlReport) -> list[str]:
    """One plain line per source (for logs, cron mail and monitors), failures first."""
    lines = []
    for s in sorted(report.sources, key=lambda s: s.status == "ok"):
        line = (f"source {s.name}: {s.status}, {s.items_seen} items, {s.new} new, {s.updated} updated, "
                f"{s.duplicate} duplicate, {s.errors} errors")
        if s.status != "ok" and s.last_error:
            line += f": {_printable(s.last_error[:300])}"
        lines.append(line)
    return lines


def print_crawl_report(report: CrawlReport, err: bool = False) -> None:
    """A table on a terminal; plain lines otherwise."""
    console = Console(stderr=err)
    if console.is_terminal:
        console.print(crawl_table(report))
        return
    stream = sys.stderr if err else sys.stdout
    for line in crawl_lines(report):
        print(line, file=stream)
