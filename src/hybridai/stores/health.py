"""What a health state keeps of each cloud target's circuit breaker, as typed values.

The breaker's policy (``policies.resilience``) reads these and decides; the state only keeps
them. Times are the policy's clock: every process sharing one state must share that clock.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BreakerRecord:
    """One target's breaker as stored. Closed while ``opened_at`` is None; the policy reads
    open or half-open from how long ago it opened."""

    opened_at: float | None = None
    trial_started: float | None = None
    """When the one trial call of a half-open breaker began; None while none runs."""


@dataclass(frozen=True)
class CallWindow:
    """A target's calls as of the one just recorded, and its breaker at that moment."""

    consecutive_failures: int
    calls: int
    """Calls within the window, this one included."""
    failures: int
    """How many of those failed."""
    breaker: BreakerRecord
