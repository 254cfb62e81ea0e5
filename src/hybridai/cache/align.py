"""Which words of two questions stand for each other, and which nothing accounts for.

Two words are the same word when they share a form, a Snowball stem or a lexicon concept
(synonyms: "fix"/"repair", "frigo"/"réfrigérateur"); when they differ only in an ending of
their language (funktioniert/funktionieren, rápido/rápidamente); when one is the other's
words written together (Wi-Fi/wifi, Passwortänderung/Änderung des Passworts,
Fahrradreifen/Reifen am Fahrrad); when they share a lemma ("ging"/"gehen", "puedo"/"poder")
without being two degrees of one adjective, or the system's thesaurus lists each under the
other ("thaw"/"defrost", "Unterlagen"/"Dokumente": hybridai.cache.thesaurus); when one is an
acronym of the other's words (NYC / New York City, TGV / train à grande vitesse: its letters
are their initials, the language's small words skipped); when one is the other clipped
("ordi"/"ordinateur", "compu"/"computadora": four letters or more that the language does not
know as a word of their own); or when one is a typo of the other: one or two edits (a swap
of two letters is one), the same first letter, and not both of them words the language knows
(wordfreq's list), so "pasword" is "password" but "Austria" is not "Australia", nor "horse"
"house". What is left on either side is the difference that hybridai.cache.guard judges.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz.distance import OSA

from . import lexicon, thesaurus
from .reading import Reading, Token, fold, tables

KNOWN_ZIPF = 3.0
"""A word at least this frequent (once per million words) is a real word, not a typo."""
_LINKS = ("", "s", "es", "n", "en", "e", "er")
"""What German writes between the parts of a compound (Einwohner-zahl, Passwort-s-…)."""


@dataclass(frozen=True)
class Alignment:
    pairs: tuple[tuple[Token, Token, str], ...]
    """(word of a, word of b, how they match: form, concept, ending, compound, lemma,
    thesaurus, acronym, clipping, typo)."""
    only_a: tuple[Token, ...]
    """Content words of a that nothing in b accounts for."""
    only_b: tuple[Token, ...]
    unmatched_a: tuple[Token, ...]
    """Every word of a, function words too, with no counterpart in b."""
    unmatched_b: tuple[Token, ...]


@cache
def _suffixes(lang: str) -> frozenset[str]:
    return frozenset(["", *lexicon.SUFFIXES[lang].split()])


@lru_cache(maxsize=65536)
def same_word(x: str, y: str, lang: str) -> bool:
    """Whether two folded forms differ only in an ending of ``lang`` (after 3+ letters)."""
    if x == y:
        return True
    common = 0
    for p, q in zip(x, y, strict=False):
        if p != q:
            break
        common += 1
    endings = _suffixes(lang)
    return common >= 3 and x[common:] in endings and y[common:] in endings


@cache
def _frequencies(lang: str) -> dict[str, float]:
    from wordfreq import get_frequency_dict  # its import reads data: only when first needed

    return get_frequency_dict(lang, wordlist="small")


def known(word: str, lang: str) -> bool:
    """Whether ``word`` (lower case) is a word of ``lang`` that is not rare."""
    frequency = _frequencies(lang).get(word, 0.0)
    return frequency > 0 and math.log10(frequency) + 9 >= KNOWN_ZIPF


@lru_cache(maxsize=16384)
def typo(x: str, y: str, x_low: str, y_low: str, lang: str) -> bool:
    """Whether one of two different words is a misspelling of the other."""
    if x == y or len(x) < 4 or len(y) < 4 or x[0] != y[0]:
        return False
    limit = 1 if min(len(x), len(y)) <= 7 else 2
    if OSA.distance(x, y, score_cutoff=limit + 1) > limit:
        return False
    return not (known(x_low, lang) and known(y_low, lang))


@lru_cache(maxsize=65536)
def negated(word: str, base: str, lang: str) -> bool:
    """Whether ``word`` is ``base`` under a negating prefix (uninstall, entsperren,
    désactiver, deshonesto)."""
    if len(base) < 3:
        return False
    return any(word.startswith(prefix) and same_word(word[len(prefix):], base, lang)
               for prefix in _negating_prefixes(lang))


@lru_cache(maxsize=65536)
def _modified(word: str, base: str, lang: str) -> bool:
    return len(base) >= 3 and any(
        word.startswith(prefix) and same_word(word[len(prefix):], base, lang)
        for prefix in _modifying_prefixes(lang))


def modified(x: Token, y: Token, lang: str) -> bool:
    """Whether one word is the other under a prefix that makes another word
    ("untervermieten"/"vermieten", "souslouer"/"louer")."""
    return _modified(x.fold, y.fold, lang) or _modified(y.fold, x.fold, lang)


@cache
def _modifying_prefixes(lang: str) -> tuple[str, ...]:
    return tuple(fold(p) for p in lexicon.MODIFYING_PREFIXES[lang])


@lru_cache(maxsize=65536)
def prefixed(word: str, base: str, lang: str) -> bool:
    """Whether ``word`` and ``base`` share a stem under opposite prefixes (upload/download,
    aufsteigend/absteigend, Hinflug/Rückflug)."""
    for one, other in _opposite_prefixes(lang):
        if word.startswith(one) and base.startswith(other):
            rest, rest_base = word[len(one):], base[len(other):]
            if len(rest) >= 3 and same_word(rest, rest_base, lang):
                return True
    return False


@cache
def _negating_prefixes(lang: str) -> tuple[str, ...]:
    return tuple(fold(p) for p in lexicon.NEGATING_PREFIXES[lang])


@cache
def _opposite_prefixes(lang: str) -> tuple[tuple[str, str], ...]:
    return tuple((fold(a), fold(b)) for a, b in lexicon.OPPOSITE_PREFIXES[lang])


def opposed(x: Token, y: Token, lang: str) -> bool:
    """Whether two words are antonyms or exclusive alternatives in the lexicon, or one is the
    other under a negating or opposite prefix: never a typo of one another."""
    if x.concepts and y.concepts and not x.concepts & y.concepts:
        table = tables(lang).opposed
        if any(table.get(c, frozenset()) & y.concepts for c in x.concepts):
            return True
    return any(relation(one, other, lang) for relation in (negated, prefixed)
               for one, other in ((x.fold, y.fold), (y.fold, x.fold)))


def _parts_match(part: str, token: Token, lang: str) -> bool:
    return len(part) >= 3 and (part in (token.fold, token.stem)
                               or same_word(part, token.fold, lang))


def _compound(word: Token, others: tuple[Token, ...], lang: str) -> list[Token] | None:
    """The words of ``others`` that ``word`` is written together from, if any."""
    text = word.fold
    for size in (2, 3):  # "wi fi", "e mail", "E-Mail-Adresse" / "Emailadresse"
        for at in range(len(others) - size + 1):
            run = others[at:at + size]
            if all(t.value is None for t in run) and text == "".join(t.fold for t in run):
                return list(run)
    if len(text) < 7:
        return None
    for cut in range(3, len(text) - 2):
        head, rest = text[:cut], text[cut:]
        heads = [t for t in others if _parts_match(head, t, lang)]
        if not heads:
            continue
        for link in _LINKS:
            if not rest.startswith(link) or len(rest) - len(link) < 3:
                continue
            tail = rest[len(link):]
            tails = [t for t in others if t not in heads and _parts_match(tail, t, lang)]
            if tails:
                return [heads[0], tails[0]]
    return None


def _kin(x: Token, y: Token, lang: str) -> str | None:
    """"lemma" or "thesaurus" when two words are one by their dictionary form or listed
    synonyms; units and numbers are compared apart, never here."""
    if x.unit or y.unit or x.value is not None or y.value is not None or modified(x, y, lang):
        return None
    low_x, low_y = x.text.casefold(), y.text.casefold()
    lemma_x, lemma_y = thesaurus.lemma(low_x, lang), thesaurus.lemma(low_y, lang)
    if lemma_x == lemma_y and not thesaurus.degree_differs(low_x, low_y, lang):
        return "lemma"
    if any(thesaurus.synonyms(one, other, lang)
           for one in {x.fold, lemma_x} for other in {y.fold, lemma_y}):
        return "thesaurus"
    return None


_ACRONYM = re.compile(r"[A-Z]{2,6}|[A-Z][a-z]?[A-Z]{1,4}")
_ACRONYM_GLUE = {"en": "of the and for", "de": "der des die das und für mit von",
                 "fr": "de d du des à la le les l et en au aux par pour",
                 "es": "de del la el los las y e para por en sobre"}


def _acronym(word: Token, others: tuple[Token, ...], lang: str) -> list[Token] | None:
    """The run of ``others`` whose initials spell ``word`` (an acronym as written)."""
    if word.value is not None or not _ACRONYM.fullmatch(word.text):
        return None
    glue = _glue(lang)

    def spell(letters: str, position: int) -> list[Token] | None:
        """The tokens from ``position`` on whose initials are ``letters`` (small words
        skipped, or counted when their letter is needed: SARL, société à responsabilité
        limitée)."""
        if not letters:
            return []
        for at in range(position, len(others)):
            token = others[at]
            if token.value is None and token.fold[:1] == letters[0]:
                rest = spell(letters[1:], at + 1)
                if rest is not None:
                    return [token, *rest]
            if token.fold not in glue:
                return None
        return None

    for start, first in enumerate(others):
        if first.fold not in glue and first.fold[:1] == word.fold[0]:
            run = spell(word.fold, start)
            if run:
                return [t for t in run if t.fold not in glue]
    return None


@cache
def _glue(lang: str) -> frozenset[str]:
    return frozenset(fold(w) for w in _ACRONYM_GLUE[lang].split())


def _clipped(x: Token, y: Token, lang: str) -> bool:
    """Whether one word is the other cut short ("ordi"/"ordinateur", "abdos"/"abdominaux")."""
    short, long = sorted((x.fold, y.fold), key=len)
    if short.endswith("s") and not long.startswith(short):
        short = short[:-1]
    return (len(short) >= 4 and len(long) >= len(short) + 3 and long.startswith(short)
            and not known(short, lang) and x.value is None and y.value is None)


def align(a: Reading, b: Reading) -> Alignment:
    """Pairs the words of ``a`` and ``b``; both must be read in the same language."""
    lang = a.lang
    words_a = tuple(t for t in a.tokens if t.value is None)
    words_b = tuple(t for t in b.tokens if t.value is None)
    matched_a: set[int] = set()
    matched_b: set[int] = set()
    pairs: list[tuple[Token, Token, str]] = []

    def pair(x: Token, y: Token, how: str) -> None:
        matched_a.add(x.position)
        matched_b.add(y.position)
        pairs.append((x, y, how))

    for x in words_a:
        for y in words_b:
            shared = x.keys & y.keys
            if shared:
                how = "concept" if all(k.startswith("c:") for k in shared) else "form"
                pair(x, y, how)

    def open_words(side: tuple[Token, ...], matched: set[int]) -> list[Token]:
        return [t for t in side if t.position not in matched and not t.function]

    for x in open_words(words_a, matched_a):
        for y in words_b:
            if same_word(x.fold, y.fold, lang) or same_word(x.stem, y.stem, lang):
                pair(x, y, "ending")
    for y in open_words(words_b, matched_b):
        for x in words_a:
            if same_word(x.fold, y.fold, lang) or same_word(x.stem, y.stem, lang):
                pair(x, y, "ending")

    for x in open_words(words_a, matched_a):
        parts = _compound(x, words_b, lang)
        for part in parts or ():
            pair(x, part, "compound")
    for y in open_words(words_b, matched_b):
        parts = _compound(y, words_a, lang)
        for part in parts or ():
            pair(part, y, "compound")

    for x in open_words(words_a, matched_a):
        for y in open_words(words_b, matched_b):
            kin = _kin(x, y, lang)
            if kin and not opposed(x, y, lang):
                pair(x, y, kin)
                break

    for side, other, matched_other, forward in ((words_a, words_b, matched_b, True),
                                                (words_b, words_a, matched_a, False)):
        for word in open_words(side, matched_a if forward else matched_b):
            free = tuple(t for t in other if t.position not in matched_other or t.function)
            for part in _acronym(word, free, lang) or ():
                pair(word, part, "acronym") if forward else pair(part, word, "acronym")

    for x in open_words(words_a, matched_a):
        for y in words_b:
            if y.position in matched_b and not y.function:
                continue  # a word already accounted for is not also a typo of another
            if x.unit == y.unit and typo(x.fold, y.fold, x.text.casefold(),
                                         y.text.casefold(), lang) and not opposed(x, y, lang):
                pair(x, y, "typo")
                break
    for y in open_words(words_b, matched_b):
        for x in words_a:
            if x.position in matched_a and not x.function:
                continue
            if x.unit == y.unit and typo(x.fold, y.fold, x.text.casefold(),
                                         y.text.casefold(), lang) and not opposed(x, y, lang):
                pair(x, y, "typo")
                break

    for x in open_words(words_a, matched_a):
        for y in open_words(words_b, matched_b):
            if _clipped(x, y, lang):
                pair(x, y, "clipping")
                break

    return Alignment(
        pairs=tuple(pairs),
        only_a=tuple(open_words(words_a, matched_a)),
        only_b=tuple(open_words(words_b, matched_b)),
        unmatched_a=tuple(t for t in words_a if t.position not in matched_a),
        unmatched_b=tuple(t for t in words_b if t.position not in matched_b))
