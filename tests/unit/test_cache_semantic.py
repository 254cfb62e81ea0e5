"""The semantic index (scopes, removal, the Hamming pre-selection) and the word guard."""

from __future__ import annotations

import numpy as np
import pytest

from hybridai.cache.guard import conflict
from hybridai.cache.semantic import RERANK, SemanticIndex


def unit(rng: np.random.Generator, n: int) -> np.ndarray:
    vectors = rng.standard_normal((n, 384)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def near(vector: np.ndarray, rng: np.random.Generator, cosine: float) -> np.ndarray:
    noise = unit(rng, 1)[0]
    noise -= noise @ vector * vector
    noise /= np.linalg.norm(noise)
    return cosine * vector + np.sqrt(1 - cosine**2) * noise


def filled(vectors: np.ndarray) -> SemanticIndex:
    """An index holding ``vectors`` in one scope "s", under the keys k0, k1…"""
    index = SemanticIndex()
    for i, vector in enumerate(vectors):
        index.add(f"k{i}", "s", vector)
    return index


def test_nearest_stays_within_the_scope():
    rng = np.random.default_rng(1)
    a, b = unit(rng, 2)
    index = SemanticIndex()
    index.add("a", "scope-1", a)
    index.add("b", "scope-2", b)
    assert index.nearest("scope-1", b).key == "a"  # b lives in another scope
    assert index.nearest("scope-3", a) is None
    match = index.nearest("scope-1", a)
    assert match.key == "a" and match.similarity == pytest.approx(1.0, abs=1e-3)


def test_removal_keeps_the_other_rows_findable():
    rng = np.random.default_rng(2)
    vectors = unit(rng, 50)
    index = filled(vectors)
    index.remove(["k0", "k17", "missing"])
    assert len(index) == 48
    for i, vector in enumerate(vectors):
        match = index.nearest("s", vector)
        assert (match.key == f"k{i}") is (i not in (0, 17))
    index.add("k5", "s", vectors[0])  # re-adding a key replaces its vector
    assert index.nearest("s", vectors[0]).key == "k5" and len(index) == 48
    index.remove([f"k{i}" for i in range(50)])
    assert len(index) == 0 and index.nearest("s", vectors[1]) is None


def test_the_hamming_preselection_finds_near_duplicates_in_a_large_block():
    rng = np.random.default_rng(3)
    vectors = unit(rng, 5000)
    index = filled(vectors)
    assert len(vectors) > RERANK
    for i in range(0, 5000, 250):
        match = index.nearest("s", near(vectors[i], rng, 0.85))
        assert match.key == f"k{i}"
        assert match.similarity == pytest.approx(0.85, abs=5e-3)


def test_vectors_of_the_wrong_size_are_refused():
    with pytest.raises(ValueError, match="384"):
        SemanticIndex().add("k", "s", np.zeros(10, np.float32))


@pytest.mark.parametrize(("a", "b", "why"), [
    ("What is 15% of 80?", "What is 15% of 90?", "numbers"),
    ("How do I enable dark mode?", "How do I disable dark mode?", "opposites"),
    ("How do I install Node.js?", "How do I uninstall Node.js?", "negation"),
    ("Which foods contain gluten?", "Which foods do not contain gluten?", "negation"),
    ("Why does my code work?", "Why doesn't my code work?", "negation"),
    ("Translate 'good night' into German.", "Translate 'good night' into Italian.", "names"),
    ("Give me a synonym for 'happy'.", "Give me a synonym for 'glad'.", "quoted"),
    ("What is the capital of Austria?", "What is the capital of Australia?", "names"),
])
def test_the_guard_vetoes_what_changes_the_answer(a, b, why):
    assert conflict(a, b) == why
    assert conflict(b, a) == why


@pytest.mark.parametrize(("a", "b"), [
    ("How do I enable dark mode?", "How can I turn on dark mode?"),
    ("What is the capital of France?", "What's France's capital city?"),
    ("whats the weather like on mars", "What is the weather like on Mars?"),
    ("I'd like to know how to make green tea.", "How do I make green tea?"),
    ("Give me a synonym for 'happy'.", "What's another word for 'happy'?"),
])
def test_the_guard_lets_paraphrases_through(a, b):
    assert conflict(a, b) is None
