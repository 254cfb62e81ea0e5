"""A loopback cloud model that uses tools, deterministically, in OpenAI's exact shapes.

A real HTTP server (Starlette under uvicorn, in a thread) speaking Chat Completions. It keeps
every request it gets (``received``: the raw body bytes and their JSON), so tests can assert
what the gateway forwarded, and answers by a fixed script instead of a model:

- functions offered (``tools``, or the legacy ``functions``) and allowed by the choice: it calls
  one. A named choice calls that function; otherwise the first offered function not called yet
  since the last user message (with ``required``, when every one was called, the first again;
  with ``auto``, it answers instead). A tool call's arguments are an instance of the function's
  parameters schema (``instance_of``); ``finish_reason`` is ``tool_calls`` (``function_call``
  for legacy functions) and ``content`` null.
- otherwise it answers: after tool results, a text quoting each ("get_weather said: ...");
  else "You said: <the last user text>". With ``response_format`` json_schema the answer is an
  instance of that schema, json_object ``{"answer": ...}``; their strings carry the tool
  results, as a model passes on what its tools told it (``WORD`` when there are none).
- ``n`` choices (text answers after the first end in `` [i]``), OpenAI-shaped ``logprobs``
  (``top_logprobs`` alternatives), usage; streamed as OpenAI's chunks, the choices
  interleaved, tool calls as deltas (the first with index, id, type, name and empty
  arguments, then fragments of the arguments), a usage chunk when
  ``stream_options.include_usage``.

    with ScriptedCloud() as cloud:
        ...  # point a cloud target at cloud.base_url
        assert cloud.chats[-1].json["messages"] == sent_messages
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.support.fault_proxy import ServerThread, free_port

WORD = "lighthouse"
"""The string a schema instance is filled with when no tool result is there to pass on."""

ARGUMENT_FRAGMENT = 7
"""Characters of a tool call's arguments per streamed delta."""


# -- instances of a JSON schema -------------------------------------------------------------

def _resolve(ref: str, root: dict[str, Any]) -> Any:
    """A local ``$ref`` (``#/$defs/Name``) looked up in the root schema."""
    if not ref.startswith("#"):
        raise ValueError(f"only local $refs are supported, got {ref!r}")
    node: Any = root
    for part in ref.lstrip("#").strip("/").split("/"):
        if part:
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _merged(schemas: list[Any]) -> dict[str, Any]:
    """allOf's parts as one schema: their keys, properties and required names together."""
    merged: dict[str, Any] = {}
    for part in schemas:
        if not isinstance(part, dict):
            continue
        for key, value in part.items():
            if key == "properties":
                merged["properties"] = {**merged.get("properties", {}), **value}
            elif key == "required":
                merged["required"] = [*merged.get("required", []), *value]
            else:
                merged.setdefault(key, value)
    return merged


def _string(schema: dict[str, Any], word: str) -> str:
    formats = {"date-time": "2024-05-01T12:00:00Z", "date": "2024-05-01", "time": "12:00:00",
               "uri": "https://example.org/", "uuid": "00000000-0000-4000-8000-000000000000"}
    text = formats.get(str(schema.get("format")), word) or WORD
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    while len(text) < low:
        text += text
    return text if high is None else text[:high]


def _number(schema: dict[str, Any], integer: bool) -> int | float:
    value: float = 1 if integer else 1.5
    if "minimum" in schema:
        value = max(value, schema["minimum"])
    if "exclusiveMinimum" in schema and not isinstance(schema["exclusiveMinimum"], bool):
        value = max(value, schema["exclusiveMinimum"] + (1 if integer else 0.5))
    if "maximum" in schema:
        value = min(value, schema["maximum"])
    if "exclusiveMaximum" in schema and not isinstance(schema["exclusiveMaximum"], bool):
        value = min(value, schema["exclusiveMaximum"] - (1 if integer else 0.5))
    return int(value) if integer else float(value)


