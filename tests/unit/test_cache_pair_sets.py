"""The two labeled pair sets bench/bench_cache.py scores: both parse with its loader, use known
labels, cover the held-out set's languages as docs/benchmarks.md says, and share no pair."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from hybridai.cache.key import normalize

ROOT = Path(__file__).resolve().parents[2]
HELDOUT_LANGUAGES = ("en", "de", "fr", "es")


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """bench/bench_cache.py as a module (bench/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("bench_cache", ROOT / "bench" / "bench_cache.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def same_pair(pair: object) -> frozenset[str]:
    """A pair as its two questions, normalized, in either order and any case."""
    return frozenset(normalize(q).casefold() for q in (pair.a, pair.b))  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", ["own", "dev", "heldout", "fresh"])
def test_each_set_parses_with_known_labels_and_no_repeats(bench: ModuleType, name: str) -> None:
    pair_set = next(s for s in bench.SETS if s.name == name)
    pairs = bench.load_pairs(pair_set)
    assert {p.label for p in pairs} <= set(bench.SHOULD_HIT)
    assert all(p.kind and p.lang and p.a.strip() and p.b.strip() for p in pairs)
    assert any(p.should_hit for p in pairs) and not all(p.should_hit for p in pairs)
    repeated = [k for k, n in Counter(same_pair(p) for p in pairs).items() if n > 1]
    assert not repeated


def test_heldout_set_is_large_balanced_and_four_languages(bench: ModuleType) -> None:
    pairs = bench.load_pairs(bench.HELDOUT)
    assert len(pairs) >= 400
    assert 0.4 <= sum(p.should_hit for p in pairs) / len(pairs) <= 0.6
    per_language = Counter(p.lang for p in pairs)
    assert set(per_language) == set(HELDOUT_LANGUAGES)
    for lang in HELDOUT_LANGUAGES:
        mine = [p for p in pairs if p.lang == lang]
        assert len(mine) >= 70, lang
        # Each language tests both sides: paraphrases to find and near misses to refuse.
        assert sum(p.should_hit for p in mine) >= 25, lang
        assert sum(not p.should_hit for p in mine) >= 25, lang


@pytest.mark.parametrize(("one", "other"), [("OWN", "HELDOUT"), ("DEV", "HELDOUT"),
                                            ("OWN", "DEV"), ("OWN", "FRESH"), ("DEV", "FRESH"),
                                            ("HELDOUT", "FRESH")])
def test_no_pair_is_in_two_sets(bench: ModuleType, one: str, other: str) -> None:
    first = {same_pair(p) for p in bench.load_pairs(getattr(bench, one))}
    shared = [(p.a, p.b) for p in bench.load_pairs(getattr(bench, other))
              if same_pair(p) in first]
    assert not shared


def test_loader_rejects_unknown_labels_and_missing_languages(bench: ModuleType,
                                                             tmp_path: Path) -> None:
    path = tmp_path / "pairs.tsv"
    path.write_text("label\tkind\ta\tb\nparaphrase\tsynonym\tHi\tHello\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lang"):
        bench.load_pairs(bench.PairSet("t", path, "no lang column, no default"))
    assert bench.load_pairs(bench.PairSet("t", path, "English", lang="en"))[0].lang == "en"
    path.write_text("label\tkind\tlang\ta\tb\nsame\tsynonym\ten\tHi\tHello\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown label"):
        bench.load_pairs(bench.PairSet("t", path, "a typo in a label"))
