"""Every setting of newsagg, declared once: name, where it is set, type, default and help.

Two kinds:
- `env`: environment variables, read through `value()` (one parser, one error line for a bad
  value). A command-line option, where there is one, wins over the variable.
- `scrapy`: crawl settings of crawler/settings.py, changed per run with `newsagg crawl -s NAME=VALUE`.

The README's settings table is generated from this list (`python -m newsagg.settings`) and a test
keeps the two equal. Plain Python: no imports beyond the standard library.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from newsagg.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    env: str  # the environment variable or Scrapy setting name
    type: type
    default: Any  # None: none (computed or unset; see help)
    help: str
    option: str | None = None  # the command-line option that overrides it
    kind: str = "env"  # env | scrapy


SETTINGS: tuple[Setting, ...] = (
    Setting("NEWSAGG_DATABASE_URL", str, "newsagg.db", "SQLAlchemy URL or SQLite file path of the database",
            option="--db"),
    Setting("NEWSAGG_SOURCES", str, None, "source registry TOML replacing the packaged one", option="--sources"),
    Setting("NEWSAGG_USER_AGENT", str, None, "User-Agent of the crawler (default: newsagg/VERSION with the "
                                             "project URL); put a contact in it"),
    Setting("NEWSAGG_BROKER_URL", str, "redis://127.0.0.1:6379/0", "Celery broker of `run-due --dispatch` and "
                                                                   "`newsagg worker` (redis:// or amqp://)",
            option="newsagg worker --broker"),
    Setting("NEWSAGG_QUEUE", str, "newsagg", "queue the dispatcher fills and workers consume",
            option="newsagg worker --queues"),
    Setting("NEWSAGG_VISIBILITY_TIMEOUT", float, 3600.0, "seconds before Redis redelivers a task a dead worker "
                                                         "held"),
    Setting("NEWSAGG_RESTORE_INTERVAL", float, None, "seconds between sweeps for such tasks (default: a quarter "
                                                     "of the visibility timeout, 1-10 s)"),
    Setting("NEWSAGG_CRAWL_TIMEOUT", float, 3000.0, "seconds one source's crawl may take in a worker"),
    Setting("NEWSAGG_WORKER_CRAWL_SETTINGS", str, None, "JSON list of NAME=VALUE crawl settings for workers "
                                                        "(set by `newsagg worker -s`)", option="newsagg worker -s"),
    Setting("NEWSAGG_EXTRACT_PROCESSES", int, None, "extraction processes of a crawl: pages, and the TV events "
                                                    "of batches of 32 or more linked items (default: the cores the "
                                                    "process may use, e.g. under taskset; 0: extract on the "
                                                    "crawl's own threads)"),
    Setting("NEWSAGG_SMTP_URL", str, None, "smtp[s]://user:pass@host:port that `digest --send-to` sends through",
            option="--smtp"),
    Setting("NEWSAGG_FAULT", str, None, "tests only: kill (or `:raise`) at a named commit point"),
    Setting("NEWSAGG_DEBUG", bool, False, "print the traceback of an unexpected error"),
    Setting("NEWSAGG_STRICT_WARNINGS", bool, False, "Scrapy deprecation warnings become errors (the tests set it)"),
    Setting("NEWSAGG_STORE_BATCH", int, 500, "articles per write transaction", kind="scrapy"),
    Setting("NEWSAGG_STORE_MAX_WAIT", float, 2.0, "seconds before a partial batch is written anyway",
            kind="scrapy"),
    Setting("NEWSAGG_LINK_SHOWS", bool, True, "link new and changed articles to the show catalogue", kind="scrapy"),
    Setting("NEWSAGG_DEDUPE", bool, True, "mark syndicated copies and group stories", kind="scrapy"),
    Setting("NEWSAGG_EVENTS", bool, True, "extract TV events from linked articles (needs NEWSAGG_LINK_SHOWS)",
            kind="scrapy"),
    Setting("NEWSAGG_PROGRESS", bool, False, "live per-source progress (on when stderr is a terminal)",
            kind="scrapy"),
    Setting("NEWSAGG_TRIGGER", str, "manual", "what started the run, recorded in crawl_runs (set by the "
                                              "commands)", kind="scrapy"),
    Setting("NEWSAGG_INGESTOR", object, None, "a long-lived worker's shared ingestor (set by the worker)",
            kind="scrapy"),
    Setting("NEWSAGG_ENGINE", object, None, "a long-lived worker's shared database engine (set by the worker)",
            kind="scrapy"),
    Setting("NEWSAGG_RUN_ID", str, None, "the run's id (set by the commands; default a new UUID)", kind="scrapy"),
    Setting("NEWSAGG_CRAWL_DEADLINE", float, None, "seconds after which the crawl is cut (a worker sets it from "
                                                   "NEWSAGG_CRAWL_TIMEOUT); no download outlives it", kind="scrapy"),
)
BY_NAME = {s.env: s for s in SETTINGS}
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"", "0", "false", "no", "off"}


def value(env: str, environ: Mapping[str, str] | None = None) -> Any:
    """The setting's value from the environment (typed), else its default. A value of the
    wrong type is a ConfigError naming the variable (one line, exit 2)."""
    setting = BY_NAME[env]
    raw = (os.environ if environ is None else environ).get(env)
    if raw is None or (raw == "" and setting.type is not bool):
        return setting.default
    if setting.type is bool:
        if raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE
        raise ConfigError(f"{env}: expected 1/0, true/false, yes/no or on/off, got {raw!r}")
    if setting.type in (int, float):
        try:
            number = setting.type(raw)
        except ValueError:
            raise ConfigError(f"{env}: expected a number, got {raw!r}") from None
        if number < 0:
            raise ConfigError(f"{env}: must be 0 or more, got {raw!r}")
        return number
    return raw


def markdown_table() -> str:
    """The README's settings table."""
    lines = ["| setting | kind | type | default | set with | what it does |", "|---|---|---|---|---|---|"]
    for s in SETTINGS:
        where = "environment" if s.kind == "env" else "`newsagg crawl -s`"
        default = "-" if s.default is None else f"`{s.default}`"
        option = f"`{s.option}`" if s.option else "-"
        lines.append(f"| `{s.env}` | {where} | {s.type.__name__} | {default} | {option} | {s.help} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown_table())