def instance_of(schema: Any, word: str = WORD, root: dict[str, Any] | None = None) -> Any:
    """A JSON value valid against ``schema``, built the same way each time: ``const`` and the
    first ``enum`` value as given, the first non-null alternative of ``anyOf``/``oneOf``, the
    required properties of objects, ``minItems`` (at least one) items of arrays, ``word`` for
    strings (a fixed value for the common formats), 1 or 1.5 within the bounds for numbers,
    true for booleans."""
    if schema is True or schema == {}:
        return word
    if not isinstance(schema, dict):
        raise ValueError(f"not a JSON schema: {schema!r}")
    root = schema if root is None else root
    if "$ref" in schema:
        target = _resolve(schema["$ref"], root)
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        return instance_of(_merged([target, siblings]) if siblings else target, word, root)
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = schema[key]
            chosen = next((o for o in options if not (isinstance(o, dict)
                                                       and o.get("type") == "null")), options[0])
            return instance_of(chosen, word, root)
    if "allOf" in schema:
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        return instance_of(_merged([*schema["allOf"], rest]), word, root)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None:
        kind = ("object" if "properties" in schema else
                "array" if "items" in schema or "prefixItems" in schema else "string")
    if kind == "object":
        properties = schema.get("properties", {})
        return {name: instance_of(properties.get(name, {}), word, root)
                for name in schema.get("required", [])}
    if kind == "array":
        prefix = [instance_of(item, word, root) for item in schema.get("prefixItems", [])]
        count = max(schema.get("minItems", 1), len(prefix))
        if "maxItems" in schema:
            count = min(count, schema["maxItems"])
        items = schema.get("items", {})
        return (prefix + [instance_of(items, word, root)
                          for _ in range(count - len(prefix))])[:count]
    if kind == "string":
        return _string(schema, word)
    if kind in ("integer", "number"):
        return _number(schema, kind == "integer")
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    raise ValueError(f"unknown JSON schema type {kind!r}")


# -- what the script answers ------------------------------------------------------------------

@dataclass(frozen=True)
class ToolCall:
    """One call of an offered function: what the answer's ``tool_calls`` holds."""

    id: str
    name: str
    arguments: str


@dataclass(frozen=True)
class ChoiceAnswer:
    """One choice of the answer: a text or a tool call, and why it finished."""

    content: str | None
    call: ToolCall | None
    legacy: bool  # the call is a legacy function_call
    finish_reason: str


def text_of(content: Any) -> str:
    """A message's words: its string, or its text parts joined."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content
                       if isinstance(p, dict) and p.get("type") == "text")
    return ""


def _offered(payload: dict[str, Any]) -> tuple[list[dict[str, Any]], bool, str]:
    """The functions offered, whether they are legacy ``functions``, and the choice: none,
    auto, required, or a function's name."""
    if payload.get("functions"):
        functions, legacy, given = list(payload["functions"]), True, payload.get("function_call")
    else:
        functions = [t["function"] for t in payload.get("tools") or []
                     if t.get("type") == "function"]
        legacy, given = False, payload.get("tool_choice")
    if given is None:
        return functions, legacy, "auto"
    if isinstance(given, str):
        return functions, legacy, given
    if given.get("type") == "allowed_tools":
        allowed = given["allowed_tools"]
        names = {t["function"]["name"] for t in allowed.get("tools", [])}
        return [f for f in functions if f["name"] in names], legacy, allowed.get("mode", "auto")
    return functions, legacy, given["function"]["name"] if "function" in given else given["name"]


