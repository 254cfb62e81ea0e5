"""The engine's crash history and its background restarter, on an injected clock: how many
crashes count, how long they rule the engine out, and the restarter's backoff and pauses."""

from __future__ import annotations

import threading

import pytest

from hybridai.engines.restarts import BackgroundRestarter, CrashHistory
from hybridai.errors import EngineCrashedError
from tests.unit.builders import FakeClock


def history(clock: FakeClock, *, window_s: float = 60.0, max_crashes: int = 3) -> CrashHistory:
    return CrashHistory(window_s=window_s, max_crashes=max_crashes, clock=clock)


def test_crashes_count_within_the_window_only() -> None:
    clock = FakeClock()
    crashes = history(clock)
    crashes.record()
    clock.advance(30)
    crashes.record()
    assert crashes.recent() == 2
    clock.advance(31)  # the first is 61 s old
    assert crashes.recent() == 1
    assert crashes.recent(now=clock() + 60) == 0


def test_the_engine_is_ruled_out_until_enough_crashes_leave_the_window() -> None:
    clock = FakeClock()
    crashes = history(clock, max_crashes=3)
    for _ in range(2):
        crashes.record()
        clock.advance(10)
    assert crashes.ruled_out_for() == 0.0  # two crashes: still allowed
    crashes.record()  # the third, 20 s after the first
    assert crashes.ruled_out_for() == pytest.approx(40.0)  # until the first is 60 s old...
    clock.advance(30)
    assert crashes.ruled_out_for() == pytest.approx(10.0)
    clock.advance(10)
    assert crashes.ruled_out_for() == 0.0  # ...then two remain: allowed again
    assert crashes.recent() == 2


class Scripted:
    """A restart that fails ``failures`` times, then succeeds; waits advance the clock."""

    def __init__(self, clock: FakeClock, failures: int = 0) -> None:
        self.clock = clock
        self.failures = failures
        self.tries: list[float] = []
        self.waits: list[float] = []
        self.done = threading.Event()

    def restart(self) -> None:
        self.tries.append(self.clock())
        if len(self.tries) <= self.failures:
            raise EngineCrashedError("the engine process killed by SIGSEGV while loading")
        self.done.set()

    def wait(self, seconds: float) -> bool:
        self.waits.append(seconds)
        self.clock.advance(seconds)
        return False  # not stopped


def restarter(script: Scripted, crashes: CrashHistory) -> BackgroundRestarter:
    return BackgroundRestarter(script.restart, crashes, base_s=1.0, max_s=4.0,
                               wait=script.wait)


def test_a_crash_restarts_the_engine_after_a_backoff_that_doubles_up_to_its_cap() -> None:
    clock = FakeClock()
    script = Scripted(clock, failures=4)
    worker = restarter(script, history(clock, max_crashes=100))
    try:
        worker.kick()
        assert script.done.wait(5)
    finally:
        worker.stop()
    assert script.waits == [1.0, 2.0, 4.0, 4.0, 4.0]
    assert len(script.tries) == 5


def test_nothing_restarts_until_kicked_and_a_stopped_restarter_does_nothing() -> None:
    clock = FakeClock()
    script = Scripted(clock)
    worker = restarter(script, history(clock))
    assert not script.done.wait(0.1)
    assert not worker.running and script.tries == []  # no thread until the first crash
    worker.stop()
    worker.kick()
    assert not script.done.wait(0.2)
    assert script.tries == []


def test_each_crash_starts_the_backoff_again() -> None:
    clock = FakeClock()
    script = Scripted(clock)
    worker = restarter(script, history(clock))
    try:
        worker.kick()
        assert script.done.wait(5)
        script.done.clear()
        worker.kick()
        assert script.done.wait(5)
    finally:
        worker.stop()
    assert script.waits == [1.0, 1.0]


def test_no_restart_while_the_crash_history_rules_the_engine_out() -> None:
    clock = FakeClock()
    crashes = history(clock, window_s=60.0, max_crashes=2)
    crashes.record()
    clock.advance(5)
    crashes.record()  # two crashes in 5 s: ruled out for 55 s
    script = Scripted(clock)
    worker = restarter(script, crashes)
    try:
        worker.kick()
        assert script.done.wait(5)
    finally:
        worker.stop()
    assert script.waits[0] == pytest.approx(55.0)  # held off until the window reopened
    assert script.tries == [pytest.approx(100 + 5 + 55 + 1.0)]  # then the usual backoff
    assert crashes.ruled_out_for() == 0.0


def test_stop_ends_a_restarter_that_is_backing_off() -> None:
    crashes = CrashHistory(window_s=60.0, max_crashes=3)
    tries: list[int] = []
    worker = BackgroundRestarter(lambda: tries.append(1), crashes, base_s=30.0, max_s=30.0)
    worker.kick()
    worker.stop(timeout_s=5)
    assert not worker.running
    assert tries == []
