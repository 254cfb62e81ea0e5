"""hybridai: run each LLM request on the device or in the cloud, and say where and why.

Importing this package is cheap: names load on first use, so ``import hybridai`` pulls in
neither pydantic, llama.cpp nor the openai client.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

_EXPORTS = {
    "HybridAI": "api.client",
    "AsyncHybridAI": "api.client",
    "Settings": "config",
    "load_settings": "config",
    "Mode": "schema.modes",
    "Route": "schema.modes",
    "Availability": "device.availability",
    "AvailabilityReport": "device.availability",
    "ChatCompletion": "schema.response",
    "ChatCompletionChunk": "schema.response",
    "RoutingInfo": "schema.response",
    "HybridAIError": "errors",
    "ConfigError": "errors",
    "InvalidRequestError": "errors",
    "ContextOverflowError": "errors",
    "NoRouteError": "errors",
    "DeviceUnavailableError": "errors",
    "BackendError": "errors",
    "EngineError": "errors",
    "EngineCrashedError": "errors",
    "EngineTimeoutError": "errors",
    "DeviceBusyError": "errors",
    "CloudError": "errors",
    "CloudConnectionError": "errors",
    "CloudTimeoutError": "errors",
    "CloudStatusError": "errors",
    "StreamInterruptedError": "errors",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'hybridai' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from .api.client import AsyncHybridAI, HybridAI
    from .config import Settings, load_settings
    from .device.availability import Availability, AvailabilityReport
    from .errors import (
        BackendError,
        CloudConnectionError,
        CloudError,
        CloudStatusError,
        CloudTimeoutError,
        ConfigError,
        ContextOverflowError,
        DeviceBusyError,
        DeviceUnavailableError,
        EngineCrashedError,
        EngineError,
        EngineTimeoutError,
        HybridAIError,
        InvalidRequestError,
        NoRouteError,
        StreamInterruptedError,
    )
    from .schema.modes import Mode, Route
    from .schema.response import ChatCompletion, ChatCompletionChunk, RoutingInfo
