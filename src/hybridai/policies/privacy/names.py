"""Names, found on the device without a model, in several languages, from what surrounds
them: a name after "my name is", a title, a form's field, a greeting or a letter's sign-off.

Where a spaCy pipeline is installed (``ner.py``), its PERSON entities add the names that have
no cue; ``name_entities.py`` holds what tells such a name from a prompt's verb or a word of
another language.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .name_entities import (
    IMPERATIVES,
    PERSON_VERBS,
    function_word,
    opens_sentence,
    reads_as_english,
    strip_entity,
)
from .name_lists import POSSESSIVE, STREET_TYPES_AFTER_NAME, WORDS_FIRST, listed_names
from .name_lists import load as load_name_lists
from .ner import Entity, NamedEntities
from .public_names import public, sample_name
from .words import LET, LOWERS, UP, Span, facts, occurrences, set_of

# A name word: capitalised, with apostrophes and hyphens inside (O'Connor, Jean-Luc), or an
# initial ("J." / "J"); particles may stand between words (van, de la, bin).
_WORD = rf"{UP}(?:\.|{LET}*(?:['’-]{LET}+)*)"
_PARTICLE = (r"(?:van|von|der|den|de|del|della|delle|di|da|das|do|dos|du|le|la|lo|bin|binti|"
             r"ibn|al|el|ter|ten|zu|y|e|af|av|st\.?)")
_NAME = rf"{_WORD}(?:[ \t]+(?:{_PARTICLE}[ \t]+){{0,2}}{_WORD}){{0,3}}"

# Capitalised words that stand where a name would but are not one: whom a letter greets,
# the organisation's parts, days and months (capitalised in English), pronouns.
NOT_NAMES = set_of("""
team teams all everyone everybody folks guys there world sir madam madame sirs ladies
gentlemen support service services department dept desk office sales admin administrator
staff management manager customer customers client clients user users member members
help helpdesk billing accounts accounting operations engineering legal security company
inc ltd llc gmbh corp group bank hotel hospital university school friend friends colleagues
partner partners guest guests reader readers human assistant bot ai chatgpt gpt claude
monday tuesday wednesday thursday friday saturday sunday january february march april may
june july august september october november december i me you he she we they it this that
the a an and or not no yes ok okay hello hi hey thanks thank regards best dear name names
mister mr mrs ms dr prof unknown anonymous redacted placeholder example test tester
""")
# Words that end a lower-case name typed after "my name is" ("my name is not important").
_FUNCTION_WORDS = set_of("""a an the and or but not no is are was were be been am of to in on
at by for from with without about as if so than then that this these those it its my your his
her our their me you him us them what which who whom whose when where why how all any some
just only also very really actually still already here there now today tomorrow yesterday
de la le les el los las y o et ou und oder der die das ein eine di il lo e che van het een en
""")
# Placeholders written where a real name would go.
_PLACEHOLDER = re.compile(r"(?i)^(?:(?:your|my|first|last|full|user|customer)\s*)*name$|"
                          r"^(?:first(?:name)?\s+last(?:name)?|lorem\s+ipsum|foo\s+bar|"
                          r"x+|n/?a|tbd|john\s+q\.?\s+public)$")


# Words of streets, places and documents that a recognizer's PERSON may swallow.
_PLACE_WORDS = set_of("""avenida avenue av calle rua rue via strada straße strasse gate gata
gade vej plaza praça piazza platz ciudad cidade città ville stadt hbf bahnhof station airport
aeropuerto aéroport flughafen nr no rechnung factura facture invoice caddesi cadde sokak
sokağı bulvarı mahallesi meydanı""")
# German compounds of forms and documents ("Rechnungsnummer", "Geburtsdatum"): no names.
_DOCUMENT_NOUN = re.compile(r"(?i)\w{3,}(?:nummer|datum|adresse|zahl|konto|betrag|straße|"
                            r"ung|heit|keit|schaft)$")
# A masked value ("XXXXX", "xxxx") or an acronym in capitals ("JSON") is no one's name.
_MASKED = re.compile(r"(?<![^\W\d_])(?:[Xx]{3,}|\*{3,})(?![^\W\d_])")
_ACRONYM = re.compile(r"[A-Z]{2,6}")


def _everyday_word(word: str) -> bool:
    """A word English uses often (once in 10,000 words) that is not also a given name."""
    from wordfreq import zipf_frequency  # its data loads on first use

    from .name_lists import load

    low = word.lower()
    return zipf_frequency(low, "en") >= 4.0 and low not in load()[0]


def _known_word_not_name(word: str) -> bool:
    """A word the web uses (once in a million words) that the name lists do not hold: a
    place, a product or a brand when the recognizer reads it alone as a person."""
    from wordfreq import zipf_frequency  # its data loads on first use

    low = POSSESSIVE.sub("", word).lower()
    given, surnames = load_name_lists()
    return low not in given and low not in surnames and zipf_frequency(low, "en") >= 3.0


def _name_words(candidate: str) -> list[str]:
    return [w for w in re.split(r"[ \t]+", candidate) if w]


def plausible_name(candidate: str, *, min_words: int = 1) -> bool:
    """Whether capitalised words read as a person's name rather than a word or a code."""
    words = [w for w in _name_words(candidate) if not re.fullmatch(_PARTICLE, w)]
    if len(words) < min_words or _PLACEHOLDER.match(candidate.strip()):
        return False
    if all(w.rstrip(".").lower() in NOT_NAMES or len(w.rstrip(".")) == 1 for w in words):
        return False
    # An identifier in PascalCase (three humps or more) is code, not a name; McDonald is not.
    return not any(len(re.findall(rf"{UP}{LET}", w)) >= 3 for w in words)


