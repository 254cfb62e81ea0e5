"""cloud.errors.translate_error, estimate_tokens and StreamTracker, with real openai and
httpx objects.

openai 3.x builds its exceptions around ``httpx2`` requests and responses (its own HTTP
stack), so those are what the openai exceptions here carry; raw transport errors are httpx's.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Iterator
from typing import Any

import aiohttp
import httpx
import httpx2
import openai
import pytest
from openai._vendor.httpx_aiohttp.transport import map_aiohttp_exceptions
from openai.types.chat import ChatCompletionChunk

from hybridai.cloud.answers import StreamTracker, whole_answer
from hybridai.cloud.backend import CloudBackend
from hybridai.cloud.errors import parse_retry_after, translate_error
from hybridai.cloud.tokens import estimate_tokens
from hybridai.config import CloudTarget
from hybridai.core.plan import may_fall_back
from hybridai.errors import (
    CloudConnectionError,
    CloudError,
    CloudStatusError,
    CloudTimeoutError,
    ContextOverflowError,
)
from hybridai.schema.events import Finished, Started, TextDelta
from tests.unit.builders import CLOUD, chat_request

URL = "https://api.example.com/v1/chat/completions"


def request() -> httpx2.Request:
    return httpx2.Request("POST", URL)


def status_error(status: int, message: str = "something went wrong",
                 headers: dict[str, str] | None = None) -> openai.APIStatusError:
    body = {"error": {"message": message, "type": "invalid_request_error"}}
    response = httpx2.Response(status, headers=headers, json=body, request=request())
    return openai.APIStatusError(f"Error code: {status}", response=response, body=body)


# -- translate_error -----------------------------------------------------------------------------

def test_openai_timeout() -> None:
    error = translate_error(CLOUD, openai.APITimeoutError(request=request()))
    assert type(error) is CloudTimeoutError
    assert CLOUD in str(error)
    assert error.retryable


def test_openai_connection_error_names_its_cause() -> None:
    exc = openai.APIConnectionError(request=request())
    exc.__cause__ = httpx2.ConnectError("[Errno 111] Connection refused")
    error = translate_error(CLOUD, exc)
    assert type(error) is CloudConnectionError
    assert str(error) == f"{CLOUD} could not be reached: [Errno 111] Connection refused"


@pytest.mark.parametrize("exc", [
    httpx.ReadError("connection reset by peer"),
    httpx.RemoteProtocolError("peer closed connection without sending complete message body"),
    httpx.ConnectError("refused"),
], ids=lambda e: type(e).__name__)
def test_httpx_transport_errors_are_connection_errors(exc: Exception) -> None:
    error = translate_error(CLOUD, exc)
    assert type(error) is CloudConnectionError
    assert str(exc) in str(error)


def test_httpx_timeout() -> None:
    assert type(translate_error(CLOUD, httpx.ReadTimeout("slow"))) is CloudTimeoutError


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_retryable(status: int) -> None:
    error = translate_error(CLOUD, status_error(status, "upstream overloaded"))
    assert type(error) is CloudStatusError
    assert (error.status, error.retryable, error.retry_after) == (status, True, None)
    assert str(error) == f"{CLOUD} answered HTTP {status}: upstream overloaded"


def test_rate_limit_keeps_retry_after() -> None:
    error = translate_error(CLOUD, status_error(429, "slow down", headers={"Retry-After": "3"}))
    assert type(error) is CloudStatusError
    assert (error.status, error.retryable, error.retry_after) == (429, True, 3.0)


def test_retry_after_as_an_http_date() -> None:
    in_five_s = email.utils.formatdate(time.time() + 5, usegmt=True)
    error = translate_error(CLOUD, status_error(429, headers={"Retry-After": in_five_s}))
    assert isinstance(error, CloudStatusError)
    assert error.retry_after is not None and 3.5 < error.retry_after <= 5.0


@pytest.mark.parametrize("value, seconds", [
    ("7", 7.0), ("0.5", 0.5), ("-3", 0.0),
    ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past: retry now
    ("Wed, 21 Oct 2015 07:28:10 GMT", 10.0),
    ("soon", None), ("Wed, 21 Oct 2015 07:28:00", None),  # no zone: unknowable
])
def test_parse_retry_after(value: str, seconds: float | None) -> None:
    now = email.utils.parsedate_to_datetime("Wed, 21 Oct 2015 07:28:00 GMT").timestamp()
    assert parse_retry_after(value, now=now) == seconds


def test_connect_failures_are_told_apart_from_failures_mid_answer() -> None:
    refused = openai.APIConnectionError(request=request())
    refused.__cause__ = httpx2.ConnectError("[Errno 111] Connection refused")
    connect_timeout = openai.APITimeoutError(request=request())
    connect_timeout.__cause__ = httpx2.ConnectTimeout("timed out")
    read_timeout = openai.APITimeoutError(request=request())
    read_timeout.__cause__ = httpx2.ReadTimeout("timed out")
    assert isinstance(refused_error := translate_error(CLOUD, refused), CloudError)
    assert refused_error.connect_failed
    assert isinstance(timeout_error := translate_error(CLOUD, connect_timeout), CloudError)
    assert timeout_error.connect_failed and "connecting" in str(timeout_error)
    for exc in (read_timeout, httpx.ReadError("connection reset by peer")):
        assert isinstance(error := translate_error(CLOUD, exc), CloudError)
        assert not error.connect_failed


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_client_errors_are_not_retryable(status: int) -> None:
    error = translate_error(CLOUD, status_error(status, "nope"))
    assert type(error) is CloudStatusError
    assert (error.status, error.retryable) == (status, False)
    assert not may_fall_back(error, streamed_text=False, stream=False)


@pytest.mark.parametrize("message", [
    "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.",
    "the request exceeds the available context size, try increasing the context_length",
    "Requested tokens (5000) exceed context window of 4096",
])
def test_context_overflow_from_a_400(message: str) -> None:
    error = translate_error(CLOUD, status_error(400, message))
    assert type(error) is ContextOverflowError
    assert str(error) == f"{CLOUD}: {message}"
    assert may_fall_back(error, streamed_text=False, stream=False)


def test_context_wording_on_another_status_is_a_status_error() -> None:
    message = "This model's maximum context length is 4096 tokens."
    error = translate_error(CLOUD, status_error(500, message))
    assert type(error) is CloudStatusError


def test_status_error_without_a_json_body_uses_the_exception_message() -> None:
    response = httpx2.Response(502, text="<html>Bad gateway</html>", request=request())
    exc = openai.APIStatusError("Error code: 502 - Bad gateway", response=response, body=None)
    error = translate_error(CLOUD, exc)
    assert isinstance(error, CloudStatusError)
    assert str(error) == f"{CLOUD} answered HTTP 502: Error code: 502 - Bad gateway"


def test_other_api_errors_are_mid_answer_connection_errors() -> None:
    exc = openai.APIError("An error occurred during streaming", request(), body=None)
    error = translate_error(CLOUD, exc)
    assert type(error) is CloudConnectionError
    assert "failed mid-answer" in str(error)


def test_foreign_exceptions_are_not_translated() -> None:
    assert translate_error(CLOUD, ValueError("a bug")) is None


# openai 3.x raises httpx2 errors, a class tree apart from httpx's; both must translate.
@pytest.mark.parametrize(("exc", "expected"), [
    (httpx2.RemoteProtocolError("peer closed connection"), CloudConnectionError),
    (httpx2.ReadError("connection reset by peer"), CloudConnectionError),
    (httpx2.ReadTimeout("slow"), CloudTimeoutError),
], ids=["RemoteProtocolError", "ReadError", "ReadTimeout"])
def test_httpx2_transport_errors_are_translated(exc: Exception,
                                                expected: type[CloudError]) -> None:
    assert type(translate_error(CLOUD, exc)) is expected


def through_aiohttp_transport(raw: Exception) -> openai.APIError:
    """``raw`` as the async client raises it: mapped by the aiohttp transport's own table,
    then wrapped by openai as its request loop does."""
    try:
        with map_aiohttp_exceptions():
            raise raw
    except httpx2.TimeoutException as mapped:
        wrapped: openai.APIError = openai.APITimeoutError(request=request())
        wrapped.__cause__ = mapped
    except httpx2.HTTPError as mapped:
        wrapped = openai.APIConnectionError(request=request())
        wrapped.__cause__ = mapped
    return wrapped


# That table files any connection error under ConnectTimeout: the aiohttp error decides.
@pytest.mark.parametrize(("raw", "expected"), [
    (aiohttp.ServerDisconnectedError(), CloudConnectionError),
    (aiohttp.ClientOSError(111, "Connect call failed"), CloudConnectionError),
    (aiohttp.ClientPayloadError("Response payload is not completed"), CloudConnectionError),
    (aiohttp.SocketTimeoutError("Timeout on reading data from socket"), CloudTimeoutError),
    (aiohttp.ConnectionTimeoutError("Connection timeout"), CloudTimeoutError),
], ids=lambda e: type(e).__name__ if isinstance(e, Exception) else "")
def test_aiohttp_transport_errors_are_translated_by_their_aiohttp_cause(
        raw: Exception, expected: type[CloudError]) -> None:
    error = translate_error(CLOUD, through_aiohttp_transport(raw))
    assert type(error) is expected
    if expected is CloudConnectionError:
        assert str(raw) in str(error)


def test_a_raw_aiohttp_error_is_translated() -> None:
    assert type(translate_error(CLOUD, aiohttp.ClientPayloadError("cut"))) is (
        CloudConnectionError)


class _BodyCutOff(httpx2.SyncByteStream):
    """An error body that breaks off half-way, as from a proxy that drops the connection."""

    def __iter__(self) -> Iterator[bytes]:
        yield b'{"error": {"mess'
        raise httpx2.RemoteProtocolError("peer closed connection without sending the body")


# openai reads an error response's body without wrapping transport errors.
def test_a_503_whose_body_breaks_off_is_a_cloud_error() -> None:
    def handler(_: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(503, headers={"content-type": "application/json"},
                               stream=_BodyCutOff())

    backend = CloudBackend(CLOUD, CloudTarget(base_url="http://127.0.0.1:9/v1", model="m"),
                           price=None)
    with httpx2.Client(transport=httpx2.MockTransport(handler)) as http_client:
        backend._client = openai.OpenAI(base_url="http://127.0.0.1:9/v1", api_key="x",
                                        max_retries=0, http_client=http_client)
        with pytest.raises(CloudError) as raised:
            list(backend.stream(chat_request()))
    assert raised.value.retryable


# -- estimate_tokens -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "tokens"), [
    ("", 0), ("a", 1), ("abcd", 1), ("abcde", 2), ("x" * 400, 100),
])
def test_estimate_tokens(text: str, tokens: int) -> None:
    assert estimate_tokens(text) == tokens


# -- StreamTracker ------------------------------------------------------------------------------

def chunk(content: str | None = None, finish_reason: str | None = None,
          usage: dict[str, int] | None = None, *, choices: bool = True) -> dict[str, Any]:
    """A chunk as the cloud sends it (JSON), checked against openai's own chunk type."""
    data: dict[str, Any] = {
        "id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "m",
        "choices": [{"index": 0, "delta": {"content": content},
                     "finish_reason": finish_reason}] if choices else [],
    }
    if usage is not None:
        data["usage"] = {**usage, "total_tokens": sum(usage.values())}
    ChatCompletionChunk.model_validate(data)
    return data


