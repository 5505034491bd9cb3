"""Precision, recall and F1 from true/false positives and false negatives: one definition for
every evaluation (show linking, events)."""

from __future__ import annotations


class PrecisionRecall:
    """Mixin for a record with integer fields tp, fp and fn. An empty side scores 1.0 (nothing
    claimed, nothing wrong); F1 is 0.0 when both are 0."""

    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0
