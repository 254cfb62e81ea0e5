"""The cascade's rule, without I/O: how confident a device answer is, and whether to escalate.

Confidence is the geometric-mean probability of the answer's tokens, ``exp(mean logprob)``:
length-normalised (a joint probability would punish every long answer), in (0, 1] so a
threshold reads as a probability, and computed from what llama.cpp samples anyway. The
minimum token probability was the other candidate; one unlucky token in a long, right answer
sinks it, and bench/bench_cascade.py measures both.

An answer cut off at ``max_tokens`` (finish reason ``length``) escalates whatever its
confidence: it is unfinished, and the small model's cut-off answers are mostly rambles that
it is confidently wrong in (bench/bench_cascade.py: right 19 % of the time, against 48 % for
finished ones; the rule lifts the AUROC of the score from 0.45 to 0.64 there, docs/benchmarks.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ..config import CascadeSettings
from ..schema.reasons import Reason, ReasonCode


def confidence(logprobs: Sequence[float]) -> float:
    """Geometric-mean token probability; 0 for an empty answer (nothing to trust)."""
    if not logprobs:
        return 0.0
    return math.exp(sum(logprobs) / len(logprobs))


def min_token_probability(logprobs: Sequence[float]) -> float:
    """The least likely token's probability: the alternative score the benchmark compares."""
    return math.exp(min(logprobs)) if logprobs else 0.0


def cascade_threshold(requested: bool | float | None, settings: CascadeSettings
                      ) -> float | None:
    """The threshold this request cascades at, or None when it does not cascade.

    The request's own ``cascade`` wins: true (the configured threshold), false, or a number
    (that threshold); unset follows ``cascade.enabled``.
    """
    if requested is None:
        return settings.threshold if settings.enabled else None
    if isinstance(requested, bool):
        return settings.threshold if requested else None
    return float(requested)


@dataclass(frozen=True)
class Verdict:
    confidence: float
    threshold: float
    truncated: bool = False  # the answer hit max_tokens

    @property
    def escalate(self) -> bool:
        return self.truncated or self.confidence < self.threshold

    def reason(self, detail: str = "") -> Reason:
        if self.truncated:
            return Reason(ReasonCode.CASCADE, "truncated", detail)
        sign = "<" if self.escalate else ">="
        return Reason(ReasonCode.CASCADE,
                      f"confidence={self.confidence:.2f}{sign}{self.threshold:.2f}", detail)

    def explain(self) -> str:
        if self.truncated:
            return "the device's answer was cut off at max_tokens"
        return (f"the device's answer had confidence {self.confidence:.2f}, under "
                f"{self.threshold:.2f}")
