"""The SQLite files hybridai keeps (request log, response cache, budget ledger), opened alike.

WAL, so readers never wait for the writer and other processes may share the file; a 30 s
busy timeout; one connection usable from any thread (each owner serializes its own use).
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path


def open_db(path: Path, *, autocommit: bool = False, fast_commits: bool = False
            ) -> sqlite3.Connection:
    """``autocommit``: transactions only where the owner begins them (else Python's
    default, a deferred BEGIN before writes); ``fast_commits``:
    synchronous=NORMAL, durable at checkpoints rather than at every commit."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, check_same_thread=False, timeout=30,
                         isolation_level=None if autocommit else "DEFERRED")
    db.execute("PRAGMA journal_mode=WAL")
    if fast_commits:
        db.execute("PRAGMA synchronous=NORMAL")
    return db


def migrate(db: sqlite3.Connection, migrations: list[tuple[str, str]]) -> None:
    """Applies the named migrations not yet recorded in ``_migrations``."""
    db.execute("CREATE TABLE IF NOT EXISTS _migrations (name TEXT PRIMARY KEY, applied REAL)")
    done = {row[0] for row in db.execute("SELECT name FROM _migrations")}
    for name, sql in migrations:
        if name not in done:
            with db:
                db.executescript(sql)
                db.execute("INSERT INTO _migrations VALUES (?, ?)", (name, time.time()))
