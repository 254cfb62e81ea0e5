"""Response cache benchmark: paraphrase recall vs wrong hits on two pair sets, and latency.

    python bench/bench_cache.py            # writes bench/results/cache.{json,png}

1. Recall and wrong hits, on two labeled sets of question pairs (TSV: label, kind, a, b and,
   in the held-out file, lang):
   - own: bench/data/cache_pairs.tsv, written with the word guard and used to tune it;
   - heldout: bench/data/cache_pairs_heldout.tsv, written by a separate writer who read
     neither the guard nor the own set, and never used to tune anything.
   A paraphrase deserves the other question's cached answer; a near miss (or negation) must
   not get it. In each pair ``a`` is the question asked and ``b`` the stored one. Both are
   normalized as the cache key does and embedded with the cache's embedder. For every
   threshold a pair is a hit (a) by cosine alone (what GPTCache-style caches do) and (b) by
   hybridai's decision: an exact match of the normalized questions, or a cosine at or above
   the threshold that ``hybridai_accepts`` lets through. Recall is the share of paraphrases
   hit, wrong hits the share of must-not-hit pairs hit; per set and per language.
   The operating point is the lowest threshold whose wrong-hit rate on the own set is at most
   1 %; the held-out set is only scored there, never used to choose it.
2. Latency at 100,000 entries. The semantic index (SimHash ranking, exact re-score, radius
   round) beside a brute-force float32 matrix-vector product over the same synthetic unit
   vectors, both with numpy; the index's agreement with brute force on near-duplicate
   queries; its recall of the true nearest (brute force) for queries at cosines 0.60-0.99 to
   a stored row and for unrelated ones, with their look-up times, on random vectors and on
   MiniLM-like ones (a Gaussian with the embedded pair questions' mean and covariance: they
   crowd as sentence embeddings do); the index's bytes per entry; the exact look-up (a SQLite
   primary-key read through CacheStore.get) at 100,000 rows; and the embedding time of one
   question, reported apart from the index. ``--only latency`` runs this part alone.

Each part is measured alone, without the pipeline (so no router, budget or privacy step
runs): the exact look-up is the SQLite read alone, with no semantic index and no embedding
behind it; the semantic index is timed on ready vectors, without the embedder; the pair
sweep embeds the pairs and applies the decision, with no cache store. The run prints, and
cache.json records under ``switched_off``, what each part leaves out.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.progress import track
from rich.table import Table
from threadpoolctl import threadpool_limits

from hybridai.cache import semantic
from hybridai.cache.key import normalize
from hybridai.cache.semantic import Embedder, SemanticIndex, default_embedder
from hybridai.cache.store import CacheStore
from hybridai.cache.verify import verify
from hybridai.config import CacheSettings

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
THRESHOLDS = [round(float(t), 2) for t in np.arange(0.50, 1.0001, 0.01)]
MAX_WRONG_HITS = 0.01
TARGET_RECALL = 0.80  # issue 16: >= 80 % of paraphrases at <= 1 % wrong hits, per language too
SHOULD_HIT = {"paraphrase": True, "near_miss": False, "negation": False}
"""The labels a pair file may use, and whether the pair deserves the same cached answer."""
ENTRIES = 100_000
QUERIES = 300
LEVELS = (0.6, 0.65, 0.7, 0.8, 0.9, 0.99)
"""Cosines of a query to a stored row at which the index's recall of the true nearest is
measured: from the cache's candidate threshold up."""
LEVEL_QUERIES = 200
GPTCACHE_REPORTED_FALSE_HIT = 0.09  # the figure for GPTCache's default; not run here
SWITCHED_OFF = {
    "pipeline": "not built: the store, the index, the embedder and the decision are called "
                "directly (no router, budget or privacy step)",
    "exact_lookup": "CacheStore.get alone: no semantic index, no embedding",
    "semantic_index_timing": "ready vectors: no embedding (timed apart)",
    "pair_sweep": "embeddings and the decision only: no cache store, no scope",
}
console = Console()


@dataclass(frozen=True)
class PairSet:
    """One labeled pair file and what it is."""

    name: str
    path: Path
    about: str
    lang: str | None = None
    """The language of every pair, for a file without a ``lang`` column."""
    held_out: bool = False
    """Scored, never read: its wrong hits are not printed (they are in cache.json)."""


