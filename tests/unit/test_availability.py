"""device.availability.assess: each rule's status and reason, thresholds from DeviceSettings."""

from __future__ import annotations

from typing import Any

import pytest

from hybridai.config import DeviceSettings
from hybridai.device.availability import (
    Availability,
    AvailabilityReason,
    AvailabilityReport,
    assess,
)
from hybridai.device.benchmark import BenchmarkResult
from hybridai.device.probe import DeviceProbe
from tests.unit.builders import benchmark_result, device_probe, model_facts

UNAVAILABLE = Availability.UNAVAILABLE


def check(probe: DeviceProbe | None = None, *, settings: dict[str, Any] | None = None,
          benchmark: BenchmarkResult | None = None, run_benchmark: bool = True,
          **kwargs: Any) -> AvailabilityReport:
    """assess() on a healthy machine unless told otherwise; ``benchmark`` defaults to a fast one."""
    if benchmark is None and run_benchmark:
        benchmark = benchmark_result()
    return assess(probe or device_probe(), DeviceSettings(**(settings or {})),
                  benchmark=benchmark, **kwargs)


def status_and_reason(report: AvailabilityReport) -> tuple[Availability, AvailabilityReason]:
    return report.status, report.reason


def test_a_healthy_device_is_available_and_ready() -> None:
    report = check()
    assert status_and_reason(report) == (Availability.AVAILABLE, AvailabilityReason.READY)
    assert report.available
    assert "50 tokens/s decode" in report.detail
    assert report.to_dict() == {"status": "available", "reason": "ready", "detail": report.detail}


def test_engine_missing() -> None:
    report = check(device_probe(engine_version=None))
    assert status_and_reason(report) == (UNAVAILABLE, AvailabilityReason.ENGINE_MISSING)
    assert not report.available


def test_missing_engine_wins_over_a_missing_model() -> None:
    report = check(device_probe(engine_version=None, model=model_facts(present=False)))
    assert report.reason is AvailabilityReason.ENGINE_MISSING


def test_missing_bundled_model_is_downloadable() -> None:
    report = check(device_probe(model=model_facts(present=False, path=None, bundled=True)))
    assert status_and_reason(report) == (Availability.DOWNLOADABLE,
                                         AvailabilityReason.MODEL_MISSING)
    assert "--download" in report.detail
    assert not report.available


def test_missing_model_being_installed_is_downloading() -> None:
    report = check(device_probe(model=model_facts(present=False, path=None)), downloading=True)
    assert status_and_reason(report) == (Availability.DOWNLOADING, AvailabilityReason.MODEL_MISSING)


def test_missing_configured_model_is_unavailable() -> None:
    facts = model_facts(present=False, bundled=False, path="/nowhere/model.gguf")
    report = check(device_probe(model=facts))
    assert status_and_reason(report) == (UNAVAILABLE, AvailabilityReason.MODEL_MISSING)
    assert "/nowhere/model.gguf" in report.detail


def test_unreadable_model_is_invalid() -> None:
    report = check(device_probe(model=model_facts(error="not a GGUF file (bad magic)")))
    assert status_and_reason(report) == (UNAVAILABLE, AvailabilityReason.MODEL_INVALID)
    assert report.detail == "not a GGUF file (bad magic)"


@pytest.mark.parametrize(("ram_mb", "reason"), [
    (405, AvailabilityReason.NOT_ENOUGH_MEMORY),  # 100 MB model: 100 * 1.5 + 256 = 406 MB needed
    (406, AvailabilityReason.READY),
])
def test_default_ram_threshold_follows_the_model_size(ram_mb: int,
                                                      reason: AvailabilityReason) -> None:
    report = check(device_probe(ram_available_mb=ram_mb, model=model_facts(size_mb=100.0)))
    assert report.reason is reason
    if reason is AvailabilityReason.NOT_ENOUGH_MEMORY:
        assert report.status is UNAVAILABLE
        assert "406 MB needed" in report.detail


def test_unknown_model_size_needs_the_base_ram() -> None:
    probe = device_probe(ram_available_mb=255, model=model_facts(size_mb=None))
    assert check(probe).reason is AvailabilityReason.NOT_ENOUGH_MEMORY
    assert check(device_probe(ram_available_mb=256, model=model_facts(size_mb=None))).available


@pytest.mark.parametrize(("ram_mb", "reason"), [
    (1999, AvailabilityReason.NOT_ENOUGH_MEMORY),
    (2000, AvailabilityReason.READY),
])
def test_configured_ram_threshold_replaces_the_default(ram_mb: int,
                                                       reason: AvailabilityReason) -> None:
    report = check(device_probe(ram_available_mb=ram_mb),
                   settings={"min_available_ram_mb": 2000})
    assert report.reason is reason


