"""Each sampled token's log-probability, and the most likely tokens at its position, read
from the live logits (the distribution the token was drawn from, before it is evaluated).

llama-cpp-python's own ``logprobs=`` needs ``logits_all`` (n_ctx x vocab floats, ~800 MB
here); the worker's generation loop instead reads the last position's logits as each token
comes out of the sampler. The probabilities are the model's (a softmax of its logits), before
temperature, penalties or a grammar shaped the draw, as OpenAI reports them. Runs in the
worker.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .messages import TokenAlternative, TokenLogprob


class TokenScorer:
    """Scores tokens of ``llm`` (a ``llama_cpp.Llama``) as they are sampled; ``top``: how
    many alternatives each ``TokenLogprob`` lists."""

    def __init__(self, llm: Any, top: int = 0) -> None:
        self.llm = llm
        self.top = top
        self._n_vocab: int = llm.n_vocab()

    def score(self, token: int, piece: bytes) -> tuple[float, TokenLogprob]:
        """``token`` (whose text is ``piece``) just sampled: its log-probability, and its
        OpenAI logprobs item."""
        logits = np.ctypeslib.as_array(self.llm._ctx.get_logits_ith(-1),
                                       shape=(self._n_vocab,))
        logprobs = log_softmax(logits)
        logprob = float(logprobs[token])
        top: tuple[TokenAlternative, ...] = ()
        if self.top > 0:
            top = tuple(TokenAlternative(_text(p := self._piece(int(i))), float(logprobs[i]),
                                         tuple(p))
                        for i in top_indices(logprobs, self.top))
        return logprob, TokenLogprob(_text(piece), logprob, tuple(piece), top)

    def _piece(self, token: int) -> bytes:
        piece: bytes = self.llm.detokenize([token], special=False)
        return piece


def log_softmax(logits: Any) -> Any:
    """Log-probabilities from logits, in float64."""
    values = np.asarray(logits, dtype=np.float64)
    peak = values.max()
    return values - (peak + np.log(np.exp(values - peak).sum()))


def top_indices(logprobs: Any, k: int) -> list[int]:
    """The ``k`` most likely token ids, most likely first (ties: lower id first)."""
    k = min(k, len(logprobs))
    candidates = np.argpartition(-logprobs, k - 1)[:k]
    return sorted((int(i) for i in candidates), key=lambda i: (-logprobs[i], i))


def _text(piece: bytes) -> str:
    return piece.decode("utf-8", errors="replace")
