"""The models `hybridai label` runs, named on the command line, run by the project's backends.

    device               the on-device engine (the bundled model unless device.model_path)
    NAME                 a cloud target from the config file ([cloud.NAME])
    URL#MODEL            any OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1#qwen
                         (no API key; for one, configure a cloud target and name it)
    reference            (--cloud only) no model runs: the reference answer stands in for a
                         strong cloud model and scores 1.0, an assumption each row records
"""

from __future__ import annotations

from dataclasses import dataclass

from ..cloud.backend import CloudBackend
from ..config import CloudTarget
from ..core.pipeline import Pipeline
from ..errors import ConfigError
from ..schema.events import Backend, Finished, Started, TextDelta
from ..schema.request import ChatRequest

REFERENCE = "reference"
REFERENCE_ASSUMPTION = ("the cloud side is the reference answer itself, scored 1.0: it stands "
                        "for a frontier model (they score >= 0.9 on GSM8K); not measured here")


@dataclass(frozen=True)
class Target:
    spec: str
    model: str  # the name its scores are keyed by
    backend: Backend | None  # None: the reference stand-in


@dataclass(frozen=True)
class Answer:
    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str
    logprobs: tuple[float, ...] | None = None  # per token, when asked for


def resolve(spec: str, pipeline: Pipeline, *, allow_reference: bool = False) -> Target:
    if spec == "device":
        engine = pipeline.device.engine
        return Target(spec, engine.model, engine)
    if spec == REFERENCE and allow_reference:
        return Target(spec, REFERENCE, None)
    if spec in pipeline.clouds:
        cloud = pipeline.clouds[spec]
        return Target(spec, cloud.model, cloud)
    if spec.startswith(("http://", "https://")):
        url, _, model = spec.partition("#")
        if not model:
            raise ConfigError(f"target {spec!r} needs the model after '#': URL#MODEL")
        # Labeling is a batch job: an answer may take long on a busy endpoint (and unstreamed,
        # its first bytes come with the whole answer).
        backend = CloudBackend(url, CloudTarget(base_url=url, model=model, timeout_s=300,
                                                first_token_timeout_s=300),
                               pipeline.prices.price_of(model))
        return Target(spec, model, backend)
    known = ", ".join(["device", *pipeline.clouds, *([REFERENCE] if allow_reference else [])])
    raise ConfigError(f"unknown target {spec!r}: use one of {known}, or URL#MODEL")


def generate(backend: Backend, messages: list[dict[str, str]], max_tokens: int, *,
             logprobs: bool = False) -> Answer:
    """One deterministic answer (temperature 0, seed 0) from ``backend``; with ``logprobs``,
    the device's token log-probabilities too (what a cascade scores)."""
    payload: dict[str, object] = {"messages": messages, "max_tokens": max_tokens,
                                  "temperature": 0.0, "seed": 0}
    request = ChatRequest.parse(payload).model_copy(update={"score_tokens": logprobs})
    parts: list[str] = []
    prompt_tokens = completion_tokens = 0
    finish_reason = "unknown"
    token_logprobs: tuple[float, ...] | None = None
    for event in backend.stream(request):
        if isinstance(event, TextDelta):
            parts.append(event.text)
        elif isinstance(event, Started) and event.prompt_tokens is not None:
            prompt_tokens = event.prompt_tokens
        elif isinstance(event, Finished):
            finish_reason = event.finish_reason
            prompt_tokens = event.prompt_tokens or prompt_tokens
            completion_tokens = event.completion_tokens or 0
            token_logprobs = event.token_logprobs
    return Answer("".join(parts), prompt_tokens, completion_tokens, finish_reason,
                  token_logprobs)
