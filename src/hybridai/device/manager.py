"""The device as a whole: its probe, its engine, its benchmark and its availability."""

from __future__ import annotations

import functools
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Settings
from ..engines.model_source import BundledModelInstaller, ModelLocation, locate_model
from ..engines.protocol import DeviceEngine
from ..engines.registry import build_engine
from ..errors import EngineError
from .availability import AvailabilityReport, assess
from .benchmark import BenchmarkCache, BenchmarkResult, fingerprint, result_from_speed
from .capabilities import Capabilities, device_capabilities
from .probe import DeviceProbe, ModelFacts, model_facts, probe_device


@dataclass(frozen=True)
class DeviceReport:
    probe: DeviceProbe
    benchmark: BenchmarkResult | None
    availability: AvailabilityReport
    engine: dict[str, Any] | None
    capabilities: Capabilities | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "availability": self.availability.to_dict(),
            "probe": self.probe.to_dict(),
            "benchmark": self.benchmark.to_dict() if self.benchmark else None,
            "engine": self.engine,
            "capabilities": self.capabilities.to_dict() if self.capabilities else None,
        }


class Device:
    """Owns the local engine and answers whether it can take a request right now.

    The engine is the one handed in, else one of kind ``settings.device.kind`` from the
    engine registry (``engines/registry.py``)."""

    def __init__(self, settings: Settings, engine: DeviceEngine | None = None, *,
                 availability_ttl_s: float = 5.0) -> None:
        self.settings = settings.device
        self.cache_dir = settings.cache_dir
        if engine is None:
            engine = build_engine(settings.device, locate_model(settings.device),
                                  settings.cache_dir)
        self.engine: DeviceEngine = engine
        self.location = engine.location
        self._benchmarks = BenchmarkCache(settings.cache_dir)
        self._installer = BundledModelInstaller(settings.cache_dir)
        self._ttl_s = availability_ttl_s
        self._lock = threading.Lock()
        self._last: tuple[float, AvailabilityReport] | None = None
        self._failed_benchmark: BenchmarkResult | None = None

    def capabilities(self) -> Capabilities:
        """What the device model can do (tools, JSON schema, images, ...)."""
        return device_capabilities(self.settings, self.location.path)

    def probe(self) -> DeviceProbe:
        # The model header is parsed once per file version, not on every probe.
        facts = _cached_model_facts(self.location, _mtime(self.location.path))
        return probe_device(self.location, self.cache_dir, facts)

    def _benchmark_options(self) -> dict[str, Any]:
        return {"n_ctx": self.settings.n_ctx, "n_threads": self.settings.n_threads,
                "n_batch": self.settings.n_batch}

    def benchmark(self, probe: DeviceProbe, *, run: bool = True,
                  refresh: bool = False) -> BenchmarkResult | None:
        """The cached benchmark; measured now when missing and ``run`` (or ``refresh``)."""
        key = fingerprint(probe, self._benchmark_options())
        if not refresh:
            cached = self._benchmarks.load(key)
            if cached and not (run and self._due_for_recheck(cached)):
                return cached
            if not cached and self._failed_benchmark is not None:
                return self._failed_benchmark
        if not (run or refresh) or not probe.model.present or probe.model.error:
            return None
        try:
            info = self.engine.start()
            result = result_from_speed(self.engine.benchmark(), info.load_s)
        except EngineError as exc:
            # Failures stay in memory only: a transient crash must not stick to the machine.
            self._failed_benchmark = BenchmarkResult(
                measured_at=time.time(), error=str(exc), crashed=exc.code in (
                    "engine_crashed", "engine_timeout"))
            return self._failed_benchmark
        self._failed_benchmark = None
        self._benchmarks.save(key, result)
        return result

    def _due_for_recheck(self, result: BenchmarkResult) -> bool:
        """A too-slow verdict is re-measured after a while: the machine may have been busy."""
        slow = (result.decode_tokens_per_s < self.settings.min_decode_tokens_per_s
                or result.prefill_tokens_per_s < self.settings.min_prefill_tokens_per_s)
        return slow and time.time() - result.measured_at > self.settings.slow_recheck_s

    def fresh_availability(self) -> AvailabilityReport | None:
        """The cached report while it is fresh, without any I/O; else None."""
        last = self._last
        if last and time.monotonic() - last[0] < self._ttl_s:
            return last[1]
        return None

    def availability(self, *, refresh: bool = False) -> AvailabilityReport:
        with self._lock:
            if not refresh and (fresh := self.fresh_availability()) is not None:
                return fresh
            now = time.monotonic()
            probe = self.probe()
            report = self._assess(probe, self.benchmark(probe, run=self.settings.benchmark))
            self._last = (now, report)
            return report

    def _assess(self, probe: DeviceProbe, benchmark: BenchmarkResult | None
                ) -> AvailabilityReport:
        return assess(probe, self.settings, benchmark=benchmark,
                      recent_crashes=self.engine.recent_crashes(),
                      downloading=self._installer.in_progress())

    def report(self, *, refresh: bool = False) -> DeviceReport:
        with self._lock:
            probe = self.probe()
            benchmark = self.benchmark(probe, run=self.settings.benchmark, refresh=refresh)
            availability = self._assess(probe, benchmark)
            self._last = (time.monotonic(), availability)
        info = self.engine.info
        engine = None if info is None else {
            "pid": self.engine.pid, "n_ctx": info.n_ctx, "n_ctx_train": info.n_ctx_train,
            "n_threads": info.n_threads, "restarts": self.engine.restarts,
            "recent_crashes": self.engine.recent_crashes(),
            "log": None if self.engine.log_path is None else str(self.engine.log_path),
        }
        return DeviceReport(probe, benchmark, availability, engine, self.capabilities())

    def invalidate(self) -> None:
        """Forget the cached availability (after a crash, say)."""
        with self._lock:
            self._last = None

    def download(self) -> None:
        self._installer.install()
        self.location = locate_model(self.settings)
        self.engine.location = self.location
        self.invalidate()

    def close(self) -> None:
        self.engine.close()


def _mtime(path: Path | None) -> int | None:
    try:
        return path.stat().st_mtime_ns if path else None
    except OSError:
        return None


@functools.lru_cache(maxsize=8)
def _cached_model_facts(location: ModelLocation, mtime: int | None) -> ModelFacts:
    return model_facts(location)