def _since_last_user(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    last_user = max((i for i, m in enumerate(messages) if m.get("role") == "user"), default=-1)
    return messages[last_user + 1:]


def _tool_results(messages: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(function name, result text) of each tool result since the last user message."""
    recent = _since_last_user(messages)
    names: dict[str, str] = {}
    for message in recent:
        for call in message.get("tool_calls") or []:
            names[call.get("id", "")] = call.get("function", {}).get("name", "")
    results = []
    for message in recent:
        if message.get("role") == "tool":
            results.append((names.get(message.get("tool_call_id", ""), "the tool"),
                            text_of(message.get("content"))))
        elif message.get("role") == "function":
            results.append((str(message.get("name", "the function")),
                            text_of(message.get("content"))))
    return results


def _called(messages: list[dict[str, Any]]) -> set[str]:
    """Names of the functions called since the last user message."""
    called = set()
    for message in _since_last_user(messages):
        for call in message.get("tool_calls") or []:
            called.add(call.get("function", {}).get("name"))
        if message.get("function_call"):
            called.add(message["function_call"].get("name"))
    return called


def _function_to_call(payload: dict[str, Any]) -> tuple[dict[str, Any] | None, bool]:
    """The function the script calls now (None: it answers), and whether it is legacy."""
    functions, legacy, choice = _offered(payload)
    if not functions or choice == "none":
        return None, legacy
    by_name = {f["name"]: f for f in functions}
    if choice in by_name:
        return by_name[choice], legacy
    called = _called(payload["messages"])
    fresh = next((f for f in functions if f["name"] not in called), None)
    if fresh is None and choice == "required":
        return functions[0], legacy
    return fresh, legacy


def _answer_text(payload: dict[str, Any], word: str, results: list[tuple[str, str]]) -> str:
    response_format = payload.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        schema = response_format["json_schema"].get("schema", {})
        return json.dumps(instance_of(schema, word))
    if response_format.get("type") == "json_object":
        return json.dumps({"answer": word})
    if results:
        return "; ".join(f"{name} said: {text}" for name, text in results) + "."
    last_user: dict[str, Any] = next(
        (m for m in reversed(payload["messages"]) if m.get("role") == "user"), {})
    return "You said: " + text_of(last_user.get("content"))


def answers(payload: dict[str, Any], number: int) -> list[ChoiceAnswer]:
    """The script's answer to the ``number``-th request: one ``ChoiceAnswer`` per choice."""
    results = _tool_results(payload["messages"])
    word = "; ".join(text for _, text in results) or WORD
    function, legacy = _function_to_call(payload)
    choices = []
    for index in range(payload.get("n") or 1):
        if function is not None:
            arguments = json.dumps(instance_of(function.get("parameters") or
                                               {"type": "object"}, word))
            call = ToolCall(f"call_{number}_{index}", function["name"], arguments)
            choices.append(ChoiceAnswer(None, call, legacy,
                                        "function_call" if legacy else "tool_calls"))
            continue
        text = _answer_text(payload, word, results)
        if index and not payload.get("response_format"):
            text += f" [{index}]"
        choices.append(ChoiceAnswer(text, None, False, "stop"))
    return choices


# -- OpenAI's shapes ----------------------------------------------------------------------------

def tokens_of(text: str) -> list[str]:
    """The answer's text cut into tokens as the script counts them: words with the spaces
    before them."""
    return re.findall(r"\s*\S+|\s+$", text)


def logprob_entries(tokens: list[str], top: int, start: int = 0) -> list[dict[str, Any]]:
    """OpenAI's ``logprobs.content`` entries for ``tokens`` (the ``start``-th token onwards):
    each token's log probability, its bytes and ``top`` alternatives, the token first."""
    entries = []
    for position, token in enumerate(tokens, start):
        logprob = -round(0.01 * (position % 50 + 1), 4)
        alternatives = [(token, logprob)] + [(f"{token.strip()}~{k}", logprob - k)
                                             for k in range(1, top)]
        entries.append({"token": token, "logprob": logprob, "bytes": list(token.encode()),
                        "top_logprobs": [{"token": t, "logprob": p, "bytes": list(t.encode())}
                                         for t, p in alternatives[:top]]})
    return entries


def usage(payload: dict[str, Any], choices: list[ChoiceAnswer]) -> dict[str, int]:
    """The usage the script reports: the prompt's JSON and each choice's answer in tokens."""
    prompt = len(tokens_of(json.dumps(payload["messages"])))
    completion = sum(len(tokens_of(c.content or "")) + (len(tokens_of(c.call.arguments)) + 1
                                                        if c.call else 0) for c in choices)
    return {"prompt_tokens": prompt, "completion_tokens": completion,
            "total_tokens": prompt + completion}


def _message(answer: ChoiceAnswer) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": answer.content, "refusal": None}
    if answer.call is not None and answer.legacy:
        message["function_call"] = {"name": answer.call.name,
                                    "arguments": answer.call.arguments}
    elif answer.call is not None:
        message["tool_calls"] = [{"id": answer.call.id, "type": "function", "function": {
            "name": answer.call.name, "arguments": answer.call.arguments}}]
    return message


def _logprobs(payload: dict[str, Any], answer: ChoiceAnswer) -> dict[str, Any] | None:
    if not payload.get("logprobs"):
        return None
    return {"content": logprob_entries(tokens_of(answer.content or ""),
                                       payload.get("top_logprobs") or 0), "refusal": None}


def completion(payload: dict[str, Any], number: int) -> dict[str, Any]:
    """The unstreamed answer (a ``chat.completion``)."""
    choices = answers(payload, number)
    return {"id": f"chatcmpl-scripted-{number}", "object": "chat.completion",
            "created": int(time.time()), "model": payload.get("model", "scripted"),
            "system_fingerprint": "fp_scripted",
            "choices": [{"index": i, "message": _message(c), "logprobs": _logprobs(payload, c),
                         "finish_reason": c.finish_reason} for i, c in enumerate(choices)],
            "usage": usage(payload, choices)}


def _deltas(payload: dict[str, Any], answer: ChoiceAnswer
            ) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None, str | None]]:
    """One choice's (delta, logprobs, finish_reason) per chunk, as OpenAI streams them."""
    call = answer.call
    if call is not None and answer.legacy:
        yield ({"role": "assistant", "content": None,
                "function_call": {"name": call.name, "arguments": ""}, "refusal": None},
               None, None)
        for at in range(0, len(call.arguments), ARGUMENT_FRAGMENT):
            yield ({"function_call": {"arguments": call.arguments[at:at + ARGUMENT_FRAGMENT]}},
                   None, None)
    elif call is not None:
        yield ({"role": "assistant", "content": None, "tool_calls": [{
            "index": 0, "id": call.id, "type": "function",
            "function": {"name": call.name, "arguments": ""}}], "refusal": None}, None, None)
        for at in range(0, len(call.arguments), ARGUMENT_FRAGMENT):
            yield ({"tool_calls": [{"index": 0, "function": {
                "arguments": call.arguments[at:at + ARGUMENT_FRAGMENT]}}]}, None, None)
    else:
        yield {"role": "assistant", "content": "", "refusal": None}, None, None
        top = payload.get("top_logprobs") or 0
        for position, token in enumerate(tokens_of(answer.content or "")):
            logprobs = ({"content": logprob_entries([token], top, position), "refusal": None}
                        if payload.get("logprobs") else None)
            yield {"content": token}, logprobs, None
    yield {}, None, answer.finish_reason


