"""A fast OpenAI-compatible server on loopback: answers at once with a canned reply.

A real HTTP server (uvicorn) speaking OpenAI's chat completion shapes, streamed and not (and
the legacy text completion's), for load tests and for measuring the gateway's own overhead
without a model in the way.
``app(echo=True)`` answers with the last message's text instead, streamed three characters
a chunk, so placeholders the privacy step sent come back cut across chunks.

    python -m tests.support.echo_openai --port 9100
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

REPLY = ["Hello", " from", " the", " echo", " server", "."]


def _chunk(model: str, delta: dict[str, str], finish: str | None = None) -> bytes:
    body = {"id": "chatcmpl-echo", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return b"data: " + json.dumps(body).encode() + b"\n\n"


def _reply(payload: dict[str, Any], echo: bool) -> list[str]:
    if not echo:
        return REPLY
    text = str(payload["messages"][-1]["content"])
    return [text[i:i + 3] for i in range(0, len(text), 3)]


async def chat(request: Request) -> Response:
    payload = json.loads(await request.body())
    model = payload.get("model", "echo")
    reply = _reply(payload, request.app.state.echo)
    usage = {"prompt_tokens": 10, "completion_tokens": len(reply), "total_tokens": 10 + len(reply)}
    if payload.get("stream"):
        async def events() -> AsyncIterator[bytes]:
            yield _chunk(model, {"role": "assistant", "content": ""})
            for word in reply:
                yield _chunk(model, {"content": word})
            yield _chunk(model, {}, "stop")
            tail = {"id": "chatcmpl-echo", "object": "chat.completion.chunk", "choices": [],
                    "created": int(time.time()), "model": model, "usage": usage}
            yield b"data: " + json.dumps(tail).encode() + b"\n\ndata: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")
    return JSONResponse({
        "id": "chatcmpl-echo", "object": "chat.completion", "created": int(time.time()),
        "model": model, "usage": usage,
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": "".join(reply)}}]})


async def text_completion(request: Request) -> Response:
    """``/v1/completions``: the canned reply for each prompt (one choice a prompt)."""
    payload = json.loads(await request.body())
    model = payload.get("model", "echo")
    prompts = payload.get("prompt")
    count = len(prompts) if isinstance(prompts, list) and prompts and not isinstance(
        prompts[0], int) else 1
    text = "".join(REPLY)
    usage = {"prompt_tokens": 10, "completion_tokens": len(REPLY),
             "total_tokens": 10 + len(REPLY)}
    body = {"id": "cmpl-echo", "object": "text_completion", "created": int(time.time()),
            "model": model, "usage": usage,
            "choices": [{"index": i, "text": text, "logprobs": None, "finish_reason": "stop"}
                        for i in range(count)]}
    if not payload.get("stream"):
        return JSONResponse(body)

    async def events() -> AsyncIterator[bytes]:
        for i in range(count):
            for word in REPLY:
                chunk = {**body, "usage": None, "choices": [
                    {"index": i, "text": word, "logprobs": None, "finish_reason": None}]}
                yield b"data: " + json.dumps(chunk).encode() + b"\n\n"
            end = {**body, "usage": None, "choices": [
                {"index": i, "text": "", "logprobs": None, "finish_reason": "stop"}]}
            yield b"data: " + json.dumps(end).encode() + b"\n\n"
        yield b"data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")


async def models(request: Request) -> Response:
    return JSONResponse({"object": "list", "data": [{"id": "echo", "object": "model"}]})


def app(echo: bool = False) -> Starlette:
    server = Starlette(routes=[Route("/v1/chat/completions", chat, methods=["POST"]),
                               Route("/v1/completions", text_completion, methods=["POST"]),
                               Route("/v1/models", models)])
    server.state.echo = echo
    return server


if __name__ == "__main__":
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(app(), host="127.0.0.1", port=args.port, log_level="warning")
