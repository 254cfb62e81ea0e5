"""The request log: rows by endpoint, the summary by day, endpoint and route, and a log written
before the endpoint column existed opened and upgraded in place."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from hybridai.observe.metrics import Metrics
from hybridai.observe.requestlog import (
    ENDPOINTS,
    MIGRATIONS,
    LogEntry,
    RequestLog,
    daily_summary,
    read_entries,
)
from hybridai.stores.sqlite import migrate


def _write(path: Path, *entries: LogEntry) -> None:
    log = RequestLog(path)
    for entry in entries:
        log.append(entry)
    log.close()


def test_rows_keep_their_endpoint_and_the_summary_splits_by_it(tmp_path: Path) -> None:
    path = tmp_path / "requests.db"
    _write(path,
           LogEntry("a", 200, route="on_device", saved_usd=0.5),
           LogEntry("b", 200, route="on_device", saved_usd=0.25, endpoint="embeddings"),
           LogEntry("c", 200, route="on_device", saved_usd=0.125, endpoint="embeddings"),
           LogEntry("d", 400, endpoint="responses"))
    endpoints = {row["request_id"]: row["endpoint"] for row in read_entries(path)}
    assert endpoints == {"a": "chat.completions", "b": "embeddings", "c": "embeddings",
                         "d": "responses"}
    summary = {(r["endpoint"], r["route"]): (r["requests"], r["errors"], r["saved_usd"])
               for r in daily_summary(path)}
    assert summary == {("chat.completions", "on_device"): (1, 0, 0.5),
                       ("embeddings", "on_device"): (2, 0, 0.375),
                       ("responses", "error"): (1, 1, 0.0)}


def test_a_log_from_before_the_endpoint_column_is_upgraded_and_its_rows_are_chat(
        tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    migrate(old, MIGRATIONS[:1])  # the log as it was before m002_endpoint
    old.execute("INSERT INTO requests (ts, request_id, status, route) VALUES (?, 'old', 200, "
                "'in_cloud')", (time.time(),))
    old.commit()
    old.close()
    _write(path, LogEntry("new", 200, route="on_device", endpoint="completions"))
    assert {r["request_id"]: r["endpoint"] for r in read_entries(path)} == {
        "old": "chat.completions", "new": "completions"}


def test_metrics_count_requests_by_endpoint() -> None:
    metrics = Metrics(queue_depth=lambda: 0)
    for endpoint in ENDPOINTS:
        metrics.observe(LogEntry("x", 200, route="on_device", endpoint=endpoint))
    rendered = metrics.render().decode()
    for endpoint in ENDPOINTS:
        assert (f'hybridai_requests_total{{endpoint="{endpoint}",reason="none",'
                f'route="on_device",status="200"}} 1.0') in rendered
