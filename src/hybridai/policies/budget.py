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

A ledger is anything that keeps ``stores.protocols.BudgetLedger``: ``SqliteBudgetLedger``
here is the one the settings open (``open_ledger``); ``stores.memory.MemoryBudgetLedger``
applies the same rules in one process's memory, without a file.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

from ..config import BudgetSettings, Settings
from ..stores.ledger import BudgetStatus, LedgerReads, Period, PeriodBounds, Reservation, refusal
from ..stores.memory import MemoryBudgetLedger
from ..stores.protocols import BudgetLedger
from ..stores.sqlite import open_db

# The budget's values and protocol live with the ledgers (``stores``); this is where the
# rest of hybridai finds them.
__all__ = ["BudgetLedger", "BudgetStatus", "MemoryBudgetLedger", "Period", "Reservation",
           "SqliteBudgetLedger", "open_ledger"]

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


class SqliteBudgetLedger(LedgerReads):
    """The spend ledger in a SQLite file (``stores.protocols.BudgetLedger``); safe to share
    between threads, and between processes by its file."""

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

    def _status(self, now: float) -> BudgetStatus:
        bounds = PeriodBounds.at(now, self.zone)
        day_usd, month_usd, reserved = self._db.execute(
            _SUMS, {"day": bounds.day.timestamp(), "month": bounds.month.timestamp(),
                    "now": now}).fetchone()
        return bounds.status(self.settings, day_usd=day_usd, month_usd=month_usd,
                             reserved_usd=reserved)

    def reserve(self, target: str, cost_usd: float, hold_s: float) -> Reservation:
        """Holds ``cost_usd`` for a call to ``target``; BudgetExhaustedError if it won't fit."""
        now = self.clock()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                error = refusal(self._status(now), cost_usd, now, self.zone)
                if error is not None:
                    raise error
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
                             (cost_usd, reservation.id))

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


def open_ledger(settings: Settings) -> SqliteBudgetLedger:
    """The ledger the settings name: ``budget.ledger_path``, else under ``cache_dir``."""
    path = settings.budget.ledger_path or settings.cache_dir / "budget.sqlite"
    return SqliteBudgetLedger(settings.budget, path.expanduser())
