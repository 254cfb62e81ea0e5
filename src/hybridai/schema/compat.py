"""What happens to each Chat Completions request field, on the device and in the cloud.

One table, read by the code that decides (``ChatRequest.needs`` names the capabilities in
``capability``; ``RoutingInfo.unused_fields`` lists the ``no_effect`` fields a device or
cache answer could not apply) and written out as docs/compatibility.md by
``python -m hybridai.schema.compat`` (a test keeps the two equal). No field is dropped
silently: each is honoured, passed on unchanged, used by hybridai, routed to where it can be
honoured, or refused with a 400 that names it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Treatment(StrEnum):
    HONOURED = "honoured"
    """Done as OpenAI documents it."""
    PASSED = "passed"
    """Sent to the cloud unchanged."""
    USED = "used"
    """hybridai reads it (and passes it on where the cloud takes it)."""
    NEEDS_CLOUD = "needs_cloud"
    """The device model lacks the capability: the request goes to the cloud with the reason
    ``device_lacks:<capability>``; under ``only_on_device`` it is a 400 naming it."""
    NO_EFFECT = "no_effect"
    """Accepted; nothing on the device acts on it (a cloud account feature or a hint): a
    device or cache answer lists it in ``hybrid.unused_fields``."""


@dataclass(frozen=True)
class FieldRule:
    device: Treatment
    cloud: Treatment
    note: str
    capability: str | None = None
    """For ``needs_cloud`` (or honoured only by some device models): the capability."""


_H, _P, _U, _N, _X = (Treatment.HONOURED, Treatment.PASSED, Treatment.USED,
                      Treatment.NEEDS_CLOUD, Treatment.NO_EFFECT)

CHAT_FIELDS: dict[str, FieldRule] = {
    "messages": FieldRule(_H, _P, "every message shape kept: text and content parts, assistant "
                          "tool_calls with null content, tool results by tool_call_id, name, "
                          "refusal; image, audio and file parts need vision, audio_input, "
                          "files (the cloud otherwise); the cloud gets them verbatim (after "
                          "redaction where the privacy policy applies)"),
    "model": FieldRule(_U, _U, "chooses mode and target (hybrid, hybrid/<mode>, a target's "
                       "name or model, an alias); the cloud is sent its target's model"),
    "stream": FieldRule(_H, _P, "server-sent chunks in OpenAI's shape, tool-call deltas too"),
    "stream_options": FieldRule(_H, _P, "include_usage: the finish, then a last chunk of no "
                                "choices with the usage (and hybrid), as OpenAI sends them; "
                                "without it the finish chunk carries both; the cloud is always "
                                "asked include_usage so the cost is known"),
    "max_tokens": FieldRule(_H, _P, "also bounds the budget hold"),
    "max_completion_tokens": FieldRule(_H, _P, "as max_tokens (max_tokens wins if both)"),
    "temperature": FieldRule(_H, _P, "0 makes an answer cacheable"),
    "top_p": FieldRule(_H, _P, ""),
    "seed": FieldRule(_H, _P, "with n > 1 the device uses seed + i for choice i"),
    "stop": FieldRule(_H, _P, "up to 4 sequences; screened by the privacy policy"),
    "n": FieldRule(_H, _P, "the device runs the request n times; not cached"),
    "presence_penalty": FieldRule(_H, _P, "llama.cpp's presence penalty"),
    "frequency_penalty": FieldRule(_H, _P, "llama.cpp's frequency penalty"),
    "logit_bias": FieldRule(_N, _P, "token ids are the cloud model's tokenizer's",
                            "logit_bias"),
    "logprobs": FieldRule(_H, _P, "per output token, from the live logits; not cached"),
    "top_logprobs": FieldRule(_H, _P, "0-20 alternatives per token; needs logprobs"),
    "tools": FieldRule(_H, _P, "function tools: the device's grammar admits only calls of "
                       "the offered functions with arguments valid against their schema; "
                       "custom tools need the cloud (custom_tools); not cached", "tools"),
    "tool_choice": FieldRule(_H, _P, "none, auto, required, a named function, allowed_tools"),
    "parallel_tool_calls": FieldRule(_H, _P, "false: at most one call"),
    "functions": FieldRule(_H, _P, "legacy tools: the answer's call comes back as "
                           "function_call (finish_reason function_call) from either",
                           "tools"),
    "function_call": FieldRule(_H, _P, "legacy tool_choice"),
    "response_format": FieldRule(_H, _P, "json_object and json_schema by grammar on the "
                                 "device, validated after; an answer that fails validation "
                                 "falls back to the cloud (an error under only_on_device)",
                                 "json_schema"),
    "modalities": FieldRule(_N, _P, "text is honoured; audio output needs the cloud",
                            "audio_output"),
    "audio": FieldRule(_N, _P, "the voice and format of a spoken answer", "audio_output"),
    "prediction": FieldRule(_X, _P, "a latency hint: the answer is the same without it"),
    "reasoning_effort": FieldRule(_X, _P, "the device model does not reason"),
    "verbosity": FieldRule(_X, _P, "a hint for reasoning models"),
    "web_search_options": FieldRule(_N, _P, "", "web_search"),
    "metadata": FieldRule(_X, _P, "for the vendor's stored completions; screened"),
    "store": FieldRule(_X, _P, "the vendor's stored completions"),
    "service_tier": FieldRule(_X, _P, "the vendor's processing tier"),
    "prompt_cache_key": FieldRule(_X, _P, "the vendor's prompt cache"),
    "prompt_cache_retention": FieldRule(_X, _P, "the vendor's prompt cache"),
    "safety_identifier": FieldRule(_X, _P, "the vendor's abuse detection"),
    "user": FieldRule(_U, _P, "scopes the response cache (cache.share) and the request log"),
}
"""OpenAI's Chat Completions request fields."""

