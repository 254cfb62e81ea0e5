"""A cloud target: any OpenAI-compatible endpoint, through the official ``openai`` client.

The client is built on first use (importing ``openai`` costs most of a second), retries are
off (the router decides what happens after a failure), and every ``openai``/``httpx``/
``aiohttp`` error is translated into hybridai's own tree here, so nothing above this module
sees them.

Requests go through the client's own ``post`` (its documented way to send a request it has
no typed method for) with the body hybridai builds, and answers come back as plain JSON:
``chat.completions.create`` would first walk every message through the SDK's type-driven
transform and then build pydantic models that hybridai only reads a few fields of, which
together cost more CPU than the rest of a gateway request. Auth, headers, timeouts, SSE
decoding and the SDK's error classes are the client's, as before. The async client sends
over aiohttp (``openai[aiohttp]``), which costs a fraction of httpx2's per request.
"""

from __future__ import annotations

import asyncio
import re
import sys
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from .backends import Finished, Started, StreamEvent, TextDelta
from .config import CloudTarget, Price
from .errors import (
    CloudConnectionError,
    CloudError,
    CloudStatusError,
    CloudTimeoutError,
    ContextOverflowError,
    HybridAIError,
)
from .modes import Route
from .schema import ChatRequest

if TYPE_CHECKING:
    from openai import AsyncOpenAI, AsyncStream, OpenAI, Stream

_CHAT_PATH = "/chat/completions"
# What ``chat.completions.create`` sends as its auth: the bearer key, never an admin key.
_CHAT_OPTIONS: Any = {"security": {"bearer_auth": True}}


# How OpenAI, vLLM, llama.cpp and others word "the prompt is longer than the context".
_CONTEXT_OVERFLOW = re.compile(r"context[ _](length|window)|maximum context|too many tokens",
                               re.IGNORECASE)


def estimate_tokens(text: str) -> int:
    """Rough token count (about 4 characters a token) for when no tokenizer is at hand."""
    return max(1, (len(text) + 3) // 4) if text else 0


class CloudBackend:
    route = Route.IN_CLOUD

    def __init__(self, name: str, target: CloudTarget, price: Price | None) -> None:
        self.name = name
        self.target = target
        self.model = target.model
        self.price = price
        self._client: OpenAI | None = None
        self._aclient: AsyncOpenAI | None = None
        self._aclient_loop: asyncio.AbstractEventLoop | None = None

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
            from openai import OpenAI

            self._client = OpenAI(**self._client_options())
        return self._client

    def aclient(self) -> AsyncOpenAI:
        loop = asyncio.get_running_loop()
        if self._aclient is None or self._aclient_loop is not loop:
            # aiohttp's connections belong to the loop that opened them: a caller that runs
            # one loop after another (asyncio.run twice) gets a client per loop.
            from openai import AsyncOpenAI, DefaultAioHttpClient

            options = self._client_options()
            self._aclient = AsyncOpenAI(**options, http_client=DefaultAioHttpClient(
                timeout=options["timeout"], limits=_connection_limits()))
            self._aclient_loop = loop
        return self._aclient

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    async def aclose(self) -> None:
        if self._aclient is not None:
            if self._aclient_loop is asyncio.get_running_loop():
                await self._aclient.close()
            self._aclient = None
        self.close()

    # -- requests --------------------------------------------------------------------------

    def _check_fits(self, request: ChatRequest) -> int:
        prompt_estimate = sum(estimate_tokens(m.content) + 4 for m in request.messages)
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

        return self.client().post(_CHAT_PATH, body=self._params(request), cast_to=object,
                                  options=_CHAT_OPTIONS, stream=request.stream,
                                  stream_cls=Stream[object])

    async def _apost(self, request: ChatRequest) -> Any:
        """The answer as JSON (a dict), or an ``AsyncStream`` of JSON chunks."""
        from openai import AsyncStream

        return await self.aclient().post(_CHAT_PATH, body=self._params(request),
                                         cast_to=object, options=_CHAT_OPTIONS,
                                         stream=request.stream, stream_cls=AsyncStream[object])

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]:
        prompt_estimate = self._check_fits(request)
        deadline = time.monotonic() + self.target.timeout_s
        if not request.stream:  # one answer is cheaper to fetch whole than as chunks
            with translating_errors(self.name):
                completion = self._post(request)
            yield from _whole_answer(self.name, completion, prompt_estimate)
            return
        with translating_errors(self.name):
            chunks: Stream[object] = self._post(request)
        tracker = _StreamTracker(self, prompt_estimate)
        yield Started()
        with translating_errors(self.name), chunks:
            for chunk in chunks:
                yield from tracker.feed(chunk)
                if time.monotonic() > deadline:
                    raise CloudTimeoutError(
                        f"{self.name} took longer than {self.target.timeout_s:g} s")
        yield tracker.finish()

    async def astream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        prompt_estimate = self._check_fits(request)
        deadline = time.monotonic() + self.target.timeout_s
        if not request.stream:
            with translating_errors(self.name):
                completion = await self._apost(request)
            for event in _whole_answer(self.name, completion, prompt_estimate):
                yield event
            return
        with translating_errors(self.name):
            chunks: AsyncStream[object] = await self._apost(request)
        tracker = _StreamTracker(self, prompt_estimate)
        yield Started()
        with translating_errors(self.name):
            async with chunks:
                async for chunk in chunks:
                    for event in tracker.feed(chunk):
                        yield event
                    if time.monotonic() > deadline:
                        raise CloudTimeoutError(
                            f"{self.name} took longer than {self.target.timeout_s:g} s")
        yield tracker.finish()


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
def translating_errors(target: str) -> Iterator[None]:
    """Re-raises openai/httpx exceptions as hybridai's CloudError tree."""
    try:
        yield
    except (CloudError, ContextOverflowError):
        raise
    except Exception as exc:
        translated = translate_error(target, exc)
        if translated is None:
            raise
        if isinstance(translated, CloudError):
            translated.target = target
        raise translated from exc


