"""The semantic cache's decision: may a stored question's answer be given for this one?

The embedding index finds the nearest stored question; its cosine only makes it a
candidate (``cache.threshold``, set low enough for paraphrases in German, French and
Spanish, which all-MiniLM-L6-v2 reads poorly, and for typos, which cost a paraphrase 0.3 of
cosine). ``verify`` then reads both questions in their language and gives the answer only
when every content word of each is accounted for by the other (same word, stem, ending,
lemma, lexicon or thesaurus synonym, compound, acronym, clipping or typo:
hybridai.cache.align) and no rule of hybridai.cache.guard tells them apart (numbers,
quantities, negations, degree, question words, scope, case-sensitive words, opposites,
swapped order). A miss says which rule and which words, so a decision can be
explained. bench/bench_cache.py measures paraphrase recall and wrong hits over thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass

from .align import align
from .guard import check, languages_differ
from .reading import detect, read


@dataclass(frozen=True)
class Verdict:
    """Whether a candidate may be given, and why (``reason``: "match" or the rule that
    failed; ``detail``: the words)."""

    hit: bool
    reason: str
    detail: str = ""
    similarity: float = 0.0


def verify(question: str, stored: str, similarity: float) -> Verdict:
    """Whether ``stored``'s answer may be given for ``question`` (``similarity``: their
    embeddings' cosine, recorded in the verdict)."""
    if languages_differ(question, stored):
        return Verdict(False, "language", similarity=similarity)
    lang = detect(question, stored)
    asked, kept = read(question, lang), read(stored, lang)
    veto = check(asked, kept, align(asked, kept))
    if veto is not None:
        return Verdict(False, veto.reason, veto.detail, similarity)
    return Verdict(True, "match", lang, similarity)