HYBRID_FIELDS_DOC: dict[str, str] = {
    "mode": "where the request may run (never sent to the cloud)",
    "cascade": "answer on the device, escalate below a confidence",
    "privacy": "tighten the privacy policy for this request",
    "cache": "false: skip the response cache",
    "continue_stream": "continue a broken stream on the next target",
}

DEVICE_NOTES = (
    "Tool calls: a model whose chat template shows tools is given them there; otherwise "
    "(SmolLM2) the engine lists the functions in the system prompt. Either way a grammar "
    "admits only `<tool_call>{\"name\": ..., \"arguments\": {...}}</tool_call>` with an "
    "offered name and arguments valid against its schema; the answer carries `tool_calls` "
    "(ids `call_...`) and `finish_reason: \"tool_calls\"`; a stream sends the id and name "
    "first, then argument fragments as they are generated. With `tool_choice: auto` the model "
    "may answer text instead (a text answer cannot start with `<`).",
    "Structured output: the grammar comes from the JSON schema (llama.cpp's converter), and "
    "the finished answer is validated with jsonschema. An answer that does not validate (a "
    "constraint the grammar cannot hold) is the error `invalid_output`: unstreamed, and in a "
    "cascade, the plan falls back to the cloud; a stream that already sent text ends with the "
    "error. An answer cut off by `max_tokens` comes back unvalidated with `finish_reason: "
    "length`, as OpenAI's does. A schema llama.cpp cannot convert is `unsupported_schema` (the "
    "cloud takes the request); one that is not a JSON schema is a 400.",
    "Log probabilities are the model's distribution before temperature, penalties and "
    "grammar; tool-call tokens carry none.",
    "`n` > 1 runs the request n times; with a seed, choice i uses seed + i (and the prompt is "
    "evaluated afresh, so the same seed gives the same answer).",
    "Presence and frequency penalties count the last 64 generated tokens.",
)

EXTENSIONS_DOC = (
    "Fields beyond OpenAI's are a 400 that names them, unless `gateway.extension_fields` "
    "lists them: then they are passed to the cloud unchanged and, where llama.cpp has the "
    "sampler (`top_k`, `min_p`, `typical_p`, `repetition_penalty`/`repeat_penalty`, "
    "`mirostat`/`mirostat_mode`, `mirostat_tau`, `mirostat_eta`), honoured on the device; a "
    "device answer lists the others in `hybrid.unused_fields`.")


def unused_on_device(fields: Iterable[str]) -> list[str]:
    """The given fields that a device (or cache) answer did not act on, sorted."""
    return sorted(f for f in fields
                  if (rule := CHAT_FIELDS.get(f)) is not None and rule.device is _X)


def markdown() -> str:
    """docs/compatibility.md."""
    lines = [
        "# Chat Completions compatibility",
        "",
        "Generated from `src/hybridai/schema/compat.py` by "
        "`python -m hybridai.schema.compat > docs/compatibility.md`; a test keeps them equal.",
        "",
        "What each request field of `POST /v1/chat/completions` (and "
        "`HybridAI().chat.completions.create`) does on the device and in the cloud:",
        "",
        "- **honoured**: done as OpenAI documents it",
        "- **passed**: sent to the cloud unchanged",
        "- **used**: hybridai reads it (and passes it on where the cloud takes it)",
        "- **needs_cloud**: the device model lacks the capability, so the request goes to the "
        "cloud with the reason `device_lacks:<capability>`; under `only_on_device` it is a "
        "400 naming the capability; a private request under `keep_local` is a 400, under "
        "`redact` it is redacted and sent",
        "- **no_effect**: accepted, nothing on the device acts on it; a device or cache answer "
        "lists it in `hybrid.unused_fields`",
        "",
        "| field | device | cloud | capability | notes |",
        "|---|---|---|---|---|",
    ]
    for name, rule in CHAT_FIELDS.items():
        lines.append(f"| `{name}` | {rule.device} | {rule.cloud} | {rule.capability or ''} "
                     f"| {rule.note} |")
    lines += ["", "hybridai's own fields, read by the gateway and the library and never sent "
              "to the cloud:", "", "| field | meaning |", "|---|---|"]
    lines += [f"| `{name}` | {words} |" for name, words in HYBRID_FIELDS_DOC.items()]
    lines += ["", "On the device (llama.cpp):", ""]
    lines += [f"- {note}" for note in DEVICE_NOTES]
    lines += ["", EXTENSIONS_DOC, ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(markdown())
