"""cloud.errors.translate_error, estimate_tokens and StreamTracker, with real openai and
httpx objects.

openai 3.x builds its exceptions around ``httpx2`` requests and responses (its own HTTP
stack), so those are what the openai exceptions here carry; raw transport errors are httpx's.
"""

from __future__ import annotations

import email.utils
import json
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

from hybridai.cloud.answers import StreamTracker, read_json, whole_answer
from hybridai.cloud.backend import CloudBackend
from hybridai.cloud.deadlines import Deadlines
from hybridai.cloud.errors import parse_retry_after, translate_error
from hybridai.cloud.tokens import estimate_tokens
from hybridai.config import CloudTarget
from hybridai.core.plan import may_fall_back
from hybridai.errors import (
    CloudAnswerError,
    CloudConnectionError,
    CloudError,
    CloudInvalidJSONError,
    CloudRateLimitedError,
    CloudServerError,
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
    assert type(error) is CloudServerError and isinstance(error, CloudStatusError)
    assert (error.status, error.retryable, error.retry_after) == (status, True, None)
    assert error.code == "cloud_server_error"
    assert str(error) == f"{CLOUD} answered HTTP {status}: upstream overloaded"


def test_rate_limit_keeps_retry_after() -> None:
    error = translate_error(CLOUD, status_error(429, "slow down", headers={"Retry-After": "3"}))
    assert type(error) is CloudRateLimitedError and isinstance(error, CloudStatusError)
    assert (error.status, error.retryable, error.retry_after) == (429, True, 3.0)
    assert error.code == "cloud_rate_limited"


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
    assert (error.status, error.retryable, error.code) == (status, False, "cloud_status_error")
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
    assert type(error) is CloudServerError


def test_status_error_without_a_json_body_uses_the_exception_message() -> None:
    response = httpx2.Response(502, text="<html>Bad gateway</html>", request=request())
    exc = openai.APIStatusError("Error code: 502 - Bad gateway", response=response, body=None)
    error = translate_error(CLOUD, exc)
    assert isinstance(error, CloudStatusError)
    assert str(error) == f"{CLOUD} answered HTTP 502: Error code: 502 - Bad gateway"


def test_an_error_event_in_a_stream_is_an_error_answer() -> None:
    # What openai's Stream raises for a ``data: {"error": …}`` event.
    exc = openai.APIError("the model is overloaded", request(),
                          body={"message": "the model is overloaded"})
    error = translate_error(CLOUD, exc)
    assert type(error) is CloudAnswerError and error.retryable
    assert (error.code, str(error)) == (
        "cloud_error_answer", f"{CLOUD} failed mid-answer: the model is overloaded")


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


def test_whole_answer_without_usage_estimates() -> None:
    events = list(whole_answer(CLOUD, {"choices": [{"message": {"content": "abcdefgh"}}]}, 30))
    assert events == [Started(prompt_tokens=None), TextDelta("abcdefgh"), Finished("stop", 30, 2)]


def test_whole_answer_with_empty_content_is_an_empty_answer() -> None:
    answer = {"choices": [{"finish_reason": "length", "message": {"content": None}}]}
    assert list(whole_answer(CLOUD, answer, 30)) == [Started(), Finished("length", 30, 0)]


@pytest.mark.parametrize(("answer", "message"), [
    ({"error": {"message": "The server is overloaded", "type": "server_error"}},
     "The server is overloaded"),
    ({"error": "overloaded, try later"}, "overloaded, try later"),
    ({"error": {"message": "quota"}, "choices": []}, "quota"),
    ({"id": "x", "object": "chat.completion", "usage": {"prompt_tokens": 3}}, "no choices"),
    ({"choices": []}, "no choices"),
    ({"choices": ["text"]}, "no choices"),
], ids=["error-object", "error-string", "error-and-empty-choices", "no-choices",
        "empty-choices", "choice-not-an-object"])
def test_a_200_with_an_error_or_no_choices_is_a_failed_try(answer: object, message: str
                                                           ) -> None:
    with pytest.raises(CloudAnswerError, match=message) as raised:
        list(whole_answer(CLOUD, answer, 30))
    error = raised.value
    assert type(error) is CloudAnswerError and error.code == "cloud_error_answer"
    assert error.retryable and not error.connect_failed
    assert may_fall_back(error, streamed_text=False, stream=False)
    assert str(error).startswith(f"{CLOUD} answered HTTP 200 ")


@pytest.mark.parametrize("answer", [["a", "list"], None, "text"])
def test_whole_answer_that_is_not_an_object_is_an_error_answer(answer: object) -> None:
    with pytest.raises(CloudAnswerError, match="not a chat completion") as raised:
        list(whole_answer(CLOUD, answer, 30))
    assert raised.value.code == "cloud_error_answer"


@pytest.mark.parametrize("raw", [b'{"choices": [{"mess', b"<html>Bad gateway</html>", b""],
                         ids=["cut-json", "html", "empty"])
def test_an_answer_that_is_not_json_is_invalid_json(raw: bytes) -> None:
    with pytest.raises(CloudInvalidJSONError, match="not JSON") as raised:
        read_json(CLOUD, raw)
    assert raised.value.code == "cloud_invalid_json" and raised.value.retryable


def test_read_json_reads_json() -> None:
    assert read_json(CLOUD, b'{"choices": []}') == {"choices": []}


@pytest.mark.parametrize("raw, connect_failed", [
    (aiohttp.ClientOSError(111, "Connect call failed"), True),
    (aiohttp.ServerDisconnectedError(), False),
    (aiohttp.ClientPayloadError("Response payload is not completed"), False),
], ids=lambda value: type(value).__name__)
def test_aiohttp_connect_failures_count_for_offline(raw: Exception, connect_failed: bool
                                                    ) -> None:
    error = translate_error(CLOUD, through_aiohttp_transport(raw))
    assert isinstance(error, CloudError) and error.connect_failed is connect_failed


def test_unparseable_streamed_event_is_invalid_json() -> None:
    import json

    try:
        json.loads("")
    except json.JSONDecodeError as exc:
        error = translate_error("vendor", exc)
    assert isinstance(error, CloudInvalidJSONError) and "not JSON" in str(error)
    assert error.code == "cloud_invalid_json" and error.retryable


# -- a connection that breaks once the answer has begun -----------------------------------------

def payload_error_cut_mid_chunk() -> aiohttp.ClientPayloadError:
    """What aiohttp raises when a chunked answer stops mid-chunk: its parser's HTTP-style
    error (``400, message=…``) inside, which is no status anyone sent."""
    from aiohttp.http_exceptions import TransferEncodingError

    inner = TransferEncodingError("Not enough data to satisfy transfer length header.")
    error = aiohttp.ClientPayloadError(f"Response payload is not completed: {inner!r}")
    error.__cause__ = inner
    return error


def reset_under_httpx2() -> httpx2.ReadError:
    error = httpx2.ReadError("")
    error.__cause__ = ConnectionResetError(104, "Connection reset by peer")
    return error


@pytest.mark.parametrize(("exc", "cause"), [
    (payload_error_cut_mid_chunk(), "not enough data to satisfy transfer length header"),
    (through_aiohttp_transport(payload_error_cut_mid_chunk()),
     "not enough data to satisfy transfer length header"),
    (reset_under_httpx2(), "connection reset by peer"),
    (httpx2.RemoteProtocolError("peer closed connection without sending complete message "
                                "body (incomplete chunked read)"),
     "peer closed connection without sending complete message body (incomplete chunked read)"),
    (aiohttp.ServerDisconnectedError(), "server disconnected"),
], ids=["aiohttp", "openai-over-aiohttp", "reset", "httpx2-cut", "disconnected"])
def test_a_connection_broken_mid_answer_says_so_without_transport_internals(
        exc: Exception, cause: str) -> None:
    error = translate_error(CLOUD, exc, received="3 chunks")
    assert type(error) is CloudConnectionError and error.retryable
    assert not error.connect_failed
    assert str(error) == f"the connection to {CLOUD} broke after 3 chunks: {cause}"
    assert "400" not in str(error) and "message=" not in str(error)


def test_a_connection_refused_before_the_answer_is_not_a_break() -> None:
    refused = openai.APIConnectionError(request=request())
    refused.__cause__ = httpx2.ConnectError("[Errno 111] Connection refused")
    error = translate_error(CLOUD, refused, received="0 chunks")
    assert isinstance(error, CloudConnectionError) and error.connect_failed
    assert "could not be reached" in str(error)


def sync_backend(handler: Any, **fields: Any) -> CloudBackend:
    """A backend whose sync client answers through ``handler`` (httpx2's MockTransport)."""
    backend = CloudBackend(CLOUD, CloudTarget(base_url="http://127.0.0.1:9/v1", model="m",
                                              **fields), price=None)
    backend._client = openai.OpenAI(
        base_url="http://127.0.0.1:9/v1", api_key="x", max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)))
    return backend