def chunks(payload: dict[str, Any], number: int) -> Iterator[dict[str, Any]]:
    """The streamed answer: ``chat.completion.chunk`` objects, the choices interleaved, and a
    usage chunk last when ``stream_options.include_usage``."""
    choices = answers(payload, number)
    with_usage = bool((payload.get("stream_options") or {}).get("include_usage"))
    head = {"id": f"chatcmpl-scripted-{number}", "object": "chat.completion.chunk",
            "created": int(time.time()), "model": payload.get("model", "scripted"),
            "system_fingerprint": "fp_scripted"}
    streams = [_deltas(payload, c) for c in choices]
    for step in zip_longest(*streams):
        for index, piece in enumerate(step):
            if piece is None:
                continue
            delta, logprobs, finish = piece
            chunk = {**head, "choices": [{"index": index, "delta": delta, "logprobs": logprobs,
                                          "finish_reason": finish}]}
            yield {**chunk, "usage": None} if with_usage else chunk
    if with_usage:
        yield {**head, "choices": [], "usage": usage(payload, choices)}


# -- legacy text completions: "You wrote: <prompt>", in OpenAI's text_completion shapes ------

def _text_prompts(payload: dict[str, Any]) -> list[str]:
    """Each prompt's text (token ids written as "<ids 1 2 3>")."""
    prompt = payload["prompt"]
    if isinstance(prompt, str):
        return [prompt]
    if all(isinstance(t, int) for t in prompt):
        return ["<ids " + " ".join(map(str, prompt)) + ">"]
    return [p if isinstance(p, str) else "<ids " + " ".join(map(str, p)) + ">" for p in prompt]


def _text_choices(payload: dict[str, Any]) -> list[tuple[int, str, str]]:
    """(index, prompt, generated text) of each choice: prompt i's choice j is i * n + j; the
    text is "You wrote: <prompt>" (choices after a prompt's first end in " [j]"), before
    ``suffix`` when one is given."""
    n = payload.get("n") or 1
    out = []
    for i, prompt in enumerate(_text_prompts(payload)):
        for j in range(n):
            text = f" You wrote: {prompt}" + (f" [{j}]" if j else "")
            if payload.get("suffix") is not None:
                text += " (before the suffix)"
            out.append((i * n + j, prompt, text))
    return out


