"""Can the device run the model? Answered like Chrome's built-in AI ``availability()``.

``assess`` is pure: it reads a probe, a benchmark and the engine's crash history and
returns a status with a reason code, so every rule is testable without a machine.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

from ..config import DeviceSettings
from .benchmark import BenchmarkResult
from .probe import DeviceProbe


class Availability(StrEnum):
    UNAVAILABLE = "unavailable"
    DOWNLOADABLE = "downloadable"
    DOWNLOADING = "downloading"
    AVAILABLE = "available"


class AvailabilityReason(StrEnum):
    READY = "ready"
    ENGINE_MISSING = "engine_missing"
    MODEL_MISSING = "model_missing"
    MODEL_INVALID = "model_invalid"
    NOT_ENOUGH_MEMORY = "not_enough_memory"
    NOT_ENOUGH_DISK = "not_enough_disk"
    ENGINE_CRASHED = "engine_crashed"
    ENGINE_FAILED = "engine_failed"
    TOO_SLOW = "too_slow"
    NOT_BENCHMARKED = "not_benchmarked"
    LACKS_CAPABILITY = "device_lacks"


@dataclass(frozen=True)
class AvailabilityReport:
    status: Availability
    reason: AvailabilityReason
    detail: str
    lacks: tuple[str, ...] = ()
    """For one request: the capabilities it needs that the device model lacks."""

    @property
    def available(self) -> bool:
        return self.status is Availability.AVAILABLE

    def to_dict(self) -> dict[str, Any]:
        facts = asdict(self)
        if not self.lacks:
            del facts["lacks"]
        return facts


def required_ram_mb(probe: DeviceProbe, device: DeviceSettings) -> float:
    if device.min_available_ram_mb is not None:
        return device.min_available_ram_mb
    # Weights are memory-mapped but touched on every token; KV cache and scratch come on top.
    return (probe.model.size_mb or 0) * 1.5 + 256


def assess(
    probe: DeviceProbe,
    device: DeviceSettings,
    *,
    benchmark: BenchmarkResult | None,
    recent_crashes: int = 0,
    downloading: bool = False,
) -> AvailabilityReport:
    """The device's availability; the first rule that fails gives the reason."""

    def unavailable(reason: AvailabilityReason, detail: str) -> AvailabilityReport:
        return AvailabilityReport(Availability.UNAVAILABLE, reason, detail)

    model = probe.model
    if probe.engine_version is None:
        return unavailable(AvailabilityReason.ENGINE_MISSING, "llama-cpp-python is not installed")
    if not model.present:
        if downloading:
            return AvailabilityReport(Availability.DOWNLOADING, AvailabilityReason.MODEL_MISSING,
                                      f"{model.name} is being installed")
        if model.bundled:
            return AvailabilityReport(
                Availability.DOWNLOADABLE, AvailabilityReason.MODEL_MISSING,
                f"{model.name} is not installed; `hybridai device --download` installs it")
        return unavailable(AvailabilityReason.MODEL_MISSING,
                           f"model file {model.path} does not exist")
    if model.error:
        return unavailable(AvailabilityReason.MODEL_INVALID, model.error)
    needed = required_ram_mb(probe, device)
    if probe.ram_available_mb < needed:
        return unavailable(
            AvailabilityReason.NOT_ENOUGH_MEMORY,
            f"{probe.ram_available_mb} MB of RAM available, {needed:.0f} MB needed")
    if probe.disk_free_mb < device.min_free_disk_mb:
        return unavailable(
            AvailabilityReason.NOT_ENOUGH_DISK,
            f"{probe.disk_free_mb} MB of disk free, {device.min_free_disk_mb} MB needed")
    if recent_crashes >= device.max_crashes:
        return unavailable(
            AvailabilityReason.ENGINE_CRASHED,
            f"the engine crashed {recent_crashes} times in the last {device.crash_window_s:.0f} s")
    if benchmark is None:
        if device.benchmark:
            return unavailable(AvailabilityReason.NOT_BENCHMARKED,
                               "the model has not been benchmarked yet")
        return AvailabilityReport(Availability.AVAILABLE, AvailabilityReason.READY,
                                  "ready (benchmark disabled)")
    if benchmark.error:
        reason = (AvailabilityReason.ENGINE_CRASHED if benchmark.crashed
                  else AvailabilityReason.ENGINE_FAILED)
        return unavailable(reason, f"the engine failed its benchmark: {benchmark.error}")
    if benchmark.decode_tokens_per_s < device.min_decode_tokens_per_s:
        return unavailable(
            AvailabilityReason.TOO_SLOW, f"decodes {benchmark.decode_tokens_per_s:.1f} tokens/s, "
            f"{device.min_decode_tokens_per_s:g} needed")
    if benchmark.prefill_tokens_per_s < device.min_prefill_tokens_per_s:
        return unavailable(
            AvailabilityReason.TOO_SLOW, f"prefills {benchmark.prefill_tokens_per_s:.1f} tokens/s, "
            f"{device.min_prefill_tokens_per_s:g} needed")
    return AvailabilityReport(
        Availability.AVAILABLE, AvailabilityReason.READY,
        f"{model.name}: {benchmark.decode_tokens_per_s:.0f} tokens/s decode, "
        f"{benchmark.prefill_tokens_per_s:.0f} tokens/s prefill")
