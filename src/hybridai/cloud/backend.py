"""A cloud target: any OpenAI-compatible endpoint; sync calls through the official ``openai``
client, async calls over plain aiohttp unless the target says ``transport = "openai"``.

The client is built on first use (importing ``openai`` costs most of a second), retries are
off (the router decides what happens after a failure), and every ``openai``/``httpx``/
``aiohttp`` error is translated into hybridai's own tree here, so nothing above this module
sees them.

Requests go through the client's own ``post`` (its documented way to send a request it has
no typed method for) with the body hybridai builds, and answers come back as plain JSON:
``chat.completions.create`` would first walk every message through the SDK's type-driven
transform and then build pydantic models that hybridai only reads a few fields of, which
together cost more CPU than the rest of a gateway request. Auth, headers, timeouts, SSE
decoding and the SDK's error classes are the client's, as before.

Async calls (the gateway's) go over plain aiohttp by default (``cloud_aiohttp``): even used
this way the SDK costs more CPU a call than the rest of a gateway request. A target's
``transport = "openai"`` sends them through the SDK (over its aiohttp transport) instead.
"""

from __future__ import annotations

import asyncio
import email.utils
import errno
import json
import os
import re
import socket
import ssl
import sys
import time
import urllib.parse
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from ..config import CloudTarget, Price
from ..errors import (
    CloudConnectionError,
    CloudError,
    CloudStatusError,
    CloudTimeoutError,
    ConfigError,
    ContextOverflowError,
    HybridAIError,
)
from ..schema.events import Finished, Started, StreamEvent, TextDelta
from ..schema.modes import Route
from ..schema.request import ChatRequest

if TYPE_CHECKING:
    from openai import AsyncOpenAI, OpenAI, Stream

    from .aiohttp_transport import AiohttpChat

_CHAT_PATH = "/chat/completions"
# What ``chat.completions.create`` sends as its auth: the bearer key, never an admin key.
_CHAT_OPTIONS: Any = {"security": {"bearer_auth": True}}


# How OpenAI, vLLM, llama.cpp and others word "the prompt is longer than the context".
_CONTEXT_OVERFLOW = re.compile(r"context[ _](length|window)|maximum context|too many tokens",
                               re.IGNORECASE)


