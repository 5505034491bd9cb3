"""Body text: JSON-LD articleBody when it is a real body, else trafilatura (its readability and
justext fallbacks only where its own extraction is weak: see _fallbacks_may_apply).

Paragraphs are separated by a blank line. Lines that are boilerplate in almost
every outlet's template (newsletter prompts, share bars, "Related:" teasers) are
dropped after extraction, whichever path produced the body.
"""

from __future__ import annotations

import html
import re

from lxml import etree

from newsagg.normalize.text import fold_ws, html_to_text

_BOILERPLATE = re.compile(
    r"^(?:related(?: stories| articles| story| content| links)?|read more|more from [\w .'&-]+|most popular|"
    r"recommended(?: for you| stories)?|advertisement|sponsored(?: content)?|share (?:this|on) [\w ]+|"
    r"(?:share|tweet|email|facebook|twitter|whatsapp|pinterest|linkedin|reddit|print|comments?)"
    r"(?:\s*[|/·•]?\s*(?:share|tweet|email|facebook|twitter|whatsapp|pinterest|linkedin|reddit|print|comments?))*|"
    r"(?:sign up|subscribe) (?:for|to) (?:our|the) [\w .'&-]*newsletters?[\w .,!'&-]*|"
    r"get the [\w .'&-]+ (?:newsletter|daily headlines)|follow us on [\w ,.&-]+|"
    r"leave a (?:reply|comment)|skip to (?:main )?content|filed under:?.*|"
    r"(?:photo|image) credit:.*|getty images|this article (?:was )?originally (?:appeared|published) .*)\.?:?$",
    re.I)
_TAG = re.compile(r"<[a-zA-Z/][^>]*>")
_MIN_JSONLD_BODY = 400  # characters: shorter articleBody fields are teasers or placeholders
_EMPH_TAGS = ("em", "i", "cite")
_OUTSIDE = {"nav", "header", "footer", "aside", "script", "style", "form", "figcaption"}


def clean_body(text: str) -> str:
    """Fold whitespace per paragraph, drop boilerplate lines and immediate repeats.

    (Only consecutive repeats go: recipes and schedules legitimately repeat lines.)
    """
    out: list[str] = []
    for para in re.split(r"\n\s*\n|\n", text or ""):
        line = fold_ws(para)
        if not line or (len(line) < 160 and _BOILERPLATE.match(line)):
            continue
        if out and out[-1] == line:
            continue
        out.append(line)
    return "\n\n".join(out)


def drop_leading_title(body: str, title: str | None) -> str:
    """The headline repeated as the body's first paragraph is not body text."""
    if not body or not title:
        return body
    first, _, rest = body.partition("\n\n")
    norm = lambda s: re.sub(r"\W+", "", s).casefold()  # noqa: E731
    return rest if rest and norm(first) == norm(title) else body


def jsonld_body(value: object, page_text_chars: int = 0) -> str | None:
    """A usable articleBody (text or HTML), or None for teasers, truncations and placeholders.

    page_text_chars is the length of the page's <p> text: an articleBody much shorter
    than that is a truncated teaser (sites cut it at 500 characters) and is not used.
    """
    if isinstance(value, list):
        value = "\n\n".join(v for v in value if isinstance(v, str))
    if not isinstance(value, str) or len(value) < _MIN_JSONLD_BODY:
        return None
    for _ in range(2):  # entities are often escaped twice ("&amp;amp;")
        if "&" in value:
            value = html.unescape(value)
    text = html_to_text(value) if _TAG.search(value) else value
    text = clean_body(text)
    if len(text) < _MIN_JSONLD_BODY or text.rstrip().endswith(("...", "…", "[…]", "[...]")):
        return None
    if page_text_chars and len(text) < 0.6 * page_text_chars and page_text_chars - len(text) > 1000:
        return None
    return text


def paragraph_chars(tree: etree._Element) -> int:
    """Characters of text in <p> elements: a cheap bound on the visible article length."""
    return sum(len(fold_ws(p.text_content())) for p in tree.iter("p"))


def is_good_body(text: str | None, min_chars: int = _MIN_JSONLD_BODY) -> bool:
    return bool(text) and len(text) >= min_chars  # type: ignore[arg-type]


# trafilatura's time grows faster than linearly with the tree (40,000 nodes: ~8 s); real
# article pages in the corpus have at most ~3,200. Beyond this, a linear fallback is used.
MAX_TRAFILATURA_NODES = 12_000
_TEXT_BLOCKS = ("p", "h2", "h3", "li", "blockquote")


