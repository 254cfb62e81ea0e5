"""The learned router: a linear model over prompt features, saved as a plain .npz file.

``score(prompt)`` is the probability that the cloud model is needed (it answers better than
the device). Training uses scikit-learn; scoring needs only numpy, so a decision costs
microseconds. Besides the local-vs-cloud label, training can use every other model's scores
in the data: a prompt most models fail is hard, which is a denser signal than one pair's
wins alone (``difficulty_weight``).
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InvalidRequestError
from .data import DataError, Row, require_models
from .features import DIM, HASH_BITS, featurize, matrix

FORMAT = "hybridai-router/2"  # /2: features of the final block added
DEFAULT_ROUTER = Path(__file__).with_name("default") / "smollm2-vs-frontier.npz"


@dataclass
class Router:
    local: str
    cloud: str
    weights: np.ndarray
    bias: float
    threshold: float = 0.5
    meta: dict[str, Any] = field(default_factory=dict)

    def score(self, prompt: str) -> float:
        indices, values = featurize(prompt)
        return _sigmoid(float(values @ self.weights[indices]) + self.bias)

    def scores(self, prompts: list[str]) -> np.ndarray:
        return np.asarray([self.score(p) for p in prompts])

    def save(self, path: Path) -> None:
        nonzero = np.flatnonzero(self.weights)
        meta = {**self.meta, "format": FORMAT, "local": self.local, "cloud": self.cloud,
                "threshold": self.threshold, "bias": self.bias, "hash_bits": HASH_BITS}
        with path.open("wb") as f:  # np.savez would append .npz to a bare name
            np.savez_compressed(f, meta=np.frombuffer(json.dumps(meta).encode(), np.uint8),
                                indices=nonzero.astype(np.int64),
                                values=self.weights[nonzero].astype(np.float32))

    @classmethod
    def load(cls, path: Path) -> Router:
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(data["meta"].tobytes())
                indices, values = data["indices"], data["values"]
        except (OSError, ValueError, KeyError) as exc:
            raise InvalidRequestError(f"{path} is not a hybridai router file ({exc})") from None
        if meta.get("format") != FORMAT or meta.get("hash_bits") != HASH_BITS:
            raise InvalidRequestError(f"{path}: router format {meta.get('format')!r} is not "
                                      f"{FORMAT!r}; train it again")
        weights = np.zeros(DIM, dtype=np.float64)
        weights[indices] = values
        return cls(local=meta["local"], cloud=meta["cloud"], weights=weights,
                   bias=float(meta["bias"]), threshold=float(meta["threshold"]), meta=meta)


def labels(rows: list[Row], local: str, cloud: str) -> np.ndarray:
    return np.asarray([row.needs_cloud(local, cloud) for row in rows], dtype=int)


def difficulty(rows: list[Row]) -> np.ndarray | None:
    """1 - the mean score over all models a row scores; None if rows score under 3 models."""
    if any(row.label is not None or len(row.scores) < 3 for row in rows):
        return None
    return np.asarray([1.0 - float(np.mean(list(row.scores.values()))) for row in rows])


def train(rows: list[Row], local: str, cloud: str, *, c: float = 1.0,
          difficulty_weight: float = 0.5) -> Router:
    """Fits the router; the default threshold sends the cloud as many prompts as it won."""
    from sklearn.linear_model import LogisticRegression, Ridge

    require_models(rows, [local, cloud])
    y = labels(rows, local, cloud)
    if y.min() == y.max():
        raise DataError(f"every row says the same ({'in_cloud' if y[0] else 'on_device'}): "
                        "a router needs examples of both")
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
    scores = np.asarray([_sigmoid(float(z)) for z in x @ weights + bias])
    router.threshold = threshold_for_share(scores, float(y.mean()))
    return router


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def threshold_for_share(scores: np.ndarray, cloud_share: float) -> float:
    """The score above which ``cloud_share`` of these prompts go to the cloud."""
    if cloud_share <= 0:
        return float(np.max(scores)) + 1e-9
    if cloud_share >= 1:
        return float(np.min(scores))
    return float(np.quantile(scores, 1.0 - cloud_share))
