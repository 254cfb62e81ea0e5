"""Daily and monthly caps on cloud spend, kept in a SQLite ledger that survives restarts.

Every cloud call first *reserves* what it could cost at most (prompt estimate + max_tokens
at the target's price), inside one ``BEGIN IMMEDIATE`` transaction that also sums what is
spent and reserved, so two threads or two processes sharing the file cannot both take the
last dollars. When the call ends the reservation is *settled* to its actual cost (usage
tokens x price, as the recorder computes it). A call is refused when

    settled spend + open reservations + this call's reservation > cap

so the cap holds exactly while answers respect their reservation. The remaining bound on
overshoot is the sum, over calls in flight, of (actual cost - reserved cost) where positive:
a prompt that tokenizes to more than ~4 characters a token, or a request without max_tokens
that answers longer than ``budget.reserve_tokens``. A reservation whose process died is
dropped once its call could no longer be running (the target's timeout plus a minute).

Day and month boundaries are taken in ``budget.timezone`` when spend is summed, so
changing the time zone re-reads the same rows.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ..config import BudgetSettings, Settings
from ..errors import BudgetExhaustedError
from ..stores.sqlite import open_db

_SCHEMA = """
    CREATE TABLE IF NOT EXISTS spend (
        id INTEGER PRIMARY KEY,
        ts REAL NOT NULL,
        usd REAL NOT NULL,
        target TEXT NOT NULL,
        settled INTEGER NOT NULL DEFAULT 0,
        expires REAL NOT NULL
    );
    CREATE INDEX IF NOT EXISTS spend_ts ON spend (ts);
"""

# Spend counted against a cap: settled rows, and reservations still alive at ``now``.
_SUMS = """
    SELECT COALESCE(SUM(CASE WHEN ts >= :day THEN usd END), 0),
           COALESCE(SUM(usd), 0),
           COALESCE(SUM(CASE WHEN settled = 0 THEN usd END), 0)
    FROM spend WHERE ts >= :month AND (settled = 1 OR expires > :now)
"""


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


def exhausted_error(period: Period, cost_usd: float, now: datetime) -> BudgetExhaustedError:
    return BudgetExhaustedError(
        f"the {period.name} cloud budget is spent: ${period.spent_usd:.6f} of "
        f"${period.cap_usd:.6f} used, this request could cost up to ${cost_usd:.6f}; "
        f"it resets at {period.resets_at.isoformat()}",
        cap=period.name, spent_usd=round(period.spent_usd, 8), cap_usd=period.cap_usd or 0.0,
        resets_at=period.resets_at.isoformat(),
        retry_after=max(1.0, (period.resets_at - now).total_seconds()))


@dataclass(frozen=True)
class Reservation:
    row_id: int
    usd: float


class BudgetLedger:
    """The spend ledger; safe to share between threads, and between processes by its file."""

    def __init__(self, settings: BudgetSettings, path: Path,
                 clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.path = path
        self.zone = ZoneInfo(settings.timezone)
        self.clock = clock
        # Autocommit; transactions are explicit (BEGIN IMMEDIATE takes the write lock).
        self._db = open_db(path, autocommit=True, fast_commits=True)
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def _bounds(self, now: float) -> tuple[datetime, datetime, datetime, datetime]:
        local = datetime.fromtimestamp(now, self.zone)
        day = local.replace(hour=0, minute=0, second=0, microsecond=0)
        month = day.replace(day=1)
        next_day = (day + timedelta(days=1, hours=2)).replace(hour=0)  # DST-safe
        next_month = (month + timedelta(days=32)).replace(day=1)
        return day, month, next_day, next_month

    def _status(self, now: float) -> BudgetStatus:
        day, month, next_day, next_month = self._bounds(now)
        day_usd, month_usd, reserved = self._db.execute(
            _SUMS, {"day": day.timestamp(), "month": month.timestamp(), "now": now}).fetchone()
        return BudgetStatus(
            Period("daily", self.settings.daily_usd, day_usd, next_day),
            Period("monthly", self.settings.monthly_usd, month_usd, next_month),
            reserved)

    def status(self) -> BudgetStatus:
        with self._lock:
            return self._status(self.clock())

    def check(self, cost_usd: float) -> BudgetExhaustedError | None:
        """The error a call that may cost ``cost_usd`` would meet now, if any (no write)."""
        now = self.clock()
        with self._lock:
            status = self._status(now)
        period = status.blocking(cost_usd)
        return None if period is None else exhausted_error(
            period, cost_usd, datetime.fromtimestamp(now, self.zone))

    def reserve(self, target: str, cost_usd: float, hold_s: float) -> Reservation:
        """Holds ``cost_usd`` for a call to ``target``; BudgetExhaustedError if it won't fit."""
        now = self.clock()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                status = self._status(now)
                period = status.blocking(cost_usd)
                if period is not None:
                    raise exhausted_error(period, cost_usd,
                                          datetime.fromtimestamp(now, self.zone))
                cursor = self._db.execute(
                    "INSERT INTO spend (ts, usd, target, settled, expires) VALUES (?, ?, ?, 0, ?)",
                    (now, cost_usd, target, now + hold_s))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        assert cursor.lastrowid is not None
        return Reservation(cursor.lastrowid, cost_usd)

    def settle(self, reservation: Reservation, cost_usd: float) -> None:
        """The call ended and cost ``cost_usd``; its reservation becomes that spend."""
        with self._lock:
            self._db.execute("UPDATE spend SET usd = ?, settled = 1 WHERE id = ?",
                             (cost_usd, reservation.row_id))

    # The event loop's shells: SQLite blocks (up to the 30 s busy timeout while another
    # process writes), so the loop waits for a thread instead. Correctness is the sync
    # methods': the lock and BEGIN IMMEDIATE serialise the threads as they do processes.
    async def areserve(self, target: str, cost_usd: float, hold_s: float) -> Reservation:
        # A cancelled wait still writes the hold, which lapses after hold_s as a dead
        # process's would: held too long, never overspent.
        return await asyncio.to_thread(self.reserve, target, cost_usd, hold_s)

    async def asettle(self, reservation: Reservation, cost_usd: float) -> None:
        # A cancelled wait leaves the thread running: the settle is written all the same.
        await asyncio.to_thread(self.settle, reservation, cost_usd)

    def close(self) -> None:
        with self._lock:
            self._db.close()


def open_ledger(settings: Settings) -> BudgetLedger:
    """The ledger the settings name: ``budget.ledger_path``, else under ``cache_dir``."""
    path = settings.budget.ledger_path or settings.cache_dir / "budget.sqlite"
    return BudgetLedger(settings.budget, path.expanduser())
