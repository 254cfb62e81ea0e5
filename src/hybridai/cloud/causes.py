"""What lies beneath a transport exception: openai's wraps httpx2's, which wraps the
transport's (aiohttp's, a socket's). Read by class, and by class name, so any HTTP
transport under openai is understood."""

from __future__ import annotations

import errno
import importlib
import socket
import sys
from collections.abc import Iterator

_CONNECT_ERRNOS = frozenset({errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ENETUNREACH})
# httpx/httpx2's and aiohttp's exceptions for "never connected".
_CONNECT_ERROR_NAMES = frozenset({"ConnectError", "ConnectTimeout", "ClientConnectorError",
                                  "ClientConnectorDNSError", "ConnectionTimeoutError"})


def chain(exc: BaseException, *, context: bool = True) -> Iterator[BaseException]:
    """``exc`` and what it was raised from: its cause, else (with ``context``) the error it
    was raised while handling. openai's <- httpx2's <- the transport's: a short chain."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return
        yield seen
        seen = seen.__cause__ or (seen.__context__ if context else None)


def aiohttp_error(exc: BaseException) -> BaseException | None:
    """The aiohttp error ``exc`` is, or was raised from; None without one."""
    aiohttp = sys.modules.get("aiohttp")  # loaded by the async client's transport, if used
    if aiohttp is None:
        return None
    client_error: type[BaseException] = aiohttp.ClientError
    return next((e for e in chain(exc, context=False) if isinstance(e, client_error)), None)


def http_error_types() -> tuple[tuple[type[BaseException], ...], tuple[type[BaseException], ...]]:
    """Timeout and transport error classes of httpx2 (openai 3.x) and httpx, where present.

    openai wraps most of them, but not every read (an error body cut short escapes raw).
    """
    timeouts: list[type[BaseException]] = []
    transport: list[type[BaseException]] = []
    for name in ("httpx2", "httpx"):
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        timeouts.append(module.TimeoutException)
        transport.append(module.TransportError)
    return tuple(timeouts), tuple(transport)


def failed_to_connect(exc: BaseException) -> bool:
    """Whether ``exc`` or its causes are a refused connection, DNS failure or connect timeout
    (by class name too, so any HTTP transport under openai is understood)."""
    for seen in chain(exc):
        if isinstance(seen, (ConnectionRefusedError, socket.gaierror)) or type(
                seen).__name__ in _CONNECT_ERROR_NAMES:
            return True
        if isinstance(seen, OSError) and seen.errno in _CONNECT_ERRNOS:
            return True  # e.g. aiohttp's ClientOSError(111, "Connect call failed")
    return False


def short_cause(exc: BaseException) -> str:
    """What broke, in a few plain words, without the transport's wrappers: the socket's own
    error ("connection reset by peer"), else the innermost message. aiohttp's parser errors
    read like an HTTP status ("400, message='Not enough data…'") though none was sent: their
    ``message`` alone is taken."""
    seen = list(chain(exc))
    for error in seen:
        if isinstance(error, OSError) and error.errno is not None and error.strerror:
            return _plain(error.strerror)
    for error in reversed(seen):
        message = getattr(error, "message", None) if _is_aiohttp_parser_error(error) else None
        text = message if isinstance(message, str) and message else str(error)
        if text.strip():
            return _plain(text)
    return type(exc).__name__


def _is_aiohttp_parser_error(error: BaseException) -> bool:
    aiohttp = sys.modules.get("aiohttp")
    return aiohttp is not None and isinstance(error, aiohttp.http_exceptions.HttpProcessingError)


def _plain(text: str) -> str:
    text = " ".join(text.split()).rstrip(".")
    if text[1:2].islower():  # "Connection reset by peer", not "SSL…"
        text = text[:1].lower() + text[1:]
    return text[:200]
