"""Placeholders for the cloud, and the original values put back into its answer.

Within one request the same value always gets the same placeholder (``[EMAIL_1]``), so the
cloud model can still tell two people apart. A placeholder never equals a string the request
already holds: text that quotes ``[EMAIL_1]`` itself (a template, a log of an earlier redacted
exchange) keeps it, and the number is skipped, so the answer's ``[EMAIL_1]`` is never turned
into a real value. Restoring handles placeholders cut across streamed chunks by holding back
only a tail that could still become one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from .scanner import Finding

PLACEHOLDER_SHAPE = re.compile(r"\[[A-Z][A-Z0-9_]*_\d+\]")


def placeholders_in(texts: Iterable[str]) -> set[str]:
    """The placeholder-shaped strings the texts already hold."""
    return {m.group() for text in texts if "[" in text for m in PLACEHOLDER_SHAPE.finditer(text)}


class Redactor:
    def __init__(self, taken: Iterable[str] = ()) -> None:
        """``taken``: placeholders the request's own text holds, never handed out."""
        self._placeholder_of: dict[str, str] = {}
        self._per_kind: Counter[str] = Counter()
        self._taken = set(taken)

    @property
    def values(self) -> dict[str, str]:
        """Placeholder → original value."""
        return {placeholder: value for value, placeholder in self._placeholder_of.items()}

    def placeholder(self, kind: str, value: str) -> str:
        if value not in self._placeholder_of:
            placeholder = ""
            while not placeholder or placeholder in self._taken:
                self._per_kind[kind] += 1
                placeholder = f"[{kind.upper()}_{self._per_kind[kind]}]"
            self._placeholder_of[value] = placeholder
        return self._placeholder_of[value]

    def redact(self, text: str, findings: Sequence[Finding]) -> str:
        parts, position = [], 0
        for finding in findings:
            parts += [text[position:finding.start],
                      self.placeholder(finding.kind, text[finding.start:finding.end])]
            position = finding.end
        parts.append(text[position:])
        return "".join(parts)


class Restorer:
    """Puts values back; ``feed`` for a stream's pieces, ``flush`` at its end."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = dict(values)
        self._pattern = re.compile("|".join(map(re.escape, self.values))) if values else None
        # Every proper prefix of a placeholder: a tail equal to one may still become one.
        self._prefixes = {p[:n] for p in self.values for n in range(1, len(p))}
        self._longest = max(map(len, self.values), default=0)
        self._pending = ""

    def restore(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(lambda m: self.values[m.group()], text)

    def feed(self, text: str) -> str:
        buffer = self._pending + text
        cut = self._partial_tail(buffer)
        self._pending = buffer[cut:]
        return self.restore(buffer[:cut])

    def flush(self) -> str:
        rest, self._pending = self._pending, ""
        return self.restore(rest)

    def _partial_tail(self, buffer: str) -> int:
        for i in range(max(0, len(buffer) - self._longest + 1), len(buffer)):
            if buffer[i] == "[" and buffer[i:] in self._prefixes:
                return i
        return len(buffer)
