"""Offline copies of four real outlets, rendered from fixtures/articles.toml.

``build_site(base_url)`` returns every path the demo serves (feeds, article
pages, homepages, author pages, news sitemaps, robots.txt) as Resources for
FixtureServer. Links inside are absolute and built on ``base_url`` so the
crawler sees the same shapes it would on the real sites.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup, escape

from newsagg.demo.server import Resource

__all__ = [
    "DEMO_DATE", "OUTLETS", "Outlet", "build_site", "demo_sources_toml", "load_articles",
    "load_authors", "article_url", "article_guid", "feed_urls",
]

DEMO_DATE = "2016-01-18"  # the day (UTC) most demo news happened
_HERE = Path(__file__).resolve().parent
_FIXTURES = _HERE / "fixtures" / "articles.toml"
_ROBOTS_DATE = datetime(2015, 6, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Outlet:
    slug: str  # path prefix and source name
    title: str  # site name (og:site_name, feed title)
    cms: str  # "penske" (WordPress) or "hearst"
    feeds: tuple[str, ...]  # feed paths below the prefix, main feed first
    timezone: str
    description: str
    page_suffix: str  # appended to <title> on article pages
    css: str  # per-site class prefix used by the Penske theme


OUTLETS: dict[str, Outlet] = {
    "variety": Outlet(
        "variety", "Variety", "penske", ("feed/",), "America/Los_Angeles",
        "Entertainment News, Film Reviews, Awards, Film Festivals, Box Office, Entertainment Industry Conferences",
        " – Variety", "vy",
    ),
    "deadline": Outlet(
        "deadline", "Deadline", "penske", ("feed/",), "America/Los_Angeles",
        "Hollywood Entertainment Breaking News", " – Deadline", "dl",
    ),
    "digitalspy": Outlet(
        "digitalspy", "Digital Spy", "hearst", ("rss/all.xml/", "rss/tv.xml/"), "Europe/London",
        "The latest TV, film, soaps, gaming and tech news from Digital Spy", " | Digital Spy", "ds",
    ),
    "tvline": Outlet(
        "tvline", "TVLine", "penske", ("feed/",), "America/Los_Angeles",
        "TV News, Scoops, Spoilers, Recaps and Reviews", " – TVLine", "tvl",
    ),
}
_DS_TV_SECTIONS = {"TV", "US TV"}  # what goes into Digital Spy's tv.xml as well as all.xml


# ----------------------------------------------------------------- data


@lru_cache(maxsize=1)
def _raw() -> dict[str, Any]:
    with _FIXTURES.open("rb") as fh:
        return tomllib.load(fh)


def load_authors() -> dict[str, dict[str, Any]]:
    """Author name -> {name, outlet, bio, slug}."""
    out = {}
    for a in _raw()["author"]:
        out[a["name"]] = {**a, "slug": _slugify(a["name"])}
    return out


def load_articles() -> list[dict[str, Any]]:
    """The fixture articles as dicts (fresh copies), oldest first.

    Raw TOML keys plus derived ones that do not depend on the base URL:
    ``path`` (server path, e.g. "/variety/2016/..."), ``text`` (plain body,
    paragraphs joined by blank lines), ``published_dt`` / ``modified_dt``
    (aware datetimes). Use article_url()/article_guid() for absolute values.
    """
    arts = []
    for a in _raw()["article"]:
        a = dict(a)
        a["path"] = f"/{a['outlet']}/{a['path']}"
        a["text"] = "\n\n".join(_plain(p) for p in a["paragraphs"])
        a["published_dt"] = datetime.fromisoformat(a["published"])
        a["modified_dt"] = datetime.fromisoformat(a["modified"])
        arts.append(a)
    arts.sort(key=lambda a: a["published_dt"])
    return arts


def article_url(article: dict[str, Any], base_url: str) -> str:
    return base_url.rstrip("/") + article["path"]


def article_guid(article: dict[str, Any], base_url: str) -> str:
    """The feed guid: WordPress "?p=<id>" shortlinks for Penske, bare ids for Hearst."""
    if OUTLETS[article["outlet"]].cms == "penske":
        return f"{base_url.rstrip('/')}/{article['outlet']}/?p={article['id']}"
    return article["id"]


def feed_urls(base_url: str) -> dict[str, list[str]]:
    """Outlet slug -> its feed URLs, main feed first."""
    base = base_url.rstrip("/")
    return {o.slug: [f"{base}/{o.slug}/{f}" for f in o.feeds] for o in OUTLETS.values()}


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


_EM = re.compile(r"\*([^*]+)\*")


def _plain(paragraph: str) -> str:
    return _EM.sub(r"\1", paragraph)


def _para_html(paragraph: str) -> Markup:
    # escape first, then turn the fixture's *Title* markup into <em>
    return Markup(_EM.sub(r"<em>\1</em>", str(escape(paragraph))))


# ------------------------------------------------------------ rendering


def _cdata(text: str) -> Markup:
    # "]]>" cannot appear inside CDATA: split the section around it
    return Markup("<![CDATA[" + str(text).replace("]]>", "]]]]><![CDATA[>") + "]]>")


def _rfc822(dt: datetime) -> str:
    return format_datetime(dt.astimezone(timezone.utc))  # "Sun, 17 Jan 2016 21:05:00 +0000"


def _rfc822_gmt(dt: datetime) -> str:
    return format_datetime(dt.astimezone(timezone.utc), usegmt=True)  # "... 01:10:00 GMT"


def _penske_time(dt: datetime) -> str:
    # how Penske pages print times: "January 17, 2016 1:05pm PT"
    t = dt.astimezone(ZoneInfo("America/Los_Angeles"))
    ampm = "am" if t.hour < 12 else "pm"
    return f"{t:%B} {t.day}, {t.year} {t.hour % 12 or 12}:{t:%M}{ampm} PT"


def _hearst_time(dt: datetime) -> str:
    local = dt.astimezone(ZoneInfo("Europe/London"))
    return f"{local:%A}, {local.day} {local:%B %Y} {local:%H:%M}"  # "Monday, 18 January 2016 01:10"


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    # Autoescape everything: HTML pages and XML feeds both need &, < and > escaped;
    # CDATA and pre-rendered HTML go through the |cdata filter or Markup explicitly.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_HERE / "templates")),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        cdata=_cdata, rfc822=_rfc822, rfc822_gmt=_rfc822_gmt, penske_time=_penske_time,
        hearst_time=_hearst_time, iso=lambda dt: dt.isoformat(),
        jsonld=lambda obj: Markup(json.dumps(obj, ensure_ascii=False, indent=2).replace("</", "<\\/")),
    )
    return env


def _render(template: str, **ctx: Any) -> bytes:
    return _env().get_template(template).render(**ctx).encode("utf-8")


def _context(base: str) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """Articles enriched with everything templates need (absolute URLs, authors, related)."""
    authors = load_authors()
    for a in authors.values():
        a["url"] = f"{base}/{a['outlet']}/author/{a['slug']}/"
    arts = load_articles()
    by_key = {f"{a['outlet']}:{a['id']}": a for a in arts}
    for a in arts:
        o = OUTLETS[a["outlet"]]
        a["site"] = o
        a["url"] = article_url(a, base)
        a["guid"] = article_guid(a, base)
        a["feed_link"] = a["url"] + ("?" + a["feed_link_query"] if a.get("feed_link_query") else "")
        upload = "wp-content/uploads/" if o.cms == "penske" else "images/"
        a["image_url"] = f"{base}/{o.slug}/{upload}{a['image']}"
        a["author_objs"] = [authors[n] for n in a["authors"]]
        a["paragraphs_html"] = [_para_html(p) for p in a["paragraphs"]]
        a["content_html"] = Markup("\n").join(Markup("<p>%s</p>") % p for p in a["paragraphs_html"])
        if a.get("syndicated_from"):
            a["original"] = by_key[a["syndicated_from"]]
    for a in arts:
        same = sorted(
            (b for b in arts if b["outlet"] == a["outlet"] and b is not a),
            key=lambda b: abs((b["published_dt"] - a["published_dt"]).total_seconds()),
        )
        a["related"] = same[:3]  # the inline "Related" list: nearest in time
        a["more"] = same[3:7]  # the "More from <site>" rail
    return arts, authors


def _jsonld(a: dict[str, Any], base: str) -> dict[str, Any]:
    o: Outlet = a["site"]
    people = [{"@type": "Person", "name": p["name"], "url": p["url"]} for p in a["author_objs"]]
    article = {
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": a["url"]},
        "headline": a["title"],
        "description": a["teaser"],
        "datePublished": a["published"],
        "dateModified": a["modified"],
        "author": people[0] if len(people) == 1 else people,
        "publisher": {
            "@type": "Organization",
            "name": o.title,
            "logo": {"@type": "ImageObject", "url": f"{base}/{o.slug}/logo.png", "width": 600, "height": 60},
        },
        "image": {"@type": "ImageObject", "url": a["image_url"], "width": 1000, "height": 563},
        "articleSection": a["section"],
        "keywords": a["tags"],
    }
    if o.cms == "penske":
        return {"@context": "https://schema.org", **article}
    article["@id"] = a["url"] + "#article"
    article["articleBody"] = a["text"]
    return {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "@id": a["url"], "url": a["url"], "name": a["title"]},
            article,
            {"@type": "Organization", "@id": f"{base}/{o.slug}/#organization", "name": o.title,
             "url": f"{base}/{o.slug}/"},
        ],
    }


def _last(items: list[dict[str, Any]]) -> datetime:
    return max(max(a["modified_dt"], a["published_dt"]) for a in items)


def build_site(base_url: str) -> dict[str, Resource]:
    """Every path the demo serves, keyed by exact path."""
    base = base_url.rstrip("/")
    arts, authors = _context(base)
    site: dict[str, Resource] = {}
    html = "text/html; charset=utf-8"
    xml = "application/xml; charset=utf-8"

    for a in arts:
        tpl = "penske_article.html.j2" if a["site"].cms == "penske" else "hearst_article.html.j2"
        body = _render(tpl, a=a, base=base, jsonld=_jsonld(a, base))
        site[a["path"]] = Resource(body, html, last_modified=a["modified_dt"])

    for o in OUTLETS.values():
        mine = sorted((a for a in arts if a["outlet"] == o.slug), key=lambda a: a["published_dt"], reverse=True)
        prefix = f"/{o.slug}/"
        for feed in o.feeds:
            items = mine
            if feed == "rss/tv.xml/":
                items = [a for a in mine if a["section"] in _DS_TV_SECTIONS]
            feed_url = base + prefix + feed
            tpl = "penske_feed.xml.j2" if o.cms == "penske" else "hearst_feed.xml.j2"
            body = _render(tpl, site=o, items=items, base=base, feed_url=feed_url,
                           feed_name="All" if "all.xml" in feed else "TV", built=_last(items))
            site[prefix + feed] = Resource(body, "application/rss+xml; charset=UTF-8", last_modified=_last(items))
            # WordPress and Hearst both redirect the slash-less form
            site[prefix + feed.rstrip("/")] = Resource(
                b"", html, status=301, headers={"Location": feed_url}, etag=False)
        site[prefix + "news-sitemap.xml"] = Resource(
            _render("news_sitemap.xml.j2", site=o, items=mine), xml, last_modified=_last(mine))
        site[prefix] = Resource(
            _render("listing.html.j2", site=o, base=base, items=mine, heading=f"Latest from {o.title}",
                    author=None),
            html, last_modified=_last(mine))
    for author in authors.values():
        o = OUTLETS[author["outlet"]]
        theirs = sorted((a for a in arts if author["name"] in a["authors"]),
                        key=lambda a: a["published_dt"], reverse=True)
        site[f"/{o.slug}/author/{author['slug']}/"] = Resource(
            _render("listing.html.j2", site=o, base=base, items=theirs, heading=author["name"], author=author),
            html, last_modified=_last(theirs) if theirs else None)

    site["/sitemap_index.xml"] = Resource(
        _render("sitemap_index.xml.j2", base=base, outlets=[
            (o, _last([a for a in arts if a["outlet"] == o.slug])) for o in OUTLETS.values()]),
        xml, last_modified=_last(arts))
    site["/robots.txt"] = Resource(
        (f"User-agent: *\nDisallow: /private/\nAllow: /\n\nSitemap: {base}/sitemap_index.xml\n").encode(),
        "text/plain; charset=utf-8", last_modified=_ROBOTS_DATE)
    site["/"] = Resource(_render("index.html.j2", base=base, outlets=list(OUTLETS.values())), html,
                         last_modified=_last(arts))
    # Disallowed by robots.txt and linked from nowhere: a polite crawler never fetches it.
    site["/private/drafts/"] = Resource(b"<!doctype html><title>Drafts</title><p>Not for robots.</p>", html)
    return site


def demo_sources_toml(base_url: str) -> str:
    """A source registry (the crawler's TOML schema) listing the four demo outlets."""
    base = base_url.rstrip("/")

    def s(value: str) -> str:
        return json.dumps(value)  # a JSON string is a valid TOML basic string for this text

    out = ["# newsagg demo sources: offline copies served by newsagg.demo.FixtureServer", ""]
    for o in OUTLETS.values():
        feeds = ", ".join(s(f"{base}/{o.slug}/{f}") for f in o.feeds)
        out += [
            "[[source]]",
            f"name = {s(o.slug)}",
            f"title = {s(o.title)}",
            f"homepage = {s(f'{base}/{o.slug}/')}",
            f"feeds = [{feeds}]",
            f"sitemaps = [{s(f'{base}/{o.slug}/news-sitemap.xml')}]",
            'interval = "30m"',
            f"timezone = {s(o.timezone)}",
            "follow_links = true",
            "allow_private_hosts = true  # the demo server is on 127.0.0.1",
            'page_window = "0"  # no recency limit: the demo news is from 2016',
            f"parser = {s(o.cms)}",
            "",
        ]
    return "\n".join(out)
