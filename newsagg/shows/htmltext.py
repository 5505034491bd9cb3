"""HTML input for the linker: plain text plus the spans the publisher emphasised (<em>, <i>, <cite>)."""

from __future__ import annotations

import re

_LOOKS_HTML = re.compile(r"<(?:p|div|em|i|b|strong|cite|br|span|a|h[1-6]|li|ul|ol|blockquote)\b[^>]*>", re.I)
_BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "section", "article"}
_EMPHASIS = {"em", "i", "cite"}


def looks_like_html(text: str) -> bool:
    return bool(text) and bool(_LOOKS_HTML.search(text))


def html_to_text(html: str) -> tuple[str, list[str]]:
    """(text, emphasized): block elements become line breaks, scripts and styles are dropped."""
    import lxml.html
    from lxml import etree

    if not html.strip():
        return "", []
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return re.sub(r"<[^>]+>", " ", html), []
    emphasized: list[str] = []
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _EMPHASIS:
            span = " ".join(el.text_content().split())
            if span and span not in emphasized:
                emphasized.append(span)
    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in ("script", "style", "noscript"):
            if el.tail:
                parts.append(el.tail)
            return
        if tag in _BLOCKS:
            parts.append("\n")
        if el.text and tag:
            parts.append(el.text)
        for child in el:
            walk(child)
        if tag in _BLOCKS:
            parts.append("\n")
        if el.tail:
            parts.append(el.tail)

    walk(root)
    text = "".join(parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n[\n ]*", "\n", text).strip()
    return text, emphasized
