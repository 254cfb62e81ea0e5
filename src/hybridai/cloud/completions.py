"""A cloud's legacy text completion answers (``/v1/completions``) in the chat answer's shape,
so ``answers.py`` reads them into the same events as a chat's.

A ``text_completion`` object, whole or a stream's chunk, has choices of ``text``, ``index``,
``finish_reason`` and legacy ``logprobs`` (``tokens``, ``token_logprobs``, ``top_logprobs``
as token → logprob maps, ``text_offset``); each choice becomes a chat choice whose
``message`` (and ``delta``) holds the text as ``content`` and whose ``logprobs.content``
lists one chat-shaped item a token (``token``, ``logprob``, ``top_logprobs``). The offsets
are left behind: the gateway counts them again on the text it returns (with the values a
redacted prompt hid put back). Anything else passes unchanged, for ``answers.py`` to judge.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def as_chat_answer(completion: object) -> object:
    """``completion`` (JSON) with each text completion choice as a chat choice."""
    if not isinstance(completion, Mapping) or not isinstance(
            choices := completion.get("choices"), list):
        return completion
    return {**completion, "choices": [_choice(c) for c in choices]}


def _choice(choice: object) -> object:
    if not isinstance(choice, Mapping):
        return choice
    text = choice.get("text")
    message = {"role": "assistant", "content": text if isinstance(text, str) else None}
    out: dict[str, Any] = {"index": choice.get("index"),
                           "finish_reason": choice.get("finish_reason"),
                           "message": message, "delta": message}
    if items := chat_logprobs(choice.get("logprobs")):
        out["logprobs"] = {"content": items}
    return out


def chat_logprobs(legacy: object) -> list[dict[str, Any]]:
    """Legacy logprobs as chat ``logprobs.content`` items; [] when there are none."""
    if not isinstance(legacy, Mapping) or not isinstance(tokens := legacy.get("tokens"), list):
        return []
    logprobs = legacy.get("token_logprobs")
    tops = legacy.get("top_logprobs")
    items = []
    for position, token in enumerate(tokens):
        logprob = logprobs[position] if isinstance(logprobs, list) and position < len(
            logprobs) else None
        top = tops[position] if isinstance(tops, list) and position < len(tops) else None
        items.append({
            "token": str(token), "logprob": logprob, "bytes": None,
            "top_logprobs": None if not isinstance(top, Mapping) else [
                {"token": str(t), "logprob": lp, "bytes": None} for t, lp in top.items()]})
    return items
