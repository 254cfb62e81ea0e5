"""The text as the secret finders read it: in lowercase offset for offset, and the lines that
hold a word, so that a pattern runs on those lines rather than over a pasted file.

``str.find`` looks for a word in C far faster than a regex scans: a finder looks for its
words first and runs its patterns only where they are.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable

Span = tuple[int, int]


def fold(text: str) -> str:
    """``text`` in lowercase, one character for one (so offsets stay): "İ" lowercases to two."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def occurrences(haystack: str, needle: str) -> Iterable[int]:
    at = haystack.find(needle)
    while at >= 0:
        yield at
        at = haystack.find(needle, at + 1)


class Lines:
    """Where each line of a text starts and ends."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = [0] + [i + 1 for i in occurrences(text, "\n")]

    def around(self, positions: Iterable[int], before: int = 0) -> list[Span]:
        """The lines holding ``positions`` (and ``before`` lines above each), merged, in order."""
        spans: list[Span] = []
        for line in sorted({bisect_right(self._starts, p) - 1 for p in positions}):
            start = self._starts[max(0, line - before)]
            end = (self._starts[line + 1] - 1 if line + 1 < len(self._starts)
                   else len(self.text))
            if spans and start <= spans[-1][1] + 1:
                spans[-1] = (spans[-1][0], max(spans[-1][1], end))
            else:
                spans.append((start, end))
        return spans

    def holding(self, haystack: str, needles: Iterable[str], before: int = 0) -> list[Span]:
        """The lines on which ``haystack`` (the text or its fold) holds any of ``needles``."""
        present = [n for n in needles if n in haystack]  # most texts hold none: no generators
        if not present:
            return []
        return self.around((p for n in present for p in occurrences(haystack, n)), before)
