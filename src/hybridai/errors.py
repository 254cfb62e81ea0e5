"""One exception tree for hybridai; backend errors are translated at the boundary.

    HybridAIError
    ├── ConfigError                  the configuration is invalid
    ├── InvalidRequestError          the request itself is wrong (no messages, bad role, bad mode…)
    │   └── ContextOverflowError     the prompt fits no context window that the mode may use
    ├── NoRouteError                 no target the mode allows could take the request
    │   ├── DeviceUnavailableError   the mode needs the device and the device can't run it
    │   ├── BudgetExhaustedError     a cloud spend cap is reached (``cap``, ``retry_after``)
    │   └── PrivateDataError         private data must stay on the device, which can't run it
    ├── BackendError                 one target failed while running a request
    │   ├── EngineError              the on-device engine failed
    │   │   ├── EngineCrashedError   its process died (native crash, OOM kill…)
    │   │   └── EngineTimeoutError   it hung past a timeout and was restarted
    │   ├── DeviceBusyError          the engine's queue is full (``retry_after``)
    │   ├── TargetSkippedError       not tried: its circuit breaker is open, or we are offline
    │   └── CloudError               a cloud target failed
    │       ├── CloudConnectionError refused, reset, DNS, offline, broken mid-answer
    │       ├── CloudTimeoutError    connect, first-token or total deadline passed
    │       ├── CloudStatusError     an HTTP error status (``status``, ``retry_after``)
    │       │   ├── CloudRateLimitedError  429
    │       │   └── CloudServerError       5xx
    │       └── CloudAnswerError     HTTP 200, but an error object or no choices
    │           └── CloudInvalidJSONError  HTTP 200, but not JSON
    └── StreamInterruptedError       a stream failed after its first token (no fallback then)

``BackendError.retryable`` says whether a mode's fallback may take over after it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class HybridAIError(Exception):
    """Base of every error hybridai raises on purpose."""

    code: str = "hybridai_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class ConfigError(HybridAIError):
    code = "invalid_config"


class InvalidRequestError(HybridAIError):
    """``param``: the request field it is about, when one is (OpenAI's error ``param``)."""

    code = "invalid_request"

    def __init__(self, message: str, *, code: str | None = None,
                 param: str | None = None) -> None:
        super().__init__(message, code=code)
        self.param = param


class ContextOverflowError(InvalidRequestError):
    code = "context_length_exceeded"


class NoRouteError(HybridAIError):
    """No allowed target could serve the request; ``attempts`` lists what was tried."""

    code = "no_route"

    def __init__(
        self, message: str, *, attempts: Sequence[tuple[str, BaseException]] | None = None,
        code: str | None = None,
    ) -> None:
        if attempts:
            tried = "; ".join(f"{target}: {error}" for target, error in attempts)
            message = f"{message} (tried {tried})"
        super().__init__(message, code=code)
        self.attempts = list(attempts or [])


class DeviceUnavailableError(NoRouteError):
    code = "device_unavailable"

    def __init__(self, message: str, *, reason: str,
                 attempts: Sequence[tuple[str, BaseException]] | None = None) -> None:
        super().__init__(message, attempts=attempts)
        self.reason = reason


class BudgetExhaustedError(NoRouteError):
    """The daily or monthly cloud budget can't take this request; ``cap`` says which."""

    code = "budget_exhausted"

    def __init__(self, message: str, *, cap: str, spent_usd: float = 0.0,
                 cap_usd: float = 0.0, resets_at: str = "",
                 retry_after: float | None = None) -> None:
        super().__init__(message)
        self.cap = cap
        self.spent_usd = spent_usd
        self.cap_usd = cap_usd
        self.resets_at = resets_at
        self.retry_after = retry_after


class PrivateDataError(NoRouteError):
    """The privacy policy keeps this request on the device, and the device can't run it.

    ``kinds`` names what was found (``email,phone``) and ``counts`` how often each, never the
    values. Nothing was sent to the cloud, and nothing will be: no fallback follows this error.
    """

    code = "private_data_needs_device"

    def __init__(self, message: str, *, counts: Mapping[str, int], code: str | None = None,
                 attempts: Sequence[tuple[str, BaseException]] | None = None) -> None:
        super().__init__(message, attempts=attempts, code=code)
        self.counts = dict(counts)
        self.kinds = ",".join(sorted(self.counts))


class BackendError(HybridAIError):
    retryable: bool = False
    target: str = ""


class EngineError(BackendError):
    code = "engine_error"
    retryable = True


class EngineCrashedError(EngineError):
    code = "engine_crashed"


class EngineTimeoutError(EngineError):
    code = "engine_timeout"


class DeviceBusyError(BackendError):
    """Too many requests wait for the engine; the prefer_* modes overflow to the cloud."""

    code = "device_busy"
    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TargetSkippedError(BackendError):
    """A cloud target was not tried (code ``circuit_open`` or ``offline``); the next may run."""

    retryable = True


class CloudError(BackendError):
    code = "cloud_error"
    connect_failed: bool = False
    """Refused, DNS failure or connect timeout: what offline detection counts."""


class CloudConnectionError(CloudError):
    code = "cloud_connection_error"
    retryable = True


class CloudTimeoutError(CloudError):
    code = "cloud_timeout"
    retryable = True


class CloudStatusError(CloudError):
    """The cloud answered with an error status; 429 and 5xx are retryable."""

    code = "cloud_status_error"

    def __init__(self, message: str, *, status: int, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.retryable = status == 429 or status >= 500


class CloudRateLimitedError(CloudStatusError):
    """HTTP 429: the target asks for fewer requests (``retry_after`` says how long to wait)."""

    code = "cloud_rate_limited"


class CloudServerError(CloudStatusError):
    """HTTP 5xx: the target failed on its side."""

    code = "cloud_server_error"


class CloudAnswerError(CloudError):
    """The target answered (HTTP 200, or a streamed event) with something that is no chat
    completion: an ``{"error": …}`` object (the vendor's message is kept) or no choices.
    Retryable like a 5xx: some vendors and proxies answer so when overloaded."""

    code = "cloud_error_answer"
    retryable = True


class CloudInvalidJSONError(CloudAnswerError):
    """The target's answer (a whole body or a streamed event) is not valid JSON."""

    code = "cloud_invalid_json"


class StreamInterruptedError(HybridAIError):
    """A stream broke after its first token; streamed requests fall back only before it."""

    code = "stream_interrupted"
