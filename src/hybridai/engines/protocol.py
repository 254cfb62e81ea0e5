"""What the device layer and the pipeline use of an on-device engine: ``DeviceEngine``.

An engine is a ``Backend`` (name, route, model, price, stream, astream) that owns a model in
memory: it starts, measures its speed, counts prompt tokens, queues requests, keeps its
crash history (one crash counted once) and restarts itself after a crash. llama.cpp
(``engines/llamacpp``) is the first; ``engines/registry.py`` maps an engine's kind name to
the factory that builds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..schema.events import Backend
from ..schema.request import ChatRequest
from .model_source import ModelLocation


@dataclass(frozen=True)
class EngineInfo:
    """The engine with its model loaded."""

    pid: int
    n_ctx: int
    n_ctx_train: int
    n_threads: int
    load_s: float


@dataclass(frozen=True)
class EngineSpeed:
    """What a benchmark measured, in tokens per second."""

    prefill_tokens_per_s: float
    decode_tokens_per_s: float


class DeviceEngine(Backend, Protocol):
    """Errors raised are ``hybridai.errors.EngineError``s (a crash, a hang, a failed load),
    ``DeviceBusyError`` (its queue is full) and ``ContextOverflowError``."""

    location: ModelLocation
    """The model file it runs; ``Device.download`` points it at a newly installed one."""

    @property
    def info(self) -> EngineInfo | None:
        """Set once the engine has started."""

    @property
    def pid(self) -> int | None:
        """Its running process, if it runs in one; None when it is not running."""

    @property
    def restarts(self) -> int: ...

    @property
    def waiting(self) -> int:
        """Requests admitted but not yet running."""

    @property
    def log_path(self) -> Path | None: ...

    def start(self) -> EngineInfo:
        """Loads the model unless it is loaded."""

    def benchmark(self) -> EngineSpeed: ...

    def count_tokens(self, request: ChatRequest) -> int:
        """The prompt's length under the model's chat template."""

    def recent_crashes(self, now: float | None = None) -> int:
        """Crashes within the device's ``crash_window_s``."""

    def close(self) -> None: ...
