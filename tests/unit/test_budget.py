"""The budget ledgers: caps, reservations, rollover at day and month boundaries (injected
clock), the same behaviour from the SQLite and the in-memory ledger; restarts and two
processes sharing one file (SQLite); the plan when a cap is reached."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hybridai.config import BudgetSettings, Settings
from hybridai.core.plan import may_fall_back, plan
from hybridai.errors import BudgetExhaustedError, ConfigError
from hybridai.policies.budget import SqliteBudgetLedger
from hybridai.schema.modes import Mode, Route
from hybridai.stores.memory import MemoryBudgetLedger
from hybridai.stores.protocols import BudgetLedger
from tests.unit.builders import CLOUD, DEVICE, available_report, unavailable_report

UTC = ZoneInfo("UTC")


class Clock:
    def __init__(self, when: datetime) -> None:
        self.now = when.timestamp()

    def __call__(self) -> float:
        return self.now

    def at(self, when: datetime) -> None:
        self.now = when.timestamp()


Ledgers = Callable[..., BudgetLedger]
"""``(clock, **caps)`` → a ledger of the implementation under test."""


@pytest.fixture(params=["sqlite", "memory"])
def make_ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Ledgers:
    def make(clock: Clock, **caps: object) -> BudgetLedger:
        settings = BudgetSettings(**caps)  # type: ignore[arg-type]
        if request.param == "sqlite":
            return SqliteBudgetLedger(settings, tmp_path / "budget.sqlite", clock=clock)
        return MemoryBudgetLedger(settings, clock=clock)

    return make


def ledger(tmp_path: Path, clock: Clock, **caps: object) -> SqliteBudgetLedger:
    settings = BudgetSettings(**caps)  # type: ignore[arg-type]
    return SqliteBudgetLedger(settings, tmp_path / "budget.sqlite", clock=clock)


def spend(book: BudgetLedger, usd: float) -> None:
    book.settle(book.reserve("cloud", usd, hold_s=60), usd)


# -- what every ledger does ---------------------------------------------------------------------

def test_daily_cap_refuses_what_would_pass_it_and_resets_at_midnight(make_ledger: Ledgers
                                                                     ) -> None:
    clock = Clock(datetime(2026, 3, 14, 23, 50, tzinfo=UTC))
    book = make_ledger(clock, daily_usd=0.10)
    spend(book, 0.06)
    assert book.check(0.04) is None  # exactly reaching the cap is allowed
    error = book.check(0.05)
    assert isinstance(error, BudgetExhaustedError) and error.cap == "daily"
    assert error.spent_usd == pytest.approx(0.06) and error.cap_usd == 0.10
    assert error.retry_after == pytest.approx(600)  # ten minutes to midnight
    with pytest.raises(BudgetExhaustedError):
        book.reserve("cloud", 0.05, hold_s=60)
    clock.at(datetime(2026, 3, 15, 0, 0, 1, tzinfo=UTC))
    assert book.status().daily.spent_usd == 0.0
    assert book.check(0.10) is None


def test_monthly_cap_spans_days_and_resets_on_the_first(make_ledger: Ledgers) -> None:
    clock = Clock(datetime(2026, 1, 30, 12, tzinfo=UTC))
    book = make_ledger(clock, daily_usd=1.0, monthly_usd=0.5)
    spend(book, 0.3)
    clock.at(datetime(2026, 1, 31, 12, tzinfo=UTC))
    spend(book, 0.2)
    status = book.status()
    assert (status.daily.spent_usd, status.monthly.spent_usd) == pytest.approx((0.2, 0.5))
    error = book.check(0.01)
    assert error is not None and error.cap == "monthly"
    assert status.monthly.resets_at == datetime(2026, 2, 1, tzinfo=UTC)
    clock.at(datetime(2026, 2, 1, 0, 0, 1, tzinfo=UTC))
    assert book.status().monthly.spent_usd == 0.0 and book.check(0.5) is None


@pytest.mark.parametrize(("zone", "spent_next_hour"), [("UTC", 0.0), ("Asia/Tokyo", 0.4)])
def test_the_time_zone_sets_where_the_day_begins(make_ledger: Ledgers, zone: str,
                                                 spent_next_hour: float) -> None:
    # 23:30 UTC on 14 March is already 15 March in Tokyo (UTC+9).
    clock = Clock(datetime(2026, 3, 14, 23, 30, tzinfo=UTC))
    book = make_ledger(clock, daily_usd=1.0, timezone=zone)
    spend(book, 0.4)
    clock.at(datetime(2026, 3, 15, 1, 0, tzinfo=UTC))  # a new UTC day, same Tokyo day
    status = book.status()
    assert status.daily.spent_usd == pytest.approx(spent_next_hour)
    assert status.monthly.spent_usd == pytest.approx(0.4)
    assert status.daily.resets_at == datetime(2026, 3, 16, tzinfo=ZoneInfo(zone))


def test_reservations_count_until_settled_to_the_actual_cost(make_ledger: Ledgers) -> None:
    clock = Clock(datetime(2026, 3, 14, 12, tzinfo=UTC))
    book = make_ledger(clock, daily_usd=0.10)
    held = [book.reserve("cloud", 0.04, hold_s=60) for _ in range(2)]
    assert book.status().reserved_usd == pytest.approx(0.08)
    with pytest.raises(BudgetExhaustedError):  # 0.08 held + 0.04 > 0.10
        book.reserve("cloud", 0.04, hold_s=60)
    for reservation in held:
        book.settle(reservation, 0.01)  # the answers were shorter than max_tokens
    status = book.status()
    assert status.reserved_usd == 0.0 and status.daily.spent_usd == pytest.approx(0.02)


def test_a_reservation_whose_call_died_expires(make_ledger: Ledgers) -> None:
    clock = Clock(datetime(2026, 3, 14, 12, tzinfo=UTC))
    book = make_ledger(clock, daily_usd=0.10)
    book.reserve("cloud", 0.09, hold_s=90)  # never settled: its caller died
    assert book.check(0.05) is not None
    clock.now += 91
    assert book.check(0.05) is None and book.status().reserved_usd == 0.0


def test_a_call_that_outlives_its_hold_still_books_its_cost(make_ledger: Ledgers) -> None:
    clock = Clock(datetime(2026, 3, 14, 12, tzinfo=UTC))
    book = make_ledger(clock, daily_usd=0.10)
    late = book.reserve("cloud", 0.02, hold_s=30)
    clock.now += 31
    book.settle(late, 0.03)
    assert book.status().daily.spent_usd == pytest.approx(0.03)


def test_spend_is_booked_on_the_day_its_call_began(make_ledger: Ledgers) -> None:
    clock = Clock(datetime(2026, 3, 14, 23, 59, 50, tzinfo=UTC))
    book = make_ledger(clock, daily_usd=1.0)
    held = book.reserve("cloud", 0.05, hold_s=60)
    clock.at(datetime(2026, 3, 15, 0, 0, 10, tzinfo=UTC))
    book.settle(held, 0.05)
    status = book.status()
    assert status.daily.spent_usd == 0.0 and status.monthly.spent_usd == pytest.approx(0.05)


def test_without_caps_nothing_is_refused_but_spend_is_counted(make_ledger: Ledgers) -> None:
    clock = Clock(datetime(2026, 3, 14, 12, tzinfo=UTC))
    book = make_ledger(clock)
    spend(book, 123.0)
    status = book.status()
    assert book.check(1e6) is None and status.daily.remaining_usd is None
    assert status.to_dict()["daily"] == {
        "spent_usd": 123.0, "cap_usd": None, "remaining_usd": None,
        "resets_at": "2026-03-15T00:00:00+00:00"}


def test_threads_racing_for_the_last_dollars_never_pass_the_cap(make_ledger: Ledgers) -> None:
    book = make_ledger(Clock(datetime(2026, 3, 14, 12, tzinfo=UTC)), daily_usd=0.05)
    taken: list[int] = []

    def reserve_many() -> None:
        count = 0
        for _ in range(200):
            try:
                book.reserve("cloud", 0.0001, hold_s=600)
                count += 1
            except BudgetExhaustedError:
                pass
        taken.append(count)

    threads = [threading.Thread(target=reserve_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(taken) == 500  # 800 tries at $0.0001 against $0.05
    assert book.status().daily.spent_usd == pytest.approx(0.05)


async def test_the_async_forms_hold_and_settle_alike(make_ledger: Ledgers) -> None:
    clock = Clock(datetime(2026, 3, 14, 12, tzinfo=UTC))
    book = make_ledger(clock, daily_usd=0.10)
    held = await book.areserve("cloud", 0.07, hold_s=60)
    assert held.usd == 0.07 and book.status().reserved_usd == pytest.approx(0.07)
    with pytest.raises(BudgetExhaustedError):
        await book.areserve("cloud", 0.04, hold_s=60)
    await book.asettle(held, 0.05)
    status = book.status()
    assert status.reserved_usd == 0.0 and status.daily.spent_usd == pytest.approx(0.05)
    book.close()


# -- the SQLite ledger's file -------------------------------------------------------------------

def test_changing_the_time_zone_rereads_the_same_rows(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 3, 14, 23, 30, tzinfo=UTC))
    utc = ledger(tmp_path, clock, daily_usd=1.0)
    spend(utc, 0.4)
    tokyo = ledger(tmp_path, clock, daily_usd=1.0, timezone="Asia/Tokyo")
    clock.at(datetime(2026, 3, 15, 1, 0, tzinfo=UTC))  # a new UTC day, same Tokyo day
    assert utc.status().daily.spent_usd == 0.0
    assert tokyo.status().daily.spent_usd == pytest.approx(0.4)


def test_spend_survives_a_restart(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 3, 14, 12, tzinfo=UTC))
    first = ledger(tmp_path, clock, daily_usd=0.10)
    spend(first, 0.07)
    first.close()
    again = ledger(tmp_path, clock, daily_usd=0.10)
    assert again.status().daily.spent_usd == pytest.approx(0.07)


_RESERVER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from hybridai.policies.budget import SqliteBudgetLedger
    from hybridai.config import BudgetSettings
    from hybridai.errors import BudgetExhaustedError
    book = SqliteBudgetLedger(BudgetSettings(daily_usd=0.05), Path(sys.argv[1]))
    taken = 0
    time.sleep(max(0.0, float(sys.argv[2]) - time.time()))  # start together
    for _ in range(400):
        try:
            book.reserve("cloud", 0.0001, hold_s=600)
            taken += 1
        except BudgetExhaustedError:
            pass
    print(taken)
""")


