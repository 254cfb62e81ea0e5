"""Continuing a stream that broke after its first token on the plan's next target.

The caller has already shown the text so far, so starting over would repeat it. The next
target is sent the conversation, that text as the assistant's own turn, and an instruction to
carry on from its last character; its tokens are streamed on after the ones already sent.
Chat APIs do not share a "prefill" convention, so the instruction is the portable way.
"""

from __future__ import annotations

from .schema import ChatRequest, Message

INSTRUCTION = (
    "Your previous answer was cut off. Continue it exactly where it stopped, even mid-word or "
    "mid-sentence. Do not repeat any of it, do not restart, and do not comment on the cut.")


def continuation_request(request: ChatRequest, text_so_far: str, tokens_so_far: int
                         ) -> ChatRequest:
    """``request`` asking for the rest of an answer that begins with ``text_so_far``.

    ``max_tokens`` shrinks by what was already generated, so the whole answer keeps the
    caller's limit (at least one token is asked for).
    """
    messages = [*request.messages, Message(role="assistant", content=text_so_far),
                Message(role="user", content=INSTRUCTION)]
    max_tokens = (None if request.max_tokens is None
                  else max(1, request.max_tokens - tokens_so_far))
    return request.model_copy(update={"messages": messages, "max_tokens": max_tokens})
