"""Both async transports of a cloud target against a real loopback server's odd answers.

The default transport (``cloud.aiohttp_transport``, plain aiohttp) must read what the openai
SDK reads: SSE comments, ``event:`` lines, CRLF line ends, data split over several lines, an
error sent mid-stream, error statuses with JSON or text bodies and Retry-After. Both must
fail the same way on answers that are no answer (HTTP 200 with an error object, no choices,
malformed JSON), on an answer that does not start within ``first_token_timeout_s``, and on a
connection that breaks once the answer has begun.
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
from hybridai.errors import (
    CloudAnswerError,
    CloudConnectionError,
    CloudInvalidJSONError,
    CloudRateLimitedError,
    CloudServerError,
    CloudStatusError,
    CloudTimeoutError,
    ContextOverflowError,
)
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


def _plain_answer() -> bytes:
    return json.dumps({"id": "c", "object": "chat.completion", "created": 0, "model": "m",
                       "usage": {"prompt_tokens": 3, "completion_tokens": 1},
                       "choices": [{"index": 0, "finish_reason": "stop",
                                    "message": {"role": "assistant", "content": "plain"}}]
                       }).encode()


async def _cut(request: web.Request, stream: bool) -> web.StreamResponse:
    """Two chunks (or the first bytes of a whole answer), then the connection drops."""
    if stream:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        for text in ("Hel", "lo"):
            await response.write(b"data: " + json.dumps(_chunk(text)).encode() + b"\n\n")
    else:
        answer = _plain_answer()
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.content_length = len(answer)
        await response.prepare(request)
        await response.write(answer[:20])
    await asyncio.sleep(0.1)
    assert request.transport is not None
    request.transport.close()
    return response


async def _trickle(request: web.Request) -> web.StreamResponse:
    """A whole answer whose first bytes come at once and the rest 1.5 s later."""
    answer = _plain_answer()
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    response.content_length = len(answer)
    await response.prepare(request)
    await response.write(answer[:10])
    await asyncio.sleep(1.5)
    await response.write(answer[10:])
    return response


async def _chat(request: web.Request) -> web.StreamResponse:
    body = await request.json()
    scenario = body["messages"][-1]["content"]
    if scenario == "error-200":
        if body.get("stream"):  # the error as the stream's first event, before any token
            response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
            await response.prepare(request)
            await response.write(b'data: {"error": {"message": "the model is overloaded"}}\n\n')
            return response
        return web.json_response({"error": {"message": "the model is overloaded",
                                            "type": "server_error"}})
    if scenario == "no-choices":
        return web.json_response({"id": "c", "object": "chat.completion", "model": "m"})
    if scenario == "bad-json":
        return web.Response(body=b'{"choices": [{"mess', content_type="application/json")
    if scenario == "slow":
        await asyncio.sleep(2)  # nothing, not even headers, for 2 s
        return web.Response(body=_plain_answer(), content_type="application/json")
    if scenario == "trickle":
        return await _trickle(request)
    if scenario == "cut":
        return await _cut(request, bool(body.get("stream")))
    if scenario == "server-error":
        return web.json_response({"error": {"message": "boom"}}, status=500)
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
def transport(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def backend(transport: str, odd_server: str) -> CloudBackend:
    return CloudBackend("odd", CloudTarget(base_url=odd_server, model="m",
                                           transport=transport), None)


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


async def test_error_sent_mid_stream_is_an_error_answer(backend):
    received: list[StreamEvent] = []

    async def consume() -> AsyncIterator[None]:
        async for event in backend.astream(_request("error-mid-stream", stream=True)):
            received.append(event)
            yield None

    with pytest.raises(CloudAnswerError, match="overloaded") as caught:
        async for _ in consume():
            pass
    assert caught.value.code == "cloud_error_answer"
    await backend.aclose()
    assert _text(received) == "Hi"  # the token before the error was delivered


async def test_context_overflow_answer_is_context_overflow(backend):
    with pytest.raises(ContextOverflowError, match="maximum context length"):
        await _events(backend, "too-long", stream=False)


@pytest.mark.parametrize("stream", [False, True], ids=["unstreamed", "streamed"])
async def test_text_error_body_and_retry_after_are_kept(backend, stream):
    with pytest.raises(CloudServerError) as caught:
        await _events(backend, "busy-text", stream=stream)
    assert caught.value.status == 503 and caught.value.retry_after == 7
    assert caught.value.code == "cloud_server_error"
    assert caught.value.retryable and "upstream busy" in str(caught.value)


async def test_json_error_body_message_and_retry_after(backend):
    with pytest.raises(CloudRateLimitedError, match="HTTP 429: slow down") as caught:
        await _events(backend, "rate-limited", stream=False)
    assert caught.value.retry_after == 3 and caught.value.code == "cloud_rate_limited"
    assert isinstance(caught.value, CloudStatusError)


@pytest.mark.parametrize("stream", [False, True], ids=["unstreamed", "streamed"])
async def test_a_5xx_is_a_server_error(backend, stream):
    with pytest.raises(CloudServerError, match="HTTP 500: boom") as caught:
        await _events(backend, "server-error", stream=stream)
    assert caught.value.code == "cloud_server_error" and caught.value.retryable


# -- answers that are no answer ----------------------------------------------------------------

@pytest.mark.parametrize("stream", [False, True], ids=["unstreamed", "streamed"])
async def test_a_200_with_an_error_object_is_an_error_answer(backend, stream):
    with pytest.raises(CloudAnswerError, match="the model is overloaded") as caught:
        await _events(backend, "error-200", stream=stream)
    assert type(caught.value) is CloudAnswerError
    assert caught.value.code == "cloud_error_answer" and caught.value.retryable
    assert caught.value.target == "odd"


async def test_a_200_without_choices_is_an_error_answer(backend):
    with pytest.raises(CloudAnswerError, match="no choices") as caught:
        await _events(backend, "no-choices", stream=False)
    assert type(caught.value) is CloudAnswerError and caught.value.retryable


async def test_a_200_with_malformed_json_is_invalid_json(backend):
    with pytest.raises(CloudInvalidJSONError, match="not JSON") as caught:
        await _events(backend, "bad-json", stream=False)
    assert caught.value.code == "cloud_invalid_json" and caught.value.retryable


# -- first-token deadline, unstreamed too ------------------------------------------------------

@pytest.mark.parametrize("stream", [False, True], ids=["unstreamed", "streamed"])
async def test_an_answer_that_does_not_start_in_time_is_a_first_token_timeout(
        transport, odd_server, stream):
    backend = CloudBackend("odd", CloudTarget(base_url=odd_server, model="m",
                                              transport=transport, first_token_timeout_s=1,
                                              timeout_s=30), None)
    with pytest.raises(CloudTimeoutError, match=r"no first token within 1 s "
                       r"\(first_token_timeout_s\)"):
        await _events(backend, "slow", stream=stream)


async def test_an_answer_that_started_in_time_may_take_the_total_timeout(transport,
                                                                         odd_server):
    backend = CloudBackend("odd", CloudTarget(base_url=odd_server, model="m",
                                              transport=transport, first_token_timeout_s=1,
                                              timeout_s=30), None)
    assert _text(await _events(backend, "trickle", stream=False)) == "plain"


async def test_an_answer_that_started_in_time_is_still_bounded_by_the_total(transport,
                                                                             odd_server):
    backend = CloudBackend("odd", CloudTarget(base_url=odd_server, model="m",
                                              transport=transport, first_token_timeout_s=0.5,
                                              timeout_s=1), None)
    with pytest.raises(CloudTimeoutError, match=r"longer than 1 s \(timeout_s\)"):
        await _events(backend, "trickle", stream=False)


# -- a connection that breaks once the answer has begun ---------------------------------------

async def test_a_stream_cut_after_two_chunks_says_so_plainly(backend):
    received: list[StreamEvent] = []
    with pytest.raises(CloudConnectionError) as caught:
        async for event in backend.astream(_request("cut", stream=True)):
            received.append(event)
    await backend.aclose()
    assert _text(received) == "Hello"
    message = str(caught.value)
    assert message.startswith("the connection to odd broke after 2 chunks: "), message
    assert "400" not in message and "message=" not in message, message
    assert not caught.value.connect_failed and caught.value.retryable


async def test_a_whole_answer_cut_short_says_so_plainly(backend):
    with pytest.raises(CloudConnectionError) as caught:
        await _events(backend, "cut", stream=False)
    message = str(caught.value)
    assert message.startswith("the connection to odd broke after 20 bytes of the answer: "), (
        message)
    assert "400" not in message and "message=" not in message, message


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
