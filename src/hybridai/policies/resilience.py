"""Per-target resilience, without I/O of its own: retry delays, circuit breakers, offline.

``retry_delay`` says how long to wait before trying a cloud target again (full-jitter
exponential backoff, Retry-After honoured up to a cap) or None to move on. ``CircuitBreaker``
stops sending requests to a target that keeps failing and lets one trial request through
after a cool-down. ``Connectivity`` notices that no cloud target can even be connected to
("offline") so requests go straight to the device instead of waiting out connect timeouts,
and runs a cheap reconnect check, off the request path, to see when the network is back.
``TargetHealth`` holds one breaker per cloud target and the connectivity state; every
method is thread-safe and never blocks, so the async pipeline calls it directly.

The policies decide; what they count and the state they move between (breakers' records,
offline-until) sit in a ``stores.protocols.HealthState``: this process's memory by default,
a store many processes share when one is handed in.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterable
from enum import IntEnum

from ..config import CloudTarget, ResilienceSettings
from ..errors import BackendError, CloudError
from ..schema.clock import Clock
from ..stores.health import BreakerRecord, CallWindow
from ..stores.memory import MemoryHealthState
from ..stores.protocols import HealthState


def retry_delay(target: CloudTarget, error: BaseException, retries_done: int,
                rng: Callable[[], float] = random.random) -> float | None:
    """Seconds to wait before retrying ``target`` after ``error``; None = do not retry.

    Only retryable errors are retried, at most ``max_retries`` times. The wait is a full
    jitter draw from ``[0, min(backoff_max_s, backoff_base_s * 2**retries_done)]``; a
    Retry-After from the server is a floor, and one longer than ``retry_after_max_s`` means
    "fail over now" rather than keep the caller waiting.
    """
    if not (isinstance(error, BackendError) and error.retryable):
        return None
    if retries_done >= target.max_retries:
        return None
    ceiling = min(target.backoff_max_s, target.backoff_base_s * 2.0 ** retries_done)
    delay = rng() * ceiling
    retry_after: float | None = getattr(error, "retry_after", None)
    if retry_after is not None:
        if retry_after > target.retry_after_max_s:
            return None
        delay = max(delay, retry_after)
    return delay


class BreakerState(IntEnum):
    """Values are what the /metrics gauge shows."""

    CLOSED = 0
    HALF_OPEN = 1
    OPEN = 2


class CircuitBreaker:
    """closed → open after ``failures`` consecutive failures, or a failure ratio of at least
    ``failure_ratio`` over ``min_calls`` or more calls in the last ``window_s``;
    open → half-open after ``cooldown_s``, when one trial request may run; its success
    closes the breaker, its failure opens it again. A trial that never reports back (its caller went
    away) frees the slot after another ``cooldown_s``.

    The policy is here; what it counts and its state are ``target``'s records in ``store``.
    """

    def __init__(self, settings: ResilienceSettings, clock: Clock = time.monotonic, *,
                 target: str = "target", store: HealthState | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self.target = target
        self.store: HealthState = store if store is not None else MemoryHealthState()

    @property
    def state(self) -> BreakerState:
        return self._state_of(self.store.breaker(self.target), self.clock())

    def _state_of(self, record: BreakerRecord, now: float) -> BreakerState:
        if record.opened_at is None:
            return BreakerState.CLOSED
        if record.opened_at <= now - self.settings.breaker_cooldown_s:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def allow(self) -> bool:
        """Whether a request may go to the target now; in half-open, True for one trial."""
        if self.store.breaker(self.target).opened_at is None:
            return True
        now = self.clock()
        return self.store.claim_trial(self.target, now,
                                      cooled_before=now - self.settings.breaker_cooldown_s)

    def record_success(self) -> None:
        now = self.clock()
        window = self.store.record_call(self.target, failed=False, now=now,
                                        window_s=self.settings.breaker_window_s)
        opened_at = window.breaker.opened_at
        if opened_at is not None and self._state_of(window.breaker, now) is (
                BreakerState.HALF_OPEN):
            self.store.close_breaker(self.target, expected=opened_at)

    def record_failure(self) -> None:
        now = self.clock()
        window = self.store.record_call(self.target, failed=True, now=now,
                                        window_s=self.settings.breaker_window_s)
        state = self._state_of(window.breaker, now)
        if state is BreakerState.HALF_OPEN or (
                state is BreakerState.CLOSED and self._should_open(window)):
            self.store.open_breaker(self.target, now, expected=window.breaker.opened_at)

    def release_trial(self) -> None:
        """The trial ended without a verdict (its caller went away): let another one run."""
        self.store.release_trial(self.target)

    def _should_open(self, window: CallWindow) -> bool:
        if window.consecutive_failures >= self.settings.breaker_failures:
            return True
        return (window.calls >= self.settings.breaker_min_calls
                and window.failures / window.calls >= self.settings.breaker_failure_ratio)


def is_connect_failure(error: BaseException) -> bool:
    """Refused, DNS failure or connect timeout: the target could not even be connected to."""
    return isinstance(error, CloudError) and error.connect_failed


class Connectivity:
    """Offline = the last try of every cloud target failed to connect.

    Offline lasts ``offline_s``, unless a reconnect check (``reconnect_check()``: can any
    target be connected to?) succeeds sooner. Checks run in a background thread, at most one
    at a time and one per ``offline_probe_interval_s``, started by requests that find the
    state offline, so no request waits for one. The offline state is kept in ``store``; the
    checks are this process's own.
    """

    def __init__(self, targets: Iterable[str], settings: ResilienceSettings,
                 reconnect_check: Callable[[], bool], clock: Clock = time.monotonic, *,
                 store: HealthState | None = None) -> None:
        self.targets = tuple(targets)
        self.settings = settings
        self.reconnect_check = reconnect_check
        self.clock = clock
        self.store: HealthState = store if store is not None else MemoryHealthState()
        self._lock = threading.Lock()  # over the reconnect checks' schedule
        self._last_check = float("-inf")
        self._checking = False

    @property
    def offline(self) -> bool:
        until = self.store.offline_until()
        if until is not None and self.clock() >= until:
            self.store.go_online()
            return False
        return until is not None

    def record(self, target: str, error: BaseException | None) -> None:
        if target not in self.targets:
            return
        if error is None:
            self.store.go_online()
        elif is_connect_failure(error):
            if self.store.record_connect(target, failed=True) >= set(self.targets):
                self.store.go_offline(self.clock() + self.settings.offline_s)
        else:  # it answered, even if with an error: the network is up
            self.store.record_connect(target, failed=False)

    def check(self) -> bool:
        """Whether we are offline; starts a background reconnect check when one is due."""
        if not self.offline:
            return False
        with self._lock:
            due = self.clock() - self._last_check >= self.settings.offline_probe_interval_s
            if self._checking or not due:
                return True
            self._checking, self._last_check = True, self.clock()
        threading.Thread(target=self._run_check, name="hybridai-reconnect-check",
                         daemon=True).start()
        return True

    def _run_check(self) -> None:
        try:
            reachable = self.reconnect_check()
        except Exception:  # a check that breaks is a failed check, never a crash
            reachable = False
        if reachable:
            self.store.go_online()
        with self._lock:
            self._checking = False


class TargetHealth:
    """A breaker per cloud target plus connectivity: what the plan may use right now. Their
    records are in ``store`` (this process's memory unless one is handed in)."""

    def __init__(self, targets: Iterable[str], settings: ResilienceSettings,
                 reconnect_check: Callable[[], bool], clock: Clock = time.monotonic, *,
                 store: HealthState | None = None) -> None:
        targets = tuple(targets)
        self.store: HealthState = store if store is not None else MemoryHealthState()
        self.breakers = {name: CircuitBreaker(settings, clock, target=name, store=self.store)
                         for name in targets}
        self.connectivity = Connectivity(targets, settings, reconnect_check, clock,
                                         store=self.store)

    def unavailable(self) -> dict[str, str]:
        """Cloud targets to skip, each with its reason code (``offline``, ``circuit_open``)."""
        if self.connectivity.check():
            return {name: "offline" for name in self.breakers}
        return {name: "circuit_open" for name, breaker in self.breakers.items()
                if breaker.state is BreakerState.OPEN}

    def admit(self, target: str) -> str | None:
        """Claims the right to send to ``target`` now; the reason code when it may not."""
        breaker = self.breakers.get(target)
        if breaker is None:
            return None
        if self.connectivity.check():
            return "offline"
        return None if breaker.allow() else "circuit_open"

    def succeeded(self, target: str) -> None:
        if (breaker := self.breakers.get(target)) is not None:
            breaker.record_success()
            self.connectivity.record(target, None)

    def failed(self, target: str, error: BaseException) -> None:
        """Counts a failure of the place (retryable errors); a bad request is not one."""
        breaker = self.breakers.get(target)
        if breaker is None:
            return
        self.connectivity.record(target, error)
        if isinstance(error, BackendError) and error.retryable:
            breaker.record_failure()
        else:
            breaker.release_trial()

    def abandoned(self, target: str) -> None:
        """The attempt ended with no verdict (the caller went away mid-answer)."""
        if (breaker := self.breakers.get(target)) is not None:
            breaker.release_trial()

    def states(self) -> dict[str, BreakerState]:
        return {name: breaker.state for name, breaker in self.breakers.items()}
