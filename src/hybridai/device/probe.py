"""What this machine has: memory, cores, CPU features, GPU, disk, and the model file's facts.

Everything here is cheap (tens of milliseconds) and runs in the host process; the model
benchmark, which needs the native engine, runs in the engine's own process (see benchmark.py).
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import shutil
import subprocess
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from ..engines.gguf import GGUFError, read_gguf_info
from ..engines.model_source import ModelLocation

# Features that matter to llama.cpp's CPU kernels.
INTERESTING_CPU_FEATURES = (
    "sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512_vnni", "avx512_bf16",
    "amx_int8", "amx_bf16", "neon", "asimd", "sve", "i8mm", "dotprod",
)


@dataclass(frozen=True)
class ModelFacts:
    name: str
    path: str | None
    present: bool
    bundled: bool
    size_mb: float | None = None
    architecture: str | None = None
    context_length: int | None = None
    has_chat_template: bool = False
    error: str | None = None
    """Why the file could not be read as a model, if it could not."""


@dataclass(frozen=True)
class DeviceProbe:
    os: str
    machine: str
    cpu_model: str
    cores_physical: int
    cores_logical: int
    cpu_features: list[str]
    ram_total_mb: int
    ram_available_mb: int
    gpus: list[str]
    disk_free_mb: int
    model: ModelFacts
    engine_version: str | None
    """llama-cpp-python's version; None when it is not installed."""
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def probe_device(location: ModelLocation, cache_dir: Path,
                 model: ModelFacts | None = None) -> DeviceProbe:
    """``model`` saves re-reading the model header when the caller has it already."""
    import psutil

    memory = psutil.virtual_memory()
    disk_path = location.path.parent if location.path else _existing_parent(cache_dir)
    return DeviceProbe(
        os=f"{platform.system()} {platform.release()}",
        machine=platform.machine(),
        cpu_model=_cpu_model(),
        cores_physical=psutil.cpu_count(logical=False) or os.cpu_count() or 1,
        cores_logical=psutil.cpu_count(logical=True) or os.cpu_count() or 1,
        cpu_features=_cpu_features(),
        ram_total_mb=memory.total // 2**20,
        ram_available_mb=memory.available // 2**20,
        gpus=_gpus(),
        disk_free_mb=shutil.disk_usage(disk_path).free // 2**20,
        model=model or model_facts(location),
        engine_version=_engine_version(),
    )


def model_facts(location: ModelLocation) -> ModelFacts:
    path = location.path
    facts = ModelFacts(name=location.name, bundled=location.bundled,
                       path=str(path) if path else None, present=location.present)
    if path is None or not facts.present:
        return facts
    size_mb = round(path.stat().st_size / 2**20, 1)
    try:
        info = read_gguf_info(path)
    except (GGUFError, OSError) as exc:
        return replace(facts, size_mb=size_mb, error=str(exc))
    return replace(facts, size_mb=size_mb, architecture=info.architecture,
                   context_length=info.context_length,
                   has_chat_template=bool(info.chat_template))


def _engine_version() -> str | None:
    try:
        return importlib.metadata.version("llama-cpp-python")
    except importlib.metadata.PackageNotFoundError:
        return None


def _existing_parent(path: Path) -> Path:
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def _read_cpuinfo() -> dict[str, str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return {}
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            break  # the first processor's block describes them all
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def _cpu_model() -> str:
    info = _read_cpuinfo()
    if name := info.get("model name") or info.get("Hardware"):
        return name
    if platform.system() == "Darwin":
        out = _run(["sysctl", "-n", "machdep.cpu.brand_string"])
        if out:
            return out.strip()
    return platform.processor() or platform.machine()


def _cpu_features() -> list[str]:
    info = _read_cpuinfo()
    flags = set((info.get("flags") or info.get("Features") or "").split())
    if not flags and platform.system() == "Darwin":
        out = _run(["sysctl", "-a"]) or ""
        flags = {line.split(":")[0].rsplit(".", 1)[-1].lower()
                 for line in out.splitlines() if line.startswith("hw.optional.") and
                 line.rstrip().endswith(": 1")}
        if platform.machine() == "arm64":
            flags |= {"neon", "dotprod"}
    return [f for f in INTERESTING_CPU_FEATURES if f in flags]


def _gpus() -> list[str]:
    gpus: list[str] = []
    if shutil.which("nvidia-smi"):
        out = _run(["nvidia-smi", "--query-gpu=name,memory.total", "--format=csv,noheader"])
        gpus += [f"NVIDIA {line.strip()}" for line in (out or "").splitlines() if line.strip()]
    if shutil.which("rocm-smi"):
        out = _run(["rocm-smi", "--showproductname"])
        gpus += [f"AMD {line.split(':', 1)[1].strip()}" for line in (out or "").splitlines()
                 if "Card series" in line and ":" in line]
    if platform.system() == "Darwin" and platform.machine() == "arm64":
        gpus.append("Apple Silicon GPU (Metal)")
    return gpus


def _run(command: list[str]) -> str | None:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=3).stdout
    except (OSError, subprocess.SubprocessError):
        return None