def translate_error(target: str, exc: BaseException) -> HybridAIError | None:
    """hybridai's error for an openai/httpx2/httpx/aiohttp exception; None for anything else."""
    import openai

    if (transport_error := _aiohttp_error(exc)) is not None:
        # The aiohttp transport files every connection error (a refused one too) under
        # httpx2's ConnectTimeout, so the aiohttp error beneath says what really happened.
        if isinstance(transport_error, sys.modules["aiohttp"].ServerTimeoutError):
            return CloudTimeoutError(f"{target} timed out")
        return CloudConnectionError(f"{target} could not be reached: {transport_error}")
    timeouts, transport_errors = _http_error_types()
    if isinstance(exc, (openai.APITimeoutError, *timeouts)):
        return CloudTimeoutError(f"{target} timed out")
    if isinstance(exc, (openai.APIConnectionError, *transport_errors)):
        cause = exc.__cause__ or exc
        return CloudConnectionError(f"{target} could not be reached: {cause}")
    if isinstance(exc, openai.APIStatusError):
        message = _error_message(exc)
        if exc.status_code == 400 and _CONTEXT_OVERFLOW.search(message):
            return ContextOverflowError(f"{target}: {message}")
        return CloudStatusError(
            f"{target} answered HTTP {exc.status_code}: {message}",
            status=exc.status_code, retry_after=_retry_after(exc.response.headers))
    if isinstance(exc, openai.APIError):
        return CloudConnectionError(f"{target} failed mid-answer: {exc}")
    return None


def _aiohttp_error(exc: BaseException) -> BaseException | None:
    """The aiohttp error ``exc`` is, or was raised from; None without one."""
    aiohttp = sys.modules.get("aiohttp")  # loaded by the async client's transport, if used
    if aiohttp is None:
        return None
    client_error: type[BaseException] = aiohttp.ClientError
    current: BaseException | None = exc
    for _ in range(8):  # openai's error <- httpx2's <- aiohttp's: a short chain
        if current is None or isinstance(current, client_error):
            return current
        current = current.__cause__
    return None


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


def _error_message(exc: Any) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])[:300]
    return str(exc.message)[:300]


def _retry_after(headers: Any) -> float | None:
    value = headers.get("retry-after") if headers is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