OWN = PairSet("own", ROOT / "data" / "cache_pairs.tsv",
              "the project's own pairs, written with the word guard and used to tune it")
HELDOUT = PairSet("heldout", ROOT / "data" / "cache_pairs_heldout.tsv",
                  "written by a separate writer who read neither the guard nor the own set; "
                  "never used to tune anything (en, de, fr, es)", held_out=True)
DEV = PairSet("dev", ROOT / "data" / "cache_pairs_dev.tsv",
              "written by a third writer who read neither the verifier nor the other sets; "
              "the verifier's lemma, thesaurus, acronym and framing rules were developed "
              "against it, so it is tuning data, not held out (en, de, fr, es)")
FRESH = PairSet("fresh", ROOT / "data" / "cache_pairs_fresh.tsv",
                "written at the end of the session that built the dev set's rules, by a "
                "writer who read no set and no verifier code; scored once, never tuned on "
                "(en, de, fr, es)", held_out=True)
SETS = (OWN, DEV, HELDOUT, FRESH)


@dataclass(frozen=True)
class Pair:
    label: str
    kind: str
    lang: str
    a: str
    """The question asked."""
    b: str
    """The stored question whose answer it would get."""

    @property
    def should_hit(self) -> bool:
        return SHOULD_HIT[self.label]


def load_pairs(pair_set: PairSet) -> list[Pair]:
    """The set's pairs; ValueError on a missing column, an unknown label or an empty question."""
    with pair_set.path.open(encoding="utf-8", newline="") as handle:
        # QUOTE_NONE: a question may start with a quote mark; tabs never occur inside one.
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        columns = set(reader.fieldnames or ())
        missing = {"label", "kind", "a", "b"} - columns
        if missing or ("lang" not in columns and pair_set.lang is None):
            raise ValueError(f"{pair_set.path}: missing columns {sorted(missing) or ['lang']}")
        pairs = []
        for line, row in enumerate(reader, start=2):
            if None in row or None in row.values():
                raise ValueError(f"{pair_set.path}:{line}: expected {len(columns)} fields")
            if row["label"] not in SHOULD_HIT:
                raise ValueError(f"{pair_set.path}:{line}: unknown label {row['label']!r}")
            if not row["a"].strip() or not row["b"].strip():
                raise ValueError(f"{pair_set.path}:{line}: empty question")
            pairs.append(Pair(row["label"], row["kind"], row.get("lang") or pair_set.lang or "",
                              row["a"], row["b"]))
    return pairs


def hybridai_accepts(question: str, stored: str, similarity: float) -> bool:
    """What ResponseCache.look_up asks of the nearest stored question beyond the threshold:
    the verification step (hybridai.cache.verify). The benchmark's one call into the
    decision."""
    return verify(question, stored, similarity).hit


@dataclass(frozen=True)
class Scored:
    """One set's pairs with what the sweep needs of each."""

    pairs: list[Pair]
    similarity: np.ndarray
    exact: np.ndarray
    """The normalized questions are equal: the exact look-up answers, at any threshold."""
    accepted: np.ndarray
    """hybridai_accepts: the semantic hit survives the checks after the threshold."""

    @property
    def should_hit(self) -> np.ndarray:
        return np.array([p.should_hit for p in self.pairs])

    def hits(self, threshold: float, decision: str) -> np.ndarray:
        close = self.similarity >= threshold
        return self.exact | (close & self.accepted if decision == "hybridai" else close)


def rates(hit: np.ndarray, should_hit: np.ndarray) -> dict[str, float | int | None]:
    """Recall and wrong-hit rate (None where the group has no such pairs), with the counts."""
    positives, negatives = int(should_hit.sum()), int((~should_hit).sum())
    return {"recall": float(hit[should_hit].mean()) if positives else None,
            "wrong_hits": float(hit[~should_hit].mean()) if negatives else None,
            "paraphrases_hit": int(hit[should_hit].sum()),
            "wrong_hit_count": int(hit[~should_hit].sum())}


def score(pairs: list[Pair], vectors: dict[str, np.ndarray]) -> Scored:
    asked = np.stack([vectors[normalize(p.a)] for p in pairs])
    stored = np.stack([vectors[normalize(p.b)] for p in pairs])
    similarity = (asked * stored).sum(axis=1)
    return Scored(
        pairs, similarity,
        np.array([normalize(p.a) == normalize(p.b) for p in pairs]),
        np.array([hybridai_accepts(normalize(p.a), normalize(p.b), float(s))
                  for p, s in zip(pairs, similarity, strict=True)]))


