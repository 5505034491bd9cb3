"""Page bytes to text: gzip files, then charset by BOM, HTTP header, <meta>, sniffing.

A declared charset can be wrong (a "utf-8" header on a cp1252 page): a declared
UTF-8 that fails to decode falls through to the next candidate instead of being
trusted, and the last resort (cp1252 with replacement) never raises.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from newsagg.gzipped import gunzip, is_gzip

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.I)
# <meta charset="x"> or <meta http-equiv="Content-Type" content="text/html; charset=x">, in the first 4 KB.
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    # Browsers read latin-1 and ascii labels as windows-1252 (WHATWG encoding standard).
    return "cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec


def read_page_file(path: str | Path) -> bytes:
    """Bytes of a saved page; `.gz` files (or gzip magic) are decompressed."""
    data = Path(path).read_bytes()
    if is_gzip(data):
        data = gunzip(data)
    return data


def declared_charsets(data: bytes, content_type: str | None = None) -> list[str]:
    """Candidates in order of authority: BOM, HTTP header, meta tag."""
    out: list[str] = []
    for bom, name in _BOMS:
        if data.startswith(bom):
            out.append(name)
            break
    if content_type:
        m = _HEADER_CHARSET.search(content_type)
        if m and (c := _codec(m.group(1))):
            out.append(c)
    m = _META_CHARSET.search(data[:4096])
    if m and (c := _codec(m.group(1).decode("ascii", "ignore"))):
        out.append(c)
    return out


def decode_html(data: bytes | str, content_type: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used). Never raises."""
    if isinstance(data, str):
        return data, "str"
    candidates = declared_charsets(data, content_type)
    # A BOM is decisive. Otherwise valid UTF-8 wins over a declared single-byte charset:
    # non-ASCII cp1252/latin-1 text is almost never valid UTF-8 by chance, while UTF-8
    # pages labelled iso-8859-1 are common.
    order = [candidates[0]] if data.startswith(tuple(b for b, _ in _BOMS)) else []
    order += ["utf-8", *candidates]
    for enc in order:
        if enc.startswith(("utf-16", "utf-32")) and not order[0] == enc:
            continue  # a declared UTF-16 without a BOM is a lie: the meta tag was readable as ASCII
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        return text.lstrip("\ufeff"), enc
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
        if best is not None and best.encoding:
            return data.decode(best.encoding, errors="replace"), best.encoding
    except Exception:  # noqa: BLE001 - detection is best effort
        pass
    return data.decode("cp1252", errors="replace"), "cp1252"