def _legacy_logprobs(tokens: list[str], top: int, offset: int) -> dict[str, Any]:
    entries = logprob_entries(tokens, top)
    offsets, at = [], offset
    for token in tokens:
        offsets.append(at)
        at += len(token)
    return {"tokens": tokens, "token_logprobs": [e["logprob"] for e in entries],
            "top_logprobs": [{a["token"]: a["logprob"] for a in e["top_logprobs"]}
                             for e in entries], "text_offset": offsets}


def text_completion(payload: dict[str, Any], number: int) -> dict[str, Any]:
    choices = []
    prompt_tokens = completion_tokens = 0
    for index, prompt, text in _text_choices(payload):
        shown = prompt + text if payload.get("echo") else text
        logprobs = None
        if payload.get("logprobs") is not None:
            logprobs = _legacy_logprobs(tokens_of(shown), payload["logprobs"],
                                        0 if payload.get("echo") else len(prompt))
        choices.append({"text": shown, "index": index, "logprobs": logprobs,
                        "finish_reason": "stop"})
        prompt_tokens += len(tokens_of(prompt))
        completion_tokens += len(tokens_of(text))
    return {"id": f"cmpl-scripted-{number}", "object": "text_completion", "created": 0,
            "model": payload.get("model") or "scripted", "choices": choices,
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                      "total_tokens": prompt_tokens + completion_tokens}}


def text_completion_chunks(payload: dict[str, Any], number: int) -> Iterator[dict[str, Any]]:
    """The answer a token a chunk, each choice in turn, then a usage chunk when asked."""
    whole = text_completion(payload, number)
    head = {k: whole[k] for k in ("id", "object", "created", "model")}
    for choice in whole["choices"]:
        logprobs = choice["logprobs"]
        for position, token in enumerate(tokens_of(choice["text"])):
            piece = None if logprobs is None else {
                key: [logprobs[key][position]] for key in
                ("tokens", "token_logprobs", "top_logprobs", "text_offset")}
            yield {**head, "choices": [{"text": token, "index": choice["index"],
                                        "logprobs": piece, "finish_reason": None}]}
        yield {**head, "choices": [{"text": "", "index": choice["index"], "logprobs": None,
                                    "finish_reason": "stop"}]}
    if (payload.get("stream_options") or {}).get("include_usage"):
        yield {**head, "choices": [], "usage": whole["usage"]}


# -- the Responses API (/v1/responses; issue 18: a target with responses_api = true) ------------

def _responses_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(str(p.get("text", "")) for p in content or () if isinstance(p, dict))


def chat_of_responses(payload: dict[str, Any]) -> dict[str, Any]:
    """The chat request a Responses request stands for, for the script: its items as
    messages, its flat function tools as chat tools, text.format as response_format."""
    given = payload.get("input")
    items = [{"role": "user", "content": given}] if isinstance(given, str) else given or []
    messages: list[dict[str, Any]] = []
    if payload.get("instructions"):
        messages.append({"role": "system", "content": payload["instructions"]})
    for item in items:
        kind = item.get("type", "message")
        if kind == "message":
            messages.append({"role": item["role"], "content": _responses_text(item["content"])})
        elif kind == "function_call":
            messages.append({"role": "assistant", "content": None, "tool_calls": [{
                "id": item["call_id"], "type": "function",
                "function": {"name": item["name"], "arguments": item["arguments"]}}]})
        elif kind == "function_call_output":
            messages.append({"role": "tool", "tool_call_id": item["call_id"],
                             "content": _responses_text(item["output"])})
    chat: dict[str, Any] = {"messages": messages, "tools": [
        {"type": "function", "function": {k: t[k] for k in ("name", "parameters") if k in t}}
        for t in payload.get("tools") or () if t.get("type") == "function"]}
    choice = payload.get("tool_choice")
    if isinstance(choice, dict) and choice.get("type") == "function":
        choice = {"type": "function", "function": {"name": choice["name"]}}
    if choice is not None:
        chat["tool_choice"] = choice
    fmt = (payload.get("text") or {}).get("format") or {}
    if fmt.get("type") == "json_schema":
        chat["response_format"] = {"type": "json_schema", "json_schema": {
            "name": fmt["name"], "schema": fmt.get("schema", {})}}
    elif fmt.get("type") == "json_object":
        chat["response_format"] = {"type": "json_object"}
    return chat


