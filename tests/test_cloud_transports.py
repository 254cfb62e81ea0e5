"""Both async transports of a cloud target against a real loopback server's odd answers.

The default transport (``cloud_aiohttp``, plain aiohttp) must read what the openai SDK
reads: SSE comments, ``event:`` lines, CRLF line ends, data split over several lines, an
error sent mid-stream, error statuses with JSON or text bodies and Retry-After.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from hybridai.cloud.backend import CloudBackend
from hybridai.config import CloudTarget
from hybridai.errors import CloudConnectionError, CloudStatusError, ContextOverflowError
from hybridai.schema.events import Finished, StreamEvent, TextDelta
from hybridai.schema.request import ChatRequest
from tests.support.fault_proxy import free_port


def _chunk(content: str | None = None, finish: str | None = None) -> dict[str, Any]:
    delta = {} if content is None else {"content": content}
    return {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


async def _odd_stream(request: web.Request, scenario: str) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    first = json.dumps(_chunk("Hel"))
    half = first.index(', "choices"') + 1  # split between two members: JSON allows the \n
    await response.write(b": keep-alive comment\r\n\r\n")
    await response.write(b"event: completion\r\n")
    # One event's JSON over two data lines, which SSE joins with a newline.
    await response.write(f"data: {first[:half]}\r\ndata: {first[half:]}\r\n\r\n".encode())
    await response.write(b"data:" + json.dumps(_chunk("lo")).encode() + b"\n\n")  # no space
    if scenario.endswith("+dataless"):
        # SSE: an event without data dispatches nothing (the SDK tries to parse it as JSON).
        await response.write(b"id: 7\nretry: 100\n\n")
    await response.write(b"data: " + json.dumps(_chunk(None, "stop")).encode() + b"\n\n")
    await response.write(b"data: [DONE]\n\n")
    return response


async def _error_mid_stream(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    await response.write(b"data: " + json.dumps(_chunk("Hi")).encode() + b"\n\n")
    await response.write(b'data: {"error": {"message": "the model is overloaded"}}\n\n')
    return response


async def _chat(request: web.Request) -> web.StreamResponse:
    body = await request.json()
    scenario = body["messages"][-1]["content"]
    if scenario.startswith("odd-stream"):
        return await _odd_stream(request, scenario)
    if scenario == "error-mid-stream":
        return await _error_mid_stream(request)
    if scenario == "too-long":
        return web.json_response({"error": {"message": "This model's maximum context length "
                                            "is 8 tokens", "type": "invalid_request_error"}},
                                 status=400)
    if scenario == "busy-text":
        return web.Response(status=503, text="upstream busy, come back later",
                            headers={"Retry-After": "7"})
    if scenario == "rate-limited":
        return web.json_response({"error": {"message": "slow down", "type": "rate_limit"}},
                                 status=429, headers={"Retry-After": "3"})
    return web.json_response({"id": "c", "object": "chat.completion", "created": 0,
                              "model": "m", "usage": {"prompt_tokens": 3,
                                                      "completion_tokens": 1},
                              "choices": [{"index": 0, "finish_reason": "stop",
                                           "message": {"role": "assistant",
                                                       "content": "plain"}}]})


@contextmanager
def serving(app: web.Application) -> Iterator[str]:
    """A real aiohttp server on loopback, in a thread of its own; yields its root URL."""
    port = free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


@pytest.fixture(scope="module")
def odd_server() -> Iterator[str]:
    app = web.Application()
    app.router.add_post("/v1/chat/completions", _chat)
    with serving(app) as root:
        yield root + "/v1"


@pytest.fixture(params=["aiohttp", "openai"])
def backend(request: pytest.FixtureRequest, odd_server: str) -> CloudBackend:
    return CloudBackend("odd", CloudTarget(base_url=odd_server, model="m",
                                           transport=request.param), None)


def _request(scenario: str, *, stream: bool) -> ChatRequest:
    return ChatRequest.parse({"messages": [{"role": "user", "content": scenario}],
                              "stream": stream, "max_tokens": 4})


async def _events(backend: CloudBackend, scenario: str, *, stream: bool) -> list[StreamEvent]:
    try:
        return [event async for event in backend.astream(_request(scenario, stream=stream))]
    finally:
        await backend.aclose()


def _text(events: list[StreamEvent]) -> str:
    return "".join(e.text for e in events if isinstance(e, TextDelta))


async def test_sse_comments_event_lines_crlf_and_split_data_are_read(backend):
    events = await _events(backend, "odd-stream", stream=True)
    assert _text(events) == "Hello"
    assert isinstance(events[-1], Finished) and events[-1].finish_reason == "stop"


async def test_event_without_data_is_skipped(odd_server):
    # The SDK's decoder hands such an event on as empty JSON; the spec says it dispatches
    # nothing, which is what the default transport does.
    backend = CloudBackend("odd", CloudTarget(base_url=odd_server, model="m"), None)
    events = await _events(backend, "odd-stream+dataless", stream=True)
    assert _text(events) == "Hello"


async def test_unstreamed_answer_is_read(backend):
    events = await _events(backend, "plain", stream=False)
    assert _text(events) == "plain"
    assert isinstance(events[-1], Finished) and events[-1].completion_tokens == 1


async def test_error_sent_mid_stream_is_a_connection_error(backend):
    received: list[StreamEvent] = []

    async def consume() -> AsyncIterator[None]:
        async for event in backend.astream(_request("error-mid-stream", stream=True)):
            received.append(event)
            yield None

    with pytest.raises(CloudConnectionError, match="overloaded"):
        async for _ in consume():
            pass
    await backend.aclose()
    assert _text(received) == "Hi"  # the token before the error was delivered


async def test_context_overflow_answer_is_context_overflow(backend):
    with pytest.raises(ContextOverflowError, match="maximum context length"):
        await _events(backend, "too-long", stream=False)


@pytest.mark.parametrize("stream", [False, True], ids=["unstreamed", "streamed"])
async def test_text_error_body_and_retry_after_are_kept(backend, stream):
    with pytest.raises(CloudStatusError) as caught:
        await _events(backend, "busy-text", stream=stream)
    assert caught.value.status == 503 and caught.value.retry_after == 7
    assert caught.value.retryable and "upstream busy" in str(caught.value)


async def test_json_error_body_message_and_retry_after(backend):
    with pytest.raises(CloudStatusError, match="HTTP 429: slow down") as caught:
        await _events(backend, "rate-limited", stream=False)
    assert caught.value.retry_after == 3


def test_the_environment_proxy_is_used_and_no_proxy_honoured(monkeypatch):
    from hybridai.cloud.aiohttp_transport import env_proxy

    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    assert env_proxy("https://api.example.com/v1/chat/completions") == "http://proxy.example:3128"
    assert env_proxy("https://internal.example/v1/chat/completions") is None
    assert env_proxy("http://api.example.com/v1/chat/completions") is None  # no HTTP_PROXY


@pytest.fixture
def forward_proxy() -> Iterator[tuple[str, list[str]]]:
    """A real HTTP forward proxy on loopback (absolute-form requests); yields its URL and
    the URLs it forwarded."""
    seen: list[str] = []

    async def forward(request: web.Request) -> web.StreamResponse:
        seen.append(str(request.url))
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() not in ("host", "proxy-connection", "content-length")}
        async with aiohttp.ClientSession() as session, session.request(
                request.method, request.url, data=await request.read(), headers=headers
        ) as answer:
            return web.Response(body=await answer.read(), status=answer.status,
                                headers={"Content-Type": answer.content_type})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", forward)
    with serving(app) as root:
        yield root, seen


async def test_requests_go_through_the_configured_proxy(odd_server, forward_proxy, monkeypatch):
    proxy_url, seen = forward_proxy
    for name in ("NO_PROXY", "no_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    backend = CloudBackend("odd", CloudTarget(base_url=odd_server, model="m"), None)
    events = await _events(backend, "plain", stream=False)
    assert _text(events) == "plain"
    assert seen == [f"{odd_server}/chat/completions"]
