"""retry_delay, CircuitBreaker, Connectivity and TargetHealth, on an injected clock."""

from __future__ import annotations

import threading
import time

import pytest

from hybridai.config import CloudTarget, ResilienceSettings
from hybridai.errors import (
    CloudConnectionError,
    CloudStatusError,
    CloudTimeoutError,
    EngineCrashedError,
)
from hybridai.policies.resilience import (
    BreakerState,
    CircuitBreaker,
    Connectivity,
    TargetHealth,
    retry_delay,
)
from hybridai.stores.memory import MemoryHealthState


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def target(**fields: object) -> CloudTarget:
    return CloudTarget(base_url="http://127.0.0.1:1/v1", model="m", **fields)  # type: ignore[arg-type]


def refused() -> CloudConnectionError:
    error = CloudConnectionError("refused")
    error.connect_failed = True
    return error


SETTINGS = ResilienceSettings(breaker_failures=3, breaker_cooldown_s=10, breaker_window_s=60,
                              breaker_min_calls=6, breaker_failure_ratio=0.5, offline_s=30,
                              offline_probe_interval_s=2)


# -- retry_delay --------------------------------------------------------------------------------

def test_backoff_is_full_jitter_under_a_doubling_cap() -> None:
    policy = target(max_retries=5, backoff_base_s=0.5, backoff_max_s=3.0)
    error = CloudStatusError("busy", status=503)
    # rng() = 1.0 shows the cap; 0.5 shows the draw scales it.
    assert [retry_delay(policy, error, n, rng=lambda: 1.0) for n in range(4)] == [
        0.5, 1.0, 2.0, 3.0]
    assert retry_delay(policy, error, 2, rng=lambda: 0.5) == 1.0
    assert retry_delay(policy, error, 0, rng=lambda: 0.0) == 0.0


def test_retries_are_bounded() -> None:
    policy = target(max_retries=2)
    error = CloudTimeoutError("slow")
    assert retry_delay(policy, error, 1) is not None
    assert retry_delay(policy, error, 2) is None
    assert retry_delay(target(max_retries=0), error, 0) is None


@pytest.mark.parametrize("error", [CloudStatusError("bad key", status=401),
                                   CloudStatusError("bad request", status=400),
                                   ValueError("a bug")])
def test_only_retryable_errors_are_retried(error: Exception) -> None:
    assert retry_delay(target(max_retries=3), error, 0) is None


def test_retry_after_is_a_floor_up_to_its_cap() -> None:
    policy = target(max_retries=3, backoff_base_s=0.1, backoff_max_s=0.1,
                    retry_after_max_s=5.0)
    assert retry_delay(policy, CloudStatusError("slow down", status=429, retry_after=2.0),
                       0, rng=lambda: 1.0) == 2.0
    # Longer than the cap: fail over now instead of keeping the caller waiting.
    assert retry_delay(policy, CloudStatusError("slow down", status=429, retry_after=60.0),
                       0) is None


# -- CircuitBreaker ------------------------------------------------------------------------------

def test_breaker_opens_after_consecutive_failures_and_half_opens_after_cooldown() -> None:
    clock = Clock()
    breaker = CircuitBreaker(SETTINGS, clock)
    for _ in range(2):
        breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED and breaker.allow()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    assert not breaker.allow()
    clock.advance(9.9)
    assert not breaker.allow()
    clock.advance(0.2)
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.allow()  # the one probe
    assert not breaker.allow()  # nobody else while it runs
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED
    assert breaker.allow() and breaker.allow()


def half_open_breaker(clock: Clock) -> CircuitBreaker:
    breaker = CircuitBreaker(SETTINGS, clock)
    for _ in range(3):
        breaker.record_failure()
    clock.advance(10)
    assert breaker.state is BreakerState.HALF_OPEN
    return breaker


def test_a_failed_probe_opens_the_breaker_again() -> None:
    clock = Clock()
    breaker = half_open_breaker(clock)
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    clock.advance(5)
    assert not breaker.allow()  # a fresh cool-down from the failed probe


def test_a_success_resets_the_consecutive_count() -> None:
    breaker = CircuitBreaker(SETTINGS, Clock())
    for _ in range(2):
        breaker.record_failure()
    breaker.record_success()
    for _ in range(2):
        breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED


def test_breaker_opens_on_the_failure_ratio_in_its_window() -> None:
    clock = Clock()
    breaker = CircuitBreaker(SETTINGS, clock)
    for _ in range(3):  # fail, succeed, alternating: never 3 in a row ...
        breaker.record_failure()
        breaker.record_success()
    assert breaker.state is BreakerState.CLOSED  # 3 of 6 calls, counted on a failure
    breaker.record_failure()  # ... 4 of 7 failed: over half, with enough calls
    assert breaker.state is BreakerState.OPEN


def test_old_calls_leave_the_window() -> None:
    clock = Clock()
    breaker = CircuitBreaker(SETTINGS, clock)
    for failed in (True, False, True, False, True):  # 3 of 5 failed, never 3 in a row
        breaker.record_failure() if failed else breaker.record_success()
    clock.advance(61)  # those five are forgotten ...
    breaker.record_failure()  # ... else this would make 4 of 6
    assert breaker.state is BreakerState.CLOSED


