"""/readyz: can this gateway serve requests in its configured mode (``settings.mode``)?

    only_on_device         the device is available and its engine loaded
    only_in_cloud          at least one cloud target is healthy
    prefer_*, auto         either of them

A cloud target is healthy when a cheap ``GET {base_url}/models`` reaches it and gets an
answer below 500 (401 or 404 still say the server is up), its circuit breaker is not open,
and we are not offline. Checks are cached for a few seconds, so a scraping load balancer
does not become traffic upstream. Under only_in_cloud the device is not asked (asking may
load and benchmark a model the mode never uses), as the pipeline's own plan does not.

The body keeps every place's details and sums them up in ``serves`` (what can take a
request now, in the mode's terms) and ``reason`` (why the answer is what it is).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from ...core.pipeline import Pipeline
from ...policies.resilience import BreakerState
from ...schema.modes import Mode

DEVICE = "device"
"""The name ``serves`` gives the device."""


@dataclass(frozen=True)
class Verdict:
    ready: bool
    serves: tuple[str, ...]
    reason: str


def cloud_problem(status: dict[str, Any], *, offline: bool) -> str | None:
    """Why a cloud target (its check's ``status``, with its ``circuit``) can't take a request
    now; None when it can."""
    if offline:
        return "offline (no cloud target could be connected to)"
    if not status.get("reachable"):
        return f"unreachable ({status.get('error', 'no answer')})"
    http_status = status.get("http_status")
    if isinstance(http_status, int) and http_status >= 500:
        return f"answered HTTP {http_status}"
    if status.get("circuit") == BreakerState.OPEN.name.lower():
        return "its circuit breaker is open"
    return None


def verdict(mode: Mode, device_problem: str | None, cloud_problems: dict[str, str | None]
            ) -> Verdict:
    """Whether ``mode`` can be served, given what stops the device (None: nothing) and each
    cloud target (name → problem or None), in failover order."""
    uses_device = mode is not Mode.ONLY_IN_CLOUD
    uses_cloud = mode is not Mode.ONLY_ON_DEVICE
    serves = ([DEVICE] if uses_device and device_problem is None else []) + (
        [name for name, problem in cloud_problems.items() if problem is None]
        if uses_cloud else [])
    if serves:
        return Verdict(True, tuple(serves), f"mode {mode} can serve on {', '.join(serves)}")
    problems = []
    if uses_device:
        problems.append(f"device: {device_problem}")
    if uses_cloud:
        problems += [f"{name}: {problem}" for name, problem in cloud_problems.items()]
        if not cloud_problems:
            problems.append("no cloud target is configured")
    return Verdict(False, (), f"mode {mode} cannot serve: {'; '.join(problems)}")


class Readiness:
    def __init__(self, pipeline: Pipeline, *, ttl_s: float = 5.0, timeout_s: float = 2.0
                 ) -> None:
        self.pipeline = pipeline
        self.ttl_s = ttl_s
        self.timeout_s = timeout_s
        self._cloud: dict[str, tuple[float, dict[str, Any]]] = {}

    async def check(self) -> dict[str, Any]:
        mode = self.pipeline.settings.mode
        device, device_problem = await self._device(asked=mode is not Mode.ONLY_IN_CLOUD)
        clouds = dict(zip(self.pipeline.clouds, await asyncio.gather(
            *(self._cloud_status(name) for name in self.pipeline.clouds)), strict=True))
        breakers = self.pipeline.health.states()
        offline = self.pipeline.health.connectivity.offline
        problems: dict[str, str | None] = {}
        for name, status in clouds.items():
            status = clouds[name] = {**status, "circuit": breakers[name].name.lower()}
            problems[name] = cloud_problem(status, offline=offline)
            status["healthy"] = problems[name] is None
            status["required"] = mode is not Mode.ONLY_ON_DEVICE
        result = verdict(mode, device_problem, problems)
        return {
            "ready": result.ready,
            "mode": mode.value,
            "serves": list(result.serves),
            "reason": result.reason,
            "offline": offline,
            "device": device,
            "cloud": clouds,
        }

    async def _device(self, *, asked: bool) -> tuple[dict[str, Any], str | None]:
        """The device's details, and what stops it from taking a request (None: nothing)."""
        engine_loaded = self.pipeline.device.engine.pid is not None
        report = (await asyncio.to_thread(self.pipeline.device.availability) if asked
                  else self.pipeline.device.fresh_availability())
        details: dict[str, Any] = {
            "status": report.status.value if report else "not_checked",
            "reason": report.reason.value if report else "",
            "engine_loaded": engine_loaded, "required": asked}
        if report is None:
            return details, "not used in mode only_in_cloud"
        if not report.available:
            return details, f"{report.status}: {report.detail}"
        if not engine_loaded:
            return details, "its engine is not loaded (starting or restarting)"
        return details, None

    async def _cloud_status(self, name: str) -> dict[str, Any]:
        cached = self._cloud.get(name)
        if cached and time.monotonic() - cached[0] < self.ttl_s:
            return cached[1]
        import httpx2

        target = self.pipeline.clouds[name].target
        started = time.perf_counter()
        try:
            async with httpx2.AsyncClient(timeout=self.timeout_s) as http:
                response = await http.get(target.base_url + "/models")
            status: dict[str, Any] = {"reachable": True, "http_status": response.status_code}
        except httpx2.HTTPError as exc:
            # Only the error's class: messages can carry URLs with credentials in them.
            status = {"reachable": False, "error": type(exc).__name__}
        status["latency_ms"] = round((time.perf_counter() - started) * 1000, 1)
        self._cloud[name] = (time.monotonic(), status)
        return status
