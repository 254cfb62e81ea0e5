"""The cascade's pure rule: confidence from token log-probabilities, the threshold a request
cascades at, and the request field's validation."""

from __future__ import annotations

import math

import pytest

from hybridai.config import CascadeSettings
from hybridai.errors import InvalidRequestError
from hybridai.policies.cascade import Verdict, cascade_threshold, confidence, min_token_probability
from hybridai.schema.request import ChatRequest


def test_confidence_is_the_geometric_mean_token_probability() -> None:
    logprobs = [math.log(0.9), math.log(0.5), math.log(0.8)]
    assert confidence(logprobs) == pytest.approx((0.9 * 0.5 * 0.8) ** (1 / 3))
    assert min_token_probability(logprobs) == pytest.approx(0.5)
    # Length-normalised: ten tokens at 0.9 are as trustworthy as one.
    assert confidence([math.log(0.9)] * 10) == pytest.approx(0.9)
    assert confidence([]) == 0.0 and min_token_probability([]) == 0.0


def test_the_request_field_beats_the_settings() -> None:
    off, on = CascadeSettings(), CascadeSettings(enabled=True, threshold=0.4)
    assert cascade_threshold(None, off) is None
    assert cascade_threshold(None, on) == 0.4
    assert cascade_threshold(True, off) == off.threshold
    assert cascade_threshold(False, on) is None
    assert cascade_threshold(0.75, off) == 0.75
    assert cascade_threshold(0.0, off) == 0.0  # score, never escalate


def test_verdict_reason_code() -> None:
    assert Verdict(0.42, 0.6).escalate
    assert str(Verdict(0.42, 0.6).reason()) == "cascade:confidence=0.42<0.60"
    assert not Verdict(0.6, 0.6).escalate
    assert str(Verdict(0.7, 0.6).reason()) == "cascade:confidence=0.70>=0.60"


@pytest.mark.parametrize("value", [1.5, -0.1])
def test_a_threshold_outside_0_1_is_refused(value: float) -> None:
    with pytest.raises(InvalidRequestError, match=r"cascade: a cascade threshold is a "
                                                  r"probability in \[0, 1\]"):
        ChatRequest.parse({"messages": [{"role": "user", "content": "hi"}], "cascade": value})


def test_settings_reject_a_threshold_outside_0_1() -> None:
    with pytest.raises(ValueError, match="threshold"):
        CascadeSettings(threshold=2)


def test_an_answer_cut_off_at_max_tokens_escalates_whatever_its_confidence() -> None:
    cut = Verdict(0.95, 0.5, truncated=True)
    assert cut.escalate and str(cut.reason()) == "cascade:truncated"
    assert "cut off at max_tokens" in cut.explain()
    assert not Verdict(0.95, 0.5).escalate
