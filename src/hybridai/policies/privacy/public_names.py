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
"""The names forms and manuals print as the example person ("John Doe", "Max Mustermann")."""

SAMPLE_NAMES = frozenset({
    "mario rossi", "maria rossi", "jan jansen", "piet jansen", "jan janssen", "sven svensson",
    "anna svensson", "matti meikäläinen", "maija meikäläinen", "jan novák", "jana nováková",
    "jan kowalski", "anna kowalska", "juan pérez", "juan perez", "jean dupont", "marie dupont",
    "hans muster", "fulano de tal", "joão da silva", "jens hansen", "ola normann",
    "mustafa yılmaz", "ahmet yılmaz", "john smith", "jane smith", "kovács jános",
    "jón jónsson", "giovanni bianchi", "pierre martin"})
"""Real names that forms of a country print as their example person ("Mario Rossi", "Jan
Jansen", "Sven Svensson", "Jan Novák"): nobody's where the text says they are the example
("im Formular steht …", "nel modulo di esempio …"), anyone's elsewhere."""
SAMPLE_WORDS = re.compile(
    r"(?i)\b(?:example|sample|placeholder|template|dummy|fictitious|e\.g\.|beispiel\w*|muster\w*|"
    r"vorlage|platzhalter|esempio|modulo\s+di\s+esempio|segnaposto|voorbeeld\w*|sjabloon|"
    r"exempel\w*|mall|vzor\w*|esimerk\w*|malli|przykład\w*|wzór|wzorze|ejemplo|plantilla|"
    r"exemple|modèle|fictif|exemplo|modelo|örnek|eksempel\w*)\b")

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


def sample_name(name: str, text: str) -> bool:
    """Whether ``name`` is a country's example person and ``text`` says it is an example."""
    return (" ".join(name.split()).casefold() in SAMPLE_NAMES
            and SAMPLE_WORDS.search(text) is not None)


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
