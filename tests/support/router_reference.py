"""A router scorer written from the exported JSON alone (``hybridai.router.export``).

It imports nothing of hybridai: it is what a port in another language does, in Python, so
the tests can check that the JSON holds everything ``Router.score`` computes from.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from typing import Any

_FLAGS = {"IGNORECASE": re.IGNORECASE, "MULTILINE": re.MULTILINE, "DOTALL": re.DOTALL}


class ReferenceScorer:
    def __init__(self, data: dict[str, Any]) -> None:
        assert data["format"] == "hybridai-router/2", data["format"]
        self.data = data
        self.spec = data["featurizer"]
        self.mask = (1 << data["hash_bits"]) - 1
        self.token = re.compile(self.spec["token_pattern"])
        self.weights = {int(i): w for i, w in data["weights"].items()}
        self.patterns = {f["name"]: re.compile(f["pattern"], sum(_FLAGS[x] for x in f["flags"]))
                         for f in data["structural_features"] if f["measure"] == "matches"}

    def final_block(self, text: str) -> str:
        separator = self.spec["final_block_separator"]
        blocks = [b for b in text.split(separator) if b.strip()]
        if not blocks:
            return text
        tail = blocks[-1]
        if len(tail.strip()) < self.spec["final_block_min_chars"] and len(blocks) > 1:
            tail = blocks[-2] + separator + tail
        return tail

    def hashed(self, text: str, namespace: str) -> dict[int, float]:
        if self.spec["lowercase"]:
            text = text.lower()
        tokens = self.token.findall(text)[: self.spec["max_tokens"]]
        keys = [namespace + t for t in tokens]
        keys += [namespace + a + self.spec["bigram_separator"] + b
                 for a, b in zip(tokens, tokens[1:], strict=False)]
        counts = Counter(zlib.crc32(k.encode("utf-8")) & self.mask for k in keys)
        weights = {i: 1.0 + math.log(c) for i, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in weights.values()))
        return {i: v / norm for i, v in weights.items()}

    def measure(self, feature: dict[str, Any], text: str) -> float:
        kind = feature["measure"]
        value: float
        if kind == "chars":
            value = len(text)
        elif kind == "words":
            value = len(text.split())
        elif kind == "digits":
            value = sum(c.isdigit() for c in text)
        elif kind == "uppercase":
            value = sum(c.isupper() for c in text)
        elif kind == "non_ascii":
            value = sum(ord(c) > 127 for c in text)
        elif kind == "matches":
            value = len(self.patterns[feature["name"]].findall(text))
        elif kind == "occurrences":
            value = text.count(feature["substring"])
        else:
            raise AssertionError(f"unknown measure {kind!r}")
        if feature["per_char"]:
            value /= max(1, len(text))
        if feature["cap"] is not None:
            value = min(value, feature["cap"])
        if feature["log1p"]:
            value = math.log1p(value)
        return value * feature["scale"]

    def structural(self, text: str) -> list[float]:
        return [self.measure(f, text) for f in self.data["structural_features"]]

    def vector(self, text: str) -> dict[int, float]:
        vector: dict[int, float] = {}
        namespaces = self.spec["namespaces"]
        for part, namespace in ((text, namespaces["whole"]),
                                (self.final_block(text), namespaces["final"])):
            for i, v in self.hashed(part, namespace).items():
                vector[i] = vector.get(i, 0.0) + v  # collisions add up
        offset = self.spec["structural_offset"]
        for k, v in enumerate(self.structural(text)):
            vector[offset + k] = v
        return vector

    def score(self, text: str) -> float:
        z = self.data["bias"] + sum(self.weights.get(i, 0.0) * v
                                    for i, v in self.vector(text).items())
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