def dense_body(tree: etree._Element) -> str:
    """Linear fallback for huge pages: the paragraphs of the container holding the most <p> text."""
    scores: dict[etree._Element, int] = {}
    for p in tree.iter("p"):
        parent = p.getparent()
        if parent is not None:
            scores[parent] = scores.get(parent, 0) + len(p.text_content())
    if not scores:
        return ""
    best = max(scores, key=scores.__getitem__)
    return clean_body("\n".join(fold_ws(el.text_content()) for el in best if el.tag in _TEXT_BLOCKS))


# Markup that never holds body text and that trafilatura's cleaning discards anyway (its own
# parser also drops comments). trafilatura copies the tree four times and walks it with ~10 XPath
# prunes (some calling Python regexes per element) before that cleaning, so removing these first
# shortens every pass. Its readability fallback sees the raw tree: it drops scripts and styles
# itself, and nav/footer are page chrome (aside is not removed: some layouts wrap the article in
# one). On the shared corpus 3 of 161 bodies change, each more complete. ld+json scripts stay
# (trafilatura reads them to spot forum threads).
_NEVER_BODY = ("style", "svg", "template", "iframe", "link", "meta", "noscript", "nav", "footer", "input",
               "select", "textarea", "label", "object", "embed", "canvas", "video", "audio", "picture", "source", "map", "img")


def strip_never_body(tree: etree._Element) -> None:
    """Remove comments, processing instructions, _NEVER_BODY elements and non-JSON-LD scripts
    in place (tails kept): done once the metadata has been read, before trafilatura."""
    etree.strip_elements(tree, etree.Comment, etree.ProcessingInstruction, *_NEVER_BODY, with_tail=False)
    for el in [s for s in tree.iter("script") if (s.get("type") or "").strip().lower() != "application/ld+json"]:
        el.drop_tree()


# trafilatura's fallbacks (readability, then justext: about a third of its time) replace its own
# extraction only when that is empty or short (under 250 characters by default), has no paragraph
# text, or is under half of what readability finds. So a pass without them runs first, and the
# whole cascade only when that pass's text is short, under a quarter of the page's text, or the
# page has little <p> text for it. On the shared corpus's 161 pages this gives the same bodies as
# the cascade on every page (the two passes differ on 4 pages, each under 250 characters), and
# the cascade runs on about 1 page in 7.
_CASCADE_BELOW_CHARS = 1000
_CASCADE_BELOW_PAGE_SHARE = 0.25


def _trafilatura_text(tree: etree._Element, url: str | None, fast: bool) -> str:
    import trafilatura

    try:
        return trafilatura.extract(tree, url=url, include_comments=False, favor_precision=True,
                                   include_tables=True, output_format="txt", with_metadata=False,
                                   deduplicate=False, fast=fast) or ""
    except Exception:  # noqa: BLE001 - trafilatura raises assorted errors on hostile markup
        return ""


def _fallbacks_may_apply(text: str, tree: etree._Element) -> bool:
    if len(text) < _CASCADE_BELOW_CHARS or paragraph_chars(tree) < len(text) / 2:
        return True
    body = tree.find("body")
    page_chars = len(fold_ws((body if body is not None else tree).text_content()))
    return len(text) < _CASCADE_BELOW_PAGE_SHARE * page_chars


def _trafilatura(tree: etree._Element, url: str | None) -> str:
    text = _trafilatura_text(tree, url, fast=True)
    if _fallbacks_may_apply(text, tree):
        text = _trafilatura_text(tree, url, fast=False)
    return clean_body(text)


def generic_body(tree: etree._Element, url: str | None, nodes: int | None = None) -> tuple[str, str]:
    """(body, evidence label): trafilatura over the already-parsed tree (it works on a copy),
    comments excluded; when that body stops early while its container goes on with prose,
    the rest is added (label "trafilatura+continued"); the linear fallback for huge trees."""
    if (nodes if nodes is not None else sum(1 for _ in tree.iter())) > MAX_TRAFILATURA_NODES:
        return dense_body(tree), "dense-fallback"
    return continue_if_cut(_trafilatura(tree, url), "trafilatura", tree)


