"""What makes two requests the same request: the scope and the question, normalized.

A request splits into its **scope** (everything the answer depends on besides the last
message: the models its mode may use, the system prompt and earlier turns, the sampling
parameters, and who may be given the answer) and its **question** (the last message).

Who may be given a stored answer is ``cache.share``: by default only the caller who got it,
that is the same gateway key (tenant) and the same ``user`` field; ``key``: anyone with the
same key; ``everyone``: every caller. An answer may hold what only its caller should see, so
sharing is the owner's choice, never the default. Exact look-ups match scope and question;
semantic look-ups match the scope exactly and the question by meaning. So a paraphrase can hit
only within the same conversation, system prompt, models and parameters.

Normalization is deliberately small: Unicode NFC (the same text typed on two systems) and
whitespace runs collapsed and trimmed (indentation and trailing newlines don't change a
question). Case is kept: ``US`` and ``us``, ``Polish`` and ``polish``, or code identifiers
differ in meaning, and an exact hit must be an answer to the same question. Looser matches
are the semantic layer's job, with a measured false-hit rate.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass

from ..config.sections import CacheShare
from ..schema.messages import Message, TextPart
from ..schema.modes import Mode
from ..schema.request import ChatRequest

_WHITESPACE = re.compile(r"\s+")


def normalize(text: str) -> str:
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFC", text)).strip()


@dataclass(frozen=True)
class CacheKey:
    scope: str
    """Hash of what the answer depends on besides the question."""
    question: str
    """The last message, normalized: what the semantic layer embeds."""

    @property
    def exact(self) -> str:
        return _digest([self.scope, self.question])


# Request fields that never change the answer's content: left out of the scope.
_NOT_ANSWER_FIELDS = frozenset({"messages", "model", "stream", "stream_options", "user",
                                "metadata", "store", "prompt_cache_key",
                                "prompt_cache_retention", "safety_identifier", "service_tier"})


def _message(message: Message) -> list[object]:
    """A message in the scope: its text normalized, every other part as given (an image, a
    tool call and its id, a name are part of what is asked)."""
    rest = message.model_dump(mode="json", exclude_none=True, exclude={"content"})
    parts = ([p.model_dump(mode="json") for p in message.content if not isinstance(p, TextPart)]
             if isinstance(message.content, list) else [])
    return [normalize(message.text), rest, parts]


def cache_key(request: ChatRequest, mode: Mode, models: list[str],
              share: CacheShare = "user") -> CacheKey:
    """``models``: the models the mode may answer with (a changed model is a new scope);
    ``share``: who else may be given the answer."""
    *earlier, last = request.messages
    caller = {"user": [request.tenant, request.user], "key": [request.tenant],
              "everyone": []}[share]
    fields = request.model_dump(mode="json", exclude_none=True, by_alias=True, exclude={
        "messages", "options", "payload", "tenant", "score_tokens", *_NOT_ANSWER_FIELDS})
    scope = ["v3", mode.value, models, caller, [_message(m) for m in earlier],
             _message(last)[1:], fields]
    return CacheKey(scope=_digest(scope), question=normalize(last.text))


def _digest(value: object) -> str:
    canonical = json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()
