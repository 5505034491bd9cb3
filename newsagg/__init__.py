"""newsagg: collect, normalise, deduplicate, link and store entertainment/TV news.

Plain-Python logic lives here (no Scrapy imports): the crawler and pipelines are
thin adapters over it, and the batch commands call the very same code.
"""

__version__ = "0.1.0"
