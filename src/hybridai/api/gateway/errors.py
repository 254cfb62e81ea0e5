"""hybridai errors as OpenAI-style HTTP errors: status, ``{"error": {...}}`` body, headers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from ...errors import (
    BudgetExhaustedError,
    CloudError,
    CloudStatusError,
    CloudTimeoutError,
    ConfigError,
    ContextOverflowError,
    DeviceBusyError,
    EngineError,
    EngineTimeoutError,
    HybridAIError,
    InvalidRequestError,
    NoRouteError,
    PrivateDataError,
)

CLIENT_CLOSED = 499  # nginx's code for "the client went away"; logged, never sent


class ErrorDetail(BaseModel):
    message: str
    type: str = Field(description="OpenAI's error type: invalid_request_error, "
                      "rate_limit_error, insufficient_quota, upstream_error…")
    param: str | None = Field(description="the request field or header it is about")
    code: str = Field(description="machine-readable: invalid_request, model_not_found, "
                      "cloud_timeout…")


class ErrorResponse(BaseModel):
    """The body of every error: OpenAI's shape."""

    error: ErrorDetail


@dataclass(frozen=True)
class HTTPError:
    status: int
    type: str
    code: str
    message: str
    param: str | None = None
    retry_after: float | None = None

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param,
                          "code": self.code}}

    def headers(self) -> dict[str, str]:
        if self.retry_after is None:
            return {}
        return {"retry-after": str(max(1, round(self.retry_after)))}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers())


class Rejected(Exception):
    """A request refused before it reached the pipeline (auth, body, headers)."""

    def __init__(self, error: HTTPError) -> None:
        super().__init__(error.message)
        self.error = error


def bad_request(message: str, code: str = "invalid_request", param: str | None = None
                ) -> HTTPError:
    return HTTPError(400, "invalid_request_error", code, message, param)


def http_error(exc: HybridAIError) -> HTTPError:
    """The status a client should see; upstream statuses are not passed through as-is."""
    message, code = str(exc), exc.code
    if isinstance(exc, ContextOverflowError):
        return bad_request(message, code, "messages")
    if isinstance(exc, InvalidRequestError):
        if code == "model_not_found":
            return HTTPError(404, "invalid_request_error", code, message, "model")
        return bad_request(message, code, exc.param)
    if isinstance(exc, PrivateDataError):
        if code == "private_data_cloud_only_mode":  # the request asked for the impossible
            return HTTPError(400, "invalid_request_error", code, message, "mode")
        if code == "private_data_device_lacks":
            return HTTPError(400, "invalid_request_error", code, message)
        return HTTPError(503, "service_unavailable", code, message)
    if isinstance(exc, BudgetExhaustedError):
        # OpenAI's own answer to a spent quota: 429 with type insufficient_quota, which every
        # OpenAI client already understands (402 is "reserved" in HTTP and means nothing to
        # them). Retry-After says when the cap resets.
        return HTTPError(429, "insufficient_quota", code, message, retry_after=exc.retry_after)
    if isinstance(exc, DeviceBusyError):
        return HTTPError(429, "rate_limit_error", code, message, retry_after=exc.retry_after)
    if isinstance(exc, CloudStatusError) and exc.status == 429:
        return HTTPError(429, "rate_limit_error", code, message, retry_after=exc.retry_after)
    if isinstance(exc, CloudTimeoutError | EngineTimeoutError):
        return HTTPError(504, "timeout_error", code, message)
    if isinstance(exc, CloudError):
        return HTTPError(502, "upstream_error", code, message)
    if isinstance(exc, EngineError | NoRouteError):
        return HTTPError(503, "service_unavailable", code, message)
    if isinstance(exc, ConfigError):
        return HTTPError(500, "server_error", code, message)
    return HTTPError(500, "server_error", code, message)