def test_two_processes_sharing_the_ledger_never_pass_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "budget.sqlite"
    start = str(time.time() + 5)
    workers = [subprocess.Popen([sys.executable, "-c", _RESERVER, str(path), start],
                                stdout=subprocess.PIPE, text=True) for _ in range(3)]
    taken = [int(w.communicate(timeout=120)[0]) for w in workers]
    # 1200 attempts at $0.0001 against $0.05: exactly 500 fit, whoever wins the races.
    assert sum(taken) == 500
    assert sum(1 for t in taken if t) >= 2, f"the processes did not race: {taken}"
    book = SqliteBudgetLedger(BudgetSettings(daily_usd=0.05), path)
    assert book.status().daily.spent_usd == pytest.approx(0.05)


def test_settings_reject_an_unknown_time_zone() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        BudgetSettings(timezone="Mars/Olympus")
    assert not BudgetSettings().capped and BudgetSettings(monthly_usd=0).capped


def test_budget_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HYBRIDAI_BUDGET__DAILY_USD", "2.5")
    monkeypatch.setenv("HYBRIDAI_BUDGET__TIMEZONE", "Europe/Paris")
    settings = Settings()
    assert settings.budget.daily_usd == 2.5 and settings.budget.timezone == "Europe/Paris"


def test_a_budget_needs_prices_for_the_cloud_models(tmp_path: Path) -> None:
    from hybridai.config import CloudTarget
    from hybridai.core.build import build_pipeline

    settings = Settings(cloud={"x": CloudTarget(base_url="http://127.0.0.1:9/v1",
                                                model="unpriced-model")},
                        budget=BudgetSettings(daily_usd=1), cache_dir=tmp_path)
    with pytest.raises(ConfigError, match="unpriced-model"):
        build_pipeline(settings)


