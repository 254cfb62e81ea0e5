"""Settings of the places a request can run: the device's model and engine
(``[device]``) and each OpenAI-compatible cloud target (``[cloud.<name>]``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..errors import ConfigError
from ..schema.price import Price


class DeviceSettings(BaseModel):
    """The on-device model, its engine, and when the device counts as available."""

    model_config = ConfigDict(extra="forbid")

    model_path: Path | None = Field(
        default=None, description="GGUF file; unset means the bundled SmolLM2-135M-Instruct"
    )
    model_name: str | None = Field(default=None, description="name shown in responses")
    capabilities: dict[str, bool] = Field(
        default_factory=dict, description="what the device model can do, overriding what "
        "its GGUF metadata and chat template say: tools, json_schema, json_object, vision, "
        "audio_input, ... (hybridai device shows the result)")
    kind: str = Field(default="llama.cpp", description="the engine that runs the model: a kind "
                      "registered in hybridai.engines.registry")
    n_ctx: int = Field(default=4096, ge=0, description="context window; 0 = the model's own")
    n_threads: int | None = Field(default=None, ge=1, description="unset = physical cores")
    n_batch: int = Field(default=512, ge=1)
    load_timeout_s: float = Field(default=120.0, gt=0)
    first_token_timeout_s: float = Field(default=60.0, gt=0)
    stall_timeout_s: float = Field(default=30.0, gt=0, description="longest gap between tokens")
    request_timeout_s: float = Field(
        default=120.0, gt=0, description="a whole request on the engine, per try: past it, "
        "generation is cancelled and the try fails (engine_timeout; the mode's fallback runs)")
    max_queue: int = Field(default=8, ge=0, description="requests that may wait for the engine; "
                           "more are device_busy (overflow to the cloud, or HTTP 429)")
    max_queue_wait_s: float = Field(default=30.0, gt=0, description="a request that waited this "
                                    "long for the engine is device_busy too")
    # Availability thresholds.
    min_available_ram_mb: int | None = Field(
        default=None, ge=0, description="unset = model file size x 1.5 + 256 MB"
    )
    min_decode_tokens_per_s: float = Field(default=5.0, ge=0)
    min_prefill_tokens_per_s: float = Field(default=20.0, ge=0)
    min_free_disk_mb: int = Field(default=0, ge=0)
    max_crashes: int = Field(default=3, ge=1, description="crashes within crash_window_s that "
                             "make the device unavailable")
    crash_window_s: float = Field(default=600.0, gt=0)
    restart_backoff_s: float = Field(
        default=1.0, gt=0, description="after a crash the engine restarts in the background "
        "after this long, doubling after each failed try; none while crashes rule it out")
    restart_backoff_max_s: float = Field(default=30.0, gt=0, description="cap of that wait")
    benchmark: bool = Field(default=True, description="measure tokens/s once per model+machine")
    slow_recheck_s: float = Field(
        default=600.0, ge=0, description="a benchmark below the speed thresholds is measured "
        "again after this long (it may have met a busy machine)")
    price: Price | None = Field(default=None, description="what a device run costs; unset = 0")


class CloudTarget(BaseModel):
    """An OpenAI-compatible endpoint: OpenAI, Gemini, Anthropic, vLLM, Ollama, llama.cpp…"""

    model_config = ConfigDict(extra="forbid")

    base_url: str
    model: str
    api_key_env: str | None = Field(
        default=None, description="name of the environment variable holding the key"
    )
    timeout_s: float = Field(default=60.0, gt=0, description="whole request, per try")
    connect_timeout_s: float = Field(default=5.0, gt=0)
    first_token_timeout_s: float = Field(
        default=30.0, gt=0, description="from sending to the first streamed token, or, "
        "unstreamed, to the answer's first bytes (most servers send them with the whole "
        "answer); per try")
    max_retries: int = Field(default=1, ge=0, le=10, description="tries after the first on a "
                             "retryable error (connect, timeout, 429, 5xx) before any token")
    backoff_base_s: float = Field(default=0.25, ge=0, description="first retry waits up to "
                                  "this long (full jitter), doubling each retry")
    backoff_max_s: float = Field(default=4.0, ge=0, description="cap of one backoff wait")
    retry_after_max_s: float = Field(
        default=10.0, ge=0, description="a longer Retry-After fails over instead of waiting")
    context_window: int | None = Field(default=None, ge=1, description="tokens; unset = unknown")
    transport: Literal["aiohttp", "openai"] = Field(
        default="aiohttp", description="how async calls (the gateway's) are sent: plain "
        "aiohttp, or the official openai client (sync calls always use the client)")
    responses_api: bool = Field(
        default=False, description="the target speaks OpenAI's Responses API: a "
        "/v1/responses request routed here is sent to its /responses as a Responses request "
        "(else it is translated to chat, which every target speaks)")  # issue 18
    ca_bundle: Path | None = Field(
        default=None, description="PEM file of the certificate authorities this target's "
        "HTTPS certificate is checked against, instead of the system's (a private CA, a "
        "TLS-inspecting proxy); unset = $SSL_CERT_FILE if set, else the system's")

    @field_validator("ca_bundle")
    @classmethod
    def _existing_file(cls, path: Path | None) -> Path | None:
        if path is not None and not path.expanduser().is_file():
            raise ValueError(f"ca_bundle {str(path)!r} is not a file")
        return path.expanduser() if path is not None else None

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must start with http:// or https://, got {url!r}")
        return url.rstrip("/")

    def api_key(self) -> str:
        if not self.api_key_env:
            return "not-needed"  # local servers (llama.cpp, vLLM, Ollama) take any key
        key = os.environ.get(self.api_key_env)
        if not key:
            raise ConfigError(
                f"cloud target needs an API key in ${self.api_key_env}, which is not set",
                code="missing_api_key",
            )
        return key


DeviceSettings.model_rebuild()
