"""How each chat request is recorded when it ends: one request-log row and its metrics.

The metrics take only closed sets of values as labels (the route, the reason's code or the
error's code, the status); the words, numbers and text stay in the log row.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from ...core.pipeline import Pipeline
from ...core.recorder import RunRecorder
from ...errors import HybridAIError, PrivateDataError
from ...observe.requestlog import LogEntry
from ...schema.reasons import ReasonCode
from ...schema.request import ChatRequest
from .errors import HTTPError
from .state import GatewayState


def record(state: GatewayState, request_id: str, status: int, started: float, *,
           run: RunRecorder | None = None, request: ChatRequest | None = None,
           error: HTTPError | None = None, cause: HybridAIError | None = None,
           endpoint: str = "chat.completions") -> None:
    """Logs and counts one request. ``run``: its recorder once it was planned (a failure is
    logged with its plan); ``error``: what the client was sent; ``cause``: the error behind
    it; ``endpoint``: the API it came through (``requestlog.ENDPOINTS``)."""
    entry = LogEntry(request_id=request_id, status=status,
                     stream=bool(request and request.stream),
                     latency_s=round(time.perf_counter() - started, 4),
                     endpoint=endpoint)  # endpoint: added for /v1/responses (issue 18)
    # Text is logged only with log_content on, each value the privacy step finds as a
    # placeholder (scrubbing scans the text, so it is skipped when nothing is kept).
    scrub = (_log_scrubber(state.client.pipeline, request, run)
             if state.log.log_content and request is not None else None)
    if scrub is not None and request is not None:
        entry.prompt = scrub(request.messages[-1].text)
    result = run.result() if run is not None else None
    if result is not None and result.route is not None:
        entry.mode = result.mode.value
        if (info := result.routing) is not None:
            entry.route, entry.target, entry.model = info.route.value, info.target, info.model
            entry.reason, entry.ttft_s = info.reason, info.time_to_first_token_s
            entry.prompt_tokens, entry.completion_tokens = (info.prompt_tokens,
                                                            info.completion_tokens)
            entry.cost_usd, entry.saved_usd = info.cost_usd, info.saved_usd
            if scrub is not None:
                entry.answer = scrub(result.text)
    if error is not None:
        entry.error_code, entry.error = error.code, error.message
    if (found := _privacy_found(run, cause)) is not None:
        state.metrics.observe_privacy(*found)
    state.log.append(entry)
    reason = result.reason if result is not None and result.routing is not None else None
    state.metrics.observe(entry, reason.code if reason is not None else None)


def _log_scrubber(pipeline: Pipeline, request: ChatRequest, run: RunRecorder | None
                  ) -> Callable[[str], str] | None:
    """How the request's text is scrubbed for the log: by its plan's screening, or, when it
    has none (it failed before a plan was made, or the cache answered it), by a screening
    made here. None when the screening itself failed (a bad ``privacy`` field): then no text
    is logged."""
    if run is not None and run.plan.privacy is not None:
        return run.plan.privacy.scrub
    try:
        return pipeline.privacy.screen(request).scrub
    except HybridAIError:
        return None


def _privacy_found(run: RunRecorder | None, cause: HybridAIError | None
                   ) -> tuple[Mapping[str, int], str] | None:
    """What the privacy step found and what its policy did, for the metrics: by the plan's
    screening, or by the refusal of a keep_local request that got no run (the device could
    not take it); None when nothing was found."""
    if run is not None and run.plan.privacy is not None:
        screening = run.plan.privacy
        return (screening.counts, screening.action) if screening.found else None
    if isinstance(cause, PrivateDataError) and cause.counts:
        return cause.counts, "kept_local"  # Screening.action under policy keep_local
    return None


def record_reported(state: GatewayState, entry: LogEntry, reason: ReasonCode | None) -> None:
    """Logs and counts a run reported from elsewhere: a browser's device run, its row made
    by ``device_runs.log_entry`` (issue 19)."""
    state.log.append(entry)
    state.metrics.observe(entry, reason)
