"""The state stores: where the budget, the targets' health and the response cache keep what
they know, behind one protocol each.

    BudgetLedger   cloud spend against the daily and monthly caps
                   (``policies.budget.SqliteBudgetLedger``: a file processes share;
                   ``stores.memory.MemoryBudgetLedger``: one process, no file)
    HealthState    the circuit breakers' records and the offline state
                   (``stores.memory.MemoryHealthState``: each process its own)
    AnswerStore    the response cache's answers (``cache.store.CacheStore``: SQLite)
    QuestionIndex  the cached questions by meaning (``cache.semantic.SemanticIndex``: memory)

Today's implementations share state within a process (memory) or between the processes of
one machine (SQLite). A store that many gateway workers share (Redis) implements the same
protocols; the policies that decide (when a cap refuses, when a breaker opens) stay where they
are, and every check-and-change a decision depends on is one call, so a shared store can make
it atomic.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from ..errors import BudgetExhaustedError
from .answers import Embedded, Entry, Match, StoredAnswer
from .health import BreakerRecord, CallWindow
from .ledger import BudgetStatus, Reservation

if TYPE_CHECKING:
    import numpy as np


class BudgetLedger(Protocol):
    """Cloud spend, held while calls run and settled when they end; safe to share between
    threads. The sync methods may block (a file, a network); the event loop calls the async
    ones."""

    def check(self, cost_usd: float) -> BudgetExhaustedError | None:
        """The error a call that may cost ``cost_usd`` would meet now, if any; writes nothing."""
        ...

    def reserve(self, target: str, cost_usd: float, hold_s: float) -> Reservation:
        """Holds ``cost_usd`` for a call to ``target``, in one step with the check, so two
        callers cannot both take the last dollars; raises BudgetExhaustedError if it won't fit.
        A hold not settled within ``hold_s`` lapses (its caller died)."""
        ...

    def settle(self, reservation: Reservation, cost_usd: float) -> None:
        """The call ended and cost ``cost_usd``: its hold becomes that spend."""
        ...

    async def areserve(self, target: str, cost_usd: float, hold_s: float) -> Reservation:
        """``reserve`` without blocking the event loop."""
        ...

    async def asettle(self, reservation: Reservation, cost_usd: float) -> None:
        """``settle`` without blocking the event loop."""
        ...

    def status(self) -> BudgetStatus:
        """Spend today and this month against the caps, open holds included."""
        ...

    def close(self) -> None: ...


class HealthState(Protocol):
    """The circuit breakers' records, one per cloud target, and the offline state.

    Every method is thread-safe and never blocks: the execution core calls them on the event
    loop. A transition takes what the caller last read (``expected``) and happens only if the
    breaker still stands there, so two callers deciding at once cannot undo each other.
    """

    def record_call(self, target: str, *, failed: bool, now: float, window_s: float
                    ) -> CallWindow:
        """Counts a call's outcome; forgets calls older than ``window_s``."""
        ...

    def breaker(self, target: str) -> BreakerRecord: ...

    def open_breaker(self, target: str, now: float, *, expected: float | None) -> bool:
        """Opens (or reopens) the breaker at ``now`` and ends any trial, if it still stands
        opened at ``expected`` (None: closed); whether it did."""
        ...

    def close_breaker(self, target: str, *, expected: float) -> bool:
        """Closes the breaker and forgets its calls, if it still stands opened at
        ``expected``; whether it did."""
        ...

    def claim_trial(self, target: str, now: float, *, cooled_before: float) -> bool:
        """Starts the trial call at ``now`` if the breaker opened at or before
        ``cooled_before`` and no trial began after it; whether this caller got it."""
        ...

    def release_trial(self, target: str) -> None:
        """The trial ended without a verdict: another may start."""
        ...

    def record_connect(self, target: str, *, failed: bool) -> frozenset[str]:
        """Notes whether ``target``'s last try failed to connect; the targets whose last try
        did, after this one."""
        ...

    def go_offline(self, until: float) -> None:
        """Offline until ``until``, unless already offline."""
        ...

    def go_online(self) -> None:
        """Online again: the offline state and every connect failure are forgotten."""
        ...

    def offline_until(self) -> float | None: ...


class AnswerStore(Protocol):
    """The response cache's answers by key, with expiry and a bound on how many it keeps."""

    def get(self, key: str, *, touch: bool = True) -> Entry | None:
        """The live entry for ``key``, marked as just used if ``touch``; None if absent or
        expired."""
        ...

    def touch(self, key: str) -> None:
        """Marks ``key`` as just used: the least recently used entries are evicted first."""
        ...

    def put(self, key: str, scope: str, question: str, answer: StoredAnswer, *,
            embedder: str | None = None, embedding: np.ndarray | None = None) -> list[str]:
        """Stores (or replaces) an entry; the keys evicted to stay within bounds."""
        ...

    def embedded(self, embedder: str, *, after_row: int = 0) -> Iterable[Embedded]:
        """The live entries whose question ``embedder`` embedded, stored after ``after_row``:
        what an index is filled from."""
        ...

    def changed_elsewhere(self) -> bool:
        """Whether another process wrote since the last call (the store is shared)."""
        ...

    @property
    def generation(self) -> int:
        """Bumped by every clear: an index built before it is stale."""
        ...

    def close(self) -> None: ...


class QuestionIndex(Protocol):
    """The stored question nearest in meaning to a query, within one scope; vectors are unit
    length, so cosine similarity is their dot product. Thread-safe."""

    def add(self, key: str, scope: str, vector: np.ndarray) -> None:
        """Indexes entry ``key`` (replacing what it had)."""
        ...

    def remove(self, keys: list[str]) -> None: ...

    def nearest(self, scope: str, vector: np.ndarray) -> Match | None: ...

    def holds(self, scope: str) -> bool:
        """Whether any entry of ``scope`` is indexed: if not, a query need not be embedded."""
        ...

    def __len__(self) -> int: ...
