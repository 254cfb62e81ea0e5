"""How each embeddings request is recorded when it ends: one request-log row
(``endpoint = "embeddings"``) and its metrics, as ``recording.py`` records a chat request.

Vectors are never logged; with ``gateway.log_content`` the inputs are, each value the privacy
step found as a placeholder.
"""

from __future__ import annotations

import time

from ...core.embeddings import EmbeddingExecution, PreparedEmbeddings, texts_for_log
from ...errors import HybridAIError, PrivateDataError
from ...observe.requestlog import LogEntry
from .errors import HTTPError
from .state import GatewayState

ENDPOINT = "embeddings"
"""The request log's and the metrics' name for it (``requestlog.ENDPOINTS``)."""


def record_embeddings(state: GatewayState, request_id: str, status: int, started: float, *,
                      prepared: PreparedEmbeddings | None = None,
                      execution: EmbeddingExecution | None = None,
                      error: HTTPError | None = None,
                      cause: HybridAIError | None = None) -> None:
    """Logs and counts one request. ``prepared``/``execution``: its plan and its walk once
    it had them (a failure is logged with them); ``error``: what the client was sent;
    ``cause``: the error behind it."""
    entry = LogEntry(request_id=request_id, status=status, endpoint=ENDPOINT,
                     latency_s=round(time.perf_counter() - started, 4))
    screening = prepared.plan.privacy if prepared is not None else None
    if state.log.log_content and prepared is not None and screening is not None:
        entry.prompt = "\n".join(screening.scrub(text) for text in texts_for_log(prepared))
    result = execution.result() if execution is not None else None
    if result is not None and result.route is not None:
        entry.mode = result.mode.value
        entry.route, entry.target = result.route.value, result.target
        entry.reason = str(result.reason) if result.reason is not None else None
        if (info := result.routing) is not None:
            entry.model, entry.prompt_tokens = info.model, info.prompt_tokens
            entry.cost_usd, entry.saved_usd = info.cost_usd, info.saved_usd
    if error is not None:
        entry.error_code, entry.error = error.code, error.message
    if screening is not None and screening.found and prepared is not None:
        state.metrics.observe_privacy(screening.counts, "kept_local" if prepared.kept_local
                                      else screening.action)
    elif isinstance(cause, PrivateDataError) and cause.counts:
        state.metrics.observe_privacy(cause.counts, "kept_local")
    state.log.append(entry)
    reason = result.reason if result is not None and result.routing is not None else None
    state.metrics.observe(entry, reason.code if reason is not None else None)
