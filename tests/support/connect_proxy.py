"""A real CONNECT-capable HTTP proxy on loopback: proxy.py (PyPI ``proxy.py``) in a process.

HTTPS through a proxy is a ``CONNECT host:port`` followed by a TLS tunnel the proxy can't
read, so the proxy's access log is the proof that a request went through it: proxy.py writes
one ``CONNECT host:port`` line per tunnel when the tunnel closes.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

_CONNECT_LINE = re.compile(r" - CONNECT (\S+) - ")


@dataclass
class ConnectProxy:
    url: str
    log: Path

    def connects(self) -> list[str]:
        """The ``host:port`` of every tunnel closed so far, first to last."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return _CONNECT_LINE.findall(text)

    def wait_for_connects(self, count: int, timeout_s: float = 15) -> list[str]:
        """The tunnels once at least ``count`` closed (the log line follows the close)."""
        deadline = time.monotonic() + timeout_s
        while len(seen := self.connects()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return seen


@contextmanager
def connect_proxy(folder: Path, timeout_s: float = 30) -> Iterator[ConnectProxy]:
    """proxy.py listening on a free loopback port; its files (port, log, data) in ``folder``."""
    port_file, log = folder / "proxy.port", folder / "proxy.log"
    errors = folder / "proxy.stderr"
    with errors.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "proxy", "--hostname", "127.0.0.1", "--port", "0",
             "--port-file", str(port_file), "--log-file", str(log), "--log-level", "INFO",
             "--data-dir", str(folder), "--threaded", "--num-workers", "1",
             "--num-acceptors", "1"],
            stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        deadline = time.monotonic() + timeout_s
        while not (port_file.exists() and port_file.read_text().strip()):
            if process.poll() is not None:
                raise RuntimeError(f"proxy.py exited with {process.returncode}: "
                                   f"{errors.read_text(errors='replace')[-500:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"proxy.py wrote no port within {timeout_s} s")
            time.sleep(0.05)
        yield ConnectProxy(f"http://127.0.0.1:{port_file.read_text().strip()}", log)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
