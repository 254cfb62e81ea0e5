"""A real HTTP proxy on loopback that forwards to an upstream or injects faults.

Behaviours (set ``proxy.behavior``):
    "pass"               forward the request and stream the answer back
    "hang"               accept, then never answer
    "status:500"         answer an OpenAI-style error with that status
    "status:429:2"       ... with Retry-After: 2
    "cut:N"              forward, then drop the connection after N streamed SSE events
    "cutbytes:N"         forward N bytes of the answer, then drop the connection
    "delay:S"            wait S seconds before forwarding (no headers meanwhile), then pass:
                         a slow vendor; streamed or not, its first token is S seconds late
    "stall:S"            send the headers at once, wait S seconds before the first byte
    "errorbody"          HTTP 200 whose answer is an error object, without asking upstream:
                         unstreamed ``{"error": {"message": "injected error answer", …}}``;
                         streamed, an SSE stream whose first event is that object (before
                         any token), as some vendors and proxies answer when overloaded
    "nochoices"          HTTP 200 with a completion that has no ``choices`` (unstreamed), or
                         a stream of one chunk with ``"choices": []`` then ``[DONE]``, which
                         never finishes (hybridai: a stream that "ended before the answer
                         was finished"), without asking upstream
    "badjson"            HTTP 200, ``application/json`` (or ``text/event-stream``), whose
                         body (or first event) is JSON cut off mid-object, without asking
                         upstream
Whether a request is streamed is read from its body's ``"stream"``. ``proxy.script`` is a
list of behaviours used one per request, first to last, before ``behavior`` applies again.
Every request is recorded in ``proxy.requests`` (method, path, body, arrival time on
``time.monotonic``) before anything else.

Faults below HTTP live beside it: ``ResetProxy`` (a TCP relay that resets the connection
with an RST after N streamed events) and ``blackhole`` (a port where connects hang).
"""

from __future__ import annotations

import asyncio
import json
import socket
import struct
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager, suppress
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
    at: float = field(default_factory=time.monotonic)


@dataclass
class FaultProxy:
    upstream: str
    behavior: str = "pass"
    script: list[str] = field(default_factory=list)
    requests: list[RecordedRequest] = field(default_factory=list)
    port: int = field(default_factory=free_port)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        self.requests.append(RecordedRequest(request.method, request.url.path, body))
        behavior = self.script.pop(0) if self.script else self.behavior
        if behavior == "hang":
            await asyncio.sleep(3600)
        if behavior.startswith("delay:"):
            await asyncio.sleep(float(behavior.split(":")[1]))
        stall_s = float(behavior.split(":")[1]) if behavior.startswith("stall:") else 0.0
        if behavior.startswith("status:"):
            _, status, *retry = behavior.split(":")
            headers = {"retry-after": retry[0]} if retry else {}
            return JSONResponse({"error": {"message": f"injected {status}", "type": "fault",
                                           "code": None}}, status_code=int(status),
                                headers=headers)
        if behavior in _ANSWERS:
            return _answer_200(behavior, streamed=_is_streamed(body))
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
                if stall_s:
                    await asyncio.sleep(stall_s)
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


_ERROR_OBJECT = {"error": {"message": "injected error answer", "type": "server_error",
                           "code": None}}
_NO_CHOICES = {"id": "chatcmpl-fault", "object": "chat.completion", "created": 0,
               "model": "fault", "usage": {"prompt_tokens": 1, "completion_tokens": 0,
                                           "total_tokens": 1}}
_NO_CHOICES_CHUNK = {"id": "chatcmpl-fault", "object": "chat.completion.chunk", "created": 0,
                     "model": "fault", "choices": []}
_CUT_JSON = b'{"id": "chatcmpl-fault", "choices": [{"mess'
# behaviour -> (unstreamed body, streamed events): HTTP 200 answers that are no answer.
_ANSWERS: dict[str, tuple[bytes, list[bytes]]] = {
    "errorbody": (json.dumps(_ERROR_OBJECT).encode(), [json.dumps(_ERROR_OBJECT).encode()]),
    "nochoices": (json.dumps(_NO_CHOICES).encode(),
                  [json.dumps(_NO_CHOICES_CHUNK).encode(), b"[DONE]"]),
    "badjson": (_CUT_JSON, [_CUT_JSON]),
}


def _is_streamed(body: bytes) -> bool:
    try:
        return bool(json.loads(body).get("stream"))
    except (ValueError, AttributeError):
        return False


def _answer_200(behavior: str, *, streamed: bool) -> Response:
    whole, events = _ANSWERS[behavior]
    if not streamed:
        return Response(whole, status_code=200, media_type="application/json")
    return Response(b"".join(b"data: " + event + b"\n\n" for event in events),
                    status_code=200, media_type="text/event-stream")


class ServerThread:
    """Runs an ASGI app under uvicorn in a daemon thread on 127.0.0.1; HTTPS with
    ``tls_pem`` (one PEM file holding the key and the certificate chain)."""

    def __init__(self, app: object, port: int, tls_pem: str | None = None) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical",
                                timeout_graceful_shutdown=1, ssl_certfile=tls_pem,
                                ssl_keyfile=tls_pem)
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


class ResetProxy:
    """A TCP relay to ``upstream`` (host:port) that resets every connection (RST, through
    SO_LINGER 0) once ``after_events`` SSE events went back to the client; 0 = as soon as
    the request arrived, before any answer."""

    def __init__(self, upstream: str, after_events: int) -> None:
        host, _, port = upstream.removeprefix("http://").partition(":")
        self.upstream = (host, int(port.split("/")[0]))
        self.after_events = after_events
        self.port = free_port()
        self.connections = 0
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        up_reader, up_writer = await asyncio.open_connection(*self.upstream)

        async def upload() -> None:
            while data := await reader.read(65536):
                if self.after_events == 0:
                    return  # the request is here: reset before any answer
                up_writer.write(data)
                await up_writer.drain()

        async def download() -> None:
            events = 0
            while data := await up_reader.read(65536):
                writer.write(data)
                await writer.drain()
                events += data.count(b"data:")
                if events >= self.after_events:
                    return

        tasks = [asyncio.ensure_future(upload()), asyncio.ensure_future(download())]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in tasks:
            task.cancel()
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()
        up_writer.close()

    def __enter__(self) -> ResetProxy:
        self.thread.start()
        asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._serve, "127.0.0.1", self.port), self.loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


@contextmanager
def blackhole() -> Iterator[str]:
    """A loopback base URL whose connects hang: a listener whose accept queue is full drops
    every new SYN, as a firewall that blackholes traffic does."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    port = listener.getsockname()[1]
    fillers = []
    for _ in range(3):
        filler = socket.socket()
        filler.setblocking(False)
        with suppress(BlockingIOError):
            filler.connect(("127.0.0.1", port))
        fillers.append(filler)
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        for sock in (*fillers, listener):
            sock.close()