def _trim(text: str, start: int, end: int) -> Span:
    """The span without a trailing initial's dot or a word from NOT_NAMES at its end."""
    words = list(re.finditer(r"\S+", text[start:end]))
    while len(words) > 1 and words[-1].group().rstrip(".").lower() in NOT_NAMES:
        words.pop()
    return start + words[0].start(), start + words[-1].end()


class PersonDetector:
    """Names: after cue words (in several languages) and, with NER, spaCy's PERSON entities.

    Cues: introductions ("my name is", "je m'appelle", "ich heiße", "me llamo", "mi chiamo",
    "mijn naam is", "meu nome é"…), titles ("Mr.", "Dr", "Herr", "Frau", "Mme", "Sra."…),
    form fields ("Name:", "first_name": …, "Vorname:", "Prénom :"), greetings ("Dear …,",
    "Hallo …,") and a letter's sign-off ("Regards,\\nJane Doe" at a line's end). Weak cues
    ("I am", "I'm", "this is", "je suis", "soy", "sono", a bare "name" field) need the name to
    end there (punctuation, "from", "and"…) and, with NER, no entity of another kind there
    ("I am Canadian" is NORP).
    """

    kind = "person"
    # Right after an entity: a street's type ("Karl Johans gate"); a digit or a code's dash.
    _place_word_after = re.compile(rf"[ \t]+(?i:{STREET_TYPES_AFTER_NAME}|street|st\.|road|"
                                   r"avenue|platz)\b")
    _glued = re.compile(r"\d|-\w")
    _glued_before = re.compile(r"[\w]-$|\d$")

    # Cue words are matched in the lower-cased text (case-sensitive patterns are several
    # times faster than case-insensitive ones), and only around the places where a word they
    # need occurs (known from the text's set of words); names are read in the text as written.
    _strong_words = set_of("""name call appelle heiße heisse llamo nombre chiamo nome naam
    heet chamo nazywam imię heter hedder heder adım moi""")
    _strong = re.compile(
        r"(?<![\w])(?:(?:my|his|her|their|your|our)\s+(?:full\s+|first\s+|last\s+|legal\s+|"
        r"real\s+|given\s+|sur)?name\s+(?:is|was)|call\s+me|je\s+m['’]appelle|mon\s+(?:nom|"
        r"prénom)\s+(?:est|c['’]est)|moi\s*,?\s+c['’]est|ich\s+hei(?:ß|ss)e|mein\s+(?:vor)?name"
        r"\s+ist|me\s+llamo|mi\s+nombre\s+(?:completo\s+)?es|mi\s+chiamo|il\s+mio\s+nome\s+"
        r"(?:è|e)|mijn\s+naam\s+is|ik\s+heet|meu\s+nome\s+(?:é|e)|me\s+chamo|chamo-me|"
        r"nazywam\s+się|mam\s+na\s+imię|jag\s+heter|jeg\s+hed(?:d)?er|jeg\s+heter|"
        r"benim\s+adım)\s*[:,]?\s+")
    _first_person = re.compile(r"(?<![\w'’])(?:i\s+am|i['’]m|je\s+suis|soy|sono|ik\s+ben|"
                               r"eu\s+sou)\s+$")
    _weak_words = set_of("suis soy sono ben sou aqui aquí c'est c’est hier sign")
    _weak_phrases = ("i am", "i'm", "i’m", "this is", "je suis", "soy", "sono", "ik ben", "sou",
                     "aqui é", "aquí", "c'est", "c’est", "hier ist", "sign it from",
                     "it's", "it’s", "its")
    _weak = re.compile(r"(?<![\w'’])(?:i\s+am|i['’]m|this\s+is|je\s+suis|soy|sono|ik\s+ben|"
                       r"eu\s+sou|sou|it['’]?s|aqui\s+é|aquí\s+(?:es|está)|c['’]est|"
                       r"hier\s+ist|sign\s+it\s+from)\s+")
    # A person named by their relation to the writer: "my landlord Christian Ellis", "our
    # neighbour Jo Lind", "mein Kollege Lukas Novák", "mon voisin Paul Martin".
    _relation_words = set_of("""friend colleague coworker co-worker boss manager landlord
    landlady neighbour neighbor husband wife spouse son daughter brother sister mother father
    mom mum dad partner boyfriend girlfriend fiancé fiancée doctor teacher client patient
    patienten patientin tenant lawyer roommate flatmate cousin uncle aunt nephew niece
    grandmother grandfather grandson granddaughter kollege kollegin chef chefin vermieter
    vermieterin nachbar nachbarin mann frau sohn tochter bruder schwester mutter vater freund
    freundin collègue voisin voisine
    mari femme fils fille frère sœur mère père ami amie compañero compañera jefe jefa vecino
    vecina marido esposa hijo hija hermano hermana madre padre amigo amiga collega vicino
    vicina marito moglie figlio figlia fratello sorella""")
    _relation = re.compile(
        r"(?i:(?<![\w])(?:my|our|his|her|their|mein|meine|meinen|meinem|meiner|unser|unsere|"
        r"mon|ma|notre|mi|nuestro|nuestra|il[ \t]+mio|la[ \t]+mia|mio|mia)[ \t]+"
        r"(?:(?:new|old|best|former|ex-?|neuer|neue|alter|alte)[ \t]+)?"
        r"(?P<relation>[^\W\d_]+(?:-[^\W\d_]+)?),?[ \t]+)")
    _title_words = set_of("""mr mrs ms mx miss dr prof sir dame lord lady rev herr frau mme
    mlle sr sra srta dña sig signor signora signorina dhr mevr señor señora monsieur madame
    mademoiselle senhor senhora hr fr dott avv ing""")
    _title = re.compile(
        r"(?<![\w.])(?:(?:Mr|Mrs|Ms|Mx|Miss|Dr|Prof|Sir|Dame|Lord|Lady|Rev|Herr|Frau|Mme|Mlle|"
        r"Sr|Sra|Srta|Dña|Signor|Signora|Signorina|Dhr|Mevr|Señor|Señora|Monsieur|Madame|"
        r"Mademoiselle|Senhor|Senhora)\.?|(?:Hr|Fr|M|Sig|Sig\.ra|Dott|Dott\.ssa|Avv|Ing)\.)"
        r"[ \t]+")
    # Form fields and keys, read backwards from their ":" or "=": the specific ones are
    # strong, a bare "name" (or "To:") weak and needs two words, a role ("Customer:") weak.
    _specific_fields = frozenset("""first name|last name|full name|given name|family name|
    middle name|legal name|maiden name|surname|forename|customer name|patient name|client name|
    contact name|account name|holder name|account holder|card holder|cardholder name|
    card holder name|passenger name|guest name|employee name|applicant name|tenant name|
    recipient name|sender name|billing name|shipping name|student name|member name|
    candidate name|driver name|owner name|buyer name|seller name|firstname|lastname|fullname|
    givenname|vorname|nachname|familienname|prénom|prenom|nom de famille|apellido|apellidos|
    nombre completo|nome completo|cognome|voornaam|achternaam|sobrenome|nazwisko|imię|
    név|ad soyad|adı soyadı|nome e cognome|cognome e nome|apellido y nombre|apellidos y nombre|
    nom et prénom|nom prénom|navn|namn|nimi|imię i nazwisko|jméno|jméno a příjmení|příjmení|
    holder|account holder name|titular|driver|lejer|udlejer|hyresgäst|hyresvärd|huurder|
    verhuurder|mieter|mieterin|vermieter|vermieterin|inquilino|arrendatario|arrendador|
    locataire|bailleur|inquilino|conduttore|locatore|outorgante|primeiro outorgante|
    segundo outorgante|beneficiary|policyholder|insured|emergency contact|next of kin"""
                                 .replace("\n", "").replace("    ", "").split("|"))
    _generic_fields = frozenset({"name", "nom", "nombre", "nome", "naam", "from", "to", "cc",
                                 "reply to", "attn", "attention"})
    # A role label ("Customer: …") stands before a name or before a word about the role.
    _role_fields = set_of("""customer patient client contact passenger guest employee
    applicant tenant recipient sender attendee cardholder student candidate beneficiary
    policyholder kunde kundin patientin cliente paciente paziente destinataire destinatario
    empfänger absender""")
    _separator = re.compile(r"[:=]")
    _after_separator = re.compile(r"[ \t]*[\"']?[ \t]*")
    # "Sr." before a job ("Sr. Engineer") is "Senior", not "Señor".
    _roles = set_of("""engineer engineering manager director developer software product data
    analyst designer consultant architect scientist accountant associate vice vp executive
    specialist staff principal program project research sales marketing account technical
    editor advisor counsel officer partner administrator""")
    _line_end = re.compile(r"[ \t]*[\"',;]?[ \t]*(?:\r?\n|\Z|[<(,}\]])")
    _greetings = ("dear", "hi", "hello", "hey", "hallo", "hej", "moin", "liebe", "sehr geehrte",
                  "bonjour", "bonsoir", "salut", "cher", "chère", "hola", "querid", "estimad",
                  "buenos días", "ciao", "car", "gentile", "egregio", "salve", "beste",
                  "geachte", "hoi", "olá", "oi", "prezad")
    _greeting = re.compile(
        r"[ \t>]*(?:dear|hi|hello|hey|hallo|hej|moin|liebe[rs]?|sehr\s+geehrte[r]?|bonjour|"
        r"bonsoir|salut|cher|chère|hola|querid[oa]|estimad[oa]|buenos\s+días|ciao|car[oa]|"
        r"gentile|egregio|salve|beste|geachte|hoi|olá|oi|prezad[oa])[ \t]+")
    _signoff_words = set_of("""regards best thanks thank cheers sincerely yours
    respectfully care grüßen gruessen grüssen grüße gruesse grusse gruß gruss mfg lg vg
    cordialement vous salutations amicalement saludos atentamente saludo abrazo saluti saluto
    groet groeten groetjes atenciosamente abraços cumprimentos signed signature sent — –
    """)
    _signoff = re.compile(
        r"(?m)(?:^|(?<=[.!?]\s))[ \t]*(?:best(?:\s+regards|\s+wishes)?|kind\s+regards|warm\s+"
        r"regards|regards|many\s+thanks|thanks(?:\s+again|\s+so\s+much)?|thank\s+you|cheers|"
        r"sincerely(?:\s+yours)?|yours(?:\s+sincerely|\s+truly|\s+faithfully)?|respectfully|"
        r"take\s+care|mit\s+freundlichen\s+gr(?:ü|ue)(?:ß|ss)en|freundliche\s+gr(?:ü|ue)(?:ß|ss)e|"
        r"(?:viele|beste|liebe|herzliche)\s+gr(?:ü|ue)(?:ß|ss)e|gru(?:ß|ss)|mfg|lg|vg|"
        r"cordialement|bien\s+cordialement|bien\s+à\s+vous|salutations|amicalement|saludos(?:\s+"
        r"cordiales)?|atentamente|un\s+(?:cordial\s+)?saludo|un\s+abrazo|cordiali\s+saluti|"
        r"distinti\s+saluti|saluti|un\s+saluto|met\s+vriendelijke\s+groet(?:en)?|vriendelijke\s+"
        r"groet(?:en)?|groeten|groetjes|atenciosamente|abraços|cumprimentos|signed|signature|"
        r"sent\s+by|[–—]|--)[ \t]*[,!.:]?[ \t]*(?:\n[ \t]*)?")
    _name = re.compile(_NAME)
    _particles = re.compile(rf"(?:{_PARTICLE}[ \t]+){{1,2}}(?={UP})")
    _version = re.compile(r"[ \t]+v?\d+\.\d")
    _lower_name = re.compile(rf"[{LOWERS}][{LOWERS}'’-]+(?:[ \t]+[{LOWERS}][{LOWERS}'’-]+){{0,2}}")
    # Where a weak cue's name must end: punctuation, the line's end, or a word that goes on
    # to say something else about the person.
    _weak_end = re.compile(r"(?i)\s*(?:$|[,.!?;:)\n]|\s(?:from|of|at|with|and|here|speaking|"
                           r"calling|de|du|von|aus|da|di|van|uit|e|y|et|und|en|og|och)\b)")
    # "Oak Dr. Springfield": "Dr" after a house number and a street's name is "Drive".
    _street_before = re.compile(r"\d+[A-Za-z]?[ \t]+(?:\S+[ \t]+){0,3}$")
    # The small English model often calls a name a place or an organisation ("Valentina",
    # "Dear Ingrid Bianchi"): only a nationality or language vetoes a weak cue's name, and
    # an organisation or product only when it is exactly that one word ("This is Google").
    _vetoed = frozenset({"NORP", "LANGUAGE", "WORK_OF_ART", "EVENT", "LAW"})
    _vetoed_word = frozenset({"ORG", "PRODUCT"})

    def __init__(self, entities: NamedEntities | None = None) -> None:
        self.entities = entities

    def find(self, text: str) -> Iterator[Span]:
        found = list(self._entities(text)) if self.entities is not None else []
        found += listed_names(text, NOT_NAMES)
        if self._title_case.search(text) is None:  # written all in lower case, as in a chat
            found += self._lower_listed_names(text)
        ents = self.entities(text) if self.entities is not None else ()
        for start, end, weak in self._cued(text, *facts(text)):
            if weak and any(self._vetoes(e, start, end, text) for e in ents):
                continue
            found.append((start, end))
        for start, end in found:
            if _MASKED.search(text, start, end):
                continue  # "Gentile XXXXX": a value masked already
            if not (self._public(text, start, end) or sample_name(text[start:end], text)
                    ) or self._claimed(text, start):
                yield start, end

    _words_before = re.compile(r"(?:\S+[ \t]+){1,3}$")
    _words_after = re.compile(r"(?:[ \t]+\S+){1,3}")

    def _public(self, text: str, start: int, end: int) -> bool:
        """Whether the name, or a public name it is part of, is public: "Holmes" in "Sherlock
        Holmes", "Watson" in "Dr. Watson", "Leonardo" in "Leonardo da Vinci"."""
        before = self._words_before.search(text, max(0, start - 48), start)
        after = self._words_after.match(text, end)
        lead = before.group().split() if before else []
        tail = after.group().split() if after else []
        name = text[start:end].split()
        return any(public(" ".join(lead[i:] + name + tail[:j]))
                   for i in range(len(lead) + 1) for j in range(len(tail) + 1))

    @staticmethod
    def _listed_word(words: list[str]) -> bool:
        """Whether one of the words is a given name or a surname the lists hold."""
        given, surnames = load_name_lists()
        return any((low := POSSESSIVE.sub("", w).lower()) in given or low in surnames
                   for w in words)

    def _claimed(self, text: str, start: int) -> bool:
        """Whether the writer gives the name at ``start`` as their own ("my name is …", "I'm
        …") or as someone's they know ("my colleague …"): a public or placeholder name given
        so is theirs."""
        before = text[max(0, start - 48):start]
        low = before.lower()
        return (any(m.end() == len(low) for m in self._strong.finditer(low))
                or self._first_person.search(low) is not None
                or any(m.end() == len(before) and m.group("relation").lower()
                       in self._relation_words for m in self._relation.finditer(before)))

    def _vetoes(self, e: Entity, start: int, end: int, text: str) -> bool:
        if not (e.start < end and start < e.end):
            return False
        return e.label in self._vetoed or (e.label in self._vetoed_word and len(
            text[start:end].split()) == 1 and (e.start, e.end) == (start, end))

    def _cued(self, text: str, low: str, words: frozenset[str]
              ) -> Iterator[tuple[int, int, bool]]:
        # Each pattern is tried only where a word it needs occurs (a short window around it
        # for the cues that start before that word).
        seen: set[int] = set()
        weak_cue = (("i" in words and ("am" in words or "m" in words))
                    or ("this" in words and "is" in words) or "its" in words or (
                        "it" in words and "s" in words) or not words.isdisjoint(
                        self._weak_words))
        for cue, anchors, weak in ((self._strong, words & self._strong_words, False),
                                   (self._weak, self._weak_phrases if weak_cue else (), True)):
            for word in anchors:
                for at in occurrences(low, word):
                    for m in cue.finditer(low, max(0, at - 24), at + len(word) + 20):
                        if m.end() in seen:
                            continue
                        seen.add(m.end())
                        span = self._name_at(text, m.end(), min_words=1)
                        if span is None:
                            span = (self._listed_lower_name_at(text, m.end()) if weak
                                    else self._lower_name_at(text, m.end()))
                        if span and (not weak or self._weak_end.match(text, span[1])):
                            yield (*span, weak)
        for word in words & self._title_words | ({"m"} if "M." in text else set()):
            for at in occurrences(text, word[0].upper() + word[1:]):
                yield from self._titled(text, at)
        if not words.isdisjoint(self._relation_words):
            for m in self._relation.finditer(text):
                if m.group("relation").lower() in self._relation_words:
                    span = self._name_at(text, m.end(), min_words=2)
                    if span:
                        yield (*span, False)
        yield from self._fields(text, low)
        yield from self._greeted(text, low)
        signoffs: dict[int, re.Match[str]] = {}
        for word in words & self._signoff_words | ({"--"} if "--" in text else set()):
            for at in occurrences(low, word):
                for m in self._signoff.finditer(low, max(0, at - 32), at + len(word) + 8):
                    signoffs.setdefault(m.end(), m)
        for end, m in signoffs.items():
            span = self._name_at(text, end, min_words=1, line_end=True)
            if span is None:
                continue
            if not re.fullmatch(r"\s*(?:[–—]|--)\s*", m.group()):
                yield (*span, False)
            elif text[max(0, m.start() - 1):m.start()] in ("", "\n"):
                yield (*span, True)  # "— Jane": a dash signs a line only at its start

    def _titled(self, text: str, at: int) -> Iterator[tuple[int, int, bool]]:
        m = self._title.match(text, at)
        if m is None:
            return
        before = text[max(0, m.start() - 40):m.start()]
        if m.group().startswith("Dr") and self._street_before.search(before):
            return
        # A surname may open with its particles after a title ("Mr. van der Berg").
        particles = self._particles.match(text, m.end())
        span = self._name_at(text, particles.end() if particles else m.end(), min_words=1)
        if span and particles:
            span = (m.end(), span[1])
        if span and len(text[span[0]:span[1]].split()) == 1:
            span = (m.start(), span[1])  # "Dr. Kolm", "Frau Berg": the title and the surname
        if span and m.group().startswith("Sr") and text[span[0]:span[1]].split()[0].lower(
                ) in self._roles:
            return
        if span:
            yield (*span, True)

    def _fields(self, text: str, low: str) -> Iterator[tuple[int, int, bool]]:
        for m in self._separator.finditer(text):
            at = m.start()
            line = max(text.rfind("\n", 0, at) + 1, at - 40)
            raw = re.split(r"[\"'`{}\[\],;|(]", text[line:at].rstrip(" \t\"'`*"))[-1]
            words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", raw).lower().replace("_", " ").replace(
                "-", " ").split()[-3:]
            label = next((" ".join(words[-k:]) for k in (3, 2, 1) if len(words) >= k and (
                " ".join(words[-k:]) in self._specific_fields
                or " ".join(words[-k:]) in self._generic_fields
                or " ".join(words[-k:]) in self._role_fields)), None)
            if label is None:
                continue
            generic = label in self._generic_fields
            value = self._after_separator.match(text, m.end())
            span = self._name_at(text, value.end() if value else m.end(),
                                 min_words=2 if generic else 1, line_end=True)
            if span:
                yield (*span, generic or label in self._role_fields)

    def _greeted(self, text: str, low: str) -> Iterator[tuple[int, int, bool]]:
        offset = 0
        for line in low.split("\n"):
            start = offset
            offset += len(line) + 1
            if not line.lstrip(" \t>").startswith(self._greetings):
                continue
            m = self._greeting.match(low, start)
            if m is None:
                continue
            title = self._title.match(text, m.end())
            span = self._name_at(text, title.end() if title else m.end(), min_words=1)
            if span and re.match(r"[ \t]*(?:[,!:\n]|$)", text[span[1]:span[1] + 3]):
                yield (*span, True)

    def _name_at(self, text: str, at: int, *, min_words: int,
                 line_end: bool = False) -> Span | None:
        m = self._name.match(text, at)
        if m is None:
            return None
        start, end = _trim(text, m.start(), m.end())
        if line_end and not self._line_end.match(text, end):
            return None
        return (start, end) if plausible_name(text[start:end], min_words=min_words) else None

    @staticmethod
    def _verb_then_name(text: str, e: Entity) -> bool:
        """"Call Sarah Connor", "Ask Priya Raman": the recognizer reads a prompt's opening
        verb and the name after it as one organisation; the verb is dropped below."""
        words = text[e.start:e.end].split()
        return (2 <= len(words) <= 4 and words[0].lower() in PERSON_VERBS
                and opens_sentence(text, e.start) and all(w[:1].isupper() for w in words))

    _title_case = re.compile(rf"{UP}[{LOWERS}]")
    _lower_pair = re.compile(rf"(?<![\w@#/.-])([{LOWERS}]+)[ \t]+([{LOWERS}]+(?:-[{LOWERS}]+)?)"
                             rf"(?![\w@-])")

    def _lower_listed_names(self, text: str) -> Iterator[Span]:
        """In a text typed all in lower case ("lol jake miller just texted me"), a listed given
        name (not one that is more often an English word: "will", "mark", "rose") and a listed
        surname, neither a function word."""
        at = 0
        while (m := self._lower_pair.search(text, at)) is not None:
            span = self._lower_run(text, m.start())
            if span is not None:
                yield span
                at = span[1]
            else:
                at = m.start(2)

    def _listed_lower_name_at(self, text: str, at: int) -> Span | None:
        """After a weak cue, a name typed in lower case only as a listed given name and a
        listed surname ("hey its amber hayes from the shop", "soy ignacio molina martinez"),
        none of them a function word."""
        span = self._lower_run(text, at, cued=True)
        if span is None:
            return None
        last = text[span[0]:span[1]].split()[-1]
        return None if _everyday_word(last) else span

    _lower_word = re.compile(rf"[{LOWERS}]+(?:-[{LOWERS}]+)?(?![\w@])")

    def _lower_run(self, text: str, at: int, *, cued: bool = False) -> Span | None:
        """A listed given name in lower case at ``at``, then up to three more given names,
        surnames or particles ("thiago benjamin garcia blanco", "arie van arkel"), ending on
        a surname; none of them a function word or a word never taken for a name, nor (but
        after a cue) a given name more often an English word ("will", "amber")."""
        given, surnames = load_name_lists()
        first = self._lower_word.match(text, at)
        if first is None or not (self._lower_name_word(first.group(), given, frozenset())
                                 or (cued and first.group() in WORDS_FIRST
                                     and first.group() in given)):
            return None
        end, surname_end, pos = first.end(), None, first.end()
        for _ in range(3):
            gap = re.match(r"[ \t]+", text[pos:pos + 4])
            word = self._lower_word.match(text, pos + gap.end()) if gap else None
            if word is None:
                break
            w = word.group()
            if re.fullmatch(_PARTICLE, w):
                pos = word.end()
                continue
            if not self._lower_name_word(w, given, surnames):
                break
            pos = end = word.end()
            if w in surnames:
                surname_end = end
        return (at, surname_end) if surname_end is not None else None

    @staticmethod
    def _lower_name_word(word: str, given: frozenset[str], surnames: frozenset[str]) -> bool:
        return ((word in given or word in surnames) and word not in WORDS_FIRST
                and word not in _FUNCTION_WORDS and word not in NOT_NAMES
                and not function_word(word))

    def _lower_name_at(self, text: str, at: int) -> Span | None:
        """A name typed in lower case after an introduction ("my name is tomás garcía"): up
        to three words, none of them a function word, ending the clause."""
        m = self._lower_name.match(text, at)
        if m is None:
            return None
        end = None
        for word in re.finditer(r"\S+", m.group()):
            if word.group() in _FUNCTION_WORDS or word.group() in NOT_NAMES:
                break
            end = at + word.end()
        return (at, end) if end is not None and self._weak_end.match(text, end) else None

    def _entities(self, text: str) -> Iterator[Span]:
        assert self.entities is not None
        english = None
        for e in self.entities(text):
            if e.label != "PERSON" and not (e.label in ("ORG", "GPE") and self._verb_then_name(
                    text, e)):
                continue
            start, end = strip_entity(text, e)
            words = _name_words(text[start:end])
            if not words or not plausible_name(text[start:end]):
                continue
            if any(not (w[0].isupper() or re.fullmatch(_PARTICLE, w)) for w in words) or (
                    re.fullmatch(_PARTICLE, words[-1])):
                continue  # "jane", "the Smiths' house", "Résume la"… and code
            if re.search(r"[\d@_/\\=<>{}\[\]#|:;]|\w\.\w{2}", text[start:end]):
                continue  # code, paths, file and host names ("Makefile.in")
            if opens_sentence(text, start) and words[0].lower() in IMPERATIVES:
                start += len(words[0])  # "Download Python": a prompt's verb, then a name?
                start += len(text[start:end]) - len(text[start:end].lstrip())
                words = words[1:]
                if not words or not plausible_name(text[start:end]):
                    continue
            if function_word(words[0]):
                continue  # "Ihre Nachricht", "My Führerscheinnummer", "Il Dott"
            if len(words) == 1 and text[end:end + 1] == ":":
                continue  # a form's label ("Expiry:", "Lieferadresse:")
            if len(words) == 1 and (self._version.match(text, end) or re.search(
                    rf"(?<![\w]){re.escape(words[0].lower())}(?![\w])", text)):
                continue  # "Python 3.12", "Docker … docker run": a product, or a word
            if any(w.lower().rstrip(".") in _PLACE_WORDS for w in words) or (
                    self._place_word_after.match(text, end)):
                continue  # "Avenida Paulista", "Ciudad de México", "Karl Johans gate"
            if self._glued.match(text, end) or self._glued_before.search(text, 0, start):
                continue  # "BA758", "2024-CV-94355": part of a code, not a name
            if len(words) == 1 and (_ACRONYM.fullmatch(words[0])
                                    or _DOCUMENT_NOUN.fullmatch(words[0])):
                continue  # "JSON", "XXXXX", "Rechnungsnummer"
            if english is None:
                english = reads_as_english(text)
            if len(words) > 1 and not english and not self._listed_word(words):
                continue  # the English model on other languages: "Antalya'dan Berlin'e"
            if len(words) == 1:
                # The English model's single-word guesses in other languages are mostly
                # capitalised nouns and sentence openers ("Necesito", "Grüßen").
                if not english:
                    continue
                if opens_sentence(text, start) and _everyday_word(words[0]):
                    continue  # "Library says…": a sentence's first word, not a name
                if _known_word_not_name(words[0]):
                    continue  # "Porto", "Louvre", "Pixel": places and products, unlisted
            yield start, end
