"""Which engine runs the device's model: an engine kind's name → the factory that builds it.

"llama.cpp" (``LlamaCppEngine``) is registered here and is the default. Another engine
plugs in with

    register_engine("my-engine", lambda settings, location, cache_dir: MyEngine(...))

and ``[device] kind = "my-engine"`` in the settings makes ``Device`` build it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..config import DeviceSettings
from ..errors import ConfigError
from .model_source import ModelLocation
from .protocol import DeviceEngine

EngineFactory = Callable[[DeviceSettings, ModelLocation, Path], DeviceEngine]
"""(the device's settings, its model file, the cache directory) → the engine."""

DEFAULT_ENGINE = "llama.cpp"


class EngineRegistry:
    def __init__(self) -> None:
        self._factories: dict[str, EngineFactory] = {}

    def register(self, kind: str, factory: EngineFactory, *, replace: bool = False) -> None:
        """``replace``: take over a kind already registered (else that is an error)."""
        if kind in self._factories and not replace:
            raise ValueError(f"an engine of kind {kind!r} is already registered")
        self._factories[kind] = factory

    def unregister(self, kind: str) -> None:
        self._factories.pop(kind, None)

    def kinds(self) -> list[str]:
        return sorted(self._factories)

    def build(self, kind: str, settings: DeviceSettings, location: ModelLocation,
              cache_dir: Path) -> DeviceEngine:
        factory = self._factories.get(kind)
        if factory is None:
            raise ConfigError(f"unknown device engine {kind!r}; registered: "
                              f"{', '.join(self.kinds()) or 'none'}", code="unknown_engine")
        return factory(settings, location, cache_dir)


def _llama_cpp(settings: DeviceSettings, location: ModelLocation, cache_dir: Path
               ) -> DeviceEngine:
    from .llamacpp.engine import LlamaCppEngine

    return LlamaCppEngine(settings, location, cache_dir)


ENGINES = EngineRegistry()
"""The registry ``Device`` builds its engine from."""
ENGINES.register(DEFAULT_ENGINE, _llama_cpp)


def register_engine(kind: str, factory: EngineFactory, *, replace: bool = False) -> None:
    ENGINES.register(kind, factory, replace=replace)


def build_engine(settings: DeviceSettings, location: ModelLocation, cache_dir: Path
                 ) -> DeviceEngine:
    """The engine of kind ``settings.kind``, for the model at ``location``."""
    return ENGINES.build(settings.kind, settings, location, cache_dir)