def estimate_tokens(text: str) -> int:
    """Rough token count (about 4 characters a token) for when no tokenizer is at hand."""
    return max(1, (len(text) + 3) // 4) if text else 0


def estimate_prompt_tokens(request: ChatRequest) -> int:
    """Rough prompt tokens of a request: its messages' text, plus 4 a message for the
    chat template's role markers."""
    return sum(estimate_tokens(m.content) + 4 for m in request.messages)


class CloudBackend:
    route = Route.IN_CLOUD

    def __init__(self, name: str, target: CloudTarget, price: Price | None) -> None:
        self.name = name
        self.target = target
        self.model = target.model
        self.price = price
        self.tls = tls_context(name, target)
        self._client: OpenAI | None = None
        self._aclient: AsyncOpenAI | None = None
        self._aclient_loop: asyncio.AbstractEventLoop | None = None
        self._aiohttp: AiohttpChat | None = None

    # -- clients ---------------------------------------------------------------------------

    def _client_options(self) -> dict[str, Any]:
        import httpx2  # the HTTP client under openai 3.x

        return {
            "base_url": self.target.base_url,
            "api_key": self.target.api_key(),
            "max_retries": 0,
            "timeout": httpx2.Timeout(self.target.timeout_s,
                                      connect=self.target.connect_timeout_s),
        }

    def client(self) -> OpenAI:
        if self._client is None:
            from openai import DefaultHttpxClient, OpenAI

            http_client = None if self.tls is None else DefaultHttpxClient(verify=self.tls)
            self._client = OpenAI(**self._client_options(), http_client=http_client)
        return self._client

    def aclient(self) -> AsyncOpenAI:
        loop = asyncio.get_running_loop()
        if self._aclient is None or self._aclient_loop is not loop:
            # aiohttp's connections belong to the loop that opened them: a caller that runs
            # one loop after another (asyncio.run twice) gets a client per loop.
            from openai import AsyncOpenAI, DefaultAioHttpClient

            options = self._client_options()
            self._aclient = AsyncOpenAI(**options, http_client=DefaultAioHttpClient(
                timeout=options["timeout"], limits=_connection_limits(),
                verify=True if self.tls is None else self.tls))
            self._aclient_loop = loop
        return self._aclient

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def aiohttp_chat(self) -> AiohttpChat:
        if self._aiohttp is None:
            from .aiohttp_transport import AiohttpChat  # aiohttp loads only when used

            self._aiohttp = AiohttpChat(self.name, self.target, self.tls)
        return self._aiohttp

    async def aclose(self) -> None:
        if self._aiohttp is not None:
            await self._aiohttp.close()
        if self._aclient is not None:
            if self._aclient_loop is asyncio.get_running_loop():
                await self._aclient.close()
            self._aclient = None
        self.close()

    # -- requests --------------------------------------------------------------------------

    def _check_fits(self, request: ChatRequest) -> int:
        prompt_estimate = estimate_prompt_tokens(request)
        window = self.target.context_window
        if window is not None and prompt_estimate + (request.max_tokens or 1) > window:
            raise ContextOverflowError(
                f"about {prompt_estimate} prompt tokens + {request.max_tokens or 1} to generate "
                f"exceed {self.name}'s context of {window} tokens")
        return prompt_estimate

    def _params(self, request: ChatRequest) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": self.target.model,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "stream": request.stream,
        }
        if request.stream:
            params["stream_options"] = {"include_usage": True}
        for field in ("max_tokens", "temperature", "top_p", "seed", "stop"):
            value = getattr(request, field)
            if value is not None:
                params[field] = value
        return params

    def _post(self, request: ChatRequest) -> Any:
        """The answer as JSON (a dict), or a ``Stream`` of JSON chunks."""
        from openai import Stream

        options = _CHAT_OPTIONS
        if request.stream:
            # A blocking read can't be interrupted: each read of a stream waits at most the
            # first-token timeout, and _Deadlines is checked between reads.
            import httpx2

            read_s = min(self.target.timeout_s, self.target.first_token_timeout_s)
            options = {**_CHAT_OPTIONS, "timeout": httpx2.Timeout(
                read_s, connect=self.target.connect_timeout_s)}
        return self.client().post(_CHAT_PATH, body=self._params(request), cast_to=object,
                                  options=options, stream=request.stream,
                                  stream_cls=Stream[object])

    async def _apost(self, request: ChatRequest) -> Any:
        """The answer as JSON (a dict), or an async iterable of JSON chunks to ``async with``."""
        if self.target.transport == "aiohttp":
            return await self.aiohttp_chat().post(self._params(request))
        from openai import AsyncStream

        return await self.aclient().post(_CHAT_PATH, body=self._params(request),
                                         cast_to=object, options=_CHAT_OPTIONS,
                                         stream=request.stream, stream_cls=AsyncStream[object])

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]:
        prompt_estimate = self._check_fits(request)
        deadlines = _Deadlines(self.name, self.target, request.stream)
        if not request.stream:  # one answer is cheaper to fetch whole than as chunks
            with translating_errors(self.name, deadlines):
                completion = self._post(request)
            yield from _whole_answer(self.name, completion, prompt_estimate)
            return
        with translating_errors(self.name, deadlines):
            chunks: Stream[object] = self._post(request)
        tracker = _StreamTracker(self, prompt_estimate)
        yield Started()
        with translating_errors(self.name, deadlines), chunks:
            for chunk in chunks:
                deadlines.check()
                for event in tracker.feed(chunk):
                    deadlines.reached_first_token()
                    yield event
        yield tracker.finish()

    async def astream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        prompt_estimate = self._check_fits(request)
        deadlines = _Deadlines(self.name, self.target, request.stream)
        if not request.stream:
            with translating_errors(self.name, deadlines):
                async with asyncio.timeout(deadlines.remaining()):
                    completion = await self._apost(request)
            for event in _whole_answer(self.name, completion, prompt_estimate):
                yield event
            return
        with translating_errors(self.name, deadlines):
            async with asyncio.timeout(deadlines.remaining()):
                chunks = await self._apost(request)
        tracker = _StreamTracker(self, prompt_estimate)
        yield Started()
        with translating_errors(self.name, deadlines):
            async with chunks:
                iterator = aiter(chunks)
                while True:
                    # Only the read sits under the timeout, never a yield: the caller's own
                    # time between chunks must not be cancelled by this deadline.
                    async with asyncio.timeout(deadlines.remaining()):
                        chunk = await anext(iterator, None)
                    if chunk is None:
                        break
                    for event in tracker.feed(chunk):
                        deadlines.reached_first_token()
                        yield event
        yield tracker.finish()


