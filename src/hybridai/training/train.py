"""Training the learned router: a logistic regression over prompt features (scikit-learn).

Besides the local-vs-cloud label, training can use every other model's scores in the data: a
prompt most models fail is hard, which is a denser signal than one pair's wins alone
(``difficulty_weight``). A router that reads prompts with a model (``ProbeReadings``) is fit
over that model's readings too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ..router.features import DIM, matrix
from ..router.model import ProbeWeights, Router, sigmoid
from ..router.reader import NAMES as PROBE_NAMES
from .data import DataError, Row, require_models


def labels(rows: list[Row], local: str, cloud: str) -> np.ndarray:
    return np.asarray([row.needs_cloud(local, cloud) for row in rows], dtype=int)


def difficulty(rows: list[Row]) -> np.ndarray | None:
    """1 - the mean score over all models a row scores; None if rows score under 3 models."""
    if any(row.label is not None or len(row.scores) < 3 for row in rows):
        return None
    return np.asarray([1.0 - float(np.mean(list(row.scores.values()))) for row in rows])


@dataclass
class ProbeReadings:
    """What a probe read in the training prompts, for ``train``."""

    model: str
    shapes: list[str]
    features: np.ndarray
    # Defaults: what 5-fold CV chose on RouterBench's train sets (docs/benchmarks.md).
    scale: float = 1.0
    interactions: bool = False
    text: bool = False
    """Keep the n-gram features beside the probe's."""


def train(rows: list[Row], local: str, cloud: str, *, c: float = 1.0,
          difficulty_weight: float = 0.5, probe: ProbeReadings | None = None) -> Router:
    """Fits the router; the default threshold sends the cloud as many prompts as it won."""
    from sklearn.linear_model import LogisticRegression, Ridge

    require_models(rows, [local, cloud])
    y = labels(rows, local, cloud)
    if y.min() == y.max():
        raise DataError(f"every row says the same ({'in_cloud' if y[0] else 'on_device'}): "
                        "a router needs examples of both")
    if probe is not None:
        return _train_with_probe(rows, local, cloud, y, c, probe)
    started = time.perf_counter()
    x = matrix([row.prompt for row in rows])
    classifier = LogisticRegression(C=c, solver="liblinear", max_iter=1000)
    classifier.fit(x, y)
    weights = classifier.coef_[0].astype(np.float64)
    bias = float(classifier.intercept_[0])
    hard = difficulty(rows)
    used_difficulty = hard is not None and difficulty_weight > 0
    if used_difficulty:
        assert hard is not None
        # A ridge fit of difficulty, rescaled to the classifier's logit spread, then blended.
        ridge = Ridge(alpha=1.0).fit(x, hard - hard.mean())
        z_lr = x @ weights
        z_rd = x @ ridge.coef_
        scale = float(np.std(z_lr) / max(np.std(z_rd), 1e-9))
        weights = weights + difficulty_weight * scale * ridge.coef_
        bias -= difficulty_weight * scale * float(np.mean(z_rd))
    router = Router(local=local, cloud=cloud, weights=weights, bias=bias, meta={
        "trained_rows": len(rows), "cloud_wins": int(y.sum()), "c": c,
        "difficulty_weight": difficulty_weight if used_difficulty else 0.0,
        "trained_at": time.time(), "train_seconds": round(time.perf_counter() - started, 2)})
    # The training prompts' scores, from the features already built (score() would redo them).
    scores = np.asarray([sigmoid(float(z)) for z in x @ weights + bias])
    router.threshold = threshold_for_share(scores, float(y.mean()))
    return router


def _train_with_probe(rows: list[Row], local: str, cloud: str, y: np.ndarray, c: float,
                      probe: ProbeReadings) -> Router:
    """One logistic regression over the n-grams (unless ``probe.text`` is off) and the probe's
    features; no difficulty blend (the probe reads difficulty itself)."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.linear_model import LogisticRegression

    if len(probe.shapes) != len(rows) or probe.features.shape != (len(rows), len(PROBE_NAMES)):
        raise DataError(f"the probe read {len(probe.shapes)} prompts for {len(rows)} rows")
    started = time.perf_counter()
    part = ProbeWeights.fit_scaler(probe.model, probe.shapes, probe.features,
                                   scale=probe.scale, interactions=probe.interactions)
    dense = part.design(probe.shapes, probe.features)
    text = matrix([row.prompt for row in rows]) if probe.text else csr_matrix((len(rows), DIM))
    classifier = LogisticRegression(C=c, max_iter=3000)
    classifier.fit(hstack([text, csr_matrix(dense)]).tocsr(), y)
    coef = classifier.coef_[0].astype(np.float64)
    part.weights = coef[DIM:]
    router = Router(local=local, cloud=cloud, weights=coef[:DIM],
                    bias=float(classifier.intercept_[0]), probe=part, meta={
                        "trained_rows": len(rows), "cloud_wins": int(y.sum()), "c": c,
                        "difficulty_weight": 0.0, "text_features": probe.text,
                        "trained_at": time.time(),
                        "train_seconds": round(time.perf_counter() - started, 2)})
    z = np.asarray(text @ router.weights).ravel() + dense @ part.weights + router.bias
    router.threshold = threshold_for_share(np.asarray([sigmoid(float(v)) for v in z]),
                                           float(y.mean()))
    return router


def threshold_for_share(scores: np.ndarray, cloud_share: float) -> float:
    """The score above which ``cloud_share`` of these prompts go to the cloud."""
    if cloud_share <= 0:
        return float(np.max(scores)) + 1e-9
    if cloud_share >= 1:
        return float(np.min(scores))
    return float(np.quantile(scores, 1.0 - cloud_share))
