"""Human-readable crawl reports (rich tables on a terminal, plain text otherwise)."""

from __future__ import annotations

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


def print_crawl_report(report: CrawlReport, err: bool = False) -> None:
    Console(stderr=err).print(crawl_table(report))
