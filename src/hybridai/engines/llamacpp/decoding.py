"""The answer's text as its tokens arrive: whole characters only, and never a stop sequence.

A token may end inside a UTF-8 character (the rest comes with the next one), and the text so
far may end with the start of a stop sequence: both are held back until the next token says
what they are. When a stop sequence appears, the text ends just before it. Stdlib only.
"""

from __future__ import annotations

import codecs
from collections.abc import Sequence


class TextStream:
    """Turns each token's bytes into the text that may be shown now."""

    def __init__(self, stops: Sequence[str] = ()) -> None:
        self.stops = tuple(s for s in stops if s)
        self.stopped = False
        """A stop sequence appeared: the text has ended."""
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._held = ""

    def feed(self, data: bytes) -> str:
        """The text ``data`` completes; empty once stopped."""
        if self.stopped:
            return ""
        pending = self._held + self._decoder.decode(data)
        found = [i for stop in self.stops if (i := pending.find(stop)) >= 0]
        if found:
            self.stopped = True
            self._held = ""
            return pending[:min(found)]
        keep = self._open_stop(pending)
        self._held = pending[len(pending) - keep:] if keep else ""
        return pending[:len(pending) - keep]

    def flush(self) -> str:
        """What is still held back, once no more tokens come (the text ended otherwise)."""
        if self.stopped:
            return ""
        rest, self._held = self._held + self._decoder.decode(b"", final=True), ""
        return rest

    def _open_stop(self, text: str) -> int:
        """The length of the longest end of ``text`` that begins a stop sequence."""
        longest = 0
        for stop in self.stops:
            for size in range(min(len(stop) - 1, len(text)), longest, -1):
                if stop.startswith(text[len(text) - size:]):
                    longest = size
                    break
        return longest
