"""The rules that keep two questions from sharing an answer, in English, German, French and
Spanish.

all-MiniLM-L6-v2 puts "How do I enable dark mode?" and "How do I disable dark mode?" at a
cosine of 0.93, and "¿Cómo activo el modo oscuro?" / "¿Cómo desactivo…?" at 0.98, above most
paraphrases: similar embeddings are no proof of the same answer. Two questions (read by
hybridai.cache.reading, their words paired by hybridai.cache.align) may share an answer
only when none of these tells them apart, checked in this order:

- ``language``: written in two languages (the answer would come in the other one);
- ``quoted``: different quoted text; ``numbers``: other numbers, or the same in another
  order ("2 to the power of 10"); ``quantities``: a number with another unit ("5 kg" is not
  "5 lb", "km/h" is not "mph");
- ``negation``: not as many negations (not/nicht/kein/ne…pas/no/sin/without);
- ``degree``: other degree words (more/less, plus/moins/aussi, más/menos/tan);
- ``question``: both ask with a question word, and not the same (when/where/who/why);
- ``case``: a word whose meaning changes with a capital written with one only once (Nice/
  nice, Polish/polish, US/us), when both writers use capitals at all;
- ``opposites``: a word facing its antonym or an exclusive alternative in the lexicon
  (bigger/smaller, aufsteigend/absteigend, winter/summer, radius/diameter, adults/children),
  or its own negating-prefix form (install/uninstall, sperren/entsperren,
  activer/désactiver, honesto/deshonesto), or the same stem under opposite prefixes
  (upload/download, einschalten/ausschalten);
- ``order``: the same two words on the two sides of a connective, swapped ("Celsius to
  Fahrenheit", "älter als", "plus grande que");
- ``names`` / ``content``: any content word on either side that nothing on the other side
  accounts for (a name, or any other word): such a word can change the answer, and nothing
  proves that it does not.

Everything is words and look-ups: tens of microseconds a pair. ``conflict`` gives the first
rule that applies to two texts; hybridai.cache.verify turns it into the cache's decision.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache

from . import lexicon
from .align import Alignment, align, negated, opposed
from .reading import Reading, Token, detect, fold, german_degree, language_scores, read, tables


@dataclass(frozen=True)
class Veto:
    reason: str
    detail: str = ""


def languages_differ(a: str, b: str) -> bool:
    """Whether each text is clearly in another language (two function words at least, twice
    as many as the runner-up's)."""
    def clear(text: str) -> str | None:
        (best, top), (_, second) = language_scores(text)[:2]
        return best if top >= 2 and top >= 2 * second else None

    one, other = clear(a), clear(b)
    return one is not None and other is not None and one != other


def check(a: Reading, b: Reading, alignment: Alignment) -> Veto | None:
    """The first rule that tells ``a`` and ``b`` apart; None when none does."""
    if a.quoted != b.quoted:
        return Veto("quoted", " / ".join(sorted(a.quoted ^ b.quoted)))
    counted_a, counted_b = _counted(a), _counted(b)
    if counted_a != counted_b:
        counted_a, counted_b = _counted(a, articles=True), _counted(b, articles=True)
    if counted_a[0] != counted_b[0]:
        return Veto("numbers", _difference(counted_a[0], counted_b[0]))
    if counted_a[1] != counted_b[1]:
        return Veto("order", f"{' '.join(counted_a[1])} / {' '.join(counted_b[1])}")
    if counted_a[2] != counted_b[2]:
        return Veto("quantities", _difference([" ".join(q) for q in counted_a[2]],
                                              [" ".join(q) for q in counted_b[2]]))
    if a.negations != b.negations:
        return Veto("negation", f"{a.negations} / {b.negations}")
    if a.degree != b.degree:
        return Veto("degree", _difference(a.degree, b.degree))
    if a.questions and b.questions and a.questions != b.questions:
        return Veto("question", f"{'+'.join(sorted(a.questions))} / "
                                f"{'+'.join(sorted(b.questions))}")
    if a.tense and b.tense and a.tense != b.tense:
        return Veto("tense", f"{'+'.join(sorted(a.tense))} / {'+'.join(sorted(b.tense))}")
    if a.scope and b.scope and a.scope != b.scope:
        return Veto("scope", f"{'+'.join(sorted(a.scope))} / {'+'.join(sorted(b.scope))}")
    if (case := _case(a, b)) is not None:
        return case
    if (opposite := _opposites(alignment, a.lang)) is not None:
        return opposite
    if (grade := _grades(alignment, a.lang)) is not None:
        return grade
    if (order := _order(a, b, alignment)) is not None:
        return order
    left = alignment.only_a + alignment.only_b
    if left:
        names = [t for t in left if _name(t, a.lang)]
        return Veto("names" if names else "content",
                    " ".join(t.text for t in alignment.only_a) + " / "
                    + " ".join(t.text for t in alignment.only_b))
    return None


def _counted(r: Reading, articles: bool = False) -> tuple[
        tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...]]:
    """A reading's numbers, their sequence and its quantities; with ``articles``, an
    article before a unit counts one ("one ounce", "a kilogram", "une cuillère à soupe"), so
    that "1 ounce" is "one ounce" while "a cup of tea" still holds no number for "tea"."""
    if not articles:
        return r.numbers, tuple(t.value for t in r.tokens if t.value is not None), r.quantities
    one = tables(r.lang).one
    sequence: list[str] = []
    quantities = list(r.quantities)
    for token, following in zip(r.tokens, [*r.tokens[1:], None], strict=True):
        if token.value is not None:
            sequence.append(token.value)
        elif token.fold in one and following is not None and following.unit:
            sequence.append("1")
            quantities.append(("1", following.unit))
    return tuple(sorted(sequence)), tuple(sequence), tuple(sorted(quantities))


