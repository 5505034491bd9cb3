"""Story-grouping quality on real data, through the same Deduper the pipeline uses (see
bench/story_eval.py for the data sets and how they are scored; tests/test_story_gate.py gates it)."""

from __future__ import annotations

import csv
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from newsagg.dedupe.engine import DedupeItem, Deduper
from newsagg.dedupe.stories import StoryClusterer
from newsagg.dedupe.terms import DocFreq, tokens

SAME_MAX, DIFFERENT_MIN = 1.5, 3.0
_PAIR_TIME = datetime(2020, 1, 1, tzinfo=timezone.utc)  # the csv carries no dates


def bcubed(pred: list[str], gold: list[str]) -> dict[str, float]:
    pc, gc, joint = Counter(pred), Counter(gold), Counter(zip(pred, gold))
    n = len(pred)
    p = sum(joint[(a, b)] / pc[a] for a, b in zip(pred, gold)) / n
    r = sum(joint[(a, b)] / gc[b] for a, b in zip(pred, gold)) / n
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def load_uci(corpus: Path) -> list[dict[str, str]]:
    with (corpus / "same-story" / "uci-headlines-business-tech.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    rows.sort(key=lambda r: int(r["TIMESTAMP"]))  # arrival order
    return rows


def eval_uci(corpus: Path, limit: int | None = None) -> dict[str, float]:
    rows = load_uci(corpus)[:limit]
    deduper = Deduper()
    t0 = time.perf_counter()
    for r in rows:
        deduper.process_one(DedupeItem(
            key=r["ID"], title=r["TITLE"], text="", source=r["PUBLISHER"], url=r["URL"],
            published_at=datetime.fromtimestamp(int(r["TIMESTAMP"]) / 1000, timezone.utc)))
    elapsed = time.perf_counter() - t0
    pred = [deduper.story_of(r["ID"]) or "" for r in rows]  # final keys, merges resolved
    out = bcubed(pred, [r["STORY"] for r in rows])
    out.update(items=len(rows), stories=len(set(pred)), gold_stories=len({r["STORY"] for r in rows}),
               ms_per_item=1000 * elapsed / max(1, len(rows)))
    return out


def load_semeval_pairs(corpus: Path) -> tuple[list[tuple[str, str, bool]], list[str]]:
    """English pairs with a clear label, and every English text (for word statistics)."""
    pairs, texts = [], []
    with (corpus / "same-story" / "training_set.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["lang1"] != "en" or r["lang2"] != "en":
                continue
            a, b = r["text1"].strip(), r["text2"].strip()
            texts += [a, b]
            overall = float(r["Overall"])
            if a and b and (overall <= SAME_MAX or overall >= DIFFERENT_MIN):
                pairs.append((a, b, overall <= SAME_MAX))
    return pairs, texts


def _split(text: str) -> tuple[str, str]:
    head, sep, rest = text.partition("\n")
    return (head.strip(), rest.strip()) if sep and len(head) <= 200 else ("", text)


def eval_semeval(corpus: Path) -> dict[str, float]:
    pairs, texts = load_semeval_pairs(corpus)
    df = DocFreq()
    for text in dict.fromkeys(texts):  # each distinct article once
        title, body = _split(text)
        df.add(set(tokens(title)) | set(tokens(" ".join(body.split()[:60]))))
    tp = fp = fn = tn = 0
    for i, (a, b, same) in enumerate(pairs):
        deduper = Deduper(clusterer=StoryClusterer(doc_freq=_copy(df)))
        keys = []
        for j, text in enumerate((a, b)):
            title, body = _split(text)
            d = deduper.process_one(DedupeItem(key=f"{i}-{j}", title=title, text=body, published_at=_PAIR_TIME))
            keys.append(d.story_key)
        predicted = keys[0] == keys[1]
        tp += predicted and same
        fp += predicted and not same
        fn += same and not predicted
        tn += not same and not predicted
    out = prf(tp, fp, fn)
    out.update(pairs=len(pairs), positives=tp + fn, negatives=fp + tn, tp=tp, fp=fp, fn=fn, tn=tn)
    return out


def _copy(df: DocFreq) -> DocFreq:
    c = DocFreq(df.prior_docs)
    c.docs, c.df = df.docs, df.df.copy()
    return c
