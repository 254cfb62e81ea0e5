"""What every budget ledger shares: the values it gives, the day and month a moment falls in,
and the cap rule.

A ledger counts against each cap the spend settled in the period plus the reservations still
alive (calls in flight), and refuses a call when

    settled spend + open reservations + this call's reservation > cap

(``BudgetStatus.blocking``). Days and months begin at midnight in the ledger's time zone.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ..config import BudgetSettings
from ..errors import BudgetExhaustedError


@dataclass(frozen=True)
class Period:
    name: str  # "daily" | "monthly"
    cap_usd: float | None
    spent_usd: float  # settled + open reservations
    resets_at: datetime

    @property
    def remaining_usd(self) -> float | None:
        return None if self.cap_usd is None else max(0.0, self.cap_usd - self.spent_usd)


@dataclass(frozen=True)
class BudgetStatus:
    daily: Period
    monthly: Period
    reserved_usd: float  # the part of spent_usd that calls in flight hold

    def blocking(self, cost_usd: float = 0.0) -> Period | None:
        """The first period whose cap ``cost_usd`` more would pass (a spent cap blocks all)."""
        for period in (self.daily, self.monthly):
            cap = period.cap_usd
            # A nano-dollar of slack: sums of float prices must not miss an exact fit.
            if cap is not None and (period.spent_usd >= cap
                                    or period.spent_usd + cost_usd > cap + 1e-9):
                return period
        return None

    def to_dict(self) -> dict[str, object]:
        return {
            "reserved_usd": round(self.reserved_usd, 8),
            **{p.name: {"spent_usd": round(p.spent_usd, 8), "cap_usd": p.cap_usd,
                        "remaining_usd": None if p.remaining_usd is None
                        else round(p.remaining_usd, 8),
                        "resets_at": p.resets_at.isoformat()}
               for p in (self.daily, self.monthly)},
        }


@dataclass(frozen=True)
class Reservation:
    """A call's hold on the budget: its number in the ledger that took it, and its amount."""

    id: int
    usd: float


@dataclass(frozen=True)
class PeriodBounds:
    """Where the day and the month a moment falls in began, and when they end, in one zone."""

    day: datetime
    month: datetime
    next_day: datetime
    next_month: datetime

    @classmethod
    def at(cls, now: float, zone: ZoneInfo) -> PeriodBounds:
        local = datetime.fromtimestamp(now, zone)
        day = local.replace(hour=0, minute=0, second=0, microsecond=0)
        month = day.replace(day=1)
        next_day = (day + timedelta(days=1, hours=2)).replace(hour=0)  # DST-safe
        next_month = (month + timedelta(days=32)).replace(day=1)
        return cls(day, month, next_day, next_month)

    def status(self, settings: BudgetSettings, *, day_usd: float, month_usd: float,
               reserved_usd: float) -> BudgetStatus:
        """The status of spend summed over these bounds, against the caps of ``settings``."""
        return BudgetStatus(Period("daily", settings.daily_usd, day_usd, self.next_day),
                            Period("monthly", settings.monthly_usd, month_usd, self.next_month),
                            reserved_usd)


def refusal(status: BudgetStatus, cost_usd: float, now: float, zone: ZoneInfo
            ) -> BudgetExhaustedError | None:
    """The error a call that may cost ``cost_usd`` meets under ``status``; None if it fits."""
    period = status.blocking(cost_usd)
    return None if period is None else exhausted_error(
        period, cost_usd, datetime.fromtimestamp(now, zone))


def exhausted_error(period: Period, cost_usd: float, now: datetime) -> BudgetExhaustedError:
    return BudgetExhaustedError(
        f"the {period.name} cloud budget is spent: ${period.spent_usd:.6f} of "
        f"${period.cap_usd:.6f} used, this request could cost up to ${cost_usd:.6f}; "
        f"it resets at {period.resets_at.isoformat()}",
        cap=period.name, spent_usd=round(period.spent_usd, 8), cap_usd=period.cap_usd or 0.0,
        resets_at=period.resets_at.isoformat(),
        retry_after=max(1.0, (period.resets_at - now).total_seconds()))


class LedgerReads:
    """What both ledgers answer the same way from their ``_status(now)``: the status and the
    check before a call. An implementation sets ``clock``, ``zone`` and ``_lock``."""

    clock: Callable[[], float]
    zone: ZoneInfo
    _lock: threading.Lock

    def _status(self, now: float) -> BudgetStatus:
        raise NotImplementedError

    def status(self) -> BudgetStatus:
        with self._lock:
            return self._status(self.clock())

    def check(self, cost_usd: float) -> BudgetExhaustedError | None:
        """The error a call that may cost ``cost_usd`` would meet now, if any (no write)."""
        now = self.clock()
        with self._lock:
            status = self._status(now)
        return refusal(status, cost_usd, now, self.zone)
