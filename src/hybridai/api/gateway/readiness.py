"""/readyz: is the device engine loaded and available, and is every cloud target reachable?

Cloud checks are a cheap ``GET {base_url}/models`` (any HTTP answer counts as reachable),
cached for a few seconds so a scraping load balancer does not become traffic upstream.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from ...core.pipeline import Pipeline
from ...schema.modes import Mode


class Readiness:
    def __init__(self, pipeline: Pipeline, *, ttl_s: float = 5.0, timeout_s: float = 2.0
                 ) -> None:
        self.pipeline = pipeline
        self.ttl_s = ttl_s
        self.timeout_s = timeout_s
        self._cloud: dict[str, tuple[float, dict[str, Any]]] = {}

    async def check(self) -> dict[str, Any]:
        uses_device = self.pipeline.settings.mode is not Mode.ONLY_IN_CLOUD
        device = await asyncio.to_thread(self.pipeline.device.availability)
        engine_loaded = self.pipeline.device.engine.pid is not None
        device_ok = (not uses_device) or (device.available and engine_loaded)
        clouds = dict(zip(self.pipeline.clouds, await asyncio.gather(
            *(self._cloud_status(name) for name in self.pipeline.clouds)), strict=True))
        breakers = self.pipeline.health.states()
        clouds = {name: {**status, "circuit": breakers[name].name.lower()}
                  for name, status in clouds.items()}
        return {
            "offline": self.pipeline.health.connectivity.offline,
            "ready": device_ok and all(c["reachable"] for c in clouds.values()),
            "device": {"status": device.status.value, "reason": device.reason.value,
                       "engine_loaded": engine_loaded, "required": uses_device},
            "cloud": clouds,
        }

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
