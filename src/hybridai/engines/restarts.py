"""What an engine keeps after losing its worker: when it crashed, and the thread that starts
it again without waiting for a request.

``CrashHistory`` answers how many crashes fall within the window and how long until fewer
than ``max_crashes`` do: the device is unavailable until then (device/availability.py).
``BackgroundRestarter`` restarts the engine once kicked (after a crash): it waits ``base_s``
before the first try and doubles the wait after each failed one, up to ``max_s``; it holds off
while the crash history rules the engine out, and resumes when the window reopens.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class CrashHistory:
    """Crash times; thread-safe (a worker's death is noticed on its reader thread)."""

    def __init__(self, window_s: float, max_crashes: int, *,
                 clock: Callable[[], float] = time.monotonic, keep: int = 100) -> None:
        self.window_s = window_s
        self.max_crashes = max_crashes
        self._clock = clock
        self._times: deque[float] = deque(maxlen=keep)
        self._lock = threading.Lock()

    def record(self) -> None:
        with self._lock:
            self._times.append(self._clock())

    def _within(self, now: float | None) -> list[float]:
        now = self._clock() if now is None else now
        with self._lock:
            return [t for t in self._times if now - t < self.window_s]

    def recent(self, now: float | None = None) -> int:
        """Crashes within the window."""
        return len(self._within(now))

    def ruled_out_for(self, now: float | None = None) -> float:
        """Seconds until fewer than ``max_crashes`` crashes are within the window; 0.0 when
        fewer already are."""
        now = self._clock() if now is None else now
        within = self._within(now)
        if len(within) < self.max_crashes:
            return 0.0
        # The crash whose leaving brings the count below max_crashes.
        return max(within[len(within) - self.max_crashes] + self.window_s - now, 0.0)


class BackgroundRestarter:
    """Calls ``restart`` on its own thread after ``kick()``, until it returns without raising.

    ``restart`` should return at once when the engine already runs (a request started it).
    ``wait`` sleeps and says whether the restarter was stopped meanwhile (injectable for tests).
    """

    def __init__(self, restart: Callable[[], None], crashes: CrashHistory, *, base_s: float,
                 max_s: float, wait: Callable[[float], bool] | None = None,
                 name: str = "hybridai-engine-restarter") -> None:
        self.base_s = base_s
        self.max_s = max(max_s, base_s)
        self.last_error: Exception | None = None
        """Why the last try failed; None once a try succeeded."""
        self._restart = restart
        self._crashes = crashes
        self._name = name
        self._stopped = threading.Event()
        self._kicked = threading.Event()
        self._wait = wait or self._stopped.wait
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    @property
    def running(self) -> bool:
        """Its thread is alive (waiting for a kick, backing off or restarting)."""
        return self._thread is not None and self._thread.is_alive()

    def kick(self) -> None:
        """The engine lost its worker: bring up another (a no-op once stopped)."""
        with self._lock:
            if self._stopped.is_set():
                return
            self._kicked.set()
            if not self.running:
                self._thread = threading.Thread(target=self._run, daemon=True, name=self._name)
                self._thread.start()

    def stop(self, timeout_s: float = 5.0) -> None:
        """No more restarts; waits up to ``timeout_s`` for a try under way to end."""
        with self._lock:
            self._stopped.set()
            self._kicked.set()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout_s)

    def _run(self) -> None:
        while True:
            self._kicked.wait()
            if self._stopped.is_set():
                return
            self._kicked.clear()  # a kick from here on means another round
            self._restart_with_backoff()

    def _restart_with_backoff(self) -> None:
        delay = self.base_s
        while not self._stopped.is_set():
            ruled_out = self._crashes.ruled_out_for()
            if ruled_out > 0:
                if self._wait(ruled_out):
                    return
                continue
            if self._wait(delay):
                return
            if self._stopped.is_set() or self._crashes.ruled_out_for() > 0:
                continue  # stopped, or a crash came in while waiting
            try:
                self._restart()
            except Exception as exc:  # a failed load or a crash on start: back off, try again
                self.last_error = exc
                delay = min(delay * 2, self.max_s)
            else:
                self.last_error = None
                return
