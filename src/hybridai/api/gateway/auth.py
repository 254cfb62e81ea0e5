"""Client keys: ``Authorization: Bearer <key>`` against the configured keys, if any.

The key a request matched names its tenant: a digest of the key (never the key itself), so
what is stored per tenant, such as cached answers, stays apart without storing a secret and
stays with its key when other keys are added or removed.
"""

from __future__ import annotations

import hashlib
import hmac

from starlette.requests import Request

from .errors import HTTPError, Rejected


def check_key(request: Request, api_keys: tuple[bytes, ...]) -> str | None:
    """The tenant of the key the request carries; raises ``Rejected`` (401) unless it is one
    of ``api_keys``. No keys, no check and no tenant."""
    if not api_keys:
        return None
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
    return tenant_of(given)


def tenant_of(key: bytes) -> str:
    return "key:" + hashlib.sha256(key).hexdigest()[:24]
