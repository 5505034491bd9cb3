"""One gunzip with one limit for feeds, sitemaps and pages."""

from __future__ import annotations

import gzip
import random
import zlib

import pytest

from newsagg.extract.decode import read_page_file
from newsagg.feeds import parse_feed
from newsagg.gzipped import MAX_DECOMPRESSED_BYTES, gunzip
from newsagg.sitemaps import parse_sitemap


def _bomb() -> bytes:
    """A gzip member that inflates to one byte more than the limit (about 50 KB on disk)."""
    squeeze = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * (1 << 20)
    parts = [squeeze.compress(chunk) for _ in range(MAX_DECOMPRESSED_BYTES // len(chunk))]
    return b"".join(parts) + squeeze.compress(b"\0") + squeeze.flush()


def test_the_limit_is_the_same_for_feeds_sitemaps_and_pages(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bomb = _bomb()
    assert "more than 50 MB" in (parse_feed(bomb, "http://e.com/f").error or "")
    assert "more than 50 MB" in (parse_sitemap(bomb, "http://e.com/s.xml").error or "")
    (tmp_path / "page.html.gz").write_bytes(bomb)
    with pytest.raises(ValueError, match="more than 50 MB"):
        read_page_file(tmp_path / "page.html.gz")


def test_truncated_gzip_gives_what_could_be_read() -> None:
    payload = b"<rss>" + random.Random(1).randbytes(20_000)  # incompressible: half the file is half the data
    data = gzip.compress(payload)
    out = gunzip(data[: len(data) // 2])
    assert 5_000 < len(out) < 15_000 and payload.startswith(out)


@pytest.mark.parametrize("data", [b"\x1f\x8b", b"\x1f\x8bnot gzip at all"])
def test_unreadable_gzip_is_one_line(data: bytes) -> None:
    with pytest.raises(ValueError, match="not a readable gzip file"):
        gunzip(data)