def tracker(prompt_estimate: int = 20) -> StreamTracker:
    return StreamTracker(CLOUD, prompt_estimate)


def feed(stream: StreamTracker, chunks: list[dict[str, Any]]) -> list[str]:
    events = [event for c in chunks for event in stream.feed(c)]
    assert all(isinstance(event, TextDelta) for event in events)  # the tracker finishes apart
    return [event.text for event in events if isinstance(event, TextDelta)]


def test_tracker_yields_text_and_uses_the_reported_usage() -> None:
    stream = tracker()
    texts = feed(stream, [chunk("Hel"), chunk("lo"), chunk(None, "stop"),
                          chunk(usage={"prompt_tokens": 11, "completion_tokens": 2},
                                choices=False)])
    assert texts == ["Hel", "lo"]
    finished = stream.finish()
    assert (finished.finish_reason, finished.prompt_tokens, finished.completion_tokens) == (
        "stop", 11, 2)


def test_tracker_estimates_tokens_without_usage() -> None:
    stream = tracker(prompt_estimate=37)
    feed(stream, [chunk("abcdefgh"), chunk("ij", "length")])
    finished = stream.finish()
    assert (finished.finish_reason, finished.prompt_tokens, finished.completion_tokens) == (
        "length", 37, estimate_tokens("abcdefghij"))


