"""A loopback "cloud" that records every byte it receives.

A TCP tap sits in front of the echo server (``echo_openai.app(echo=True)``): each byte a
client sends passes through it and is kept, request line, headers and body alike, before
the server sees it. Tests then assert over ``received`` that a value never left the device.

    with RecordingCloud() as cloud:
        ...  # point a cloud target at cloud.base_url
        cloud.assert_never_saw("jane@example.org")
"""

from __future__ import annotations

import asyncio
import json
import threading
from urllib.parse import quote, quote_plus

from tests.support.echo_openai import app
from tests.support.fault_proxy import ServerThread, free_port


def forms_of(value: str) -> set[str]:
    """The ways a value can travel in an HTTP request: as is, JSON-escaped, URL-encoded."""
    forms = {value, json.dumps(value)[1:-1], json.dumps(value, ensure_ascii=False)[1:-1],
             quote(value), quote_plus(value)}
    digits = "".join(c for c in value if c.isdigit())
    if len(digits) >= 7:
        forms.add(digits)
    return {form for form in forms if form}


class RecordingCloud:
    def __init__(self) -> None:
        self.port = free_port()
        self._upstream_port = free_port()
        self._received = bytearray()
        self._lock = threading.Lock()
        self._echo = ServerThread(app(echo=True), self._upstream_port)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def received(self) -> bytes:
        with self._lock:
            return bytes(self._received)

    def assert_never_saw(self, value: str) -> None:
        received = self.received
        for form in forms_of(value):
            assert form.encode() not in received, f"the cloud received {form!r}"

    def __enter__(self) -> RecordingCloud:
        self._echo.__enter__()
        self._thread.start()
        started = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        self._server = started.result(timeout=10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()
        self._echo.__exit__()

    async def _stop(self) -> None:
        self._server.close()
        taps = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in taps:
            task.cancel()
        await asyncio.gather(*taps, return_exceptions=True)

    async def _start(self) -> asyncio.Server:
        return await asyncio.start_server(self._tap, "127.0.0.1", self.port)

    async def _tap(self, client_reader: asyncio.StreamReader,
                   client_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection("127.0.0.1",
                                                                     self._upstream_port)

        async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                       record: bool) -> None:
            try:
                while data := await reader.read(65536):
                    if record:
                        with self._lock:
                            self._received += data
                    writer.write(data)
                    await writer.drain()
            except (ConnectionError, asyncio.CancelledError):
                pass
            finally:
                writer.close()

        await asyncio.gather(pipe(client_reader, server_writer, True),
                             pipe(server_reader, client_writer, False))
