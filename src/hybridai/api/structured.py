"""Structured output in the library, as the OpenAI SDK's ``parse()`` does it: a pydantic
model becomes a strict ``json_schema`` response format, and each answer's JSON is read back
into that model (``message.parsed``)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ..errors import InvalidRequestError
from ..schema.response import ChatCompletion


def response_format_for(model: type[BaseModel]) -> dict[str, Any]:
    """The ``response_format`` that asks for JSON valid against ``model``'s schema."""
    return {"type": "json_schema", "json_schema": {
        "name": model.__name__, "schema": model.model_json_schema(), "strict": True}}


def with_parsed(completion: ChatCompletion, model: type[BaseModel]) -> ChatCompletion:
    """Each choice's answer read into ``model`` (``message.parsed``); a choice that called a
    tool or refused has none. An answer that does not validate raises, naming why."""
    for choice in completion.choices:
        message = choice.message
        if message.tool_calls or message.refusal or message.content is None:
            continue
        try:
            parsed = model.model_validate_json(message.content)
        except ValueError as exc:
            raise InvalidRequestError(
                f"choice {choice.index}'s answer is not a valid {model.__name__}: {exc}",
                code="invalid_output") from None
        choice.message = message.model_copy(update={"parsed": parsed})
    return completion
