"""The scanner: every enabled detector over a text, overlapping spans merged.

Overlaps are merged rather than one side dropped, so no part of a value can slip out next to
a placeholder; a merged span is named after its most specific kind.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
        detectors += [builtin_detector(kind, phone_region=settings.phone_region)
                      for kind in settings.ordered_kinds()]
        return cls(detectors)

    def scan(self, text: str) -> list[Finding]:
        """Non-overlapping findings in text order."""
        detectors = (self._unhinted if self._gate is not None and not self._gate.search(text)
                     else enumerate(self.detectors))
        found = sorted((start, end, rank) for rank, detector in detectors
                       for start, end in detector.find(text) if end > start)
        merged: list[list[int]] = []
        for start, end, rank in found:
            if merged and start < merged[-1][1]:
                last = merged[-1]
                last[1], last[2] = max(last[1], end), min(last[2], rank)
            else:
                merged.append([start, end, rank])
        return [Finding(self.detectors[rank].kind, start, end) for start, end, rank in merged]