def test_an_abandoned_probe_frees_the_slot() -> None:
    clock = Clock()
    breaker = half_open_breaker(clock)
    assert breaker.allow()
    breaker.release_trial()
    assert breaker.allow()
    # A probe that never reports back at all frees it after another cool-down.
    assert not breaker.allow()
    clock.advance(10)
    assert breaker.allow()


def test_breaker_is_thread_safe() -> None:
    breaker = CircuitBreaker(ResilienceSettings(breaker_failures=10**9, breaker_min_calls=10**9),
                             Clock())

    def hammer() -> None:
        for _ in range(2000):
            breaker.record_failure()
            breaker.record_success()

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert breaker.state is BreakerState.CLOSED
    window = breaker.store.record_call(breaker.target, failed=False, now=1000.0, window_s=60)
    assert (window.calls, window.failures) == (16001, 8000)  # not one call lost


# -- Connectivity --------------------------------------------------------------------------------

def test_offline_when_every_target_failed_to_connect() -> None:
    connectivity = Connectivity(["a", "b"], SETTINGS, reconnect_check=lambda: False, clock=Clock())
    connectivity.record("a", refused())
    assert not connectivity.offline  # b may still be reachable
    connectivity.record("b", refused())
    assert connectivity.offline


@pytest.mark.parametrize("answer", [None, CloudStatusError("down", status=503),
                                    CloudTimeoutError("no first token")])
def test_a_target_that_answered_means_online(answer: Exception | None) -> None:
    connectivity = Connectivity(["a", "b"], SETTINGS, reconnect_check=lambda: False, clock=Clock())
    connectivity.record("a", refused())
    connectivity.record("b", answer)
    connectivity.record("b", refused()) if answer is None else None
    assert not connectivity.offline


def test_offline_expires_after_offline_s() -> None:
    clock = Clock()
    connectivity = Connectivity(["a"], SETTINGS, reconnect_check=lambda: False, clock=clock)
    connectivity.record("a", refused())
    clock.advance(29)
    assert connectivity.offline
    clock.advance(1)
    assert not connectivity.offline


def test_a_successful_probe_ends_offline_without_blocking_the_request() -> None:
    clock = Clock()
    release = threading.Event()
    probes: list[float] = []

    def probe() -> bool:
        probes.append(clock())
        return release.wait(5)

    connectivity = Connectivity(["a"], SETTINGS, reconnect_check=probe, clock=clock)
    connectivity.record("a", refused())
    started = time.monotonic()
    assert connectivity.check()  # offline; a probe starts in the background
    assert time.monotonic() - started < 1
    assert connectivity.check()  # still offline, and no second probe while one runs
    release.set()
    deadline = time.monotonic() + 5
    while connectivity.offline and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not connectivity.offline
    assert len(probes) == 1


def test_probes_are_spaced_by_the_interval() -> None:
    clock = Clock()
    probes: list[float] = []
    done = threading.Semaphore(0)

    def probe() -> bool:
        probes.append(clock())
        done.release()
        return False

    connectivity = Connectivity(["a"], SETTINGS, reconnect_check=probe, clock=clock)
    connectivity.record("a", refused())
    connectivity.check()
    assert done.acquire(timeout=5)
    deadline = time.monotonic() + 5
    while connectivity._checking and time.monotonic() < deadline:
        time.sleep(0.01)
    connectivity.check()  # too soon: no probe
    clock.advance(2)
    connectivity.check()
    assert done.acquire(timeout=5)
    assert probes == [1000.0, 1002.0]


# -- TargetHealth --------------------------------------------------------------------------------

def test_health_skips_open_targets_and_everything_when_offline() -> None:
    clock = Clock()
    health = TargetHealth(["a", "b"], SETTINGS, reconnect_check=lambda: False, clock=clock)
    for _ in range(3):
        health.failed("a", CloudStatusError("down", status=503))
    assert health.unavailable() == {"a": "circuit_open"}
    assert health.admit("a") == "circuit_open" and health.admit("b") is None
    health.failed("b", refused())
    health.failed("a", refused())
    assert health.unavailable() == {"a": "offline", "b": "offline"}
    assert health.states() == {"a": BreakerState.OPEN, "b": BreakerState.CLOSED}


def test_health_does_not_count_bad_requests_or_other_targets() -> None:
    health = TargetHealth(["a"], SETTINGS, reconnect_check=lambda: False, clock=Clock())
    for _ in range(5):
        health.failed("a", CloudStatusError("bad key", status=401))
        health.failed("device", EngineCrashedError("crash"))
    assert health.unavailable() == {}
    assert health.admit("device") is None


def test_two_healths_sharing_one_state_agree_and_share_one_trial() -> None:
    # What many gateway workers sharing one store would see: one worker's failures open the
    # breaker for all, only one of them gets the half-open trial, offline is everyone's.
    clock, state = Clock(), MemoryHealthState()
    first, second = (TargetHealth(["a", "b"], SETTINGS, reconnect_check=lambda: False,
                                  clock=clock, store=state) for _ in range(2))
    for _ in range(3):
        first.failed("a", CloudStatusError("down", status=503))
    assert second.unavailable() == {"a": "circuit_open"}
    clock.advance(10)
    assert second.admit("a") is None  # the trial
    assert first.admit("a") == "circuit_open"  # ... and nobody else while it runs
    second.succeeded("a")
    assert first.states() == {"a": BreakerState.CLOSED, "b": BreakerState.CLOSED}
    first.failed("a", refused())
    second.failed("b", refused())
    assert first.connectivity.offline and second.connectivity.offline
