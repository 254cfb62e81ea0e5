"""What the device model can do, so a request that needs more goes where it can be done.

Read from what the model file says (its GGUF metadata and chat template) and what the engine
adds (llama.cpp constrains decoding with a grammar, so any model it runs can produce a valid
tool call or JSON that fits a schema), overridden by ``device.capabilities`` in config. A
request's needs (``ChatRequest.needs``) that the device lacks send it to the cloud with the
reason ``device_lacks:<capability>``, or, under ``only_on_device``, a 400 naming it.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from ..config import DeviceSettings
from ..engines.gguf import GGUFError, read_gguf_info
from ..engines.llamacpp.prompt import template_renders_tools

CAPABILITIES: dict[str, str] = {
    "tools": "call functions (tools, legacy functions) with JSON arguments",
    "json_schema": "answer JSON that validates against a schema (response_format)",
    "json_object": "answer any JSON object (response_format)",
    "vision": "read images (image_url content parts)",
    "audio_input": "hear audio (input_audio content parts)",
    "audio_output": "speak its answer (modalities with audio)",
    "files": "read files (file content parts)",
    "custom_tools": "call free-form custom tools",
    "logit_bias": "bias tokens by the cloud tokenizer's ids",
    "web_search": "search the web (web_search_options)",
    # legacy text completions (POST /v1/completions)
    "infill": "fill in text before a suffix (a model with fill-in-the-middle tokens)",
    "best_of": "pick the best of several sampled completions (best_of > n)",
    "prompt_logprobs": "score the prompt's own tokens (echo with logprobs)",
}
"""Each capability a request may need, and what it means."""

# What an engine kind adds whatever the model: llama.cpp's grammar-constrained decoding.
_ENGINE_GIVES: dict[str, frozenset[str]] = {
    "llama.cpp": frozenset({"tools", "json_schema", "json_object"}),
}


@dataclass(frozen=True)
class Capabilities:
    can: frozenset[str]
    context_length: int | None = None
    template_renders_tools: bool = False
    """The model's own chat template shows tool definitions (else the engine's prompt does)."""
    sources: dict[str, str] = field(default_factory=dict)
    """capability -> where that answer came from: engine, gguf, config."""

    def lacks(self, needs: frozenset[str]) -> tuple[str, ...]:
        return tuple(sorted(needs - self.can))

    def to_dict(self) -> dict[str, object]:
        return {"can": sorted(self.can), "cannot": sorted(set(CAPABILITIES) - self.can),
                "context_length": self.context_length,
                "template_renders_tools": self.template_renders_tools,
                "sources": dict(sorted(self.sources.items()))}


def device_capabilities(settings: DeviceSettings, model_path: Path | None) -> Capabilities:
    unknown = sorted(set(settings.capabilities) - set(CAPABILITIES))
    if unknown:
        from ..errors import ConfigError

        raise ConfigError(f"device.capabilities: unknown capability {unknown[0]!r}; known: "
                          f"{', '.join(CAPABILITIES)}")
    template, context_length, vision = _model_facts(str(model_path) if model_path else None)
    can = set(_ENGINE_GIVES.get(settings.kind, frozenset()))
    sources = {name: "engine" for name in can}
    if vision:
        can.add("vision")
        sources["vision"] = "gguf"
    for name, on in settings.capabilities.items():
        (can.add if on else can.discard)(name)
        sources[name] = "config"
    renders_tools = template_renders_tools(template)
    return Capabilities(frozenset(can), settings.n_ctx or context_length, renders_tools,
                        sources)


@functools.lru_cache(maxsize=8)
def _model_facts(path: str | None) -> tuple[str | None, int | None, bool]:
    """(chat template, context length, reads images) from the GGUF header."""
    if path is None:
        return None, None, False
    try:
        info = read_gguf_info(Path(path))
    except (GGUFError, OSError):
        return None, None, False
    # A vision model's GGUF is a projector (architecture "clip") beside the text model.
    return info.chat_template, info.context_length, info.architecture == "clip"
