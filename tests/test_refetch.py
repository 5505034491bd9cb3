"""newsagg.refetch: which stored pages a crawl need not fetch again, on a real SQLite database."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from models.db import open_database
from models.store import ArticleStore, content_hash
from newsagg.records import Article
from newsagg.refetch import pages_not_to_refetch

T0 = datetime(2016, 1, 17, 21, 5, tzinfo=timezone.utc)


def _article(n: int, page_status: str, **kw: object) -> Article:
    base = dict(source="variety", canonical_url=f"https://variety.com/a{n}/", url=f"https://variety.com/a{n}/",
                title=f"Title {n}", published_at=T0, guid=f"g{n}", page_status=page_status)
    base.update(kw)
    return Article(**base)  # type: ignore[arg-type]


def test_settled_pages_are_known_by_canonical_and_by_feed_url(tmp_path: Path) -> None:
    engine = open_database(str(tmp_path / "t.db"))
    amp = _article(2, "ok", url="https://variety.com/a2/amp/?utm_source=feed")
    articles = [_article(1, "ok"), amp, _article(3, "failed"), _article(4, "paywalled", source="deadline")]
    ArticleStore(engine).store(articles)

    known = pages_not_to_refetch(engine, ["variety"])
    # a failed page is retried; another source's articles are not asked for
    assert set(known) == {"https://variety.com/a1/", "https://variety.com/a2/", "https://variety.com/a2/amp/"}
    assert known["https://variety.com/a2/amp/"] == known["https://variety.com/a2/"] == content_hash(amp)
    assert pages_not_to_refetch(engine, []) == {}
    assert set(pages_not_to_refetch(engine, ["deadline"])) == {"https://variety.com/a4/"}
