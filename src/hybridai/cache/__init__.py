"""The on-device response cache: exact and semantic look-ups, persisted in SQLite.

    key.py             what makes two requests the same: scope + normalized question
    store.py           SQLite rows with TTL expiry and an LRU bound
    semantic.py        the embedding index for paraphrased questions
    verify.py          whether a semantic candidate deserves the stored answer
    reading.py         a question read for comparison: words, stems, numbers, units
    align.py           which words of two questions stand for each other
    guard.py           the rules that tell two questions apart (negation, opposites…)
    lexicon.py         the word lists in English, German, French and Spanish
    replay.py          a hit as a backend that replays the stored chunks
    response_cache.py  the facade the pipeline asks
"""

from __future__ import annotations

from .replay import CacheHit, ReplayBackend
from .response_cache import CacheLookup, ResponseCache

__all__ = ["CacheHit", "CacheLookup", "ReplayBackend", "ResponseCache"]
