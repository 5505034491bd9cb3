"""Item pipelines: thin Scrapy adapters over newsagg's plain-Python steps.

Order (crawler/settings.py ITEM_PIPELINES): normalise (feed entry + page -> article), then store,
which hands batches to newsagg.ingest (store, link shows, group stories, then extract events, in one
transaction per batch).
"""
