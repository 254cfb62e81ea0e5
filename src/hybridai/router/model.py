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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InvalidRequestError
from .data import DataError, Row, require_models
from .features import DIM, HASH_BITS, featurize, matrix
from .reader import NAMES as PROBE_NAMES
from .reader import SHAPES

FORMAT = "hybridai-router/2"  # /2: features of the final block added
PROBE_FORMAT = "hybridai-router/3"  # /3: /2 plus a probe model's features (router/probe.py)
DEFAULT_ROUTER = Path(__file__).with_name("default") / "smollm2-vs-frontier.npz"

# A probe's reading of a prompt: its shape and feature row (router/probe.py).
ProbeReader = Callable[[str], tuple[str, np.ndarray]]


@dataclass
class ProbeWeights:
    """The probe features' part of a router: standardized within each prompt shape, scaled,
    optionally crossed with the shape, plus a per-shape offset."""

    model: str
    """The probe GGUF's file name at training time."""
    mean: np.ndarray  # (len(SHAPES), len(NAMES))
    std: np.ndarray
    weights: np.ndarray
    scale: float = 1.0
    interactions: bool = True

    @classmethod
    def fit_scaler(cls, model: str, shapes: list[str], x: np.ndarray, *, scale: float,
                   interactions: bool) -> ProbeWeights:
        mean, std = np.zeros((len(SHAPES), x.shape[1])), np.ones((len(SHAPES), x.shape[1]))
        for i, shape in enumerate(SHAPES):
            rows = x[np.asarray(shapes) == shape]
            if len(rows):
                mean[i], std[i] = rows.mean(0), rows.std(0)
        std[std < 1e-9] = 1.0
        width = x.shape[1] * (1 + len(SHAPES) * interactions) + len(SHAPES)
        return cls(model, mean, std, np.zeros(width), scale, interactions)

    def design(self, shapes: list[str], x: np.ndarray) -> np.ndarray:
        """The dense columns the weights apply to."""
        which = np.asarray([SHAPES.index(s) for s in shapes], dtype=np.int64)
        onehot = np.eye(len(SHAPES))[which]
        z = (x - self.mean[which]) / self.std[which]
        if self.interactions:
            z = np.hstack([z] + [z * onehot[:, [k]] for k in range(len(SHAPES))])
        return np.hstack([z * self.scale, onehot])


@dataclass
class Router:
    local: str
    cloud: str
    weights: np.ndarray
    bias: float
    threshold: float = 0.5
    meta: dict[str, Any] = field(default_factory=dict)
    probe: ProbeWeights | None = None
    reader: ProbeReader | None = None
    """Reads prompts with the probe model; a probe router scores nothing without it."""

    def score(self, prompt: str, reading: tuple[str, np.ndarray] | None = None) -> float:
        """P(the cloud is needed). A probe router reads the prompt with its ``reader``
        unless the probe's ``reading`` (shape, features) is given."""
        indices, values = featurize(prompt)
        z = float(values @ self.weights[indices]) + self.bias
        if self.probe is not None:
            if reading is None:
                if self.reader is None:
                    raise InvalidRequestError(
                        f"this router reads prompts with the probe model {self.probe.model!r}:"
                        " give it that GGUF (--probe, or [router] probe_model)",
                        code="router_probe")
                reading = self.reader(prompt)
            shape, row = reading
            z += float(self.probe.design([shape], row[None, :])[0] @ self.probe.weights)
        return _sigmoid(z)

    def scores(self, prompts: list[str]) -> np.ndarray:
        return np.asarray([self.score(p) for p in prompts])

    def probe_model_path(self, given: Path | None = None) -> Path | None:
        """The probe GGUF to read prompts with: ``given``, else where it was at training."""
        stored = self.meta.get("probe_path")
        return given or (Path(stored) if stored else None)

    def save(self, path: Path) -> None:
        nonzero = np.flatnonzero(self.weights)
        meta = {**self.meta, "format": FORMAT if self.probe is None else PROBE_FORMAT,
                "local": self.local, "cloud": self.cloud, "threshold": self.threshold,
                "bias": self.bias, "hash_bits": HASH_BITS}
        arrays: dict[str, Any] = {}
        if self.probe is not None:
            meta["probe"] = {"model": self.probe.model, "scale": self.probe.scale,
                             "interactions": self.probe.interactions,
                             "shapes": list(SHAPES), "features": list(PROBE_NAMES)}
            arrays = {"probe_mean": self.probe.mean, "probe_std": self.probe.std,
                      "probe_weights": self.probe.weights}
        with path.open("wb") as f:  # np.savez would append .npz to a bare name
            arrays.update(meta=np.frombuffer(json.dumps(meta).encode(), np.uint8),
                          indices=nonzero.astype(np.int64),
                          values=self.weights[nonzero].astype(np.float32))
            np.savez_compressed(f, **arrays)

    @classmethod
    def load(cls, path: Path) -> Router:
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(data["meta"].tobytes())
                indices, values = data["indices"], data["values"]
                probe_arrays = {k: data[k] for k in ("probe_mean", "probe_std",
                                                     "probe_weights") if k in data}
        except (OSError, ValueError, KeyError) as exc:
            raise InvalidRequestError(f"{path} is not a hybridai router file ({exc})") from None
        if meta.get("format") not in (FORMAT, PROBE_FORMAT) or meta.get("hash_bits") != HASH_BITS:
            raise InvalidRequestError(f"{path}: router format {meta.get('format')!r} is not "
                                      f"{FORMAT!r} or {PROBE_FORMAT!r}; train it again")
        probe = None
        if meta["format"] == PROBE_FORMAT:
            spec = meta["probe"]
            if spec["features"] != list(PROBE_NAMES) or spec["shapes"] != list(SHAPES):
                raise InvalidRequestError(f"{path}: its probe features are not this version's; "
                                          "train it again")
            probe = ProbeWeights(spec["model"], probe_arrays["probe_mean"],
                                 probe_arrays["probe_std"], probe_arrays["probe_weights"],
                                 float(spec["scale"]), bool(spec["interactions"]))
        weights = np.zeros(DIM, dtype=np.float64)
        weights[indices] = values
        return cls(local=meta["local"], cloud=meta["cloud"], weights=weights,
                   bias=float(meta["bias"]), threshold=float(meta["threshold"]), meta=meta,
                   probe=probe)


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
    scores = np.asarray([_sigmoid(float(z)) for z in x @ weights + bias])
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
    router.threshold = threshold_for_share(np.asarray([_sigmoid(float(v)) for v in z]),
                                           float(y.mean()))
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
