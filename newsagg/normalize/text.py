"""HTML to clean text, and headline clean-up.

Untrusted markup is only ever parsed here (lxml, no scripts run, no network);
what comes out is plain text with paragraph breaks, entities decoded and
whitespace folded.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable

import lxml.html
from lxml import etree

_WS = re.compile(r"[\s\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
# Elements whose content is never reader text. (<embed> is void and <object> holds
# fallback text, so neither is here: dropping them would drop the text after them.)
_DROP_TAGS = ("script", "style", "noscript", "iframe", "template", "svg", "form", "button", "head", "title")
_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "section", "article", "header", "footer", "aside", "figure", "figcaption", "table", "tr",
    "pre", "hr", "dd", "dt", "dl", "main", "nav",
}
_TAGLIKE = re.compile(r"<[a-zA-Z!/?]")


def fold_ws(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _paragraphs(parts: Iterable[str]) -> str:
    out: list[str] = []
    for chunk in parts:
        line = fold_ws(chunk)
        if line:
            out.append(line)
    return "\n\n".join(out)


_EMPHASIS = ("em", "i", "cite")  # how publishers set show and film titles
# Markup worth parsing (a tag this module treats as structure or emphasis), not just a stray "<".
_LOOKS_HTML = re.compile(r"<(?:p|div|em|i|b|strong|cite|br|span|a|h[1-6]|li|ul|ol|blockquote)\b[^>]*>", re.I)


def looks_like_html(text: str) -> bool:
    return bool(text) and bool(_LOOKS_HTML.search(text))


def html_to_text(markup: str | None) -> str:
    """Markup (or plain text with entities) to text; blocks become paragraphs."""
    return html_text(markup)[0]


def html_text(markup: str | None) -> tuple[str, list[str]]:
    """(text, emphasized): the one HTML-to-text. Blocks become paragraphs (blank-line separated),
    scripts, styles and forms are dropped, whitespace is folded; `emphasized` holds the distinct
    texts of <em>, <i> and <cite>, in order (the show linker weighs them as titles)."""
    if not markup:
        return "", []
    if not _TAGLIKE.search(markup):
        text = (html.unescape(markup) if "&" in markup else markup).replace("\r", "")
        # Plain text: blank lines separate paragraphs; without any, each line is one.
        return _paragraphs(_BLANK_LINE.split(text) if _BLANK_LINE.search(text) else text.split("\n")), []
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return fold_ws(re.sub(r"<[^>]*>", " ", html.unescape(markup))), []
    return element_text(root)


def emphasis_spans(root: etree._Element) -> list[str]:
    """The distinct texts of <em>, <i> and <cite> under root, whitespace folded, in page order."""
    spans: list[str] = []
    for el in root.iter(*_EMPHASIS):
        span = fold_ws(el.text_content())
        if span and span not in spans:
            spans.append(span)
    return spans


def element_text(root: etree._Element) -> tuple[str, list[str]]:
    """html_text of a parsed element (changed in place: non-reader elements are dropped)."""
    for bad in root.iter(*_DROP_TAGS):
        bad.drop_tree() if bad.getparent() is not None else None
    emphasized = emphasis_spans(root)
    blocks: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            blocks.append("".join(current))
            current.clear()

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _BLOCK_TAGS:
                flush()
            if el.text and tag:
                current.append(el.text)
        else:
            if tag in _BLOCK_TAGS:
                flush()
            if el.tail and el is not root:
                current.append(el.tail)
    flush()
    return _paragraphs(blocks), emphasized


def clean_inline(text: str | None, is_html: bool = True) -> str:
    """One-line text (titles, names): tags stripped (if HTML), entities decoded, NFC, folded."""
    if not text:
        return ""
    if is_html and ("<" in text or "&" in text):
        text = html_to_text(text).replace("\n\n", " ")
    return fold_ws(unicodedata.normalize("NFC", text))


_SUFFIX_SEP = re.compile(r"\s+(?:\||–|—|-|::|»|·|•)\s+")


def _norm_name(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", s.lower().removeprefix("the "))


def clean_title(title: str | None, outlet_names: Iterable[str] = (), is_html: bool = True) -> str:
    """Headline without an outlet suffix (" | Variety", " – Deadline").

    Only a trailing segment that names the outlet is removed, so "Jessica Jones -
    Season 2" keeps its second half.
    """
    text = clean_inline(title, is_html)
    if not text:
        return ""
    names = {_norm_name(n) for n in outlet_names if n}
    names.discard("")
    for _ in range(2):  # "Title | TV News | Variety"
        parts = _SUFFIX_SEP.split(text)
        if len(parts) < 2:
            break
        last = _norm_name(parts[-1])
        # "Deadline Hollywood", "Variety.com": a short segment that starts with the outlet's name.
        short = len(parts[-1].split()) <= 3
        if last in names or (short and any(last.startswith(n) for n in names)):
            m = list(_SUFFIX_SEP.finditer(text))[-1]
            text = text[: m.start()].rstrip()
        else:
            break
    return text


# WordPress feeds append "The post X appeared first on Outlet." and often a list of
# related links; neither is the article.
_WP_FOOTER = re.compile(r"^the post .{1,400} appeared first on .{1,120}\.?$", re.I)
_RELATED_HEADING = re.compile(r"^(?:related(?: stories| articles| news| coverage)?|more from [\w .'&-]{1,40}|"
                              r"read more|you may also like|recommended)\s*:?$", re.I)


def strip_feed_boilerplate(text: str) -> str:
    """Drop feed-appended footers and a trailing related-links block from paragraph text."""
    if not text:
        return text
    paras = text.split("\n\n")
    paras = [p for p in paras if not _WP_FOOTER.match(p)]
    for i in range(len(paras) - 1, 0, -1):
        # A heading in the second half of the text followed only by short link-like lines.
        if _RELATED_HEADING.match(paras[i]) and i >= len(paras) // 2 and all(
                len(p) < 160 for p in paras[i + 1:]):
            paras = paras[:i]
            break
    return "\n\n".join(paras)
