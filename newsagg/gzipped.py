"""One gunzip for feeds, sitemaps and pages, with one size limit.

Servers send `.gz` files without Content-Encoding (Scrapy only decompresses what the
headers announce), so bodies are checked for the gzip magic. A gzip bomb stops at the
limit: the sitemaps.org cap, far above any real feed or article page.
"""

from __future__ import annotations

import zlib

MAX_DECOMPRESSED_BYTES = 50 * 1024 * 1024


def is_gzip(data: bytes) -> bool:
    return data[:2] == b"\x1f\x8b"


def gunzip(data: bytes, limit: int = MAX_DECOMPRESSED_BYTES) -> bytes:
    """Decompress gzip data; a truncated file gives what could be read.

    Raises ValueError (one line) for unreadable data or output over the limit."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise ValueError(f"not a readable gzip file ({exc})") from None
    if len(out) > limit:
        raise ValueError(f"gzip data decompresses to more than {limit // (1024 * 1024)} MB")
    if not out:  # a header and nothing readable after it
        raise ValueError("not a readable gzip file (no data)")
    return out