def languages(pairs: list[Pair]) -> list[str]:
    return sorted({p.lang for p in pairs})


def sweep(scored: Scored) -> list[dict[str, object]]:
    """Recall and wrong hits per threshold, cosine alone and hybridai, overall and per language."""
    should = scored.should_hit
    langs = np.array([p.lang for p in scored.pairs])
    rows = []
    for threshold in THRESHOLDS:
        row: dict[str, object] = {"threshold": threshold}
        by_language: dict[str, dict[str, object]] = {}
        for decision in ("cosine", "hybridai"):
            hit = scored.hits(threshold, decision)
            row[decision] = rates(hit, should)
            for lang in languages(scored.pairs):
                mine = langs == lang
                by_language.setdefault(lang, {})[decision] = rates(hit[mine], should[mine])
        row["by_language"] = by_language
        rows.append(row)
    return rows


def meets(group: dict[str, float | int | None]) -> bool:
    """The issue's target: recall >= TARGET_RECALL at wrong hits <= MAX_WRONG_HITS; a group
    without paraphrases (or without must-not-hit pairs) is judged on the rate it has."""
    recall, wrong = group["recall"], group["wrong_hits"]
    return ((recall is None or recall >= TARGET_RECALL)
            and (wrong is None or wrong <= MAX_WRONG_HITS))


def at_threshold(scored: Scored, threshold: float) -> dict[str, object]:
    """One set at one threshold: rates overall, per language and per kind, the wrong hits and
    the paraphrases missed (and why), and whether the issue's target is met."""
    should = scored.should_hit
    hit = scored.hits(threshold, "hybridai")
    langs = np.array([p.lang for p in scored.pairs])
    groups = np.array([f"{p.label}/{p.kind}" for p in scored.pairs])
    by_language = {lang: rates(hit[langs == lang], should[langs == lang])
                   for lang in languages(scored.pairs)}


    def listed(i: int) -> dict[str, object]:
        p = scored.pairs[i]
        return {"lang": p.lang, "kind": p.kind, "a": p.a, "b": p.b,
                "similarity": round(float(scored.similarity[i]), 4)}

    overall = rates(hit, should)
    return {
        "threshold": threshold, **overall,
        "cosine": rates(scored.hits(threshold, "cosine"), should),
        "by_language": by_language,
        "meets_target": meets(overall) and all(meets(r) for r in by_language.values()),
        "by_kind": {group: {"pairs": int((groups == group).sum()),
                            "hit_rate": float(hit[groups == group].mean())}
                    for group in sorted(set(groups))},
        "wrong_hits_listed": [listed(i) for i in np.flatnonzero(hit & ~should)],
        "paraphrases_missed": [
            {**listed(i), "why": "below threshold" if scored.similarity[i] < threshold
             else "rejected after the threshold"}
            for i in np.flatnonzero(~hit & should)],
    }


def summary(scored: Scored) -> dict[str, object]:
    should = scored.should_hit
    pairs = scored.pairs
    return {
        "pairs": len(pairs), "paraphrases": int(should.sum()),
        "must_not_hit": int((~should).sum()),
        "languages": {lang: {"pairs": sum(p.lang == lang for p in pairs),
                             "paraphrases": sum(p.lang == lang and p.should_hit for p in pairs)}
                      for lang in languages(pairs)},
        "rejected_after_threshold": {"paraphrases": int((~scored.accepted & should).sum()),
                                     "must_not_hit": int((~scored.accepted & ~should).sum())},
    }


def operating_point(rows: list[dict[str, object]], decision: str) -> float | None:
    """The lowest threshold whose wrong-hit rate is at most MAX_WRONG_HITS, if any."""
    return next((r["threshold"] for r in rows if r[decision]["wrong_hits"] <= MAX_WRONG_HITS),
                None)


def timed(call, repeats: int) -> list[float]:
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        call(i)
        times.append(time.perf_counter() - start)
    return times


def ms(times: list[float], q: float) -> float:
    return round(float(np.percentile(times, q)) * 1000, 4)


