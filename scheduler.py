"""Scheduled crawls for cron or a systemd timer.

    python scheduler.py run-due [--sources FILE] [--db URL] [--loop]
    python scheduler.py status

The same commands as `newsagg schedule ...`; see the README for crontab and systemd units.
"""

from __future__ import annotations

import sys


def main() -> None:
    from newsagg.cli import main as cli_main

    sys.argv = [sys.argv[0], "schedule", *sys.argv[1:]]
    cli_main()


if __name__ == "__main__":
    main()
