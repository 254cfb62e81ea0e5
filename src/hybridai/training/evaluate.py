"""Evaluating a router on labeled rows: cross-validation, the report, the plot, calibration."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from .data import Row
from .metrics import curve, oracle_scores, random_curve, summarize
from .train import ProbeReadings, train


def _qualities(rows: list[Row], local: str, cloud: str) -> tuple[list[float], list[float]]:
    # Rows with only a label count as 0/1 quality: the labeled side answers right.
    q_local = [r.quality(local) if r.label is None else float(r.label == "on_device")
               for r in rows]
    q_cloud = [r.quality(cloud) if r.label is None else 1.0 for r in rows]
    return q_local, q_cloud


def cross_validated_scores(rows: list[Row], local: str, cloud: str, *, folds: int,
                           seed: int = 0, probe: ProbeReadings | None = None) -> np.ndarray:
    """Every row scored by a router that did not see it in training; with ``probe``, the
    probe's readings of every row (read once) go to each fold's router."""
    from sklearn.model_selection import StratifiedKFold

    from ..errors import InvalidRequestError
    from .train import labels

    y = labels(rows, local, cloud)
    if np.bincount(y, minlength=2).min() < folds:
        raise InvalidRequestError(f"--cv {folds} needs at least {folds} rows of each outcome")
    scores = np.zeros(len(rows))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train_idx, test_idx in splitter.split(np.zeros(len(rows)), y):
        fold_probe = None if probe is None else replace(
            probe, shapes=[probe.shapes[i] for i in train_idx],
            features=probe.features[train_idx])
        router = train([rows[i] for i in train_idx], local, cloud, probe=fold_probe)
        scores[test_idx] = [
            router.score(rows[i].prompt, None if probe is None else
                         (probe.shapes[i], probe.features[i])) for i in test_idx]
    return scores


def report(rows: list[Row], scores: np.ndarray, local: str, cloud: str, *,
           plot: Path | None = None) -> dict[str, Any]:
    q_local, q_cloud = _qualities(rows, local, cloud)
    routed = curve(scores, q_local, q_cloud)
    oracle = curve(oracle_scores(q_local, q_cloud), q_local, q_cloud)
    rand = random_curve(q_local, q_cloud)
    result = {
        "rows": len(rows), "local": local, "cloud": cloud,
        "router": summarize(routed, q_local, q_cloud),
        "random": summarize(rand, q_local, q_cloud),
        "oracle": summarize(oracle, q_local, q_cloud),
    }
    if plot is not None:
        _draw(plot, routed, rand, oracle)
        result["plot"] = str(plot)
    return result


def _draw(path: Path, *curves: Any) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axis = plt.subplots(figsize=(5.5, 3.8))
    for c, name, style in zip(curves, ("router", "random", "oracle"), ("-", "--", ":"),
                              strict=True):
        axis.plot(c.cloud_share, c.quality, style, label=name)
    axis.set_xlabel("share of prompts sent to the cloud")
    axis.set_ylabel("average quality")
    axis.set_title("cost-quality curve")
    axis.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def threshold_for_quality(rows: list[Row], scores: np.ndarray, local: str, cloud: str,
                          target: float) -> tuple[float, dict[str, float]]:
    """The highest threshold (fewest cloud calls) whose quality reaches ``target`` × the
    cloud model's own quality on these rows."""
    q_local, q_cloud = _qualities(rows, local, cloud)
    routed = curve(scores, q_local, q_cloud)
    goal = target * float(np.mean(q_cloud))
    reached = np.nonzero(routed.quality >= goal - 1e-12)[0]
    k = int(reached[0]) if len(reached) else len(rows)
    ordered = np.sort(np.asarray(scores))[::-1]
    # Send the k highest-scoring prompts to the cloud: the threshold sits at the k-th score.
    threshold = float(ordered[k - 1]) if k > 0 else float(ordered[0]) + 1e-9
    return threshold, {"quality": round(float(routed.quality[k]), 4),
                       "cloud_quality": round(float(np.mean(q_cloud)), 4)}