class _Deadlines:
    """One try's first-token and total deadlines, and the timeout error for the phase.

    An unstreamed request has only the total: servers send its headers with the whole
    answer, so a first-token deadline there would cut long answers short.
    """

    def __init__(self, name: str, target: CloudTarget, stream: bool) -> None:
        self.name = name
        self.target = target
        self.started = time.monotonic()
        self.first_token_at: float | None = None if stream else self.started

    def reached_first_token(self) -> None:
        if self.first_token_at is None:
            self.first_token_at = time.monotonic()

    def remaining(self) -> float:
        """Seconds until the deadline that applies now."""
        total = self.started + self.target.timeout_s
        if self.first_token_at is None:
            total = min(total, self.started + self.target.first_token_timeout_s)
        return total - time.monotonic()

    def check(self) -> None:
        if self.remaining() <= 0:
            raise self.error()

    def error(self) -> CloudTimeoutError:
        if self.first_token_at is None and (
                self.target.first_token_timeout_s < self.target.timeout_s):
            return CloudTimeoutError(
                f"{self.name} sent no first token within "
                f"{self.target.first_token_timeout_s:g} s (first_token_timeout_s)")
        return CloudTimeoutError(f"{self.name} took longer than {self.target.timeout_s:g} s "
                                 "(timeout_s)")


def can_connect(base_url: str, timeout_s: float) -> bool:
    """A cheap reachability probe: can a TCP connection to the URL's host and port be opened?"""
    url = urllib.parse.urlsplit(base_url)
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        with socket.create_connection((url.hostname or "", port), timeout=timeout_s):
            return True
    except OSError:
        return False


def _connection_limits() -> Any:
    """The SDK's own pool limits (1,000 connections, 100 kept alive): ample for a gateway."""
    from openai._constants import DEFAULT_CONNECTION_LIMITS

    return DEFAULT_CONNECTION_LIMITS


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _usage(data: Mapping[str, Any]) -> tuple[int | None, int | None]:
    """(prompt, completion) tokens the answer reports, None where it reports none."""
    usage = _mapping(data.get("usage"))
    prompt, completion = usage.get("prompt_tokens"), usage.get("completion_tokens")
    return (prompt if isinstance(prompt, int) else None,
            completion if isinstance(completion, int) else None)


def _whole_answer(target: str, completion: object, prompt_estimate: int
                  ) -> Iterator[StreamEvent]:
    """An unstreamed answer (JSON) as the same events a stream gives."""
    if not isinstance(completion, Mapping):
        raise CloudConnectionError(f"{target} answered something that is not a chat "
                                   f"completion: {str(completion)[:200]!r}")
    choices = completion.get("choices")
    choice = _mapping(choices[0]) if isinstance(choices, list) and choices else None
    text = (_mapping(choice.get("message")).get("content") or "") if choice else ""
    prompt_tokens, completion_tokens = _usage(completion)
    yield Started(prompt_tokens=prompt_tokens)
    if text:
        yield TextDelta(str(text))
    yield Finished(
        (choice.get("finish_reason") if choice else None) or "stop",
        prompt_tokens if prompt_tokens is not None else prompt_estimate,
        completion_tokens if completion_tokens is not None else estimate_tokens(str(text)))


