"""Prompt features for the router, computed with nothing but the standard library and numpy.

Hashed word unigrams and bigrams (sublinear tf, L2-normalized), once for the whole prompt
and once, in a namespace of their own, for its final block (the text after the last blank
line: in a few-shot prompt, the question actually asked), plus a few structural features
(length, digits, code, maths, multiple choice…). CRC32 hashing is stable across
processes and machines, so a router trained anywhere scores the same everywhere, and a
decision costs tens of microseconds, not a model call.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter

import numpy as np

HASH_BITS = 18
HASHED = 1 << HASH_BITS
_TOKEN = re.compile(r"\w+|[^\w\s]")
_CODE = re.compile(r"```|\bdef |\breturn\b|\bfunction\b|[{};]\s*$|\bimport\b|=>|\bclass ",
                   re.MULTILINE)
_MATH = re.compile(r"\d\s*[-+*/^=<>%]\s*\d|\bsolve\b|\bequation\b|\bcalculate\b|\bhow many\b",
                   re.IGNORECASE)
_CHOICES = re.compile(r"^\s*\(?[A-E][).:]\s", re.MULTILINE)
MAX_TOKENS = 1024  # longer prompts are judged by their opening (and their length feature)

STRUCTURAL = ("log_chars", "log_words", "digit_share", "upper_share", "non_ascii_share",
              "code_markers", "math_markers", "choice_lines", "question_marks", "lines")
DIM = HASHED + len(STRUCTURAL)


def _bucket(token: str) -> int:
    return zlib.crc32(token.encode("utf-8")) & (HASHED - 1)


def structural(text: str) -> list[float]:
    chars = max(1, len(text))
    words = len(text.split())
    return [
        math.log1p(len(text)) / 10,
        math.log1p(words) / 8,
        sum(c.isdigit() for c in text) / chars * 5,
        sum(c.isupper() for c in text) / chars * 5,
        sum(ord(c) > 127 for c in text) / chars * 5,
        min(len(_CODE.findall(text)), 10) / 5,
        min(len(_MATH.findall(text)), 10) / 5,
        min(len(_CHOICES.findall(text)), 10) / 5,
        min(text.count("?"), 10) / 5,
        min(text.count("\n"), 50) / 25,
    ]


def final_block(text: str) -> str:
    """The text after the last blank line, with the block before it when it is very short
    (a lone "Answer:"): in a few-shot prompt, the question actually asked."""
    blocks = [b for b in text.split("\n\n") if b.strip()]
    if not blocks:
        return text
    tail = blocks[-1]
    if len(tail.strip()) < 40 and len(blocks) > 1:
        tail = blocks[-2] + "\n\n" + tail
    return tail


def _hashed(text: str, namespace: str) -> tuple[np.ndarray, np.ndarray]:
    tokens = _TOKEN.findall(text.lower())[:MAX_TOKENS]
    counts: Counter[int] = Counter(_bucket(namespace + t) for t in tokens)
    counts.update(_bucket(f"{namespace}{a} {b}") for a, b in zip(tokens, tokens[1:],
                                                                strict=False))
    if not counts:
        return np.zeros(0, np.int64), np.zeros(0)
    indices = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    values = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
    return indices, values / np.linalg.norm(values)


def featurize(text: str) -> tuple[np.ndarray, np.ndarray]:
    """(indices, values) of the prompt's sparse feature vector, indices sorted and unique."""
    whole_idx, whole_val = _hashed(text, "")
    final_idx, final_val = _hashed(final_block(text), "final:")
    extra_idx = np.arange(HASHED, DIM, dtype=np.int64)
    # The two namespaces can collide in a bucket: such values add up.
    indices, inverse = np.unique(np.concatenate([whole_idx, final_idx, extra_idx]),
                                 return_inverse=True)
    values = np.zeros(len(indices))
    np.add.at(values, inverse, np.concatenate([whole_val, final_val,
                                               np.asarray(structural(text))]))
    return indices, values


def matrix(texts: list[str]) -> object:
    """A scipy CSR matrix of many prompts' features (training needs scipy; scoring not)."""
    from scipy.sparse import csr_matrix

    indptr, all_idx, all_val = [0], [], []
    for text in texts:
        idx, val = featurize(text)
        all_idx.append(idx)
        all_val.append(val)
        indptr.append(indptr[-1] + len(idx))
    return csr_matrix((np.concatenate(all_val), np.concatenate(all_idx), np.asarray(indptr)),
                      shape=(len(texts), DIM))
