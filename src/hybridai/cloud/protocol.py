"""The seam a cloud client plugs into: what the pipeline needs of a cloud target's backend.

``CloudBackend`` (the ``openai`` client, or plain aiohttp) is one; another client (a vendor's
SDK, a test's recording fake) is another, handed to ``core.build.build_pipeline(clouds=…)``.
"""

from __future__ import annotations

from typing import Protocol

from ..config import CloudTarget
from ..schema.events import Backend


class CloudTargetBackend(Backend, Protocol):
    """A ``Backend`` for one configured cloud target: it says which target it sends to (its
    URL, timeouts, context window) and releases its connections when the pipeline closes."""

    target: CloudTarget

    def close(self) -> None:
        """Release what sync calls opened."""

    async def aclose(self) -> None:
        """Release what async calls opened (and what sync calls did)."""
