"""The local model's measured speed, cached on disk per model file and machine.

The cache key covers what changes the answer: the model file (path, size, mtime), the CPU,
core count, RAM, engine version and thread/context settings. Any change re-runs it.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..engines.protocol import EngineSpeed
from .probe import DeviceProbe


@dataclass(frozen=True)
class BenchmarkResult:
    prefill_tokens_per_s: float = 0.0
    decode_tokens_per_s: float = 0.0
    load_s: float = 0.0
    measured_at: float = 0.0
    error: str | None = None
    crashed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def fingerprint(probe: DeviceProbe, options: dict[str, Any]) -> str:
    model_path = probe.model.path
    stat = Path(model_path).stat() if model_path else None
    parts = {
        "model": model_path, "size": stat.st_size if stat else None,
        "mtime": stat.st_mtime_ns if stat else None, "cpu": probe.cpu_model,
        "cores": probe.cores_logical, "ram": probe.ram_total_mb,
        "engine": probe.engine_version, "features": probe.cpu_features, **options,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:20]


class BenchmarkCache:
    def __init__(self, cache_dir: Path) -> None:
        self.folder = cache_dir / "benchmarks"

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def load(self, key: str) -> BenchmarkResult | None:
        try:
            data = json.loads(self._path(key).read_text())
            return BenchmarkResult(**data)
        except (OSError, ValueError, TypeError):
            return None  # absent or unreadable: measure again

    def save(self, key: str, result: BenchmarkResult) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self._path(key).with_suffix(".tmp")
        tmp.write_text(json.dumps(result.to_dict()))
        tmp.replace(self._path(key))


def result_from_speed(speed: EngineSpeed, load_s: float) -> BenchmarkResult:
    """What the engine measured (``DeviceEngine.benchmark``), measured now."""
    return BenchmarkResult(
        prefill_tokens_per_s=speed.prefill_tokens_per_s,
        decode_tokens_per_s=speed.decode_tokens_per_s,
        load_s=load_s, measured_at=time.time(),
    )
