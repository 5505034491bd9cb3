"""Items that flow through the pipelines (plain dataclasses, Scrapy carries them as items).

FeedEntry: what the spider read from a feed -> NormalizePipeline -> Article -> StorePipeline.
"""

from newsagg.records import Article, FeedEntry

__all__ = ["Article", "FeedEntry"]
