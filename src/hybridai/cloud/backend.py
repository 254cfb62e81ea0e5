"""A cloud target: any OpenAI-compatible endpoint; sync calls through the official ``openai``
client, async calls over plain aiohttp unless the target says ``transport = "openai"``.

The client is built on first use (importing ``openai`` costs most of a second), retries are
off (the router decides what happens after a failure), and every ``openai``/``httpx``/
``aiohttp`` error is translated into hybridai's own tree (``errors.py``), so nothing above
this package sees them.

Requests go through the client's own ``post`` (its documented way to send a request it has
no typed method for) with the body hybridai builds, and answers come back as plain JSON
(read by ``answers.py``): ``chat.completions.create`` would first walk every message through
the SDK's type-driven transform and then build pydantic models that hybridai only reads a
few fields of, which together cost more CPU than the rest of a gateway request. Auth,
headers, timeouts, SSE decoding and the SDK's error classes are the client's, as before. An
unstreamed answer comes back unread (``cast_to=httpx2.Response, stream=True``) and is read by
``bodies.py`` under the deadlines: its arrival is its first token.

Async calls (the gateway's) go over plain aiohttp by default (``aiohttp_transport.py``):
even used this way the SDK costs more CPU a call than the rest of a gateway request. A
target's ``transport = "openai"`` sends them through the SDK (over its aiohttp transport)
instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

from ..config import CloudTarget
from ..errors import ContextOverflowError
from ..schema.events import Started, StreamEvent
from ..schema.modes import Route
from ..schema.price import Price
from ..schema.request import ChatRequest
from .answers import StreamTracker, read_json, whole_answer
from .bodies import AsyncBody, SDKBody, aread_whole, read_whole
from .completions import as_chat_answer
from .deadlines import Deadlines
from .errors import translating_errors
from .tls import tls_context
from .tokens import estimate_prompt_tokens

if TYPE_CHECKING:
    from openai import AsyncOpenAI, OpenAI, Stream

    from .aiohttp_transport import AiohttpChat

_CHAT_PATH = "/chat/completions"
_COMPLETIONS_PATH = "/completions"  # legacy text completions (``completions.py``)
# What ``chat.completions.create`` sends as its auth: the bearer key, never an admin key.
_CHAT_OPTIONS: Any = {"security": {"bearer_auth": True}}


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
        """The request as the caller sent it (after redaction, where the privacy policy
        applies), every field and message shape kept, with the target's model; a stream
        asks for its usage."""
        params = {**request.wire(), "model": self.target.model, "stream": request.stream}
        if request.stream:
            params["stream_options"] = {**(params.get("stream_options") or {}),
                                        "include_usage": True}
        else:
            params.pop("stream_options", None)
        return params

    @staticmethod
    def _path(request: ChatRequest) -> str:
        return _CHAT_PATH if request.completion is None else _COMPLETIONS_PATH

    @staticmethod
    def _shaped(request: ChatRequest, answer: object) -> object:
        """An answer (or chunk) in the chat shape ``answers.py`` reads."""
        return answer if request.completion is None else as_chat_answer(answer)

    def _post(self, request: ChatRequest) -> Any:
        """A ``Stream`` of JSON chunks, or (unstreamed) the ``httpx2`` response, unread."""
        import httpx2
        from openai import Stream

        # A blocking read can't be interrupted: each read waits at most the first-token
        # timeout (the headers' too), and Deadlines is checked between reads.
        read_s = min(self.target.timeout_s, self.target.first_token_timeout_s)
        options: Any = {**_CHAT_OPTIONS, "timeout": httpx2.Timeout(
            read_s, connect=self.target.connect_timeout_s)}
        if not request.stream:
            return self.client().post(self._path(request), body=self._params(request),
                                      cast_to=httpx2.Response, options=options, stream=True)
        return self.client().post(self._path(request), body=self._params(request),
                                  cast_to=object,
                                  options=options, stream=True, stream_cls=Stream[object])

    async def _apost(self, request: ChatRequest) -> Any:
        """An async iterable of JSON chunks, or (unstreamed) an ``AsyncBody``; either to
        ``async with``."""
        if self.target.transport == "aiohttp":
            return await self.aiohttp_chat().post(self._params(request), self._path(request))
        if not request.stream:
            import httpx2

            response = await self.aclient().post(
                self._path(request), body=self._params(request), cast_to=httpx2.Response,
                options=_CHAT_OPTIONS, stream=True)
            return SDKBody(response)
        from openai import AsyncStream

        return await self.aclient().post(self._path(request), body=self._params(request),
                                         cast_to=object, options=_CHAT_OPTIONS,
                                         stream=True, stream_cls=AsyncStream[object])

    def _whole_answer(self, request: ChatRequest, raw: bytes, prompt_estimate: int
                      ) -> list[StreamEvent]:
        """An unstreamed answer's events; an answer that is no answer fails the try."""
        with translating_errors(self.name):
            answer = self._shaped(request, read_json(self.name, raw))
            return list(whole_answer(self.name, answer, prompt_estimate))

    def stream(self, request: ChatRequest) -> Iterator[StreamEvent]:
        prompt_estimate = self._check_fits(request)
        deadlines = Deadlines(self.name, self.target)
        with translating_errors(self.name, deadlines):
            answer = self._post(request)
        if not request.stream:  # one answer is cheaper to fetch whole than as chunks
            raw = read_whole(self.name, answer, deadlines)
            yield from self._whole_answer(request, raw, prompt_estimate)
            return
        chunks: Stream[object] = answer
        tracker = StreamTracker(self.name, prompt_estimate)
        yield Started()
        with translating_errors(self.name, deadlines, received=tracker.received), chunks:
            for chunk in chunks:
                deadlines.check()
                for event in tracker.feed(self._shaped(request, chunk)):
                    deadlines.reached_first_token()
                    yield event
        yield tracker.finish()

    async def astream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        prompt_estimate = self._check_fits(request)
        deadlines = Deadlines(self.name, self.target)
        with translating_errors(self.name, deadlines):
            async with asyncio.timeout(deadlines.remaining()):
                answer = await self._apost(request)
        if not request.stream:
            body: AsyncBody = answer
            raw = await aread_whole(self.name, body, deadlines)
            for event in self._whole_answer(request, raw, prompt_estimate):
                yield event
            return
        chunks = answer
        tracker = StreamTracker(self.name, prompt_estimate)
        yield Started()
        with translating_errors(self.name, deadlines, received=tracker.received):
            async with chunks:
                iterator = aiter(chunks)
                while True:
                    # Only the read sits under the timeout, never a yield: the caller's own
                    # time between chunks must not be cancelled by this deadline.
                    async with asyncio.timeout(deadlines.remaining()):
                        chunk = await anext(iterator, None)
                    if chunk is None:
                        break
                    for event in tracker.feed(self._shaped(request, chunk)):
                        deadlines.reached_first_token()
                        yield event
        yield tracker.finish()


def _connection_limits() -> Any:
    """The SDK's own pool limits (1,000 connections, 100 kept alive): ample for a gateway."""
    from openai._constants import DEFAULT_CONNECTION_LIMITS

    return DEFAULT_CONNECTION_LIMITS
