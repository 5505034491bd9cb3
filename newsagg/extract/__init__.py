"""Article-page extraction (issue 3): plain Python, no Scrapy.

    extract_page(html, url, parser=...) -> PageResult   one page, one parse
    merge_page(article, page) -> Article                page data onto a feed article
    page_failed(article, reason) -> Article             keep the feed data, flag the failure
    looks_like_login_page(url, html) -> bool            for the spider's redirect checks
"""

from __future__ import annotations

from newsagg.extract.merge import merge_page, page_failed
from newsagg.extract.page import extract_page
from newsagg.extract.result import PageResult
from newsagg.extract.status import looks_like_login_page

__all__ = ["PageResult", "extract_page", "merge_page", "page_failed", "looks_like_login_page"]
