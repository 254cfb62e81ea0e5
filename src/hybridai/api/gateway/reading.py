"""Reading a chat request: the body under the size cap, as a JSON object, with the
``x-hybrid-*`` headers folded in as the fields they stand for, and the token limits applied.

Everything here raises ``Rejected`` with an OpenAI-style 4xx; what the fields mean is the
parser's (``ChatRequest.parse``) to check.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request

from ...config import GatewaySettings
from .errors import HTTPError, Rejected, bad_request

_SWITCH = {"on": True, "true": True, "1": True, "off": False, "false": False, "0": False}
_CASCADE_SWITCH = {**_SWITCH, "yes": True, "no": False}


async def read_payload(request: Request, gateway: GatewaySettings) -> dict[str, Any]:
    """The request body as a dict, with header fields and the gateway's token defaults."""
    payload = await read_json(request, gateway.max_body_bytes)
    _fold_headers(request, payload)
    limit = gateway.max_tokens_limit
    for name in ("max_tokens", "max_completion_tokens"):
        value = payload.get(name)
        if limit and isinstance(value, int | float) and value > limit:  # 5000.0 too
            raise Rejected(bad_request(f"{name}={value} is over this gateway's limit of "
                                       f"{limit}", "max_tokens_too_large", name))
    if gateway.default_max_tokens and not any(
            payload.get(n) is not None for n in ("max_tokens", "max_completion_tokens")):
        payload["max_tokens"] = gateway.default_max_tokens
    return payload


async def read_body(request: Request, max_bytes: int) -> bytes:
    """The body, refused (413) as soon as it is over ``max_bytes``, declared or sent."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise Rejected(_too_large(max_bytes))
    body = bytearray()
    async for part in request.stream():
        body += part
        if len(body) > max_bytes:
            raise Rejected(_too_large(max_bytes))
    return bytes(body)


async def read_json(request: Request, max_bytes: int) -> dict[str, Any]:
    """The body as a JSON object (under the cap), or an OpenAI-style 400."""
    body = await read_body(request, max_bytes)
    try:
        payload = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise Rejected(bad_request(f"the body is not valid JSON: {exc}", "invalid_json")
                       ) from None
    if not isinstance(payload, dict):
        raise Rejected(bad_request("the body must be a JSON object", "invalid_json"))
    return payload


def _fold_headers(request: Request, payload: dict[str, Any]) -> None:
    """The ``x-hybrid-*`` headers, as the body fields they stand for; the body wins."""
    headers = request.headers
    if header_mode := headers.get("x-hybrid-mode"):
        payload.setdefault("mode", header_mode)
    if header_cache := headers.get("x-hybrid-cache"):
        payload.setdefault("cache", _switch("x-hybrid-cache", header_cache))
    if header_continue := headers.get("x-hybrid-continue"):
        payload.setdefault("continue_stream", _switch("x-hybrid-continue", header_continue))
    if (header_cascade := headers.get("x-hybrid-cascade")) is not None:
        payload.setdefault("cascade", _cascade_header(header_cascade))
    if header_privacy := headers.get("x-hybrid-privacy"):
        payload.setdefault("privacy", header_privacy)


def _switch(header: str, value: str) -> bool:
    try:
        return _SWITCH[value.strip().lower()]
    except KeyError:
        raise Rejected(bad_request(f"{header} must be on or off, got {value!r}",
                                   "invalid_header", header)) from None


def _cascade_header(value: str) -> bool | float:
    """``x-hybrid-cascade``: on/off words, or a threshold between 0 and 1."""
    word = value.strip().lower()
    if word in _CASCADE_SWITCH:
        return _CASCADE_SWITCH[word]
    try:
        return float(word)  # the request's validation checks the range
    except ValueError:
        raise Rejected(bad_request(
            f"x-hybrid-cascade must be true, false or a threshold in [0, 1], got {value!r}",
            "invalid_cascade", "x-hybrid-cascade")) from None


def _too_large(limit: int) -> HTTPError:
    return HTTPError(413, "invalid_request_error", "request_too_large",
                     f"the request body is larger than this gateway's limit of {limit} bytes")