class _StreamTracker:
    """Turns OpenAI chunks (JSON) into events and notices a stream that ends unfinished."""

    def __init__(self, backend: CloudBackend, prompt_estimate: int) -> None:
        self.backend = backend
        self.prompt_estimate = prompt_estimate
        self.finish_reason: str | None = None
        self.usage: tuple[int | None, int | None] | None = None
        self.text_parts: list[str] = []

    def feed(self, chunk: object) -> Iterator[StreamEvent]:
        chunk = _mapping(chunk)
        if chunk.get("usage"):
            self.usage = _usage(chunk)
        choices = chunk.get("choices")
        for choice in choices if isinstance(choices, list) else ():
            choice = _mapping(choice)
            content = _mapping(choice.get("delta")).get("content")
            if content:
                self.text_parts.append(str(content))
                yield TextDelta(str(content))
            if choice.get("finish_reason"):
                self.finish_reason = str(choice["finish_reason"])

    def finish(self) -> Finished:
        if self.finish_reason is None:
            raise CloudConnectionError(
                f"{self.backend.name}'s stream ended before the answer was finished")
        prompt, completion = self.usage or (None, None)
        return Finished(
            self.finish_reason,
            prompt if prompt is not None else self.prompt_estimate,
            completion if completion is not None else estimate_tokens("".join(self.text_parts)))


@contextmanager
def translating_errors(target: str, deadlines: _Deadlines | None = None) -> Iterator[None]:
    """Re-raises openai/httpx exceptions as hybridai's CloudError tree.

    With ``deadlines``, a timeout that is not a connect timeout says which deadline passed.
    """
    try:
        yield
    except (CloudError, ContextOverflowError):
        raise
    except Exception as exc:
        if isinstance(exc, TimeoutError) and deadlines is not None:  # asyncio.timeout's
            translated: HybridAIError | None = deadlines.error()
        else:
            translated = translate_error(target, exc)
        if translated is None:
            raise
        if (isinstance(translated, CloudTimeoutError) and not translated.connect_failed
                and deadlines is not None):
            translated = deadlines.error()
        if isinstance(translated, CloudError):
            translated.target = target
        raise translated from exc


def translate_error(target: str, exc: BaseException) -> HybridAIError | None:
    """hybridai's error for an openai/httpx2/httpx/aiohttp exception; None for anything else."""
    import openai

    if (refused := _certificate_error(exc)) is not None:
        # The host answered (connect_failed stays False); retrying it won't help, failing
        # over to another target may.
        return CloudConnectionError(
            f"{target}'s TLS certificate could not be verified "
            f"({getattr(refused, 'verify_message', None) or refused}); "
            "if a private CA signed it, name that CA's PEM file in the target's ca_bundle",
            code="cloud_certificate_error")
    if (transport_error := _aiohttp_error(exc)) is not None:
        # The aiohttp transport files every connection error (a refused one too) under
        # httpx2's ConnectTimeout, so the aiohttp error beneath says what really happened.
        error: CloudError
        connecting = _failed_to_connect(transport_error)
        if isinstance(transport_error, sys.modules["aiohttp"].ServerTimeoutError):
            error = CloudTimeoutError(f"{target} timed out" + (" connecting" if connecting
                                                               else ""))
        else:
            error = CloudConnectionError(f"{target} could not be reached: {transport_error}")
        error.connect_failed = connecting
        return error
    timeouts, transport_errors = _http_error_types()
    if isinstance(exc, (openai.APITimeoutError, *timeouts)):
        connecting = _failed_to_connect(exc)
        error = CloudTimeoutError(f"{target} timed out" + (" connecting" if connecting else ""))
        error.connect_failed = connecting
        return error
    if isinstance(exc, (openai.APIConnectionError, *transport_errors)):
        cause = exc.__cause__ or exc
        error = CloudConnectionError(f"{target} could not be reached: {cause}")
        error.connect_failed = _failed_to_connect(exc)
        return error
    if isinstance(exc, openai.APIStatusError):
        return status_error(target, exc.status_code, exc.body if exc.body is not None
                            else exc.message, exc.response.headers)
    if isinstance(exc, openai.APIError):
        return CloudConnectionError(f"{target} failed mid-answer: {exc}")
    if isinstance(exc, json.JSONDecodeError):  # the SDK parses each streamed event unguarded
        return CloudConnectionError(f"{target} sent something that is not JSON: {exc}")
    return None


