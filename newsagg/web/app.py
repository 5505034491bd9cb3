"""`newsagg serve`: a read-only web view (Starlette + Jinja2, run by uvicorn).

Pages (each also answers `?format=json` with the data it shows):
  /                     the river: the newest day's stories, newest first; ?day=YYYY-MM-DD pages by day
  /day/YYYY-MM-DD       the day's digest, the same HTML `newsagg digest --format html` writes
  /show/ID              a show: timeline of stories, events, seasons, 30-day coverage chart
  /show/ID/feed.atom    the show's Atom digest feed for a day (?day=, default the newest day)
  /search?q=...         full-text search (OR, NOT, prefix*, "phrases")

Nothing writes: only GET/HEAD routes, a read-only database connection, SELECTs. Stored text is
escaped by Jinja2's autoescape; links are http(s) only; every response carries a strict
Content-Security-Policy (no script at all, styles from this server only).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

import jinja2
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from newsagg.errors import NewsaggError
from newsagg.web import data

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
# The digest page is the email HTML: inline styles, still no script.
DIGEST_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
                    "X-Frame-Options": "DENY"}


def _env() -> jinja2.Environment:
    from newsagg.digest.render import iso

    env = jinja2.Environment(loader=jinja2.PackageLoader("newsagg.web", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["hhmm"] = lambda value: value[11:16] if isinstance(value, str) and len(value) >= 16 else value
    env.filters["iso"] = iso
    return env


def _parse_day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def create_app(engine: Engine) -> Starlette:
    env = _env()
    css = (jinja2.PackageLoader("newsagg.web", "templates").get_source(env, "style.css")[0])

    async def db(fn: Callable[..., Any], *args: Any) -> Any:
        # Database work off the event loop: one slow query does not stall other requests.
        return await asyncio.to_thread(fn, *args)

    def with_conn(fn: Callable[..., Any], *args: Any) -> Any:
        with engine.connect() as conn:
            return fn(conn, *args)

    def page(request: Request, template: str, payload: dict[str, Any], status: int = 200) -> Response:
        if request.query_params.get("format") == "json":
            return JSONResponse(payload, status_code=status, headers={**SECURITY_HEADERS, "Content-Security-Policy": CSP})
        html = env.get_template(template).render(**payload, request_path=request.url.path)
        return HTMLResponse(html, status_code=status, headers={**SECURITY_HEADERS, "Content-Security-Policy": CSP})

    def not_found(request: Request, what: str) -> Response:
        return page(request, "error.html.j2", {"error": what, "title": "Not found"}, 404)

    async def river(request: Request) -> Response:
        raw = request.query_params.get("day")
        day = _parse_day(raw) if raw is not None else await db(with_conn, data.newest_day)
        if raw is not None and day is None:
            return page(request, "error.html.j2", {"error": "day must be YYYY-MM-DD", "title": "Bad request"}, 400)
        if day is None:
            return page(request, "river.html.j2", {"day": None, "older": None, "newer": None, "stories": [],
                                                   "page": 1, "next_page": None, "shows": [], "title": "No news yet"})
        raw_page = request.query_params.get("page", "1")
        if not raw_page.isdigit() or not 1 <= int(raw_page) <= 10_000:
            return page(request, "error.html.j2", {"error": "page must be a number from 1", "title": "Bad request"},
                        400)
        payload = await db(with_conn, data.river, day, int(raw_page))
        return page(request, "river.html.j2", {**payload, "title": f"News of {day.isoformat()}"})

    async def day_page(request: Request) -> Response:
        from zoneinfo import ZoneInfo

        from newsagg.digest.build import build_digest
        from newsagg.digest.render import render, to_json_obj

        day = _parse_day(request.path_params["day"])
        if day is None:
            return not_found(request, "no such day (use YYYY-MM-DD)")
        as_json = request.query_params.get("format") == "json"
        digest = await db(with_conn, partial(build_digest, day=day, zone=ZoneInfo("UTC"), coverage=as_json))
        if as_json:
            return JSONResponse(to_json_obj(digest), headers={**SECURITY_HEADERS, "Content-Security-Policy": CSP})
        return HTMLResponse(render(digest, "html"),
                            headers={**SECURITY_HEADERS, "Content-Security-Policy": DIGEST_CSP})

    async def show_page(request: Request) -> Response:
        show_id = request.path_params["show_id"]
        payload = await db(with_conn, data.show_page, show_id, None)
        if payload is None:
            return not_found(request, f"no show with id {show_id}")
        return page(request, "show.html.j2", {**payload, "title": payload["show"]["title"]})

    async def show_feed(request: Request) -> Response:
        from zoneinfo import ZoneInfo

        from newsagg.digest.build import build_digest
        from newsagg.digest.model import Show
        from newsagg.digest.render import render

        show_id = request.path_params["show_id"]
        raw = request.query_params.get("day")
        day = _parse_day(raw) if raw is not None else await db(with_conn, data.newest_day)
        info = await db(with_conn, data.show_page, show_id, day)
        if info is None or day is None:
            return not_found(request, f"no show with id {show_id}" if info is None else "no news yet")
        show = Show(show_id, info["show"]["title"], info["show"]["network"])
        digest = await db(with_conn, partial(build_digest, day=day, zone=ZoneInfo("UTC"), shows=[show]))
        return Response(render(digest, "atom", feed_url=str(request.url)), media_type="application/atom+xml",
                        headers={**SECURITY_HEADERS, "Content-Security-Policy": CSP})

    async def search(request: Request) -> Response:
        query = request.query_params.get("q", "").strip()
        if not query:
            return page(request, "search.html.j2", {"q": "", "results": [], "error": None, "title": "Search"})
        try:
            results = await db(data.search, engine, query)
        except NewsaggError as exc:
            return page(request, "search.html.j2", {"q": query, "results": [], "error": str(exc),
                                                    "title": "Search"}, 400)
        return page(request, "search.html.j2", {"q": query, "results": results, "error": None,
                                                "title": f"Search: {query}"})

    async def shows(request: Request) -> Response:
        rows = await db(with_conn, data.shows_index)
        return page(request, "shows.html.j2", {"shows": rows, "title": "Shows"})

    async def stylesheet(request: Request) -> Response:
        return PlainTextResponse(css, media_type="text/css", headers={**SECURITY_HEADERS, "Cache-Control": "max-age=3600"})

    routes = [
        Route("/", river), Route("/day/{day}", day_page), Route("/shows", shows),
        Route("/show/{show_id:int}", show_page), Route("/show/{show_id:int}/feed.atom", show_feed),
        Route("/search", search), Route("/style.css", stylesheet),
    ]
    return Starlette(routes=routes)
