"""The request log: one SQLite row per request, written off the caller's thread.

Prompt and answer text are stored only when ``log_content`` is on. Schema changes are
name-keyed migrations recorded in ``_migrations``, so opening an old log upgrades it.
"""

from __future__ import annotations

import operator
import queue
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..stores.sqlite import migrate, open_db

MIGRATIONS: list[tuple[str, str]] = [
    ("m001_requests", """
        CREATE TABLE requests (
            id INTEGER PRIMARY KEY,
            ts REAL NOT NULL,
            request_id TEXT NOT NULL,
            mode TEXT,
            route TEXT,
            reason TEXT,
            target TEXT,
            model TEXT,
            stream INTEGER NOT NULL DEFAULT 0,
            prompt_tokens INTEGER NOT NULL DEFAULT 0,
            completion_tokens INTEGER NOT NULL DEFAULT 0,
            ttft_s REAL,
            latency_s REAL,
            cost_usd REAL NOT NULL DEFAULT 0,
            saved_usd REAL NOT NULL DEFAULT 0,
            status INTEGER NOT NULL,
            error_code TEXT,
            error TEXT,
            prompt TEXT,
            answer TEXT
        );
        CREATE INDEX requests_ts ON requests (ts);
    """),
    # Which API the request came through (``ENDPOINTS``); rows from before are chat.
    ("m002_endpoint", """
        ALTER TABLE requests ADD COLUMN endpoint TEXT NOT NULL DEFAULT 'chat.completions';
    """),
]

# The APIs a request can come through, by the name the log, the metrics and the report use.
ENDPOINTS = ("chat.completions", "completions", "responses", "embeddings", "device.runs")


@dataclass
class LogEntry:
    request_id: str
    status: int
    ts: float = field(default_factory=time.time)
    mode: str | None = None
    route: str | None = None
    reason: str | None = None
    target: str | None = None
    model: str | None = None
    stream: bool = False
    prompt_tokens: int = 0
    completion_tokens: int = 0
    ttft_s: float | None = None
    latency_s: float | None = None
    cost_usd: float = 0.0
    saved_usd: float = 0.0
    error_code: str | None = None
    error: str | None = None
    prompt: str | None = None
    answer: str | None = None
    endpoint: str = "chat.completions"  # one of ENDPOINTS


def connect(path: Path) -> sqlite3.Connection:
    db = open_db(path)
    db.row_factory = sqlite3.Row
    migrate(db, MIGRATIONS)
    return db


_COLUMNS = [f for f in LogEntry.__dataclass_fields__]
_INSERT = f"INSERT INTO requests ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})"
_MAX_QUEUED = 100_000
_row = operator.attrgetter(*_COLUMNS)  # an entry's values in column order (asdict copies)


class RequestLog:
    """Appends entries from any thread; one writer thread batches them into SQLite."""

    def __init__(self, path: Path, *, log_content: bool = False) -> None:
        self.path = path
        self.log_content = log_content
        self._db = connect(path)
        # SimpleQueue: a put is one C call, cheaper per request than Queue's lock dance.
        self._queue: queue.SimpleQueue[LogEntry | None] = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write_loop, daemon=True,
                                        name="hybridai-request-log")
        self._writer.start()
        self.dropped = 0

    def append(self, entry: LogEntry) -> None:
        if not self.log_content:
            entry.prompt = entry.answer = None
        if self._queue.qsize() >= _MAX_QUEUED:
            self.dropped += 1  # the disk can't keep up; counted, never blocking a request
            return
        self._queue.put_nowait(entry)

    def _write_loop(self) -> None:
        while True:
            entry = self._queue.get()
            batch = [entry]
            while len(batch) < 500:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            rows = [_row(e) for e in batch if e is not None]
            if rows:
                with self._db:
                    self._db.executemany(_INSERT, rows)
            if None in batch:
                return

    def close(self) -> None:
        """Writes what is queued, then closes."""
        self._queue.put(None)
        self._writer.join(timeout=30)
        self._db.close()


def read_entries(path: Path, *, limit: int = 50, since: float | None = None
                 ) -> Iterator[dict[str, Any]]:
    db = connect(path)
    try:
        sql = "SELECT * FROM requests"
        params: list[Any] = []
        if since is not None:
            sql += " WHERE ts >= ?"
            params.append(since)
        sql += " ORDER BY ts DESC, id DESC LIMIT ?"
        params.append(limit)
        for row in db.execute(sql, params):
            yield dict(row)
    finally:
        db.close()


def daily_summary(path: Path, *, days: int = 30) -> list[dict[str, Any]]:
    """Requests, tokens, cost and savings per day (UTC), endpoint and route."""
    db = connect(path)
    try:
        rows = db.execute("""
            SELECT date(ts, 'unixepoch') AS day, endpoint,
                   COALESCE(route, 'error') AS route,
                   COUNT(*) AS requests,
                   SUM(status >= 400) AS errors,
                   SUM(prompt_tokens) AS prompt_tokens,
                   SUM(completion_tokens) AS completion_tokens,
                   ROUND(SUM(cost_usd), 8) AS cost_usd,
                   ROUND(SUM(saved_usd), 8) AS saved_usd
            FROM requests WHERE ts >= ?
            GROUP BY day, endpoint, route ORDER BY day, endpoint, route
        """, (time.time() - days * 86400,)).fetchall()
        return [dict(row) for row in rows]
    finally:
        db.close()
