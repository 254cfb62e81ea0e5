"""Passport, national ID, tax ID and driver's licence numbers, found on the device without a
model: the value after its cue, in one of several languages, or in a format distinctive
enough to stand alone once python-stdnum's checksum agrees.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator

from .birth_dates import DATE
from .words import Span, facts, occurrences, set_of


def _stdnum(module: str) -> Callable[[str], bool]:
    @functools.cache
    def loaded() -> Callable[[str], bool]:
        import importlib

        valid: Callable[[str], bool] = importlib.import_module(f"stdnum.{module}").is_valid
        return valid

    return lambda value: loaded()(value)


def _nino(value: str) -> bool:
    """A UK National Insurance number: HMRC's rules on the prefix (no D, F, I, Q, U, V; no
    O second; not BG, GB, KN, NK, NT, TN, ZZ) and suffix A-D."""
    v = re.sub(r"\s", "", value).upper()
    return bool(re.fullmatch(r"[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]", v)) and v[
        :2] not in ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ")


def _dvla(value: str) -> bool:
    """A UK driving licence number: five letters of the surname (9s pad a short one), the
    birth date's digits (decade, month, plus 5 for a woman, day, year), two initials, a
    digit and two check letters ("MORGA753116SM9IJ")."""
    v = re.sub(r"\s", "", value).upper()
    if not re.fullmatch(r"[A-Z][A-Z9]{4}\d{6}[A-Z9]{2}\d[A-Z]{2}", v):
        return False
    month, day = int(v[6:8]), int(v[8:10])
    return (1 <= month <= 12 or 51 <= month <= 62) and 1 <= day <= 31


def _de_id_card(value: str) -> bool:
    """A German identity card's number: nine letters (no vowels but none of B, D, Q, S) and
    digits, then an ICAO 9303 check digit (weights 7, 3, 1)."""
    v = value.upper()
    if not re.fullmatch(r"[CFGHJKLMNPRTVWXYZ0-9]{9}\d", v) or sum(c.isdigit() for c in v) < 2:
        return False
    weights = (7, 3, 1)
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * weights[i % 3]
                for i, c in enumerate(v[:9]))
    return total % 10 == int(v[9])


_VALIDATORS: dict[str, Callable[[str], bool]] = {
    "gb.dvla": _dvla, "de.id": _de_id_card, "cz.rc": _stdnum("cz.rc"),
    "es.dni": _stdnum("es.dni"), "es.nie": _stdnum("es.nie"), "fr.nir": _stdnum("fr.nir"),
    "in.aadhaar": _stdnum("in_.aadhaar"), "in.pan": _stdnum("in_.pan"),
    "it.cf": _stdnum("it.codicefiscale"), "nl.bsn": _stdnum("nl.bsn"),
    "de.idnr": _stdnum("de.idnr"), "br.cpf": _stdnum("br.cpf"), "gb.nhs": _stdnum("gb.nhs"),
    "gb.nino": _nino, "ca.sin": _stdnum("ca.sin"), "pl.pesel": _stdnum("pl.pesel"),
    "se.pnr": _stdnum("se.personnummer"), "mx.curp": _stdnum("mx.curp"),
    "cl.rut": _stdnum("cl.rut"), "dk.cpr": _stdnum("dk.cpr"), "fi.hetu": _stdnum("fi.hetu"),
    "kr.rrn": _stdnum("kr.rrn"), "cn.ric": _stdnum("cn.ric"), "ch.ahv": _stdnum("ch.ssn"),
    "be.nn": _stdnum("be.nn"), "pt.cc": _stdnum("pt.cc"), "no.fnr": _stdnum("no.fodselsnummer"),
    "us.itin": _stdnum("us.itin"), "za.id": _stdnum("za.idnr"), "ie.pps": _stdnum("ie.pps"),
    "au.tfn": _stdnum("au.tfn"), "ro.cnp": _stdnum("ro.cnp"), "tr.tc": _stdnum("tr.tckimlik"),
    "il.id": _stdnum("il.idnr"), "pk.cnic": _stdnum("pk.cnic"), "my.nric": _stdnum("my.nric"),
    "jp.mynumber": _stdnum("jp.in_"), "id.nik": _stdnum("id.nik"), "ar.dni": _stdnum("ar.dni"),
    "pl.nip": _stdnum("pl.nip"), "mx.rfc": _stdnum("mx.rfc"), "ru.inn": _stdnum("ru.inn"),
    "gr.amka": _stdnum("gr.amka"), "fr.nif": _stdnum("fr.nif"),
}

# Formats distinctive enough to count without a cue, once their checksum passes.
_STANDALONE = re.compile(
    r"(?<![\w.-])(?:"
    r"(?P<es_dni>\d{8}-?[A-HJ-NP-TV-Z])"
    r"|(?P<es_nie>[XYZ]-?\d{7}-?[A-HJ-NP-TV-Z])"
    r"|(?P<it_cf>[A-Z]{6}[\dLMNP-V]{2}[A-EHLMPR-T][\dLMNP-V]{2}[A-Z][\dLMNP-V]{3}[A-Z])"
    r"|(?P<fr_nir>[12][ ]?\d{2}[ ]?(?:0[1-9]|1[0-2]|[2-9]\d)[ ]?(?:\d{2}|2[AB])[ ]?\d{3}[ ]?"
    r"\d{3}[ ]?\d{2})"
    r"|(?P<gb_nino>[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][ ]?\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?[A-D])"
    r"|(?P<in_pan>[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z])"
    r"|(?P<br_cpf>\d{3}\.\d{3}\.\d{3}-\d{2})"
    r"|(?P<mx_curp>[A-Z][AEIOUX][A-Z]{2}\d{6}[HM][A-Z]{5}[\dA-Z]\d)"
    r"|(?P<cl_rut>\d{1,2}\.\d{3}\.\d{3}-[\dkK])"
    r"|(?P<ch_ahv>756\.\d{4}\.\d{4}\.\d{2})"
    r"|(?P<us_itin>9\d{2}-\d{2}-\d{4})"
    r"|(?P<fi_hetu>\d{6}[-+A-FU-Y]\d{3}[\dA-Y])"
    r"|(?P<pk_cnic>\d{5}-\d{7}-\d)"
    r"|(?P<my_nric>\d{6}-\d{2}-\d{4})"
    r"|(?P<kr_rrn>\d{6}-\d{7})"
    r"|(?P<se_pnr>\d{6}[-+]\d{4})"
    r"|(?P<be_nn>\d{2}\.\d{2}\.\d{2}-\d{3}\.\d{2})"
    r"|(?P<cn_ric>\d{17}[\dX])"
    r"|(?P<gb_dvla>[A-Z][A-Z9]{4}\d{6}[A-Z9]{2}\d[A-Z]{2})"
    r")(?![\w-]|\.\w)")
_STANDALONE_SCHEMES = {"es_dni": "es.dni", "es_nie": "es.nie", "it_cf": "it.cf",
                       "fr_nir": "fr.nir", "gb_nino": "gb.nino", "in_pan": "in.pan",
                       "br_cpf": "br.cpf", "mx_curp": "mx.curp", "cl_rut": "cl.rut",
                       "ch_ahv": "ch.ahv", "us_itin": "us.itin", "fi_hetu": "fi.hetu",
                       "pk_cnic": "pk.cnic", "my_nric": "my.nric", "kr_rrn": "kr.rrn",
                       "se_pnr": "se.pnr", "be_nn": "be.nn", "cn_ric": "cn.ric",
                       "gb_dvla": "gb.dvla"}

# Cues, each with the schemes it names (their checksums are tried first) and the value's
# length range; the generic ones ("ID number", "national ID") try every scheme. Words are
# matched in the lower-cased text; acronyms as written, in capitals, since several are also
# words ("PAN", "SIN", "RUN", "NIE").
_CUES: list[tuple[str, str, tuple[str, ...], tuple[int, int]]] = [
    (r"passports?|reisepass|pass(?=[ \t-]*(?:nr|nummer|no)\b)|passeport|pasaporte|passaporto|"
     r"paspoort|passaporte|paszport|pasaport|pass(?:nummer|-nr\.?)|documentnummer|"
     r"dokumentnummer", "", (), (6, 10)),
    (r"driver['’]?s?[ \t]+licen[cs]e|driving[ \t]+licen[cs]e|licen[cs]e[ \t]+(?:number|no\.?|#)|"
     r"führerschein(?:nummer)?|permis[ \t]+de[ \t]+conduire|licencia[ \t]+de[ \t]+conduc(?:ir|"
     r"ción)|carn[eé]t?[ \t]+de[ \t]+conducir|patente[ \t]+di[ \t]+guida|rijbewijs(?:nummer)?|"
     r"carteira[ \t]+de[ \t]+habilitação|(?:state[ \t]+)?licen[cs]e(?=[ \t]*[:#]?[ \t]*"
     r"[a-z0-9]{0,9}\d)", r"DL|CNH", (), (5, 20)),
    (r"dni|d\.n\.i\.?|documento[ \t]+nacional[ \t]+de[ \t]+identidad", r"N\.?I\.?F",
     ("es.dni", "ar.dni"), (7, 10)),
    ("", r"N\.?I\.?E", ("es.nie",), (9, 11)),
    (r"num[ée]ro[ \t]+de[ \t]+s[ée]curit[ée][ \t]+sociale|s[ée]curit[ée][ \t]+sociale",
     r"NIR|INSEE", ("fr.nir",), (13, 21)),
    (r"aadhaa?r", r"UIDAI", ("in.aadhaar",), (12, 14)),
    (r"permanent[ \t]+account[ \t]+number", r"PAN(?:[ \t]+[Cc]ard)?", ("in.pan",), (10, 10)),
    (r"codice[ \t]+fiscale", r"C\.F\.", ("it.cf",), (16, 16)),
    (r"bsn|burgerservicenummer|sofinummer", "", ("nl.bsn",), (8, 9)),
    (r"steuer-?id|steueridentifikationsnummer|(?:steuerliche[ \t]+)?identifikationsnummer",
     r"IdNr", ("de.idnr",), (11, 14)),
    (r"cpf", "", ("br.cpf",), (11, 14)),
    ("", r"NHS", ("gb.nhs",), (10, 12)),
    (r"national[ \t]+insurance|nino", r"NI(?=[ \t]+(?:[Nn]umber|[Nn]o))", ("gb.nino",), (9, 13)),
    (r"social[ \t]+insurance|num[ée]ro[ \t]+d['’]assurance[ \t]+sociale", r"SIN|NAS",
     ("ca.sin",), (9, 11)),
    (r"pesel", "", ("pl.pesel",), (11, 11)),
    (r"personnummer|personnr", "", ("se.pnr", "no.fnr"), (10, 13)),
    (r"curp", "", ("mx.curp",), (18, 18)),
    ("", r"RUT|RUN", ("cl.rut",), (8, 12)),
    (r"cpr(?:-?nummer)?", r"CPR", ("dk.cpr",), (10, 11)),
    (r"rodné[ \t]+číslo|r\.[ \t]?č\.", "", ("cz.rc",), (9, 11)),
    (r"hetu|henkilötunnus", "", ("fi.hetu",), (11, 11)),
    (r"resident[ \t]+registration", r"RRN", ("kr.rrn",), (13, 14)),
    ("", r"AHV|AVS", ("ch.ahv",), (13, 16)),
    (r"rijksregisternummer|num[ée]ro[ \t]+national|national[ \t]+register|"
     r"registre[ \t]+national", "", ("be.nn",), (11, 15)),
    (r"cart[aã]o[ \t]+de[ \t]+cidad[aã]o", "", ("pt.cc",), (12, 14)),
    (r"fødselsnummer|fodselsnummer", "", ("no.fnr",), (11, 12)),
    ("", r"ITIN", ("us.itin",), (9, 11)),
    (r"personal[ \t]+public[ \t]+service", r"PPSN?", ("ie.pps",), (8, 9)),
    (r"tax[ \t]+file", r"TFN", ("au.tfn",), (8, 11)),
    ("", r"CNP", ("ro.cnp",), (13, 13)),
    (r"(?:t\.?c\.?[ \t]+)?kimlik", r"TCKN", ("tr.tc",), (11, 11)),
    (r"teudat[ \t]+zehut", "", ("il.id",), (8, 9)),
    ("", r"CNIC", ("pk.cnic",), (13, 15)),
    (r"mykad", r"NRIC", ("my.nric",), (12, 14)),
    (r"my[ \t]+number|マイナンバー|individual[ \t]+number", "", ("jp.mynumber",), (12, 14)),
    ("", r"NIK", ("id.nik",), (16, 16)),
    ("", r"NIP", ("pl.nip",), (10, 13)),
    ("", r"RFC", ("mx.rfc",), (12, 13)),
    (r"инн", "", ("ru.inn",), (10, 12)),
    (r"amka|αμκα", r"AMKA|ΑΜΚΑ", ("gr.amka",), (11, 11)),
    (r"num[ée]ro[ \t]+fiscal|num[ée]ro[ \t]+d['’]identification[ \t]+fiscale", "",
     ("fr.nif",), (13, 13)),
    (r"(?:renten|sozial)?versicherungsnummer|rvnr", r"SVNR|RVNR|SV-?Nr", (), (10, 16)),
    (r"medicare(?:[ \t]+(?:card|number|beneficiary[ \t]+identifier))?", r"MBI", (), (10, 12)),
    # Health and medical records: a patient's record number, an insurance member's number.
    (r"medical[ \t_]+record(?:[ \t_]+(?:number|no\.?|#))?|patient[ \t_]+(?:id|number|no\.?)|"
     r"health[ \t_]+(?:insurance|card|plan)[ \t_]+(?:id|number|no\.?|#)|insurance[ \t_]+(?:id|"
     r"no|number|member[ \t_]+id)|krankenversicherungsnummer|versichertennummer|carte[ \t]+"
     r"vitale|tarjeta[ \t]+sanitaria|tessera[ \t]+sanitaria", r"MRN|KVNR", (), (5, 16)),
    # Tax numbers where no scheme is named ("tax ID", "TIN", a sole trader's "EIN").
    (r"tax[ \t]+(?:id(?:entification)?|identification[ \t]+number)|taxpayer[ \t]+(?:id|"
     r"number)", r"TIN|EIN", (), (8, 15)),
    (r"dvla(?:[ \t]+(?:driving[ \t]+)?licen[cs]e)?", "", (), (16, 18)),
    (r"(?:national|citizen)[ \t_-]?id(?:entity|entification)?(?:[ \t]+card)?|id[ \t]+card|"
     r"identity[ \t]+(?:card|number|document)|id(?:entification)?[ \t_]*(?:number|no\.?|#|nr)|"
     r"personalausweis(?:nummer)?|ausweis(?:nummer|-?nr\.?)?|carte[ \t]+d['’]identit[ée]|"
     r"num[ée]ro[ \t]+d['’]identit[ée]|documento[ \t]+de[ \t]+identidad|c[ée]dula(?:[ \t]+de"
     r"[ \t]+(?:identidad|ciudadan[ií]a))?|carta[ \t]+d['’]identit[àa]|identiteitskaart|"
     r"identiteitsbewijs|bilhete[ \t]+de[ \t]+identidade|dow[óo]d\w*[ \t]+osobist\w*|"
     r"perso(?:nummer)?",
     r"CNI|RG|NIN|ID(?=[ \t]*(?:[Nn]umber|[Nn]o\b|#|[Cc]ard))", ("*",), (6, 20)),
]
# Words one of the cue words holds (text split at punctuation, "_" and "-"): without any,
# the words' pattern is not tried.
_CUE_GATE = set_of("""passport passports reisepass reisepassnummer pass passnummer passeport
pasaporte
passaporto paspoort paspoortnummer passaporte paszport pasaport driver drivers driving licence
license führerschein führerscheinnummer permis licencia carnet carné patente rijbewijs
rijbewijsnummer carteira dni documento sécurité securite aadhaar aadhar permanent codice bsn
burgerservicenummer sofinummer steuer steuerid steueridentifikationsnummer
identifikationsnummer cpf national nino insurance assurance pesel personnummer personnr curp
cprnummer hetu henkilötunnus resident rijksregisternummer numéro numero cartão cartao
fødselsnummer fodselsnummer personal tax kimlik teudat mykad マイナンバー individual citizen
identity identification identidad identidade personalausweis personalausweisnummer ausweis
ausweisnummer carte identité cédula cedula carta identità identiteitskaart identiteitsbewijs
bilhete dowód dowodu id idnumber tc инн amka αμκα fiscal registre versicherungsnummer
rentenversicherungsnummer sozialversicherungsnummer rvnr medicare dvla social state medical
patient health krankenversicherungsnummer versichertennummer vitale tarjeta tessera
taxpayer cpr rodné kimlik perso documentnummer dokumentnummer r dowodem dowodzie osobistym
osobisty osobistego""")
# The acronyms in lower case: where one is a word of the text, the acronyms are looked for.
_ACRONYM_GATE = set_of("""dl cnh nif nie nir insee uidai pan c idnr nhs ni sin rut run cpr rrn
ahv avs itin pps ppsn tfn cnp tckn cnic nric nik cni rg nin id nas nip rfc amka svnr rvnr mbi
mrn tin ein kvnr sv""")
_BETWEEN = (r"(?:[ \t_-]?(?:numbers?|nummer|num[ée]ro|numero|num|nr|no|id)\b\.?)?(?![^\W\d_])"
            # what stands between a cue and its value: "is", "no.", "n°", ":", quotes, "#"…
            r"(?:[ \t:#=()\[\]\"'’_.\-–]|\b(?:n[°ºo]|n\.[ \t]?º|n(?![\w])|nr|no|"
            r"num(?:ber|[ée]ro|ero)?|is|was|ist|"
            r"est|es|è|é|är|er|jest|este|je|lautet|de|del|di|du|to|as|are|sind|sont|son|"
            r"mon|ma|mi|mein|meine|μου|είναι|"
            r"mój|moje)(?![^\W\d_])){0,8}(?=[A-Za-z0-9])")
_CUE_WORDS = re.compile(
    r"(?<![\w])(?:" + "|".join(f"(?P<c{i}>{w})" for i, (w, _, _, _) in enumerate(_CUES) if w)
    + ")" + _BETWEEN)
_CUE_ACRONYMS = re.compile(
    r"(?<![\w])(?=[A-Z])(?:" + "|".join(f"(?P<c{i}>{a})" for i, (_, a, _, _) in enumerate(_CUES)
                                        if a) + ")" + "(?i:" + _BETWEEN + ")")


def _cue_index(cue: re.Match[str]) -> int:
    """Which of ``_CUES`` a cue match is (its group ``c<index>``)."""
    return int((cue.lastgroup or "c0")[1:])


def cue_before(text: str, at: int) -> bool:
    """Whether an ID number's cue ("NAS", "passport no.", "Steuer-ID:") ends right at
    ``at``: what follows is that ID, whatever else its digits could be."""
    low = max(0, at - 60)
    return any(m.end() == at for pattern in (_CUE_WORDS, _CUE_ACRONYMS)
               for m in pattern.finditer(text, low, at + 1))


# A value: tokens holding a digit (up to six letters before it: "MORGA657054SM9IJ"), or of
# one to three capitals (NINO's "AB … C"), joined by single separators.
_VALUE = re.compile(r"(?:[A-Za-z]{0,9}\d[A-Za-z0-9]*|[A-Z]{1,3}(?![a-z]))(?:[ .\-/](?:"
                    r"[A-Za-z]{0,6}\d[A-Za-z0-9]*|[A-Z]{1,3}(?![a-z])))*")


# A value named after it: "533380006 is my passport number", "X1234567 was her ID card's".
_NAMED_AFTER = re.compile(
    r"(?<![\w./-])(?P<value>[A-Z]{0,3}\d[\dA-Z]*(?:[ .\-/]\d[\dA-Z]*){0,4})[ \t]+"
    r"(?i:(?:is|was|as)[ \t]+(?:my|his|her|their|our|your|the)[ \t]+(?:(?:new|old|current)[ \t]+)?"
    r"(?:[A-Z][a-z]+[ \t]+)?"  # "as their Brazilian CPF"
    r"(?:passport|national[ \t]+id(?:entity)?(?:[ \t]+card)?|id[ \t]+card|identity[ \t]+card|"
    r"driver['’]?s?[ \t]+licen[cs]e|driving[ \t]+licen[cs]e|tax[ \t]+(?:id|number|code)|"
    r"social[ \t]+insurance|national[ \t]+insurance|nhs|personal[ \t]+(?:id|number)|dni|nie|"
    r"bsn|aadhaar|cpf|cnp|codice[ \t]+fiscale|personnummer|pesel))(?![\w])")


class IdNumberDetector:
    """Passport, national ID, tax ID and driver's licence numbers.

    After a cue in one of several languages ("passport no.", "Reisepass", "passeport",
    "DNI", "codice fiscale", "BSN", "Aadhaar", "NHS number", "national ID", "ID card",
    "Personalausweis", "carte d'identité", "driver's license"…): the value that follows,
    the longest part of it that passes the schemes' python-stdnum checksum, or else all of
    it when its length fits. Without a cue: the formats distinctive enough alone (Spanish DNI
    and NIE, Italian codice fiscale, French NIR, UK National Insurance, Indian PAN, Brazilian
    CPF, Mexican CURP, Chilean RUT, Swiss AHV, US ITIN, and others) whose checksum passes. A
    US SSN is ``ssn``'s.
    """

    kind = "id_number"
    hint = r"\d"
    _owned = re.compile(r"(?i)\b(?:order|ticket|invoice|transaction|customer|client|user|account|"
                        r"employee|member|product|session|request|tracking|shipment|device|"
                        r"job|case|booking|reservation|item|vendor|supplier)[ \t_-]*$")

    # Runs of capitals, digits and separators long enough to hold a standalone ID: the
    # formats are tried only inside them.
    _token = re.compile(r"[0-9A-Z](?<![\w.-][0-9A-Z])[0-9A-Z .+-]{6,22}[0-9A-Z]")

    def find(self, text: str) -> Iterator[Span]:
        for token in self._token.finditer(text):
            for m in _STANDALONE.finditer(text, token.start(), token.end()):
                name = m.lastgroup
                if name and _VALIDATORS[_STANDALONE_SCHEMES[name]](m.group()):
                    yield m.span()
        low, words = facts(text)
        acronyms = words & _ACRONYM_GATE
        cues = (list(_CUE_ACRONYMS.finditer(text))
                if any(a.upper() in text or a == "idnr" for a in acronyms) else [])
        for word in words & _CUE_GATE:  # tried where its words occur (most cues begin there)
            for at in occurrences(low, word):
                cue = _CUE_WORDS.match(low, at)
                if cue is not None:
                    cues.append(cue)
        for cue in cues:
            span = self._after_cue(text, cue)
            while span:  # and the values listed after it: "passports C62420492 and 899347915"
                yield span
                joined = self._joined.match(text, span[1])
                span = self._value_at(text, joined.end(), cue) if joined else None
        if not words.isdisjoint(("is", "was", "as")):  # "533380006 is my passport number"
            for m in _NAMED_AFTER.finditer(text):
                if sum(c.isdigit() for c in m.group("value")) >= 3:
                    yield m.span("value")

    _joined = re.compile(r"[ \t]*(?:,|&|/|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bor\b|"
                         r"\ben\b|\boch\b|\bog\b)[ \t]*")

    def _after_cue(self, text: str, cue: re.Match[str]) -> Span | None:
        _, _, schemes, _ = _CUES[_cue_index(cue)]
        if schemes == ("*",) and self._owned.search(text, max(0, cue.start() - 24),
                                                      cue.start()):
            return None  # "order ID number", "user ID no.": that thing's number, not a person's
        return self._value_at(text, cue.end(), cue)

    def _value_at(self, text: str, at: int, cue: re.Match[str]) -> Span | None:
        """The value at ``at`` that the cue names, checked by its schemes or length."""
        value = _VALUE.match(text, at)
        if value is None:
            return None
        index = _cue_index(cue)
        _, _, schemes, lengths = _CUES[index]
        # A passport's or a licence's number may be mostly letters (Germany's "CFGHJ…", a
        # Washington licence's "WDLH5WSIMRMW"); others are digits.
        fewest_digits = 1 if index in (0, 1) else 3
        names = tuple(_VALIDATORS) if schemes == ("*",) else schemes
        raw = value.group()
        cuts = [len(raw)] + [i for i in range(len(raw) - 1, 0, -1) if raw[i] in " .-/"]
        if schemes == ("*",) and self._fits(raw, lengths, fewest_digits):
            # No scheme named: the whole value when its length fits, rather than the prefix
            # some country's checksum happens to accept ("RG: 44.644.891-X").
            cuts = [len(raw)]
        for cut in cuts:  # the longest prefix that a named scheme's checksum accepts
            piece = raw[:cut].rstrip(" .-/")
            if any(_VALIDATORS[n](candidate) for n in names
                   for candidate in dict.fromkeys((piece, piece.replace(".", "")))):
                return value.start(), value.start() + len(piece)
        for cut in cuts:
            piece = raw[:cut].rstrip(" .-/")
            if self._fits(piece, lengths, fewest_digits):
                return value.start(), value.start() + len(piece)
        return None

    @staticmethod
    def _fits(piece: str, lengths: tuple[int, int], fewest_digits: int) -> bool:
        compact = re.sub(r"[ .\-/]", "", piece)
        return (lengths[0] <= len(compact) <= lengths[1] and sum(c.isdigit() for c in compact)
                >= min(fewest_digits, len(compact) // 2) and not DATE.fullmatch(piece))
