"""`newsagg extract`: article-page extraction over saved pages, as JSON lines.

Top level stays light: the extraction code (lxml, trafilatura) is imported inside
the command, so `newsagg --help` does not pay for it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer


def _options(url: str | None, registry: list[Any], parser: str | None, tz: str | None) -> dict[str, Any]:
    """extract_page options for a page: its outlet's (parser, headline, timezone) when the URL
    belongs to a registry source, with --parser / --timezone / a line's "parser" winning."""
    from newsagg.sources import page_options_for

    opts = page_options_for(url, registry)
    if parser:
        opts["parser"] = parser
    if tz:
        opts["default_tz"] = tz
    return opts


def _page(path: str, url: str | None, options: dict[str, Any]) -> dict[str, Any]:
    from newsagg.extract import extract_page
    from newsagg.extract.decode import read_page_file

    if not path.endswith((".html", ".htm", ".html.gz", ".htm.gz")):
        raise ValueError(f"{path}: expected a .html or .html.gz file")
    data = read_page_file(path)
    return extract_page(data, url or None, **options).to_json()


def _error(id: Any, exc: BaseException) -> dict[str, Any]:
    msg = str(exc) if isinstance(exc, (OSError, ValueError)) else f"{type(exc).__name__}: {exc}"
    if isinstance(exc, OSError) and exc.filename:
        msg = f"{exc.filename}: {exc.strerror or exc}"
    return {"id": id, "error": " ".join(msg.split())[:500]}


def _emit(obj: dict[str, Any]) -> None:
    import json

    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def register(app: typer.Typer) -> None:
    @app.command("extract")
    def extract(
        file: Annotated[Optional[Path], typer.Argument(
            help="One saved page (.html or .html.gz) to extract. Without it, read JSON lines "
                 '{"id": ..., "url": ..., "path": ...} from stdin ("url" optional, "parser" optional) '
                 "and write one JSON line per input, in order.", show_default=False)] = None,
        url: Annotated[Optional[str], typer.Option(
            "--url", help="The page's URL (resolves relative links; helps pick the page's JSON-LD). "
                          "Only with FILE.")] = None,
        parser: Annotated[Optional[str], typer.Option(
            "--parser", help="Per-source parser to use, e.g. penske or hearst (as `parser` in sources.toml). "
                             'In batch mode a line\'s own "parser" key wins.')] = None,
        timezone: Annotated[Optional[str], typer.Option(
            "--timezone", help="IANA zone for dates the page gives without one. Default: the timezone of "
                               "the registry source whose domain serves the URL, else UTC.",
            show_default=False)] = None,
        sources: Annotated[Optional[Path], typer.Option(
            "--sources", help="Source registry (TOML) whose per-outlet page settings (parser, headline, "
                              "timezone) apply to pages of the outlets' domains. Default: $NEWSAGG_SOURCES "
                              "or the packaged registry.", show_default=False)] = None,
    ) -> None:
        """Extract article fields from saved pages: title, authors, dates (UTC), body, description, image, language, tags, canonical URL and status (ok, paywalled, blocked, not_article).

        Output lines: {"id", "url", "title", "authors", "published", "modified", "body", "description", "image", "language", "tags", "canonical_url", "status"}; dates are ISO 8601 UTC or null. A page that cannot be read gives {"id", "error"} and the batch goes on.
        """  # noqa: E501 - click rewraps help text itself
        import json

        from newsagg.errors import NewsaggError

        from newsagg.sources import load_sources

        registry = load_sources(sources)
        try:
            from zoneinfo import ZoneInfo

            if timezone and timezone != "UTC":
                ZoneInfo(timezone)
        except Exception:  # noqa: BLE001 - ZoneInfo raises several types for bad names
            raise NewsaggError(f"unknown timezone {timezone!r} (--timezone wants an IANA name)") from None
        if parser:
            from newsagg.extract.parsers import UnknownParser, get_parser

            try:
                get_parser(parser)
            except UnknownParser as exc:
                raise NewsaggError(str(exc.args[0])) from None
        if file is not None:
            if not file.is_file():
                raise NewsaggError(f"{file}: no such file")
            try:
                _emit(_page(str(file), url, _options(url, registry, parser, timezone)))
            except (OSError, ValueError, EOFError) as exc:
                raise NewsaggError(_error(None, exc)["error"]) from None
            return
        if url:
            raise NewsaggError("--url needs FILE (in batch mode put \"url\" on each input line)")
        if sys.stdin.isatty():
            raise NewsaggError("give FILE, or JSON lines on stdin (see --help)")
        for n, line in enumerate(sys.stdin, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except ValueError:
                _emit({"id": None, "error": f"input line {n}: not JSON"})
                continue
            if not isinstance(item, dict):
                _emit({"id": None, "error": f"input line {n}: expected a JSON object"})
                continue
            id_ = item.get("id")
            path = item.get("path")
            if not isinstance(path, str) or not path:
                _emit({"id": id_, "error": f"input line {n}: missing \"path\""})
                continue
            page_url = item.get("url") if isinstance(item.get("url"), str) else None
            try:
                out = _page(path, page_url, _options(page_url, registry, item.get("parser") or parser, timezone))
            except Exception as exc:  # noqa: BLE001 - one bad page must not stop the batch
                _emit(_error(id_, exc))
                continue
            out["id"] = id_
            _emit(out)
