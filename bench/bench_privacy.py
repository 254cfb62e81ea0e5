"""Privacy detection on the project's labeled set, beside a regex-only baseline in one run.

Span-level precision and recall per kind and overall on tests/data/privacy_cases.jsonl (a
found span counts when it overlaps an unmatched labeled span of the same kind), the share of
labeled value characters left uncovered by any span (what could leak under ``redact``), and
scan latency (p50, p99) for a typical prompt. The baseline is the same kinds found by loose
regexes without validators, which is what the validators are measured against. Writes
bench/results/privacy.json and privacy.png.

The scanner is measured alone (``Scanner.scan`` with the default ``PrivacySettings``): no
pipeline, so no response cache, router or budget runs, and no redaction: only what is found
is scored. The run prints, and privacy.json records under ``switched_off``, what was left
out.

    .venv/bin/python bench/bench_privacy.py [--rounds 300]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import track
from rich.table import Table

from hybridai.config import PrivacySettings
from hybridai.policies.privacy.scanner import Finding, Scanner
from hybridai.schema.privacy import BUILTIN_KINDS

CASES = Path(__file__).resolve().parents[1] / "tests" / "data" / "privacy_cases.jsonl"
RESULTS = Path(__file__).parent / "results"
SWITCHED_OFF = {"pipeline": "not built: Scanner.scan is called directly (no response cache, "
                            "router, budget or redaction)"}

# Loose patterns of the same kinds, with no checksum, registry or context check.
BASELINE = {
    "private_key": r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----",
    "secret": r"\b(?:sk-|ghp_|github_pat_|AKIA|xox[bp]-|AIza|sk_live_|eyJ)[\w.-]{10,}",
    "card": r"\b\d(?:[ -]?\d){12,18}\b",
    "iban": r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b",
    "ssn": r"\b\d{3}-\d{2}-\d{4}\b",
    "email": r"[\w.+-]+@[\w-]+\.[\w.-]+",
    "ip": r"\b(?:\d{1,3}\.){3}\d{1,3}\b|\b[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{0,4}){2,7}\b",
    "phone": r"\+?\(?\d{1,4}\)?[ .-]?\d{2,4}[ .-]?\d{3,4}(?:[ .-]?\d{2,4})?",
}

TYPICAL_PROMPT = (
    "You are a helpful assistant for our support team. Summarize the customer's message below "
    "in three bullet points and draft a polite reply that confirms the next steps. Keep it "
    "under 120 words.\n\nCustomer message:\nHi, I ordered a standing desk (order 4829301847) "
    "on 2026-11-02 and it arrived with a cracked leg. I've attached photos. Could you send a "
    "replacement part or arrange a pickup? I'm home most afternoons; you can reach me at "
    "jane.doe@example.org or call (415) 555-0132. The delivery driver said the box was dropped "
    "at the depot. I'd prefer not to be charged again; the original payment went through on "
    "the 3rd. Version 2.1 of your assembly guide also has a typo on page 4. Thanks, Jane"
)


class RegexBaseline:
    def __init__(self) -> None:
        self.patterns = {kind: re.compile(p) for kind, p in BASELINE.items()}

    def scan(self, text: str) -> list[Finding]:
        found = [Finding(kind, m.start(), m.end()) for kind, p in self.patterns.items()
                 for m in p.finditer(text)]
        found.sort(key=lambda f: (f.start, -f.end))
        kept: list[Finding] = []
        for f in found:  # first (leftmost, longest) wins: a plain regex scanner
            if not kept or f.start >= kept[-1].end:
                kept.append(f)
        return kept


def evaluate(scan: Any, cases: list[dict[str, Any]]) -> dict[str, Any]:
    tp, fp, fn = Counter[str](), Counter[str](), Counter[str]()
    value_chars = uncovered = 0
    for case in cases:
        labeled = [Finding(s["kind"], s["start"], s["end"]) for s in case["spans"]]
        found = scan(case["text"])
        unmatched = list(labeled)
        for f in found:
            match = next((e for e in unmatched if e.kind == f.kind and f.start < e.end
                          and e.start < f.end), None)
            if match is None:
                fp[f.kind] += 1
            else:
                tp[f.kind] += 1
                unmatched.remove(match)
        for e in unmatched:
            fn[e.kind] += 1
        for e in labeled:
            value_chars += e.end - e.start
            uncovered += sum(1 for i in range(e.start, e.end)
                             if not any(f.start <= i < f.end for f in found))

    def scores(t: int, p: int, n: int) -> dict[str, float | int]:
        precision = t / (t + p) if t + p else 1.0
        recall = t / (t + n) if t + n else 1.0
        return {"tp": t, "fp": p, "fn": n, "precision": round(precision, 4),
                "recall": round(recall, 4)}

    per_kind = {kind: scores(tp[kind], fp[kind], fn[kind]) for kind in BUILTIN_KINDS}
    overall = scores(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return {"per_kind": per_kind, "overall": overall,
            "uncovered_value_chars": round(uncovered / value_chars, 5)}


def latency(scan: Any, text: str, rounds: int) -> dict[str, float]:
    scan(text)  # first call loads phonenumbers' metadata
    times = []
    for _ in track(range(rounds), description="timing", transient=True):
        start = time.perf_counter()
        scan(text)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"p50_ms": round(statistics.median(times), 3),
            "p99_ms": round(times[int(len(times) * 0.99) - 1], 3)}


def plot(results: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    kinds = list(BUILTIN_KINDS)
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), sharey=True)
    for ax, metric in zip(axes, ("precision", "recall"), strict=True):
        width = 0.38
        for offset, name, color in ((-width / 2, "hybridai", "#2b6cb0"),
                                    (width / 2, "regex baseline", "#a0aec0")):
            values = [results[name]["per_kind"][k][metric] for k in kinds]
            ax.bar([i + offset for i in range(len(kinds))], values, width, label=name,
                   color=color)
        ax.set_xticks(range(len(kinds)), kinds, rotation=30)
        ax.set_title(metric)
        ax.set_ylim(0, 1.05)
    axes[0].legend(loc="lower left")
    fig.suptitle(f"privacy detection per kind, {results['cases']} labeled cases")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--note",
                        help="only the cases whose note starts with this (results not saved)")
    args = parser.parse_args()
    cases = [json.loads(line) for line in CASES.read_text(encoding="utf-8").splitlines()]
    if args.note is not None:
        cases = [c for c in cases if c["note"].startswith(args.note)]
    ours, baseline = Scanner.from_settings(PrivacySettings()), RegexBaseline()
    console = Console()
    console.print("switched off: " + "; ".join(f"{k} ({v})" for k, v in SWITCHED_OFF.items()))
    results: dict[str, Any] = {"cases": len(cases),
                               "labeled_spans": sum(len(c["spans"]) for c in cases),
                               "switched_off": SWITCHED_OFF}
    for name, scanner in (("hybridai", ours), ("regex baseline", baseline)):
        results[name] = evaluate(scanner.scan, cases)
        results[name]["latency_typical_prompt"] = latency(scanner.scan, TYPICAL_PROMPT,
                                                          args.rounds)
    ratio = (results["hybridai"]["latency_typical_prompt"]["p50_ms"]
             / results["regex baseline"]["latency_typical_prompt"]["p50_ms"])
    results["latency_ratio_p50"] = round(ratio, 2)
    results["typical_prompt_chars"] = len(TYPICAL_PROMPT)

    table = Table(title=f"{len(cases)} cases, {results['labeled_spans']} labeled spans")
    table.add_column("kind")
    for name in ("hybridai", "regex baseline"):
        table.add_column(f"{name} P")
        table.add_column(f"{name} R")
    for kind in [*BUILTIN_KINDS, "overall"]:
        row = [kind]
        for name in ("hybridai", "regex baseline"):
            s = results[name]["overall"] if kind == "overall" else results[name]["per_kind"][kind]
            row += [f"{s['precision']:.3f}", f"{s['recall']:.3f}"]
        table.add_row(*row)
    console.print(table)
    for name in ("hybridai", "regex baseline"):
        r = results[name]
        console.print(f"{name}: uncovered value chars {r['uncovered_value_chars']:.4f}, scan "
                      f"p50 {r['latency_typical_prompt']['p50_ms']} ms, p99 "
                      f"{r['latency_typical_prompt']['p99_ms']} ms "
                      f"({len(TYPICAL_PROMPT)}-char prompt)")
    console.print(f"latency ratio hybridai/baseline (p50): {ratio:.1f}")
    if args.note is not None:
        return
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "privacy.json").write_text(json.dumps(results, indent=2) + "\n")
    plot(results, RESULTS / "privacy.png")


if __name__ == "__main__":
    main()