def test_tracker_ignores_empty_deltas() -> None:
    stream = tracker()
    assert feed(stream, [chunk(""), chunk(None), chunk("x", "stop")]) == ["x"]


@pytest.mark.parametrize("chunks", [
    [],
    [chunk("Hel"), chunk("lo")],
    [chunk("Hi"), chunk(usage={"prompt_tokens": 3, "completion_tokens": 1}, choices=False)],
], ids=["nothing", "text-only", "usage-but-no-finish"])
def test_stream_that_ends_unfinished_is_a_connection_error(
        chunks: list[dict[str, Any]]) -> None:
    stream = tracker()
    feed(stream, chunks)
    with pytest.raises(CloudConnectionError, match="ended before the answer was finished"):
        stream.finish()


# -- whole_answer -------------------------------------------------------------------------------

def test_whole_answer_reads_text_finish_and_usage() -> None:
    events = list(whole_answer(CLOUD, {
        "choices": [{"index": 0, "finish_reason": "length",
                     "message": {"role": "assistant", "content": "Hello"}}],
        "usage": {"prompt_tokens": 7, "completion_tokens": 2, "total_tokens": 9}}, 30))
    assert events == [Started(prompt_tokens=7), TextDelta("Hello"), Finished("length", 7, 2)]


def test_whole_answer_without_usage_or_choices_estimates() -> None:
    events = list(whole_answer(CLOUD, {"choices": []}, 30))
    assert events == [Started(prompt_tokens=None), Finished("stop", 30, 0)]


@pytest.mark.parametrize("answer", ["<html>Bad gateway</html>", ["a", "list"], None])
def test_whole_answer_that_is_not_a_completion_is_a_connection_error(answer: object) -> None:
    with pytest.raises(CloudConnectionError, match="not a chat completion"):
        list(whole_answer(CLOUD, answer, 30))


@pytest.mark.parametrize("raw, connect_failed", [
    (aiohttp.ClientOSError(111, "Connect call failed"), True),
    (aiohttp.ServerDisconnectedError(), False),
    (aiohttp.ClientPayloadError("Response payload is not completed"), False),
], ids=lambda value: type(value).__name__)
def test_aiohttp_connect_failures_count_for_offline(raw: Exception, connect_failed: bool
                                                    ) -> None:
    error = translate_error(CLOUD, through_aiohttp_transport(raw))
    assert isinstance(error, CloudError) and error.connect_failed is connect_failed


def test_unparseable_streamed_event_is_a_connection_error() -> None:
    import json

    try:
        json.loads("")
    except json.JSONDecodeError as exc:
        error = translate_error("vendor", exc)
    assert isinstance(error, CloudConnectionError) and "not JSON" in str(error)
