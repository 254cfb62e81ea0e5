"""What the name detector (``names.py``) asks of the recognizer's entities before it takes
one for a name: whether it opens a sentence with a prompt's verb ("Call Sarah Connor",
"Download Python"), where its letters begin and end, and whether the text reads as English
(spaCy's stop-word lists), since the small English model's single-word guesses in other
languages are mostly capitalised nouns and sentence openers.
"""

from __future__ import annotations

import functools
import os
import re
import runpy

from .ner import Entity
from .words import Span, set_of

# Verbs that open a prompt's sentences, capitalised there, which the recognizer may take for
# (part of) a name: "Revert commit …", "Download Python …".
IMPERATIVES = set_of("""
add analyze analyse answer ask build calculate call change check choose clean compare compile
complete compose continue convert copy correct create debug define delete deploy describe
design download draft edit email enable explain export extract find fix format generate get
give help identify implement import improve install list load make merge migrate move open
optimize optimise outline paraphrase parse pick plan polish print proofread push read refactor
remind remove rename reply reset resolve restart revert review rewrite run save schedule
search send set show sort split start stop suggest summarize summarise tell test text
translate try turn update upgrade upload use validate verify write
""")


# Of those, the ones whose object is a person ("Call Sarah Connor", not "Install Docker").
PERSON_VERBS = set_of("""ask call tell email text message thank invite remind meet contact
ping cc notify pay welcome congratulate introduce phone""")


def opens_sentence(text: str, start: int) -> bool:
    """Whether ``start`` opens a sentence: only spaces, quotes, brackets and dashes stand
    between it and the text's start or a ".", "!", "?", ":" or line break."""
    before = text[max(0, start - 20):start].rstrip(" \t\"'(*-")
    if not before and start > 20:
        return False
    return not before or before[-1] in ".!?:\n"


def strip_entity(text: str, e: Entity) -> Span:
    """The entity's span without what is not a letter at its edges (a final "." kept, as
    in "Jr.") and without a possessive "'s"."""
    start, end = e.start, e.end
    while start < end and not text[start].isalpha():
        start += 1
    while end > start and not text[end - 1].isalpha() and text[end - 1] != ".":
        end -= 1
    if text[start:end].endswith(("'s", "’s")):
        end -= 2
    return start, end


@functools.cache
def _stop_words() -> tuple[frozenset[str], frozenset[str]]:
    """spaCy's stop-word lists: English, and German, French, Spanish, Italian, Dutch and
    Portuguese together. Read from their files: importing spacy.lang.xx loads the whole
    language (seconds); the lists are plain sets."""
    import importlib.util

    spec = importlib.util.find_spec("spacy")
    if spec is None or spec.origin is None:
        return frozenset(), frozenset()
    base = os.path.join(os.path.dirname(spec.origin), "lang")

    def words(lang: str) -> frozenset[str]:
        try:
            return frozenset(runpy.run_path(os.path.join(base, lang, "stop_words.py"))
                             ["STOP_WORDS"])
        except (OSError, KeyError):
            return frozenset()

    other: frozenset[str] = frozenset().union(*(words(lang) for lang in
                                                ("de", "fr", "es", "it", "nl", "pt")))
    return words("en"), other


def reads_as_english(text: str) -> bool:
    """Whether the text holds English stop words, and as many as stop words of the other
    languages only."""
    english, other = _stop_words()
    tokens = re.findall(r"[^\W\d_]+", text.lower())
    en = sum(t in english for t in tokens)
    # No stop word of any listed language either ("Kim był Mikołaj Kopernik?"): not English.
    return en > 0 and en >= sum(t in other and t not in english for t in tokens)


def function_word(word: str) -> bool:
    """Whether ``word`` is a stop word in English or in one of the other languages."""
    english, other = _stop_words()
    return word.lower() in english or word.lower() in other
