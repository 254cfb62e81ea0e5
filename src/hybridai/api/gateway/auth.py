"""Client keys: ``Authorization: Bearer <key>`` against the configured keys, if any."""

from __future__ import annotations

import hmac

from starlette.requests import Request

from .errors import HTTPError, Rejected


def check_key(request: Request, api_keys: tuple[bytes, ...]) -> None:
    """Raises ``Rejected`` (401) unless the request carries one of ``api_keys``; no keys, no
    check."""
    if not api_keys:
        return
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    given = token.strip().encode() if scheme.lower() == "bearer" else b""
    # Compare against every key, always, so timing says nothing about which matched.
    matched = False
    for key in api_keys:
        matched |= hmac.compare_digest(given, key)
    if not matched:
        raise Rejected(HTTPError(401, "invalid_request_error", "invalid_api_key",
                                 "missing or incorrect API key (Authorization: Bearer …)"))
