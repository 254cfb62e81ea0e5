"""The learned router that mode ``auto`` asks, loaded once, on first use, under a lock."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from ..config import Settings
from ..errors import ConfigError

if TYPE_CHECKING:
    from ..router.model import Router
    from ..router.reader import PromptReader


class RouterSlot:
    """Holds the router: one handed in, or the one the settings name (else the shipped
    default), with its reader model in its own engine process when it reads prompts."""

    def __init__(self, settings: Settings, router: Router | None = None) -> None:
        self.settings = settings
        self._router = router
        self._reader: PromptReader | None = None
        self._lock = threading.Lock()  # planning threads race here; one router, one reader

    def get(self) -> Router:
        with self._lock:
            if self._router is None:
                self._router = self._load()
            return self._router

    def reads_prompts(self) -> bool:
        """Whether scoring runs a model over the prompt (a second or so of CPU)."""
        return self.get().probe is not None

    def _load(self) -> Router:
        from ..router.model import DEFAULT_ROUTER, Router

        # Unset: the router shipped for the bundled model (router/default/PROVENANCE.md).
        path = self.settings.router.path or DEFAULT_ROUTER
        router = Router.load(path.expanduser())
        if router.probe is not None:
            router.reader = self._reader_for(router)
        return router

    def _reader_for(self, router: Router) -> PromptReader:
        """The model a router reads prompts with, in its own engine process."""
        from ..router.reader import PromptReader

        assert router.probe is not None
        model = router.probe_model_path(self.settings.router.probe_model)
        if model is None:
            raise ConfigError(f"the router reads prompts with {router.probe.model!r}: set "
                              "[router] probe_model to that GGUF")
        self._reader = PromptReader(model.expanduser(), self.settings.cache_dir / "logs",
                                    cache_dir=None, n_threads=self.settings.device.n_threads)
        return self._reader

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
