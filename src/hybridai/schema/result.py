"""How a request ended: one immutable value that the gateway, the cache, the request log and
the metrics read, never the recorder that is still being written."""

from __future__ import annotations

from dataclasses import dataclass

from .modes import Mode, Route
from .reasons import Reason
from .response import RoutingInfo


@dataclass(frozen=True)
class RequestResult:
    mode: Mode
    route: Route | None
    """Where the answering (or last tried) attempt ran; None before any attempt began."""
    target: str | None
    reason: Reason | None
    routing: RoutingInfo | None
    """The routing metadata, once an answer finished or began to stream."""
    chunks: tuple[str, ...] = ()
    """The answer's text as it was produced, the part of a broken stream included."""
    finish_reason: str | None = None
    """Set once the answer is complete."""
    stitched: bool = False
    """The answer continues a stream that broke on another target."""

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    @property
    def complete(self) -> bool:
        return self.finish_reason is not None
