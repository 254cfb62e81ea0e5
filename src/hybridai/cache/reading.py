"""How the cache's verifier reads a question: its language, words, numbers and quantities.

A question becomes a ``Reading``: its words (each case-folded, with accents folded away, its
Snowball stem, whether it is a function word, the lexicon concepts it names), its numbers
(digits, number words through text2num, small number words, ordinals, Roman numerals: "World
War II", "the Second World War" and "der 2. Weltkrieg" all hold 2), its quantities (a number
with its unit, unit names normalised: "km/h" is "kilometres per hour"), what it quotes, how
many negations it holds, its degree words and its question words. English contractions are
expanded ("doesn't" → "does not"), French elisions and hyphens split ("qu'est-ce",
"puis-je"), and German separable verbs joined again ("setze … zurück" → "zurücksetzen").

Readings are cached: the same stored question is read once. hybridai.cache.verify compares
two of them; the word lists are in hybridai.cache.lexicon.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache

import snowballstemmer
from text_to_num import alpha2digit

from . import lexicon

_STEMMERS = {"en": "english", "de": "german", "fr": "french", "es": "spanish"}
_TOKEN = re.compile(
    r"""(?P<unit>°\s?[cCfF]\b|º[cCfF]\b|\bkm/h\b|\bkm/std\b|\bm/s\b|[%$€£¥])
      | (?P<code>\b[a-zA-Z](?:\+\+|\#))
      | (?P<number>\d+(?:[.,]\d+)*)
        (?P<suffix>st|nd|rd|th|er|re|ère|ème|eme|e|º(?!\s?[cCfF]\b)|ª|o|a|\.(?=\s+\w))?
      | (?P<word>[^\W\d_]+)
      | (?P<stop>[.!?¿¡:;,()"“”«»„])""", re.VERBOSE)
_DOTTED_ACRONYM = re.compile(r"(?<![\w.])(?:[A-Z]\.){2,5}(?![\w])")
_BOUND_BEFORE = re.compile(
    rf"(?i)\b({'|'.join(lexicon.BOUND_PREFIXES.split())})-(?=[^\W\d_])")
_BOUND_AFTER = re.compile(
    rf"(?i)(?<=[^\W\d_])-({'|'.join(lexicon.BOUND_PARTICLES.split())})\b")
_ROMAN = re.compile(r"(?=[IVX])(X{0,3})(IX|IV|V?I{0,3})(?:e|er|ème)?")
"""Roman numerals up to 39 (centuries, wars, kings, parts); L, C, D, M are left out: "CD",
"CV", "MD" and "CLI" are acronyms far more often."""
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}
_QUOTED = re.compile(r"(?<!\w)['\"‘“«„]\s*([^'\"’”»“]+?)\s*['\"’”»“](?!\w)")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'"})
_CONTRACTIONS = [(re.compile(p, re.IGNORECASE), r) for p, r in [
    (r"\bcan'?t\b", "can not"), (r"\bcannot\b", "can not"), (r"\bwon'?t\b", "will not"),
    (r"\bshan't\b", "shall not"), (r"n't\b", " not"),
    (r"\b(do|does|did|is|are|was|were|has|have|had|could|should|would|must)nt\b", r"\1 not"),
    (r"\bwhats\b", "what is"), (r"\bthats\b", "that is"), (r"\bhows\b", "how is"),
    (r"\bwheres\b", "where is"), (r"\bwhos\b", "who is"), (r"\bim\b", "i am"),
    (r"\bive\b", "i have"), (r"\byoure\b", "you are"), (r"\bu\b", "you"), (r"\bur\b", "your"),
    (r"\bpl[sz]\b", "please"), (r"\bthx\b", "thanks"),
]]
_SMALL_UNITS = {"m": "m", "g": "g", "l": "l", "h": "hour", "s": "second", "min": "minute",
                "mi": "mile", "t": "tonne", "ha": "hectare"}
_TIME_ORDINAL_CONTEXT = frozenset({
    "a", "an", "one", "per", "each", "every", "un", "une", "una", "pro", "par", "por", "cada",
    "chaque", "jede", "jeder", "jedes", "eine", "einer"})


_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae"})


def fold(word: str) -> str:
    """Case-folded, without accents or ligatures: "Größe" → "grosse", "été" → "ete",
    "œuf" → "oeuf"."""
    decomposed = unicodedata.normalize("NFKD", word.casefold().translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_GERMAN_SUPERLATIVE = re.compile(r"(?:e?st)(?:e|en|er|es|em)?$")
_GERMAN_COMPARATIVE = re.compile(r"er(?:e|en|er|es|em)$")
_UMLAUTS = str.maketrans("äöü", "aou")


def german_degree(word: str, base: str) -> int:
    """0, 1 or 2: "groß"/"großes", "größer"/"größeres", "größte"/"am größten"."""
    if _GERMAN_SUPERLATIVE.search(word) and not base.endswith("st"):
        return 2
    if _GERMAN_COMPARATIVE.search(word) or (
            word.endswith("er") and word.translate(_UMLAUTS) != word):
        return 1
    return 0


@dataclass(frozen=True)
class Token:
    """One word (or phrase the lexicon knows, or unit) of a question."""

    text: str
    """As written (a phrase: its words joined by spaces)."""
    fold: str
    stem: str
    position: int
    initial: bool
    """The first word of its sentence (its capital says nothing)."""
    function: bool
    concepts: frozenset[str] = frozenset()
    unit: str | None = None
    value: str | None = None
    """A number's value (numbers are compared apart, never as words)."""

    @cached_property
    def keys(self) -> frozenset[str]:
        """What another word must share to be the same word: its form, stem or concept."""
        keys = {self.fold, self.stem} | {f"c:{c}" for c in self.concepts}
        if self.unit:
            keys.add(f"u:{self.unit}")
        return frozenset(keys)


@dataclass(frozen=True)
class Reading:
    """What the verifier compares of one question."""

    text: str
    lang: str
    tokens: tuple[Token, ...]
    numbers: tuple[str, ...]
    """Values, sorted; ordinals and cardinals alike."""
    quantities: tuple[tuple[str, str], ...]
    """(value, unit) for each number followed by a unit, sorted."""
    quoted: frozenset[str]
    negations: int
    degree: tuple[str, ...]
    questions: frozenset[str]
    scope: frozenset[str]
    """"all" or "some" where a quantifier says which (hybridai.cache.lexicon.SCOPE)."""
    tense: frozenset[str]
    """English: "past" or "present" as its auxiliaries and copulas say ("Is Pluto a planet?"
    / "Was Pluto a planet?"); empty in the other languages and without one."""
    writes_case: bool
    """Whether the writer uses capitals at all: all-lowercase text says nothing by case."""

    @property
    def content(self) -> tuple[Token, ...]:
        return tuple(t for t in self.tokens if not t.function)


@dataclass(frozen=True)
class _Tables:
    """One language's lexicon, folded and stemmed for look-ups."""

    function: frozenset[str]
    negations: frozenset[str]
    degree: frozenset[str]
    questions: dict[str, str]
    scope: dict[str, str]
    one: frozenset[str]
    small_numbers: dict[str, str]
    case_sensitive: frozenset[str]
    single: dict[str, frozenset[str]]
    """A word's stem or form → the concepts it belongs to."""
    phrases: dict[tuple[str, ...], frozenset[str]]
    """A phrase's stems → its concepts (the longest phrases are tried first)."""
    roots: dict[str, frozenset[str]]
    """A lexicon word without its ending → its concepts ("desactiv" of "desactivar"), for
    forms the stemmer cuts elsewhere (Snowball: "desactivo" → "desact")."""
    endings: tuple[str, ...]
    light: frozenset[tuple[str, ...]]
    """Phrases that frame a question without changing it ("the best way", "how many")."""
    longest_phrase: int
    units: dict[str, str]
    unit_phrases: dict[tuple[str, ...], str]
    opposed: dict[str, frozenset[str]]
    """A concept → the concepts it excludes."""


@cache
def stemmer(lang: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(_STEMMERS[lang])


@lru_cache(maxsize=65536)
def stem(word: str, lang: str) -> str:
    """The folded Snowball stem of a lower-case word (Spanish "zc" is "c": conozco, conocer)."""
    stemmed = fold(stemmer(lang).stemWord(word))
    return stemmed.replace("zc", "c") if lang == "es" else stemmed


def _words(text: str) -> list[str]:
    return [fold(w) for w in re.findall(r"[^\W\d_]+", text)]


def _lines(text: str) -> list[str]:
    """The lexicon's lines, a line that starts with spaces joined to the one before."""
    lines: list[str] = []
    for line in text.strip("\n").splitlines():
        if line.startswith("  ") and lines:
            lines[-1] += line.strip() if lines[-1].endswith("|") else " " + line.strip()
        elif line.strip():
            lines.append(line.strip())
    return lines


@cache
def tables(lang: str) -> _Tables:
    function = frozenset(_words(lexicon.FUNCTION[lang]))
    questions = {}
    for group in lexicon.QUESTION[lang].split("|"):
        kind, words = group.split(":")
        for word in words.split():
            questions[fold(word).replace("_", " ")] = kind
    scope = {fold(word).replace("_", " "): kind
             for group in lexicon.SCOPE[lang].split("|")
             for kind, words in [group.split(":")] for word in words.split()}
    small = {}
    for item in lexicon.SMALL_NUMBERS[lang].split():
        word, value = item.split(":")
        small[fold(word)] = value
    single: dict[str, set[str]] = {}
    phrases: dict[tuple[str, ...], set[str]] = {}
    opposed: dict[str, set[str]] = {}
    light: set[tuple[str, ...]] = set()
    for number, line in enumerate(_lines(lexicon.CONCEPTS[lang])):
        if line.startswith("~"):  # framing phrases: words that never change the answer
            for member in line[1:].split("|"):
                stems = tuple(stem(w.casefold(), lang) for w in re.findall(r"[^\W\d_]+",
                                                                               member))
                if len(stems) == 1:
                    function |= {stems[0], fold(member)}
                else:
                    light.add(stems)
                    phrases.setdefault(stems, set())
            continue
        groups = [g.strip() for g in line.split(" / ")]
        ids = [f"{lang}{number}.{i}" for i in range(len(groups))]
        for concept, group in zip(ids, groups, strict=True):
            opposed.setdefault(concept, set()).update(i for i in ids if i != concept)
            for member in group.split("|"):
                parts = re.findall(r"[^\W\d_]+", member)
                stems = tuple(stem(w.casefold(), lang) for w in parts)
                if len(stems) == 1:
                    single.setdefault(stems[0], set()).add(concept)
                    single.setdefault(fold(parts[0]), set()).add(concept)
                else:
                    phrases.setdefault(stems, set()).add(concept)
    endings = sorted(lexicon.SUFFIXES[lang].split(), key=len, reverse=True)
    roots: dict[str, set[str]] = {}
    for word, concepts in single.items():
        for ending in endings:
            if word.endswith(ending) and len(word) - len(ending) >= 4:
                roots.setdefault(word[:-len(ending)], set()).update(concepts)
                break
    units: dict[str, str] = {}
    unit_phrases: dict[tuple[str, ...], str] = {}
    for line in _lines(lexicon.UNITS):
        unit, names = line.split(":", 1)
        singles, _, multi = names.partition("|")
        for name in singles.split():
            if not re.fullmatch(r"[^\W\d_]+", name):  # a symbol: kept as written
                units[name.casefold()] = unit
            elif fold(name) not in function:  # French "mes" is "my", not Spanish "months"
                units[fold(name)] = unit
                units[stem(name.casefold(), lang)] = unit
        for phrase in multi.split("|"):
            if phrase.strip():
                unit_phrases[tuple(stem(w, lang) for w in phrase.split())] = unit
    negations = frozenset(_words(lexicon.NEGATIONS[lang]))
    degree = frozenset(_words(lexicon.DEGREE[lang]))
    # Negations, degree and question words are compared on their own, never as content.
    function |= negations | degree | {w for q in questions for w in q.split()}
    return _Tables(
        function=function, negations=negations, degree=degree, questions=questions,
        scope=scope, one=frozenset(_words(lexicon.ONE[lang])),
        small_numbers=small,
        case_sensitive=frozenset(_words(lexicon.CASE_SENSITIVE[lang] + " "
                                        + lexicon.CASE_SENSITIVE["en"])),
        single={k: frozenset(v) for k, v in single.items()},
        roots={k: frozenset(v) for k, v in roots.items()}, endings=tuple(endings),
        phrases={k: frozenset(v) for k, v in phrases.items()}, light=frozenset(light),
        longest_phrase=max((len(p) for p in [*phrases, *unit_phrases]), default=1),
        units=units, unit_phrases=unit_phrases,
        opposed={k: frozenset(v) for k, v in opposed.items()})


_HINTS = {"de": "äöüß", "fr": "çèêëàâùûœî", "es": "ñ¿¡áíóú"}


@lru_cache(maxsize=4096)
def language_scores(text: str) -> tuple[tuple[str, float], ...]:
    """How strongly ``text`` reads as each language, best first: its function words, and
    letters only one of them writes."""
    words = _words(text)
    lower = text.lower()
    scores = []
    for lang in lexicon.LANGUAGES:
        function = tables(lang).function
        score = float(sum(w in function for w in words))
        score += 1.5 * sum(lower.count(c) for c in _HINTS.get(lang, ""))
        scores.append((lang, score))
    return tuple(sorted(scores, key=lambda item: -item[1]))


def detect(*texts: str) -> str:
    """The language the texts are written in, together (English when nothing tells)."""
    total: Counter[str] = Counter()
    for text in texts:
        total.update(dict(language_scores(text)))
    best = max(lexicon.LANGUAGES, key=lambda lang: (total[lang], lang == "en"))
    return best if total[best] > 0 else "en"


def _roman(word: str) -> int | None:
    match = _ROMAN.fullmatch(word)
    if not match or not any(match.groups()):
        return None
    letters = word.rstrip("erèm")
    value = 0
    for i, letter in enumerate(letters):
        current = _ROMAN_VALUES[letter]
        following = _ROMAN_VALUES[letters[i + 1]] if i + 1 < len(letters) else 0
        value += -current if current < following else current
    return value


def _number(digits: str) -> str:
    """"1,000" and "1.000" are 1000; "1,5" and "1.5" are 1.5."""
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", digits):
        return digits.replace(",", "").replace(".", "")
    value = digits.replace(",", ".")
    if value.count(".") > 1:
        return value
    return value.rstrip("0").rstrip(".") if "." in value else str(int(value))


@lru_cache(maxsize=4096)
def read(text: str, lang: str) -> Reading:
    """``text`` read as a question in ``lang``."""
    table = tables(lang)
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES)
    text = _DOTTED_ACRONYM.sub(lambda m: m.group().replace(".", ""), text)  # "S.L." is "SL"
    text = _BOUND_BEFORE.sub(r"\1", text)
    if lang == "en":  # French "peut-on", "dis-moi": a hyphen before a pronoun
        text = _BOUND_AFTER.sub(r"\1", text)
    quoted = frozenset(fold(q) for q in _QUOTED.findall(text))
    if lang == "en":
        for pattern, replacement in _CONTRACTIONS:
            text = pattern.sub(replacement, text)
    with contextlib.suppress(Exception):  # text2num refuses some inputs: words stay words
        text = alpha2digit(text, lang)
    tokens = _tokens(_join_particles(_words_of(text, table), table) if lang == "de"
                     else _words_of(text, table), lang, table)
    for i, (one, other) in enumerate(zip(tokens, tokens[1:], strict=False)):
        if f"{one.fold} {other.fold}" in table.questions:  # "what year" asks "when"
            tokens[i + 1] = dataclasses.replace(other, function=True)
    numbers = sorted(t.value for t in tokens if t.value is not None)
    quantities = sorted((t.value, u.unit) for t, u in zip(tokens, tokens[1:], strict=False)
                        if t.value is not None and u.unit is not None)
    words = [t.fold for t in tokens]
    return Reading(
        text=text, lang=lang, tokens=tuple(tokens), numbers=tuple(numbers),
        quantities=tuple(quantities), quoted=quoted,
        negations=_negations(words, lang, table),
        degree=tuple(sorted(w for w in words if w in table.degree)),
        questions=_question_words(words, table), scope=_scope(words, table),
        tense=_tense(words) if lang == "en" else frozenset(),
        writes_case=any(c.isupper() for c in text))


_Word = tuple[str, bool, str | None, str | None]
"""A word as first read: its text, whether it starts a sentence, its unit, its value."""


def _words_of(text: str, table: _Tables) -> list[_Word]:
    """The words, numbers and unit symbols of ``text`` in order; number words are values."""
    raw: list[tuple[str, str, bool]] = []  # (kind, text, starts a sentence)
    initial = True
    for match in _TOKEN.finditer(text):
        kind = "number" if match.group("number") is not None else match.lastgroup or "word"
        if kind == "stop":
            initial = match.group() not in ",()\"“”«»„"
            continue
        raw.append((kind, match.group("number") or match.group(), initial))
        initial = False
    words: list[_Word] = []
    for i, (kind, value, first) in enumerate(raw):
        folded = fold(value)
        previous = raw[i - 1] if i else ("", "", True)
        if kind == "number":
            words.append((value, first, None, _number(value)))
        elif kind == "unit":
            symbol = value.casefold().replace(" ", "").replace("º", "°")
            words.append((value, first, table.units.get(symbol, symbol), None))
        elif previous[0] == "number" and folded in _SMALL_UNITS:
            words.append((value, first, _SMALL_UNITS[folded], None))
        elif (small := table.small_numbers.get(folded)) is not None and not (
                folded in lexicon.TIME_ORDINALS
                and (previous[0] == "number" or fold(previous[1]) in _TIME_ORDINAL_CONTEXT)):
            words.append((value, first, None, small.lstrip("#")))
        elif kind == "word" and (roman := _roman(value)) is not None and (
                len(value.rstrip("erèm")) > 1
                or (not previous[2] and previous[1][:1].isupper() and previous[0] == "word")):
            words.append((value, first, None, str(roman)))
        else:
            words.append((value, first, None, None))
    return words


def _join_particles(words: list[_Word], table: _Tables) -> list[_Word]:
    """German: a particle ending the clause goes back onto its verb ("setze … zurück")."""
    joined = list(words)
    starts = [i for i, word in enumerate(joined) if word[1]] + [len(joined)]
    for start, end in zip(starts, starts[1:], strict=False):
        if end - start < 3 or fold(joined[end - 1][0]) not in _PARTICLES:
            continue
        verb = start + 1 if fold(joined[start][0]) in _GERMAN_QUESTION_WORDS else start
        if verb >= end - 1 or joined[verb][3] is not None:
            continue
        text, first, unit, value = joined[verb]
        joined[verb] = (joined[end - 1][0].casefold() + text.casefold(), first, unit, value)
        joined[end - 1] = ("", False, None, None)
    return [w for w in joined if w[0]]


_PARTICLES = frozenset(fold(p) for p in lexicon.PARTICLES.split())
_GERMAN_QUESTION_WORDS = frozenset({
    "wie", "was", "wo", "wann", "warum", "wieso", "weshalb", "welche", "welcher", "welches",
    "welchen", "welchem", "wer", "wem", "wen", "woher", "wohin", "wozu", "womit", "wofur",
    "worin"})


def _tokens(words: list[_Word], lang: str, table: _Tables) -> list[Token]:
    """Words to tokens; the lexicon's phrases (and unit phrases) become one token each."""
    stems = [f"#{value}" if value is not None else stem(text.casefold(), lang)
             for text, _, _, value in words]
    tokens: list[Token] = []
    i = 0
    while i < len(words):
        for size in range(min(table.longest_phrase, len(words) - i), 1, -1):
            key = tuple(stems[i:i + size])
            unit = table.unit_phrases.get(key)
            concepts = table.phrases.get(key)
            if unit or concepts is not None:
                text = " ".join(w[0] for w in words[i:i + size])
                tokens.append(Token(
                    text=text, fold=fold(text).replace(" ", "_"), stem="_".join(key),
                    position=len(tokens), initial=words[i][1], function=key in table.light,
                    concepts=concepts or frozenset(), unit=unit))
                i += size
                break
        else:
            text, first, unit, value = words[i]
            folded = fold(text)
            if value is not None:
                tokens.append(Token(text=text, fold=f"#{value}", stem=f"#{value}",
                                    position=len(tokens), initial=first, function=True,
                                    value=value))
                i += 1
                continue
            unit = unit or table.units.get(folded) or table.units.get(stems[i])
            concepts = table.single.get(stems[i], frozenset()) | table.single.get(
                folded, frozenset())
            if not concepts:
                concepts = _root_concepts(folded, table)
            tokens.append(Token(
                text=text, fold=folded, stem=stems[i], position=len(tokens), initial=first,
                function=folded in table.function and unit is None, concepts=concepts,
                unit=unit))
            i += 1
    return tokens


_FRENCH_SECOND_HALVES = frozenset({"pas", "jamais", "rien", "aucun", "aucune", "nul", "nulle",
                                   "ni"})


def _root_concepts(word: str, table: _Tables) -> frozenset[str]:
    for ending in (*table.endings, ""):
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            concepts = table.roots.get(word[:len(word) - len(ending)])
            if concepts:
                return concepts
    return frozenset()


def _negations(words: list[str], lang: str, table: _Tables) -> int:
    if lang != "fr":
        return sum(w in table.negations for w in words)
    # "ne … pas", "n'… jamais" are one negation each; a "pas" without "ne" (spoken French)
    # is one too.
    count = sum(w in table.negations - _FRENCH_SECOND_HALVES for w in words)
    if not any(w in ("ne", "n") for w in words):
        count += sum(w in _FRENCH_SECOND_HALVES for w in words)
    return count


_TENSES = {**dict.fromkeys(("was", "were", "did", "had"), "past"),
           **dict.fromkeys(("is", "are", "am", "do", "does", "has", "have", "will"), "present")}
"""Past against the rest: "Why won't it rise?" asks what "Why is it not rising?" does."""
_FRAMING_VERBS = frozenset({"wondering", "hoping", "thinking", "trying", "curious", "told",
                            "wanted", "asked"})
"""After "I was …" the tense is the framing's, not the question's ("I was wondering…")."""


def _tense(words: list[str]) -> frozenset[str]:
    return frozenset(_TENSES[w] for w, after in zip(words, [*words[1:], ""], strict=True)
                     if w in _TENSES and after not in _FRAMING_VERBS)


def _scope(words: list[str], table: _Tables) -> frozenset[str]:
    kinds = {table.scope[w] for w in words if w in table.scope}
    kinds |= {table.scope[f"{a} {b}"] for a, b in zip(words, words[1:], strict=False)
              if f"{a} {b}" in table.scope}
    return frozenset(kinds)


def _question_words(words: list[str], table: _Tables) -> frozenset[str]:
    kinds = {table.questions[w] for w in words if w in table.questions}
    for a, b in zip(words, words[1:], strict=False):
        kind = table.questions.get(f"{a} {b}")
        if kind:
            kinds.add(kind)
    return frozenset(kinds)
