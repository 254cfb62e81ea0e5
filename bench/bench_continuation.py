"""Continuing a broken stream on the device: how often the model starts over, and what the
repeat trimming leaves, beside the untrimmed continuation, in one run.

For labeled everyday prompts (data/router/everyday.jsonl), one category after another, whose
full device answer is long enough to cut, the real device engine (bundled SmolLM2-135M,
temperature 0):

1. answers in full (the reference answer, ``max_tokens`` 96);
2. that answer is cut at the first word boundary past 40 % of its length: the text a caller
   had seen when the stream broke;
3. the device is sent hybridai's continuation request (``continuation_request``: the
   conversation, the text so far as the assistant's turn, the instruction) and answers.

Reported per prompt and in total: whether the continuation starts over (repeats the whole
text so far) or repeats its last words; the stitched text untrimmed (what a continuation
without trimming shows) and trimmed (``RepeatTrimmer``, what hybridai shows); and whether the
stitched text's next word after the cut is the reference answer's next word (a rough check
that the answer reads on from where it stopped). Writes bench/results/continuation.json.

The response cache is off (``cache.enabled = False``, in a fresh cache_dir): these are
temperature-0 requests, and a continuation must be the engine's, not a stored answer; every
answer is checked to have run on the device. Mode ``only_on_device`` consults neither the
router nor a budget. Privacy screening stays on, as shipped (it does not change a
device-only request). The run prints, and continuation.json records under
``switched_off`` and ``left_on``, what was off and what stayed on.

    .venv/bin/python bench/bench_continuation.py [--prompts 24]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from hybridai import HybridAI
from hybridai.policies.continuation import RepeatTrimmer, continuation_request
from hybridai.schema.request import ChatRequest

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
MIN_ANSWER_CHARS = 80
SWITCHED_OFF = {
    "response_cache": "cache.enabled = False, in a fresh cache_dir",
    "router": "not used: mode only_on_device",
    "budget": "not consulted: mode only_on_device",
}
LEFT_ON = {"privacy_screening": "as shipped: it does not change a device-only request"}


def describe_setup() -> str:
    return ("switched off: " + "; ".join(f"{k} ({v})" for k, v in SWITCHED_OFF.items())
            + ". left on: " + "; ".join(f"{k} ({v})" for k, v in LEFT_ON.items()))


def cut_point(answer: str) -> int:
    """The first word boundary past 40 % of the answer."""
    boundary = re.compile(r"\s").search(answer, int(len(answer) * 0.4))
    return boundary.start() if boundary else len(answer)


def round_robin(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One prompt of each category in turn, so the sample is not all of the first category."""
    by_category: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_category.setdefault(row["category"], []).append(row)
    queues = list(by_category.values())
    return [queue[i] for i in range(max(map(len, queues))) for queue in queues if i < len(queue)]


def first_word(text: str) -> str:
    match = re.search(r"\w+", text)
    return match.group().lower() if match else ""


def starts_over(so_far: str, text: str) -> bool:
    """The text begins with (at least the first half of) the text so far again."""
    head = so_far.strip()[: max(1, len(so_far.strip()) // 2)]
    return text.lstrip().startswith(head)


def on_device(completion: Any) -> str:
    """The answer's text, after checking that the device engine wrote it."""
    route = str(completion.hybrid.route)
    if route != "on_device" or completion.hybrid.cache is not None:
        raise RuntimeError(f"answered by {route!r} (cache {completion.hybrid.cache}), not the "
                           "device engine")
    return str(completion.text)


def trim(so_far: str, continuation: str) -> str:
    trimmer = RepeatTrimmer(so_far)
    return trimmer.feed(continuation) + trimmer.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=24)
    args = parser.parse_args()
    console = Console()
    console.print(describe_setup())
    rows = round_robin([json.loads(line) for line in (ROOT / "data/router/everyday.jsonl").open()])
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as cache_dir, \
            HybridAI(cache_dir=cache_dir, cache={"enabled": False}) as client, \
            Progress(console=console) as progress:
        task = progress.add_task("device answers and continues", total=args.prompts)
        for row in rows:
            if len(results) == args.prompts:
                break
            request = ChatRequest.model_validate({
                "messages": [{"role": "user", "content": row["prompt"]}], "max_tokens": 96,
                "temperature": 0.0})
            full = on_device(client.chat.completions.create(
                **request.model_dump(exclude_none=True), mode="only_on_device"))
            if len(full) < MIN_ANSWER_CHARS:
                continue
            cut = cut_point(full)
            so_far = full[:cut]
            follow_up = continuation_request(request, so_far, tokens_so_far=0)
            raw = on_device(client.chat.completions.create(
                **follow_up.model_dump(exclude_none=True), mode="only_on_device"))
            trimmed = trim(so_far, raw)
            expected_next = first_word(full[cut:])
            results.append({
                "prompt": row["prompt"], "category": row["category"], "so_far": so_far,
                "reference_rest": full[cut:], "continuation": raw, "trimmed": trimmed,
                "starts_over": starts_over(so_far, raw),
                "starts_over_after_trimming": starts_over(so_far, trimmed),
                "repeat_dropped_chars": len(raw) - len(trimmed),
                "next_word_expected": expected_next,
                "next_word_untrimmed": first_word(raw),
                "next_word_trimmed": first_word(trimmed),
            })
            progress.advance(task)

    n = len(results)
    if n == 0:
        sys.exit("no prompt gave an answer long enough to cut")
    summary = {
        "prompts": n,
        "starts_over": sum(r["starts_over"] for r in results),
        "starts_over_after_trimming": sum(r["starts_over_after_trimming"] for r in results),
        "repeat_dropped": sum(r["repeat_dropped_chars"] > 0 for r in results),
        # The model restated the text so far and stopped: nothing new was added.
        "nothing_added": sum(not r["trimmed"].strip() for r in results),
        "next_word_matches_untrimmed": sum(
            r["next_word_untrimmed"] == r["next_word_expected"] for r in results),
        "next_word_matches_trimmed": sum(
            r["next_word_trimmed"] == r["next_word_expected"] for r in results),
    }
    report = {"command": "python bench/bench_continuation.py " + " ".join(sys.argv[1:]),
              "switched_off": SWITCHED_OFF, "left_on": LEFT_ON, "summary": summary,
              "results": results}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "continuation.json").write_text(json.dumps(report, indent=2) + "\n")

    table = Table("", "untrimmed continuation", "hybridai (trimmed)",
                  title=f"the device continues {n} answers cut at 40 %")
    table.add_row("starts over (the text so far again)", f"{summary['starts_over']}/{n}",
                  f"{summary['starts_over_after_trimming']}/{n}")
    table.add_row("a repeat was dropped", "-", f"{summary['repeat_dropped']}/{n}")
    table.add_row("nothing new added (restated, then stopped)", "-",
                  f"{summary['nothing_added']}/{n}")
    table.add_row("next word = reference's next word",
                  f"{summary['next_word_matches_untrimmed']}/{n}",
                  f"{summary['next_word_matches_trimmed']}/{n}")
    console.print(table)


if __name__ == "__main__":
    main()
