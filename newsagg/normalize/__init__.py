"""Normalising: dates to UTC, canonical URLs, clean text, language; feed entry + page to article."""
