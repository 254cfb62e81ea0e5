"""Full names told by lists of given names and surnames, with no cue and no model: "Lukas
Novák asked for a refund", where a small English NER model knows neither word.

The lists (``data/names.txt.gz``, about 24,000 given names and 21,000 surnames of some 90
locales) are written from Faker's person providers by ``scripts/make_name_lists.py``. A run
of two to four capitalised words is a name when its first word is a given name and its last a
surname (or another given name), none of them a stop word of the languages spaCy lists, a word
the name detector never takes for a name, or a given name that is more often an English word
("Will Power", "German Shepherd", "Grace Period"). Two words alone are a name, too, when one
is listed (a given name first, or a surname last) and the other is in no list and is no word
of English, German, French, Spanish, Italian, Dutch or Portuguese by wordfreq ("Eleni
Papadopoulou", "Olumide Adeyemi": cultures the lists lack).
"""

from __future__ import annotations

import functools
import gzip
import re
from collections.abc import Iterator
from pathlib import Path

from .name_entities import function_word, opens_sentence
from .words import LET, LOWERS, UP, UPPERS, Span, set_of

LISTS = Path(__file__).with_name("data") / "names.txt.gz"

# Given names that are, in an English prompt, more often a word: these begin a name only
# when a cue says so (the cued detector), never from the lists alone.
WORDS_FIRST = set_of("""will mark bill art page grant chase may june august april christian
german frank major king prince royal bishop rich guy van hope faith grace joy rose summer
winter autumn spring star sky river stone dawn eve golden sterling baker miles lane dean
hunter amber ruby pearl crystal diamond angel honey ginger holly ivy iris violet daisy lily
olive jade storm rock sunny santa san saint mount lake port fort new north south east west
great little big old young red black white green brown blue gold silver precious lucky
justice liberty harmony melody destiny trinity bliss love happy early first last general
colonel captain doctor judge pastor""")

# Surnames that, after a given name, more often name a place, a building or a make
# ("Elizabeth Line", "Regent Park", "Mercedes Benz").
_PLACES_LAST = set_of("""street st road rd lane avenue way place square park hall house
church chapel bridge hill line station centre center college school hospital clinic
university bank hotel garden gardens tower castle palace museum library airport court
river lake bay beach island valley mountain field fields wood woods forest green grove
cross gate market mall benz motor motors airlines group""")

# The particles a surname may open with in a run ("van den Broek", "zu Gotthard"): one, then
# perhaps a second.
_RUN_PARTICLE = r"van|von|zu|de|da|di|del|della|der|den|du|dos|das|do|le|la|al|bin|ibn|ter|ten"
_SECOND_PARTICLE = r"der|den|de|la|le|los|las"
_RUN = re.compile(rf"(?<![\w@#/.-]){UP}{LET}+(?:-{UP}{LET}+){{0,2}}(?:[ \t]+(?:{UP}{LET}+"
                  rf"(?:['’-]{UP}?{LET}+)*|(?:{_RUN_PARTICLE})(?:[ \t]+(?:{_SECOND_PARTICLE}))?"
                  rf"(?=[ \t]+{UP}))){{1,3}}(?![\w@])")
_PARTICLE_WORD = re.compile(rf"{_RUN_PARTICLE}|{_SECOND_PARTICLE}")


# Given names that are also places, which "Town, State" would put after a surname-shaped town
# ("Paris, Texas"): they do not end a name written surname first.
_PLACE_NAMES = set_of("""texas georgia virginia carolina florida montana dakota nevada arizona
alberta regina victoria adelaide florence sydney austin dallas houston orlando phoenix
savannah charlotte madison chelsea brooklyn india china jordan israel kenya chad paris london
lincoln denver tyrone""")
POSSESSIVE = re.compile(r"['’]s?$")
"""A possessive's ending ("Lukas Novák's"), which is not part of the name."""
STREET_TYPES_AFTER_NAME = r"gate|gata|gatan|gade|vej|veien|vei|straße|strasse|allee|plads"
"""Street types written in lower case after the name a street honours ("Karl Johans gate")."""
_STREET_AFTER = re.compile(rf"[ \t]+(?:{STREET_TYPES_AFTER_NAME}|vegen)(?![\w])")
# Two capitalised words alone (not inside a longer run): an unknown one, then a listed surname.
_HALF_LISTED = re.compile(rf"(?<![\w@#/.-])(?<!{UP}{LET}[ \t])({UP}{LET}{{2,}})[ \t]+"
                          rf"({UP}{LET}+(?:['’]s)?)(?![\w@-]|[ \t]+{UP})")
_WORD_ZIPF = 2.0  # under once in 10 million words: no word, in the languages below
_WORD_LANGUAGES = ("en", "de", "fr", "es", "it", "nl", "pt")
# A surname in capitals before the given name, as French, Japanese and Turkish forms write
# it: "BOUSQUET Michel", "DE LA VIDAL Michèle", "GÉRARD-PONS Grégoire", "SHIMIZU Mituru".
_CAPS = f"[{UPPERS}]"
_CAPITAL_SURNAME_FIRST = re.compile(
    rf"(?<![\w@#/.-])((?:(?:DE|DA|DI|DEL|DELLA|DU|LE|LA|VAN|VON|DER|DEN|DOS|DAS)[ \t]+){{0,2}}"
    rf"{_CAPS}{{2,}}(?:-{_CAPS}{{2,}})?)[ \t]+({UP}[{LOWERS}]+(?:-{UP}[{LOWERS}]+)?)"
    rf"(?![\w@-]|[ \t]+{_CAPS}{{2,}})")