def responses_events(payload: dict[str, Any], number: int) -> Iterator[dict[str, Any]]:
    """The script's answer as the Responses API streams it (a subset: the item, text and
    argument events a client reads, then ``response.completed`` with the usage)."""
    chat = chat_of_responses(payload)
    answer = answers(chat, number)[0]
    response = {"id": f"resp_scripted_{number}", "object": "response", "created_at": 0,
                "status": "in_progress", "model": payload.get("model"), "output": []}
    sequence = iter(range(10_000))

    def event(kind: str, **fields: Any) -> dict[str, Any]:
        return {"type": kind, "sequence_number": next(sequence), **fields}

    yield event("response.created", response=response)
    if answer.call is not None:
        item = {"type": "function_call", "id": f"fc_scripted_{number}",
                "call_id": answer.call.id, "name": answer.call.name, "arguments": ""}
        yield event("response.output_item.added", output_index=0, item=item)
        arguments = answer.call.arguments
        for at in range(0, len(arguments), ARGUMENT_FRAGMENT):
            yield event("response.function_call_arguments.delta", item_id=item["id"],
                        output_index=0, delta=arguments[at:at + ARGUMENT_FRAGMENT])
        done = {**item, "arguments": arguments, "status": "completed"}
        yield event("response.output_item.done", output_index=0, item=done)
    else:
        item = {"type": "message", "id": f"msg_scripted_{number}", "role": "assistant",
                "status": "in_progress", "content": []}
        yield event("response.output_item.added", output_index=0, item=item)
        for token in tokens_of(answer.content or ""):
            yield event("response.output_text.delta", item_id=item["id"], output_index=0,
                        content_index=0, delta=token, logprobs=[])
        done = {**item, "status": "completed", "content": [
            {"type": "output_text", "text": answer.content, "annotations": []}]}
        yield event("response.output_item.done", output_index=0, item=done)
    counted = usage(chat, [answer])
    yield event("response.completed", response={
        **response, "status": "completed", "output": [done],
        "usage": {"input_tokens": counted["prompt_tokens"],
                  "output_tokens": counted["completion_tokens"],
                  "total_tokens": counted["total_tokens"]}})
# -- end the Responses API ------------------------------------------------------------------


# -- embeddings (POST /v1/embeddings; tests/test_embeddings_endpoint.py) -----------------------

EMBEDDING_DIMENSIONS = 1536
"""The length of a scripted embedding when the request gives no ``dimensions``."""


def scripted_vector(item: str | list[int], dimensions: int = EMBEDDING_DIMENSIONS) -> Any:
    """The scripted cloud's embedding of one input: a unit float32 vector drawn from a seed
    that is the input's hash, so the same input always gets the same vector."""
    import hashlib

    import numpy as np

    seed = int.from_bytes(hashlib.sha256(json.dumps(item).encode()).digest()[:8], "little")
    vector = np.random.default_rng(seed).standard_normal(dimensions).astype(np.float32)
    return vector / np.linalg.norm(vector)


def embedding_list(payload: dict[str, Any]) -> dict[str, Any]:
    """OpenAI's answer to an embeddings request: one scripted vector per input, as floats or
    (``encoding_format: base64``) little-endian float32 bytes in base64; usage in words."""
    import base64

    value = payload["input"]
    items = [value] if isinstance(value, str) or (value and isinstance(value[0], int)) else value
    dimensions = payload.get("dimensions") or EMBEDDING_DIMENSIONS
    data = []
    for index, item in enumerate(items):
        vector = scripted_vector(item, dimensions)
        embedding: Any = (base64.b64encode(vector.astype("<f4").tobytes()).decode()
                          if payload.get("encoding_format") == "base64" else vector.tolist())
        data.append({"object": "embedding", "index": index, "embedding": embedding})
    tokens = sum(len(tokens_of(i)) if isinstance(i, str) else len(i) for i in items)
    return {"object": "list", "data": data, "model": payload.get("model", "scripted"),
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}
# -- end embeddings ---------------------------------------------------------------------------


