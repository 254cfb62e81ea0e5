"""Every text a chat request carries, found in its JSON and rewritten in place.

The privacy screen reads every text a request would send and swaps what it found for
placeholders: message contents and text parts, refusals, author names, tool-call arguments
and tool results, tool definitions and the answer's JSON schema (their descriptions, enums,
defaults and examples, never their property names), image URLs (not ``data:`` URLs, which
are pictures), file names, stop sequences, the predicted output and metadata values; a text
completion's prompts and suffix.
``map_texts`` is the one walk over that JSON: ``texts`` collects, redaction rewrites.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# In a JSON schema: the keys whose values are words (or values) rather than structure.
_SCHEMA_TEXT_KEYS = frozenset({"description", "title", "enum", "const", "default",
                               "examples", "example"})


def map_texts(payload: dict[str, Any], rewrite: Callable[[str], str]) -> dict[str, Any]:
    """``payload`` (a chat request's JSON) with each text it carries replaced by
    ``rewrite(text)``; everything else as it was. The input is not changed."""
    out = dict(payload)
    if isinstance(messages := payload.get("messages"), list):
        out["messages"] = [_message(m, rewrite) for m in messages]
    if isinstance(tools := payload.get("tools"), list):
        out["tools"] = [_tool(t, rewrite) for t in tools]
    if isinstance(functions := payload.get("functions"), list):
        out["functions"] = [_function(f, rewrite) for f in functions]
    if isinstance(stop := payload.get("stop"), str):
        out["stop"] = rewrite(stop)
    elif isinstance(stop, list):
        out["stop"] = [rewrite(s) if isinstance(s, str) else s for s in stop]
    if isinstance(fmt := payload.get("response_format"), dict) and isinstance(
            spec := fmt.get("json_schema"), dict):
        spec = {**spec}
        if isinstance(spec.get("description"), str):
            spec["description"] = rewrite(spec["description"])
        if isinstance(spec.get("schema"), dict):
            spec["schema"] = _schema(spec["schema"], rewrite)
        out["response_format"] = {**fmt, "json_schema": spec}
    if isinstance(prediction := payload.get("prediction"), dict):
        out["prediction"] = {**prediction, "content": _content(prediction.get("content"),
                                                               rewrite)}
    if isinstance(metadata := payload.get("metadata"), dict):
        out["metadata"] = {k: rewrite(v) if isinstance(v, str) else v
                           for k, v in metadata.items()}
    # -- legacy text completions (POST /v1/completions): the raw prompts and the suffix;
    # token-id prompts carry no text to read.
    if isinstance(prompt := payload.get("prompt"), str):
        out["prompt"] = rewrite(prompt)
    elif isinstance(prompt, list):
        out["prompt"] = [rewrite(p) if isinstance(p, str) else p for p in prompt]
    if isinstance(suffix := payload.get("suffix"), str):
        out["suffix"] = rewrite(suffix)
    # -- end legacy text completions
    return out


def texts(payload: dict[str, Any]) -> list[str]:
    """Every text ``payload`` carries, in order."""
    found: list[str] = []

    def keep(text: str) -> str:
        found.append(text)
        return text

    map_texts(payload, keep)
    return found


def _message(message: Any, rewrite: Callable[[str], str]) -> Any:
    if not isinstance(message, dict):
        return message
    out = dict(message)
    out["content"] = _content(message.get("content"), rewrite)
    if "content" not in message:
        del out["content"]
    for key in ("refusal", "name"):
        if isinstance(message.get(key), str):
            out[key] = rewrite(message[key])
    if isinstance(calls := message.get("tool_calls"), list):
        out["tool_calls"] = [_call(c, rewrite) for c in calls]
    if isinstance(call := message.get("function_call"), dict):
        out["function_call"] = _arguments(call, rewrite)
    return out


def _content(content: Any, rewrite: Callable[[str], str]) -> Any:
    if isinstance(content, str):
        return rewrite(content)
    if not isinstance(content, list):
        return content
    return [_part(p, rewrite) for p in content]


def _part(part: Any, rewrite: Callable[[str], str]) -> Any:
    if not isinstance(part, dict):
        return part
    kind, out = part.get("type"), dict(part)
    if kind == "text" and isinstance(part.get("text"), str):
        out["text"] = rewrite(part["text"])
    elif kind == "refusal" and isinstance(part.get("refusal"), str):
        out["refusal"] = rewrite(part["refusal"])
    elif kind == "image_url" and isinstance(image := part.get("image_url"), dict):
        url = image.get("url")
        if isinstance(url, str) and not url.startswith("data:"):
            out["image_url"] = {**image, "url": rewrite(url)}
    elif (kind == "file" and isinstance(file := part.get("file"), dict)
          and isinstance(file.get("filename"), str)):
        out["file"] = {**file, "filename": rewrite(file["filename"])}
    return out


def _call(call: Any, rewrite: Callable[[str], str]) -> Any:
    if not isinstance(call, dict) or not isinstance(call.get("function"), dict):
        return call
    return {**call, "function": _arguments(call["function"], rewrite)}


def _arguments(function: dict[str, Any], rewrite: Callable[[str], str]) -> dict[str, Any]:
    if isinstance(function.get("arguments"), str):
        return {**function, "arguments": rewrite(function["arguments"])}
    return function


def _tool(tool: Any, rewrite: Callable[[str], str]) -> Any:
    if isinstance(tool, dict) and isinstance(tool.get("function"), dict):
        return {**tool, "function": _function(tool["function"], rewrite)}
    return tool


def _function(function: Any, rewrite: Callable[[str], str]) -> Any:
    if not isinstance(function, dict):
        return function
    out = dict(function)
    if isinstance(function.get("description"), str):
        out["description"] = rewrite(function["description"])
    if isinstance(function.get("parameters"), dict):
        out["parameters"] = _schema(function["parameters"], rewrite)
    return out


def _schema(schema: Any, rewrite: Callable[[str], str], words: bool = False) -> Any:
    """A JSON schema with the strings under its word keys rewritten; property names and
    types kept (``words``: inside such a key, every string is a value)."""
    if isinstance(schema, str):
        return rewrite(schema) if words else schema
    if isinstance(schema, list):
        return [_schema(item, rewrite, words) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if words:
        return {k: _schema(v, rewrite, True) for k, v in schema.items()}
    return {k: _schema(v, rewrite, k in _SCHEMA_TEXT_KEYS) if k != "properties" else
            {name: _schema(sub, rewrite) for name, sub in v.items()} if isinstance(v, dict)
            else v for k, v in schema.items()}
