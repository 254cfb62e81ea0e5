"""Continuing a stream that broke after its first token on the plan's next target.

The caller has already shown the text so far, so starting over would repeat it. The next
target is sent the conversation, that text as the assistant's own turn, and an instruction to
carry on from its last character; its tokens are streamed on after the ones already sent.
Chat APIs do not share a "prefill" convention, so the instruction is the portable way, and
a model that starts over anyway has the repeated part dropped (``RepeatTrimmer``).
"""

from __future__ import annotations

from ..schema.request import ChatRequest

INSTRUCTION = (
    "Your previous answer was cut off. Continue it exactly where it stopped, even mid-word or "
    "mid-sentence. Do not repeat any of it, do not restart, and do not comment on the cut.")


def continuation_request(request: ChatRequest, text_so_far: str, tokens_so_far: int
                         ) -> ChatRequest:
    """``request`` asking for the rest of an answer that begins with ``text_so_far``.

    ``max_tokens`` shrinks by what was already generated, so the whole answer keeps the
    caller's limit (at least one token is asked for).
    """
    messages = [*request.wire()["messages"], {"role": "assistant", "content": text_so_far},
                {"role": "user", "content": INSTRUCTION}]
    max_tokens = (None if request.max_tokens is None
                  else max(1, request.max_tokens - tokens_so_far))
    return request.revised(messages=messages, max_tokens=max_tokens,
                           max_completion_tokens=None)


# Small models often restart the answer they were asked to continue, or repeat its last
# words: a repeat of the text so far's tail, starting at a word, is dropped. Shorter repeats
# are let through, since they may be meant ("the the" is rarer than "that that").
MIN_REPEAT_CHARS = 4


class RepeatTrimmer:
    """Drops the head of a continuation that repeats the end of the text so far.

    ``feed`` returns what may be shown now: the continuation is held back only while its
    head could still turn out to be such a repeat (at most the length of the text so far).
    """

    def __init__(self, text_so_far: str) -> None:
        self.text_so_far = text_so_far
        self.held = ""
        # Where in the text so far a repeat may begin: at a word, long enough to count.
        self.candidates = [i for i in range(len(text_so_far) - MIN_REPEAT_CHARS + 1)
                           if i == 0 or not text_so_far[i - 1].isalnum()]
        self.decided = not self.candidates

    def feed(self, text: str) -> str:
        if self.decided:
            return text
        self.held += text
        self.candidates = [i for i in self.candidates if self._agrees(i)]
        if not self.candidates:
            return self._release(0)
        longest = self.candidates[0]  # the earliest start is the longest repeat
        if len(self.held) >= len(self.text_so_far) - longest:
            return self._release(len(self.text_so_far) - longest)
        return ""

    def flush(self) -> str:
        """At the continuation's end: whatever is still held back, minus a whole repeat."""
        if self.decided:
            return ""
        whole = [i for i in self.candidates if len(self.held) >= len(self.text_so_far) - i]
        return self._release(len(self.text_so_far) - whole[0] if whole else 0)

    def _agrees(self, start: int) -> bool:
        tail = self.text_so_far[start:]
        return tail.startswith(self.held) if len(self.held) < len(tail) else (
            self.held.startswith(tail))

    def _release(self, repeated_chars: int) -> str:
        self.decided = True
        released, self.held = self.held[repeated_chars:], ""
        return released

