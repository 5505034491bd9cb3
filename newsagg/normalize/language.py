"""Article language: the publisher's declaration first, a classifier otherwise."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_TAG = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]+)*\s*$")


def normalise_language_tag(tag: str | None) -> str | None:
    """'en-US' -> 'en'; junk -> None."""
    if not tag:
        return None
    m = _TAG.match(tag)
    return m.group(1).lower() if m else None


@lru_cache(maxsize=1)
def _identifier() -> Any:
    # py3langid loads its model in ~0.6 s: only when a page or feed declares nothing.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, min_chars: int = 20, min_prob: float = 0.8) -> str | None:
    """Guess the language of text; None when too short or unsure."""
    sample = text[:2000]
    if len(sample.strip()) < min_chars:
        return None
    lang, prob = _identifier().classify(sample)
    return lang if prob >= min_prob else None


def choose_language(*declared: str | None, text: str = "") -> str | None:
    for tag in declared:
        lang = normalise_language_tag(tag)
        if lang:
            return lang
    return detect_language(text) if text else None
