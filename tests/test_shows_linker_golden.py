"""Golden output of the show linker on the recorded runs: the labelled sets, the seed article and
the demo articles, with the starter and the full epguides catalogue.

A refactoring must leave every line unchanged. After a deliberate accuracy change, regenerate:

    NEWSAGG_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_shows_linker_golden.py -q

and say so in the commit message (the diff of the golden file shows what changed).
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest

from evaluation.shows import full_catalogue, linker_for, load_labelled, starter_linker
from newsagg.normalize.text import html_text, looks_like_html
from newsagg.shows.linker import ShowLinker

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).with_name("data") / "show_linking_golden.jsonl"


def _inputs(corpus: Path, seed: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, link() keyword arguments) for every recorded item."""
    for item in load_labelled(Path(__file__).with_name("data") / "show_linking_labelled.jsonl"):
        body, emphasized = item.get("body") or "", []
        if looks_like_html(body):
            body, emphasized = html_text(body)
        when = item.get("published")
        yield f"labelled:{item['id']}", {
            "title": item.get("title") or "", "body": body, "emphasized": emphasized,
            "published_at": datetime.fromisoformat(when).replace(tzinfo=timezone.utc) if when else None}
    title, _, body = seed.strip().partition("\n")
    yield "seed", {"title": title, "body": body}
    fixtures = tomllib.loads((ROOT / "newsagg/demo/fixtures/articles.toml").read_text("utf-8"))
    for a in fixtures["article"]:
        text = "\n\n".join(a.get("paragraphs", []))
        yield f"demo:{a['outlet']}:{a['id']}", {
            "title": a["title"], "body": text.replace("*", ""), "description": a.get("teaser", ""),
            "emphasized": re.findall(r"\*([^*]+)\*", text),
            "published_at": datetime.fromisoformat(a["published"])}
    news = corpus / "entertainment-news" / "items.jsonl"
    for item in load_labelled(news) if news.is_file() else []:
        yield f"news:{item['id']}", {
            "title": item.get("headline") or "", "body": "", "description": item.get("short_description") or "",
            "published_at": datetime.fromisoformat(item["date"]).replace(tzinfo=timezone.utc)}


def _record(name: str, linker: ShowLinker, corpus: Path, seed: str) -> Iterator[str]:
    for item_id, kwargs in _inputs(corpus, seed):
        links = linker.link(kwargs.pop("title"), kwargs.pop("body"), **kwargs)
        out = [[linker.shows[x.show_id].label, x.confidence, x.found_in, x.primary, x.seasons] for x in links]
        yield json.dumps({"catalogue": name, "id": item_id, "links": out}, ensure_ascii=False)


def golden_lines(corpus: Path, seed: str) -> list[str]:
    lines = list(_record("starter", starter_linker(), corpus, seed))
    full = full_catalogue(corpus / "tv-catalogue" / "epguides-allshows.csv")
    lines += _record("full", linker_for(full, "golden-full"), corpus, seed)
    return lines


def test_linker_output_matches_golden_file(corpus_dir: Path, seed_article: str) -> None:
    lines = golden_lines(corpus_dir, seed_article)
    if os.environ.get("NEWSAGG_REGEN_GOLDEN") == "1":
        GOLDEN.write_text("\n".join(lines) + "\n", encoding="utf-8")
        pytest.skip("golden file regenerated")
    want = GOLDEN.read_text("utf-8").splitlines()
    assert len(lines) == len(want)
    changed = [(w, g) for w, g in zip(want, lines) if w != g]
    assert not changed, f"{len(changed)} items changed, first: {changed[:3]}"
