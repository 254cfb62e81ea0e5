"""The learned router: a linear model over prompt features, saved as a plain .npz file.

``score(prompt)`` is the probability that the cloud model is needed (it answers better than
the device). Training uses scikit-learn; scoring needs only numpy, so a decision costs
microseconds. Training lives in ``hybridai.training.train``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InvalidRequestError
from .features import DIM, HASH_BITS, featurize
from .reader import NAMES as PROBE_NAMES
from .reader import SHAPES

FORMAT = "hybridai-router/2"  # /2: features of the final block added
PROBE_FORMAT = "hybridai-router/3"  # /3: /2 plus a probe model's features (router/reader.py)
DEFAULT_ROUTER = Path(__file__).with_name("default") / "smollm2-vs-frontier.npz"

# A reader model's reading of a prompt: its shape and feature row (router/reader.py).
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
        return sigmoid(z)

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


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
