"""A ``ChatRequest`` as the worker takes it: its messages (or a text completion's raw
prompts), the form its answer must have, and how to sample each choice (``messages.py`` has
the types).

The sampling fields are OpenAI's (temperature, top_p, seed, presence and frequency
penalties) and the vendor extensions llama.cpp has a sampler for (``EXTENSION_SAMPLERS``);
an extension it has none for is left to the caller to report (``unused_extensions``).
"""

from __future__ import annotations

from typing import Any

from ...errors import InvalidRequestError
from ...schema.messages import Message
from ...schema.request import ChatRequest
from .messages import AnswerForm, CallRef, ChatMessage, FunctionDef, RawPrompt, Sampling

EXTENSION_SAMPLERS: dict[str, tuple[str, type]] = {
    "top_k": ("top_k", int),
    "min_p": ("min_p", float),
    "typical_p": ("typical_p", float),
    "repetition_penalty": ("repeat_penalty", float),
    "repeat_penalty": ("repeat_penalty", float),
    "mirostat": ("mirostat_mode", int),
    "mirostat_mode": ("mirostat_mode", int),
    "mirostat_tau": ("mirostat_tau", float),
    "mirostat_eta": ("mirostat_eta", float),
}
"""Extension field -> (``Sampling`` field, its type): the vendor fields honoured on the
device (vLLM's and llama.cpp server's names)."""


def raw_prompts(request: ChatRequest) -> tuple[RawPrompt, ...]:
    """A text completion's prompts as the worker runs them (no chat template); () for a
    chat."""
    completion = request.completion
    if completion is None:
        return ()
    return tuple(RawPrompt(text=p, echo=completion.echo, suffix=completion.suffix)
                 if isinstance(p, str) else
                 RawPrompt(tokens=p, echo=completion.echo, suffix=completion.suffix)
                 for p in completion.prompts)


def chat_messages(request: ChatRequest) -> tuple[ChatMessage, ...]:
    return tuple(_chat_message(m) for m in request.messages)


def _chat_message(message: Message) -> ChatMessage:
    calls = tuple(CallRef(call.id, call.function.name, call.function.arguments)
                  for call in message.tool_calls or ())
    if message.function_call is not None:  # legacy: one call, no id
        calls += (CallRef(None, message.function_call.name, message.function_call.arguments),)
    return ChatMessage(role=message.role, content=message.text or message.refusal or "",
                       name=message.name, tool_calls=calls, tool_call_id=message.tool_call_id)


def answer_form(request: ChatRequest) -> AnswerForm:
    """What the answer may be: the tools and tool_choice, and the response format. A JSON
    schema that is not one is the request's fault (``InvalidRequestError``)."""
    rules = request.tool_rules()
    functions: tuple[FunctionDef, ...] = ()
    choice, parallel = "none", True
    if rules is not None:
        functions = tuple(FunctionDef(f.name, f.description,
                                      _checked_schema(f.arguments_schema(),
                                                      f"the parameters of {f.name}"))
                          for f in rules.functions)
        choice, parallel = rules.choice, rules.parallel
        if not functions:
            choice = "none"
    answer_format, schema = "text", None
    response_format = request.response_format
    if response_format is not None and response_format.type == "json_object":
        answer_format = "json_object"
    elif response_format is not None and response_format.type == "json_schema":
        answer_format = "json_schema"
        given = response_format.json_schema.schema_
        schema = _checked_schema(given, "response_format.json_schema.schema") if given else None
    return AnswerForm(functions=functions, tool_choice=choice, parallel=parallel,
                      format=answer_format, schema=schema)


def _checked_schema(schema: dict[str, Any], where: str) -> dict[str, Any]:
    import jsonschema

    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise InvalidRequestError(f"{where} is not a valid JSON schema: {exc.message}") from None
    return schema


def sampling(request: ChatRequest, choice: int = 0) -> Sampling:
    """How choice ``choice`` is sampled: with a seed, choice i uses seed + i."""
    extensions: dict[str, Any] = {}
    for key, value in request.extensions.items():
        if key not in EXTENSION_SAMPLERS:
            continue
        field, kind = EXTENSION_SAMPLERS[key]
        extensions[field] = _typed(key, value, kind)
    seed = None if request.seed is None else request.seed + choice
    return Sampling(temperature=request.temperature, top_p=request.top_p,
                    presence_penalty=request.presence_penalty,
                    frequency_penalty=request.frequency_penalty, seed=seed, **extensions)


def unused_extensions(request: ChatRequest) -> list[str]:
    """The request's extension fields the device has no sampler for, sorted."""
    return sorted(set(request.extensions) - set(EXTENSION_SAMPLERS))


def _typed(key: str, value: Any, kind: type) -> int | float:
    """An extension's value as its sampler takes it."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidRequestError(f"{key}: expected a number, got {value!r}")
    if kind is int:
        if isinstance(value, float) and not value.is_integer():
            raise InvalidRequestError(f"{key}: expected an integer, got {value!r}")
        return int(value)
    return float(value)
