"""Rough token counts, for when no tokenizer is at hand: a request's prompt before it is
sent, and an answer whose server reports no usage."""

from __future__ import annotations

from ..schema.request import ChatRequest


def estimate_tokens(text: str) -> int:
    """Rough token count (about 4 characters a token) for when no tokenizer is at hand."""
    return max(1, (len(text) + 3) // 4) if text else 0


def estimate_prompt_tokens(request: ChatRequest) -> int:
    """Rough prompt tokens of a request: its messages' text, plus 4 a message for the
    chat template's role markers."""
    return sum(estimate_tokens(m.content) + 4 for m in request.messages)
