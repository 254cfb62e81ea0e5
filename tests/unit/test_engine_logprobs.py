"""The arithmetic behind the device's OpenAI logprobs (engines/llamacpp/logprobs.py)."""

from __future__ import annotations

import math

import numpy as np

from hybridai.engines.llamacpp.logprobs import log_softmax, top_indices


def test_log_softmax_gives_log_probabilities_that_sum_to_one() -> None:
    logits = np.array([2.0, 1.0, 0.0, -1.0], dtype=np.float32)
    logprobs = log_softmax(logits)
    assert math.isclose(float(np.exp(logprobs).sum()), 1.0, rel_tol=1e-12)
    expected = 2.0 - math.log(sum(math.exp(float(x)) for x in logits))
    assert math.isclose(float(logprobs[0]), expected, rel_tol=1e-9)


def test_log_softmax_is_stable_for_large_logits() -> None:
    logprobs = log_softmax(np.array([1000.0, 1000.0]))
    assert np.allclose(logprobs, [math.log(0.5)] * 2)


def test_the_top_tokens_come_most_likely_first_ties_by_id() -> None:
    logprobs = np.log(np.array([0.1, 0.3, 0.05, 0.3, 0.25]))
    assert top_indices(logprobs, 3) == [1, 3, 4]
    assert top_indices(logprobs, 1) == [1]
    assert top_indices(logprobs, 10) == [1, 3, 4, 0, 2]
