"""One engine worker process: its pipes, the thread that turns its stdout into events, its
log and how it ended. What a missing or hung worker means is the engine's business: it is
told when the worker's stdout closes (``on_exit``), and ``claim_end`` lets whoever notices or
causes the end first, and only that one, account for it."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO

from .messages import (
    BadMessage,
    Command,
    Event,
    FatalEvent,
    WorkerOptions,
    decode_event,
    encode,
)

_PACKAGE_ROOT = str(Path(__file__).resolve().parents[3])

WorkerOutput = Event | None
"""An event, or None once the worker's stdout has closed (it exited)."""


class WorkerProcess:
    """``python -m hybridai.engines.llamacpp.worker`` with ``options``; its stderr (and
    whatever native code prints) goes to ``log_path``. ``on_exit`` is called on the reader
    thread once its stdout has closed."""

    def __init__(self, options: WorkerOptions, log_path: Path, *,
                 on_exit: Callable[[WorkerProcess], None] | None = None) -> None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path = log_path
        self.reported_fatal = False
        """It said it could not load the model (a FatalEvent): it exits on its own."""
        self._on_exit = on_exit
        self._end_claimed = False
        self._end_lock = threading.Lock()
        self._log: IO[bytes] = log_path.open("wb")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (_PACKAGE_ROOT, os.environ.get("PYTHONPATH")) if p)}
        command = [sys.executable, "-m", "hybridai.engines.llamacpp.worker", options.to_json()]
        self.popen = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
            text=True, encoding="utf-8", bufsize=1, env=env,
        )
        self.events: queue.Queue[WorkerOutput] = queue.Queue()
        self._write_lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True, name="hybridai-engine-reader").start()

    @property
    def pid(self) -> int:
        return self.popen.pid

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            try:
                event = decode_event(line)
            except BadMessage:
                continue  # not ours: stray output can't be a protocol message
            if isinstance(event, FatalEvent):
                self.reported_fatal = True
            self.events.put(event)
        self.events.put(None)
        if self._on_exit is not None:
            self._on_exit(self)

    def claim_end(self) -> bool:
        """True for the first caller only: the one that accounts for this worker's end (a
        crash noticed by a request and by the reader thread is one crash)."""
        with self._end_lock:
            first, self._end_claimed = not self._end_claimed, True
            return first

    def send(self, command: Command) -> bool:
        """False when the process is gone (its stdin is closed)."""
        assert self.popen.stdin is not None
        try:
            with self._write_lock:
                self.popen.stdin.write(encode(command) + "\n")
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
        """Close its stdin (it exits when it reads the end) and wait; kill it if it won't."""
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
