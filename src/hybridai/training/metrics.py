"""RouteLLM's router metrics over a cost-quality curve.

Routing the fraction ``c`` of prompts with the highest cloud scores to the cloud gives an
average quality q(c). With q_local and q_cloud the all-device and all-cloud qualities:

    PGR(c)   = (q(c) - q_local) / (q_cloud - q_local)     performance gap recovered
    APGR     = ∫ PGR(c) dc over c in [0, 1]                 (random routing: 0.5)
    AUC      = ∫ q(c) dc                                   area under the quality curve
    CPT(x)   = the smallest c with PGR(c) ≥ x              cloud calls needed for x of the gap
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Curve:
    cloud_share: np.ndarray
    quality: np.ndarray
    cost: np.ndarray | None = None


def curve(scores: Sequence[float] | np.ndarray, q_local: Sequence[float],
          q_cloud: Sequence[float],
          cost_local: Sequence[float] | None = None,
          cost_cloud: Sequence[float] | None = None) -> Curve:
    """Quality (and cost) for every number of prompts sent to the cloud, highest score first."""
    order = np.argsort(-np.asarray(scores, dtype=float), kind="stable")
    local = np.asarray(q_local, dtype=float)[order]
    cloud = np.asarray(q_cloud, dtype=float)[order]
    n = len(order)
    # k to the cloud: the first k (highest scores) take the cloud's quality, the rest local.
    gain = np.concatenate([[0.0], np.cumsum(cloud - local)])
    quality = (local.sum() + gain) / n
    cost = None
    if cost_local is not None and cost_cloud is not None:
        c_local = np.asarray(cost_local, dtype=float)[order]
        c_cloud = np.asarray(cost_cloud, dtype=float)[order]
        cost = c_local.sum() + np.concatenate([[0.0], np.cumsum(c_cloud - c_local)])
    return Curve(np.arange(n + 1) / n, quality, cost)


def random_curve(q_local: Sequence[float], q_cloud: Sequence[float], points: int = 101
                 ) -> Curve:
    share = np.linspace(0, 1, points)
    weak, strong = float(np.mean(q_local)), float(np.mean(q_cloud))
    return Curve(share, weak + share * (strong - weak))


def oracle_scores(q_local: Sequence[float], q_cloud: Sequence[float]) -> np.ndarray:
    """Scores that send exactly the prompts the cloud does better on, biggest gain first."""
    gains: np.ndarray = np.asarray(q_cloud, dtype=float) - np.asarray(q_local, dtype=float)
    return gains


def summarize(c: Curve, q_local: Sequence[float], q_cloud: Sequence[float]) -> dict[str, float]:
    weak, strong = float(np.mean(q_local)), float(np.mean(q_cloud))
    gap = strong - weak
    pgr = (c.quality - weak) / gap if gap > 0 else np.zeros_like(c.quality)

    def cpt(target: float) -> float:
        reached = np.nonzero(pgr >= target - 1e-12)[0]
        return float(c.cloud_share[reached[0]]) if len(reached) else 1.0

    return {
        "apgr": float(np.trapezoid(pgr, c.cloud_share)),
        "auc": float(np.trapezoid(c.quality, c.cloud_share)),
        "cpt_50": cpt(0.5),
        "cpt_80": cpt(0.8),
        "quality_local": weak,
        "quality_cloud": strong,
    }
