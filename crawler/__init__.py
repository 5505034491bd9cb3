"""The Scrapy project: settings, spiders, items, middlewares and per-source page parsers.

Spiders here are thin: fetching is Scrapy's, parsing is newsagg's plain Python.
"""
