"""`newsagg digest` (the day's news by show, in md/html/json/rss/atom) and `newsagg export`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from newsagg.cli_options import DbOption


if TYPE_CHECKING:
    from newsagg.digest.email import Envelope

_SUFFIX_FORMATS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json",
                   ".rss": "rss", ".xml": "rss", ".atom": "atom", ".eml": "eml", ".csv": "csv", ".jsonl": "jsonl",
                   ".ndjson": "jsonl"}


def _pick_format(fmt: str | None, out: Path | None, allowed: tuple[str, ...], default: str) -> str:
    from newsagg.errors import NewsaggError

    if fmt is None:
        guessed = _SUFFIX_FORMATS.get(out.suffix.lower()) if out is not None else None
        return guessed if guessed in allowed else default
    if fmt.lower() not in allowed:
        raise NewsaggError(f"--format must be one of {', '.join(allowed)}, got {fmt!r}")
    return fmt.lower()


def digest(
    date: Annotated[Optional[str], typer.Option("--date", help="Day as YYYY-MM-DD, local to --tz (default: today)")]
    = None,
    tz: Annotated[str, typer.Option("--tz", help="IANA time zone the day is taken in")] = "UTC",
    show: Annotated[Optional[list[str]], typer.Option(
        "--show", help="Only stories about this show, title or alias (repeatable); leaves out 'Other'")] = None,
    fmt: Annotated[Optional[str], typer.Option(
        "--format", help="md, html, json, rss, atom or eml (default: from --out's suffix, else md)")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write here (atomically) instead of stdout")] = None,
    since_last: Annotated[bool, typer.Option(
        "--since-last", help="Leave out stories already in the previous digest (state: see --state)")] = False,
    state: Annotated[Optional[Path], typer.Option(
        "--state", help="--since-last state file (default: newsagg-digest-state.json beside --out)")] = None,
    feed_url: Annotated[Optional[str], typer.Option(
        "--feed-url", help="Where the RSS/Atom feed is published (its self link)")] = None,
    sender: Annotated[Optional[str], typer.Option(
        "--from", help="Email From (eml and --send-to); default: newsagg digest <digest@localhost>")] = None,
    to: Annotated[Optional[str], typer.Option("--to", help="Email To header (default: --send-to)")] = None,
    unsubscribe: Annotated[Optional[str], typer.Option(
        "--list-unsubscribe", help="List-Unsubscribe target: mailto:ADDR or an http(s) URL")] = None,
    send_to: Annotated[Optional[str], typer.Option(
        "--send-to", help="Email the digest to this address (needs --smtp)")] = None,
    smtp: Annotated[Optional[str], typer.Option(
        "--smtp", help="smtp[s]://user:pass@host:port to send through (STARTTLS when offered; env: NEWSAGG_SMTP_URL)",
        envvar="NEWSAGG_SMTP_URL")] = None,
    db: DbOption = None,
) -> None:
    """The day's news: top stories first (who had them first), industry moves, then a compact list per show.

    --format eml writes a MIME email (text and HTML parts); --send-to ADDR --smtp URL sends it."""
    from newsagg.atomic import write_atomic
    from newsagg.digest import state as digest_state
    from newsagg.digest.build import build_digest
    from newsagg.digest.dates import parse_day, parse_zone, today
    from newsagg.dbaccess import open_readonly
    from newsagg.digest.render import FORMATS, render
    from newsagg.digest.shows import resolve_shows
    from newsagg.errors import NewsaggError

    zone = parse_zone(tz)
    day = parse_day(date) if date is not None else today(zone)
    fmt = _pick_format(fmt, out, FORMATS, "md")
    state_path = state or digest_state.default_path(out)
    if since_last and state_path is None:
        raise NewsaggError("--since-last needs --out or --state (where to remember the previous digest)")
    if feed_url is not None:
        from newsagg.digest.text import safe_url

        if safe_url(feed_url) is None:
            raise NewsaggError(f"--feed-url must be an http(s) URL, got {feed_url!r}")

    envelope = _envelope(sender, to or send_to, unsubscribe)
    target = None
    if send_to is not None:
        from newsagg.digest.email import check_address, parse_smtp_url

        if smtp is None:
            raise NewsaggError("--send-to needs --smtp smtp[s]://user:pass@host:port (or NEWSAGG_SMTP_URL)")
        check_address(send_to, "--send-to")
        target = parse_smtp_url(smtp)

    engine = open_readonly(db)
    try:
        with engine.connect() as conn:
            shows = resolve_shows(conn, show) if show else None
            scope = "all" if not shows else "shows:" + ",".join(str(s.id) for s in sorted(shows, key=lambda s: s.id))
            saved = digest_state.load(state_path) if since_last and state_path else None
            prev = digest_state.previous(saved, scope, day) if saved is not None else None
            result = build_digest(conn, day, zone, shows=shows, exclude_keys=prev[1] if prev else None,
                                  previous_date=prev[0] if prev else None, coverage=fmt == "json")
    finally:
        engine.dispose()

    message = None
    if target is not None and send_to is not None:
        from newsagg.digest.email import build_message, send

        message = build_message(result, envelope)
        try:
            send(message, send_to, target)
        except NewsaggError as exc:  # a delivery failure (exit 1, not a usage error); nothing marked as sent
            typer.echo(f"newsagg: error: {exc}", err=True)
            raise typer.Exit(1) from None
        typer.echo(f"sent the digest to {send_to} via {target.shown} ({len(result.stories)} stories)", err=True)
    # --out with eml while sending: the very message sent (same Message-ID)
    text = message.as_string() if message is not None and fmt == "eml" else \
        render(result, fmt, feed_url=feed_url, email=envelope)
    if out is None:
        if target is None:
            sys.stdout.write(text)
    else:
        write_atomic(out, text)
    if saved is not None and state_path is not None:
        seen = [s.key for s in result.stories] + result.excluded_keys
        digest_state.record(saved, scope, day, result.tz, seen)
        digest_state.save(state_path, saved)
    if out is not None:
        what = "empty digest (no news)" if result.empty else f"{len(result.stories)} stories"
        typer.echo(f"wrote {out} ({fmt}, {what}"
                   + (f", {result.excluded} already sent left out" if result.excluded else "") + ")", err=True)


def _envelope(sender: str | None, to: str | None, unsubscribe: str | None) -> "Envelope":
    from newsagg.digest.email import DEFAULT_FROM, Envelope, check_address, check_unsubscribe

    return Envelope(sender=check_address(sender, "--from") if sender else DEFAULT_FROM,
                    to=check_address(to, "--to") if to else None,
                    unsubscribe=check_unsubscribe(unsubscribe) if unsubscribe else None)


def export(
    since: Annotated[str, typer.Option(
        "--since", help="From this day or time: YYYY-MM-DD, ISO date-time, or a span ago "
                         "(15m = minutes, 24h, 7d, 6mo = months)")],
    until: Annotated[Optional[str], typer.Option("--until", help="Up to (not including) this day or time")] = None,
    tz: Annotated[str, typer.Option("--tz", help="Zone for --since/--until without an offset")] = "UTC",
    fmt: Annotated[Optional[str], typer.Option(
        "--format", help="csv or jsonl (default: from --out's suffix, else jsonl)")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Write here instead of stdout")] = None,
    body: Annotated[bool, typer.Option("--body/--no-body", help="Include article bodies")] = True,
    db: DbOption = None,
) -> None:
    """Bulk export of articles published since a date, in published order, streamed."""
    from newsagg.atomic import atomic_writer
    from newsagg.digest.dates import parse_instant, parse_zone
    from newsagg.dbaccess import open_readonly
    from newsagg.digest.export import EXPORT_FORMATS, iter_articles, write_export
    from newsagg.errors import NewsaggError

    zone = parse_zone(tz)
    start = parse_instant(since, zone, "--since")
    end = parse_instant(until, zone, "--until") if until is not None else None
    if end is not None and end <= start:
        raise NewsaggError(f"--until ({until}) must be after --since ({since})")
    fmt = _pick_format(fmt, out, EXPORT_FORMATS, "jsonl")

    engine = open_readonly(db)
    try:
        with engine.connect() as conn:
            rows = iter_articles(conn, start, end, body=body)
            if out is None:
                n = write_export(rows, fmt, sys.stdout)
            else:
                with atomic_writer(out) as fh:  # streamed into a temp file beside --out, then renamed
                    n = write_export(rows, fmt, fh)
    finally:
        engine.dispose()
    typer.echo(f"exported {n} articles" + (f" to {out}" if out else ""), err=True)


def register(app: typer.Typer) -> None:
    app.command("digest")(digest)
    app.command("export")(export)
