"""State stores in this process's memory: a budget ledger without a file, and the targets'
health. Each is thread-safe, and each method holds its lock for a few dict operations, so
neither ever blocks; their state ends with the process."""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..config import BudgetSettings
from ..schema.clock import Clock
from .health import BreakerRecord, CallWindow
from .ledger import BudgetStatus, LedgerReads, PeriodBounds, Reservation, refusal


@dataclass(frozen=True)
class _Hold:
    began: float
    usd: float
    expires: float


class MemoryBudgetLedger(LedgerReads):
    """The SQLite ledger's rules (``policies.budget``) for one process: the same caps per day
    and month, holds that lapse after their ``hold_s``, settling; for tests and single-process
    apps. Settled spend is summed by the local day its call began."""

    def __init__(self, settings: BudgetSettings, clock: Clock = time.time) -> None:
        self.settings = settings
        self.zone = ZoneInfo(settings.timezone)
        self.clock = clock
        self._settled: dict[date, float] = {}
        self._holds: dict[int, _Hold] = {}
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()

    def _day_of(self, when: float) -> date:
        return datetime.fromtimestamp(when, self.zone).date()

    def _status(self, now: float) -> BudgetStatus:
        bounds = PeriodBounds.at(now, self.zone)
        today, this_month = bounds.day.date(), bounds.month.date()
        day_usd = sum(usd for day, usd in self._settled.items() if day >= today)
        month_usd = sum(usd for day, usd in self._settled.items() if day >= this_month)
        reserved = 0.0
        for hold in self._holds.values():
            if hold.expires > now and hold.began >= bounds.month.timestamp():
                reserved += hold.usd
                day_usd += hold.usd if hold.began >= bounds.day.timestamp() else 0.0
        return bounds.status(self.settings, day_usd=day_usd, month_usd=month_usd + reserved,
                             reserved_usd=reserved)

    def _forget_before(self, now: float) -> None:
        """Drops what can no longer count: spend and holds from before this month."""
        bounds = PeriodBounds.at(now, self.zone)
        this_month = bounds.month.date()
        for day in [day for day in self._settled if day < this_month]:
            del self._settled[day]
        month_start = bounds.month.timestamp()
        for number in [n for n, hold in self._holds.items() if hold.began < month_start]:
            del self._holds[number]

    def reserve(self, target: str, cost_usd: float, hold_s: float) -> Reservation:
        now = self.clock()
        with self._lock:
            self._forget_before(now)
            error = refusal(self._status(now), cost_usd, now, self.zone)
            if error is not None:
                raise error
            number = next(self._numbers)
            self._holds[number] = _Hold(now, cost_usd, now + hold_s)
        return Reservation(number, cost_usd)

    def settle(self, reservation: Reservation, cost_usd: float) -> None:
        with self._lock:
            hold = self._holds.pop(reservation.id, None)
            if hold is None:
                return  # from before this month: it no longer counts
            day = self._day_of(hold.began)
            self._settled[day] = self._settled.get(day, 0.0) + cost_usd

    # Nothing here blocks: the event loop calls the sync methods directly.
    async def areserve(self, target: str, cost_usd: float, hold_s: float) -> Reservation:
        return self.reserve(target, cost_usd, hold_s)

    async def asettle(self, reservation: Reservation, cost_usd: float) -> None:
        self.settle(reservation, cost_usd)

    def close(self) -> None:
        """Nothing to release."""


@dataclass
class _Breaker:
    consecutive_failures: int = 0
    calls: deque[tuple[float, bool]] = field(default_factory=deque)  # (when, failed)
    failures: int = 0
    opened_at: float | None = None
    trial_started: float | None = None

    def record(self) -> BreakerRecord:
        return BreakerRecord(self.opened_at, self.trial_started)


class MemoryHealthState:
    """The breakers' records and the offline state for one process (``stores.protocols``)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._breakers: dict[str, _Breaker] = {}
        self._connect_failed: set[str] = set()
        self._offline_until: float | None = None

    def _breaker(self, target: str) -> _Breaker:
        breaker = self._breakers.get(target)
        if breaker is None:
            breaker = self._breakers[target] = _Breaker()
        return breaker

    def record_call(self, target: str, *, failed: bool, now: float, window_s: float
                    ) -> CallWindow:
        with self._lock:
            breaker = self._breaker(target)
            breaker.consecutive_failures = breaker.consecutive_failures + 1 if failed else 0
            breaker.calls.append((now, failed))
            breaker.failures += failed
            while breaker.calls and now - breaker.calls[0][0] > window_s:
                breaker.failures -= breaker.calls.popleft()[1]
            return CallWindow(breaker.consecutive_failures, len(breaker.calls),
                              breaker.failures, breaker.record())

    def breaker(self, target: str) -> BreakerRecord:
        with self._lock:
            return self._breaker(target).record()

    def open_breaker(self, target: str, now: float, *, expected: float | None) -> bool:
        with self._lock:
            breaker = self._breaker(target)
            if breaker.opened_at != expected:
                return False
            breaker.opened_at, breaker.trial_started = now, None
            return True

    def close_breaker(self, target: str, *, expected: float) -> bool:
        with self._lock:
            breaker = self._breaker(target)
            if breaker.opened_at != expected:
                return False
            breaker.opened_at, breaker.trial_started = None, None
            breaker.calls.clear()
            breaker.failures = 0
            return True

    def claim_trial(self, target: str, now: float, *, cooled_before: float) -> bool:
        with self._lock:
            breaker = self._breaker(target)
            if breaker.opened_at is None or breaker.opened_at > cooled_before:
                return False  # closed, or still cooling down
            if breaker.trial_started is not None and breaker.trial_started > cooled_before:
                return False  # a trial runs
            breaker.trial_started = now
            return True

    def release_trial(self, target: str) -> None:
        with self._lock:
            self._breaker(target).trial_started = None

    def record_connect(self, target: str, *, failed: bool) -> frozenset[str]:
        with self._lock:
            if failed:
                self._connect_failed.add(target)
            else:
                self._connect_failed.discard(target)
            return frozenset(self._connect_failed)

    def go_offline(self, until: float) -> None:
        with self._lock:
            if self._offline_until is None:
                self._offline_until = until

    def go_online(self) -> None:
        with self._lock:
            self._offline_until = None
            self._connect_failed.clear()

    def offline_until(self) -> float | None:
        with self._lock:
            return self._offline_until
