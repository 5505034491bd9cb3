"""Scheduled crawls for cron or a systemd timer.

    python scheduler.py run-due [--sources FILE] [--db URL] [--loop]
    python scheduler.py status

The same commands as `newsagg schedule ...`; see the README for crontab and systemd units.
"""

from __future__ import annotations


def main() -> None:
    from newsagg.cli import main as cli_main
    from newsagg.commands.schedule import schedule_app

    cli_main(schedule_app, prog_name="scheduler.py")


if __name__ == "__main__":
    main()
