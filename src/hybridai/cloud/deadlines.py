"""One try's first-token and total deadlines, and the timeout error for the phase it is in."""

from __future__ import annotations

import time

from ..config import CloudTarget
from ..errors import CloudTimeoutError


class Deadlines:
    """One try's first-token and total deadlines, and the timeout error for the phase.

    The first token is the first streamed token; unstreamed, the answer's arrival (its
    headers and first bytes). Until it comes, ``first_token_timeout_s`` bounds the wait as
    well as ``timeout_s``; after it, ``timeout_s`` alone. Servers send an unstreamed answer's
    headers with the whole answer, so unstreamed, ``first_token_timeout_s`` bounds the time
    the server takes to write the whole answer.
    """

    def __init__(self, name: str, target: CloudTarget) -> None:
        self.name = name
        self.target = target
        self.started = time.monotonic()
        self.first_token_at: float | None = None

    def reached_first_token(self) -> None:
        if self.first_token_at is None:
            self.first_token_at = time.monotonic()

    def remaining(self) -> float:
        """Seconds until the deadline that applies now."""
        total = self.started + self.target.timeout_s
        if self.first_token_at is None:
            total = min(total, self.started + self.target.first_token_timeout_s)
        return total - time.monotonic()

    def check(self) -> None:
        if self.remaining() <= 0:
            raise self.error()

    def error(self) -> CloudTimeoutError:
        if self.first_token_at is None and (
                self.target.first_token_timeout_s < self.target.timeout_s):
            return CloudTimeoutError(
                f"{self.name} sent no first token within "
                f"{self.target.first_token_timeout_s:g} s (first_token_timeout_s)")
        return CloudTimeoutError(f"{self.name} took longer than {self.target.timeout_s:g} s "
                                 "(timeout_s)")
