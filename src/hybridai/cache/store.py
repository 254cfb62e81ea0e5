"""The cache on disk: one SQLite row per answer, with TTL expiry and an LRU bound.

Each row keeps the answer as it was streamed (its text deltas, so a streamed hit replays the
same chunks), where it ran, its token counts and cost, and optionally the question's
embedding for the semantic index. SQLite in WAL mode: readers don't wait for the writer, and
the file survives the process.

Several processes may share the file (gateway workers, and ``hybridai cache --clear`` beside a
running gateway). ``changed_elsewhere`` tells, for the cost of a pragma, whether another
connection wrote since the last look; a clear bumps a generation number, so a process that
keeps an index in memory knows to drop it rather than to add what is new.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..stores.answers import Embedded, Entry, StoredAnswer
from ..stores.sqlite import migrate, open_db

if TYPE_CHECKING:
    import numpy as np

# The values it keeps are the response cache's words too (``stores.answers``).
__all__ = ["MIGRATIONS", "CacheStore", "Embedded", "Entry", "StoredAnswer"]

MIGRATIONS: list[tuple[str, str]] = [
    ("m001_entries", """
        CREATE TABLE entries (
            key TEXT PRIMARY KEY,
            scope TEXT NOT NULL,
            question TEXT NOT NULL,
            answer TEXT NOT NULL,
            created REAL NOT NULL,
            last_hit REAL NOT NULL,
            expires REAL NOT NULL,
            hits INTEGER NOT NULL DEFAULT 0,
            embedder TEXT,
            embedding BLOB
        );
        CREATE INDEX entries_last_hit ON entries (last_hit);
        CREATE INDEX entries_expires ON entries (expires);
    """),
    ("m002_generation", """
        CREATE TABLE meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        INSERT INTO meta VALUES ('generation', 0);
    """),
]


class CacheStore:
    """The response cache's ``stores.protocols.AnswerStore`` in a SQLite file; thread-safe,
    every method one short transaction."""

    def __init__(self, path: Path, *, max_entries: int, ttl_s: float) -> None:
        self.path = path
        self.max_entries = max_entries
        self.ttl_s = ttl_s
        self._db = open_db(path, autocommit=True, fast_commits=True)
        self._lock = threading.Lock()
        with self._lock:
            migrate(self._db, MIGRATIONS)
            self.count = self._db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
            self._data_version = self._pragma_data_version()

    def _pragma_data_version(self) -> int:
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def changed_elsewhere(self) -> bool:
        """Whether another connection (another process, the CLI) wrote since the last call;
        if so, the entry count is read again."""
        with self._lock:
            version = self._pragma_data_version()
            if version == self._data_version:
                return False
            self._data_version = version
            self.count = self._db.execute("SELECT COUNT(*) FROM entries").fetchone()[0]
        return True

    @property
    def generation(self) -> int:
        """Bumped by every ``clear``."""
        with self._lock:
            return int(self._db.execute(
                "SELECT value FROM meta WHERE name = 'generation'").fetchone()[0])

    def get(self, key: str, now: float | None = None, *, touch: bool = True) -> Entry | None:
        """The live entry for ``key``, marked as just used (``touch``); None if absent or
        expired."""
        now = time.time() if now is None else now
        with self._lock:
            row = self._db.execute(
                "SELECT answer, created, expires, question FROM entries WHERE key = ?",
                (key,)).fetchone()
            if row is None:
                return None
            if row[2] <= now:
                self._delete([key])
                return None
            if touch:
                self._touch(key, now)
        return Entry(key, row[3], StoredAnswer(**json.loads(row[0])), row[1])

    def touch(self, key: str, now: float | None = None) -> None:
        """Marks ``key`` as just used: the least recently used entries are evicted first."""
        with self._lock:
            self._touch(key, time.time() if now is None else now)

    def _touch(self, key: str, now: float) -> None:
        self._db.execute("UPDATE entries SET last_hit = ?, hits = hits + 1 WHERE key = ?",
                         (now, key))

    def put(self, key: str, scope: str, question: str, answer: StoredAnswer, *,
            embedder: str | None = None, embedding: np.ndarray | None = None,
            now: float | None = None) -> list[str]:
        """Stores (or replaces) an entry; returns the keys evicted to stay within bounds."""
        now = time.time() if now is None else now
        blob = None if embedding is None else embedding.astype("float32").tobytes()
        with self._lock:
            self._db.execute("BEGIN")
            try:
                replaced = self._db.execute(
                    "SELECT 1 FROM entries WHERE key = ?", (key,)).fetchone() is not None
                self._db.execute(
                    "INSERT OR REPLACE INTO entries (key, scope, question, answer, created, "
                    "last_hit, expires, hits, embedder, embedding) VALUES (?,?,?,?,?,?,?,0,?,?)",
                    (key, scope, question, json.dumps(asdict(answer)), now, now,
                     now + self.ttl_s, embedder, blob))
                self.count += 0 if replaced else 1
                evicted = self._expired(now) + self._least_recently_used()
                self._delete(evicted)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return evicted

    def _expired(self, now: float) -> list[str]:
        return [r[0] for r in self._db.execute(
            "SELECT key FROM entries WHERE expires <= ?", (now,))]

    def _least_recently_used(self) -> list[str]:
        excess = self.count - self.max_entries
        if excess <= 0:
            return []
        return [r[0] for r in self._db.execute(
            "SELECT key FROM entries ORDER BY last_hit ASC LIMIT ?", (excess,))]

    def _delete(self, keys: list[str]) -> None:
        for key in keys:
            deleted = self._db.execute("DELETE FROM entries WHERE key = ?", (key,)).rowcount
            self.count -= deleted

    def embedded(self, embedder: str, now: float | None = None, *,
                 after_row: int = 0) -> Iterator[Embedded]:
        """Live entries whose question was embedded by ``embedder`` (for the index), stored
        after row ``after_row`` (0: all), in the order they were stored."""
        now = time.time() if now is None else now
        with self._lock:
            rows = self._db.execute(
                "SELECT rowid, key, scope, embedding FROM entries WHERE embedder = ? AND "
                "expires > ? AND rowid > ? ORDER BY rowid", (embedder, now, after_row)).fetchall()
        import numpy as np

        for row, key, scope, blob in rows:
            yield Embedded(key, scope, np.frombuffer(blob, dtype=np.float32), row)

    def clear(self) -> int:
        """Deletes every entry and gives the space back to the file system."""
        with self._lock:
            with self._transaction():
                removed = self._db.execute("DELETE FROM entries").rowcount
                self._db.execute("UPDATE meta SET value = value + 1 WHERE name = 'generation'")
            self.count = 0
            self._db.execute("VACUUM")
        return removed

    def stats(self, now: float | None = None) -> dict[str, Any]:
        """Entries (live and expired), hits served, bytes on disk, oldest and newest entry."""
        now = time.time() if now is None else now
        with self._lock:
            entries, live, hits, oldest, newest = self._db.execute(
                "SELECT COUNT(*), COALESCE(SUM(expires > ?), 0), COALESCE(SUM(hits), 0), "
                "MIN(created), MAX(created) FROM entries", (now,)).fetchone()
        files = [self.path, self.path.with_name(self.path.name + "-wal")]
        return {"path": str(self.path), "entries": entries, "live": live,
                "expired": entries - live, "hits": hits, "max_entries": self.max_entries,
                "ttl_s": self.ttl_s, "bytes": sum(f.stat().st_size for f in files
                                                  if f.exists()),
                "oldest": oldest, "newest": newest}

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()
