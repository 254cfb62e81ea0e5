"""Vetoes for semantic hits: differences that sentence embeddings barely see but that change
the answer.

all-MiniLM-L6-v2 puts "How do I enable dark mode?" and "How do I disable dark mode?" at a
cosine of 0.93, above most paraphrases. A semantic hit therefore also needs the two
questions to agree on what carries exact meaning: the numbers, the quoted text, the
negations, the capitalized names, the order of the same words, and no word facing its
opposite (``enable``/``disable``, ``install``/``uninstall``, ``increase``/``decrease``…).
The check is on words, costs microseconds, and can only turn a hit into a miss.
bench/bench_cache.py measures the false-hit rate with and without it.
"""

from __future__ import annotations

import re
from collections import Counter

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_QUOTED = re.compile(r"(?<!\w)['\"‘“]([^'\"’”]+)['\"’”](?!\w)")
_SENTENCE = re.compile(r"[^.!?]+")
_NOT_NAMES = frozenset({"i", "i'm", "i'd", "i've", "i'll"})
_NEGATIONS = frozenset({"not", "no", "never", "without", "nor", "none", "nothing", "nobody",
                        "cannot", "can't", "don't", "doesn't", "didn't", "isn't", "aren't",
                        "wasn't", "weren't", "won't", "wouldn't", "shouldn't", "couldn't",
                        "haven't", "hasn't", "avoid"})
_OPPOSITES = [
    ("enable", "disable"), ("on", "off"), ("increase", "decrease"), ("raise", "lower"),
    ("add", "remove"), ("start", "stop"), ("open", "close"), ("show", "hide"),
    ("connect", "disconnect"), ("upload", "download"), ("import", "export"),
    ("in", "out"), ("up", "down"), ("before", "after"), ("buy", "sell"), ("gain", "lose"),
    ("max", "min"), ("maximum", "minimum"), ("best", "worst"), ("largest", "smallest"),
    ("biggest", "smallest"), ("hottest", "coldest"), ("advantages", "disadvantages"),
    ("pros", "cons"), ("benefits", "dangers"), ("benefits", "risks"), ("good", "bad"),
    ("safe", "unsafe"), ("legal", "illegal"), ("allowed", "forbidden"), ("allow", "block"),
    ("rise", "fall"), ("sign in", "sign out"), ("log in", "log out"), ("send", "receive"),
    ("encrypt", "decrypt"), ("activate", "deactivate"), ("speed up", "slow down"),
]
_PREFIXES = ("un", "dis", "de", "in", "il", "im", "ir", "non")


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _names(text: str) -> set[str]:
    """Capitalized words that don't start a sentence: names of places, people, products."""
    names = set()
    for sentence in _SENTENCE.findall(text):
        for word in _WORD.findall(sentence)[1:]:
            if word[0].isupper() and word.lower() not in _NOT_NAMES:
                names.add(_stem(word.lower().removesuffix("'s")))
    return names


def conflict(a: str, b: str) -> str | None:
    """Why ``a`` and ``b`` may not share an answer; None when nothing stands in the way."""
    if Counter(_NUMBER.findall(a)) != Counter(_NUMBER.findall(b)):
        return "numbers"
    if {q.lower().strip() for q in _QUOTED.findall(a)} != {
            q.lower().strip() for q in _QUOTED.findall(b)}:
        return "quoted"
    words_a, words_b = _words(a), _words(b)
    if words_a != words_b and sorted(words_a) == sorted(words_b):
        return "order"  # the same words swapped round: "Celsius to Fahrenheit" and back
    negations_a = sum(w in _NEGATIONS or w.endswith("n't") for w in words_a)
    negations_b = sum(w in _NEGATIONS or w.endswith("n't") for w in words_b)
    if negations_a % 2 != negations_b % 2:
        return "negation"
    stems_a, stems_b = {_stem(w) for w in words_a}, {_stem(w) for w in words_b}
    for word in stems_a ^ stems_b:
        for prefix in _PREFIXES:
            base = word.removeprefix(prefix)
            if base != word and len(base) >= 3 and (
                    (word in stems_a and base in stems_b) or (word in stems_b and base in stems_a)):
                return "negation"
    text_a, text_b = " " + " ".join(words_a) + " ", " " + " ".join(words_b) + " "
    for one, other in _OPPOSITES:
        for x, y in ((one, other), (other, one)):
            if f" {x} " in text_a and f" {x} " not in text_b and (
                    f" {y} " in text_b and f" {y} " not in text_a):
                return "opposites"
    plain_a = stems_a | {_stem(w.removesuffix("'s")) for w in words_a}
    plain_b = stems_b | {_stem(w.removesuffix("'s")) for w in words_b}
    if not (_names(a) <= plain_b and _names(b) <= plain_a):
        return "names"
    return None
