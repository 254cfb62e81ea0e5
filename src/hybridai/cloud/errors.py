"""Every ``openai``/``httpx``/``aiohttp`` error translated into hybridai's own tree, so
nothing above the cloud package sees them; HTTP error answers read for their message and
Retry-After.

Codes tell the failures apart: ``cloud_rate_limited`` (429), ``cloud_server_error`` (5xx),
``cloud_status_error`` (any other status), ``cloud_timeout``, ``cloud_connection_error``
(never connected, or broke once the answer had begun: said in plain words, without the
transport's internals), ``cloud_error_answer`` (an error event or object where an answer
should be) and ``cloud_invalid_json``.
"""

from __future__ import annotations

import email.utils
import json
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import (
    CloudAnswerError,
    CloudConnectionError,
    CloudError,
    CloudInvalidJSONError,
    CloudRateLimitedError,
    CloudServerError,
    CloudStatusError,
    CloudTimeoutError,
    ContextOverflowError,
    HybridAIError,
)
from .causes import aiohttp_error, failed_to_connect, http_error_types, short_cause
from .deadlines import Deadlines
from .tls import certificate_error

# How OpenAI, vLLM, llama.cpp and others word "the prompt is longer than the context".
_CONTEXT_OVERFLOW = re.compile(r"context[ _](length|window)|maximum context|too many tokens",
                               re.IGNORECASE)


@contextmanager
def translating_errors(target: str, deadlines: Deadlines | None = None,
                       received: Callable[[], str] | None = None) -> Iterator[None]:
    """Re-raises openai/httpx exceptions as hybridai's CloudError tree.

    With ``deadlines``, a timeout that is not a connect timeout says which deadline passed.
    With ``received`` (the answer has begun: what of it came, "3 chunks"), a connection that
    breaks says so.
    """
    try:
        yield
    except CloudError as exc:  # raised as hybridai's already (a transport's, an answer's)
        exc.target = exc.target or target
        raise
    except ContextOverflowError:
        raise
    except Exception as exc:
        if isinstance(exc, TimeoutError) and deadlines is not None:  # asyncio.timeout's
            translated: HybridAIError | None = deadlines.error()
        else:
            translated = translate_error(target, exc,
                                         received=None if received is None else received())
        if translated is None:
            raise
        if (isinstance(translated, CloudTimeoutError) and not translated.connect_failed
                and deadlines is not None):
            translated = deadlines.error()
        if isinstance(translated, CloudError):
            translated.target = target
        raise translated from exc


def translate_error(target: str, exc: BaseException, *, received: str | None = None
                    ) -> HybridAIError | None:
    """hybridai's error for an openai/httpx2/httpx/aiohttp exception; None for anything else.

    ``received`` says what of the answer had come when ``exc`` was raised ("3 chunks"); a
    connection that broke then is reported as broken, in plain words.
    """
    error = _translate(target, exc)
    if (received is not None and isinstance(error, CloudConnectionError)
            and not error.connect_failed and error.code == CloudConnectionError.code):
        return CloudConnectionError(
            f"the connection to {target} broke after {received}: {short_cause(exc)}")
    return error


def _translate(target: str, exc: BaseException) -> HybridAIError | None:
    import openai

    if (refused := certificate_error(exc)) is not None:
        # The host answered (connect_failed stays False); retrying it won't help, failing
        # over to another target may.
        return CloudConnectionError(
            f"{target}'s TLS certificate could not be verified "
            f"({getattr(refused, 'verify_message', None) or refused}); "
            "if a private CA signed it, name that CA's PEM file in the target's ca_bundle",
            code="cloud_certificate_error")
    if (transport_error := aiohttp_error(exc)) is not None:
        # The aiohttp transport files every connection error (a refused one too) under
        # httpx2's ConnectTimeout, so the aiohttp error beneath says what really happened.
        error: CloudError
        connecting = failed_to_connect(transport_error)
        if isinstance(transport_error, sys.modules["aiohttp"].ServerTimeoutError):
            error = CloudTimeoutError(f"{target} timed out" + (" connecting" if connecting
                                                               else ""))
        else:
            error = CloudConnectionError(f"{target} could not be reached: {transport_error}")
        error.connect_failed = connecting
        return error
    timeouts, transport_errors = http_error_types()
    if isinstance(exc, (openai.APITimeoutError, *timeouts)):
        connecting = failed_to_connect(exc)
        error = CloudTimeoutError(f"{target} timed out" + (" connecting" if connecting else ""))
        error.connect_failed = connecting
        return error
    if isinstance(exc, (openai.APIConnectionError, *transport_errors)):
        cause = exc.__cause__ or exc
        error = CloudConnectionError(f"{target} could not be reached: {cause}")
        error.connect_failed = failed_to_connect(exc)
        return error
    if isinstance(exc, openai.APIStatusError):
        return status_error(target, exc.status_code, exc.body if exc.body is not None
                            else exc.message, exc.response.headers)
    if isinstance(exc, openai.APIError):  # what the SDK raises for a streamed error event
        return CloudAnswerError(f"{target} failed mid-answer: {exc.message}")
    if isinstance(exc, json.JSONDecodeError):  # the SDK parses each streamed event unguarded
        return CloudInvalidJSONError(
            f"{target} streamed something that is not JSON: {exc.doc[:200]!r}")
    return None


def status_error(target: str, status: int, body: object, headers: Any) -> HybridAIError:
    """hybridai's error for an HTTP error answer: its JSON (or text) body and headers."""
    message = error_message(body)
    if status == 400 and _CONTEXT_OVERFLOW.search(message):
        return ContextOverflowError(f"{target}: {message}")
    kind = (CloudRateLimitedError if status == 429 else CloudServerError if status >= 500
            else CloudStatusError)
    return kind(f"{target} answered HTTP {status}: {message}", status=status,
                retry_after=_retry_after(headers))


def error_message(body: object) -> str:
    """OpenAI's ``{"error": {"message": …}}``, else the body as text."""
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])[:300]
        if isinstance(inner, str) and inner:
            return inner[:300]
    return str(body).strip()[:300] or "(no message)"


def _retry_after(headers: Any) -> float | None:
    """Retry-After in seconds, given as seconds or as an HTTP date; None if absent or bad."""
    value = headers.get("retry-after") if headers is not None else None
    return parse_retry_after(value) if value is not None else None


def parse_retry_after(value: str, now: float | None = None) -> float | None:
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
