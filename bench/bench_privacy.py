"""Privacy detection on two labeled sets, beside a regex-only baseline, in one run.

The sets: the project's own (tests/data/privacy_cases.jsonl, which the detectors are tuned
on) and a held-out one (bench/data/privacy_heldout.jsonl, built by
bench/make_privacy_heldout.py from Presidio's evaluation templates and identities, never
used to tune the detectors). For each set and scanner:

- recall per kind: a labeled span is caught when found spans of any kind cover all of its
  characters (under ``redact`` what matters is that nothing leaks, not the kind's name);
  same-kind overlap recall beside it, for information;
- precision: the share of found spans that overlap a labeled span;
- the false-positive rate on hard negatives: the share of cases with no labeled span in
  which anything was found;
- leaked characters: the share of labeled value characters no found span covers;
- scan time per case (p50, p99).

Restoration: every case is screened by the real ``PrivacyGuard`` (policy ``redact``) and the
redacted text, taken as the cloud's answer, is restored by its ``Restorer``, whole and fed in
chunks of 1-7 characters; anything but the original text is a failure. Latency of
``Scanner.scan`` and of ``PrivacyGuard.screen`` on a typical 692-character prompt (p50, p99).
The baseline is the older kinds found by loose regexes without validators. Writes
bench/results/privacy.json and privacy.png when both sets run in full.

No pipeline is built: the scanner and the guard are called directly (no response cache,
router, budget or cloud). The run prints, and privacy.json records under ``switched_off``,
what was left out.

    .venv/bin/python bench/bench_privacy.py [--set own|heldout|both] [--rounds 300]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import track
from rich.table import Table

from hybridai.config import PrivacySettings
from hybridai.policies.privacy.scanner import Finding, Scanner
from hybridai.policies.privacy.screening import PrivacyGuard
from hybridai.schema.privacy import BUILTIN_KINDS, Policy
from hybridai.schema.request import ChatRequest, Message

ROOT = Path(__file__).resolve().parents[1]
SETS = {"own": ROOT / "tests" / "data" / "privacy_cases.jsonl",
        "dev": ROOT / "bench" / "data" / "privacy_dev.jsonl",
        "dev2": ROOT / "bench" / "data" / "privacy_dev2.jsonl",
        "heldout": ROOT / "bench" / "data" / "privacy_heldout.jsonl",
        "fresh": ROOT / "bench" / "data" / "privacy_fresh.jsonl",
        "fresh2": ROOT / "bench" / "data" / "privacy_fresh2.jsonl"}
"""``dev`` and ``dev2``: written apart from the detectors by bench/make_privacy_dev.py and
bench/make_privacy_dev2.py (Faker values in templates of their own; dev2 mostly names,
addresses, birth dates and IDs) and then used to tune them: reported, but not held out.
``heldout``, ``fresh`` (bench/make_privacy_fresh.py, a fourth writer's) and ``fresh2``
(bench/make_privacy_fresh2.py, a fifth writer's, scored once after the public-name list and the
formats of 2026-12-07) are never used to tune them."""
HELD_OUT = frozenset({"heldout", "fresh", "fresh2"})
"""Sets whose missed values and flagged negatives are never printed, whatever ``--show`` says."""
RESULTS = Path(__file__).parent / "results"
SWITCHED_OFF = {"pipeline": "not built: Scanner.scan and PrivacyGuard.screen are called "
                            "directly (no response cache, router, budget or cloud)"}
# The kinds issue 15 adds; the others were covered before it. Their targets differ.
NEW_KINDS = ("person", "address", "date_of_birth", "id_number")
TARGETS = {"recall_older_kinds": 0.99, "recall_new_kinds": 0.90,
           "negatives_flagged": 0.05, "screen_p50_ms": 2.0}
Scan = Callable[[str], list[Finding]]

# Loose patterns of the older kinds, with no checksum, registry or context check.
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


def load(path: Path, note: str | None) -> list[dict[str, Any]]:
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return [c for c in cases if note is None or c["note"].startswith(note)]


def kinds_in(sets: Sequence[list[dict[str, Any]]]) -> list[str]:
    """Every labeled kind, the built-in order first, then the new kinds."""
    labeled = {s["kind"] for cases in sets for c in cases for s in c["spans"]}
    order = [*BUILTIN_KINDS, *(k for k in NEW_KINDS if k not in BUILTIN_KINDS)]
    return [k for k in order if k in labeled] + sorted(labeled - set(order))


def quantiles(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {"p50_ms": round(statistics.median(times), 3),
            "p99_ms": round(times[max(0, int(len(times) * 0.99) - 1)], 3)}


def ratio(part: int, whole: int) -> float | None:
    """None where there is nothing to measure (no labeled span of a kind, nothing found)."""
    return round(part / whole, 4) if whole else None


def cell(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def evaluate(scan: Scan, cases: list[dict[str, Any]], kinds: list[str],
             show: int) -> dict[str, Any]:
    labeled, caught, same_kind = Counter[str](), Counter[str](), Counter[str]()
    found_n, found_hit = Counter[str](), Counter[str]()
    value_chars = leaked = negatives = flagged = 0
    missed: dict[str, list[str]] = {}
    flagged_examples: list[str] = []
    times = []
    for case in cases:
        text, spans = case["text"], case["spans"]
        start = time.perf_counter()
        found = scan(text)
        times.append((time.perf_counter() - start) * 1000)
        covered = bytearray(len(text))
        for f in found:
            covered[f.start:f.end] = b"\x01" * (f.end - f.start)
            found_n[f.kind] += 1
            found_hit[f.kind] += any(f.start < s["end"] and s["start"] < f.end for s in spans)
        unmatched = list(spans)
        for f in found:  # same kind and overlapping: the older, stricter reading
            match = next((s for s in unmatched if s["kind"] == f.kind and f.start < s["end"]
                          and s["start"] < f.end), None)
            if match is not None:
                same_kind[f.kind] += 1
                unmatched.remove(match)
        for s in spans:
            kind, gap = s["kind"], covered[s["start"]:s["end"]].count(0)
            labeled[kind] += 1
            value_chars += s["end"] - s["start"]
            leaked += gap
            if gap == 0:
                caught[kind] += 1
            elif len(missed.setdefault(kind, [])) < show:
                missed[kind].append(f"{text[s['start']:s['end']]!r}  ({case['note']})")
        if not spans:
            negatives += 1
            if found:
                flagged += 1
                if len(flagged_examples) < show:
                    kinds_found = ",".join(sorted({f.kind for f in found}))
                    flagged_examples.append(f"{text[:90]!r} -> {kinds_found}  ({case['note']})")
    per_kind = {k: {"labeled": labeled[k], "recall": ratio(caught[k], labeled[k]),
                    "recall_same_kind": ratio(same_kind[k], labeled[k]),
                    "found": found_n[k], "precision": ratio(found_hit[k], found_n[k])}
                for k in kinds}
    older = [k for k in kinds if k not in NEW_KINDS]
    new = [k for k in kinds if k in NEW_KINDS]
    return {
        "per_kind": per_kind,
        "recall": ratio(sum(caught.values()), sum(labeled.values())),
        "recall_older_kinds": ratio(sum(caught[k] for k in older),
                                    sum(labeled[k] for k in older)),
        "recall_new_kinds": ratio(sum(caught[k] for k in new), sum(labeled[k] for k in new)),
        "precision": ratio(sum(found_hit.values()), sum(found_n.values())),
        "negatives": negatives, "negatives_flagged": flagged,
        "negatives_flagged_rate": ratio(flagged, negatives),
        "leaked_value_chars": leaked,
        "leaked_value_chars_rate": round(leaked / value_chars, 5) if value_chars else 0.0,
        "scan_per_case": quantiles(times),
        "missed_examples": missed, "flagged_negative_examples": flagged_examples,
    }


def request(text: str) -> ChatRequest:
    return ChatRequest(messages=[Message(role="user", content=text)])


def restoration(guard: PrivacyGuard, cases: list[dict[str, Any]], seed: int,
                show: int) -> dict[str, Any]:
    """Redact each case, take the redacted text as the answer, restore it: exact or a failure."""
    rng = random.Random(seed)
    whole_failed = chunked_failed = redacted_cases = 0
    examples: list[str] = []
    for case in cases:
        text = case["text"]
        screening = guard.screen(request(text))
        answer = screening.cloud_request().messages[0].content
        redacted_cases += answer != text
        whole = screening.restorer().restore(answer)
        restorer, pieces, at = screening.restorer(), [], 0
        while at < len(answer):
            size = rng.randint(1, 7)
            pieces.append(restorer.feed(answer[at:at + size]))
            at += size
        pieces.append(restorer.flush())
        chunked = "".join(pieces)
        whole_failed += whole != text
        chunked_failed += chunked != text
        if (whole != text or chunked != text) and len(examples) < show:
            examples.append(f"{case['note']}: {text[:60]!r} -> {chunked[:60]!r}")
    return {"cases": len(cases), "redacted": redacted_cases, "whole_failures": whole_failed,
            "chunked_failures": chunked_failed, "failure_examples": examples}


def latency(call: Callable[[str], object], rounds: int) -> dict[str, float]:
    """``call`` on the typical prompt, each round with another closing line: a text the
    scanner (or the entity recognizer's small cache) has not seen."""
    call(TYPICAL_PROMPT)  # the first call loads phonenumbers' metadata and the recognizer
    times = []
    for i in track(range(rounds), description="timing", transient=True):
        text = f"{TYPICAL_PROMPT}\nThanks again (note {i})."
        start = time.perf_counter()
        call(text)
        times.append((time.perf_counter() - start) * 1000)
    return quantiles(times)


COLORS = {"hybridai": {"own": "#1a4e8a", "dev": "#2b6cb0", "dev2": "#3182ce",
                       "heldout": "#4299e1", "fresh": "#63b3ed", "fresh2": "#90cdf4"},
          "regex baseline": {"own": "#1a202c", "dev": "#2d3748", "dev2": "#4a5568",
                             "heldout": "#718096", "fresh": "#a0aec0", "fresh2": "#cbd5e0"}}
LABELS = {"own": "own", "dev": "dev", "dev2": "dev 2", "heldout": "held-out", "fresh": "fresh",
          "fresh2": "fresh 2"}


def plot(results: dict[str, Any], kinds: list[str], path: Path) -> None:
    """Recall per kind and the overall rates, hybridai and the baseline on every set run."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sets = results["sets"]
    series = [(name, scanner) for scanner in ("hybridai", "regex baseline") for name in sets]
    fig, (left, right) = plt.subplots(1, 2, figsize=(18, 5.2),
                                      gridspec_kw={"width_ratios": [3, 1.3]})
    width = 0.8 / len(series)
    offset = (len(series) - 1) / 2
    for n, (name, scanner) in enumerate(series):
        per_kind = sets[name][scanner]["per_kind"]
        xs = [i + (n - offset) * width for i, k in enumerate(kinds) if per_kind[k]["labeled"]]
        ys = [per_kind[k]["recall"] for k in kinds if per_kind[k]["labeled"]]
        left.bar(xs, ys, width, color=COLORS[scanner][name],
                 label=f"{scanner}, {LABELS[name]} set")
        for x, y in zip(xs, ys, strict=True):
            if y == 0:  # a bar of height 0 would look like a kind the set does not hold
                left.text(x, 0.01, "0", ha="center", fontsize=6)
    left.set_xticks(range(len(kinds)), kinds, rotation=30)
    left.set_ylim(0, 1.05)
    left.set_title("recall per kind (every character of the value covered; no bar: not in "
                   "the set)", fontsize=10)
    metrics = (("recall", "recall"), ("precision", "precision"),
               ("negatives_flagged_rate", "negatives\nflagged"),
               ("leaked_value_chars_rate", "value chars\nleaked"))
    for n, (name, scanner) in enumerate(series):
        ys = [sets[name][scanner][key] or 0.0 for key, _ in metrics]
        right.bar([i + (n - offset) * width for i in range(len(metrics))], ys, width,
                  color=COLORS[scanner][name])
    right.set_xticks(range(len(metrics)), [label for _, label in metrics])
    right.set_ylim(0, 1.05)
    right.set_title("overall", fontsize=10)
    counts = ", ".join(f"{LABELS[name]} {entry['cases']}" for name, entry in sets.items())
    fig.suptitle(f"privacy detection, cases per set: {counts} ({results['date']})")
    fig.legend(*left.get_legend_handles_labels(), loc="lower center", ncol=4, fontsize=9)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    fig.savefig(path, dpi=110)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=(*SETS, "both", "all"),
                        default="all",
                        help="both: own and held-out; all: every set")
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--note",
                        help="only the cases whose note starts with this (results not saved)")
    parser.add_argument("--show", type=int, default=0,
                        help="missed values per kind and flagged negatives to print for the "
                        "own and dev sets (never for held-out and fresh: whoever tunes the "
                        "detectors must not read their cases)")
    args = parser.parse_args()
    names = {"both": ["own", "heldout"], "all": list(SETS)}.get(
        args.set, [args.set])
    loaded = {name: load(SETS[name], args.note) for name in names}
    kinds = kinds_in(list(loaded.values()))
    settings = PrivacySettings(policy=Policy.REDACT)
    ours, baseline = Scanner.from_settings(settings), RegexBaseline()
    guard = PrivacyGuard.from_settings(settings)
    scanners: dict[str, Scan] = {"hybridai": ours.scan, "regex baseline": baseline.scan}
    console = Console()
    if not console.is_terminal:  # piped to a file or a log: room for both sets' columns
        console = Console(width=150)
    console.print("switched off: " + "; ".join(f"{k} ({v})" for k, v in SWITCHED_OFF.items()))
    console.print(f"detect: {', '.join(settings.detect)}")
    ours.scan(TYPICAL_PROMPT)  # load phonenumbers' metadata before anything is timed

    results: dict[str, Any] = {
        "date": datetime.now().isoformat(timespec="minutes"),
        "detect": list(settings.detect), "switched_off": SWITCHED_OFF, "targets": TARGETS,
        "typical_prompt_chars": len(TYPICAL_PROMPT), "sets": {}}
    for name, cases in loaded.items():
        entry: dict[str, Any] = {
            "file": str(SETS[name].relative_to(ROOT)), "cases": len(cases),
            "labeled_spans": sum(len(c["spans"]) for c in cases)}
        show = 0 if name in HELD_OUT else args.show
        for scanner, scan in scanners.items():
            entry[scanner] = evaluate(scan, cases, kinds, show)
        entry["restoration"] = restoration(guard, cases, seed=15, show=show)
        results["sets"][name] = entry
    # As shipped (with the entity recognizer when one is installed), and without it.
    plain = settings.model_copy(update={"ner": "off"})
    ours_plain, guard_plain = Scanner.from_settings(plain), PrivacyGuard.from_settings(plain)
    results["latency_typical_prompt"] = {
        "hybridai": {"scan": latency(ours_plain.scan, args.rounds),
                     "screen": latency(lambda t: guard_plain.screen(request(t)), args.rounds)},
        "hybridai with NER": {"ner": settings.ner, "scan": latency(ours.scan, args.rounds),
                              "screen": latency(lambda t: guard.screen(request(t)),
                                                args.rounds)},
        "regex baseline": {"scan": latency(baseline.scan, args.rounds)}}

    for entry in results["sets"].values():
        entry["targets_met"] = targets_met(entry, results["latency_typical_prompt"], kinds)
    report(console, results, kinds)
    if args.note is not None or len(names) < 2:
        console.print("results not saved (a subset was run)")
        return
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "privacy.json").write_text(json.dumps(results, indent=2, ensure_ascii=False)
                                          + "\n", encoding="utf-8")
    plot(results, kinds, RESULTS / "privacy.png")
    console.print(f"wrote {RESULTS / 'privacy.json'} and privacy.png")


def targets_met(entry: dict[str, Any], lat: dict[str, Any],
                kinds: list[str]) -> dict[str, bool | None]:
    """Issue 15's targets, for one set; None where the set has nothing to measure."""
    ours, restored = entry["hybridai"], entry["restoration"]
    new = [k for k in NEW_KINDS if k in kinds and ours["per_kind"][k]["labeled"]]
    return {
        "recall, older kinds": None if ours["recall_older_kinds"] is None else
        ours["recall_older_kinds"] >= TARGETS["recall_older_kinds"],
        "recall, each new kind": all(ours["per_kind"][k]["recall"]
                                     >= TARGETS["recall_new_kinds"] for k in new)
        if new else None,
        "negatives flagged": None if ours["negatives_flagged_rate"] is None else
        ours["negatives_flagged_rate"] <= TARGETS["negatives_flagged"],
        "restoration exact": restored["whole_failures"] + restored["chunked_failures"] == 0,
        "screen p50": lat["hybridai"]["screen"]["p50_ms"] <= TARGETS["screen_p50_ms"]}


def report(console: Console, results: dict[str, Any], kinds: list[str]) -> None:
    sets = results["sets"]
    table = Table(title="recall per kind (all characters covered) · same-kind overlap recall "
                        "· precision")
    table.add_column("kind")
    for name in sets:
        table.add_column(f"{name} n", justify="right")
        table.add_column(f"{name} hybridai R / same-kind / P", justify="right")
        table.add_column(f"{name} baseline R / P", justify="right")
    for kind in kinds:
        row = [kind]
        for entry in sets.values():
            ours, base = entry["hybridai"]["per_kind"][kind], entry["regex baseline"]["per_kind"][
                kind]
            if not ours["labeled"]:
                row += ["0", "-", "-"]
                continue
            row += [str(ours["labeled"]),
                    f"{cell(ours['recall'])} / {cell(ours['recall_same_kind'])} / "
                    f"{cell(ours['precision'])}",
                    f"{cell(base['recall'])} / {cell(base['precision'])}"]
        table.add_row(*row)
    console.print(table)

    summary = Table(title="overall")
    summary.add_column("")
    for name in sets:
        summary.add_column(f"{name} hybridai", justify="right")
        summary.add_column(f"{name} baseline", justify="right")
    rows: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
        ("recall", lambda e: cell(e["recall"], 4)),
        ("recall, older kinds", lambda e: cell(e["recall_older_kinds"], 4)),
        ("recall, new kinds", lambda e: cell(e["recall_new_kinds"], 4)),
        ("precision", lambda e: cell(e["precision"], 4)),
        ("negatives flagged", lambda e: f"{e['negatives_flagged']}/{e['negatives']} "
                                        f"({(e['negatives_flagged_rate'] or 0):.1%})"),
        ("value chars leaked", lambda e: f"{e['leaked_value_chars']} "
                                         f"({e['leaked_value_chars_rate']:.2%})"),
        ("scan per case p50 / p99 ms", lambda e: f"{e['scan_per_case']['p50_ms']} / "
                                                 f"{e['scan_per_case']['p99_ms']}"),
    ]
    for label, show in rows:
        summary.add_row(label, *(show(entry[s]) for entry in sets.values()
                                 for s in ("hybridai", "regex baseline")))
    summary.add_row("restoration failures (whole / chunked)",
                    *(f"{e['restoration']['whole_failures']} / "
                      f"{e['restoration']['chunked_failures']} of {e['restoration']['cases']}"
                      if scanner == "hybridai" else "-"
                      for e in sets.values() for scanner in ("hybridai", "regex baseline")))
    console.print(summary)

    for name, entry in sets.items():
        ours = entry["hybridai"]
        for kind, values in ours["missed_examples"].items():
            for value in values:
                console.print(f"[dim]{name} missed {kind}:[/] {escape(value)}", highlight=False)
        for example in ours["flagged_negative_examples"]:
            console.print(f"[dim]{name} flagged negative:[/] {escape(example)}",
                          highlight=False)
        for example in entry["restoration"]["failure_examples"]:
            console.print(f"[red]{name} restoration failed:[/] {escape(example)}",
                          highlight=False)

    lat = results["latency_typical_prompt"]
    chars = results["typical_prompt_chars"]
    for name in ("hybridai", "hybridai with NER"):
        console.print(f"typical prompt ({chars} chars), {name}: scan p50 "
                      f"{lat[name]['scan']['p50_ms']} ms, p99 {lat[name]['scan']['p99_ms']} ms; "
                      f"screen p50 {lat[name]['screen']['p50_ms']} ms, p99 "
                      f"{lat[name]['screen']['p99_ms']} ms", highlight=False)
    console.print(f"regex baseline scan p50 {lat['regex baseline']['scan']['p50_ms']} ms",
                  highlight=False)
    for name, entry in sets.items():
        console.print(f"{name} set, issue 15 targets: " + ", ".join(
            f"{k} " + ("n/a" if ok is None else "[green]met[/]" if ok else "[red]not met[/]")
            for k, ok in entry["targets_met"].items()))


if __name__ == "__main__":
    main()
