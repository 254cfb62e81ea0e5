"""What a browser reports of the runs its own device did: the body, and its request-log rows.

The browser SDK (``sdk/js``) answers some prompts in the visitor's browser and reports each
run to ``POST /v1/device/runs``, so ``hybridai report`` and ``/metrics`` count browser
devices too. The gateway trusts the report's tokens and timing, never a cost: it prices the
tokens itself, as what the primary cloud model would have charged (``core.recorder
.Reference``, the figure every device run's ``saved_usd`` is), and scrubs any prompt and
answer text with the privacy step before the log keeps it (only under ``log_content``).
A retry of a report is not counted twice: run ids seen in the last ``RecentRuns.window_s``
are skipped.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ...core.pipeline import Pipeline
from ...errors import HybridAIError
from ...observe.requestlog import LogEntry
from ...schema.modes import Mode, Route
from ...schema.reasons import ReasonCode
from ...schema.request import ChatRequest

ENDPOINT = "device.runs"  # requestlog.ENDPOINTS
MAX_RUNS = 100
_MAX_TEXT = 16_000  # characters of prompt or answer a run may carry: a report fits a body
# A reason code, then what it is about in printable ASCII (the same in every regex dialect).
_REASON = "^(" + "|".join(code.value for code in ReasonCode) + ")(:[ -~]*)?$"


class DeviceRun(BaseModel):
    """One run a browser's device did (wllama, or Chrome's Prompt API)."""

    model_config = ConfigDict(extra="forbid", strict=True)  # JSON's types, as sent

    id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$",
                    description="the client's id for the run (a UUID): a report sent again "
                    "is not counted twice")
    mode: Mode = Field(strict=False)  # its value as a string
    route: Literal["on_device"] = Field(description="a browser reports only what ran on its "
                                        "own device; what it sent to the gateway is logged "
                                        "there")
    reason: str = Field(max_length=200, pattern=_REASON, description="why it ran there, as "
                        "the hybrid metadata's reason: a reason code, then optionally ':' and "
                        "what it is about (device_available, fallback:cloud_unreachable, …)")
    engine: Literal["wllama", "prompt_api"]
    model: str = Field(min_length=1, max_length=200)
    prompt_tokens: int = Field(ge=0, le=10_000_000)
    completion_tokens: int = Field(ge=0, le=10_000_000)
    latency_s: float = Field(ge=0, le=86_400)
    time_to_first_token_s: float | None = Field(default=None, ge=0, le=86_400)
    status: int = Field(default=200, ge=100, le=599,
                        description="an HTTP-like status: 200, or the error's")
    error_code: str | None = Field(default=None, max_length=64, pattern=r"^[a-z0-9_]+$")
    prompt: str | None = Field(default=None, max_length=_MAX_TEXT,
                               description="only when the SDK is set to send it; the gateway "
                               "logs it only under gateway.log_content, scrubbed")
    answer: str | None = Field(default=None, max_length=_MAX_TEXT)

    @property
    def reason_code(self) -> ReasonCode:
        return ReasonCode(self.reason.partition(":")[0])


class DeviceRunsReport(BaseModel):
    """``POST /v1/device/runs``: at most ``MAX_RUNS`` runs a call."""

    model_config = ConfigDict(extra="forbid", strict=True)

    runs: list[DeviceRun] = Field(max_length=MAX_RUNS)


class DeviceRunsAccepted(BaseModel):
    accepted: int = Field(description="runs logged and counted by this call")
    duplicates: int = Field(description="runs skipped: their id was reported moments ago")


class RecentRuns:
    """The run ids seen in the last ``window_s`` (at most ``max_ids``), per tenant."""

    def __init__(self, window_s: float = 600.0, max_ids: int = 100_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.window_s, self.max_ids, self.clock = window_s, max_ids, clock
        self._seen: OrderedDict[tuple[str | None, str], float] = OrderedDict()

    def first_time(self, tenant: str | None, run_id: str) -> bool:
        """Whether ``run_id`` is new; it is remembered either way."""
        now = self.clock()
        while self._seen and (len(self._seen) >= self.max_ids
                              or next(iter(self._seen.values())) < now - self.window_s):
            self._seen.popitem(last=False)
        key = (tenant, run_id)
        new = key not in self._seen
        self._seen[key] = now
        self._seen.move_to_end(key)
        return new


def log_entry(pipeline: Pipeline, run: DeviceRun, *, log_content: bool) -> LogEntry:
    """The request-log row of ``run``: priced by the gateway, its text scrubbed."""
    failed = run.status >= 400
    cloud_cost = pipeline.reference.cost(pipeline.prices, run.prompt_tokens,
                                         run.completion_tokens)
    entry = LogEntry(
        request_id=run.id, status=run.status, mode=run.mode.value,
        route=None if failed else Route.ON_DEVICE.value, reason=run.reason,
        target=f"browser:{run.engine}", model=run.model, prompt_tokens=run.prompt_tokens,
        completion_tokens=run.completion_tokens, ttft_s=run.time_to_first_token_s,
        latency_s=run.latency_s, cost_usd=0.0,
        # A browser's device costs the gateway nothing: saved is the cloud's whole price.
        saved_usd=0.0 if failed or cloud_cost is None else round(cloud_cost, 8),
        error_code=run.error_code, endpoint=ENDPOINT)
    if log_content and (run.prompt is not None or run.answer is not None):
        scrub = _scrubber(pipeline, run.prompt or "")
        if scrub is not None:
            entry.prompt = None if run.prompt is None else scrub(run.prompt)
            entry.answer = None if run.answer is None else scrub(run.answer)
    return entry


def _scrubber(pipeline: Pipeline, prompt: str) -> Callable[[str], str] | None:
    """The privacy step's scrubbing for the log, as a chat request with this prompt gets;
    None when screening fails (then no text is logged)."""
    try:
        request = ChatRequest.parse({"messages": [{"role": "user", "content": prompt}]})
        return pipeline.privacy.screen(request).scrub
    except HybridAIError:
        return None
