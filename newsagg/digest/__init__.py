"""Daily digests: the day's news grouped by show, rendered as md, html, json, rss or atom.

build.build_digest(engine, ...) queries the database into plain dataclasses (model.py);
render.render(digest, fmt) turns them into text. The JSON form follows schema.json.
"""
