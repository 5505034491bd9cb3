"""The Scrapy project: settings, spiders, items and middlewares.

Spiders here are thin: fetching is Scrapy's, parsing is newsagg's plain Python.
"""