def tls_context(name: str, target: CloudTarget) -> ssl.SSLContext | None:
    """What both transports check ``name``'s certificate with: its ``ca_bundle``, else
    ``$SSL_CERT_FILE``; None = each client's default (the system's authorities).

    Built here once because the clients would read ``$SSL_CERT_FILE`` at different moments
    (aiohttp when it is imported, httpx2 per client).
    """
    bundle = target.ca_bundle or os.environ.get("SSL_CERT_FILE")
    if not bundle:
        return None
    try:
        return ssl.create_default_context(cafile=bundle)
    except (OSError, ssl.SSLError) as exc:
        source = f"[cloud.{name}] ca_bundle" if target.ca_bundle else "$SSL_CERT_FILE"
        raise ConfigError(f"{source} {str(bundle)!r} holds no readable PEM certificates: "
                          f"{exc}") from None


def _certificate_error(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    """The refused certificate beneath ``exc`` (aiohttp's, httpx2's and openai's errors all
    chain it); None without one."""
    for seen in _chain(exc):
        if isinstance(seen, ssl.SSLCertVerificationError):
            # aiohttp's ClientConnectorCertificateError is one too, wrapping OpenSSL's.
            inner = getattr(seen, "certificate_error", seen)
            return inner if isinstance(inner, ssl.SSLCertVerificationError) else seen
    return None


def _chain(exc: BaseException, *, context: bool = True) -> Iterator[BaseException]:
    """``exc`` and what it was raised from: its cause, else (with ``context``) the error it
    was raised while handling. openai's <- httpx2's <- the transport's: a short chain."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return
        yield seen
        seen = seen.__cause__ or (seen.__context__ if context else None)


def _aiohttp_error(exc: BaseException) -> BaseException | None:
    """The aiohttp error ``exc`` is, or was raised from; None without one."""
    aiohttp = sys.modules.get("aiohttp")  # loaded by the async client's transport, if used
    if aiohttp is None:
        return None
    client_error: type[BaseException] = aiohttp.ClientError
    return next((e for e in _chain(exc, context=False) if isinstance(e, client_error)), None)


def _http_error_types() -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
    """Timeout and transport error classes of httpx2 (openai 3.x) and httpx, where present.

    openai wraps most of them, but not every read (an error body cut short escapes raw).
    """
    import importlib

    timeouts: list[type[BaseException]] = []
    transport: list[type[BaseException]] = []
    for name in ("httpx2", "httpx"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        timeouts.append(module.TimeoutException)
        transport.append(module.TransportError)
    return tuple(timeouts), tuple(transport)


def _failed_to_connect(exc: BaseException) -> bool:
    """Whether ``exc`` or its causes are a refused connection, DNS failure or connect timeout
    (by class name too, so any HTTP transport under openai is understood)."""
    for seen in _chain(exc):
        if isinstance(seen, (ConnectionRefusedError, socket.gaierror)) or type(
                seen).__name__ in _CONNECT_ERROR_NAMES:
            return True
        if isinstance(seen, OSError) and seen.errno in _CONNECT_ERRNOS:
            return True  # e.g. aiohttp's ClientOSError(111, "Connect call failed")
    return False


_CONNECT_ERRNOS = frozenset({errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ENETUNREACH})
# httpx/httpx2's and aiohttp's exceptions for "never connected".
_CONNECT_ERROR_NAMES = frozenset({"ConnectError", "ConnectTimeout", "ClientConnectorError",
                                  "ClientConnectorDNSError", "ConnectionTimeoutError"})


def status_error(target: str, status: int, body: object, headers: Any) -> HybridAIError:
    """hybridai's error for an HTTP error answer: its JSON (or text) body and headers."""
    message = error_message(body)
    if status == 400 and _CONTEXT_OVERFLOW.search(message):
        return ContextOverflowError(f"{target}: {message}")
    return CloudStatusError(f"{target} answered HTTP {status}: {message}", status=status,
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