# -- the server ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Received:
    """One request the cloud got: its path, headers and body exactly as they arrived."""

    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class ScriptedCloud:
    """The scripted model on a loopback port, recording every request (see the module)."""

    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server = ServerThread(self.app(), self.port)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def chats(self) -> list[Received]:
        """The chat completion requests received, first to last."""
        with self._lock:
            return [r for r in self.received if r.path.endswith("/chat/completions")]

    def clear(self) -> None:
        with self._lock:
            self.received.clear()

    def _record(self, request: Request, body: bytes) -> int:
        with self._lock:
            self.received.append(Received(request.url.path, dict(request.headers), body))
            return len(self.received)

    async def _chat(self, request: Request) -> Response:
        body = await request.body()
        number = self._record(request, body)
        try:
            payload = json.loads(body)
            assert isinstance(payload.get("messages"), list) and payload["messages"]
        except (ValueError, AssertionError):
            return JSONResponse({"error": {"message": "messages: a non-empty list is required",
                                           "type": "invalid_request_error"}}, status_code=400)
        if not payload.get("stream"):
            return JSONResponse(completion(payload, number))

        async def events() -> AsyncIterator[bytes]:
            for chunk in chunks(payload, number):
                yield b"data: " + json.dumps(chunk).encode() + b"\n\n"
            yield b"data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    # -- embeddings --------------------------------------------------------------------------
    @property
    def embedding_requests(self) -> list[Received]:
        """The embeddings requests received, first to last."""
        with self._lock:
            return [r for r in self.received if r.path.endswith("/embeddings")]

    async def _embeddings(self, request: Request) -> Response:
        body = await request.body()
        self._record(request, body)
        try:
            payload = json.loads(body)
            assert payload.get("input") and isinstance(payload.get("model"), str)
        except (ValueError, AssertionError):
            return JSONResponse({"error": {"message": "input and model are required",
                                           "type": "invalid_request_error"}}, status_code=400)
        return JSONResponse(embedding_list(payload))
    # -- end embeddings ----------------------------------------------------------------------

    async def _models(self, request: Request) -> Response:
        self._record(request, await request.body())
        return JSONResponse({"object": "list", "data": [
            {"id": "scripted", "object": "model", "created": 0, "owned_by": "tests"}]})

    # -- legacy text completions (/v1/completions) --------------------------------------------
    @property
    def text_completions(self) -> list[Received]:
        """The text completion requests received, first to last."""
        with self._lock:
            return [r for r in self.received if r.path.endswith("/v1/completions")]

    async def _text_completion(self, request: Request) -> Response:
        body = await request.body()
        number = self._record(request, body)
        try:
            payload = json.loads(body)
            assert isinstance(payload.get("prompt"), str | list) and payload["prompt"]
        except (ValueError, AssertionError):
            return JSONResponse({"error": {"message": "prompt is required",
                                           "type": "invalid_request_error"}}, status_code=400)
        if not payload.get("stream"):
            return JSONResponse(text_completion(payload, number))

        async def events() -> AsyncIterator[bytes]:
            for chunk in text_completion_chunks(payload, number):
                yield b"data: " + json.dumps(chunk).encode() + b"\n\n"
            yield b"data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")
    # -- end legacy text completions ----------------------------------------------------------

    # -- the Responses API (/v1/responses) -----------------------------------------------------
    @property
    def responses(self) -> list[Received]:
        """The Responses API requests received, first to last."""
        with self._lock:
            return [r for r in self.received if r.path.endswith("/v1/responses")]

    async def _responses(self, request: Request) -> Response:
        body = await request.body()
        number = self._record(request, body)
        payload = json.loads(body)
        if not payload.get("stream"):
            *_, last = responses_events(payload, number)
            return JSONResponse(last["response"])

        async def events() -> AsyncIterator[bytes]:
            for event in responses_events(payload, number):
                yield (f"event: {event['type']}\ndata: ".encode() + json.dumps(event).encode()
                       + b"\n\n")

        return StreamingResponse(events(), media_type="text/event-stream")
    # -- end the Responses API -----------------------------------------------------------------

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/v1/chat/completions", self._chat, methods=["POST"]),
                                 Route("/v1/completions", self._text_completion,
                                       methods=["POST"]),  # legacy text completions
                                 Route("/v1/responses", self._responses,
                                       methods=["POST"]),  # the Responses API
                                 Route("/v1/embeddings", self._embeddings, methods=["POST"]),
                                 Route("/v1/models", self._models)])

    def __enter__(self) -> ScriptedCloud:
        self._server.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.__exit__()
