"""The host side of the on-device engine: starts, watches and restarts the worker process.

One request runs at a time (the engine has one slot). A worker that dies mid-request raises
EngineCrashedError; one that stays silent past a timeout is killed and raises
EngineTimeoutError. Either way the next request starts a fresh worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from collections.abc import AsyncIterator, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ...config import DeviceSettings
from ...errors import (
    ContextOverflowError,
    DeviceBusyError,
    EngineCrashedError,
    EngineError,
    EngineTimeoutError,
)
from ...schema.events import Finished, Started, StreamEvent, TextDelta
from ...schema.modes import Route
from ...schema.request import ChatRequest
from ..model_source import ModelLocation

_EOF: dict[str, Any] = {"event": "eof"}
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])


@dataclass(frozen=True)
class EngineInfo:
    pid: int
    n_ctx: int
    n_ctx_train: int
    n_threads: int
    load_s: float


class _Process:
    """One worker process and the thread that turns its stdout into events."""

    def __init__(self, command: list[str], log_path: Path) -> None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path = log_path
        self._log: IO[bytes] = log_path.open("wb")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (_PACKAGE_ROOT, os.environ.get("PYTHONPATH")) if p)}
        self.popen = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
            text=True, encoding="utf-8", bufsize=1, env=env,
        )
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self._write_lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True, name="hybridai-engine-reader").start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            try:
                self.events.put(json.loads(line))
            except json.JSONDecodeError:
                continue  # not ours: stray output can't be a protocol message
        self.events.put(_EOF)

    def send(self, message: dict[str, Any]) -> bool:
        """False when the process is gone (its stdin is closed)."""
        assert self.popen.stdin is not None
        try:
            with self._write_lock:
                self.popen.stdin.write(json.dumps(message) + "\n")
                self.popen.stdin.flush()
            return True
        except (BrokenPipeError, OSError, ValueError):
            return False

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self) -> None:
        if self.alive():
            self.popen.kill()
        self.popen.wait()
        self._log.close()

    def stop(self, grace_s: float = 3.0) -> None:
        if self.popen.stdin:
            with contextlib.suppress(OSError):
                self.popen.stdin.close()
        try:
            self.popen.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
        self._log.close()

    def exit_description(self) -> str:
        code = self.popen.wait()
        if code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exited with status {code}"

    def log_tail(self, lines: int = 5) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return " | ".join(line for line in text.splitlines()[-lines:] if line.strip())


class LocalEngine:
    """llama.cpp in a worker process, as a Backend."""

    route = Route.ON_DEVICE

    def __init__(self, device: DeviceSettings, location: ModelLocation, log_dir: Path,
                 name: str = "device", *, logits_all: bool = False) -> None:
        self.device = device
        self.logits_all = logits_all  # a router's probe reads every position's distribution
        self.location = location
        self.name = name
        self.model = location.name
        self.price = device.price
        self.log_path = log_dir / "engine.log"
        self.info: EngineInfo | None = None
        self.restarts = 0
        self.crash_times: deque[float] = deque(maxlen=100)
        self._proc: _Process | None = None
        # One request runs at a time. Sync callers wait on the lock; async callers wait on an
        # asyncio.Lock first, so a queue of them holds no threads. At most max_queue wait.
        self._slot = threading.Lock()
        self._async_gate: tuple[asyncio.AbstractEventLoop, asyncio.Lock] | None = None
        self._queue_lock = threading.Lock()
        self._admitted_count = 0
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="hybridai-engine")
        self._current_id: str | None = None  # read from other threads to cancel

    # -- process lifecycle ---------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        return self._proc.popen.pid if self._proc and self._proc.alive() else None

    def recent_crashes(self, now: float | None = None) -> int:
        now = time.monotonic() if now is None else now
        return sum(1 for t in self.crash_times if now - t <= self.device.crash_window_s)

    def _options(self) -> dict[str, Any]:
        import psutil

        return {
            "model_path": str(self.location.path),
            "n_ctx": self.device.n_ctx,
            "n_threads": self.device.n_threads or psutil.cpu_count(logical=False) or 1,
            "n_batch": self.device.n_batch,
            "logits_all": self.logits_all,
        }

    def _ensure_running(self) -> _Process:
        if self._proc is not None and self._proc.alive():
            return self._proc
        if self._proc is not None:
            # It died between requests: that is a crash too.
            self.crash_times.append(time.monotonic())
            self._proc.kill()
            self.restarts += 1
        if not self.location.present:
            raise EngineError(f"model file for {self.location.name} is missing",
                              code="model_missing")
        command = [sys.executable, "-m", "hybridai.engines.llamacpp.worker",
                   json.dumps(self._options())]
        proc = _Process(command, self.log_path)
        event = self._wait(proc, self.device.load_timeout_s, what="load the model")
        if event["event"] == "fatal":
            proc.kill()
            raise EngineError(f"the engine could not load {self.location.name}: "
                              f"{event['message']}", code="engine_failed")
        if event["event"] != "ready":
            proc.kill()
            raise EngineError(f"unexpected first message from the engine: {event}")
        self.info = EngineInfo(pid=event["pid"], n_ctx=event["n_ctx"],
                               n_ctx_train=event["n_ctx_train"], n_threads=event["n_threads"],
                               load_s=event["load_s"])
        self._proc = proc
        return proc

    def _wait(self, proc: _Process, timeout_s: float, *, what: str) -> dict[str, Any]:
        """The next event, or the engine is declared dead (crashed or hung)."""
        try:
            event = proc.events.get(timeout=timeout_s)
        except queue.Empty:
            proc.kill()
            self.crash_times.append(time.monotonic())
            self.restarts += 1
            raise EngineTimeoutError(
                f"the engine did not {what} within {timeout_s:g} s; it was killed and "
                "will restart") from None
        if event is _EOF:
            detail = proc.exit_description()
            tail = proc.log_tail()
            proc.kill()
            self.crash_times.append(time.monotonic())
            self.restarts += 1
            raise EngineCrashedError(
                f"the engine process {detail} while trying to {what}"
                + (f" (log: {tail})" if tail else "") + "; it will restart")
        return event

    def start(self) -> EngineInfo:
        with self._slot:
            self._ensure_running()
        assert self.info is not None
        return self.info

    def close(self) -> None:
        if self._proc is not None:
            self._proc.stop()
            self._proc = None
        self._executor.shutdown(wait=False, cancel_futures=True)

    # -- admission -------------------------------------------------------------------------

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

    @property
    def waiting(self) -> int:
        """Requests admitted but not yet running."""
        return max(0, self._admitted_count - 1)

    def _gate(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        if self._async_gate is None or self._async_gate[0] is not loop:
            self._async_gate = (loop, asyncio.Lock())
        return self._async_gate[1]

    # -- requests ------------------------------------------------------------------------

    def _waited_too_long(self) -> DeviceBusyError:
        return DeviceBusyError(
            f"waited {self.device.max_queue_wait_s:g} s for the device engine "
            f"({self.waiting} requests waiting)", retry_after=self.device.max_queue_wait_s)

    def stream(self, request: ChatRequest) -> Generator[StreamEvent, None, None]:
        with self._admitted():
            if not self._slot.acquire(timeout=self.device.max_queue_wait_s):
                raise self._waited_too_long()
            try:
                yield from self._generate(request)
            finally:
                self._slot.release()

    async def astream(self, request: ChatRequest) -> AsyncIterator[StreamEvent]:
        loop = asyncio.get_running_loop()
        gate = self._gate()
        with self._admitted():
            if not await _acquire_within(gate, self.device.max_queue_wait_s):
                raise self._waited_too_long()
            try:
                # Free at once unless a sync caller holds it: async callers pass singly.
                await loop.run_in_executor(self._executor, self._slot.acquire)
                try:
                    async for event in self._drive(self._generate(request)):
                        yield event
                finally:
                    self._slot.release()
            finally:
                gate.release()

    async def _drive(self, iterator: Generator[StreamEvent, None, None]
                     ) -> AsyncIterator[StreamEvent]:
        """Steps a blocking generator on the engine's executor."""
        loop = asyncio.get_running_loop()
        step: asyncio.Future[StreamEvent | None] | None = None
        try:
            while True:
                step = loop.run_in_executor(self._executor, next, iterator, None)
                event = await asyncio.shield(step)
                if event is None:
                    return
                yield event
        finally:
            if step is not None and not step.done():
                # Cancelled while a step runs: stop the engine so the step ends soon.
                self.cancel_current()
                await asyncio.wait([step])
            await loop.run_in_executor(self._executor, iterator.close)

    def _generate(self, request: ChatRequest) -> Generator[StreamEvent, None, None]:
        """One request on the worker; the caller holds the slot."""
        proc = self._ensure_running()
        request_id = uuid.uuid4().hex
        self._current_id = request_id
        message = {
            "op": "chat", "id": request_id,
            "messages": [m.model_dump() for m in request.messages],
            "max_tokens": request.max_tokens, "temperature": request.temperature,
            "top_p": request.top_p, "seed": request.seed, "stop": request.stop,
            "logprobs": request.logprobs,
        }
        if not proc.send(message):
            self._wait(proc, 5.0, what="accept the request")  # raises: it is gone
        finished = False
        timeout_s, what = self.device.first_token_timeout_s, "produce a first token"
        try:
            while True:
                event = self._wait(proc, timeout_s, what=what)
                if event.get("id") != request_id:
                    continue  # the tail of an earlier, cancelled request
                kind = event["event"]
                if kind == "start":
                    yield Started(prompt_tokens=event["prompt_tokens"])
                elif kind == "delta":
                    timeout_s, what = self.device.stall_timeout_s, "produce the next token"
                    yield TextDelta(event["text"])
                elif kind == "done":
                    finished = True
                    logprobs = event.get("logprobs")
                    yield Finished(event["finish_reason"], event["prompt_tokens"],
                                   event["completion_tokens"],
                                   None if logprobs is None else tuple(logprobs))
                    return
                elif kind == "error":
                    finished = True
                    raise _engine_error(event)
        finally:
            self._current_id = None
            if not finished and proc.alive():
                self._abandon(proc, request_id)

    def _abandon(self, proc: _Process, request_id: str) -> None:
        """The caller stopped reading: stop generating and drain what was already sent."""
        proc.send({"op": "cancel", "id": request_id})
        deadline = time.monotonic() + self.device.stall_timeout_s
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = proc.events.get(timeout=left)
            except queue.Empty:
                break
            if event is _EOF or (event.get("id") == request_id
                                 and event["event"] in ("done", "error")):
                return
        proc.kill()  # it would not stop: a fresh worker is cheaper than a stuck one
        self.restarts += 1

    def cancel_current(self) -> None:
        """Ask the worker to stop the running request (safe from any thread)."""
        if self._proc is not None and (request_id := self._current_id):
            self._proc.send({"op": "cancel", "id": request_id})

    def benchmark(self, decode_tokens: int = 32) -> dict[str, Any]:
        return self._call({"op": "bench", "decode_tokens": decode_tokens},
                          what="run its benchmark")

    def probe(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """How the model reads texts (the worker's ``probe`` op); needs ``logits_all``."""
        if not self.logits_all:
            raise EngineError("this engine was not started to probe (logits_all is off)",
                              code="engine_failed")
        results: list[dict[str, Any]] = self._call({"op": "probe", "items": items},
                                                   what="probe a prompt")["results"]
        return results

    def _call(self, message: dict[str, Any], *, what: str) -> dict[str, Any]:
        """One request-reply op, between chat requests."""
        with self._slot:
            proc = self._ensure_running()
            request_id = uuid.uuid4().hex
            proc.send({**message, "id": request_id})
            while True:
                event = self._wait(proc, self.device.load_timeout_s, what=what)
                if event.get("id") == request_id:
                    if event["event"] == "error":
                        raise _engine_error(event)
                    return event


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


def _engine_error(event: dict[str, Any]) -> Exception:
    if event.get("code") == "context_length_exceeded":
        return ContextOverflowError(event["message"])
    return EngineError(event.get("message", "engine error"), code=event.get("code"))
