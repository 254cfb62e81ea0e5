"""A text-only router as JSON data, for scorers in other languages (the browser SDK).

``router_json(router)`` holds everything ``Router.score`` computes from: the non-zero weights
by feature index, the bias, the threshold mode ``auto`` compares the score with, and the
featurizer's recipe (``router/features.py``): the hashing, the token pattern, the final
block's rule, and each structural feature as a measure, a cap and a scale. A scorer built
from this data alone gives ``Router.score``'s numbers (``tests/unit/test_router_export.py``
checks that with a scorer written from the JSON).

Patterns are Python ``re`` syntax and semantics: ``\\w``, ``\\d``, ``\\s`` and ``\\b`` are
Unicode-aware, ``$`` under MULTILINE is before a ``\\n``; text lengths count code points,
``str.isdigit``/``str.isupper``/``str.lower``/``str.split`` are Python's. A port matches
those, not its own regex engine's defaults.

A probe router (format /3) reads each prompt with a model, which no data can stand in for:
exporting one is an ``InvalidRequestError``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, Field

from ..config import Settings
from ..errors import InvalidRequestError
from . import features
from .model import DEFAULT_ROUTER, Router

Measure = Literal["chars", "words", "digits", "uppercase", "non_ascii", "matches",
                  "occurrences"]


class StructuralFeature(BaseModel):
    """One structural feature: ``scale * f(measure)`` where f is, in this order, the
    measure divided by the text's length in code points (at least 1) when ``per_char``,
    ``min(x, cap)`` when ``cap`` is set, ``ln(1 + x)`` when ``log1p``."""

    name: str
    measure: Measure = Field(description="chars: code points; words: len(text.split()); "
                             "digits/uppercase: characters for which str.isdigit/str.isupper; "
                             "non_ascii: code points > 127; matches: non-overlapping matches "
                             "of pattern (re.findall); occurrences: of substring (str.count)")
    pattern: str | None = None
    flags: list[Literal["IGNORECASE", "MULTILINE", "DOTALL"]] = Field(default_factory=list)
    substring: str | None = None
    per_char: bool = False
    cap: int | None = None
    log1p: bool = False
    scale: float


class Featurizer(BaseModel):
    """How a prompt becomes its sparse feature vector (``features.featurize``)."""

    prompt: str = Field(default="the messages' texts (system included) joined by \"\\n\"",
                        description="what the router reads of a chat request")
    lowercase: bool = Field(default=True, description="tokens are found in str.lower(text)")
    token_pattern: str = Field(description="re.findall over the lowercased text")
    max_tokens: int = Field(description="only the first max_tokens tokens are hashed")
    hash: str = Field(default="crc32", description="zlib.crc32 of the UTF-8 bytes of "
                      "namespace + token (unigram) or namespace + a + bigram_separator + b "
                      "(bigram), masked to hash_bits")
    bigram_separator: str = " "
    namespaces: dict[Literal["whole", "final"], str] = Field(
        description="prefix of each hashed key: the whole text's, and the final block's")
    term_weight: Literal["1+ln(count)"] = Field(
        default="1+ln(count)", description="per bucket, counts of unigrams and bigrams "
        "together; then L2-normalized within the namespace")
    final_block_separator: str = Field(description="blocks: text.split(separator), "
                                       "keeping those with non-blank text (str.strip)")
    final_block_min_chars: int = Field(
        description="the last block; when its stripped text is shorter than this and another "
        "block precedes it, that block + separator + the last; no blocks: the whole text")
    structural_offset: int = Field(description="index of the first structural feature; the "
                                   "hashed features are below it")
    collisions: Literal["sum"] = Field(
        default="sum", description="the two namespaces' values in one bucket add up")


class RouterExport(BaseModel):
    """A text-only router as data: ``score = sigmoid(bias + sum(w[i] * x[i]))`` over the
    featurizer's sparse vector x, the sigmoid's argument clamped to [-50, 50]; mode ``auto``
    sends a prompt to the cloud when ``score >= threshold``."""

    format: Literal["hybridai-router/2"]
    local: str = Field(description="the on-device model the router was trained for")
    cloud: str = Field(description="the cloud model it was compared with")
    hash_bits: int
    dim: int = Field(description="feature vector length: 2**hash_bits + len(structural)")
    structural: list[str] = Field(description="the structural features' names, in index order")
    structural_features: list[StructuralFeature]
    featurizer: Featurizer
    weights: dict[str, float] = Field(description="the non-zero weights by feature index")
    bias: float
    threshold: float = Field(description="the threshold mode auto uses: [router] threshold "
                             "when set, else the router file's")
    file_threshold: float = Field(description="the threshold stored in the router file")


def _flags(pattern: re.Pattern[str]) -> list[Literal["IGNORECASE", "MULTILINE", "DOTALL"]]:
    names: list[Literal["IGNORECASE", "MULTILINE", "DOTALL"]] = []
    for flag, name in ((re.IGNORECASE, "IGNORECASE"), (re.MULTILINE, "MULTILINE"),
                       (re.DOTALL, "DOTALL")):
        if pattern.flags & flag:
            names.append(name)  # type: ignore[arg-type]
    return names


def _matches(name: str, pattern: re.Pattern[str]) -> StructuralFeature:
    return StructuralFeature(name=name, measure="matches", pattern=pattern.pattern,
                             flags=_flags(pattern), cap=10, scale=1 / 5)


# features.structural(), feature by feature, in features.STRUCTURAL's order.
STRUCTURAL_FEATURES = (
    StructuralFeature(name="log_chars", measure="chars", log1p=True, scale=1 / 10),
    StructuralFeature(name="log_words", measure="words", log1p=True, scale=1 / 8),
    StructuralFeature(name="digit_share", measure="digits", per_char=True, scale=5),
    StructuralFeature(name="upper_share", measure="uppercase", per_char=True, scale=5),
    StructuralFeature(name="non_ascii_share", measure="non_ascii", per_char=True, scale=5),
    _matches("code_markers", features._CODE),
    _matches("math_markers", features._MATH),
    _matches("choice_lines", features._CHOICES),
    StructuralFeature(name="question_marks", measure="occurrences", substring="?", cap=10,
                      scale=1 / 5),
    StructuralFeature(name="lines", measure="occurrences", substring="\n", cap=50,
                      scale=1 / 25),
)


def router_json(router: Router, *, threshold: float | None = None) -> dict[str, Any]:
    """``router`` as JSON-ready data; ``threshold``: the one mode ``auto`` uses instead of the
    file's (``[router] threshold``)."""
    if router.probe is not None:
        raise InvalidRequestError(
            f"this router reads each prompt with the probe model {router.probe.model!r} "
            "(format hybridai-router/3): no data can stand in for a model, so it cannot be "
            "exported; export a text-only router (trained without --probe)",
            code="router_probe")
    nonzero = np.flatnonzero(router.weights)
    export = RouterExport(
        format="hybridai-router/2", local=router.local, cloud=router.cloud,
        hash_bits=features.HASH_BITS, dim=features.DIM, structural=list(features.STRUCTURAL),
        structural_features=list(STRUCTURAL_FEATURES),
        featurizer=Featurizer(
            token_pattern=features._TOKEN.pattern, max_tokens=features.MAX_TOKENS,
            namespaces={"whole": "", "final": "final:"}, final_block_separator="\n\n",
            final_block_min_chars=40, structural_offset=features.HASHED),
        weights={str(int(i)): float(router.weights[i]) for i in nonzero},
        bias=float(router.bias),
        threshold=float(router.threshold if threshold is None else threshold),
        file_threshold=float(router.threshold))
    return export.model_dump(mode="json")


def configured_router(settings: Settings) -> tuple[Router, float]:
    """The router mode ``auto`` uses under ``settings`` (its file, else the shipped default),
    loaded without its reader model, and the threshold it is compared with."""
    path: Path = (settings.router.path or DEFAULT_ROUTER).expanduser()
    router = Router.load(path)
    threshold = router.threshold if settings.router.threshold is None else (
        settings.router.threshold)
    return router, threshold
