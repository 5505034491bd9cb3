"""Item pipelines: thin Scrapy adapters over newsagg's plain-Python steps.

Order (see crawler/settings.py ITEM_PIPELINES): normalise -> (dedupe, link) -> store.
"""
