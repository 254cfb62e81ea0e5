"""A whole (unstreamed) answer's body, read under the try's deadlines: its first bytes are
the first token, so ``first_token_timeout_s`` bounds how long the answer takes to start,
``timeout_s`` the whole read. Sync reads an ``httpx2`` response (the SDK's), async any
``async with``-able iterable of bytes (aiohttp's ``WholeBody``, or ``SDKBody`` here)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol

from .deadlines import Deadlines
from .errors import translating_errors

if TYPE_CHECKING:
    import httpx2


class AsyncBody(Protocol):
    """An answer's body as it arrives; leaving ``async with`` releases the connection."""

    async def __aenter__(self) -> Any: ...

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None: ...

    def __aiter__(self) -> AsyncIterator[bytes]: ...


class SDKBody:
    """The body of a response the ``openai`` client handed back unread (``httpx2``)."""

    def __init__(self, response: httpx2.Response) -> None:
        self.response = response

    async def __aenter__(self) -> SDKBody:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        await self.response.aclose()

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self.response.aiter_bytes()


def _received(parts: list[bytes]) -> Callable[[], str]:
    return lambda: f"{sum(map(len, parts))} bytes of the answer"


def read_whole(target: str, response: httpx2.Response, deadlines: Deadlines) -> bytes:
    """The body of an unread sync response. A blocking read can't be interrupted: each read
    waits at most the client's read timeout (the first-token timeout), and the total is
    checked between reads."""
    parts: list[bytes] = []
    try:
        with translating_errors(target, deadlines, received=_received(parts)):
            for part in response.iter_bytes():
                deadlines.reached_first_token()
                parts.append(part)
                deadlines.check()
    finally:
        response.close()
    return b"".join(parts)


async def aread_whole(target: str, body: AsyncBody, deadlines: Deadlines) -> bytes:
    """The body as it arrives, each read under ``asyncio.timeout`` at the deadline that
    applies: until the first bytes, the first-token one."""
    parts: list[bytes] = []
    with translating_errors(target, deadlines, received=_received(parts)):
        async with body:
            iterator = aiter(body)
            while True:
                async with asyncio.timeout(deadlines.remaining()):
                    part = await anext(iterator, None)
                if part is None:
                    break
                deadlines.reached_first_token()
                parts.append(part)
    return b"".join(parts)
