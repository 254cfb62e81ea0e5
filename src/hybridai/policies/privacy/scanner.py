"""The scanner: every enabled detector over a text and its normalised views, overlapping
spans merged.

The detectors also run on the views of the text that ``normalize`` makes (line breaks inside
a value joined, spaced-out digits closed up, encodings decoded…), around the places a view
changed; what they find there is mapped back to the smallest span of the original that
covers it, the line break or separator inside included, so redaction masks all of it.
Overlaps are merged rather than one side dropped, so no part of a value can slip out next to
a placeholder; a merged span is named after its most specific kind.

In a table (hybridai.policies.privacy.tables) the detectors also read each cell not found
yet after its column's header, since that header is the cue a value's kind is told by
("mobile" above "541.522.5709"); what they find inside the cell counts.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import normalize, tables
from .catalog import builtin_detector
from .detectors import Detector, KeywordDetector, PatternDetector

if TYPE_CHECKING:
    from ...config import PrivacySettings


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int


class Scanner:
    def __init__(self, detectors: Sequence[Detector]) -> None:
        """``detectors`` most specific first: that order names merged spans."""
        self.detectors = list(detectors)
        hints = [getattr(d, "hint", None) for d in self.detectors]
        # Most prompts hold nothing any built-in detector could find (no digit, no "@"…):
        # one search of the hints' union (each hint once) then stands for all of them.
        union = "|".join(f"(?:{h})" for h in dict.fromkeys(h for h in hints if h))
        self._gate = re.compile(union) if union else None
        self._unhinted = [(rank, d) for rank, (d, h)
                          in enumerate(zip(self.detectors, hints, strict=True)) if not h]

    @classmethod
    def from_settings(cls, settings: PrivacySettings) -> Scanner:
        # The owner's own patterns and words are the most specific of all.
        detectors: list[Detector] = [PatternDetector(name, re.compile(pattern))
                                     for name, pattern in settings.patterns.items()]
        if settings.keywords:
            detectors.append(KeywordDetector(settings.keywords))
        detectors += [builtin_detector(kind, phone_region=settings.phone_region, ner=settings.ner,
                                       ip_addresses=settings.ip_addresses)
                      for kind in settings.ordered_kinds()]
        return cls(detectors)

    def scan(self, text: str) -> list[Finding]:
        """Non-overlapping findings in text order."""
        found = self._find(text)
        for view in normalize.views(text):
            covered = normalize.Coverage((start, end) for start, end, _ in found)
            for low, high in view.windows(text):
                for start, end, rank in self._find(view.text[low:high]):
                    start, end = start + low, end + low
                    original_start, original_end = view.span(start, end)
                    if text[original_start:original_end] == view.text[start:end]:
                        continue  # the view is the original here: found there, if at all
                    found += [(a, b, rank) for a, b in view.pieces(
                        text, original_start, original_end, covered)]
        found += self._in_cells(text, normalize.Coverage((a, b) for a, b, _ in found))
        merged: list[list[int]] = []
        for start, end, rank in sorted(found):
            if merged and start < merged[-1][1]:
                last = merged[-1]
                last[1], last[2] = max(last[1], end), min(last[2], rank)
            else:
                merged.append([start, end, rank])
        return [Finding(self.detectors[rank].kind, start, end) for start, end, rank in merged]

    def _in_cells(self, text: str, covered: normalize.Coverage
                  ) -> list[tuple[int, int, int]]:
        """What the detectors find in the cells of the text's tables not found yet, each
        read as "header: value" on a line of its own (all of them in one text, one pass)."""
        lines: list[str] = []
        places: list[tuple[int, int, int]] = []  # (value's start in the lines, its length, start)
        at = 0
        for cell in tables.cells(text):
            if covered.covers(cell.start, cell.end):
                continue
            prefix = f"{cell.header}: "
            lines.append(prefix + text[cell.start:cell.end])
            places.append((at + len(prefix), cell.end - cell.start, cell.start))
            at += len(lines[-1]) + 1
        if not lines:
            return []
        starts = [place[0] for place in places]
        found = []
        for start, end, rank in self._find("\n".join(lines)):
            i = bisect_right(starts, start) - 1
            if i < 0:
                continue
            value_start, length, original = places[i]
            low, high = max(start, value_start), min(end, value_start + length)
            if high > low:
                found.append((original + low - value_start, original + high - value_start, rank))
        return found

    def _find(self, text: str) -> list[tuple[int, int, int]]:
        """``(start, end, rank)`` of everything any detector finds in ``text``."""
        detectors = (self._unhinted if self._gate is not None and not self._gate.search(text)
                     else enumerate(self.detectors))
        return [(start, end, rank) for rank, detector in detectors
                for start, end in detector.find(text) if end > start]
