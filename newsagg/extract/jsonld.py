"""schema.org article data from <script type="application/ld+json">.

Real pages break JSON-LD in every way: invalid JSON (HTML comments, CDATA, raw
newlines, trailing commas or semicolons), a top-level array, nested `@graph`,
`@type` as a list, strings where objects belong and the reverse. Each block is
parsed on its own; a broken one is skipped, never fatal.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "reviewnewsarticle", "backgroundnewsarticle", "askpublicnewsarticle", "blogposting", "liveblogposting",
    "report", "scholarlyarticle", "techarticle", "satiricalarticle", "advertisercontentarticle",
    "socialmediaposting", "discussionforumposting", "review", "criticreview",
}
_JUNK = re.compile(r"^\s*(?:<!--|<!\[CDATA\[|//\s*<!\[CDATA\[)|(?:-->|\]\]>|//\s*\]\]>)\s*$")
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_MAX_NODES = 5000  # a hostile page with a huge graph stops here


@dataclass
class JsonLd:
    article: dict[str, Any] | None = None     # the chosen article node
    organizations: list[str] = field(default_factory=list)  # publisher / Organization names
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)

    def resolve(self, value: Any) -> Any:
        """Follow {"@id": ...} references inside the page's graph (one level)."""
        if isinstance(value, dict) and set(value) <= {"@id", "@type"} and value.get("@id") in self.by_id:
            return self.by_id[value["@id"]]
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        return value


def _loads(text: str) -> Any:
    text = text.strip()
    lines = [ln for ln in text.splitlines() if not _JUNK.match(ln)] if ("<!" in text or "]]>" in text) else None
    if lines is not None:
        text = "\n".join(lines)
    text = text.rstrip().rstrip(";")
    for attempt in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            return json.loads(attempt, strict=False)  # strict=False: raw newlines inside strings
        except (ValueError, RecursionError):
            continue
    return None


def _types(node: dict[str, Any]) -> set[str]:
    t = node.get("@type")
    if isinstance(t, str):
        return {t.rsplit("/", 1)[-1].lower()}
    if isinstance(t, list):
        return {x.rsplit("/", 1)[-1].lower() for x in t if isinstance(x, str)}
    return set()


def _walk(value: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > 8 or len(out) > _MAX_NODES:
        return
    if isinstance(value, list):
        for v in value:
            _walk(v, out, depth + 1)
    elif isinstance(value, dict):
        out.append(value)
        graph = value.get("@graph")
        if graph is not None:
            _walk(graph, out, depth + 1)
        main = value.get("mainEntity")
        if isinstance(main, (dict, list)):
            _walk(main, out, depth + 1)


def _node_urls(node: dict[str, Any]) -> set[str]:
    urls = set()
    for key in ("url", "@id", "mainEntityOfPage"):
        v = node.get(key)
        if isinstance(v, dict):
            v = v.get("@id") or v.get("url")
        if isinstance(v, str):
            urls.add(v.split("#", 1)[0].rstrip("/"))
    return urls


def parse_jsonld(tree: etree._Element, url: str | None = None) -> JsonLd:
    nodes: list[dict[str, Any]] = []
    for script in tree.iterfind(".//script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        data = _loads(script.text or "")
        if data is not None:
            _walk(data, nodes)
    result = JsonLd()
    articles: list[dict[str, Any]] = []
    for node in nodes:
        types = _types(node)
        if isinstance(node.get("@id"), str) and len(node) > 2:
            result.by_id.setdefault(node["@id"], node)
        if types & ARTICLE_TYPES:
            articles.append(node)
        if types & {"organization", "newsmediaorganization"} and isinstance(node.get("name"), str):
            result.organizations.append(node["name"])
        pub = node.get("publisher")
        for p in pub if isinstance(pub, list) else [pub]:
            if isinstance(p, dict) and isinstance(p.get("name"), str):
                result.organizations.append(p["name"])
            elif isinstance(p, str) and not p.startswith("http"):
                result.organizations.append(p)
    if articles:
        page = (url or "").split("#", 1)[0].rstrip("/")
        # The page's own article first (a page can carry related articles too), then the richest.
        articles.sort(key=lambda n: (page and page in _node_urls(n), "headline" in n,
                                     "datePublished" in n, "articleBody" in n), reverse=True)
        result.article = articles[0]
    return result


def first_str(value: Any, *keys: str) -> str | None:
    """The first string in value (or in value[key] of a dict / list of dicts)."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, list):
        for v in value:
            if (s := first_str(v, *keys)) is not None:
                return s
        return None
    if isinstance(value, dict):
        for key in keys:
            if (s := first_str(value.get(key), *keys)) is not None:
                return s
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return None
    return None


def str_list(value: Any) -> list[str]:
    """keywords / articleSection: a comma string, a list, or objects with a name."""
    out: list[str] = []
    if isinstance(value, str):
        out = [v.strip() for v in value.split(",")]
    elif isinstance(value, list):
        for v in value:
            if isinstance(v, str):
                out.append(v.strip())
            elif isinstance(v, dict) and isinstance(v.get("name"), str):
                out.append(v["name"].strip())
    return [v for v in out if v]
