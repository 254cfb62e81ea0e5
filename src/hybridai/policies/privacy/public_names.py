"""Names that are nobody's private name: public figures, fictional characters, brands named
after people, and the placeholder names forms print.

"Summarise Marie Curie's work on radioactivity" carries no personal data, and masking the
name would break the question. The list (``data/public_names.txt``, about 16,000 names) holds
well-known people of many countries (heads of state, scientists, writers, artists, musicians,
actors, athletes, founders, saints), fictional and mythological characters, and companies and
landmarks named after people, written by hand from general knowledge, one name a line. A name
is compared without accents, case, a possessive's ending or a title before it ("President
Abraham Lincoln", "Gabriel Garcia Marquez's").

A name that someone gives as their own, or as that of a person they know, is theirs: "my name
is Taylor Swift", "my colleague Michael Jordan" are masked like any other (the detector
checks this, see ``PersonDetector``).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from .words import set_of

LIST = Path(__file__).with_name("data") / "public_names.txt"

PLACEHOLDER_NAMES = frozenset({
    "john doe", "jane doe", "john q. public", "john q public", "joe bloggs", "jane bloggs",
    "joe public", "richard roe", "max mustermann", "erika mustermann", "ola nordmann",
    "kari nordmann"})
"""The names forms and manuals print as the example person ("John Doe", "Max Mustermann").
Common real names used as examples ("Mario Rossi") are not here."""

# Words before a public name that are not part of it: "President Lincoln", "Saint Francis".
_TITLES = set_of("""president prime minister chancellor king queen prince princess emperor
empress tsar czar pope saint st sir dame lord lady general admiral captain dr doctor prof
professor mr mrs ms mister miss señor senor monsieur herr frau signor don doña dona""")
_POSSESSIVE = re.compile(r"['’]s?$")


def fold(name: str) -> str:
    """A name as the list compares it: no accents, case folded, one space between words, no
    possessive's ending ("Gabriel García Márquez's" -> "gabriel garcia marquez")."""
    decomposed = unicodedata.normalize("NFKD", name.replace("’", "'"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    plain = plain.replace("ø", "o").replace("Ø", "O").replace("ł", "l").replace("Ł", "L")
    return _POSSESSIVE.sub("", " ".join(plain.split())).casefold().rstrip(".,;:")


@functools.cache
def load() -> frozenset[str]:
    """The folded public names; read once (about a tenth of a second), at warm-up or on the
    first scan that finds a name."""
    with LIST.open(encoding="utf-8") as lines:
        names = {fold(line) for line in lines if line.strip() and not line.startswith("#")}
    return frozenset(names) | PLACEHOLDER_NAMES


def public(name: str) -> bool:
    """Whether a found name is a public figure's, a character's, a brand's or a placeholder,
    as written or without the title words before it ("President Abraham Lincoln")."""
    names = load()
    words = fold(name).split()
    while words:
        if " ".join(words) in names:
            return True
        if words[0].rstrip(".") not in _TITLES:
            return False
        words = words[1:]
    return False
