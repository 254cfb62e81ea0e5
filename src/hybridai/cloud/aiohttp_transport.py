"""Async chat completions over plain aiohttp: the cloud's hot path in the gateway.

The official ``openai`` client costs about 0.45 ms of CPU a call in building its request,
headers and response objects (measured: 0.66 ms a call through ``AsyncOpenAI.post`` against
0.21 ms for the same POST over aiohttp), which alone is most of the gateway's overhead
budget. A chat completion is one POST of JSON and an answer of JSON or server-sent events,
so this module sends it directly. ``[cloud.<name>] transport = "openai"`` restores the SDK
for async calls; sync calls always use it.

Errors are raised as hybridai's own (``CloudStatusError``, ``ContextOverflowError``…) or left
as aiohttp's, which ``cloud.errors.translate_error`` understands, exactly as for the SDK's
aiohttp transport. An unstreamed answer is handed back unread (``WholeBody``), for
``cloud.bodies`` to read under the deadlines.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import urllib.parse
import urllib.request
from collections.abc import AsyncIterator
from types import TracebackType
from typing import Any

import aiohttp

from .._version import __version__
from ..config import CloudTarget
from ..errors import CloudAnswerError, CloudInvalidJSONError, HybridAIError
from .errors import error_message, status_error

_ERROR_BODY_LIMIT = 64 * 1024  # an error page longer than this says nothing more


class AiohttpChat:
    """POSTs ``/chat/completions`` to one target; one session per event loop."""

    def __init__(self, name: str, target: CloudTarget, tls: ssl.SSLContext | None) -> None:
        self.name = name
        self.target = target
        self.tls = tls  # None = aiohttp's default (the system's authorities)
        self.url = f"{target.base_url}/chat/completions"
        self.proxy = env_proxy(self.url)
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._loop is not loop:
            # Connections belong to the loop that opened them (asyncio.run twice: two loops).
            self._session = aiohttp.ClientSession(
                headers={"Authorization": f"Bearer {self.target.api_key()}",
                         "User-Agent": f"hybridai/{__version__}"},
                # Deadlines are the caller's (asyncio.timeout); only connecting has its own.
                timeout=aiohttp.ClientTimeout(total=None,
                                              sock_connect=self.target.connect_timeout_s),
                connector=aiohttp.TCPConnector(limit=1000, ttl_dns_cache=300,
                                               ssl=True if self.tls is None else self.tls),
                raise_for_status=False)
            self._loop = loop
        return self._session

    async def close(self) -> None:
        if self._session is not None and self._loop is asyncio.get_running_loop():
            await self._session.close()
        self._session = None

    async def post(self, body: dict[str, Any], path: str = "/chat/completions"
                   ) -> SSEChunks | WholeBody:
        """Once the headers are in: an ``SSEChunks`` of JSON chunks when ``body["stream"]``,
        else the answer's ``WholeBody``, unread. ``path``: another endpoint of the same API
        (``/completions``, legacy text completions)."""
        url = self.url if path == "/chat/completions" else f"{self.target.base_url}{path}"
        response = await self.session().post(
            url, data=json.dumps(body, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json"}, proxy=self.proxy)
        if response.status >= 400:
            async with response:
                raise await self._status_error(response)
        if body.get("stream"):
            return SSEChunks(self.name, response)
        return WholeBody(response)

    async def _status_error(self, response: aiohttp.ClientResponse) -> HybridAIError:
        raw = await response.content.read(_ERROR_BODY_LIMIT)
        try:
            body: object = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        return status_error(self.name, response.status, body, response.headers)


def env_proxy(url: str) -> str | None:
    """The proxy ``HTTP(S)_PROXY`` names for ``url``, ``NO_PROXY`` honoured, as the SDK's
    clients would use it; read once per target rather than from the environment per request."""
    parts = urllib.parse.urlsplit(url)
    if urllib.request.proxy_bypass(parts.hostname or ""):
        return None
    return urllib.request.getproxies().get(parts.scheme)


class WholeBody:
    """An unstreamed answer's body as it arrives; ``async with`` releases the connection."""

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self.response = response

    async def __aenter__(self) -> WholeBody:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        self.response.release()

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self.response.content.iter_any()


class SSEChunks:
    """An answer's server-sent events as JSON chunks, up to ``data: [DONE]``.

    ``async with`` releases the connection; a ``data:`` line holding ``{"error": …}`` (how
    OpenAI-compatible servers report a failure mid-stream) raises ``CloudAnswerError``.
    """

    def __init__(self, name: str, response: aiohttp.ClientResponse) -> None:
        self.name = name
        self.response = response

    async def __aenter__(self) -> SSEChunks:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        self.response.release()

    def __aiter__(self) -> AsyncIterator[Any]:
        return self._chunks()

    async def _chunks(self) -> AsyncIterator[Any]:
        data: list[str] = []
        async for raw_line in self.response.content:
            line = raw_line.decode("utf-8").rstrip("\r\n")
            if line:
                field, _, value = line.partition(":")
                if field == "data":
                    data.append(value[1:] if value.startswith(" ") else value)
                continue  # event:, id:, retry: and ":" comments carry nothing for us
            if not data:
                continue
            payload = "\n".join(data)  # a blank line ends the event
            data = []
            if payload.startswith("[DONE]"):
                return
            yield self._chunk(payload)
        payload = "\n".join(data)  # the stream may close without its final blank line
        if data and not payload.startswith("[DONE]"):
            yield self._chunk(payload)

    def _chunk(self, payload: str) -> Any:
        try:
            chunk = json.loads(payload)
        except ValueError:
            raise CloudInvalidJSONError(f"{self.name} streamed something that is not JSON: "
                                        f"{payload[:200]!r}") from None
        if isinstance(chunk, dict) and chunk.get("error"):
            raise CloudAnswerError(f"{self.name} failed mid-answer: {error_message(chunk)}")
        return chunk