def answering(status: int, body: bytes, content_type: str = "application/json") -> Any:
    def handler(_: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(status, headers={"content-type": content_type}, content=body)
    return handler


def test_a_sync_200_with_an_error_object_is_an_error_answer() -> None:
    backend = sync_backend(answering(200, b'{"error": {"message": "overloaded, retry"}}'))
    with pytest.raises(CloudAnswerError, match="overloaded, retry") as raised:
        list(backend.stream(chat_request()))
    assert raised.value.code == "cloud_error_answer" and raised.value.target == CLOUD


@pytest.mark.parametrize("content_type", ["application/json", "text/html"])
def test_a_sync_200_that_is_not_json_is_invalid_json(content_type: str) -> None:
    backend = sync_backend(answering(200, b'{"choices": [{"mess', content_type))
    with pytest.raises(CloudInvalidJSONError) as raised:
        list(backend.stream(chat_request()))
    assert raised.value.code == "cloud_invalid_json"


class _StreamCutOff(httpx2.SyncByteStream):
    """Two SSE events, then the connection drops."""

    def __iter__(self) -> Iterator[bytes]:
        for text in ("Hel", "lo"):
            yield b"data: " + json.dumps(chunk(text)).encode() + b"\n\n"
        raise httpx2.RemoteProtocolError("peer closed connection without sending complete "
                                         "message body (incomplete chunked read)")


def test_a_sync_stream_that_breaks_says_after_how_many_chunks() -> None:
    def handler(_: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, headers={"content-type": "text/event-stream"},
                               stream=_StreamCutOff())

    events: list[object] = []
    with pytest.raises(CloudConnectionError) as raised:
        events.extend(sync_backend(handler).stream(chat_request(stream=True)))
    assert [e.text for e in events if isinstance(e, TextDelta)] == ["Hel", "lo"]
    assert str(raised.value) == (
        f"the connection to {CLOUD} broke after 2 chunks: peer closed connection without "
        "sending complete message body (incomplete chunked read)")


# -- Deadlines ------------------------------------------------------------------------------------

def test_the_first_token_deadline_applies_until_the_first_token() -> None:
    # Streamed or not: unstreamed, the first token is the answer's arrival.
    target = CloudTarget(base_url="http://x/v1", model="m", timeout_s=60,
                         first_token_timeout_s=3)
    deadlines = Deadlines(CLOUD, target)
    assert 2.5 < deadlines.remaining() <= 3.0
    assert "no first token within 3 s (first_token_timeout_s)" in str(deadlines.error())
    deadlines.reached_first_token()
    assert 59 < deadlines.remaining() <= 60.0
    assert "longer than 60 s (timeout_s)" in str(deadlines.error())
