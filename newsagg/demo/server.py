"""A small, fast HTTP/1.1 fixture server for tests, the demo and benchmarks.

Why not ``http.server``: it handles one request per thread round-trip and caps
near 200 req/s, which would make every crawl benchmark measure the server.
This one runs ``asyncio.start_server`` on its own event loop in a daemon thread,
so slow (delayed) paths never stall other requests and ``stop()`` is prompt.

Only what a crawler needs: GET/HEAD, keep-alive, Content-Length, conditional GET
(ETag / Last-Modified -> 304) and gzip. Requests are parsed here with hard
limits; anything malformed gets a 400 and the connection is closed.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime

__all__ = ["Resource", "RequestRecord", "FixtureServer"]

MAX_HEADER_BYTES = 64 * 1024  # request line + headers; more gets a 431
MAX_HEADERS = 100
MAX_DISCARD_BODY = 1024 * 1024  # GET/HEAD bodies are read and dropped up to this size
IDLE_TIMEOUT = 30.0  # keep-alive connections idle longer than this are closed
GZIP_MIN_BYTES = 1024

_REASONS = {
    200: "OK", 201: "Created", 204: "No Content", 301: "Moved Permanently", 302: "Found",
    304: "Not Modified", 307: "Temporary Redirect", 308: "Permanent Redirect",
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 410: "Gone", 413: "Content Too Large",
    429: "Too Many Requests", 431: "Request Header Fields Too Large",
    500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout", 505: "HTTP Version Not Supported",
}
_TOKEN_CHARS = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NO_BODY_STATUSES = {204, 304}


@dataclass
class Resource:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)  # extra headers (Retry-After, Location, ...)
    delay: float = 0.0  # seconds to wait before answering (simulates a hanging server)
    last_modified: datetime | None = None  # aware datetime; sent as Last-Modified
    etag: bool = True  # send a strong ETag computed from the body


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str  # request target as sent, including any query string
    headers: dict[str, str]  # header names lower-cased; repeated headers joined with ", "
    status: int  # 0: no response was sent (client went away or server stopped)
    time: float  # time.time() when the request was fully read


class _Entry:
    """A Resource plus what we precompute for it (ETag, gzip body, header block)."""

    __slots__ = ("res", "etag", "last_modified", "lm_header", "_gz", "extra")

    def __init__(self, res: Resource) -> None:
        self.res = res
        self.etag = '"' + hashlib.sha1(res.body).hexdigest()[:20] + '"' if res.etag else None
        lm = res.last_modified
        if lm is not None:
            if lm.tzinfo is None:
                raise ValueError("Resource.last_modified must be timezone-aware")
            lm = lm.astimezone(timezone.utc).replace(microsecond=0)  # HTTP dates have 1 s resolution
        self.last_modified = lm
        self.lm_header = format_datetime(lm, usegmt=True) if lm else None
        self._gz: bytes | None = None
        # extra headers may override ours; compare names case-insensitively
        self.extra = {k.lower(): (k, v) for k, v in res.headers.items()}

    def gzipped(self) -> bytes:
        if self._gz is None:  # compress once, lazily; mtime=0 keeps it deterministic
            self._gz = gzip.compress(self.res.body, compresslevel=6, mtime=0)
        return self._gz


class _BadRequest(Exception):
    def __init__(self, status: int = 400) -> None:
        super().__init__(status)
        self.status = status


def _wants_gzip(accept_encoding: str) -> bool:
    for part in accept_encoding.split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() not in ("gzip", "x-gzip", "*"):
            continue
        q = 1.0
        for p in params.split(";"):
            name, _, value = p.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q > 0:
            return True
    return False


def _etag_matches(if_none_match: str, etag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    # If-None-Match uses weak comparison: W/"x" matches "x"
    for tag in if_none_match.split(","):
        tag = tag.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag == etag:
            return True
    return False


def _not_modified(entry: _Entry, headers: dict[str, str]) -> bool:
    inm = headers.get("if-none-match")
    if inm is not None:  # RFC 9110: when If-None-Match is present, If-Modified-Since is ignored
        return entry.etag is not None and _etag_matches(inm, entry.etag)
    ims = headers.get("if-modified-since")
    if ims and entry.last_modified is not None:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError, IndexError):
            return False  # unparseable dates are ignored, as the RFC says
        if since.tzinfo is None:
            since = since.replace(tzinfo=timezone.utc)
        return since >= entry.last_modified
    return False


class FixtureServer:
    """Serve a mapping of path -> Resource on a background asyncio loop.

    Use as a context manager (``with FixtureServer(site) as srv: srv.base_url``)
    or call start()/stop(). Paths are matched exactly; a query string is only
    significant when the exact "path?query" key exists.
    """

    def __init__(
        self, site: Mapping[str, Resource] | None = None, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.host = host
        self.port = port
        self.base_url = ""
        self._entries: dict[str, _Entry] = {p: _Entry(r) for p, r in (site or {}).items()}
        self._lock = threading.Lock()
        self._log: list[RequestRecord] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._conns: set[asyncio.Task[None]] = set()
        self._date_cache: tuple[int, bytes] = (0, b"")

    # -- lifecycle ----------------------------------------------------------

    def start(self) -> FixtureServer:
        if self._thread is not None:
            return self
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                self._server = loop.run_until_complete(
                    asyncio.start_server(self._handle, self.host, self.port, limit=MAX_HEADER_BYTES)
                )
            except BaseException as exc:  # e.g. port in use: report it to start()
                failure.append(exc)
                ready.set()
                loop.close()
                return
            loop.call_soon(ready.set)  # only once the loop runs, so stop() can always reach it
            try:
                loop.run_forever()
            finally:
                loop.close()

        self._thread = threading.Thread(target=run, name="fixture-server", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread = None
            raise failure[0]
        assert self._server is not None
        host, port = self._server.sockets[0].getsockname()[:2]
        self.port = port
        shown = f"[{host}]" if ":" in host else host
        self.base_url = f"http://{shown}:{port}"
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        fut = asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
        try:
            fut.result(timeout=5)
        except Exception:
            pass  # best effort: the loop is stopped below either way
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        self._thread = None
        self._loop = None

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()  # stop accepting
        # 3.11's Server.close() leaves open connections alone: cancel them
        # ourselves, which also aborts any pending delay.
        conns = list(self._conns)
        for task in conns:
            task.cancel()
        if conns:
            await asyncio.gather(*conns, return_exceptions=True)

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- content and log ----------------------------------------------------

    def set(self, path: str, resource: Resource | None) -> None:
        """Add, replace (resource) or remove (None) a path; safe while running."""
        with self._lock:
            if resource is None:
                self._entries.pop(path, None)
            else:
                self._entries[path] = _Entry(resource)

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def requests(self) -> list[RequestRecord]:
        """A snapshot of the request log, oldest first."""
        with self._lock:
            return list(self._log)

    def count(self, path_prefix: str = "") -> int:
        with self._lock:
            return sum(1 for r in self._log if r.path.startswith(path_prefix))

    def _lookup(self, target: str) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(target)
            if entry is None and "?" in target:
                entry = self._entries.get(target.split("?", 1)[0])
            return entry

    def _record(self, method: str, target: str, headers: dict[str, str], status: int, t: float) -> None:
        with self._lock:
            self._log.append(RequestRecord(method, target, headers, status, t))

    def _http_date(self) -> bytes:
        now = int(time.time())
        if self._date_cache[0] != now:  # formatting dates is surprisingly costly; once a second
            stamp = format_datetime(datetime.fromtimestamp(now, timezone.utc), usegmt=True)
            self._date_cache = (now, stamp.encode())
        return self._date_cache[1]

    # -- protocol -----------------------------------------------------------

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._conns.add(task)
        aborted = False
        try:
            while await self._serve_one(reader, writer):
                pass
        except (ConnectionError, TimeoutError, asyncio.IncompleteReadError):
            pass  # client went away or idle timeout
        except asyncio.CancelledError:
            aborted = True  # shutdown: drop the connection without waiting on the client
        finally:
            self._conns.discard(task)
            if aborted:
                writer.transport.abort()
            else:
                writer.close()
                try:
                    await writer.wait_closed()
                except (ConnectionError, asyncio.CancelledError):
                    pass

    async def _serve_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Read and answer one request; return whether to keep the connection open."""
        try:
            async with asyncio.timeout(IDLE_TIMEOUT):
                head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            if exc.partial.strip():
                await self._send_error(writer, 400)
            return False
        except asyncio.LimitOverrunError:
            await self._send_error(writer, 431)
            return False
        t = time.time()
        try:
            method, target, version, headers = self._parse_head(head)
        except _BadRequest as exc:
            await self._send_error(writer, exc.status)
            return False

        keep_alive = self._keep_alive(version, headers)
        try:
            if "transfer-encoding" in headers:
                raise _BadRequest(501)  # no request bodies of that kind here
            length = headers.get("content-length", "0").strip()
            if not length.isdigit():
                raise _BadRequest(400)
            if int(length) > MAX_DISCARD_BODY:
                raise _BadRequest(413)
            if int(length):
                await reader.readexactly(int(length))
        except _BadRequest as exc:
            self._record(method, target, headers, exc.status, t)
            await self._send_error(writer, exc.status)
            return False
        if method not in ("GET", "HEAD"):
            self._record(method, target, headers, 405, t)
            await self._send_simple(writer, 405, keep_alive, method, extra=b"Allow: GET, HEAD\r\n")
            return keep_alive
        await self._respond(writer, method, target, headers, keep_alive, t)
        return keep_alive

    @staticmethod
    def _parse_head(head: bytes) -> tuple[str, str, str, dict[str, str]]:
        try:
            text = head.decode("latin-1")
        except UnicodeDecodeError:  # pragma: no cover - latin-1 decodes anything
            raise _BadRequest() from None
        lines = text.split("\r\n")
        # tolerate stray empty lines before a request line (RFC 9112 2.2)
        while lines and lines[0] == "":
            lines.pop(0)
        if not lines:
            raise _BadRequest()
        parts = lines[0].split(" ")
        if len(parts) != 3:
            raise _BadRequest()
        method, target, version = parts
        if not method or not set(method) <= _TOKEN_CHARS:
            raise _BadRequest()
        if version not in ("HTTP/1.1", "HTTP/1.0"):
            raise _BadRequest(505 if version.startswith("HTTP/") else 400)
        if target.startswith(("http://", "https://")):  # absolute-form: keep path + query
            rest = target.split("://", 1)[1]
            target = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
        if not target.startswith("/") or any(c in target for c in "\x00\r\n\t"):
            raise _BadRequest()
        headers: dict[str, str] = {}
        count = 0
        for line in lines[1:]:
            if not line:
                continue
            if line[0] in " \t":  # obsolete line folding
                raise _BadRequest()
            name, sep, value = line.partition(":")
            if not sep or not name or not set(name) <= _TOKEN_CHARS:
                raise _BadRequest()
            count += 1
            if count > MAX_HEADERS:
                raise _BadRequest(431)
            key = name.lower()
            value = value.strip(" \t")
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        if version == "HTTP/1.1" and "host" not in headers:
            raise _BadRequest()
        return method, target, version, headers

    @staticmethod
    def _keep_alive(version: str, headers: dict[str, str]) -> bool:
        tokens = {t.strip().lower() for t in headers.get("connection", "").split(",")}
        if version == "HTTP/1.1":
            return "close" not in tokens
        return "keep-alive" in tokens

    async def _respond(
        self, writer: asyncio.StreamWriter, method: str, target: str,
        headers: dict[str, str], keep_alive: bool, t: float,
    ) -> None:
        entry = self._lookup(target)
        if entry is None:
            self._record(method, target, headers, 404, t)
            await self._send_simple(writer, 404, keep_alive, method)
            return
        res = entry.res
        if res.delay > 0:
            try:
                await asyncio.sleep(res.delay)  # only this connection waits
            except asyncio.CancelledError:
                self._record(method, target, headers, 0, t)  # server stopped mid-delay
                raise
        status = res.status
        out = [b"HTTP/1.1 %d %s\r\n" % (status, _REASONS.get(status, "Unknown").encode())]
        hdr: dict[str, tuple[str, str]] = {
            "date": ("Date", self._http_date().decode()),
            "server": ("Server", "newsagg-fixture"),
            "content-type": ("Content-Type", res.content_type),
        }
        if entry.etag and 200 <= status < 300:
            hdr["etag"] = ("ETag", entry.etag)
        if entry.lm_header:
            hdr["last-modified"] = ("Last-Modified", entry.lm_header)
        body = res.body
        not_modified = status == 200 and _not_modified(entry, headers)
        if not_modified:
            status = 304
            out[0] = b"HTTP/1.1 304 Not Modified\r\n"
            del hdr["content-type"]
            body = b""
        elif len(body) > GZIP_MIN_BYTES and status not in _NO_BODY_STATUSES:
            hdr["vary"] = ("Vary", "Accept-Encoding")
            if _wants_gzip(headers.get("accept-encoding", "")):
                body = entry.gzipped()
                hdr["content-encoding"] = ("Content-Encoding", "gzip")
        hdr.update(entry.extra)
        if status not in _NO_BODY_STATUSES:
            # HEAD gets the Content-Length a GET would; 304 gets none (RFC 9110 8.6)
            hdr["content-length"] = ("Content-Length", str(len(body)))
        if not keep_alive:
            hdr["connection"] = ("Connection", "close")
        elif "connection" not in hdr:
            hdr["connection"] = ("Connection", "keep-alive")
        out.extend(f"{k}: {v}\r\n".encode("latin-1") for k, v in hdr.values())
        out.append(b"\r\n")
        if method != "HEAD" and status not in _NO_BODY_STATUSES:
            out.append(body)
        # log before writing, so a client that has its answer also sees its log entry
        self._record(method, target, headers, status, t)
        writer.write(b"".join(out))
        await writer.drain()

    async def _send_simple(
        self, writer: asyncio.StreamWriter, status: int, keep_alive: bool, method: str = "GET",
        extra: bytes = b"",
    ) -> None:
        reason = _REASONS.get(status, "Error")
        body = f"{status} {reason}\n".encode()
        head = (
            b"HTTP/1.1 %d %s\r\nDate: %s\r\nServer: newsagg-fixture\r\n"
            b"Content-Type: text/plain; charset=utf-8\r\nContent-Length: %d\r\nConnection: %s\r\n%s\r\n"
            % (status, reason.encode(), self._http_date(), len(body),
               b"keep-alive" if keep_alive else b"close", extra)
        )
        writer.write(head if method == "HEAD" else head + body)
        await writer.drain()

    async def _send_error(self, writer: asyncio.StreamWriter, status: int) -> None:
        try:
            await self._send_simple(writer, status, keep_alive=False)
        except ConnectionError:
            pass
