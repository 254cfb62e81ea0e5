"""A cloud target: any OpenAI-compatible endpoint, through the official ``openai`` client.

The client is built on first use (importing ``openai`` costs most of a second), retries are
off (the router decides what happens after a failure), and every ``openai``/``httpx`` error
is translated into hybridai's own tree here, so nothing above this module sees them.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Iterator
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
    from openai import AsyncOpenAI, OpenAI


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
        if self._aclient is None:
            from openai import AsyncOpenAI

            self._aclient = AsyncOpenAI(**self._client_options())
        return self._aclient

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    async def aclose(self) -> None:
        if self._aclient is not None:
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
            "messages": [m.model_dump() for m in request.messages],
            "stream": request.stream,
        }
        if request.stream:
            params["stream_options"] = {"include_usage": True}
        for field in ("max_tokens", "temperature", "top_p", "seed", "stop"):
            value = getattr(request, field)
            if value is not None:
                params[field] = value
        return params

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]:
        prompt_estimate = self._check_fits(request)
        deadline = time.monotonic() + self.target.timeout_s
        if not request.stream:  # one answer is cheaper to fetch whole than as chunks
            with translating_errors(self.name):
                completion = self.client().chat.completions.create(**self._params(request))
            yield from _whole_answer(completion, prompt_estimate)
            return
        with translating_errors(self.name):
            chunks = self.client().chat.completions.create(**self._params(request))
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
                completion = await self.aclient().chat.completions.create(
                    **self._params(request))
            for event in _whole_answer(completion, prompt_estimate):
                yield event
            return
        with translating_errors(self.name):
            chunks = await self.aclient().chat.completions.create(**self._params(request))
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


def _whole_answer(completion: Any, prompt_estimate: int) -> Iterator[StreamEvent]:
    """An unstreamed answer as the same events a stream gives."""
    choice = completion.choices[0] if completion.choices else None
    text = (choice.message.content or "") if choice else ""
    usage = completion.usage
    yield Started(prompt_tokens=usage.prompt_tokens if usage else None)
    if text:
        yield TextDelta(text)
    yield Finished(
        (choice.finish_reason if choice else None) or "stop",
        usage.prompt_tokens if usage else prompt_estimate,
        usage.completion_tokens if usage else estimate_tokens(text))


class _StreamTracker:
    """Turns OpenAI chunks into events and notices a stream that ends without finishing."""

    def __init__(self, backend: CloudBackend, prompt_estimate: int) -> None:
        self.backend = backend
        self.prompt_estimate = prompt_estimate
        self.finish_reason: str | None = None
        self.usage: Any = None
        self.text_parts: list[str] = []

    def feed(self, chunk: Any) -> Iterator[StreamEvent]:
        if getattr(chunk, "usage", None):
            self.usage = chunk.usage
        for choice in chunk.choices or []:
            content = getattr(choice.delta, "content", None)
            if content:
                self.text_parts.append(content)
                yield TextDelta(content)
            if choice.finish_reason:
                self.finish_reason = choice.finish_reason

    def finish(self) -> Finished:
        if self.finish_reason is None:
            raise CloudConnectionError(
                f"{self.backend.name}'s stream ended before the answer was finished")
        if self.usage is not None:
            return Finished(self.finish_reason, self.usage.prompt_tokens,
                            self.usage.completion_tokens)
        return Finished(self.finish_reason, self.prompt_estimate,
                        estimate_tokens("".join(self.text_parts)))


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
    """hybridai's error for an openai/httpx2/httpx exception; None for anything else."""
    import openai

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