_SURNAME_FIRST = re.compile(rf"(?<![\w@#/.-])({UP}{LET}+(?:-{UP}{LET}+)?),[ \t]+({UP}{LET}+)"
                            rf"(?![\w@-]|[ \t]+{UP})")


@functools.cache
def load() -> tuple[frozenset[str], frozenset[str]]:
    """The given names and the surnames, lower-cased; read once (about 0.1 s), at warm-up or
    on the first scan that needs them."""
    given: list[str] = []
    surnames: list[str] = []
    section = given
    with gzip.open(LISTS, "rt", encoding="utf-8") as lines:
        for line in lines:
            name = line.strip()
            if name == "# surname":
                section = surnames
            elif name and not name.startswith("#"):
                section.append(name.lower())
    return frozenset(given), frozenset(surnames)


def listed_names(text: str, not_names: frozenset[str]) -> Iterator[Span]:
    """Runs of capitalised words that the lists read as a given name and a surname."""
    given, surnames = load()
    for run in _RUN.finditer(text):
        words = [(run.start() + w.start(), w.group()) for w in re.finditer(r"\S+", run.group())]
        # A run may open with words that are not part of the name ("Customer Lukas Novák"):
        # the name starts at its first listed given name.
        first = next((k for k, (at, word) in enumerate(words[:-1]) if _given(
            word, given, not_names, mid_sentence=not opens_sentence(text, at))), None)
        if first is None:
            continue
        name = words[first:]
        while len(name) > 1 and (name[-1][1].lower() in not_names or (
                function_word(name[-1][1]) and name[-1][1].lower() not in surnames)):
            name.pop()
        if len(name) < 2 or any(w.lower() in not_names for _, w in name[1:]):
            continue
        at, last = name[-1]
        last = POSSESSIVE.sub("", last)  # "Lukas Novák's address"
        if _STREET_AFTER.match(text, at + len(last)):
            continue  # "Karl Johans gate", "Thorvald Meyers gate": a street named after one
        if _listed_surname(last.lower(), surnames, given):
            yield name[0][0], at + len(last)
        elif sum(not _PARTICLE_WORD.fullmatch(w) for _, w in name) == 2 and _unknown_word(
                last, given, surnames, not_names):
            yield name[0][0], at + len(last)  # "Eleni Papadopoulou", "Sigríður Jónsdóttir"
    for m in _HALF_LISTED.finditer(text):  # "Olumide Adeyemi": a surname the lists know
        first_name, surname = m.group(1), POSSESSIVE.sub("", m.group(2))
        if (_unknown_word(first_name, given, surnames, not_names)
                and surname.lower() in surnames and surname.lower() not in not_names
                and surname.lower() not in _PLACES_LAST):
            yield m.start(), m.start(2) + len(surname)
    for m in _CAPITAL_SURNAME_FIRST.finditer(text):  # "BOUSQUET Michel", "LE ROUX Auguste"
        surname, first_name = m.group(1), m.group(2)
        parts = surname.replace("-", " ").split()
        core = parts[-1].lower()
        if len(core) >= 3 and not function_word(core) and core not in not_names and (
                (_given(first_name, given, not_names) and (core in surnames or _unknown_word(
                    parts[-1].capitalize(), given, surnames, not_names)))
                or (core in surnames and first_name.lower() in given)):
            yield m.span()
    for m in _SURNAME_FIRST.finditer(text):  # "Berg, Anna" in a list or a record
        surname, first_name = m.group(1), m.group(2)
        if (_listed_surname(surname.lower(), surnames, frozenset())
                and _given(first_name, given, not_names) and surname.lower() not in not_names
                and first_name.lower() not in _PLACE_NAMES):
            yield m.span()


def _unknown_word(word: str, given: frozenset[str], surnames: frozenset[str],
                  not_names: frozenset[str]) -> bool:
    """A capitalised word that no list has and no language here uses as a word (a name from
    a culture the lists lack: "Papadopoulou", "Jónsdóttir", "Olumide"): beside a listed
    given name or surname it completes a name. Brands and coinages are words in the web text
    word frequencies come from ("Kubernetes", "Xiaomi") and are not taken."""
    from wordfreq import zipf_frequency  # its data loads on first use

    low = word.lower()
    return (len(low) >= 3 and not word.isupper() and low not in given and low not in surnames
            and low not in not_names and low not in _PLACES_LAST and not function_word(word)
            and all(zipf_frequency(low, lang) < _WORD_ZIPF for lang in _WORD_LANGUAGES))


def _listed_surname(word: str, surnames: frozenset[str], given: frozenset[str]) -> bool:
    """A surname (or a given name used as one), or a double-barrelled one ("Yılmaz-Demir")
    of which a part is."""
    if word in _PLACES_LAST:
        return False
    return word in surnames or word in given or ("-" in word and any(
        part in surnames for part in word.split("-")))


def _given(word: str, given: frozenset[str], not_names: frozenset[str], *,
           mid_sentence: bool = False) -> bool:
    """A listed given name, or a hyphenated one of listed parts ("Amy-Leigh"). One that is
    also a stop word ("Ella", "Per", "Sara") counts only inside a sentence, where a stop word
    is not capitalised."""
    low = word.lower()
    if "-" in low and all(part in given for part in low.split("-")):
        return low not in not_names
    return (low in given and low not in WORDS_FIRST and low not in not_names
            and (mid_sentence or not function_word(word)))
