"""Savings per day and route from the request log, as a table and a chart (PNG or HTML)."""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path
from typing import Any


def draw(rows: list[dict[str, Any]], path: Path) -> None:
    """PNG through matplotlib, or a self-contained HTML page with inline SVG bars."""
    if path.suffix.lower() == ".html":
        path.write_text(_html(rows), encoding="utf-8")
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    days = sorted({r["day"] for r in rows})
    routes = sorted({r["route"] for r in rows})
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.6))
    bottom = [0] * len(days)
    for route in routes:
        counts = [sum(r["requests"] for r in rows if r["day"] == d and r["route"] == route)
                  for d in days]
        left.bar(days, counts, bottom=bottom, label=route)
        bottom = [b + c for b, c in zip(bottom, counts, strict=True)]
    left.set_title("requests per day by route")
    left.legend()
    saved = [sum(r["saved_usd"] or 0 for r in rows if r["day"] == d) for d in days]
    spent = [sum(r["cost_usd"] or 0 for r in rows if r["day"] == d) for d in days]
    right.bar(days, saved, label="saved (USD)", color="#2a7")
    right.bar(days, spent, bottom=saved, label="spent (USD)", color="#c44")
    right.set_title("estimated spend and savings per day")
    right.legend()
    for axis in (left, right):
        axis.tick_params(axis="x", rotation=45)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _html(rows: list[dict[str, Any]]) -> str:
    by_day: dict[str, dict[str, float]] = defaultdict(lambda: {"saved": 0.0, "spent": 0.0,
                                                                "requests": 0.0})
    for row in rows:
        totals = by_day[row["day"]]
        totals["saved"] += row["saved_usd"] or 0
        totals["spent"] += row["cost_usd"] or 0
        totals["requests"] += row["requests"]
    top = max([d["saved"] + d["spent"] for d in by_day.values()] + [1e-12])
    bars = []
    for i, (day, values) in enumerate(sorted(by_day.items())):
        x = 40 + i * 60
        saved_h = 200 * values["saved"] / top
        spent_h = 200 * values["spent"] / top
        bars.append(
            f'<rect x="{x}" y="{220 - saved_h:.1f}" width="40" height="{saved_h:.1f}" '
            f'fill="#2a7"><title>saved ${values["saved"]:.6f}</title></rect>'
            f'<rect x="{x}" y="{220 - saved_h - spent_h:.1f}" width="40" '
            f'height="{spent_h:.1f}" fill="#c44"><title>spent ${values["spent"]:.6f}</title>'
            f'</rect><text x="{x}" y="238" font-size="10">{html.escape(day[5:])}</text>')
    table = "".join(
        f"<tr><td>{html.escape(r['day'])}</td><td>{html.escape(r['endpoint'])}</td>"
        f"<td>{html.escape(r['route'])}</td>"
        f"<td>{r['requests']}</td><td>{r['errors']}</td>"
        f"<td>{r['prompt_tokens']}+{r['completion_tokens']}</td>"
        f"<td>${r['cost_usd'] or 0:.6f}</td><td>${r['saved_usd'] or 0:.6f}</td></tr>"
        for r in rows)
    width = 80 + 60 * len(by_day)
    return (
        "<!doctype html><meta charset=utf-8><title>hybridai report</title>"
        "<style>body{font-family:sans-serif}td,th{padding:2px 8px;text-align:right}</style>"
        "<h1>hybridai: spend and savings per day</h1>"
        f'<svg width="{width}" height="250">{"".join(bars)}</svg>'
        "<p><span style='color:#2a7'>■</span> saved <span style='color:#c44'>■</span> spent"
        " (estimated USD)</p><table><tr><th>day</th><th>endpoint</th><th>route</th>"
        f"<th>requests</th><th>errors</th><th>tokens</th><th>cost</th><th>saved</th></tr>{table}</table>")
