"""Refuse XML that carries a DTD internal subset, wherever it hides, before any parser runs.

An internal subset is where entities are declared; feedparser's loose parser expands
declared entities, so a 16 KB feed can become gigabytes. No feed or sitemap needs one,
so any `<!DOCTYPE ... [` (or a stray `<!ENTITY`) anywhere in the document is refused.

The scan covers the whole document, not a prefix, and it reads the document as the
parsers will: a comment (`<!-- ]> -->`) cannot end the subset early because nothing
after the `[` is read at all, and a document in UTF-16/32 or in an encoding that is
not a superset of ASCII (a BOM, NUL patterns, a declared or HTTP charset such as
UTF-7) is decoded in chunks and scanned as text.
"""

from __future__ import annotations

import codecs
import re
from typing import Any

def _anycase(word: str) -> str:
    """'doctype' -> '[Dd][Oo]...': case-insensitive, yet the literal '<!' before it keeps
    the regex engine's fast search (re.I or a lower-cased copy cost 5-10x more)."""
    return "".join(f"[{c.upper()}{c}]" if c.isalpha() else re.escape(c) for c in word)


# Where a declaration starts, and what can end one or open a subset. Quoted external ids
# (`SYSTEM "a>b"`) may hold `>` or `[`, so quotes are skipped whole. A DOCTYPE inside a
# comment or a CDATA section is text, not a declaration.
_START_TEXT = rf"<!({_anycase('doctype')}|--|{_anycase('[cdata[')})"
_START_BYTES = re.compile(_START_TEXT.encode())
_START_STR = re.compile(_START_TEXT)
_SKIP_TO = {"--": "-->", "[cdata[": "]]>"}
_ENTITY_BYTES = re.compile(f"<!{_anycase('entity')}".encode())
_ENTITY_STR = re.compile(f"<!{_anycase('entity')}")
_STOP_BYTES = re.compile(rb"[>\[\"']")
_STOP_STR = re.compile(r"[>\[\"']")
_DECLARED = re.compile(rb"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})["']""")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]{1,40})", re.I)
# Byte-order marks and the NUL patterns of `<?` (XML spec, appendix F).
_SNIFF = (
    (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF32_LE, "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF16_LE, "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"), (b"<\x00?\x00", "utf-16-le"),
)
_CHUNK = 1 << 20
# Encodings in which `<!DOCTYPE`, `<!ENTITY`, quotes, `[` and `>` are the ASCII bytes:
# the raw-byte scan already reads these documents as the parser will.
_ASCII_SAFE = {"utf-8", "ascii", "latin-1", "iso8859-1"} | {f"iso8859-{n}" for n in range(2, 17)} | {
    f"cp125{n}" for n in range(9)} | {"koi8-r", "koi8-u", "mac-roman", "gb2312", "gbk", "gb18030",
                                      "big5", "euc-jp", "euc-kr", "cp874", "tis-620"}
REFUSAL = "XML declares a DTD internal subset (entity expansion refused)"


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return None


def _encodings(body: bytes, content_type: str) -> set[str]:
    """Every encoding a parser might read the document in, other than ASCII supersets."""
    names: set[str] = set()
    for prefix, name in _SNIFF:
        if body.startswith(prefix):
            names.add(name)
            break
    if b"\x00" in body[:4]:  # NULs with no known pattern: try both widths
        names.update(("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"))
    if m := _DECLARED.search(body[:1024]):
        names.add(m.group(1).decode("ascii"))
    if m := _CHARSET.search(content_type or ""):
        names.add(m.group(1))
    unsafe: set[str] = set()
    for name in names:
        codec = _codec(name)
        # An unknown name goes through Latin-1-like parsers as bytes: the raw scan covers it.
        if codec is not None and codec not in _ASCII_SAFE:
            unsafe.add(codec)
    return unsafe


def _scan(doc: Any, start: re.Pattern, stop: re.Pattern, entity: re.Pattern) -> bool:
    """Linear: one search for entity declarations (anywhere: the only way to declare one),
    then each DOCTYPE, comment or CDATA section is read once and the next search starts
    where it ended."""
    if entity.search(doc):
        return True
    pos = 0
    while m := start.search(doc, pos):
        pos = m.end()
        opened = m.group(1)
        opened = (opened.decode("ascii") if isinstance(opened, bytes) else opened).lower()
        if opened != "doctype":  # a comment or CDATA: skip to its end
            closing = _SKIP_TO[opened]
            end = doc.find(closing.encode("ascii") if isinstance(doc, bytes) else closing, pos)
            if end < 0:
                return False  # the rest of the document is a comment: no declaration in it
            pos = end + len(closing)
            continue
        while s := stop.search(doc, pos):
            char = s.group()
            if char in ("[", b"["):
                return True
            if char in (">", b">"):
                pos = s.end()
                break
            close = doc.find(char, s.end())  # the closing quote
            if close < 0:
                return True  # an unclosed quote: a malformed DOCTYPE could hide anything
            pos = close + 1
        else:
            return True  # a DOCTYPE that never ends
    return False


def _decoded_has_subset(body: bytes, codec: str) -> bool:
    """Decode in chunks (an incremental decoder keeps split characters) and scan each
    chunk with the tail of the previous one, so a match across a boundary is found."""
    decoder = codecs.getincrementaldecoder(codec)(errors="replace")
    tail = ""
    for start in range(0, len(body), _CHUNK):
        text = tail + decoder.decode(body[start:start + _CHUNK], final=start + _CHUNK >= len(body))
        if _scan(text, _START_STR, _STOP_STR, _ENTITY_STR):
            return True
        # A DOCTYPE's quoted external ids are short; 4 KB of overlap covers any real one.
        tail = text[-4096:]
    return False


def has_internal_subset(body: bytes, content_type: str = "") -> bool:
    """True when the document declares a DTD internal subset or an entity anywhere."""
    if _scan(body, _START_BYTES, _STOP_BYTES, _ENTITY_BYTES):
        return True
    return any(_decoded_has_subset(body, codec) for codec in _encodings(body, content_type))


# feedparser's cost per element grows with the nesting depth: 100,000 nested elements
# (700 KB) take about 20 s of CPU. No feed nests anywhere near MAX_DEPTH.
MAX_DEPTH = 1000
_WINDOW = 16 * 1024
_TAG = re.compile(rb"</|<[A-Za-z]")


def _longest_open_run(body: bytes) -> int:
    run = longest = 0
    for m in _TAG.finditer(body):
        if m.group() == b"</":
            run = 0
        else:
            run += 1
            longest = max(longest, run)
    return longest


def _has_open_run(body: bytes) -> bool:
    """True when MAX_DEPTH start tags follow each other with no end tag between them.

    The exact count runs only when a cheap look sees a suspect stretch: a 16 KB window
    with a start tag and no `</`. A run too short to hold such a window (under ~5,000
    tags) costs feedparser well under a second; the runs that cost many seconds hold
    many windows."""
    for start in range(0, len(body), _WINDOW):
        window = body[start:start + _WINDOW]
        if b"<" in window and b"</" not in window:
            return _longest_open_run(body) >= MAX_DEPTH
    return False


def nests_too_deep(body: bytes, content_type: str = "") -> bool:
    """True when MAX_DEPTH start tags follow each other with no end tag between them,
    in the bytes or in the document decoded as the parser may read it (UTF-16, ...)."""
    if _has_open_run(body):
        return True
    return any(_has_open_run(body.decode(codec, errors="replace").encode("utf-8"))
               for codec in _encodings(body, content_type))
