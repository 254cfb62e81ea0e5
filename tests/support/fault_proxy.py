"""A real HTTP proxy on loopback that forwards to an upstream or injects faults.

Behaviours (set ``proxy.behavior``):
    "pass"               forward the request and stream the answer back
    "hang"               accept, then never answer
    "status:500"         answer an OpenAI-style error with that status
    "status:429:2"       ... with Retry-After: 2
    "cut:N"              forward, then drop the connection after N streamed SSE events
    "cutbytes:N"         forward N bytes of the answer, then drop the connection
Every request is recorded in ``proxy.requests`` (method, path, body) before anything else.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class RecordedRequest:
    method: str
    path: str
    body: bytes


@dataclass
class FaultProxy:
    upstream: str
    behavior: str = "pass"
    requests: list[RecordedRequest] = field(default_factory=list)
    port: int = field(default_factory=free_port)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        self.requests.append(RecordedRequest(request.method, request.url.path, body))
        behavior = self.behavior
        if behavior == "hang":
            await asyncio.sleep(3600)
        if behavior.startswith("status:"):
            _, status, *retry = behavior.split(":")
            headers = {"retry-after": retry[0]} if retry else {}
            return JSONResponse({"error": {"message": f"injected {status}", "type": "fault",
                                           "code": None}}, status_code=int(status),
                                headers=headers)
        cut_after = int(behavior.split(":")[1]) if behavior.startswith("cut:") else None
        cut_bytes = int(behavior.split(":")[1]) if behavior.startswith("cutbytes:") else None
        client = httpx.AsyncClient(timeout=120)
        upstream = await client.send(
            client.build_request(request.method, self.upstream + request.url.path,
                                 content=body, headers={"content-type": "application/json"}),
            stream=True)

        async def relay() -> AsyncIterator[bytes]:
            events = 0
            try:
                if cut_bytes is not None:
                    body = await upstream.aread()
                    yield body[:cut_bytes]
                    raise ConnectionAbortedError("injected cut")
                async for line in upstream.aiter_lines():
                    yield (line + "\n").encode()
                    if line.startswith("data:"):
                        events += 1
                        if cut_after is not None and events >= cut_after:
                            # Raising mid-body makes uvicorn drop the connection unfinished.
                            raise ConnectionAbortedError("injected cut")
            finally:
                await upstream.aclose()
                await client.aclose()

        return StreamingResponse(relay(), status_code=upstream.status_code,
                                 media_type=upstream.headers.get("content-type"))

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/{path:path}", self.handle, methods=["GET", "POST"])])


class ServerThread:
    """Runs an ASGI app under uvicorn in a daemon thread on 127.0.0.1."""

    def __init__(self, app: object, port: int) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical",
                                timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("test server did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)