def conflict(a: str, b: str) -> str | None:
    """Why ``a`` and ``b`` may not share an answer; None when nothing stands in the way."""
    if languages_differ(a, b):
        return "language"
    lang = detect(a, b)
    reading_a, reading_b = read(a, lang), read(b, lang)
    veto = check(reading_a, reading_b, align(reading_a, reading_b))
    return None if veto is None else veto.reason


def _difference(a: tuple[str, ...] | list[str], b: tuple[str, ...] | list[str]) -> str:
    one, other = Counter(a), Counter(b)
    return f"{' '.join(sorted((one - other).elements()))} / " \
           f"{' '.join(sorted((other - one).elements()))}"


def _case_of(token: Token) -> str | None:
    if token.initial:
        return None  # a sentence's first capital says nothing
    if len(token.text) > 1 and token.text.isupper():
        return "upper"
    return "capital" if token.text[:1].isupper() else "lower"


def _case(a: Reading, b: Reading) -> Veto | None:
    if not (a.writes_case and b.writes_case):
        return None
    sensitive = tables(a.lang).case_sensitive
    cases_a: dict[str, set[str]] = {}
    for token in a.tokens:
        if token.fold in sensitive and (case := _case_of(token)):
            cases_a.setdefault(token.fold, set()).add(case)
    for token in b.tokens:
        case = _case_of(token) if token.fold in sensitive else None
        if case and token.fold in cases_a and case not in cases_a[token.fold]:
            return Veto("case", f"{token.fold}: {'/'.join(sorted(cases_a[token.fold]))} "
                                f"/ {case}")
    return None


def _opposites(alignment: Alignment, lang: str) -> Veto | None:
    for x in alignment.unmatched_a:
        for y in alignment.unmatched_b:
            if negated(x.fold, y.fold, lang) or negated(y.fold, x.fold, lang):
                return Veto("negation", f"{x.text} / {y.text}")
            if opposed(x, y, lang):
                return Veto("opposites", f"{x.text} / {y.text}")
    return None


def _grades(alignment: Alignment, lang: str) -> Veto | None:
    """German adjectives share a stem across degrees (Snowball: "größer" is "gross"): an
    adjective of the lexicon paired with another degree of itself is not the same word."""
    if lang != "de":
        return None
    adjectives = tables(lang).single
    for x, y, how in alignment.pairs:
        if how == "concept" or x.fold == y.fold or x.stem not in adjectives:
            continue
        base = x.stem
        one = german_degree(x.text.casefold(), base)
        other = german_degree(y.text.casefold(), base)
        if one != other:
            return Veto("degree", f"{x.text} / {y.text}")
    return None


_CONTRACTED = {"aufs": "auf", "ins": "in", "im": "in", "zum": "zu", "zur": "zu", "vom": "von",
               "al": "a", "au": "a", "aux": "a"}
"""A preposition fused with its article, as the connective it holds ("vom" is "von")."""


@cache
def _connectives(lang: str) -> frozenset[str]:
    return frozenset(fold(w) for w in lexicon.CONNECTIVES[lang].split())


def _connectives_between(tokens: tuple[Token, ...], lang: str) -> set[str]:
    return {_CONTRACTED.get(t.fold, t.fold) for t in tokens} & _connectives(lang)


def _order(a: Reading, b: Reading, alignment: Alignment) -> Veto | None:
    pairs = [(x, y) for x, y, _ in alignment.pairs if not x.function and not y.function]
    for i, (x1, y1) in enumerate(pairs):
        for x2, y2 in pairs[i + 1:]:
            if not (x1.position < x2.position and y1.position > y2.position):
                continue
            between_a = _connectives_between(a.tokens[x1.position + 1:x2.position], a.lang)
            between_b = _connectives_between(b.tokens[y2.position + 1:y1.position], a.lang)
            if between_a & between_b:
                return Veto("order", f"{x1.text} … {x2.text} / {y1.text} … {y2.text}")
    return None


def _name(token: Token, lang: str) -> bool:
    """A capitalised word inside a sentence: a name, except in German (every noun is)."""
    return lang != "de" and token.text[:1].isupper() and not token.initial