def continue_if_cut(body: str, label: str, tree: etree._Element) -> tuple[str, str]:
    """(body, label), or the body continued when it stops early (label + "+continued")."""
    rest = missed_paragraphs(body, tree) if body else None
    if rest and sum(len(p) for p in rest) >= _MIN_MISSED_CHARS:
        return continued(body, rest), f"{label}+continued"
    return body, label


def continued(body: str, rest: list[str]) -> str:
    """The body with what missed_paragraphs() found: a cut last paragraph completed, then the rest."""
    paragraphs = body.split("\n\n")
    if rest and not rest[0][:1].isupper() and not rest[0][:1] in "“\"'‘":  # the cut paragraph's tail
        paragraphs[-1] = f"{paragraphs[-1]}{'' if rest[0][:1] in ',.;:' else ' '}{rest[0]}"
        rest = rest[1:]
    return clean_body("\n\n".join([*paragraphs, *rest]))


_NOT_BODY = {"aside", "nav", "footer", "figure", "figcaption", "form", "header", "blockquote"}
_MIN_MISSED_CHARS = 150  # article text after the body's end that counts as "the page continues"


def missed_paragraphs(body: str, tree: etree._Element) -> list[str] | None:
    """Where a body stops early: the text its container has after the body's last paragraph
    (the rest of that paragraph, then paragraphs of prose the body does not have); None when
    the body's end cannot be found in the page."""
    paragraphs = body.split("\n\n")
    if not paragraphs or len(paragraphs[-1]) < 40:
        return None
    starts = {q[:60] for q in paragraphs if len(q) >= 40}
    last = paragraphs[-1][:60]
    ends = tree.xpath("//p[starts-with(normalize-space(.), $last)]", last=last)  # C speed, not a Python loop
    if not ends:
        return None
    end = ends[-1]
    full_last = fold_ws(end.text_content())
    # The body's own container: the nearest ancestor of its end holding most of its paragraphs
    # (teasers of other articles further down the page sit in other containers).
    container = None
    for anc in end.iterancestors():
        inside = sum(1 for q in anc.iter("p") if fold_ws(q.text_content()[:240])[:60] in starts)
        if inside * 2 >= len(starts):
            container = anc
            break
    if container is None:
        return None
    in_body = fold_ws(body)
    missed: list[str] = []
    after = False
    for p in container.iter("p"):
        if p is end:
            after = True
            continue
        if not after or any(a.tag in _NOT_BODY for a in p.iterancestors()):
            continue
        text = fold_ws(p.text_content())
        if text[:60] not in in_body and _is_prose(text, p):
            missed.append(text)
    if len(full_last) > len(paragraphs[-1]) + 20:  # cut inside its own paragraph
        missed.insert(0, full_last[len(paragraphs[-1]):].strip())
    return missed


_LABEL_LINE = re.compile(r"^[\w ]{2,25}\s?:")  # "MORE: ...", "Published under: ..."
_NOT_PROSE_CLASS = re.compile(r"caption|credit|related|promo|more|tags|share|newsletter|byline", re.I)


def _is_prose(text: str, el: etree._Element) -> bool:
    """A sentence-ending paragraph of several words: not a caption, a label line or code."""
    return (len(text) >= 40 and text.count(" ") >= 6 and text[-1] in ".!?\"”’'" and "{" not in text
            and not _LABEL_LINE.match(text) and not _NOT_PROSE_CLASS.search(el.get("class") or ""))


def stops_early(body: str, tree: etree._Element) -> bool:
    """True when the body ends while the article's container goes on with paragraphs of prose
    (at least _MIN_MISSED_CHARS) that the body does not have."""
    rest = missed_paragraphs(body, tree)
    return rest is not None and sum(len(p) for p in rest) >= _MIN_MISSED_CHARS


def emphasized_texts(tree: etree._Element, body: str, limit: int = 50) -> list[str]:
    """<em>/<i>/<cite> texts that appear in the body (show titles are often set in italics)."""
    if not body:
        return []
    haystack = fold_ws(body)
    out: list[str] = []
    seen: set[str] = set()
    for el in tree.iter(*_EMPH_TAGS):
        text = fold_ws(el.text_content()).strip(" ,.;:!?\"'“”‘’()")
        if not (2 <= len(text) <= 120) or text.lower() in seen or text not in haystack:
            continue
        if any(a.tag in _OUTSIDE for a in el.iterancestors()):
            continue
        seen.add(text.lower())
        out.append(text)
        if len(out) >= limit:
            break
    return out
