"""What this device keeps on record: ``hybridai budget`` (the spend ledger), ``cache`` (the
response cache), ``logs`` and ``report`` (the gateway's request log)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from .common import ConfigOption, JsonOption, bad_input, stderr_console


def budget(as_json: JsonOption = False, config: ConfigOption = None) -> None:
    """Cloud spend today and this month against the caps (budget.daily_usd, monthly_usd)."""
    from ...config import load_settings
    from ...errors import ConfigError
    from ...policies.budget import open_ledger

    settings = load_settings(config)
    if not settings.budget.capped:
        raise ConfigError("no cloud budget is set (budget.daily_usd or budget.monthly_usd)",
                          code="no_budget")
    ledger = open_ledger(settings)
    try:
        status = ledger.status()
    finally:
        ledger.close()
    if as_json:
        print(json.dumps({"ledger": str(ledger.path), **status.to_dict()}, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("period", "spent", "cap", "remaining", "resets at",
                  title=f"cloud budget ({settings.budget.timezone})", title_justify="left")
    for period in (status.daily, status.monthly):
        table.add_row(period.name, f"${period.spent_usd:.6f}",
                      "-" if period.cap_usd is None else f"${period.cap_usd:.6f}",
                      "-" if period.remaining_usd is None else f"${period.remaining_usd:.6f}",
                      period.resets_at.strftime("%Y-%m-%d %H:%M %Z"))
    Console().print(table)
    if status.reserved_usd:
        stderr_console().print(f"[dim]${status.reserved_usd:.6f} of it is held by calls in "
                                "flight[/dim]")


def cache(
    clear: Annotated[bool, typer.Option("--clear", help="delete every cached answer")] = False,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """The response cache on this device: entries, hits, size; --clear empties it."""
    from ...cache.store import CacheStore
    from ...config import load_settings

    settings = load_settings(config)
    path = settings.cache.store_path(settings.cache_dir)
    store = CacheStore(path, max_entries=settings.cache.max_entries, ttl_s=settings.cache.ttl_s)
    try:
        removed = store.clear() if clear else None
        stats = store.stats()
    finally:
        store.close()
    if as_json:
        print(json.dumps({**stats, "removed": removed, "enabled": settings.cache.enabled},
                         indent=2))
        return
    if removed is not None:
        print(f"removed {removed} cached answer(s) from {path}")
    state = "on" if settings.cache.enabled else "off (cache.enabled = false)"
    print(f"cache {state}, {settings.cache.mode} mode: {path}\n"
          f"{stats['live']} live entries ({stats['expired']} expired) of at most "
          f"{stats['max_entries']}, {stats['hits']} hits served, {stats['bytes'] / 1e6:.2f} MB")


def _log_path(config: Path | None) -> Path:
    from ...config import load_settings

    path = load_settings(config).gateway.request_log_path()
    if not path.is_file():
        from ...errors import ConfigError

        raise ConfigError(f"no request log at {path} yet: `hybridai serve` writes it")
    return path


def logs(
    limit: Annotated[int, typer.Option("--limit", "-n", min=1)] = 20,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """List the latest requests the gateway served, newest first."""
    from ...observe.requestlog import read_entries

    rows = list(read_entries(_log_path(config), limit=limit))
    if as_json:
        for row in rows:
            print(json.dumps(row))
        return
    from datetime import datetime

    from rich.console import Console
    from rich.table import Table

    table = Table("time", "status", "mode", "route", "reason", "tokens", "latency", "cost",
                  "saved", "error")
    for row in rows:
        table.add_row(
            datetime.fromtimestamp(row["ts"]).strftime("%Y-%m-%d %H:%M:%S"), str(row["status"]),
            row["mode"] or "-", row["route"] or "-", row["reason"] or "-",
            f"{row['prompt_tokens']}+{row['completion_tokens']}",
            f"{row['latency_s']:.2f}s" if row["latency_s"] is not None else "-",
            f"${row['cost_usd']:.6f}", f"${row['saved_usd']:.6f}", row["error_code"] or "")
    Console().print(table)


def report(
    days: Annotated[int, typer.Option("--days", min=1)] = 30,
    plot: Annotated[Path | None, typer.Option(
        "--plot", help="draw to FILE.png or FILE.html", show_default=False)] = None,
    as_json: JsonOption = False,
    config: ConfigOption = None,
) -> None:
    """Sum requests, cost and savings per day, endpoint and route; optionally draw them."""
    from ...observe.report import draw
    from ...observe.requestlog import daily_summary

    rows = daily_summary(_log_path(config), days=days)
    if plot is not None:
        if plot.suffix.lower() not in (".png", ".html"):
            raise bad_input(f"--plot takes a .png or .html file, not {plot.name}")
        draw(rows, plot)
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("day", "endpoint", "route", "requests", "errors", "tokens", "cost", "saved",
                  title=f"last {days} days")
    for row in rows:
        table.add_row(row["day"], row["endpoint"], row["route"], str(row["requests"]),
                      str(row["errors"]),
                      f"{row['prompt_tokens']}+{row['completion_tokens']}",
                      f"${row['cost_usd'] or 0:.6f}", f"${row['saved_usd'] or 0:.6f}")
    table.add_section()
    table.add_row("total", "", "", str(sum(r["requests"] for r in rows)),
                  str(sum(r["errors"] for r in rows)), "",
                  f"${sum(r['cost_usd'] or 0 for r in rows):.6f}",
                  f"${sum(r['saved_usd'] or 0 for r in rows):.6f}")
    Console().print(table)
    if plot is not None:
        stderr_console().print(f"drawn to {plot}")
