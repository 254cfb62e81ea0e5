"""Stored responses (the Responses API's ``store``): one SQLite row per response, scoped to the
tenant (API key) that made it.

Each row holds the ``response`` object as JSON and the conversation it answered (its input
items, a previous response's included), so ``previous_response_id`` can continue it and
``GET /v1/responses/{id}`` return it. That is the user's own conversation, in plain text: the
file lives beside the request log (``responses.sqlite``), and a row is gone once deleted, or
once it is older than ``keep_days`` (``gateway.responses_keep_days``; OpenAI keeps 30 days):
an expired row is never returned, and saving removes the expired ones.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .sqlite import migrate, open_db

MIGRATIONS: list[tuple[str, str]] = [
    ("m001_responses", """
        CREATE TABLE responses (
            id TEXT NOT NULL,
            tenant TEXT NOT NULL,
            created_at REAL NOT NULL,
            response TEXT NOT NULL,
            input_items TEXT NOT NULL,
            PRIMARY KEY (id, tenant)
        );
    """),
    ("m002_created_at", "CREATE INDEX responses_created_at ON responses (created_at);"),
]

_NO_TENANT = ""  # a gateway without client keys: everyone is the same tenant


@dataclass(frozen=True)
class StoredResponse:
    response: dict[str, Any]
    """The ``response`` object as it was sent."""
    input_items: list[dict[str, Any]]
    """The conversation it answered, first to last (each item with an ``id``)."""


class ResponseStore:
    """Responses by id and tenant; safe to use from any thread."""

    def __init__(self, path: Path, *, keep_days: float = 30.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.keep_s = keep_days * 86400
        self.clock = clock
        self._db = open_db(path, autocommit=True)
        migrate(self._db, MIGRATIONS)
        self._lock = threading.Lock()

    def save(self, response: dict[str, Any], input_items: list[dict[str, Any]],
             tenant: str | None) -> None:
        now = self.clock()
        with self._lock:
            self._db.execute("DELETE FROM responses WHERE created_at < ?", (now - self.keep_s,))
            self._db.execute(
                "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?)",
                (response["id"], tenant or _NO_TENANT, now, json.dumps(response),
                 json.dumps(input_items)))

    def get(self, response_id: str, tenant: str | None) -> StoredResponse | None:
        """The response, if ``tenant`` stored it (another tenant's is not there for it) and
        it has not expired."""
        with self._lock:
            row = self._db.execute(
                "SELECT response, input_items FROM responses WHERE id = ? AND tenant = ? "
                "AND created_at >= ?",
                (response_id, tenant or _NO_TENANT, self.clock() - self.keep_s)).fetchone()
        if row is None:
            return None
        return StoredResponse(json.loads(row[0]), json.loads(row[1]))

    def delete(self, response_id: str, tenant: str | None) -> bool:
        """Whether there was such a response of ``tenant``'s to delete."""
        with self._lock:
            cursor = self._db.execute("DELETE FROM responses WHERE id = ? AND tenant = ?",
                                      (response_id, tenant or _NO_TENANT))
        return cursor.rowcount > 0

    def close(self) -> None:
        with self._lock:
            self._db.close()
