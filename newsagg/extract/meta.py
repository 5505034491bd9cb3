"""<meta> and <link> evidence, collected in one pass over the head.

Keys are normalised to lower case; the first value of each key wins, because
pages that repeat a tag put the main one first.
"""

from __future__ import annotations

from lxml import etree

# (meta key, evidence label), in order of trust for each field.
TITLE_KEYS = (("og:title", "meta:og"), ("twitter:title", "meta:twitter"), ("parsely-title", "meta:parsely"),
              ("sailthru.title", "meta:sailthru"), ("dc.title", "meta:dc"), ("headline", "meta:itemprop"))
PUBLISHED_KEYS = (("article:published_time", "meta:og"), ("og:published_time", "meta:og"),
                  ("datepublished", "meta:itemprop"), ("parsely-pub-date", "meta:parsely"),
                  ("sailthru.date", "meta:sailthru"), ("dc.date.issued", "meta:dc"), ("dcterms.created", "meta:dc"),
                  ("dc.date", "meta:dc"), ("dcterms.date", "meta:dc"), ("pubdate", "meta:pubdate"),
                  ("publish-date", "meta:pubdate"), ("publish_date", "meta:pubdate"), ("date", "meta:date"),
                  ("article.published", "meta:pubdate"), ("cxenseparse:recs:publishtime", "meta:cxense"))
MODIFIED_KEYS = (("article:modified_time", "meta:og"), ("og:updated_time", "meta:og"),
                 ("datemodified", "meta:itemprop"), ("dcterms.modified", "meta:dc"), ("last-modified", "meta:date"))
AUTHOR_KEYS = (("parsely-author", "meta:parsely"), ("sailthru.author", "meta:sailthru"), ("author", "meta:author"),
               ("article:author", "meta:og"), ("dc.creator", "meta:dc"), ("dcterms.creator", "meta:dc"),
               ("byl", "meta:byl"), ("cxenseparse:author", "meta:cxense"))
DESCRIPTION_KEYS = (("og:description", "meta:og"), ("description", "meta:description"),
                    ("twitter:description", "meta:twitter"), ("sailthru.description", "meta:sailthru"),
                    ("dc.description", "meta:dc"))
IMAGE_KEYS = (("og:image", "meta:og"), ("og:image:url", "meta:og"), ("og:image:secure_url", "meta:og"),
              ("twitter:image", "meta:twitter"), ("twitter:image:src", "meta:twitter"),
              ("sailthru.image.full", "meta:sailthru"), ("parsely-image-url", "meta:parsely"))
SECTION_KEYS = (("article:section", "meta:og"), ("parsely-section", "meta:parsely"),
                ("section", "meta:section"), ("cxenseparse:recs:articlesection", "meta:cxense"))
TAG_KEYS = (("article:tag", "meta:og"), ("parsely-tags", "meta:parsely"), ("sailthru.tags", "meta:sailthru"),
            ("news_keywords", "meta:keywords"), ("keywords", "meta:keywords"))
SITE_NAME_KEYS = ("og:site_name", "application-name", "twitter:site", "publisher", "parsely-site")


class Meta:
    def __init__(self) -> None:
        self.values: dict[str, list[str]] = {}
        self.canonical: str | None = None
        self.title_tag: str | None = None
        self.lang: str | None = None
        self.amp: str | None = None

    def get(self, key: str) -> str | None:
        v = self.values.get(key)
        return v[0] if v else None

    def all(self, key: str) -> list[str]:
        return self.values.get(key, [])

    def first(self, keys: tuple[tuple[str, str], ...]) -> tuple[str | None, str | None]:
        for key, label in keys:
            v = self.get(key)
            if v:
                return v, label
        return None, None


def parse_meta(tree: etree._Element) -> Meta:
    m = Meta()
    lang = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang")
    m.lang = lang.strip() if lang else None
    for el in tree.iter("meta", "link", "title"):
        tag = el.tag
        if tag == "title":
            if m.title_tag is None and el.text:
                m.title_tag = el.text
            continue
        if tag == "link":
            rel = (el.get("rel") or "").lower().split()
            href = el.get("href")
            if href and "canonical" in rel and m.canonical is None:
                m.canonical = href.strip()
            elif href and "amphtml" in rel and m.amp is None:
                m.amp = href.strip()
            continue
        key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
        content = el.get("content")
        if content is None and el.get("itemprop"):
            content = el.get("datetime")
        if key and content and content.strip():
            m.values.setdefault(key.strip().lower(), []).append(content.strip())
    return m
