"""Scrapy spiders (thin adapters over the plain-Python parsing in newsagg)."""