# -- the plan when the budget is spent ----------------------------------------------------------

def spent() -> BudgetExhaustedError:
    return BudgetExhaustedError("the daily cloud budget is spent", cap="daily")


@pytest.mark.parametrize("mode", [Mode.PREFER_ON_DEVICE, Mode.PREFER_IN_CLOUD])
def test_a_spent_budget_keeps_requests_on_the_device(mode: Mode) -> None:
    route_plan = plan(mode, available_report(), DEVICE, [CLOUD], budget=spent())
    [attempt] = route_plan.attempts
    assert attempt.route is Route.ON_DEVICE and str(attempt.reason) == "budget_exhausted:daily"
    assert route_plan.budget is not None


def test_a_spent_budget_refuses_only_in_cloud() -> None:
    with pytest.raises(BudgetExhaustedError, match="daily"):
        plan(Mode.ONLY_IN_CLOUD, available_report(), DEVICE, [CLOUD], budget=spent())


def test_a_spent_budget_with_the_device_down_is_refused_and_says_both() -> None:
    with pytest.raises(BudgetExhaustedError, match="budget is spent; and the device is"):
        plan(Mode.PREFER_ON_DEVICE, unavailable_report(), DEVICE, [CLOUD], budget=spent())


def test_only_on_device_ignores_the_budget() -> None:
    route_plan = plan(Mode.ONLY_ON_DEVICE, available_report(), DEVICE, [CLOUD], budget=spent())
    assert str(route_plan.attempts[0].reason) == "only_on_device"


def test_a_budget_spent_between_planning_and_calling_falls_back() -> None:
    assert may_fall_back(spent(), streamed_text=False, stream=True)