def test_configured_ram_threshold_of_zero_is_honoured() -> None:
    report = check(device_probe(ram_available_mb=1), settings={"min_available_ram_mb": 0})
    assert report.available


@pytest.mark.parametrize(("disk_mb", "reason"), [
    (999, AvailabilityReason.NOT_ENOUGH_DISK),
    (1000, AvailabilityReason.READY),
])
def test_disk_threshold(disk_mb: int, reason: AvailabilityReason) -> None:
    report = check(device_probe(disk_free_mb=disk_mb), settings={"min_free_disk_mb": 1000})
    assert report.reason is reason


@pytest.mark.parametrize(("crashes", "max_crashes", "reason"), [
    (2, 3, AvailabilityReason.READY),
    (3, 3, AvailabilityReason.ENGINE_CRASHED),
    (1, 1, AvailabilityReason.ENGINE_CRASHED),
])
def test_recent_crashes(crashes: int, max_crashes: int, reason: AvailabilityReason) -> None:
    report = check(settings={"max_crashes": max_crashes}, recent_crashes=crashes)
    assert report.reason is reason
    if reason is AvailabilityReason.ENGINE_CRASHED:
        assert report.status is UNAVAILABLE
        assert f"crashed {crashes} times" in report.detail


def test_no_benchmark_yet_is_not_benchmarked() -> None:
    report = check(run_benchmark=False)
    assert status_and_reason(report) == (UNAVAILABLE, AvailabilityReason.NOT_BENCHMARKED)


def test_no_benchmark_with_benchmarking_disabled_is_available() -> None:
    report = check(run_benchmark=False, settings={"benchmark": False})
    assert status_and_reason(report) == (Availability.AVAILABLE, AvailabilityReason.READY)
    assert "benchmark disabled" in report.detail


@pytest.mark.parametrize(("crashed", "reason"), [
    (True, AvailabilityReason.ENGINE_CRASHED),
    (False, AvailabilityReason.ENGINE_FAILED),
])
def test_failed_benchmark(crashed: bool, reason: AvailabilityReason) -> None:
    failed = BenchmarkResult(error="worker exited with signal 11", crashed=crashed)
    report = check(benchmark=failed)
    assert status_and_reason(report) == (UNAVAILABLE, reason)
    assert "signal 11" in report.detail


@pytest.mark.parametrize(("benchmark", "settings", "reason"), [
    (benchmark_result(decode_tokens_per_s=4.9), {}, AvailabilityReason.TOO_SLOW),
    (benchmark_result(decode_tokens_per_s=5.0), {}, AvailabilityReason.READY),
    (benchmark_result(prefill_tokens_per_s=19.9), {}, AvailabilityReason.TOO_SLOW),
    (benchmark_result(prefill_tokens_per_s=20.0), {}, AvailabilityReason.READY),
    (benchmark_result(decode_tokens_per_s=50.0), {"min_decode_tokens_per_s": 60},
     AvailabilityReason.TOO_SLOW),
    (benchmark_result(prefill_tokens_per_s=500), {"min_prefill_tokens_per_s": 600},
     AvailabilityReason.TOO_SLOW),
    (benchmark_result(decode_tokens_per_s=1.0, prefill_tokens_per_s=1.0),
     {"min_decode_tokens_per_s": 0, "min_prefill_tokens_per_s": 0}, AvailabilityReason.READY),
], ids=["decode-slow", "decode-at-min", "prefill-slow", "prefill-at-min", "decode-configured",
        "prefill-configured", "thresholds-off"])
def test_speed_thresholds(benchmark: BenchmarkResult, settings: dict[str, Any],
                          reason: AvailabilityReason) -> None:
    report = check(benchmark=benchmark, settings=settings)
    assert report.reason is reason
    assert report.available is (reason is AvailabilityReason.READY)


def test_too_slow_detail_names_the_measured_and_the_needed_speed() -> None:
    report = check(benchmark=benchmark_result(decode_tokens_per_s=2.5))
    assert report.detail == "decodes 2.5 tokens/s, 5 needed"


def test_memory_is_checked_before_the_benchmark() -> None:
    report = check(device_probe(ram_available_mb=10),
                   benchmark=benchmark_result(decode_tokens_per_s=0.1))
    assert report.reason is AvailabilityReason.NOT_ENOUGH_MEMORY
