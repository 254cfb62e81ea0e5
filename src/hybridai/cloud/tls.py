"""TLS for cloud targets: the context both transports check a certificate with, and the
refused certificate beneath a failed connection."""

from __future__ import annotations

import os
import ssl

from ..config import CloudTarget
from ..errors import ConfigError
from .causes import chain


def tls_context(name: str, target: CloudTarget) -> ssl.SSLContext | None:
    """What both transports check ``name``'s certificate with: its ``ca_bundle``, else
    ``$SSL_CERT_FILE``; None = each client's default (the system's authorities).

    Built here once because the clients would read ``$SSL_CERT_FILE`` at different moments
    (aiohttp when it is imported, httpx2 per client).
    """
    bundle = target.ca_bundle or os.environ.get("SSL_CERT_FILE")
    if not bundle:
        return None
    try:
        return ssl.create_default_context(cafile=bundle)
    except (OSError, ssl.SSLError) as exc:
        source = f"[cloud.{name}] ca_bundle" if target.ca_bundle else "$SSL_CERT_FILE"
        raise ConfigError(f"{source} {str(bundle)!r} holds no readable PEM certificates: "
                          f"{exc}") from None


def certificate_error(exc: BaseException) -> ssl.SSLCertVerificationError | None:
    """The refused certificate beneath ``exc`` (aiohttp's, httpx2's and openai's errors all
    chain it); None without one."""
    for seen in chain(exc):
        if isinstance(seen, ssl.SSLCertVerificationError):
            # aiohttp's ClientConnectorCertificateError is one too, wrapping OpenSSL's.
            inner = getattr(seen, "certificate_error", seen)
            return inner if isinstance(inner, ssl.SSLCertVerificationError) else seen
    return None
