"""Rough token counts, for when no tokenizer is at hand: a request's prompt before it is
sent, and an answer whose server reports no usage."""

from __future__ import annotations

import json

from ..schema.request import ChatRequest

# What a vendor charges an image at, roughly (OpenAI: 85 tokens at low detail, up to ~1,100
# at high): the estimate errs high, as a budget hold should.
IMAGE_TOKENS = 765


def estimate_tokens(text: str) -> int:
    """Rough token count (about 4 characters a token) for when no tokenizer is at hand."""
    return max(1, (len(text) + 3) // 4) if text else 0


def estimate_prompt_tokens(request: ChatRequest) -> int:
    """Rough prompt tokens of a request: its messages' text and tool calls, 4 a message for
    the chat template's role markers, the tool definitions and schema the model is shown,
    and each image."""
    total = 0
    for message in request.messages:
        total += estimate_tokens(message.text) + 4
        for call in message.tool_calls or ():
            total += estimate_tokens(call.function.name + call.function.arguments) + 4
        if "vision" in message.needs and isinstance(message.content, list):
            total += IMAGE_TOKENS * sum(1 for p in message.content if p.type == "image_url")
    if functions := request.function_specs():
        total += estimate_tokens(json.dumps([f.model_dump(exclude_none=True)
                                             for f in functions]))
    if request.response_format is not None and request.response_format.type == "json_schema":
        total += estimate_tokens(json.dumps(request.response_format.json_schema.schema_))
    return total
