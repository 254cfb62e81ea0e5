"""Runs `hybridai serve` as a real process on loopback, configured by a TOML file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.support.fault_proxy import free_port

HYBRIDAI = str(Path(sys.executable).with_name("hybridai"))
# Tests check routing, not this machine's speed: a busy CI box must not read as too_slow.
TEST_SPEED_FLOOR = {"min_decode_tokens_per_s": 0.5, "min_prefill_tokens_per_s": 1.0}


def toml_value(value: Any) -> str:
    if isinstance(value, dict):  # an inline table
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(str(value)) if isinstance(value, Path) else json.dumps(value)


def write_config(folder: Path, *, cloud_url: str | None, cache_dir: Path,
                 gateway: dict[str, Any], device: dict[str, Any] | None = None,
                 cloud: dict[str, Any] | None = None, mode: str | None = None,
                 cache: dict[str, Any] | None = None,
                 sections: dict[str, dict[str, Any]] | None = None) -> Path:
    lines = [f"cache_dir = {toml_value(cache_dir)}"]
    if mode:
        lines.append(f"mode = {toml_value(mode)}")
    if cache:
        lines.append("[cache]")
        lines += [f"{k} = {toml_value(v)}" for k, v in cache.items()]
    for name, values in (sections or {}).items():  # [budget], [cascade]…
        lines.append(f"[{name}]")
        lines += [f"{k} = {toml_value(v)}" for k, v in values.items()]
    lines.append("[gateway]")
    lines += [f"{k} = {toml_value(v)}" for k, v in gateway.items()]
    lines.append("[device]")
    device = {**TEST_SPEED_FLOOR, **(device or {})}
    lines += [f"{k} = {toml_value(v)}" for k, v in device.items()]
    if cloud_url:
        lines += ["[cloud.standin]", f"base_url = {toml_value(cloud_url)}",
                  'model = "stand-in"', "timeout_s = 30", "connect_timeout_s = 2"]
        lines += [f"{k} = {toml_value(v)}" for k, v in (cloud or {}).items()]
        lines += ["[prices.stand-in]", "input_per_1m = 0.15", "output_per_1m = 0.6"]
    path = folder / "gateway.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


@dataclass
class GatewayProcess:
    config: Path
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return self.root + "/v1"

    def start(self, timeout_s: float = 120) -> GatewayProcess:
        self.output = self.config.with_suffix(".out")
        self.process = subprocess.Popen(
            [HYBRIDAI, "serve", "--config", str(self.config), "--port", str(self.port)],
            stdout=self.output.open("wb"), stderr=subprocess.STDOUT,
            env={**os.environ, **self.env})
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                if httpx.get(self.root + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("gateway did not start:\n" + self.output.read_text())
            time.sleep(0.1)

    def terminate(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)

    def stop(self, timeout_s: float = 30) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
        return self.process.wait()
