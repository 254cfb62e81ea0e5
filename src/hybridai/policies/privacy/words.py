"""The letters and words the detectors of people (``names``, ``addresses``, ``birth_dates``,
``id_numbers``) read a text by.

Letter classes by case, over the Latin, Greek and Cyrillic blocks (Python's re has no
``\\p{Lu}``); and the lower-cased text and its words (split at punctuation, "_" and "-" too),
shared by the detectors that scan the same text one after the other: their cue tests are
then set look-ups, not a search of the text each.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

Span = tuple[int, int]


def set_of(words: str) -> frozenset[str]:
    """The words of ``words`` (split at white space) as a set."""
    return frozenset(words.split())


# Letters by case, over the Latin, Greek and Cyrillic blocks (Python's re has no \p{Lu}).
UPPERS = "".join(c for c in map(chr, range(0x41, 0x530)) if c.isupper() and c.isalpha())
LOWERS = "".join(c for c in map(chr, range(0x61, 0x530)) if c.islower() and c.isalpha())
UP, LET = f"[{UPPERS}]", f"[{UPPERS}{LOWERS}]"


def lowered(text: str) -> str:
    """``text`` in lower case, each character kept in its place (a few, such as "İ", grow
    when lowered: they are left as they are), so that offsets in it are offsets in text."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


_SPLIT = str.maketrans(dict.fromkeys(",.;:!?()[]{}\"'’<>/\\|=+*&^%$#@~`_-\t\n\r", " "))


def occurrences(text: str, word: str) -> Iterator[int]:
    """Where ``word`` occurs in ``text`` (as a substring: the pattern tried there decides)."""
    at = text.find(word)
    while at >= 0:
        yield at
        at = text.find(word, at + 1)


@functools.lru_cache(maxsize=8)
def facts(text: str) -> tuple[str, frozenset[str]]:
    """The lower-cased text and its words (split at punctuation, "_" and "-" too), shared by
    the detectors that scan the same text one after the other: their cue tests are then set
    look-ups, not a search of the text each."""
    low = lowered(text)
    return low, frozenset(low.translate(_SPLIT).split())
