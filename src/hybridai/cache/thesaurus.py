"""Synonyms from the system's MyThes thesauri, and lemmas from simplemma, for the verifier.

The cache's verifier accounts for a word of one question by a word of the other. Its own
lexicon (hybridai.cache.lexicon) knows a few hundred meaning fields; this module adds two
larger sources:

- **Lemmas** (simplemma's dictionaries, a dependency): "ging" and "gehen", "puedo" and
  "poder", "fais" and "faire" are one word. A lemma never joins two degrees of an adjective
  ("bigger"/"big", "größer"/"groß"): ``degree_differs`` tells those apart.
- **Synonyms** from the MyThes thesauri that LibreOffice uses (WordNet for English,
  OpenThesaurus for German, and the French and Spanish thesauri): Debian and Ubuntu ship
  them as ``mythes-en-us``, ``mythes-de``, ``mythes-fr`` and ``mythes-es`` in
  ``/usr/share/mythes``; ``HYBRIDAI_THESAURUS_DIR`` points elsewhere (Homebrew, a copy).
  Two words are synonyms only when each is listed under the other as a plain member of a
  meaning, not as a generic, related or opposite term: thesauri list broad neighbours, and
  one-way entries join words that do not share an answer. Without the thesauri the verifier
  works as before, with fewer paraphrases found; ``available`` says which languages have one.

Entries are read on demand through each thesaurus's index (a byte offset per word), so a
language costs its index in memory (~3 MB for English) and nothing before its first use.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from .reading import fold, german_degree

SEARCH_PATH = ("/usr/share/mythes", "/usr/local/share/mythes", "/opt/homebrew/share/mythes")
_FILES = {"en": ("th_en_US_v2", "th_en_GB_v2"), "de": ("th_de_DE_v2", "th_de_AT_v2"),
          "fr": ("thes_fr", "th_fr_FR_v2"), "es": ("th_es_ES_v2",)}
_LABEL = re.compile(r"\s*\(([^)]*)\)")
_NOT_SYNONYMS = frozenset({
    "antonym", "generic term", "related term", "similar term", "Antonym", "Oberbegriff",
    "Unterbegriff", "antonyme", "antónimo"})
"""Labels of members that are not the headword's synonyms (WordNet, OpenThesaurus)."""


@dataclass(frozen=True)
class _Thesaurus:
    data: Path
    encoding: str
    offsets: dict[str, list[int]]
    """A folded headword → the byte offsets of its entries."""


def _directory() -> Path | None:
    configured = os.environ.get("HYBRIDAI_THESAURUS_DIR")
    for place in ([configured] if configured else SEARCH_PATH):
        if Path(place).is_dir():
            return Path(place)
    return None


@cache
def _thesaurus(lang: str) -> _Thesaurus | None:
    directory = _directory()
    if directory is None:
        return None
    for name in _FILES.get(lang, ()):
        index, data = directory / f"{name}.idx", directory / f"{name}.dat"
        if index.is_file() and data.is_file():
            return _load(index, data)
    return None


def _load(index: Path, data: Path) -> _Thesaurus:
    raw = index.read_bytes()
    first, _, rest = raw.partition(b"\n")
    encoding = first.decode("ascii", "replace").strip().lower() or "utf-8"
    encoding = "latin-1" if encoding in ("iso8859-1", "iso-8859-1") else encoding
    offsets: dict[str, list[int]] = {}
    for line in rest.decode(encoding, "replace").splitlines()[1:]:
        word, _, offset = line.rpartition("|")
        if word and offset.isdigit():
            offsets.setdefault(fold(word), []).append(int(offset))
    return _Thesaurus(data, encoding, offsets)


def available() -> tuple[str, ...]:
    """The languages whose thesaurus is installed."""
    return tuple(lang for lang in _FILES if _thesaurus(lang) is not None)


@lru_cache(maxsize=16384)
def _members(word: str, lang: str) -> frozenset[str]:
    """The folded one-word plain members of ``word``'s meanings."""
    thesaurus = _thesaurus(lang)
    if thesaurus is None or word not in thesaurus.offsets:
        return frozenset()
    members: set[str] = set()
    with thesaurus.data.open("rb") as handle:
        for offset in thesaurus.offsets[word]:
            handle.seek(offset)
            head = handle.readline().decode(thesaurus.encoding, "replace")
            count = head.rstrip("\n").rpartition("|")[2]
            for _ in range(int(count) if count.isdigit() else 0):
                line = handle.readline().decode(thesaurus.encoding, "replace")
                for member in line.rstrip("\n").split("|")[1:]:
                    if set(_LABEL.findall(member)) & _NOT_SYNONYMS:
                        continue
                    plain = _LABEL.sub("", member).strip()
                    if plain and " " not in plain:
                        members.add(fold(plain))
    members.discard(word)
    return frozenset(members)


def synonyms(x: str, y: str, lang: str) -> bool:
    """Whether the folded words ``x`` and ``y`` are listed under each other."""
    return x != y and y in _members(x, lang) and x in _members(y, lang)


@lru_cache(maxsize=65536)
def lemma(word: str, lang: str) -> str:
    """The folded dictionary form of a lower-case word (itself when simplemma has none)."""
    import simplemma  # its tables load on first use

    return fold(simplemma.lemmatize(word, lang=lang))


_ENGLISH_DEGREE = re.compile(r"(?:er|est)$")
_ENGLISH_IRREGULAR_DEGREES = frozenset({
    "better", "best", "worse", "worst", "further", "furthest", "farther", "farthest"})


def degree_differs(x: str, y: str, lang: str) -> bool:
    """Whether two different lower-case forms of one lemma are different degrees of an
    adjective ("big"/"bigger", "good"/"better", "groß"/"größte"): those never stand for
    each other."""
    x, y = x.casefold(), y.casefold()
    if x == y:
        return False
    if lang == "en":
        if {x, y} & _ENGLISH_IRREGULAR_DEGREES:
            return True
        short, long = sorted((x, y), key=len)
        stem = short[:-1] if short.endswith(("e", "y")) else short
        return bool(_ENGLISH_DEGREE.search(long)) and not _ENGLISH_DEGREE.search(short) \
            and long.startswith(stem)
    if lang == "de":
        return german_degree(x, lemma(x, lang)) != german_degree(y, lemma(y, lang))
    return False
