"""Item pipelines: thin Scrapy adapters over newsagg's plain-Python steps.

Order (crawler/settings.py ITEM_PIPELINES): normalise (feed entry + page -> article), then store,
which hands batches to newsagg.ingest (store, link shows, extract events, dedupe and group stories
in one transaction per batch).
"""
