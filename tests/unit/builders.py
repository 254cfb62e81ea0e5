"""Small builders shared by the unit tests: domain objects with sensible defaults, and fakes.

Every builder returns a "healthy" object; tests override only the field they are about.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from hybridai.config import CloudTarget, DeviceSettings, Price
from hybridai.device.availability import Availability, AvailabilityReason, AvailabilityReport
from hybridai.device.benchmark import BenchmarkResult
from hybridai.device.probe import DeviceProbe, ModelFacts
from hybridai.engines.model_source import ModelLocation
from hybridai.engines.protocol import EngineInfo, EngineSpeed
from hybridai.schema.events import Finished, Started, StreamEvent, TextDelta
from hybridai.schema.modes import Route
from hybridai.schema.request import ChatRequest

DEVICE = "device"
CLOUD = "openai"


# -- device ------------------------------------------------------------------------------------

def available_report() -> AvailabilityReport:
    return AvailabilityReport(Availability.AVAILABLE, AvailabilityReason.READY, "ready")


def unavailable_report(reason: AvailabilityReason = AvailabilityReason.NOT_ENOUGH_MEMORY,
                       status: Availability = Availability.UNAVAILABLE) -> AvailabilityReport:
    return AvailabilityReport(status, reason, f"because {reason}")


def model_facts(**overrides: Any) -> ModelFacts:
    """A present, readable 100 MB model (needs 100 * 1.5 + 256 = 406 MB of RAM by default)."""
    base = ModelFacts(name="smollm2-135m-instruct", path="/models/smollm2.gguf", present=True,
                      bundled=True, size_mb=100.0, architecture="llama", context_length=8192,
                      has_chat_template=True)
    return replace(base, **overrides)


def device_probe(*, model: ModelFacts | None = None, **overrides: Any) -> DeviceProbe:
    """A machine with plenty of RAM and disk and the engine installed."""
    base = DeviceProbe(os="Linux 6.1", machine="x86_64", cpu_model="Test CPU", cores_physical=4,
                       cores_logical=8, cpu_features=["avx2"], ram_total_mb=16_384,
                       ram_available_mb=8_192, gpus=[], disk_free_mb=50_000,
                       model=model or model_facts(), engine_version="0.3.7")
    return replace(base, **overrides)


def benchmark_result(**overrides: Any) -> BenchmarkResult:
    """A benchmark well above the default thresholds (5 tokens/s decode, 20 prefill)."""
    return replace(BenchmarkResult(prefill_tokens_per_s=500.0, decode_tokens_per_s=50.0,
                                   load_s=0.5, measured_at=1.0), **overrides)


# -- requests and backends ---------------------------------------------------------------------

def chat_request(text: str = "Name a colour.", **fields: Any) -> ChatRequest:
    return ChatRequest.parse({"messages": [{"role": "user", "content": text}], **fields})


@dataclass
class FakeBackend:
    """Just the attributes of ``hybridai.schema.events.Backend`` that the recorder reads."""

    name: str
    route: Route
    model: str
    price: Price | None = None

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]:
        raise AssertionError("the recorder never runs a backend")

    def astream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        raise AssertionError("the recorder never runs a backend")


def device_backend(price: Price | None = None) -> FakeBackend:
    return FakeBackend(DEVICE, Route.ON_DEVICE, "smollm2-135m-instruct", price)


def cloud_backend(model: str = "gpt-4o-mini", price: Price | None = None) -> FakeBackend:
    return FakeBackend(CLOUD, Route.IN_CLOUD, model, price)


class FakeClock:
    """A clock that only moves when told to."""

    def __init__(self, start: float = 100.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


# -- fakes of the parts build_pipeline takes -------------------------------------------------

CLOUD_PRICE = Price(input_per_1m=1000.0, output_per_1m=2000.0)  # dear: the cents show


@dataclass
class FakeEngine:
    """An engine that answers "ok" at once and reports a fixed speed."""

    settings: DeviceSettings
    location: ModelLocation
    cache_dir: Path
    name: str = "device"
    model: str = "tiny"
    route: Route = Route.ON_DEVICE
    price: Price | None = None
    info: EngineInfo | None = None
    restarts: int = 0
    waiting: int = 0
    log_path: Path | None = None
    closed: bool = False
    calls: list[str] = field(default_factory=list)
    errors: list[Exception] = field(default_factory=list)
    """Raised by the next requests, one each, before any event."""

    @property
    def pid(self) -> int | None:
        return None if self.info is None else self.info.pid

    def start(self) -> EngineInfo:
        self.calls.append("start")
        self.info = EngineInfo(pid=4242, n_ctx=2048, n_ctx_train=2048, n_threads=1, load_s=0.1)
        return self.info

    def benchmark(self) -> EngineSpeed:
        self.calls.append("benchmark")
        return EngineSpeed(prefill_tokens_per_s=300.0, decode_tokens_per_s=30.0)

    def count_tokens(self, request: ChatRequest) -> int:
        return sum(len(m.content.split()) for m in request.messages)

    def recent_crashes(self, now: float | None = None) -> int:
        return 0

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]:
        self.calls.append("stream")
        if self.errors:
            raise self.errors.pop(0)
        yield Started(self.count_tokens(request))
        yield TextDelta("ok")
        yield Finished("stop", self.count_tokens(request), 1)

    async def astream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        for event in self.stream(request):
            yield event

    def close(self) -> None:
        self.closed = True


class FakeCloud:
    """A cloud target's backend without a network: it answers "Blue." with fixed usage, or
    raises ``error``."""

    route = Route.IN_CLOUD

    def __init__(self, name: str, target: CloudTarget, error: Exception | None = None) -> None:
        self.name = name
        self.target = target
        self.model = target.model
        self.price: Price | None = CLOUD_PRICE
        self.error = error
        self.calls = 0

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]:
        self.calls += 1
        if self.error is not None:
            raise self.error
        yield Started(prompt_tokens=12)
        yield TextDelta("Blue.")
        yield Finished("stop", prompt_tokens=12, completion_tokens=3)

    async def astream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        for event in self.stream(request):
            yield event

    def close(self) -> None:
        """No connections to release."""

    async def aclose(self) -> None:
        """No connections to release."""
