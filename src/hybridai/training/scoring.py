"""Scoring an answer in [0, 1]: against a reference answer, or from an LLM judge's reply.

Reference types:
    exact     the normalized answer equals the (normalized) reference
    contains  the normalized reference appears in the answer as whole words
    numeric   the answer's final number equals the reference's (GSM8K's ``#### 42``)
    choice    the answer picks the reference's letter (A-E)
A reference may be a list of strings for ``exact`` and ``contains``: any one counts.
Normalizing lowercases, drops punctuation and the articles a/an/the, and squeezes spaces.
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from typing import Any

REFERENCE_TYPES = ("exact", "contains", "numeric", "choice")

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?|-?\.\d+")
_FINAL = re.compile(r"####\s*(.*)|(?:the )?(?:final )?answer(?: is|:)\s*(.*)", re.IGNORECASE)
_LETTER_AFTER_WORD = re.compile(
    r"\b(?:answer|option|choice)\s*(?:is|:)?\s*\(?([A-E])\b(?![a-z'])", re.IGNORECASE)
_LETTER_AT_START = re.compile(r"^\s*\(?([A-E])(?:[).:]|\s*$)")  # not "A dolphin…"
_LETTER_IN_PARENS = re.compile(r"\(([A-E])\)")
_ARTICLES = re.compile(r"\b(?:a|an|the)\b")
_PUNCTUATION = str.maketrans({c: " " for c in string.punctuation})
_JUDGE_REPLY = re.compile(r"^\s*(?:score\s*[:=]\s*)?(0(?:\.\d+)?|1(?:\.0+)?|\.\d+)\s*\.?\s*$",
                          re.IGNORECASE)


class BadReference(ValueError):
    """A reference that cannot be scored against (a bad input row)."""


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().translate(_PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def parse_number(text: str) -> float | None:
    match = _NUMBER.search(text.replace("$", ""))
    if match is None:
        return None
    return float(match.group().replace(",", ""))


def final_number(answer: str) -> float | None:
    """The number an answer ends on: after its last ``####`` or "answer is", else its last."""
    for match in reversed(list(_FINAL.finditer(answer))):
        tail = match.group(1) if match.group(1) is not None else match.group(2)
        if (number := parse_number(tail)) is not None:
            return number
    numbers = _NUMBER.findall(answer.replace("$", ""))
    return float(numbers[-1].replace(",", "")) if numbers else None


def chosen_letter(answer: str) -> str | None:
    for pattern in (_LETTER_AFTER_WORD, _LETTER_AT_START, _LETTER_IN_PARENS):
        if match := pattern.search(answer):
            return match.group(1).upper()
    return None


def reference_number(reference: str) -> float:
    """GSM8K keeps the final answer after ``####``; a bare number is its own answer."""
    tail = reference.rsplit("####", 1)[-1]
    number = parse_number(tail)
    if number is None:
        raise BadReference(f"numeric reference {reference[-60:]!r} holds no number")
    return number


def check_reference(reference: Any, kind: str) -> None:
    """Raises BadReference if ``reference`` cannot be scored as ``kind``."""
    if kind not in REFERENCE_TYPES:
        raise BadReference(f"reference_type must be one of {', '.join(REFERENCE_TYPES)}, "
                              f"got {kind!r}")
    if kind in ("exact", "contains"):
        options = reference if isinstance(reference, list) else [reference]
        if not options or not all(isinstance(o, str) and normalize(o) for o in options):
            raise BadReference(f"reference_type {kind} needs a string or a list of strings, "
                               "each with words left after normalizing")
    elif kind == "numeric":
        if isinstance(reference, bool) or not isinstance(reference, str | int | float):
            raise BadReference("a numeric reference is a number or a string holding one")
        reference_number(str(reference))
    elif not (isinstance(reference, str) and re.fullmatch(r"[A-Ea-e]", reference.strip())):
        raise BadReference(f"a choice reference is one letter A-E, got {reference!r}")


def infer_type(reference: Any) -> str:
    """The type of a reference given without ``reference_type``."""
    if isinstance(reference, int | float) and not isinstance(reference, bool):
        return "numeric"
    if isinstance(reference, str):
        if "####" in reference or re.fullmatch(r"\s*-?[\d,]*\.?\d+\s*", reference):
            return "numeric"
        if re.fullmatch(r"\s*[A-E]\s*", reference):
            return "choice"
    return "exact"


def score(answer: str, reference: Any, kind: str) -> float:
    """1.0 if ``answer`` matches ``reference`` under ``kind``, else 0.0."""
    if kind == "numeric":
        expected = reference_number(str(reference))
        got = final_number(answer)
        return float(got is not None and math.isclose(got, expected, rel_tol=1e-6,
                                                       abs_tol=1e-6))
    if kind == "choice":
        return float(chosen_letter(answer) == str(reference).strip().upper())
    options = reference if isinstance(reference, list) else [reference]
    said = normalize(answer)
    if kind == "exact":
        return float(any(said == normalize(o) for o in options))
    return float(any(f" {normalize(o)} " in f" {said} " for o in options))


JUDGE_PROMPT = """You grade answers to questions. Read the question and the answer, then \
reply with a single number from 0 to 1: 1 if the answer is fully correct and helpful, 0 if it \
is wrong or unhelpful, in between for partly right. Reply with the number only.

Question:
{question}

Answer:
{answer}

Score (0 to 1):"""


def judge_prompt(question: str, answer: str) -> str:
    return JUDGE_PROMPT.format(question=question, answer=answer)


def parse_judge_reply(reply: str) -> float | None:
    """The judge's score if the reply is a number in [0, 1] and nothing else, else None."""
    match = _JUDGE_REPLY.match(reply)
    if match is None:
        return None
    value = float(match.group(1))
    return value if 0.0 <= value <= 1.0 else None