def unit_rows(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def minilm_like(embedded: np.ndarray, rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` unit vectors from a Gaussian with the mean and covariance of ``embedded`` (the
    pair questions' embeddings). They crowd as sentence embeddings do, many at cosines
    0.3-0.6 to any other, where random vectors in 384 dimensions lie near 0 to each other
    and a nearest neighbour is easy to find."""
    factor = np.linalg.cholesky(np.cov(embedded.T) + 1e-6 * np.eye(embedded.shape[1]))
    return unit_rows(embedded.mean(axis=0) + rng.standard_normal((n, len(factor))) @ factor.T)


def queries_at(rows: np.ndarray, cosine: float, directions: np.ndarray) -> np.ndarray:
    """One query per row at exactly ``cosine`` to it, moved towards the direction beside it
    (drawn like the rows, so the queries lie where the rows do)."""
    away = unit_rows(directions - (directions * rows).sum(axis=1, keepdims=True) * rows)
    return (cosine * rows + np.sqrt(1 - cosine**2) * away).astype(np.float32)


def filled_index(vectors: np.ndarray, description: str) -> tuple[SemanticIndex, list[str], int]:
    """An index holding ``vectors`` in one scope, under keys as long as the cache's (SHA-256
    hex), and the bytes it holds (tracemalloc: numpy's arrays with their spare capacity, the
    keys and the index's dictionaries)."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    keys = [hashlib.sha256(str(i).encode()).hexdigest() for i in range(len(vectors))]
    index = SemanticIndex()
    for key, vector in zip(track(keys, description=description, console=console), vectors,
                           strict=True):
        index.add(key, "scope", vector)
    held = tracemalloc.get_traced_memory()[0] - before - sys.getsizeof(keys)
    tracemalloc.stop()
    return index, keys, held


def recall_by_level(index: SemanticIndex, keys: list[str], vectors: np.ndarray,
                    directions: np.ndarray, rng: np.random.Generator) -> dict[str, object]:
    """For queries at each of LEVELS to a stored row (and for unrelated ones): how often the
    index returns the true nearest (brute force over the same vectors; a row within 1e-4 of
    it, the fixed point's rounding, counts), the worst shortfall, and the look-up time."""
    row = {key: i for i, key in enumerate(keys)}
    levels: dict[str, object] = {}
    for level in (*LEVELS, None):
        mine, directions = directions[:LEVEL_QUERIES], directions[LEVEL_QUERIES:]
        queries = mine if level is None else queries_at(
            vectors[rng.choice(len(vectors), LEVEL_QUERIES, replace=False)], level, mine)
        scores = vectors @ queries.T
        best = scores.max(axis=0)
        found, times = [], []
        for query in queries:
            start = time.perf_counter()
            match = index.nearest("scope", query)
            times.append(time.perf_counter() - start)
            found.append(match.key)
        shortfall = best - scores[[row[key] for key in found], np.arange(len(queries))]
        sure = best >= index.sure_from - 1e-4  # where the index promises the true nearest
        levels["unrelated" if level is None else f"{level:.2f}"] = {
            "queries": len(queries),
            "true_nearest_cosine": {"p50": round(float(np.median(best)), 3),
                                    "max": round(float(best.max()), 3)},
            "recall_of_true_nearest": (round(float(np.mean(shortfall[sure] <= 1e-4)), 4)
                                       if sure.any() else None),
            "worst_shortfall": round(float(shortfall.max()), 4),
            "index_ms": {"p50": ms(times, 50), "p99": ms(times, 99)}}
    return levels


def latency(embedder: Embedder, questions: list[str],
            embedded: np.ndarray) -> dict[str, object]:
    """``embedded``: the questions' embeddings, whose mean and covariance the MiniLM-like
    vectors are drawn from."""
    rng = np.random.default_rng(0)
    vectors = unit_rows(rng.standard_normal((ENTRIES, 384)))
    index, keys, held = filled_index(vectors, "filling the index (random vectors)")
    # Near-duplicate queries (cosine ~0.9 to a stored row), the case a cache must find.
    targets = rng.choice(ENTRIES, QUERIES, replace=False)
    noise = unit_rows(rng.standard_normal((QUERIES, 384)))
    queries = unit_rows(0.9 * vectors[targets] + np.sqrt(1 - 0.81) * noise)

    found: list[str | None] = []
    index_times = timed(lambda i: found.append(getattr(index.nearest("scope", queries[i]),
                                                       "key", None)), QUERIES)
    brute: list[int] = []
    brute_times = timed(lambda i: brute.append(int(np.argmax(vectors @ queries[i]))), QUERIES)
    agreement = float(np.mean([f == keys[b] for f, b in zip(found, brute, strict=True)]))
    recall = {"random": recall_by_level(index, keys, vectors,
                                        unit_rows(rng.standard_normal((8 * LEVEL_QUERIES, 384))),
                                        rng)}
    crowded = minilm_like(embedded, rng, ENTRIES + 8 * LEVEL_QUERIES)
    crowded_index, crowded_keys, _ = filled_index(crowded[:ENTRIES],
                                                  "filling the index (MiniLM-like vectors)")
    recall["minilm_like"] = recall_by_level(crowded_index, crowded_keys, crowded[:ENTRIES],
                                            crowded[ENTRIES:], rng)

    with tempfile.TemporaryDirectory() as folder:
        store = CacheStore(Path(folder) / "responses.sqlite", max_entries=ENTRIES, ttl_s=86400)
        answer = json.dumps({"chunks": ["Blue", "."], "finish_reason": "stop",
                             "prompt_tokens": 5, "completion_tokens": 2, "route": "in_cloud",
                             "target": "t", "model": "m", "cost_usd": 0.0})
        now = time.time()
        with store._lock:  # bulk fill; the timed reads below go through the public get()
            store._db.executemany(
                "INSERT INTO entries (key, scope, question, answer, created, last_hit, "
                "expires) VALUES (?, 's', 'q', ?, ?, ?, ?)",
                ((f"key{i:06d}", answer, now, now, now + 86400) for i in range(ENTRIES)))
        exact_keys = [f"key{i:06d}" for i in rng.choice(ENTRIES, QUERIES)]
        assert all(store.get(key) is not None for key in exact_keys)
        exact_times = timed(lambda i: store.get(exact_keys[i]), QUERIES)
        store.close()

    embedder.embed(["warm up"])
    embed_times = timed(lambda i: embedder.embed([questions[i % len(questions)]]), 50)
    return {
        "entries": ENTRIES, "queries": QUERIES,
        "index": {"rerank": semantic.RERANK, "budget": semantic.BUDGET,
                  "sure_from": semantic.SURE_FROM, "bytes_per_entry": round(held / ENTRIES)},
        "index_ms": {"p50": ms(index_times, 50), "p99": ms(index_times, 99)},
        "brute_force_ms": {"p50": ms(brute_times, 50), "p99": ms(brute_times, 99)},
        "speedup_p50": round(statistics.median(brute_times) / statistics.median(index_times), 1),
        "index_agrees_with_brute_force": agreement,
        "recall_by_cosine": recall,
        "exact_lookup_ms": {"p50": ms(exact_times, 50), "p99": ms(exact_times, 99)},
        "embed_one_question_ms": {"p50": ms(embed_times, 50), "p99": ms(embed_times, 99)},
    }


def print_latency(result: dict[str, object]) -> None:
    table = Table("vectors", "cosine", "nearest", "recall", "shortfall", "p50 ms", "p99 ms",
                  title=f"semantic index at {ENTRIES:,} entries: queries at a cosine to a stored "
                        "row (or unrelated), the true nearest's cosine (p50), the share found, "
                        "the worst shortfall, the look-up time")
    for kind, levels in result["recall_by_cosine"].items():
        for level, row in levels.items():
            recall = row["recall_of_true_nearest"]
            table.add_row(kind, level, f"{row['true_nearest_cosine']['p50']:.3f}",
                          "-" if recall is None else f"{recall:.2%}",
                          f"{row['worst_shortfall']:.4f}", f"{row['index_ms']['p50']:.2f}",
                          f"{row['index_ms']['p99']:.2f}")
    console.print(table)


def only_latency(embedder: Embedder, texts: list[str], vectors: dict[str, np.ndarray]) -> int:
    """``--only latency``: part 2 alone; replaces the latency in cache.json if there is one."""
    load_before = os.getloadavg()
    with threadpool_limits(1):
        measured = latency(embedder, texts, np.stack([vectors[t] for t in texts]))
    path = RESULTS / "cache.json"
    if path.exists():
        result = json.loads(path.read_text())
        result["latency"] = measured
        result["latency_load"] = [load_before, os.getloadavg()]
        path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print_latency(measured)
    console.print(json.dumps({k: v for k, v in measured.items() if k != "recall_by_cosine"},
                             indent=2))
    console.print(f"load: {load_before} -> {os.getloadavg()}")
    return 0


def draw(result: dict[str, object], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    point = result["operating_point"]["threshold"]
    fig, axes = plt.subplots(2, len(SETS), figsize=(13, 9.5))
    palette = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e"]
    for column, pair_set in enumerate(SETS):
        data = result["sets"][pair_set.name]
        rows = data["rows"]
        x = [r["threshold"] for r in rows]
        top = axes[0][column]
        for decision, style, name in (("cosine", "--", "cosine only"),
                                      ("hybridai", "-", "hybridai")):
            top.plot(x, [r[decision]["recall"] for r in rows], style, color="#27a",
                     label=f"paraphrase recall, {name}")
            top.plot(x, [r[decision]["wrong_hits"] for r in rows], style, color="#c44",
                     label=f"wrong hits, {name}")
        top.axhline(GPTCACHE_REPORTED_FALSE_HIT, color="#999", linestyle=":",
                    label="GPTCache wrong hits, reported (not run here)")
        if point is not None:
            top.axvline(point, color="#333", linewidth=0.8)
            top.annotate(f"operating point {point}", (point, 0.5), rotation=90, ha="right",
                         fontsize=8)
        top.set_xlabel("cosine similarity threshold (all-MiniLM-L6-v2)")
        top.set_ylabel("rate")
        top.set_title(f"{pair_set.name}: {data['pairs']} pairs "
                      f"({data['paraphrases']} paraphrases)", fontsize=10)
        top.legend(fontsize=7, loc="best")

        # Recall against wrong hits, one point per threshold: the curve a threshold moves along.
        bottom = axes[1][column]
        bottom.plot([r["cosine"]["wrong_hits"] for r in rows],
                    [r["cosine"]["recall"] for r in rows], "--", color="#999",
                    label="cosine only, all languages")
        bottom.plot([r["hybridai"]["wrong_hits"] for r in rows],
                    [r["hybridai"]["recall"] for r in rows], color="#222", linewidth=2,
                    label="hybridai, all languages")
        at_point = next((r for r in rows if r["threshold"] == point), None)
        several = len(data["languages"]) > 1  # one language's curve is the overall one
        for lang, color in zip(data["languages"] if several else (), palette, strict=False):
            curve = [r["by_language"][lang]["hybridai"] for r in rows]
            bottom.plot([c["wrong_hits"] for c in curve], [c["recall"] for c in curve],
                        color=color, linewidth=1, label=f"hybridai, {lang}")
            if at_point is not None:
                mine = at_point["by_language"][lang]["hybridai"]
                bottom.plot(mine["wrong_hits"], mine["recall"], "o", color=color, markersize=5)
        if at_point is not None:
            bottom.plot(at_point["hybridai"]["wrong_hits"], at_point["hybridai"]["recall"],
                        "*", color="#222", markersize=12, label=f"operating point {point}")
        bottom.axvline(MAX_WRONG_HITS, color="#c44", linestyle=":", linewidth=0.8)
        bottom.axhline(TARGET_RECALL, color="#27a", linestyle=":", linewidth=0.8)
        # Linear up to 1 %, logarithmic above: the target region stays readable.
        bottom.set_xscale("symlog", linthresh=MAX_WRONG_HITS)
        bottom.set_xlim(-0.002, 1.0)
        bottom.set_ylim(0, 1.02)
        bottom.set_xlabel("wrong-hit rate (must-not-hit pairs given the cached answer)")
        bottom.set_ylabel("paraphrase recall")
        bottom.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def print_tables(result: dict[str, object]) -> None:
    sets = result["sets"]
    for pair_set in SETS:
        table = Table("threshold", "recall, cosine", "wrong hits, cosine", "recall, hybridai",
                      "wrong hits, hybridai",
                      title=f"{pair_set.name} ({sets[pair_set.name]['pairs']} pairs): "
                            "recall and wrong hits per threshold")
        for row in sets[pair_set.name]["rows"]:
            table.add_row(f"{row['threshold']:.2f}", *(
                percent(row[d][m]) for d in ("cosine", "hybridai")
                for m in ("recall", "wrong_hits")))
        console.print(table)
    for name, title in (("at_operating_point", "operating point"),
                        ("at_default", "configured default")):
        table = Table("set", "lang", "pairs", "recall", "wrong hits", "recall, cosine",
                      "wrong, cosine", "target met",
                      title=f"{title}: threshold {sets['own'][name]['threshold']}")
        for pair_set in SETS:
            data = sets[pair_set.name]
            at = data[name]
            table.add_row(pair_set.name, "all", str(data["pairs"]), percent(at["recall"]),
                          percent(at["wrong_hits"]), percent(at["cosine"]["recall"]),
                          percent(at["cosine"]["wrong_hits"]),
                          "yes" if at["meets_target"] else "no")
            row = next(r for r in data["rows"] if r["threshold"] == at["threshold"])
            for lang, mine in at["by_language"].items():
                cosine = row["by_language"][lang]["cosine"]
                table.add_row("", lang, str(data["languages"][lang]["pairs"]),
                              percent(mine["recall"]), percent(mine["wrong_hits"]),
                              percent(cosine["recall"]), percent(cosine["wrong_hits"]),
                              "yes" if meets(mine) else "no")
        console.print(table)
    for pair_set in (s for s in SETS if not s.held_out):
        at = sets[pair_set.name]["at_operating_point"]
        table = Table("lang", "kind", "a (asked)", "b (stored)", "cosine",
                      title=f"{pair_set.name}: wrong hits at the operating point")
        for wrong in at["wrong_hits_listed"]:
            table.add_row(wrong["lang"], wrong["kind"], wrong["a"], wrong["b"],
                          f"{wrong['similarity']:.3f}")
        console.print(table)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["latency"],
                        help="run one part (latency: replaces only the latency in cache.json)")
    args = parser.parse_args()
    console.print("switched off: " + "; ".join(f"{k} ({v})" for k, v in SWITCHED_OFF.items()))
    loaded = {pair_set.name: load_pairs(pair_set) for pair_set in SETS}
    embedder = default_embedder()
    texts = sorted({normalize(q) for pairs in loaded.values() for p in pairs for q in (p.a, p.b)})
    vectors: dict[str, np.ndarray] = {}
    for start in track(range(0, len(texts), 32), console=console,
                       description=f"embedding {len(texts)} questions"):
        batch = texts[start:start + 32]
        vectors.update(zip(batch, embedder.embed(batch), strict=True))
    if args.only == "latency":
        return only_latency(embedder, texts, vectors)
    scored = {name: score(pairs, vectors) for name, pairs in loaded.items()}

    sets: dict[str, dict[str, object]] = {}
    for pair_set in SETS:
        sets[pair_set.name] = {"path": str(pair_set.path.relative_to(ROOT.parent)),
                               "about": pair_set.about, **summary(scored[pair_set.name]),
                               "rows": sweep(scored[pair_set.name])}
    point = operating_point(sets[OWN.name]["rows"], "hybridai")
    if point is None:
        console.print(f"[red]no threshold keeps the own set's wrong hits at or below "
                      f"{MAX_WRONG_HITS:.0%}[/red]")
        return 1
    default = CacheSettings().threshold
    for pair_set in SETS:
        sets[pair_set.name]["at_operating_point"] = at_threshold(scored[pair_set.name], point)
        sets[pair_set.name]["at_default"] = at_threshold(scored[pair_set.name], default)
    result: dict[str, object] = {
        "date": datetime.date.today().isoformat(), "load_before": os.getloadavg(),
        "switched_off": SWITCHED_OFF, "embedder": embedder.name,
        "operating_point": {
            "rule": f"lowest threshold whose wrong-hit rate on the {OWN.name} set is at most "
                    f"{MAX_WRONG_HITS:.0%}; the {HELDOUT.name} set is not used to choose it",
            "threshold": point, "configured_default": default,
            "cosine_only_threshold": operating_point(sets[OWN.name]["rows"], "cosine")},
        "target": {"recall": TARGET_RECALL, "wrong_hits": MAX_WRONG_HITS},
        "sets": sets,
    }
    # One BLAS thread for both sides: on a busy 2-core machine a second one only spins.
    with threadpool_limits(1):
        result["latency"] = latency(embedder, texts, np.stack([vectors[t] for t in texts]))
    result["load_after"] = os.getloadavg()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "cache.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    draw(result, RESULTS / "cache.png")

    print_tables(result)
    console.print(f"operating point: {point} (configured default {default}; cosine alone "
                  f"reaches <= 1 % wrong hits on the own set at "
                  f"{result['operating_point']['cosine_only_threshold']})")
    console.print(json.dumps(result["latency"], indent=2))
    console.print(f"load: {result['load_before']} -> {result['load_after']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
