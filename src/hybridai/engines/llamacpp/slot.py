"""The engine's one slot: one request runs, ``max_queue`` wait, the rest are busy.

Sync callers wait on a thread lock; async callers wait on an asyncio.Lock first, so a queue
of them holds no threads, then take the thread lock on the engine's executor (free at once
unless a sync caller holds it). Waiting longer than ``max_queue_wait_s`` is busy too.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import Executor

from ...config import DeviceSettings
from ...errors import DeviceBusyError


class EngineSlot:
    def __init__(self, device: DeviceSettings, executor: Executor) -> None:
        self.device = device
        self.lock = threading.Lock()
        """Held by whatever runs on the engine; ops between requests take it directly."""
        self._executor = executor
        self._async_gate: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None
        self._queue_lock = threading.Lock()
        self._admitted_count = 0

    @property
    def waiting(self) -> int:
        """Requests admitted but not yet running."""
        return max(0, self._admitted_count - 1)

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """The slot, for a sync caller."""
        with self._admitted():
            if not self.lock.acquire(timeout=self.device.max_queue_wait_s):
                raise self._waited_too_long()
            try:
                yield
            finally:
                self.lock.release()

    @contextlib.asynccontextmanager
    async def aheld(self) -> AsyncIterator[None]:
        """The slot, for an async caller."""
        loop = asyncio.get_running_loop()
        gate = self._gate()
        with self._admitted():
            if not await _acquire_within(gate, self.device.max_queue_wait_s):
                raise self._waited_too_long()
            try:
                await loop.run_in_executor(self._executor, self.lock.acquire)
                try:
                    yield
                finally:
                    self.lock.release()
            finally:
                gate.release()

    @contextlib.contextmanager
    def _admitted(self) -> Iterator[None]:
        """Holds a place for the whole request: one runs, max_queue wait, the rest are busy."""
        with self._queue_lock:
            if self._admitted_count >= 1 + self.device.max_queue:
                raise DeviceBusyError(
                    f"the device engine is busy ({self.waiting} requests waiting, "
                    f"max_queue={self.device.max_queue})", retry_after=1.0)
            self._admitted_count += 1
        try:
            yield
        finally:
            with self._queue_lock:
                self._admitted_count -= 1

    def _gate(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._async_gate is None or self._async_gate[0] is not loop:
            self._async_gate = (loop, asyncio.Lock())
        return self._async_gate[1]

    def _waited_too_long(self) -> DeviceBusyError:
        return DeviceBusyError(
            f"waited {self.device.max_queue_wait_s:g} s for the device engine "
            f"({self.waiting} requests waiting)", retry_after=self.device.max_queue_wait_s)


async def _acquire_within(lock: asyncio.Lock, timeout_s: float) -> bool:
    """Lock.acquire with a deadline that never loses a grant that races the deadline
    (asyncio.wait_for on 3.11 can drop it, leaving the lock held by nobody)."""
    acquiring = asyncio.ensure_future(lock.acquire())
    try:
        done, _ = await asyncio.wait({acquiring}, timeout=timeout_s)
    except BaseException:  # our caller was cancelled: give back a grant, if one came
        acquiring.cancel()
        if not acquiring.cancelled() and acquiring.done() and acquiring.result():
            lock.release()
        raise
    if done:
        return True
    acquiring.cancel()
    try:
        return await acquiring  # granted just as we gave up: keep it
    except asyncio.CancelledError:
        return False
