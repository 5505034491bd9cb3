"""Deduplication and stories: exact and near-duplicate copies, and online story clustering.

Entry point: `Deduper` (engine.py). Pure Python over plain items; the store and
`newsagg cluster` both drive it.
"""

from newsagg.dedupe.engine import Decision, DedupeItem, Deduper, StoredArticle, from_article
from newsagg.dedupe.near_duplicates import NearDuplicateIndex, StoredSignature
from newsagg.dedupe.stories import StoryClusterer, StoryDecision, StoryItem

__all__ = [
    "Decision", "DedupeItem", "Deduper", "StoredArticle", "StoredSignature", "from_article",
    "NearDuplicateIndex", "StoryClusterer", "StoryDecision", "StoryItem",
]
