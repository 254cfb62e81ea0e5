#!/usr/bin/env python3
"""Generate ``bench/data/privacy_dev2.jsonl`` -- a labelled *tuning* set for the
PII detectors of the gateway (the layer that masks personal data before a
prompt is sent to a cloud model).

What it is
----------
A development / tuning set, written by an independent tester *apart from the
detectors*: its templates and conventions were written without reading the
detector code, the tests, the docs or the other data sets, so it can be used
to tune thresholds and patterns without simply echoing the implementation.
It is not a held-out test set: once it has been used for tuning, scores on it
are optimistic.

It holds 710 short texts of the kind people paste into an LLM chat
(e-mails, forms, tickets, medical notes, HR and tenancy documents, CSV/TSV
exports, JSON/YAML, logs, chat messages, letters to translate) in English,
German, French, Spanish, Italian, Dutch, Portuguese, Polish, Swedish, Danish,
Norwegian, Czech, Turkish and a few others (Finnish, Romanian, Hungarian,
Greek, English texts with romanised Japanese and Chinese names): 505
positives and 205 hard negatives.  The positives concentrate on the hard
kinds: person, address, date_of_birth and id_number make up about 75% of the
positive spans; the rest is spread over phone, email, ip, card, iban, ssn and
secret.

Regenerate
----------
    python3 -m venv /tmp/dev2-venv
    /tmp/dev2-venv/bin/pip install faker python-stdnum phonenumbers
    /tmp/dev2-venv/bin/python bench/make_privacy_dev2.py

(run from the repository root; ``--out PATH`` writes elsewhere).  The output
is deterministic for a given Faker / python-stdnum / phonenumbers version:
everything is drawn from ``random.Random(20261208)`` and each Faker instance
is seeded from that generator (written with Faker 40.63.0, python-stdnum
2.2, phonenumbers 9.0.43).  The script does not import the project.

Format
------
One JSON object per line::

    {"text": str, "spans": [{"kind": str, "start": int, "end": int}], "note": str}

``start``/``end`` are Python character offsets, ``text[start:end]`` is exactly
the sensitive value (no surrounding quotes, punctuation or spaces).  Notes
start with ``positive: <kinds>; <locale>; <template>`` (kinds comma-separated,
in the order of KINDS) or ``negative: <category>; <locale>; <template>``.
Negatives have no spans.  The locale is the language-region of the text
(``en-JP``/``en-CN``: English text about people from Japan/China, whose
values follow the ja-JP/zh-CN conventions).  Positives also carry unlabelled
distractors where they occur naturally: appointment/invoice dates next to a
birth date, order and booking numbers, private IPs in logs, city names, a
quoted public figure, brand names.

Kinds and conventions
---------------------
person        Name of a private individual: given + family name, title +
              family name (the title is then part of the span: "Frau Berger",
              "Mme Lefèvre", "Dr. Okafor"; before a full name a title stays
              outside the span), surname-first forms ("Kowalski, Anna",
              "DUBOIS Marie"), hyphenated names, particles (van, de, von, da,
              di, ten), middle names, lower-case names in casual chat.
              NOT labelled (hard negatives): public figures (historical
              people, politicians, celebrities, authors, scientists,
              athletes), fictional characters, placeholder names (John Doe,
              Max Mustermann, Jan Kowalski, Ola Nordmann ...), brands and
              companies named after people, streets/places named after people.
address       A street address: street + number, with postcode/city in the
              same span when written together on one line; in multi-line
              addresses each line holding the street or the postcode + city
              is its own span.  Flat/floor parts (Apt 4B, 3º izq., Whg. 12,
              bte 3, lgh 1102, m. 12) belong to the span when they are on the
              street line.  PO boxes and rural routes are addresses.  A city,
              region or country alone, or a street name without a number, is
              not an address.
date_of_birth Someone's birth date, any format or language (span = the date
              only, without "born"/"geb."/"r." etc.).  Other dates
              (appointments, invoices, deadlines, historical events, public
              figures' birthdays) are hard negatives.
id_number     Personal identifiers: passports, national IDs with valid check
              digits (DE Personalausweis, FR NIR, ES DNI/NIE, IT codice
              fiscale, NL BSN, BE rijksregister, PL PESEL, SE personnummer,
              NO fødselsnummer, FI HETU, DK CPR, PT NIF/CC, BR CPF, MX CURP,
              IN Aadhaar/PAN, UK NINO, CA SIN, AU TFN, CN RIC, TR TC kimlik,
              CZ rodné číslo, RO CNP, AT SVNR, CH AHV, IE PPS, HU TAJ, GR
              AMKA ...), driver licences, personal tax IDs, health insurance
              numbers, medical record numbers.  Order/invoice/tracking
              numbers, SKUs, ISBNs, UUIDs and hashes are hard negatives.
phone         Phone numbers valid per ``phonenumbers`` (drama/fictional
              ranges avoided); emergency and short numbers are negatives.
email         Real-looking personal or work addresses; example.com-style
              placeholders are negatives.
ip            Public IPv4/IPv6 addresses; private, loopback and documentation
              ranges are negatives.
card          Luhn-valid payment card numbers (famous test cards are
              negatives).
iban          IBANs valid per python-stdnum (documentation IBANs and IBANs
              with a wrong checksum are negatives).
ssn           US social security numbers (invalid/placeholder ones are
              negatives; a US ITIN is an id_number).
secret        Passwords, API keys, tokens and PINs given as credentials
              (placeholders such as ${DB_PASSWORD}, <API_KEY> or ****** are
              negatives).

Checks
------
Every span is verified (kind known, 0 <= start < end <= len(text),
``text[start:end].strip() == text[start:end]``, no overlaps), every text is
unique, IDs are validated with python-stdnum (or a local check-digit routine
where stdnum has none), phones with phonenumbers, cards with Luhn and IBANs
with stdnum.  Counts per kind, language and polarity are printed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import json
import random
import re
import string
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import phonenumbers
from faker import Faker
from stdnum import iban as std_iban
from stdnum import luhn, verhoeff
from stdnum.at import vnr as at_vnr
from stdnum.au import tfn as au_tfn
from stdnum.be import eid as be_eid
from stdnum.be import nn as be_nn
from stdnum.br import cpf as br_cpf
from stdnum.ca import sin as ca_sin
from stdnum.ch import ssn as ch_ssn
from stdnum.cn import ric as cn_ric
from stdnum.cz import rc as cz_rc
from stdnum.de import idnr as de_idnr
from stdnum.dk import cpr as dk_cpr
from stdnum.es import dni as std_dni
from stdnum.es import nie as std_nie
from stdnum.fi import hetu as fi_hetu
from stdnum.fr import nif as fr_nif
from stdnum.fr import nir as fr_nir
from stdnum.gb import nhs as gb_nhs
from stdnum.gr import amka as gr_amka
from stdnum.ie import pps as ie_pps
from stdnum.in_ import aadhaar as in_aadhaar
from stdnum.in_ import pan as in_pan
from stdnum.it import codicefiscale as std_cf
from stdnum.mx import curp as mx_curp
from stdnum.nl import bsn as std_bsn
from stdnum.nl import identiteitskaartnummer as nl_idk
from stdnum.no import fodselsnummer as no_fnr
from stdnum.pl import pesel as pl_pesel
from stdnum.pt import cc as pt_cc
from stdnum.pt import nif as pt_nif
from stdnum.ro import cnp as ro_cnp
from stdnum.se import personnummer as se_pnr
from stdnum.tr import tckimlik as tr_tck
from stdnum.us import itin as us_itin
from stdnum.us import ssn as us_ssn

SEED = 20261208
KINDS = ("person", "address", "date_of_birth", "id_number", "phone", "email",
         "ip", "card", "iban", "ssn", "secret")
HARD = {"person", "address", "date_of_birth", "id_number"}
OUT_DEFAULT = Path(__file__).resolve().parent / "data" / "privacy_dev2.jsonl"

R = random.Random(SEED)
ch = R.choice
rint = R.randint


def chance(p: float) -> bool:
    return R.random() < p


# ---------------------------------------------------------------------------
# text building: a template returns a list of parts, each a plain str or L.
# ---------------------------------------------------------------------------
class L:
    """A labelled value inside a text."""

    __slots__ = ("kind", "text")

    def __init__(self, kind: str, text: str):
        assert kind in KINDS, kind
        assert text == text.strip() and text, repr(text)
        self.kind = kind
        self.text = text


PH = re.compile(r"⟦(\w+)⟧")


def T(fmt: str, **vals) -> list:
    """Split a format string with ⟦name⟧ placeholders into parts."""
    parts: list = []
    pos = 0
    for m in PH.finditer(fmt):
        if m.start() > pos:
            parts.append(fmt[pos:m.start()])
        v = vals[m.group(1)]
        if isinstance(v, list):
            parts.extend(v)
        else:
            parts.append(v)
        pos = m.end()
    if pos < len(fmt):
        parts.append(fmt[pos:])
    return parts


def render(parts: list):
    text = []
    spans = []
    n = 0
    for p in parts:
        if isinstance(p, L):
            spans.append({"kind": p.kind, "start": n, "end": n + len(p.text)})
            text.append(p.text)
            n += len(p.text)
        else:
            assert isinstance(p, str), p
            text.append(p)
            n += len(p)
    return "".join(text), spans


# ---------------------------------------------------------------------------
# Faker instances, one per locale, seeded from R in a fixed order
# ---------------------------------------------------------------------------
FAKER_LOC = {
    "en-US": "en_US", "en-GB": "en_GB", "en-IE": "en_IE", "en-AU": "en_AU",
    "en-CA": "en_CA", "en-IN": "en_IN", "de-DE": "de_DE", "de-AT": "de_AT",
    "de-CH": "de_CH", "fr-FR": "fr_FR", "fr-BE": "fr_BE", "fr-CH": "fr_CH",
    "es-ES": "es_ES", "es-MX": "es_MX", "es-CO": "es_CO", "es-AR": "es_AR",
    "it-IT": "it_IT", "nl-NL": "nl_NL", "nl-BE": "nl_BE", "pt-PT": "pt_PT",
    "pt-BR": "pt_BR", "pl-PL": "pl_PL", "sv-SE": "sv_SE", "da-DK": "da_DK",
    "nb-NO": "no_NO", "cs-CZ": "cs_CZ", "tr-TR": "tr_TR", "fi-FI": "fi_FI",
    "ja-JP": "ja_JP", "hu-HU": "hu_HU", "ro-RO": "ro_RO", "el-GR": "el_GR",
}
FK: dict[str, Faker] = {}
for _loc in sorted(FAKER_LOC):
    _f = Faker(FAKER_LOC[_loc])
    _f.seed_instance(R.randrange(2 ** 32))
    FK[_loc] = _f

REGION = {loc: loc.split("-")[1] for loc in FAKER_LOC}
REGION["zh-CN"] = "CN"


def lang_of(loc: str) -> str:
    return loc.split("-")[0]


# ---------------------------------------------------------------------------
# names
# ---------------------------------------------------------------------------
PUBLIC_OR_PLACEHOLDER = {
    "john doe", "jane doe", "max mustermann", "erika mustermann", "jan kowalski",
    "anna kowalska", "jan novák", "jana nováková", "ola nordmann", "kari nordmann",
    "mario rossi", "jean dupont", "joe bloggs", "jan jansen", "juan pérez",
    "matti meikäläinen", "giulio andreotti", "sven svensson", "hans hansen",
}
ZH_FAMILY = ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu",
             "Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Luo", "Gao"]
ZH_GIVEN = ["Wei", "Fang", "Xiuying", "Na", "Min", "Jing", "Lei", "Qiang", "Yan",
            "Jie", "Tao", "Ming", "Chao", "Xiaoling", "Yuting", "Haoran", "Zihan",
            "Jiayi", "Yufei", "Shuang", "Kaiwen", "Ruolan"]
PARTICLES = {
    "nl": ["van", "van der", "van den", "de", "ten", "ter", "van de", "de la"],
    "de": ["von", "von der", "vom", "zu"],
    "pt": ["da", "dos", "de", "das"],
    "it": ["di", "De", "Della", "Lo", "Di"],
    "fr": ["de", "Le", "de la", "du"],
    "es": ["de la", "del", "de"],
    "en": ["O'", "Mac", "Van"],
}


def _gender(g=None):
    return g or ch("mf")


def given(loc: str, g: str) -> str:
    return " ".join(_given(loc, g).split())


def family(loc: str, g: str) -> str:
    return " ".join(_family(loc, g).split())


def _given(loc: str, g: str) -> str:
    if loc == "zh-CN":
        return ch(ZH_GIVEN)
    f = FK[loc]
    if loc == "ja-JP":
        return f.first_romanized_name_male() if g == "m" else f.first_romanized_name_female()
    return f.first_name_male() if g == "m" else f.first_name_female()


def _family(loc: str, g: str) -> str:
    if loc == "zh-CN":
        return ch(ZH_FAMILY)
    f = FK[loc]
    if loc == "ja-JP":
        return f.last_romanized_name()
    fn = getattr(f, "last_name_male" if g == "m" else "last_name_female", None)
    return fn() if fn else f.last_name()


TITLES = {
    "en": {"m": ["Mr", "Mr.", "Dr", "Dr."], "f": ["Mrs", "Ms", "Ms.", "Mrs.", "Dr"]},
    "de": {"m": ["Herr", "Herr Dr.", "Herrn"], "f": ["Frau", "Frau Dr."]},
    "fr": {"m": ["M.", "Monsieur", "Dr"], "f": ["Mme", "Madame", "Mme"]},
    "es": {"m": ["Sr.", "D.", "señor"], "f": ["Sra.", "Dña.", "señora"]},
    "it": {"m": ["Sig.", "Dott.", "sig."], "f": ["Sig.ra", "Dott.ssa", "sig.ra"]},
    "nl": {"m": ["dhr.", "de heer", "meneer"], "f": ["mevr.", "mevrouw"]},
    "pt": {"m": ["Sr.", "Dr."], "f": ["Sra.", "Dra.", "D."]},
    "pl": {"m": ["Pan", "pan"], "f": ["Pani", "pani"]},
    "cs": {"m": ["pan", "Pan"], "f": ["paní", "Paní"]},
    "tr": {"m": ["Bay"], "f": ["Bayan"]},
    "sv": {"m": ["herr"], "f": ["fru"]},
    "da": {"m": ["hr."], "f": ["fru"]},
    "nb": {"m": ["herr"], "f": ["fru"]},
    "fi": {"m": ["herra"], "f": ["rouva"]},
    "ro": {"m": ["domnul", "dl."], "f": ["doamna", "dna."]},
    "hu": {"m": ["dr."], "f": ["dr."]},
    "el": {"m": ["κ."], "f": ["κα"]},
    "ja": {"m": ["Mr"], "f": ["Ms"]},
    "zh": {"m": ["Mr"], "f": ["Ms"]},
}


class Person:
    """A synthetic private individual with name parts and gender."""

    def __init__(self, loc: str, g: str | None = None, particle: bool = False,
                 middle: bool = False, hyphen: bool = False, two_surnames=None):
        self.loc = loc
        self.g = _gender(g)
        for _ in range(50):
            self.first = given(loc, self.g)
            self.last = family(loc, self.g)
            lang = lang_of(loc)
            if two_surnames is None:
                two_surnames = lang == "es" or (lang == "pt" and chance(0.6))
            if two_surnames:
                self.last = self.last + " " + family(loc, ch("mf") if lang != "pt" else self.g)
            if particle and lang in PARTICLES and not self.last.lower().startswith(("van ", "de ", "da ", "di ", "von ")):
                p = ch(PARTICLES[lang])
                self.last = (p + self.last) if p.endswith("'") or p == "Mac" else f"{p} {self.last}"
            if hyphen:
                if chance(0.5) and lang in ("fr", "de"):
                    self.first = f"{self.first}-{given(loc, self.g)}"
                else:
                    self.last = f"{self.last}-{family(loc, self.g)}"
            self.middle = given(loc, self.g) if middle else None
            if self.full.lower() not in PUBLIC_OR_PLACEHOLDER and self.first.split()[0] != self.last.split()[0]:
                break

    @property
    def full(self) -> str:
        if self.loc in ("hu-HU",):
            return f"{self.last} {self.first}"
        if self.middle:
            return f"{self.first} {self.middle} {self.last}"
        return f"{self.first} {self.last}"

    def given_family(self) -> str:
        if self.middle:
            return f"{self.first} {self.middle} {self.last}"
        return f"{self.first} {self.last}"

    @property
    def surname_first(self) -> str:
        return f"{self.last}, {self.first}"

    @property
    def upper_surname(self) -> str:
        return f"{self.last.upper()} {self.first}"

    def titled(self, lang: str | None = None) -> str:
        lang = lang or lang_of(self.loc)
        t = ch(TITLES.get(lang, TITLES["en"])[self.g])
        return f"{t} {self.last}"

    @property
    def lower(self) -> str:
        return self.full.lower()

    @property
    def initials(self) -> str:
        return self.first[0] + self.last.split()[-1][0]


def P(loc, **kw) -> Person:
    return Person(loc, **kw)


# ---------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------
MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
    "at": ["Jänner", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"],
    "it": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre"],
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"],
    "pt": ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro", "outubro", "novembro", "dezembro"],
    "pl": ["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października", "listopada", "grudnia"],
    "sv": ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober", "november", "december"],
    "da": ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"],
    "nb": ["januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "desember"],
    "cs": ["ledna", "února", "března", "dubna", "května", "června", "července", "srpna", "září", "října", "listopadu", "prosince"],
    "tr": ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım", "Aralık"],
    "fi": ["tammikuuta", "helmikuuta", "maaliskuuta", "huhtikuuta", "toukokuuta", "kesäkuuta", "heinäkuuta", "elokuuta", "syyskuuta", "lokakuuta", "marraskuuta", "joulukuuta"],
    "hu": ["január", "február", "március", "április", "május", "június", "július", "augusztus", "szeptember", "október", "november", "december"],
    "ro": ["ianuarie", "februarie", "martie", "aprilie", "mai", "iunie", "iulie", "august", "septembrie", "octombrie", "noiembrie", "decembrie"],
    "el": ["Ιανουαρίου", "Φεβρουαρίου", "Μαρτίου", "Απριλίου", "Μαΐου", "Ιουνίου", "Ιουλίου", "Αυγούστου", "Σεπτεμβρίου", "Οκτωβρίου", "Νοεμβρίου", "Δεκεμβρίου"],
}


def rand_date(y0: int, y1: int) -> dt.date:
    a = dt.date(y0, 1, 1).toordinal()
    b = dt.date(y1, 12, 31).toordinal()
    return dt.date.fromordinal(rint(a, b))


def dob(y0=1942, y1=2006) -> dt.date:
    return rand_date(y0, y1)


def ordinal_en(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }".replace(" ", "")


def fmt_date(d: dt.date, loc: str, style: str | None = None) -> str:
    """Format a date the way people in ``loc`` write it."""
    lang = lang_of(loc)
    y, m, dd = d.year, d.month, d.day
    styles = {
        "en-US": ["us", "us", "us2", "us_long", "iso"],
        "en-CA": ["iso", "us_long", "dmy"],
        "ja-JP": ["iso", "us_long", "ymd_slash"],
        "zh-CN": ["iso", "en_long", "ymd_slash"],
    }.get(loc) or {
        "en": ["dmy", "en_long", "en_ord", "dmy", "iso"],
        "de": ["dot", "dot", "de_long", "dot2"],
        "fr": ["dmy", "dmy", "fr_long"],
        "es": ["dmy", "dmy_nopad", "es_long"],
        "it": ["dmy", "dmy", "it_long"],
        "nl": ["dash", "dash", "nl_long"],
        "pt": ["dmy", "dmy", "pt_long"],
        "pl": ["dot", "dot", "pl_long"],
        "sv": ["iso", "iso", "sv_long"],
        "da": ["dot", "dash", "da_long"],
        "nb": ["dot", "dot", "nb_long"],
        "cs": ["cs_num", "dot", "cs_long"],
        "tr": ["dot", "dot", "tr_long"],
        "fi": ["fi_num", "fi_num", "fi_long"],
        "hu": ["hu_num", "hu_long"],
        "ro": ["dot", "ro_long"],
        "el": ["dmy_nopad", "el_long"],
    }[lang]
    s = style or ch(styles)
    mon = MONTHS.get("at" if loc == "de-AT" else lang, MONTHS["en"])
    if s == "us":
        return f"{m:02d}/{dd:02d}/{y}"
    if s == "us2":
        return f"{m:02d}/{dd:02d}/{y % 100:02d}"
    if s == "us_long":
        return f"{MONTHS['en'][m - 1]} {dd}, {y}"
    if s == "iso":
        return d.isoformat()
    if s == "ymd_slash":
        return f"{y}/{m:02d}/{dd:02d}"
    if s == "dmy":
        return f"{dd:02d}/{m:02d}/{y}"
    if s == "dmy_nopad":
        return f"{dd}/{m}/{y}"
    if s == "en_long":
        return f"{dd} {MONTHS['en'][m - 1]} {y}"
    if s == "en_ord":
        return ch([f"{ordinal_en(dd)} {MONTHS['en'][m - 1]} {y}",
                   f"{ordinal_en(dd)} of {MONTHS['en'][m - 1]}, {y}",
                   f"{ordinal_en(dd)} of {MONTHS['en'][m - 1]} {y}"])
    if s == "dot":
        return f"{dd:02d}.{m:02d}.{y}"
    if s == "dot2":
        return f"{dd:02d}.{m:02d}.{y % 100:02d}"
    if s == "dash":
        return f"{dd:02d}-{m:02d}-{y}"
    if s == "de_long":
        return f"{dd}. {mon[m - 1]} {y}"
    if s == "fr_long":
        return f"{'1er' if dd == 1 else dd} {mon[m - 1]} {y}"
    if s in ("es_long", "pt_long"):
        return f"{dd} de {mon[m - 1]} de {y}"
    if s in ("it_long", "nl_long", "sv_long", "pl_long", "tr_long", "ro_long", "el_long"):
        return f"{dd} {mon[m - 1]} {y}"
    if s in ("da_long", "nb_long", "cs_long", "fi_long"):
        return f"{dd}. {mon[m - 1]} {y}"
    if s == "cs_num":
        return f"{dd}. {m}. {y}"
    if s == "fi_num":
        return f"{dd}.{m}.{y}"
    if s == "hu_num":
        return f"{y}. {m:02d}. {dd:02d}"
    if s == "hu_long":
        return f"{y}. {mon[m - 1]} {dd}"
    raise ValueError(s)


# ---------------------------------------------------------------------------
# addresses
# ---------------------------------------------------------------------------
def digits(n: int) -> str:
    return "".join(ch(string.digits) for _ in range(n))


def letters(n: int, alphabet=string.ascii_uppercase) -> str:
    return "".join(ch(alphabet) for _ in range(n))


EN_STREET_BASE = ["Maple", "Oak", "Cedar", "Elm", "Pine", "Park", "Lake", "Hill", "Church",
                  "Mill", "High", "Station", "Victoria", "Queen", "King", "Chestnut", "Willow",
                  "Birch", "Meadow", "Orchard", "Harbour", "River", "Spring", "Highland",
                  "Rosewood", "Brook", "Forest", "Sunset", "Ridge", "Windsor", "Albert",
                  "Clarence", "Grange", "Heath", "Manor", "Beech", "Holly", "Ash", "Poplar"]
US_SUFFIX = ["Street", "St", "Avenue", "Ave", "Road", "Rd", "Drive", "Dr", "Lane", "Ln",
             "Court", "Ct", "Boulevard", "Blvd", "Way", "Place", "Terrace"]
UK_SUFFIX = ["Street", "Road", "Lane", "Avenue", "Close", "Crescent", "Gardens", "Grove",
             "Terrace", "Way", "Drive", "Place", "Mews", "Row", "Square", "Walk"]
AU_SUFFIX = ["Street", "St", "Road", "Rd", "Avenue", "Ave", "Parade", "Crescent", "Court",
             "Place", "Drive", "Lane", "Terrace"]

US_CITIES = [("Austin", "TX", "787"), ("Portland", "OR", "972"), ("Denver", "CO", "802"),
             ("Columbus", "OH", "432"), ("Raleigh", "NC", "276"), ("Madison", "WI", "537"),
             ("Sacramento", "CA", "958"), ("Boise", "ID", "837"), ("Tucson", "AZ", "857"),
             ("Albany", "NY", "122"), ("Richmond", "VA", "232"), ("Omaha", "NE", "681"),
             ("Spokane", "WA", "992"), ("Burlington", "VT", "054"), ("Savannah", "GA", "314"),
             ("Ann Arbor", "MI", "481"), ("Pittsburgh", "PA", "152"), ("Tulsa", "OK", "741"),
             ("Bozeman", "MT", "597"), ("Asheville", "NC", "288"), ("Worcester", "MA", "016")]
UK_CITIES = [("London", ["SE15", "N7", "E8", "SW11", "NW5", "W12", "E17"]),
             ("Manchester", ["M14", "M20", "M4"]), ("Leeds", ["LS6", "LS11"]),
             ("Bristol", ["BS3", "BS6"]), ("Edinburgh", ["EH6", "EH9"]), ("Glasgow", ["G12", "G41"]),
             ("Cardiff", ["CF24", "CF11"]), ("Birmingham", ["B13", "B29"]), ("Sheffield", ["S10", "S7"]),
             ("Nottingham", ["NG7", "NG5"]), ("Brighton", ["BN2", "BN1"]), ("Oxford", ["OX4"]),
             ("York", ["YO10", "YO31"]), ("Belfast", ["BT9", "BT7"]), ("Norwich", ["NR2"])]
IE_CITIES = [("Dublin 6", "D06"), ("Dublin 8", "D08"), ("Dublin 7", "D07"), ("Cork", "T12"),
             ("Galway", "H91"), ("Limerick", "V94"), ("Kilkenny", "R95"), ("Waterford", "X91")]
IE_TOWNLANDS = ["Rathmines", "Ranelagh", "Phibsborough", "Ballincollig", "Salthill", "Castletroy",
                "Blackrock", "Douglas", "Terenure", "Clontarf"]
AU_CITIES = [("Newtown", "NSW", "2042"), ("Fitzroy", "VIC", "3065"), ("Paddington", "QLD", "4064"),
             ("Fremantle", "WA", "6160"), ("Glenelg", "SA", "5045"), ("Sandy Bay", "TAS", "7005"),
             ("Braddon", "ACT", "2612"), ("Bondi", "NSW", "2026"), ("Brunswick", "VIC", "3056"),
             ("Toowong", "QLD", "4066"), ("Parramatta", "NSW", "2150"), ("Geelong", "VIC", "3220")]
CA_CITIES = [("Toronto", "ON", "M5V"), ("Toronto", "ON", "M4K"), ("Vancouver", "BC", "V6K"),
             ("Montréal", "QC", "H2X"), ("Calgary", "AB", "T2N"), ("Ottawa", "ON", "K1S"),
             ("Halifax", "NS", "B3H"), ("Winnipeg", "MB", "R3M"), ("Victoria", "BC", "V8V"),
             ("Edmonton", "AB", "T6E"), ("Saskatoon", "SK", "S7N")]
CA_LET = "ABCEGHJKLMNPRSTVWXYZ"
DE_CITIES = [("Berlin", "10"), ("Berlin", "12"), ("Berlin", "13"), ("Hamburg", "22"), ("München", "80"),
             ("München", "81"), ("Köln", "50"), ("Frankfurt am Main", "60"), ("Stuttgart", "70"),
             ("Düsseldorf", "40"), ("Leipzig", "04"), ("Dresden", "01"), ("Hannover", "30"),
             ("Nürnberg", "90"), ("Bremen", "28"), ("Essen", "45"), ("Freiburg im Breisgau", "79"),
             ("Münster", "48"), ("Kiel", "24"), ("Mainz", "55"), ("Augsburg", "86"), ("Bonn", "53"),
             ("Regensburg", "93"), ("Heidelberg", "69"), ("Potsdam", "14"), ("Rostock", "18")]
AT_CITIES = [("Wien", "1{d}{d}0"), ("Graz", "80{d}0"), ("Linz", "40{d}0"), ("Salzburg", "50{d}0"),
             ("Innsbruck", "60{d}0"), ("Klagenfurt", "90{d}0"), ("St. Pölten", "3100"), ("Dornbirn", "6850")]
CH_CITIES = [("Zürich", "80"), ("Bern", "30"), ("Basel", "40"), ("Luzern", "60"), ("Winterthur", "84"),
             ("St. Gallen", "90"), ("Zug", "63"), ("Aarau", "50")]
CHFR_CITIES = [("Genève", "12"), ("Lausanne", "10"), ("Neuchâtel", "20"), ("Fribourg", "17"), ("Sion", "19")]
FR_CITIES = [("Paris", "750{d2}"), ("Lyon", "6900{d1}"), ("Marseille", "130{d2}"), ("Toulouse", "31{d3}"),
             ("Nantes", "44{d3}"), ("Bordeaux", "33{d3}"), ("Lille", "59{d3}"), ("Strasbourg", "67{d3}"),
             ("Rennes", "35{d3}"), ("Montpellier", "34{d3}"), ("Grenoble", "38{d3}"), ("Dijon", "21{d3}")]
BE_FR_CITIES = [("Bruxelles", "1000"), ("Ixelles", "1050"), ("Liège", "4000"), ("Namur", "5000"),
                ("Charleroi", "6000"), ("Uccle", "1180"), ("Schaerbeek", "1030"), ("Mons", "7000")]
BE_NL_CITIES = [("Antwerpen", "2000"), ("Gent", "9000"), ("Brugge", "8000"), ("Leuven", "3000"),
                ("Hasselt", "3500"), ("Mechelen", "2800"), ("Kortrijk", "8500"), ("Berchem", "2600")]
ES_CITIES = [("Madrid", "280"), ("Barcelona", "080"), ("Valencia", "460"), ("Sevilla", "410"),
             ("Zaragoza", "500"), ("Málaga", "290"), ("Bilbao", "480"), ("Granada", "180"),
             ("Salamanca", "370"), ("Alicante", "030"), ("Valladolid", "470"), ("Murcia", "300")]
IT_CITIES = [("Milano", "201", "MI"), ("Roma", "001", "RM"), ("Torino", "101", "TO"), ("Napoli", "801", "NA"),
             ("Bologna", "401", "BO"), ("Firenze", "501", "FI"), ("Genova", "161", "GE"),
             ("Palermo", "901", "PA"), ("Bari", "701", "BA"), ("Verona", "371", "VR"),
             ("Padova", "351", "PD"), ("Trieste", "341", "TS")]
IT_BELFIORE = {"Milano": "F205", "Roma": "H501", "Torino": "L219", "Napoli": "F839", "Bologna": "A944",
               "Firenze": "D612", "Genova": "D969", "Palermo": "G273", "Bari": "A662", "Verona": "L781",
               "Padova": "G224", "Trieste": "L424"}
NL_CITIES = [("Amsterdam", "10"), ("Rotterdam", "30"), ("Utrecht", "35"), ("Den Haag", "25"),
             ("Eindhoven", "56"), ("Groningen", "97"), ("Haarlem", "20"), ("Leiden", "23"),
             ("Nijmegen", "65"), ("Zwolle", "80"), ("Delft", "26"), ("Arnhem", "68")]
PT_CITIES = [("Lisboa", "1"), ("Porto", "4"), ("Braga", "47"), ("Coimbra", "30"), ("Faro", "80"),
             ("Aveiro", "38"), ("Setúbal", "29"), ("Vila Nova de Gaia", "44")]
BR_CITIES = [("São Paulo", "SP", "0"), ("Rio de Janeiro", "RJ", "2"), ("Belo Horizonte", "MG", "3"),
             ("Curitiba", "PR", "8"), ("Porto Alegre", "RS", "9"), ("Salvador", "BA", "4"),
             ("Recife", "PE", "5"), ("Fortaleza", "CE", "6"), ("Campinas", "SP", "13")]
BR_STREETS = ["Rua Augusta", "Rua das Flores", "Avenida Paulista", "Rua Oscar Freire", "Rua da Consolação",
              "Rua Haddock Lobo", "Rua XV de Novembro", "Rua Bela Cintra", "Rua dos Pinheiros",
              "Avenida Brasil", "Rua do Catete", "Rua Voluntários da Pátria", "Rua Padre Chagas",
              "Avenida Sete de Setembro", "Rua Teodoro Sampaio", "Rua Cardeal Arcoverde"]
BR_BAIRROS = ["Pinheiros", "Vila Madalena", "Moema", "Botafogo", "Savassi", "Batel", "Moinhos de Vento",
              "Barra", "Boa Viagem", "Meireles", "Tijuca", "Jardins", "Cambuí"]
PL_CITIES = [("Warszawa", ["00", "01", "02", "03", "04"]), ("Kraków", ["30", "31"]), ("Wrocław", ["50", "51", "53"]),
             ("Poznań", ["60", "61"]), ("Gdańsk", ["80"]), ("Łódź", ["90", "91", "92"]), ("Lublin", ["20"]),
             ("Katowice", ["40"]), ("Szczecin", ["70", "71"]), ("Bydgoszcz", ["85"])]
SE_CITIES = [("Stockholm", "11"), ("Stockholm", "12"), ("Göteborg", "41"), ("Malmö", "21"), ("Uppsala", "75"),
             ("Lund", "22"), ("Umeå", "90"), ("Västerås", "72"), ("Örebro", "70"), ("Linköping", "58")]
DK_CITIES = [("København K", "1{d}{d}{d}"), ("København N", "2200"), ("København S", "2300"),
             ("Aarhus C", "8000"), ("Odense C", "5000"), ("Aalborg", "9000"), ("Frederiksberg", "2000"),
             ("Roskilde", "4000"), ("Esbjerg", "6700")]
NO_CITIES = [("Oslo", "0{d}{d}{d}"), ("Bergen", "50{d}{d}"), ("Trondheim", "70{d}{d}"), ("Stavanger", "40{d}{d}"),
             ("Tromsø", "90{d}{d}"), ("Drammen", "30{d}{d}"), ("Kristiansand", "46{d}{d}")]
FI_CITIES = [("Helsinki", "00{d}{d}0"), ("Espoo", "02{d}{d}0"), ("Tampere", "33{d}{d}0"), ("Turku", "20{d}{d}0"),
             ("Oulu", "90{d}{d}0"), ("Jyväskylä", "40{d}{d}0"), ("Vantaa", "01{d}{d}0")]
CZ_CITIES = [("Praha 2", "120 00"), ("Praha 3", "130 00"), ("Praha 5", "150 00"), ("Praha 6", "160 00"),
             ("Praha 10", "100 00"), ("Brno", "602 00"), ("Brno", "612 00"), ("Ostrava", "702 00"),
             ("Plzeň", "301 00"), ("Olomouc", "779 00"), ("Liberec", "460 01"), ("České Budějovice", "370 01")]
TR_PLACES = [("Kadıköy", "İstanbul", "347"), ("Beşiktaş", "İstanbul", "343"), ("Üsküdar", "İstanbul", "346"),
             ("Şişli", "İstanbul", "343"), ("Çankaya", "Ankara", "066"), ("Keçiören", "Ankara", "063"),
             ("Konak", "İzmir", "352"), ("Karşıyaka", "İzmir", "355"), ("Nilüfer", "Bursa", "161"),
             ("Muratpaşa", "Antalya", "071"), ("Tepebaşı", "Eskişehir", "261")]
TR_STREETS = ["Atatürk Cad.", "Bağdat Cad.", "Moda Cad.", "Barbaros Bulvarı", "Halaskargazi Cad.",
              "Cumhuriyet Cad.", "Gül Sok.", "Lale Sok.", "Kıbrıs Şehitleri Cad.", "Tunalı Hilmi Cad.",
              "İnönü Cad.", "Papatya Sok.", "Menekşe Sok.", "Çınar Sok.", "Bahariye Cad."]
TR_MAH = ["Caferağa Mah.", "Fenerbahçe Mah.", "Kızılay Mah.", "Alsancak Mah.", "Bostanlı Mah.",
          "Levent Mah.", "Kavaklıdere Mah.", "Acıbadem Mah.", "Göztepe Mah.", "Yıldız Mah."]
MX_PLACES = [("Ciudad de México", "CDMX", ["Col. Roma Norte", "Col. Condesa", "Col. Del Valle", "Col. Narvarte",
                                             "Col. Juárez", "Col. Coyoacán", "Col. Escandón"], "0"),
             ("Guadalajara", "Jal.", ["Col. Americana", "Col. Providencia", "Col. Chapalita"], "44"),
             ("Monterrey", "N.L.", ["Col. Obispado", "Col. Mitras Centro", "Col. Cumbres"], "64"),
             ("Puebla", "Pue.", ["Col. La Paz", "Col. Centro", "Col. Anzures"], "72"),
             ("Mérida", "Yuc.", ["Col. García Ginerés", "Col. Itzimná"], "97"),
             ("Querétaro", "Qro.", ["Col. Jardines de Querétaro", "Col. Carretas"], "76")]
MX_STREETS = ["Calle Durango", "Calle Colima", "Av. Álvaro Obregón", "Calle Tabasco", "Av. Revolución",
              "Calle Ámsterdam", "Calle Orizaba", "Calle Medellín", "Av. Vallarta", "Calle Zacatecas",
              "Calle Tonalá", "Av. Universidad", "Calle Manzanillo", "Calle Chihuahua"]
CO_CITIES = ["Bogotá", "Medellín", "Cali", "Barranquilla", "Bucaramanga", "Pereira", "Manizales"]
AR_STREETS = ["Av. Corrientes", "Av. Santa Fe", "Thames", "Av. Rivadavia", "Gorriti", "Av. Cabildo",
              "Honduras", "Güemes", "Av. Callao", "Billinghurst", "Arévalo", "Av. Scalabrini Ortiz"]
JP_PLACES = [("Jingumae", "Shibuya-ku", "Tokyo", "150-0001"), ("Ebisu", "Shibuya-ku", "Tokyo", "150-0013"),
             ("Nishi-Shinjuku", "Shinjuku-ku", "Tokyo", "160-0023"), ("Sangenjaya", "Setagaya-ku", "Tokyo", "154-0024"),
             ("Azabu-Juban", "Minato-ku", "Tokyo", "106-0045"), ("Nakameguro", "Meguro-ku", "Tokyo", "153-0061"),
             ("Umeda", "Kita-ku", "Osaka", "530-0001"), ("Karasuma", "Nakagyo-ku", "Kyoto", "604-8152"),
             ("Tenjin", "Chuo-ku", "Fukuoka", "810-0001"), ("Sakae", "Naka-ku", "Nagoya", "460-0008")]
HU_STREETS = ["Petőfi utca", "Rákóczi út", "Váci utca", "Andrássy út", "Bartók Béla út", "Király utca",
              "Dob utca", "Szent István körút", "Thököly út", "Fő utca", "Kossuth utca", "Bem rakpart"]
HU_CITIES = [("Budapest", "1{d}{d}{d}"), ("Debrecen", "40{d}{d}"), ("Szeged", "67{d}{d}"), ("Pécs", "76{d}{d}"),
             ("Győr", "90{d}{d}")]
RO_STREETS = ["Str. Mihai Eminescu", "Bd. Unirii", "Str. Lipscani", "Calea Victoriei", "Str. Avram Iancu",
              "Bd. Eroilor", "Str. Republicii", "Str. Memorandumului", "Calea Dorobanților"]
RO_CITIES = [("București", "0{d}{d}{d}{d}{d}"), ("Cluj-Napoca", "400{d}{d}{d}"), ("Iași", "700{d}{d}{d}"),
             ("Timișoara", "300{d}{d}{d}"), ("Brașov", "500{d}{d}{d}")]
GR_STREETS = ["Ερμού", "Σταδίου", "Πανεπιστημίου", "Αγίου Δημητρίου", "Τσιμισκή", "Κηφισίας",
              "Αλεξάνδρας", "Πατησίων", "Μητροπόλεως"]
GR_CITIES = [("Αθήνα", "10{d} {d}{d}"), ("Θεσσαλονίκη", "54{d} {d}{d}"), ("Πάτρα", "26{d} {d}{d}"),
             ("Ηράκλειο", "71{d} {d}{d}")]
IN_CITIES = [("Bengaluru", "Karnataka", "560"), ("Pune", "Maharashtra", "411"), ("Chennai", "Tamil Nadu", "600"),
             ("Hyderabad", "Telangana", "500"), ("Mumbai", "Maharashtra", "400"), ("Kolkata", "West Bengal", "700"),
             ("Jaipur", "Rajasthan", "302"), ("Kochi", "Kerala", "682")]
IN_AREAS = ["Indiranagar", "Koramangala", "Kothrud", "Adyar", "Banjara Hills", "Bandra West", "Salt Lake",
            "Malviya Nagar", "Jayanagar", "Powai", "Aundh", "Panampilly Nagar"]
BE_FR_STREETS = ["rue de la Loi", "avenue Louise", "rue Neuve", "chaussée de Wavre", "rue du Midi",
                 "rue des Bouchers", "avenue de Tervueren", "rue Saint-Gilles", "rue de Namur",
                 "boulevard d'Avroy", "rue Haute", "chaussée d'Ixelles"]
BE_NL_STREETS = ["Meir", "Veldstraat", "Kerkstraat", "Stationsstraat", "Diestsestraat", "Korenmarkt",
                 "Bondgenotenlaan", "Nieuwstraat", "Lange Leemstraat", "Brugsesteenweg", "Dorpstraat",
                 "Kortrijksesteenweg", "Molenstraat"]


def fill_pattern(p: str) -> str:
    p = p.replace("{d3}", digits(3)).replace("{d2}", f"{rint(1, 20):02d}").replace("{d1}", str(rint(1, 9)))
    while "{d}" in p:
        p = p.replace("{d}", str(rint(0, 9)), 1)
    return p


def uk_postcode(area: str) -> str:
    return f"{area} {rint(1, 9)}{letters(2, 'ABDEFGHJLNPQRSTUWXYZ')}"


def street(loc: str) -> str:
    f = FK.get(loc)
    if loc == "en-US":
        if chance(0.2):
            return f"{ch(['N', 'S', 'E', 'W'])} {ordinal_en(rint(2, 99))} {ch(['St', 'Street', 'Ave'])}"
        return f"{ch(EN_STREET_BASE + [FK['en-US'].last_name() for _ in range(4)])} {ch(US_SUFFIX)}"
    if loc in ("en-GB", "en-IE"):
        return f"{ch(EN_STREET_BASE + [FK[loc].last_name() for _ in range(3)])} {ch(UK_SUFFIX)}"
    if loc == "en-AU":
        return f"{ch(EN_STREET_BASE + [FK[loc].last_name() for _ in range(3)])} {ch(AU_SUFFIX)}"
    if loc == "en-CA":
        return f"{ch(EN_STREET_BASE + [FK[loc].last_name() for _ in range(3)])} {ch(['Street', 'Avenue', 'Road', 'Crescent', 'Drive', 'Boulevard'])}"
    if loc == "fr-BE":
        return ch(BE_FR_STREETS)
    if loc == "nl-BE":
        return ch(BE_NL_STREETS)
    if loc == "pt-BR":
        return ch(BR_STREETS)
    if loc == "tr-TR":
        return ch(TR_STREETS)
    if loc == "es-MX":
        return ch(MX_STREETS)
    if loc == "es-AR":
        return ch(AR_STREETS)
    if loc == "hu-HU":
        return ch(HU_STREETS)
    if loc == "ro-RO":
        return ch(RO_STREETS)
    if loc == "el-GR":
        return ch(GR_STREETS)
    if loc == "es-ES":
        s = f.street_name()
        s = s.replace("Via ", "Calle ").replace("Vía ", "Calle ")
        return ch([s, s, ch(["Calle Mayor", "Calle de Alcalá", "Gran Vía", "Calle del Pez", "Calle Sierpes",
                              "Calle de Toledo", "Calle Princesa", "Calle Larios", "Calle San Vicente"])])
    if loc == "pl-PL":
        return ch(["ul. ", "ul. ", "ul. ", "al. ", "os. "]) + f.street_name()
    if loc == "fr-FR":
        s = f.street_name()
        return s
    return f.street_name()


def address(loc: str, flat: bool | None = None, lines: bool = False, style: str | None = None):
    """Return an address as a list of lines (one line unless ``lines``)."""
    flat = chance(0.3) if flat is None else flat
    st = street(loc)
    if loc == "en-US":
        city, state, z = ch(US_CITIES)
        zipc = z + digits(2)
        if style == "pobox":
            l1 = f"PO Box {rint(10, 9999)}"
        elif style == "rural":
            l1 = ch([f"RR {rint(1, 9)} Box {rint(10, 499)}", f"Rural Route {rint(1, 9)}, Box {rint(10, 499)}",
                     f"{rint(1000, 99999)} County Road {rint(1, 99)}"])
        else:
            l1 = f"{rint(1, 9999)} {st}"
            if flat:
                l1 += ch([f", Apt {rint(1, 30)}{ch('ABCD')}", f" Apt {rint(1, 30)}{ch('ABCD')}",
                          f", Unit {rint(1, 400)}", f" #{rint(2, 40)}", f", Suite {rint(100, 900)}"])
        l2 = f"{city}, {state} {zipc}" + (f"-{digits(4)}" if chance(0.2) else "")
    elif loc == "en-GB":
        city, areas = ch(UK_CITIES)
        pc = uk_postcode(ch(areas))
        l1 = f"{rint(1, 220)} {st}"
        if flat:
            l1 = ch([f"Flat {rint(1, 30)}, ", f"Flat {rint(1, 9)}{ch('ABC')}, ", f"Apartment {rint(1, 40)}, "]) + (
                ch(["Alder Court, ", "Riverside House, ", "The Maltings, ", ""]) if chance(0.5) else "") + l1
        if style == "pobox":
            l1 = f"PO Box {rint(100, 9999)}"
        l2 = f"{city} {pc}"
    elif loc == "en-IE":
        city, rk = ch(IE_CITIES)
        eir = f"{rk} {letters(4, 'ACDEFHKNPRTVWXY0123456789')}"
        l1 = f"{rint(1, 160)} {st}, {ch(IE_TOWNLANDS)}" if chance(0.6) else f"{rint(1, 160)} {st}"
        if flat:
            l1 = f"Apartment {rint(1, 60)}, " + l1
        l2 = f"{city}, {eir}" if chance(0.6) else f"{city} {eir}"
    elif loc == "en-AU":
        sub, state, pc = ch(AU_CITIES)
        l1 = f"{rint(1, 300)} {st}"
        if flat:
            l1 = f"{ch(['Unit ', ''])}{rint(1, 40)}/{l1}" if chance(0.5) else f"Unit {rint(1, 40)}, {l1}"
        if style == "pobox":
            l1 = f"PO Box {rint(100, 9999)}"
        l2 = f"{sub.upper() if chance(0.3) else sub} {state} {pc}"
    elif loc == "en-CA":
        city, prov, fsa = ch(CA_CITIES)
        pc = f"{fsa} {rint(0, 9)}{ch(CA_LET)}{rint(0, 9)}"
        l1 = f"{rint(1, 4000)} {st}"
        if flat:
            l1 = ch([f"{rint(100, 2500)}-{l1}", f"{l1}, Apt {rint(100, 2500)}", f"Unit {rint(1, 40)}, {l1}"])
        if style == "rural":
            l1 = f"RR {rint(1, 9)}, Site {rint(1, 40)}, Comp {rint(1, 60)}"
        l2 = f"{city} {prov} {pc}" if chance(0.5) else f"{city}, {prov} {pc}"
    elif loc == "en-IN":
        city, state, pin = ch(IN_CITIES)
        l1 = ch([f"Flat {rint(101, 904)}, {ch(['Prestige', 'Sobha', 'Lodha', 'Green'])} {ch(['Residency', 'Heights', 'Towers', 'Enclave'])}",
                 f"No. {rint(1, 400)}, {rint(1, 20)}th Cross, {ch(IN_AREAS)}",
                 f"{rint(1, 200)}, {FK['en-IN'].street_name()}, {ch(IN_AREAS)}"])
        l2 = f"{city}, {state} {pin}{digits(3)}" if chance(0.5) else f"{city} - {pin}{digits(3)}"
    elif loc in ("de-DE", "de-AT", "de-CH"):
        nr = f"{rint(1, 180)}{ch(['', '', '', 'a', 'b'])}"
        l1 = f"{st} {nr}"
        if loc == "de-DE":
            city, pre = ch(DE_CITIES)
            pc = pre + digits(3)
            if flat:
                l1 += ch([f", Whg. {rint(1, 40)}", f", {rint(1, 5)}. OG", f" / Whg. {rint(1, 40)}",
                          f", {rint(1, 4)}. OG links", f", App. {rint(1, 60)}"])
        elif loc == "de-AT":
            city, pat = ch(AT_CITIES)
            pc = fill_pattern(pat)
            if flat:
                l1 = ch([f"{l1}/{rint(1, 9)}/{rint(1, 30)}", f"{l1}, Stiege {rint(1, 5)}, Top {rint(1, 40)}",
                         f"{l1}/Top {rint(1, 40)}", f"{l1}/Whg. {rint(1, 30)}"])
        else:
            city, pre = ch(CH_CITIES)
            pc = pre + digits(2)
        l2 = f"{pc} {city}"
        if loc != "de-DE" and chance(0.3):
            l2 = ("A-" if loc == "de-AT" else "CH-") + l2
    elif loc == "fr-CH":
        city, pre = ch(CHFR_CITIES)
        l1 = f"{FK['fr-CH'].street_name()} {rint(1, 90)}"
        l2 = f"{pre}{digits(2)} {city}"
    elif loc == "fr-FR":
        city, pat = ch(FR_CITIES)
        nr = f"{rint(1, 160)}{ch(['', '', '', ' bis', ' ter'])}"
        l1 = f"{nr} {st}" if chance(0.7) else f"{nr}, {st}"
        if flat and chance(0.5):
            l1 = ch([f"Appt {rint(1, 60)}, ", f"Bât. {ch('ABC')}, ", f"Résidence {ch(['Les Tilleuls', 'Le Parc', 'Les Lilas'])}, "]) + l1
        l2 = f"{fill_pattern(pat)} {city}"
    elif loc == "fr-BE":
        city, pc = ch(BE_FR_CITIES)
        l1 = f"{st} {rint(1, 200)}" + (f", bte {rint(1, 40)}" if flat else ch(["", "", f"/{rint(1, 12)}"]))
        l2 = f"{pc} {city}"
    elif loc == "nl-BE":
        city, pc = ch(BE_NL_CITIES)
        l1 = f"{st} {rint(1, 200)}" + (ch([f" bus {rint(1, 40)}", f"/{rint(1, 12)}", f" bus {rint(1, 9)}0{rint(1, 4)}"]) if flat else "")
        l2 = f"{pc} {city}"
    elif loc == "nl-NL":
        city, pre = ch(NL_CITIES)
        pc = f"{pre}{digits(2)} {letters(2, 'ABCDEGHJKLMNPRSTVWXZ')}"
        l1 = f"{st} {rint(1, 300)}" + (ch(["-II", "-1", " A", "-hs", " bis", "-3"]) if flat else "")
        l2 = f"{pc} {city}" if chance(0.7) else f"{pc}  {city.upper()}"
        l2 = l2.replace("  ", " ")
    elif loc == "es-ES":
        city, pre = ch(ES_CITIES)
        pc = pre + digits(2)
        nr = rint(1, 150)
        st2 = st.replace("Calle ", "C/ ") if chance(0.4) else st
        l1 = ch([f"{st2} {nr}", f"{st2}, {nr}", f"{st2}, n.º {nr}"])
        if flat:
            l1 += ch([f", {rint(1, 8)}º {ch(['izq.', 'dcha.', 'A', 'B', 'C'])}", f", {rint(1, 8)}º{ch('ABCD')}",
                      f", bajo {ch(['A', 'B', 'izq.'])}", f", {rint(1, 6)}.º {rint(1, 4)}.ª", ", ático"])
        l2 = f"{pc} {city}"
    elif loc == "es-MX":
        city, state, cols, pre = ch(MX_PLACES)
        pc = (pre + digits(5 - len(pre)))
        l1 = f"{st} {rint(1, 400)}" + (f" Int. {rint(1, 12)}{ch(['', 'A', 'B'])}" if flat else "") + f", {ch(cols)}"
        l2 = f"C.P. {pc}, {city}, {state}" if chance(0.5) else f"{pc} {city}, {state}"
    elif loc == "es-CO":
        city = ch(CO_CITIES)
        typ = ch(["Carrera", "Calle", "Cra.", "Cl.", "Av. Carrera", "Transversal", "Diagonal", "Calle"])
        a = f"{rint(1, 140)}{ch(['', '', 'A', 'B', ' Bis'])}"
        l1 = f"{typ} {a} # {rint(1, 120)}{ch(['', '', 'A', 'C'])}-{rint(1, 99)}"
        if flat:
            l1 += ch([f", Apto {rint(101, 1204)}", f" Apto {rint(101, 1204)}", f", Torre {rint(1, 6)} Apto {rint(101, 1204)}"])
        l2 = f"{city}, {ch(['Cundinamarca', 'Antioquia', 'Valle del Cauca', 'Atlántico', 'Santander'])}" if chance(0.3) else city
        if not lines:
            return [f"{l1}, {city}"]
    elif loc == "es-AR":
        l1 = f"{st} {rint(100, 5999)}" + (f", Piso {rint(1, 14)} Dpto. {ch('ABCDEF')}" if flat else "")
        l2 = ch([f"C{rint(1000, 1499)}{letters(3)} CABA", f"C{rint(1000, 1499)}{letters(3)} Ciudad Autónoma de Buenos Aires",
                 f"X{rint(5000, 5020)}{letters(3)} Córdoba", f"S{rint(2000, 2010)}{letters(3)} Rosario"])
    elif loc == "it-IT":
        city, pre, prov = ch(IT_CITIES)
        st2 = st if not st.lower().startswith("strada") or chance(0.3) else ch(["Via ", "Viale ", "Corso ", "Piazza "]) + st.split(" ", 1)[1]
        l1 = f"{st2}, {rint(1, 180)}" if chance(0.5) else f"{st2} {rint(1, 180)}"
        if flat:
            l1 += ch([f", int. {rint(1, 30)}", f", scala {ch('ABC')}, int. {rint(1, 20)}", f"/{ch('ABC')}"])
        l2 = f"{pre}{digits(2)} {city} ({prov})" if chance(0.6) else f"{pre}{digits(2)} {city} {prov}"
    elif loc == "pt-PT":
        city, pre = ch(PT_CITIES)
        pc = f"{pre}{digits(4 - len(pre))}-{digits(3)}"
        l1 = f"{st}, {rint(1, 250)}" if chance(0.5) else f"{st} n.º {rint(1, 250)}"
        if flat:
            l1 += ch([f", {rint(1, 8)}.º Esq.", f", {rint(1, 8)}.º Dto.", f", {rint(1, 8)}º D", ", r/c Esq.", f", {rint(1, 8)}.º Frente"])
        l2 = f"{pc} {city}"
    elif loc == "pt-BR":
        city, uf, pre = ch(BR_CITIES)
        cep = f"{pre}{digits(5 - len(pre))}-{digits(3)}"
        l1 = f"{st}, {rint(1, 3999)}" + (ch([f", Apto {rint(11, 1802)}", f", apto. {rint(11, 1802)}", f" - Apto {rint(11, 1802)} Bloco {ch('ABC')}", f", casa {rint(1, 9)}"]) if flat else "")
        l1 += f" - {ch(BR_BAIRROS)}" if chance(0.6) else ""
        l2 = f"{city} - {uf}, {cep}" if chance(0.5) else f"CEP {cep} - {city}/{uf}"
    elif loc == "pl-PL":
        city, pres = ch(PL_CITIES)
        pc = f"{ch(pres)}-{digits(3)}"
        l1 = f"{st} {rint(1, 150)}" + (ch([f" m. {rint(1, 90)}", f"/{rint(1, 90)}", f" lok. {rint(1, 40)}"]) if flat else ch(["", "", f"{ch('ABC')}"]))
        l2 = f"{pc} {city}"
    elif loc == "sv-SE":
        city, pre = ch(SE_CITIES)
        pc = f"{pre}{digits(1)} {digits(2)}"
        l1 = f"{st} {rint(1, 120)}{ch(['', '', 'A', 'B'])}" + (ch([f" lgh {rint(10, 16)}0{rint(1, 4)}", f", {rint(1, 6)} tr", f" lgh {rint(1001, 1604)}"]) if flat else "")
        l2 = f"{pc} {city}"
    elif loc == "da-DK":
        city, pat = ch(DK_CITIES)
        l1 = f"{st} {rint(1, 150)}{ch(['', '', 'A', 'B'])}" + (ch([f", {rint(1, 6)}. tv.", f", {rint(1, 6)}. th.", ", st. tv.", f", {rint(1, 5)}. sal", f", {rint(1, 4)}. mf."]) if flat else "")
        l2 = f"{fill_pattern(pat)} {city}"
    elif loc == "nb-NO":
        city, pat = ch(NO_CITIES)
        l1 = f"{st} {rint(1, 120)}{ch(['', '', 'A', 'B', 'C'])}" + (f", H0{rint(1, 6)}0{rint(1, 4)}" if flat else "")
        l2 = f"{fill_pattern(pat)} {city}"
    elif loc == "fi-FI":
        city, pat = ch(FI_CITIES)
        l1 = f"{st} {rint(1, 90)}" + (f" {ch('ABCD')} {rint(1, 60)}" if flat else ch(["", "", f" {ch('ABC')}"]))
        l2 = f"{fill_pattern(pat)} {city.upper() if chance(0.3) else city}"
    elif loc == "cs-CZ":
        city, pc = ch(CZ_CITIES)
        l1 = f"{st} {rint(100, 2999)}/{rint(1, 80)}" if chance(0.6) else f"{st} {rint(1, 120)}"
        l2 = f"{pc} {city}"
    elif loc == "tr-TR":
        dist, city, pre = ch(TR_PLACES)
        pc = pre + digits(2)
        l1 = f"{ch(TR_MAH)} {st} No: {rint(1, 180)}" if chance(0.5) else f"{st} No:{rint(1, 180)}"
        if flat:
            l1 += ch([f" D: {rint(1, 30)}", f" Daire: {rint(1, 30)}", f"/{rint(1, 30)}", f" Kat: {rint(1, 9)} D: {rint(1, 30)}"])
        l2 = f"{pc} {dist}/{city}"
    elif loc == "ja-JP":
        area, ward, city, pc = ch(JP_PLACES)
        l1 = f"{rint(1, 5)}-{rint(1, 25)}-{rint(1, 30)} {area}, {ward}" + (f", Apt {rint(101, 1208)}" if flat and chance(0.5) else "")
        if flat and chance(0.5):
            l1 = f"{ch(['Sunny Heights', 'Maison', 'Park Court', 'Grand Palace'])} {rint(101, 1208)}, " + l1
        l2 = f"{city} {pc}"
    elif loc == "hu-HU":
        city, pat = ch(HU_CITIES)
        l1 = f"{st} {rint(1, 120)}." + (f" {rint(1, 6)}. em. {rint(1, 20)}." if flat else "")
        l1 = l1.rstrip(".")
        l2 = f"{fill_pattern(pat)} {city}"
        if not lines:
            return [f"{l2}, {l1}"]
    elif loc == "ro-RO":
        city, pat = ch(RO_CITIES)
        l1 = f"{st} nr. {rint(1, 150)}" + (f", bl. {ch('ABCDM')}{rint(1, 9)}, sc. {rint(1, 4)}, ap. {rint(1, 80)}" if flat else "")
        l2 = f"{fill_pattern(pat)} {city}"
    elif loc == "el-GR":
        city, pat = ch(GR_CITIES)
        l1 = f"{st} {rint(1, 150)}"
        l2 = f"{fill_pattern(pat)} {city}"
    else:
        raise ValueError(loc)
    if lines:
        return [l1, l2]
    sep = ", " if loc not in ("de-DE", "de-AT", "de-CH") or flat or chance(0.8) else " "
    return [f"{l1}{sep}{l2}"]


def addr1(loc, **kw) -> str:
    return address(loc, **kw)[0]


def city_only(loc):
    tables = {"en-US": [c[0] for c in US_CITIES], "en-GB": [c[0] for c in UK_CITIES],
              "de-DE": [c[0] for c in DE_CITIES], "fr-FR": [c[0] for c in FR_CITIES],
              "es-ES": [c[0] for c in ES_CITIES], "it-IT": [c[0] for c in IT_CITIES],
              "nl-NL": [c[0] for c in NL_CITIES], "pt-PT": [c[0] for c in PT_CITIES],
              "pl-PL": [c[0] for c in PL_CITIES], "sv-SE": [c[0] for c in SE_CITIES]}
    return ch(tables[loc])


# ---------------------------------------------------------------------------
# contact values
# ---------------------------------------------------------------------------
FOLD = {"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "ł": "l", "Ł": "L", "ı": "i", "đ": "d",
        "œ": "oe", "å": "a", "ä": "ae", "ö": "oe", "ü": "ue"}


def fold(s: str, german=False) -> str:
    if not german:
        s = s.replace("ä", "a").replace("ö", "o").replace("ü", "u").replace("å", "a")
    s = "".join(FOLD.get(c, c) for c in s)
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return s


MAIL_DOMAINS = {
    "en-US": ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com", "aol.com", "proton.me"],
    "en-GB": ["gmail.com", "btinternet.com", "outlook.com", "hotmail.co.uk", "yahoo.co.uk", "sky.com"],
    "en-IE": ["gmail.com", "eircom.net", "outlook.ie", "hotmail.com"],
    "en-AU": ["gmail.com", "bigpond.com", "outlook.com.au", "optusnet.com.au"],
    "en-CA": ["gmail.com", "rogers.com", "shaw.ca", "sympatico.ca", "outlook.com"],
    "en-IN": ["gmail.com", "rediffmail.com", "yahoo.co.in", "outlook.com"],
    "de-DE": ["gmx.de", "web.de", "t-online.de", "gmail.com", "posteo.de", "freenet.de", "mailbox.org"],
    "de-AT": ["gmx.at", "aon.at", "chello.at", "gmail.com", "a1.net"],
    "de-CH": ["bluewin.ch", "gmx.ch", "sunrise.ch", "gmail.com", "hispeed.ch"],
    "fr-CH": ["bluewin.ch", "gmail.com", "romandie.com", "hispeed.ch"],
    "fr-BE": ["skynet.be", "gmail.com", "telenet.be", "hotmail.be", "proximus.be"],
    "fr": ["orange.fr", "free.fr", "laposte.net", "gmail.com", "sfr.fr", "hotmail.fr", "wanadoo.fr"],
    "es": ["gmail.com", "hotmail.es", "yahoo.es", "telefonica.net", "outlook.es"],
    "es-MX": ["gmail.com", "hotmail.com", "prodigy.net.mx", "outlook.com", "yahoo.com.mx"],
    "es-AR": ["gmail.com", "hotmail.com.ar", "fibertel.com.ar", "yahoo.com.ar"],
    "es-CO": ["gmail.com", "hotmail.com", "une.net.co", "outlook.com"],
    "it": ["libero.it", "gmail.com", "virgilio.it", "alice.it", "tiscali.it", "hotmail.it"],
    "nl-NL": ["ziggo.nl", "kpnmail.nl", "gmail.com", "hotmail.nl", "xs4all.nl", "planet.nl"],
    "nl-BE": ["telenet.be", "skynet.be", "gmail.com", "hotmail.be"],
    "pt-PT": ["gmail.com", "sapo.pt", "hotmail.com", "netcabo.pt", "outlook.pt"],
    "pt-BR": ["gmail.com", "uol.com.br", "bol.com.br", "terra.com.br", "hotmail.com", "yahoo.com.br"],
    "pl": ["wp.pl", "onet.pl", "interia.pl", "gmail.com", "o2.pl"],
    "sv": ["telia.com", "gmail.com", "hotmail.se", "bredband.net", "outlook.com"],
    "da": ["gmail.com", "mail.dk", "hotmail.dk", "outlook.dk"],
    "nb": ["online.no", "gmail.com", "hotmail.no", "live.no"],
    "cs": ["seznam.cz", "email.cz", "centrum.cz", "gmail.com"],
    "tr": ["gmail.com", "hotmail.com", "yandex.com.tr", "outlook.com"],
    "fi": ["gmail.com", "luukku.com", "hotmail.fi"],
    "hu": ["freemail.hu", "gmail.com", "citromail.hu"],
    "ro": ["yahoo.com", "gmail.com"],
    "el": ["gmail.com", "otenet.gr", "yahoo.gr"],
    "ja": ["gmail.com", "yahoo.co.jp", "docomo.ne.jp"],
    "zh": ["qq.com", "163.com", "gmail.com"],
}
WORK_DOMAINS = ["brightlane.io", "nordkap-logistik.de", "atelier-verde.fr", "hollandtech.nl", "kappa-srl.it",
                "tecnored.es", "pixelharbor.co.uk", "fjordsoft.no", "vistula-consulting.pl", "alpenrad.at",
                "meridian-health.org", "oakridge-law.com", "polarbyte.se", "kodlab.com.tr", "lumenpay.eu",
                "brasa-digital.com.br", "solvik.dk", "tatra-dev.cz", "helio-care.com", "quaystone.ie"]


def email(p: Person | None = None, loc: str = "en-US", work: bool = False) -> str:
    p = p or P(loc)
    fi = re.sub(r"[^a-z]", "", fold(p.first.split()[0].split("-")[0].lower()))
    la = re.sub(r"[^a-z]", "", fold(p.last.split()[-1].lower()))
    if work:
        dom = ch(WORK_DOMAINS)
        local = ch([f"{fi}.{la}", f"{fi[0]}.{la}", f"{fi}", f"{la}", f"{fi[0]}{la}"])
    else:
        dom = ch(MAIL_DOMAINS.get(loc) or MAIL_DOMAINS[lang_of(loc)])
        local = ch([f"{fi}.{la}", f"{fi}{la}", f"{fi}_{la}", f"{fi}.{la}{rint(1, 99)}", f"{fi[0]}{la}{rint(60, 99)}",
                    f"{la}.{fi}", f"{fi}{rint(1970, 2005)}", f"{fi}.{la[0]}", f"{la}{fi[0]}"])
    return f"{local}@{dom}"


# phones -------------------------------------------------------------------
PHONE_PREFIX = {
    ("DE", "m"): ["151", "152", "157", "160", "162", "170", "171", "172", "173", "174", "175", "176", "177", "178", "179", "159"],
    ("DE", "f"): ["30", "40", "89", "221", "69", "711", "211", "341", "351", "511", "911", "228", "761"],
    ("GB", "m"): ["74", "75", "77", "78", "79"],
    ("GB", "f"): ["20", "161", "113", "117", "131", "121", "1223", "1865", "29"],
    ("US", "m"): ["206", "312", "415", "512", "617", "646", "720", "503", "919", "608"],
    ("US", "f"): ["206", "312", "415", "512", "617", "646", "720", "503", "919", "608"],
    ("FR", "m"): ["6", "7"], ("FR", "f"): ["1", "2", "3", "4", "5"],
    ("ES", "m"): ["6", "7"], ("ES", "f"): ["91", "93", "96", "95"],
    ("IT", "m"): ["32", "33", "34", "35", "36", "38", "39"], ("IT", "f"): ["02", "06", "011", "081", "051", "055"],
    ("NL", "m"): ["6"], ("NL", "f"): ["20", "10", "30", "70", "40", "50"],
    ("PL", "m"): ["50", "51", "53", "57", "60", "66", "69", "72", "78", "79", "88"], ("PL", "f"): ["22", "12", "71", "61", "58"],
}


def phone(loc: str, typ: str | None = None, style: str | None = None) -> str:
    region = REGION[loc]
    typ = typ or ch("mmf")
    want = phonenumbers.PhoneNumberType.MOBILE if typ == "m" else phonenumbers.PhoneNumberType.FIXED_LINE
    ok_types = {want, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    desc = meta.mobile if typ == "m" else meta.fixed_line
    ex = phonenumbers.example_number_for_type(region, want)
    exn = phonenumbers.national_significant_number(ex)
    # lengths at least as long as the example number: avoids rare short numbers
    lengths = [n for n in desc.possible_length if n >= len(exn)] or [len(exn)]
    prefixes = PHONE_PREFIX.get((region, typ)) or [exn[:2], exn[:3]]
    cc = meta.country_code
    for _ in range(20000):
        pre = ch(prefixes)
        n = ch(lengths)
        if n <= len(pre) + 3:
            continue
        nsn = pre + digits(n - len(pre))
        if region in ("US", "CA") and (nsn[3:6] == "555" or nsn[4:6] == "11" or nsn[3] in "01"):
            continue
        if region == "GB" and nsn.startswith(("7700900", "2079460", "1134960", "1174960", "1314960", "1614960", "1214960", "2920180")):
            continue
        if region == "AU" and nsn.startswith(("491570", "491571", "491572", "255501")):
            continue
        num = phonenumbers.parse(f"+{cc}{nsn}")
        if phonenumbers.is_valid_number(num) and phonenumbers.number_type(num) in ok_types \
                and phonenumbers.region_code_for_number(num) == region:
            break
    else:
        raise RuntimeError(f"no phone for {loc}")
    style = style or ch(["intl", "intl", "natl", "natl", "e164"])
    if style == "intl":
        s = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    elif style == "natl":
        s = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL)
    elif style == "e164":
        s = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    elif style == "dash":
        s = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL)
        s = re.sub(r"[()]", "", s).replace(" ", "-")
    else:
        raise ValueError(style)
    assert phonenumbers.is_valid_number(phonenumbers.parse(s, region)), s
    return s


# cards / ibans / ips / ssn / secrets --------------------------------------
TEST_CARDS = {"4111111111111111", "4242424242424242", "5555555555554444", "378282246310005",
              "6011111111111117", "4000056655665556", "5105105105105100", "4012888888881881",
              "371449635398431", "5200828282828210", "4000000000000002", "3530111333300000",
              "4222222222222", "6011000990139424", "2223003122003222", "4000002500003155"}


def card(brand: str | None = None, style: str | None = None) -> str:
    brand = brand or ch(["visa", "visa", "visa", "mc", "mc", "amex", "discover", "jcb"])
    while True:
        if brand == "visa":
            body, n = "4" + digits(5), 16
        elif brand == "mc":
            body, n = (ch(["51", "52", "53", "54", "55"]) + digits(4)) if chance(0.8) else str(rint(2221, 2720)) + digits(2), 16
        elif brand == "amex":
            body, n = ch(["34", "37"]) + digits(4), 15
        elif brand == "discover":
            body, n = "6011" + digits(2), 16
        else:
            body, n = str(rint(3528, 3589)) + digits(2), 16
        body += digits(n - 1 - len(body))
        num = body + luhn.calc_check_digit(body)
        if num not in TEST_CARDS and len(set(num[6:])) > 3:
            break
    assert luhn.is_valid(num)
    style = style or ch(["space", "space", "dash", "plain"])
    g = [num[:4], num[4:10], num[10:]] if n == 15 else [num[i:i + 4] for i in range(0, 16, 4)]
    return {"space": " ".join(g), "dash": "-".join(g), "plain": num}[style]


def _bban(cc: str) -> str:
    if cc == "DE":
        return ch(["10010010", "12030000", "20041111", "37040044", "50010517", "70150000", "43060967", "10050000"]) + digits(10)
    if cc == "AT":
        return ch(["12000", "20111", "14000", "32000", "19043"]) + digits(11)
    if cc == "CH":
        return ch(["00762", "00230", "08401", "00700"]) + digits(12)
    if cc == "FR":
        return ch(["30004", "20041", "30003", "10278", "17515"]) + digits(5) + digits(11) + digits(2)
    if cc == "ES":
        return ch(["2100", "0049", "0182", "2085", "0081"]) + digits(4) + digits(2) + digits(10)
    if cc == "IT":
        return ch("ABCDEFGHIJKLMNOPQRSTUVWXYZ") + ch(["03069", "02008", "05034", "03062"]) + digits(5) + digits(12)
    if cc == "NL":
        return ch(["ABNA", "INGB", "RABO", "TRIO", "SNSB", "ASNB", "KNAB", "BUNQ"]) + digits(10)
    if cc == "BE":
        return digits(12)
    if cc == "PT":
        return ch(["0035", "0033", "0007", "0036", "0010"]) + digits(4) + digits(13)
    if cc == "PL":
        return digits(24)
    if cc == "SE":
        return ch(["500", "800", "300", "600"]) + digits(17)
    if cc == "DK":
        return digits(14)
    if cc == "NO":
        return digits(11)
    if cc == "FI":
        return digits(14)
    if cc == "CZ":
        return ch(["0800", "0100", "0300", "2010"]) + digits(16)
    if cc == "TR":
        return digits(5) + "0" + digits(16)
    if cc == "GB":
        return ch(["NWBK", "BARC", "LOYD", "HBUK", "MIDL", "NAIA"]) + digits(6) + digits(8)
    if cc == "IE":
        return ch(["AIBK", "BOFI"]) + digits(6) + digits(8)
    if cc == "LU":
        return ch(["001", "002", "003"]) + digits(13)
    if cc == "HU":
        return digits(24)
    if cc == "RO":
        return ch(["BTRL", "RNCB", "BRDE", "INGB"]) + digits(16)
    if cc == "GR":
        return ch(["011", "017", "026"]) + digits(4) + digits(16)
    raise ValueError(cc)


DOC_IBANS = {"DE89370400440532013000", "GB82WEST12345698765432", "GB29NWBK60161331926819",
             "FR1420041010050500013M02606", "NL91ABNA0417164300", "ES9121000418450200051332",
             "IT60X0542811101000000123456", "BE68539007547034", "CH9300762011623852957"}


def iban(cc: str, style: str | None = None) -> str:
    for _ in range(100000):
        b = _bban(cc)
        num = cc + std_iban.calc_check_digits(cc + "00" + b) + b
        if std_iban.is_valid(num) and num not in DOC_IBANS:
            break
    else:
        raise RuntimeError(cc)
    style = style or ch(["group", "group", "compact"])
    return std_iban.format(num) if style == "group" else num


def ipv4() -> str:
    while True:
        a = rint(1, 223)
        ip = ipaddress.ip_address(f"{a}.{rint(0, 255)}.{rint(0, 255)}.{rint(1, 254)}")
        if ip.is_global and not ip.is_multicast and a not in (100, 127):
            return str(ip)


def ipv6() -> str:
    while True:
        def h():
            return f"{rint(0, 0xffff):x}"
        ip = ipaddress.ip_address(f"{ch(['2a02', '2a01', '2a00', '2001', '2003', '2600', '2a0a', '2c0f'])}:{h()}:{h()}:{h()}:{h()}:{h()}:{h()}:{h()}")
        if ip.is_global:
            return str(ip.compressed)


def ssn(style=None) -> str:
    while True:
        a = rint(1, 899)
        if a == 666:
            continue
        s = f"{a:03d}{rint(1, 99):02d}{rint(1, 9999):04d}"
        if us_ssn.is_valid(s) and s not in ("078051120", "219099999", "123456789"):
            break
    style = style or ch(["dash", "dash", "dash", "space", "plain"])
    return {"dash": f"{s[:3]}-{s[3:5]}-{s[5:]}", "space": f"{s[:3]} {s[3:5]} {s[5:]}", "plain": s}[style]


ALNUM = string.ascii_letters + string.digits


def password() -> str:
    kind = rint(0, 3)
    if kind == 0:
        return "".join(R.choice(ALNUM + "!#$%&*?@-_") for _ in range(rint(10, 18)))
    if kind == 1:
        w = ch(["Sommer", "Winter", "Fenix", "Kaktus", "Bluebird", "Tigre", "Marzipan", "Ostsee", "Lofoten",
                "Pomodoro", "Kanelbulle", "Zefir", "Tulipan", "Havfrue", "Sardinha"])
        return f"{w}{rint(10, 2029)}{ch('!?#$%&*')}{ch(['', '', letters(2)])}"
    if kind == 2:
        w = [ch(["correct", "horse", "purple", "rocket", "maple", "tundra", "velvet", "quartz", "pickle", "ember"]) for _ in range(3)]
        return ch(["-", ".", "_"]).join(w) + str(rint(1, 99))
    return letters(1) + "".join(R.choice(ALNUM) for _ in range(7)) + ch("!$%") + digits(2)


def api_key(kind=None) -> str:
    kind = kind or ch(["openai", "stripe", "github", "aws", "slack", "google", "hex", "jwt", "anthropic", "sendgrid"])
    def an(n):
        return "".join(R.choice(ALNUM) for _ in range(n))
    if kind == "openai":
        return "sk-proj-" + an(40)
    if kind == "anthropic":
        return "sk-ant-api03-" + an(44) + "-" + an(12) + "AA"
    if kind == "stripe":
        return "sk_live_" + an(32)
    if kind == "github":
        return "ghp_" + an(36)
    if kind == "aws":
        return "AKIA" + letters(16, string.ascii_uppercase + "234567")
    if kind == "aws_secret":
        return "".join(R.choice(ALNUM + "+/") for _ in range(40))
    if kind == "slack":
        return f"xoxb-{digits(12)}-{digits(13)}-{an(24)}"
    if kind == "google":
        return "AIza" + "".join(R.choice(ALNUM + "-_") for _ in range(35))
    if kind == "hex":
        return "".join(R.choice("0123456789abcdef") for _ in range(ch([32, 40, 64])))
    if kind == "sendgrid":
        return "SG." + an(22) + "." + an(43)
    if kind == "jwt":
        def b(n):
            return "".join(R.choice(ALNUM + "-_") for _ in range(n))
        return "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9." + "eyJ" + b(rint(40, 90)) + "." + b(43)
    raise ValueError(kind)


def pin(n=None) -> str:
    while True:
        s = digits(n or ch([4, 4, 4, 6]))
        if len(set(s)) > 1 and s not in ("1234", "123456", "0000"):
            return s


# ---------------------------------------------------------------------------
# identity numbers (each validated with python-stdnum or a local checker)
# ---------------------------------------------------------------------------
def _brute(prefix: str, alphabet: str, n: int, valid) -> str | None:
    cands = [""]
    for _ in range(n):
        cands = [c + a for c in cands for a in alphabet]
    for c in cands:
        if valid(prefix + c):
            return prefix + c
    return None


def icao_check(s: str) -> str:
    def val(c):
        return int(c) if c.isdigit() else ord(c) - 55
    return str(sum(val(c) * w for c, w in zip(s, [7, 3, 1] * 20, strict=False)) % 10)


DE_ID_ALPHA = "CFGHJKLMNPRTVWXYZ0123456789"


def de_personalausweis() -> str:
    s = ch("LMNPRTVWXY") + "".join(ch(DE_ID_ALPHA) for _ in range(8))
    s += icao_check(s)
    assert de_personalausweis_valid(s), s
    return s


def de_personalausweis_valid(s: str) -> bool:
    return len(s) == 10 and s[0] in "LMNPRTVWXY" and all(c in DE_ID_ALPHA for c in s[1:9]) and icao_check(s[:9]) == s[9]


def de_reisepass() -> str:
    return "C" + "".join(ch(DE_ID_ALPHA) for _ in range(8))


def de_steuerid(style=None) -> str:
    while True:
        s = str(rint(1, 9)) + digits(9)
        r = _brute(s, string.digits, 1, de_idnr.is_valid)
        if r:
            break
    style = style or ch(["plain", "space"])
    return r if style == "plain" else f"{r[:2]} {r[2:5]} {r[5:8]} {r[8:]}"


def _cross(n: int) -> int:
    return n if n < 10 else n // 10 + n % 10


def de_kvnr_check(s9: str) -> str:
    """KVNR (eGK Krankenversichertennummer): letter + 8 digits + check digit."""
    d = f"{ord(s9[0]) - 64:02d}" + s9[1:]
    return str(sum(_cross(int(c) * w) for c, w in zip(d, [1, 2] * 10, strict=False)) % 10)


def de_kvnr() -> str:
    s = ch(string.ascii_uppercase) + digits(8)
    s += de_kvnr_check(s)
    assert de_kvnr_valid(s), s
    return s


def de_kvnr_valid(s: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]\d{9}", s)) and de_kvnr_check(s[:9]) == s[9]


def de_rvnr_check(s11: str) -> str:
    d = s11[:8] + f"{ord(s11[8]) - 64:02d}" + s11[9:11]
    return str(sum(_cross(int(c) * w) for c, w in zip(d, [2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1], strict=False)) % 10)


def de_rvnr(d: dt.date, p: Person, style=None) -> str:
    area = ch(["12", "13", "15", "18", "23", "24", "25", "26", "28", "29", "38", "39", "40", "42", "53", "54", "65", "66"])
    ser = f"{rint(0, 49) if p.g == 'm' else rint(50, 99):02d}"
    init = fold(p.last.split()[-1])[0].upper()
    s = area + d.strftime("%d%m%y") + init + ser
    s += de_rvnr_check(s)
    assert de_rvnr_valid(s), s
    return s if (style or ch(["plain", "space"])) == "plain" else f"{s[:2]} {s[2:8]} {s[8]} {s[9:]}"


def de_rvnr_valid(s: str) -> bool:
    s = s.replace(" ", "")
    return bool(re.fullmatch(r"\d{8}[A-Z]\d{3}", s)) and de_rvnr_check(s[:11]) == s[11]


def at_svnr(d: dt.date, style=None) -> str:
    while True:
        body = str(rint(1, 9)) + digits(2) + "0" + d.strftime("%d%m%y")
        c = at_vnr.calc_check_digit(body)
        if c != "10" and len(c) == 1:
            s = body[:3] + c + body[4:]
            if at_vnr.is_valid(s):
                break
    return s if (style or ch(["space", "plain"])) == "plain" else f"{s[:4]} {s[4:]}"


def ch_ahv(style=None) -> str:
    while True:
        r = _brute("756" + digits(9), string.digits, 1, ch_ssn.is_valid)
        if r:
            break
    return r if style == "plain" else f"{r[:3]}.{r[3:7]}.{r[7:11]}.{r[11:]}"


FR_DEPTS = ["75", "69", "13", "33", "59", "31", "44", "67", "35", "34", "38", "21", "92", "93", "94", "06", "76", "29"]


def fr_nir_for(d: dt.date, p: Person, style=None) -> str:
    sex = "1" if p.g == "m" else "2"
    body = sex + d.strftime("%y%m") + ch(FR_DEPTS) + f"{rint(1, 990):03d}" + f"{rint(1, 999):03d}"
    s = body + fr_nir.calc_check_digits(body)
    assert fr_nir.is_valid(s), s
    if (style or ch(["space", "space", "plain"])) == "plain":
        return s
    return f"{s[0]} {s[1:3]} {s[3:5]} {s[5:7]} {s[7:10]} {s[10:13]} {s[13:]}"


def fr_numero_fiscal() -> str:
    while True:
        s10 = str(rint(0, 3)) + digits(9)
        s = s10 + f"{int(s10) % 511:03d}"
        if fr_nif.is_valid(s):
            return ch([s, f"{s[:2]} {s[2:4]} {s[4:7]} {s[7:10]} {s[10:]}"])


def fr_passport() -> str:
    return f"{rint(10, 24)}{letters(2)}{digits(5)}"


def es_dni(style=None) -> str:
    n = f"{rint(100000, 99999999):08d}"
    s = n + std_dni.calc_check_digit(n)
    assert std_dni.is_valid(s)
    return s if (style or ch(["plain", "plain", "dash", "dots"])) == "plain" else (
        f"{n}-{s[-1]}" if style == "dash" else f"{n[:2]}.{n[2:5]}.{n[5:]}-{s[-1]}")


def es_nie() -> str:
    n = ch("XYZ") + digits(7)
    s = n + std_nie.calc_check_digit(n)
    assert std_nie.is_valid(s)
    return ch([s, f"{s[0]}-{s[1:8]}-{s[8]}"])


def it_cf(p: Person, d: dt.date, city: str) -> str:
    def cons(s):
        return [c for c in s if c.isalpha() and c not in "AEIOU"]

    def vows(s):
        return [c for c in s if c in "AEIOU"]

    sur = re.sub(r"[^A-Z]", "", fold(p.last).upper())
    nam = re.sub(r"[^A-Z]", "", fold(p.first.split()[0]).upper())
    sc = (cons(sur) + vows(sur) + ["X"] * 3)[:3]
    nc = cons(nam)
    nc = [nc[0], nc[2], nc[3]] if len(nc) >= 4 else (nc + vows(nam) + ["X"] * 3)[:3]
    day = d.day + (40 if p.g == "f" else 0)
    body = "".join(sc + nc) + d.strftime("%y") + "ABCDEHLMPRST"[d.month - 1] + f"{day:02d}" + IT_BELFIORE[city]
    s = body + std_cf.calc_check_digit(body)
    assert std_cf.is_valid(s), s
    return s


def nl_bsn(style=None) -> str:
    while True:
        r = _brute(str(rint(1, 9)) + digits(7), string.digits, 1, std_bsn.is_valid)
        if r:
            break
    return r if (style or ch(["plain", "plain", "dots"])) == "plain" else f"{r[:4]}.{r[4:6]}.{r[6:]}"


def nl_idcard() -> str:
    al = "ABCDEFGHIJKLMNPQRSTUVWXYZ"
    while True:
        s = letters(2, al) + "".join(ch(al + string.digits) for _ in range(6)) + digits(1)
        if nl_idk.is_valid(s):
            return s


def be_nn_for(d: dt.date, p: Person) -> str:
    cnt = rint(1, 997)
    if (cnt % 2 == 1) != (p.g == "m"):
        cnt += 1
    r = _brute(d.strftime("%y%m%d") + f"{cnt:03d}", string.digits, 2,
               lambda s: be_nn.is_valid(s) and be_nn.get_birth_date(s) == d)
    assert r
    return ch([be_nn.format(r), r, f"{r[:6]}-{r[6:9]}-{r[9:]}"])


def be_eid_card() -> str:
    while True:
        r = _brute(digits(10), string.digits, 2, be_eid.is_valid)
        if r:
            return be_eid.format(r)


def pl_pesel_for(d: dt.date, p: Person) -> str:
    mm = d.month + (20 if d.year >= 2000 else 0)
    ser = digits(3) + str(ch([1, 3, 5, 7, 9]) if p.g == "m" else ch([0, 2, 4, 6, 8]))
    body = d.strftime("%y") + f"{mm:02d}" + d.strftime("%d") + ser
    s = body + pl_pesel.calc_check_digit(body)
    assert pl_pesel.is_valid(s) and pl_pesel.get_birth_date(s) == d
    return s


def pl_dowod() -> str:
    """Polish ID card number: 3 letters + check digit + 5 digits (weights 7,3,1,9,7,3,1,7,3)."""
    def al(c):
        return int(c) if c.isdigit() else ord(c) - 55
    s = letters(3) + "0" + digits(5)
    base = sum(al(x) * w for x, w in zip(s, [7, 3, 1, 0, 7, 3, 1, 7, 3], strict=False))
    dgt = next(d for d in range(10) if (base + 9 * d) % 10 == 0)
    s = s[:3] + str(dgt) + s[4:]
    assert pl_dowod_valid(s), s
    return ch([s, f"{s[:3]} {s[3:]}"])


def pl_dowod_valid(s: str) -> bool:
    s = s.replace(" ", "")
    def al(c):
        return int(c) if c.isdigit() else ord(c) - 55
    return bool(re.fullmatch(r"[A-Z]{3}\d{6}", s)) and sum(al(x) * w for x, w in zip(s, [7, 3, 1, 9, 7, 3, 1, 7, 3], strict=False)) % 10 == 0


def se_pnr_for(d: dt.date, p: Person, long=None) -> str:
    while True:
        ser = digits(2) + str(ch([1, 3, 5, 7, 9]) if p.g == "m" else ch([0, 2, 4, 6, 8]))
        r = _brute(d.strftime("%y%m%d") + ser, string.digits, 1, lambda s: se_pnr.is_valid(s[:6] + "-" + s[6:]))
        if r:
            break
    s = f"{r[:6]}-{r[6:]}"
    long = chance(0.4) if long is None else long
    if long:
        s = f"{d.year // 100}{s}" if chance(0.5) else f"{d.year // 100}{r}"
    assert se_pnr.is_valid(s), s
    return s


def no_fnr_for(d: dt.date) -> str:
    while True:
        ind = f"{rint(0, 499):03d}" if d.year < 2000 else f"{rint(500, 999):03d}"
        b = d.strftime("%d%m%y") + ind
        k1 = no_fnr.calc_check_digit1(b)
        if len(k1) != 1:
            continue
        k2 = no_fnr.calc_check_digit2(b + k1)
        if len(k2) != 1:
            continue
        s = b + k1 + k2
        if no_fnr.is_valid(s) and no_fnr.get_birth_date(s) == d:
            return ch([s, f"{s[:6]} {s[6:]}"])


def fi_hetu_for(d: dt.date) -> str:
    sign = "-" if d.year < 2000 else "A"
    z = f"{rint(2, 899):03d}"
    b = d.strftime("%d%m%y")
    c = "0123456789ABCDEFHJKLMNPRSTUVWXY"[int(b + z) % 31]
    s = f"{b}{sign}{z}{c}"
    assert fi_hetu.is_valid(s), s
    return s


def dk_cpr_for(d: dt.date) -> str:
    assert 1937 <= d.year <= 1999 or 2000 <= d.year <= 2036
    while True:
        c7 = str(rint(0, 3)) if d.year < 2000 else "4"
        s = d.strftime("%d%m%y") + c7 + digits(3)
        if dk_cpr.is_valid(s) and dk_cpr.get_birth_date(s) == d:
            return ch([f"{s[:6]}-{s[6:]}", s, f"{s[:6]}-{s[6:]}"])


def cz_rc_for(d: dt.date, p: Person) -> str:
    mm = d.month + (50 if p.g == "f" else 0)
    for _ in range(1000):
        if d.year < 1954:
            r = d.strftime("%y") + f"{mm:02d}" + d.strftime("%d") + digits(3)
            if cz_rc.is_valid(r) and cz_rc.get_birth_date(r) == d:
                return f"{r[:6]}/{r[6:]}"
            continue
        r = _brute(d.strftime("%y") + f"{mm:02d}" + d.strftime("%d") + digits(3), string.digits, 1,
                   lambda s: int(s) % 11 == 0 and cz_rc.is_valid(s))
        if r and cz_rc.get_birth_date(r) == d:
            return ch([f"{r[:6]}/{r[6:]}", f"{r[:6]}/{r[6:]}", r])
    raise RuntimeError(f"rc {d}")


def tr_tckn() -> str:
    b = str(rint(1, 9)) + digits(8)
    s = b + tr_tck.calc_check_digits(b)
    assert tr_tck.is_valid(s)
    return s


def ro_cnp_for(d: dt.date, p: Person) -> str:
    sx = ("1" if p.g == "m" else "2") if d.year < 2000 else ("5" if p.g == "m" else "6")
    b = sx + d.strftime("%y%m%d") + f"{rint(1, 40):02d}" + f"{rint(1, 999):03d}"
    s = b + ro_cnp.calc_check_digit(b)
    assert ro_cnp.is_valid(s), s
    return s


def hu_taj() -> str:
    while True:
        b = digits(8)
        if b[0] == "0":
            continue
        c = sum(int(x) * (3 if i % 2 == 0 else 7) for i, x in enumerate(b)) % 10
        s = b + str(c)
        assert hu_taj_valid(s), s
        return ch([f"{s[:3]} {s[3:6]} {s[6:]}", f"{s[:3]}-{s[3:6]}-{s[6:]}", s])


def hu_taj_valid(s: str) -> bool:
    s = re.sub(r"[ -]", "", s)
    return bool(re.fullmatch(r"\d{9}", s)) and sum(int(x) * (3 if i % 2 == 0 else 7) for i, x in enumerate(s[:8])) % 10 == int(s[8])


def gr_amka_for(d: dt.date) -> str:
    while True:
        r = _brute(d.strftime("%d%m%y") + digits(4), string.digits, 1, gr_amka.is_valid)
        if r and gr_amka.get_birth_date(r).strftime("%d%m%y") == d.strftime("%d%m%y"):
            return r


def pt_nif_p() -> str:
    b = str(ch([1, 2, 2, 3])) + digits(7)
    s = b + pt_nif.calc_check_digit(b)
    assert pt_nif.is_valid(s)
    return ch([s, f"{s[:3]} {s[3:6]} {s[6:]}"])


def pt_cc_num() -> str:
    while True:
        b = digits(8) + digits(1) + letters(2) + digits(1)
        b = b[:11] + pt_cc.calc_check_digit(b[:11])
        if pt_cc.is_valid(b):
            return ch([f"{b[:8]} {b[8]} {b[9:]}", b])
        r = _brute(b[:11], string.digits, 1, pt_cc.is_valid)
        if r:
            return ch([f"{r[:8]} {r[8]} {r[9:]}", r])


def br_cpf_num() -> str:
    while True:
        r = _brute(digits(9), string.digits, 2, br_cpf.is_valid)
        if r and len(set(r)) > 2:
            return ch([br_cpf.format(r), br_cpf.format(r), r])


MX_STATES = ["DF", "JC", "NL", "PL", "MC", "VZ", "GT", "YN", "QT", "CH", "BC", "SL"]


def mx_curp_for(p: Person, d: dt.date) -> str:
    def up(s):
        return re.sub(r"[^A-Z]", "", fold(s).upper().replace("Ñ", "X"))

    pat, *mat = p.last.split()
    pat, mat = up(pat), up(mat[0] if mat else "X")
    nam = up(p.first.split()[0])
    iv = next((c for c in pat[1:] if c in "AEIOU"), "X")
    def ic(s):
        return next((c for c in s[1:] if c not in "AEIOU"), "X")
    for _ in range(50):
        body = (pat[0] + iv + mat[0] + nam[0] + d.strftime("%y%m%d") + ("H" if p.g == "m" else "M")
                + ch(MX_STATES) + ic(pat) + ic(mat) + ic(nam) + (str(rint(0, 9)) if d.year < 2000 else ch("ABCDEFGH")))
        s = body + mx_curp.calc_check_digit(body + "0")
        if mx_curp.is_valid(s):
            return s
    raise RuntimeError("curp")


def in_aadhaar_num() -> str:
    while True:
        b = str(rint(2, 9)) + digits(10)
        s = b + verhoeff.calc_check_digit(b)
        if in_aadhaar.is_valid(s):
            return ch([f"{s[:4]} {s[4:8]} {s[8:]}", f"{s[:4]} {s[4:8]} {s[8:]}", s])


def in_pan_for(p: Person) -> str:
    s = letters(3) + "P" + fold(p.last.split()[-1])[0].upper() + digits(4) + letters(1)
    assert in_pan.is_valid(s), s
    return s


NINO_BAD_PREFIX = {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}


def nino_valid(s: str) -> bool:
    s = s.replace(" ", "")
    m = re.fullmatch(r"([A-CEGHJ-PR-TW-Z])([A-CEGHJ-NPR-TW-Z])(\d{6})([A-D])", s)
    return bool(m) and (m.group(1) + m.group(2)) not in NINO_BAD_PREFIX


def uk_nino(style=None) -> str:
    while True:
        s = ch("ABCEGHJKLMNPRSTWXYZ") + ch("ABCEGHJKLMNPRSTWXYZ") + digits(6) + ch("ABCD")
        if nino_valid(s):
            break
    return s if (style or ch(["space", "plain"])) == "plain" else f"{s[:2]} {s[2:4]} {s[4:6]} {s[6:8]} {s[8]}"


def uk_nhs(style=None) -> str:
    while True:
        r = _brute(str(rint(4, 9)) + digits(8), string.digits, 1, gb_nhs.is_valid)
        if r:
            break
    return r if style == "plain" else f"{r[:3]} {r[3:6]} {r[6:]}"


def uk_driving_licence(p: Person, d: dt.date) -> str:
    sur = re.sub(r"[^A-Z]", "", fold(p.last).upper())
    sur = (sur + "99999")[:5]
    mm = d.month + (50 if p.g == "f" else 0)
    ini = (re.sub(r"[^A-Z]", "", fold(p.first).upper())[:1] + (re.sub(r"[^A-Z]", "", fold(p.middle).upper())[:1] if p.middle else "9"))
    s = f"{sur}{str(d.year)[2]}{mm:02d}{d.day:02d}{str(d.year)[3]}{ini}{rint(0, 9)}{letters(2)}"
    assert re.fullmatch(r"[A-Z9]{5}\d{6}[A-Z9]{2}\d[A-Z]{2}", s), s
    return s


def ie_pps_num() -> str:
    while True:
        r = _brute(digits(7), "ABCDEFGHIJKLMNOPQRSTUVW", 1, ie_pps.is_valid)
        if r:
            return r + ("A" if chance(0.2) else "") if ie_pps.is_valid(r + "A") else r


def ca_sin_num() -> str:
    while True:
        r = _brute(str(rint(1, 7)) + digits(7), string.digits, 1, ca_sin.is_valid)
        if r:
            return ch([f"{r[:3]} {r[3:6]} {r[6:]}", f"{r[:3]}-{r[3:6]}-{r[6:]}", r])


def au_tfn_num() -> str:
    while True:
        r = _brute(digits(8), string.digits, 1, au_tfn.is_valid)
        if r and r[0] != "0":
            return ch([f"{r[:3]} {r[3:6]} {r[6:]}", r])


CN_AREAS = ["110101", "110105", "310104", "310115", "440106", "440305", "510104", "330106", "320102", "420106"]


def cn_ric_for(d: dt.date, p: Person) -> str:
    for _ in range(100):
        seq = f"{rint(0, 99):02d}" + str(ch([1, 3, 5, 7, 9]) if p.g == "m" else ch([0, 2, 4, 6, 8]))
        b = ch(CN_AREAS) + d.strftime("%Y%m%d") + seq
        s = b + cn_ric.calc_check_digit(b + "0")
        if cn_ric.is_valid(s):
            return s
    raise RuntimeError("ric")


def us_passport() -> str:
    return ch([str(rint(5, 6)) + digits(8), "A" + digits(8), str(rint(1, 9)) + digits(8)])


def us_itin_num() -> str:
    while True:
        s = f"9{digits(2)}{ch(['70', '71', '72', '73', '78', '80', '83', '88', '90', '91', '94', '99'])}{digits(4)}"
        if us_itin.is_valid(s):
            return f"{s[:3]}-{s[3:5]}-{s[5:]}"


US_DL = {
    "CA": lambda: letters(1) + digits(7),
    "NY": lambda: f"{digits(3)} {digits(3)} {digits(3)}",
    "FL": lambda: f"{letters(1)}{digits(3)}-{digits(3)}-{digits(2)}-{digits(3)}-{digits(1)}",
    "TX": lambda: digits(8),
    "WA": lambda: "WDL" + "".join(ch(string.ascii_uppercase + string.digits) for _ in range(9)),
    "IL": lambda: f"{letters(1)}{digits(3)}-{digits(4)}-{digits(4)}",
    "PA": lambda: f"{digits(2)} {digits(3)} {digits(3)}",
    "OR": lambda: digits(7),
    "CO": lambda: f"{digits(2)}-{digits(3)}-{digits(4)}",
}

MBI_A = "ACDEFGHJKMNPQRTUVWXY"


def us_mbi() -> str:
    an = MBI_A + string.digits
    s = (str(rint(1, 9)) + ch(MBI_A) + ch(an) + digits(1) + ch(MBI_A) + ch(an) + digits(1)
         + ch(MBI_A) + ch(MBI_A) + digits(1) + digits(1))
    assert re.fullmatch(r"[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d[AC-HJKMNP-RT-Y]{2}\d{2}", s)
    return ch([s, f"{s[:4]}-{s[4:7]}-{s[7:]}"])


def mrn(style=None) -> str:
    return ch([digits(8), "00" + digits(6), f"{letters(1)}{digits(7)}", f"MRN-{digits(7)}", f"{digits(3)}-{digits(3)}-{digits(3)}",
               f"H{digits(6)}", f"{rint(10, 99)}/{digits(6)}"])


def co_cedula() -> str:
    n = rint(10_000_000, 1_099_999_999)
    return ch([f"{n:,}".replace(",", "."), str(n)])


def ar_dni() -> str:
    n = rint(20_000_000, 45_999_999)
    return ch([f"{n:,}".replace(",", "."), str(n)])


def jp_passport() -> str:
    return ch(["TK", "TR", "TZ", "MU", "ML"]) + digits(7)


def br_rg() -> str:
    return f"{rint(10, 59)}.{digits(3)}.{digits(3)}-{ch(string.digits + 'X')}"




# ---------------------------------------------------------------------------
# template registry and helpers
# ---------------------------------------------------------------------------
TEMPLATES: list[dict] = []


def pos(name: str, n: int):
    def deco(fn):
        TEMPLATES.append({"name": name, "polarity": "positive", "n": n, "fn": fn, "category": None})
        return fn
    return deco


def neg(name: str, category: str, n: int):
    def deco(fn):
        TEMPLATES.append({"name": name, "polarity": "negative", "n": n, "fn": fn, "category": category})
        return fn
    return deco


def per(s): return L("person", s)
def adr(s): return L("address", s)
def bdl(s): return L("date_of_birth", s)
def idl(s): return L("id_number", s)
def phl(s): return L("phone", s)
def eml(s): return L("email", s)
def ipl(s): return L("ip", s)
def crd(s): return L("card", s)
def ibl(s): return L("iban", s)
def snl(s): return L("ssn", s)
def sec(s): return L("secret", s)


def adr_block(loc, sep="\n", **kw) -> list:
    l1, l2 = address(loc, lines=True, **kw)
    return [adr(l1), sep, adr(l2)]


def opt(t: str, segment: str, p: float = 0.5) -> str:
    """Keep ``segment`` of template ``t`` with probability ``p``."""
    assert segment in t, segment
    return t if chance(p) else t.replace(segment, "", 1)


def other_date(loc, y0=2024, y1=2026, style=None) -> str:
    return fmt_date(rand_date(y0, y1), loc, style)


def name_form(p: Person, forms=("full",)) -> str:
    f = ch(forms)
    return {"full": p.full, "sfirst": p.surname_first, "upper": p.upper_surname, "title": p.titled(),
            "lower": p.lower}[f]


def order_no() -> str:
    return ch([f"ORD-{rint(2023, 2026)}-{digits(6)}", f"#{rint(100000, 999999)}", f"A{digits(7)}",
               f"{digits(3)}-{digits(7)}-{digits(7)}", f"SO{digits(8)}", f"RE-{rint(2024, 2026)}-{digits(5)}",
               f"INV-{digits(6)}", f"{letters(2)}{digits(8)}"])


def tracking_no() -> str:
    return ch([f"1Z{letters(3)}{digits(3)}{digits(10)}", f"JJD{digits(18)}", f"00{digits(18)}", f"{letters(2)}{digits(9)}DE",
               f"{digits(12)}", f"LX{digits(9)}CN"])


def money(cur="€") -> str:
    v = rint(300, 2400)
    return f"{v} {cur}" if cur in ("€", "zł", "kr", "Kč", "CHF", "TL") else f"{cur}{v:,}"


COMPANIES = ["Brightlane Consulting", "Nordkap Logistik GmbH", "Atelier Verde SARL", "Hollandtech B.V.",
             "Kappa Servizi S.r.l.", "Tecnored S.L.", "Pixel Harbor Ltd", "Fjordsoft AS", "Vistula Consulting Sp. z o.o.",
             "Alpenrad GmbH", "Meridian Health", "Oakridge Legal LLP", "Polarbyte AB", "Kodlab Yazılım A.Ş.",
             "Lumenpay", "Brasa Digital Ltda.", "Solvik ApS", "Tatra Dev s.r.o.", "Quaystone Insurance"]


# ---------------------------------------------------------------------------
# POSITIVE templates -- English
# ---------------------------------------------------------------------------
@pos("en_email_signature", 8)
def _():
    loc = ch(["en-US", "en-CA", "en-AU", "en-GB", "en-IE"])
    p = P(loc, middle=chance(0.2))
    body = ch([
        "Please find the revised schedule attached. Let me know if anything clashes with the audit on {d}.",
        "Thanks for the quick turnaround on the proposal. I've left a few comments in the shared doc; the client call is on {d}.",
        "Following up on yesterday's call: the updated quote is attached and valid until {d}.",
        "Just a reminder that the invoices for last quarter are due by {d}. Happy to jump on a call if anything is unclear.",
    ]).format(d=other_date(loc))
    pre = ch(["Can you make this email sound friendlier?\n\n", "Translate this email into Spanish:\n\n",
              "Shorten this, keep the signature:\n\n", ""])
    sig = [per(p.full), "\n", ch(["Senior Account Manager", "Project Lead", "Office Manager", "Freelance Translator", "Head of Operations"]),
           " | ", ch(COMPANIES), "\n"]
    if chance(0.5):
        sig += ["M: ", phl(phone(loc, "m")), " | E: ", eml(email(p, loc, work=True)), "\n"]
    else:
        sig += ["Tel. ", phl(phone(loc)), "\n", eml(email(p, loc, work=True)), "\n"]
    sig += adr_block(loc) if chance(0.6) else [adr(addr1(loc))]
    return loc, T("⟦pre⟧Hi all,\n\n⟦body⟧\n\nBest regards,\n⟦sig⟧", pre=pre, body=body, sig=sig)


@pos("en_hr_new_starter", 6)
def _():
    loc = "en-GB"
    p = P(loc, middle=chance(0.3), hyphen=chance(0.15))
    e = P(loc)
    rel = ch(["partner", "mother", "father", "sister", "husband", "wife", "brother"])
    name = ch([p.full, p.surname_first, p.full])
    t = ("New starter form – please set up payroll and building access\n\n"
         "Full name: ⟦name⟧\nDate of birth: ⟦dob⟧\nNational Insurance number: ⟦ni⟧\nHome address:\n⟦addr⟧\n"
         "Start date: ⟦start⟧\nContract: ⟦contract⟧\nEmergency contact: ⟦e⟧ (⟦rel⟧), ⟦eph⟧\n\n"
         "Can you turn this into a welcome email from HR?")
    return loc, T(t, name=per(name), dob=bdl(fmt_date(dob(1960, 2004), loc)), ni=idl(uk_nino()),
                  addr=adr_block(loc), start=other_date(loc), contract=ch(["permanent, full-time", "fixed-term 12 months", "part-time 0.6 FTE"]),
                  e=per(e.full), rel=rel, eph=phl(phone(loc, "m")))


@pos("en_medical_referral", 7)
def _():
    loc = ch(["en-GB", "en-GB", "en-US", "en-IE", "en-AU"])
    p = P(loc)
    doc = P(loc)
    sender = P(loc)
    d = dob(1940, 2004)
    age = 2025 - d.year
    ident = ["NHS No. ", idl(uk_nhs())] if loc == "en-GB" else ["MRN ", idl(mrn())]
    head = ["Re: ", per(ch([p.upper_surname, p.surname_first, p.full])), ", DOB ", bdl(fmt_date(d, loc)), ", "] + ident
    cond = ch(["a six-week history of exertional chest tightness", "recurrent migraines with visual aura",
               "persistent right knee pain after a fall", "poorly controlled type 2 diabetes (HbA1c 71 mmol/mol)",
               "a new irregular pigmented lesion on the left shoulder", "low mood and insomnia since bereavement"])
    t = ("Summarise this referral letter in plain English for the patient:\n\n⟦head⟧\n\nDear ⟦doc⟧,\n\n"
         "Thank you for seeing this ⟦age⟧-year-old ⟦sex⟧ who presents with ⟦cond⟧. Observations today were unremarkable. "
         "I would be grateful for your assessment; the patient is available from ⟦avail⟧.\n\nYours sincerely,\n\nDr ⟦sender⟧\nGeneral Practitioner")
    return loc, T(t, head=head, doc=per(f"Dr {doc.last}"),
                  age=str(age), sex="man" if p.g == "m" else "woman", cond=cond, avail=other_date(loc), sender=per(sender.full))


@pos("en_tenancy_agreement", 6)
def _():
    loc = ch(["en-GB", "en-IE", "en-AU"])
    ll, tn = P(loc), P(loc, middle=chance(0.3))
    cur = {"en-GB": "£", "en-IE": "€", "en-AU": "A$"}[loc]
    prop = addr1(loc, flat=True)
    t = ("Is the break clause in this tenancy agreement fair to the tenant?\n\n"
         "THIS ASSURED SHORTHOLD TENANCY AGREEMENT is made on ⟦made⟧ between:\n"
         "Landlord: ⟦ll⟧ of ⟦lla⟧\nTenant: ⟦tn⟧ (date of birth ⟦dob⟧)\nProperty: ⟦prop⟧\n\n"
         "1. The tenancy begins on ⟦start⟧ for a fixed term of 12 months at a rent of ⟦rent⟧ per calendar month.\n"
         "2. Either party may end the tenancy after six months by giving two months' written notice.")
    if loc != "en-GB":
        t = t.replace("ASSURED SHORTHOLD TENANCY", "RESIDENTIAL TENANCY")
    return loc, T(t, made=other_date(loc), ll=per(ll.full), lla=adr(addr1(loc)), tn=per(tn.full),
                  dob=bdl(fmt_date(dob(1970, 2004), loc)), prop=adr(prop), start=other_date(loc), rent=f"{cur}{rint(900, 2600):,}")


@pos("en_chat_lowercase", 7)
def _():
    loc = ch(["en-US", "en-GB", "en-AU", "en-CA", "en-IE"])
    p = P(loc)
    a = addr1(loc).lower()
    t = ch([
        "hey its ⟦p⟧ again lol. can u help me write a complaint to my landlord? i live at ⟦a⟧ and the heating has been broken for 3 weeks",
        "ok so my name is ⟦p⟧ and i need a cover letter for a barista job, keep it short. my address is ⟦a⟧ and my cell is ⟦ph⟧",
        "pls fix the grammar: 'hi, ⟦p⟧ here, i moved to ⟦a⟧ last month so pls send the parcel there, thx'",
        "write a text to my neighbour saying sorry about the party. sign it from ⟦p⟧, ⟦a⟧",
    ])
    return loc, T(t, p=per(p.lower), a=adr(a), ph=phl(phone(loc, "m", "natl")))


@pos("en_csv_customers", 5)
def _():
    loc = ch(["en-US", "en-GB", "en-CA"])
    parts = ["Dedupe this customer export and sort by surname:\n\nname,dob,email,phone,city\n"]
    dstyle = ch(["iso", "us" if loc == "en-US" else "dmy"])
    for _i in range(rint(3, 4)):
        p = P(loc)
        parts += ['"', per(p.surname_first), '",', bdl(fmt_date(dob(1950, 2005), loc, dstyle)), ",",
                  eml(email(p, loc)), ",", phl(phone(loc, style=ch(["e164", "natl"]))),
                  ",", city_only("en-US" if loc == "en-US" else "en-GB") if loc != "en-CA" else ch(["Toronto", "Ottawa", "Calgary"]), "\n"]
    return loc, parts


@pos("en_passport_booking", 5)
def _():
    loc = ch(["en-US", "en-GB", "en-CA", "en-AU"])
    ps = [P(loc), P(loc)]
    t = ("Fill in the passenger details for the Lisbon trip in this format please:\n\n"
         "Passenger 1: ⟦p1⟧, passport ⟦pp1⟧ (expires ⟦ex1⟧), born ⟦d1⟧\n"
         "Passenger 2: ⟦p2⟧, passport ⟦pp2⟧, born ⟦d2⟧\nBooking ref: ⟦ref⟧, flight TP1351 on ⟦fl⟧")
    ppn = (lambda: us_passport()) if loc == "en-US" else (lambda: digits(9) if loc == "en-GB" else letters(2) + digits(6) if loc == "en-CA" else letters(1) + digits(7))
    return loc, T(t, p1=per(ps[0].full), pp1=idl(ppn()), ex1=other_date(loc, 2027, 2034), d1=bdl(fmt_date(dob(), loc)),
                  p2=per(ps[1].full), pp2=idl(ppn()), d2=bdl(fmt_date(dob(), loc)), ref=letters(6, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"),
                  fl=other_date(loc))


@pos("en_w4_ssn", 7)
def _():
    loc = "en-US"
    p = P(loc, middle=chance(0.4))
    t = ch([
        "I'm filling out a W-4 for my new job. My name is ⟦p⟧, SSN ⟦ssn⟧, and I live at ⟦a⟧. I'm single with no dependents – which boxes do I tick?",
        "Draft a letter to the SSA asking for a replacement card.\n\nName: ⟦p⟧\nSSN: ⟦ssn⟧\nMailing address: ⟦a⟧\nDate of birth: ⟦dob⟧",
        "Employee record\nName: ⟦p⟧\nSocial Security No.: ⟦ssn⟧\nHome: ⟦a⟧\nHire date: ⟦hire⟧\n\nExplain what a 1099 vs W-2 would mean for this employee.",
    ])
    return loc, T(t, p=per(p.full), ssn=snl(ssn()), a=adr(addr1(loc)), dob=bdl(fmt_date(dob(), loc)), hire=other_date(loc))


@pos("en_support_card", 8)
def _():
    loc = ch(["en-US", "en-GB", "en-AU", "en-CA"])
    p = P(loc)
    o = order_no()
    t = ("Ticket #⟦tk⟧ | Priority: High\nFrom: ⟦p⟧ <⟦em⟧>\nSubject: charged twice for order ⟦o⟧\n\n"
         "Hi, I placed order ⟦o⟧ on ⟦d⟧ and my card ⟦cc⟧ was charged twice. Please refund one of the payments. "
         "You can call me on ⟦ph⟧.\n\n---\nWrite a polite reply apologising and confirming the refund.")
    return loc, T(t, tk=str(rint(10000, 99999)), p=per(p.full), em=eml(email(p, loc)), o=o, d=other_date(loc),
                  cc=crd(card()), ph=phl(phone(loc)))


@pos("en_ie_pps_revenue", 4)
def _():
    loc = "en-IE"
    p = P(loc)
    me = P(loc)
    t = ch([
        "I'm filling in the Revenue form for my mother, ⟦p⟧, PPSN ⟦pps⟧, address ⟦a⟧. She was born on ⟦dob⟧. Is she entitled to the age tax credit?",
        "Write a cover note to the Department of Social Protection.\nClaimant: ⟦p⟧\nPPS number: ⟦pps⟧\nDate of birth: ⟦dob⟧\nAddress: ⟦a⟧\nPrepared by ⟦me⟧",
    ])
    return loc, T(t, p=per(p.full), pps=idl(ie_pps_num()), a=adr(addr1(loc)), dob=bdl(fmt_date(dob(1940, 1960), loc)), me=per(me.full))


@pos("en_au_tfn_declaration", 4)
def _():
    loc = "en-AU"
    p = P(loc, middle=chance(0.3))
    t = ("Check this TFN declaration before I send it to payroll:\n\n"
         "Tax file number: ⟦tfn⟧\nName: ⟦p⟧\nDate of birth: ⟦dob⟧\nHome address: ⟦a⟧\n"
         "Are you an Australian resident for tax purposes? Yes\nClaim tax-free threshold? ⟦yn⟧")
    return loc, T(t, tfn=idl(au_tfn_num()), p=per(ch([p.full, p.surname_first, p.upper_surname])),
                  dob=bdl(fmt_date(dob(), loc)), a=adr(addr1(loc, style=ch([None, None, "pobox"]))), yn=ch(["Yes", "No"]))


@pos("en_ca_sin_payroll", 4)
def _():
    loc = "en-CA"
    p = P(loc)
    t = ch([
        "Please update my payroll file: ⟦p⟧, SIN ⟦sin⟧. New home address as of ⟦d⟧: ⟦a⟧.",
        "Write an email to Service Canada. I'm ⟦p⟧ (SIN ⟦sin⟧, born ⟦dob⟧) and I never received my T4. My address: ⟦a⟧",
    ])
    return loc, T(t, p=per(p.full), sin=idl(ca_sin_num()), d=other_date(loc), a=adr(addr1(loc, style=ch([None, None, None, "rural"]))),
                  dob=bdl(fmt_date(dob(), loc)))


@pos("en_in_kyc", 5)
def _():
    loc = "en-IN"
    p = P(loc)
    fa = Person(loc, g="m")
    fa.last = p.last
    t = ("KYC details for the new savings account – check for missing fields:\n"
         "Name: ⟦p⟧\nFather's name: ⟦fa⟧\nDOB: ⟦dob⟧\nPAN: ⟦pan⟧\nAadhaar: ⟦aad⟧\nAddress: ⟦a⟧\nMobile: ⟦ph⟧")
    t = opt(t, "\nMobile: ⟦ph⟧")
    return loc, T(t, p=per(p.full), fa=per(fa.full), dob=bdl(fmt_date(dob(), loc, ch(["dmy", "dmy", "en_long"]))),
                  pan=idl(in_pan_for(p)), aad=idl(in_aadhaar_num()), a=adr(addr1(loc)), ph=phl(phone(loc, "m")))


@pos("en_access_log", 7)
def _():
    loc = "en-US"
    lines = ["Why do these logins fail? Logs below:\n\n"]
    parts = list(lines)
    for _i in range(rint(3, 5)):
        ts = f"2025-{rint(1, 12):02d}-{rint(1, 28):02d}T{rint(0, 23):02d}:{rint(0, 59):02d}:{rint(0, 59):02d}Z"
        p = P(ch(["en-US", "en-GB", "de-DE", "fr-FR", "nl-NL"]))
        ip = ipv4() if chance(0.8) else ipv6()
        status = ch(["401 invalid_password", "200 ok", "429 rate_limited", "403 mfa_required"])
        parts += [f"{ts} auth.login user=", eml(email(p, p.loc)), " src=", ipl(ip), f" status={status}",
                  ch(["", f" upstream=10.0.{rint(0, 9)}.{rint(2, 250)}:8080"]), "\n"]
    return loc, parts


@pos("en_env_paste", 8)
def _():
    loc = ch(["en-US", "en-GB"])
    p = P(loc)
    pw = password()
    kk = ch(["openai", "anthropic", "stripe", "sendgrid", "google"])
    ak = api_key(kk)
    keyname = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY", "stripe": "STRIPE_SECRET_KEY",
               "sendgrid": "SENDGRID_API_KEY", "google": "MAPS_API_KEY"}[kk]
    t = ("why does my app crash on startup? here's my .env:\n\n"
         "DATABASE_URL=postgres://app:⟦pw⟧@db.internal:5432/app\n⟦keyname⟧=⟦ak⟧\nDEBUG=true\nADMIN_EMAIL=⟦em⟧\nPORT=8080")
    return loc, T(t, pw=sec(pw), keyname=keyname, ak=sec(ak), em=eml(email(p, loc, work=True)))


@pos("en_birth_announcement", 5)
def _():
    loc = ch(["en-GB", "en-US", "en-AU", "en-IE"])
    baby = P(loc, middle=chance(0.6))
    d = dob(2015, 2024)
    t = ch([
        "Help me write a short speech for my daughter ⟦b⟧'s christening. She was born on ⟦d⟧ at 3.12am, weighing 7lb 2oz.",
        "Draft a birth announcement card: ⟦b⟧, born ⟦d⟧, proud parents ⟦p1⟧ and ⟦p2⟧.",
        "My son ⟦b⟧ (date of birth ⟦d⟧) needs a letter for his school explaining his absence on ⟦o⟧. Can you write it?",
    ])
    return loc, T(t, b=per(baby.full), d=bdl(fmt_date(d, loc, "en_ord" if loc != "en-US" and chance(0.5) else None)),
                  p1=per(P(loc).full), p2=per(P(loc).full), o=other_date(loc))


@pos("en_dvla_licence", 4)
def _():
    loc = "en-GB"
    p = P(loc, middle=chance(0.4))
    d = dob(1950, 2005)
    t = ch([
        "I need to update the address on my driving licence. Licence number ⟦dl⟧, name ⟦p⟧. Old address: ⟦a1⟧. New address: ⟦a2⟧. What do I do?",
        "Car hire form:\nDriver: ⟦p⟧\nDate of birth: ⟦dob⟧\nDVLA licence no.: ⟦dl⟧\nAddress: ⟦a1⟧\nExplain the excess waiver options.",
    ])
    return loc, T(t, dl=idl(uk_driving_licence(p, d)), p=per(p.full), a1=adr(addr1(loc)), a2=adr(addr1(loc)),
                  dob=bdl(fmt_date(d, loc)))


@pos("en_json_record", 5)
def _():
    loc = ch(["en-US", "en-GB", "en-AU", "en-CA"])
    p = P(loc)
    t = ('Convert this JSON record into a human-readable summary:\n\n{\n  "customer": {\n    "name": "⟦p⟧",\n'
         '    "birthDate": "⟦dob⟧",\n    "address": "⟦a⟧",\n    "phone": "⟦ph⟧",\n    "loyaltyTier": "gold",\n'
         '    "createdAt": "⟦c⟧"\n  }\n}')
    t = opt(t, "\n    \"phone\": \"⟦ph⟧\",")
    return loc, T(t, p=per(p.full), dob=bdl(dob().isoformat()), a=adr(addr1(loc)), ph=phl(phone(loc, style="e164")),
                  c=rand_date(2020, 2025).isoformat() + "T09:12:44Z")


@pos("en_reference_letter", 4)
def _():
    loc = ch(["en-GB", "en-US", "en-IE"])
    p = P(loc)
    w = P(loc)
    t = ("Polish this reference letter:\n\nTo whom it may concern,\n\nI have known ⟦t⟧ for five years as ⟦his⟧ line manager at ⟦co⟧. "
         "⟦t2⟧ was reliable, kind to colleagues and always met deadlines. As Maya Angelou put it, people never forget how you made "
         "them feel. I recommend ⟦him⟧ without reservation.\n\nKind regards,\n⟦w⟧")
    t = opt(t, "As Maya Angelou put it, people never forget how you made them feel. ")
    tt = p.titled("en")
    return loc, T(t, t=per(tt), his="his" if p.g == "m" else "her", him="him" if p.g == "m" else "her",
                  co=ch(COMPANIES), t2=per(tt), w=per(w.full))


@pos("en_medicare_claim", 4)
def _():
    loc = "en-US"
    p = P(loc, middle=chance(0.3))
    t = ("Write an appeal letter for this denied claim.\n\nBeneficiary: ⟦p⟧\nMedicare Number (MBI): ⟦mbi⟧\nDate of birth: ⟦dob⟧\n"
         "Address: ⟦a⟧\nClaim number: ⟦cl⟧\nDate of service: ⟦dos⟧\nReason for denial: not medically necessary")
    return loc, T(t, p=per(p.full), mbi=idl(us_mbi()), dob=bdl(fmt_date(dob(1935, 1960), loc)), a=adr(addr1(loc)),
                  cl=digits(13), dos=other_date(loc))


@pos("en_us_driver_licence", 5)
def _():
    loc = "en-US"
    p = P(loc)
    st = ch(list(US_DL))
    style = ch([None, None, "pobox", "rural"])
    t = ch([
        "Rental application\nApplicant: ⟦p⟧\nDriver's license: ⟦dl⟧ (⟦st⟧)\nDOB: ⟦dob⟧\nMailing address: ⟦a⟧\n\nIs anything missing before I submit?",
        "Can you write a letter to the DMV? My license number is ⟦dl⟧ (⟦st⟧), I'm ⟦p⟧, born ⟦dob⟧, and my mail goes to ⟦a⟧.",
    ])
    return loc, T(t, p=per(p.full), dl=idl(US_DL[st]()), st=st, dob=bdl(fmt_date(dob(), loc)), a=adr(addr1(loc, style=style)))


@pos("en_japanese_colleague", 5)
def _():
    loc = "ja-JP"
    p = P(loc)
    nm = ch([f"{p.last} {p.first}", f"{p.first} {p.last}", f"{p.last.upper()} {p.first}"])
    t = ("Translate into Japanese: 'Dear colleague, we are sending the contract to ⟦p⟧ at ⟦a⟧. "
         "Please call ⟦ph⟧ if the courier cannot deliver it.'")
    return loc, T(t, p=per(nm), a=adr(addr1(loc)), ph=phl(phone(loc, style=ch(["intl", "natl"]))))


@pos("en_chinese_visa_invitation", 5)
def _():
    loc = "zh-CN"
    p = P(loc)
    nm = ch([f"{p.last} {p.first}", f"{p.last.upper()} {p.first}"])
    d = dob(1965, 2000)
    t = ("Draft a visa invitation letter for our supplier. Guest: Mr/Ms ⟦p⟧, Resident ID ⟦ric⟧, date of birth ⟦dob⟧, "
         "passport ⟦pp⟧. Visit dates: ⟦v1⟧ to ⟦v2⟧.")
    return loc, T(t, p=per(nm), ric=idl(cn_ric_for(d, p)), dob=bdl(fmt_date(d, loc)), pp=idl("E" + digits(8)),
                  v1=other_date("en-GB"), v2=other_date("en-GB"))


@pos("en_bank_refund", 6)
def _():
    loc = ch(["en-GB", "en-IE"])
    p = P(loc)
    t = ("Write a short note to accounts: please refund the deposit to ⟦p⟧, IBAN ⟦ib⟧, for the flat at ⟦a⟧. "
         "The tenancy ended on ⟦d⟧.")
    return loc, T(t, p=per(p.full), ib=ibl(iban("GB" if loc == "en-GB" else "IE")), a=adr(addr1(loc, flat=True)), d=other_date(loc))


@pos("en_itin_tax", 4)
def _():
    loc = "en-US"
    p = P(ch(["es-MX", "pt-BR", "en-IN", "zh-CN"]))
    t = ("I'm not eligible for an SSN. My ITIN is ⟦itin⟧ and my name on the return is ⟦p⟧. "
         "How do I file jointly with my spouse ⟦s⟧, whose SSN is ⟦ssn⟧?")
    return loc, T(t, itin=idl(us_itin_num()), p=per(p.full), s=per(P("en-US").full), ssn=snl(ssn()))


@pos("en_meeting_attendance", 4)
def _():
    loc = ch(["en-GB", "en-US", "en-AU"])
    people = [P(loc, particle=chance(0.15), hyphen=chance(0.15)) for _ in range(rint(3, 4))]
    parts = ["Turn these notes into minutes:\n\nAttendees: "]
    for i, p in enumerate(people):
        if i:
            parts.append(", ")
        parts.append(per(p.full))
    parts += [f"\nDate: {other_date(loc)}\n- Budget for Q3 approved (Ref. {order_no()})\n- ", per(people[0].titled("en")),
              " to circulate the revised plan\n- Next review on ", other_date(loc)]
    return loc, parts


@pos("en_wifi_pin_secret", 6)
def _():
    loc = ch(["en-US", "en-GB", "en-AU"])
    t = ch([
        "Make a welcome card for our Airbnb guests. Wifi: FlatNet-5G, password ⟦pw⟧. Key safe code ⟦pin⟧. Checkout by 10am.",
        "note to self (don't share): bank app pin ⟦pin⟧, email password ⟦pw⟧. Actually can you suggest a better way to store these?",
        "My router admin login is admin / ⟦pw⟧ and I can't get port forwarding to work for 8443, what do I check?",
    ])
    return loc, T(t, pw=sec(password()), pin=sec(pin()))


# ---------------------------------------------------------------------------
# POSITIVE templates -- German (DE/AT/CH)
# ---------------------------------------------------------------------------
@pos("de_mietvertrag", 6)
def _():
    loc = "de-DE"
    vm, mt = P(loc, particle=chance(0.15)), P(loc, hyphen=chance(0.2))
    whg = address(loc, flat=True)[0]
    t = ("Bitte prüfe diesen Mietvertrag auf unwirksame Klauseln:\n\nMietvertrag über Wohnraum\n\nzwischen\n⟦vm⟧\n⟦vma⟧\n"
         "– nachfolgend „Vermieter“ –\n\nund\n⟦mt⟧, geb. ⟦dob⟧\nbisher wohnhaft: ⟦alt⟧\n– nachfolgend „Mieter“ –\n\n"
         "§ 1 Mietsache\nVermietet wird die Wohnung ⟦whg⟧ (3 Zimmer, ca. ⟦qm⟧ m²).\n§ 2 Mietbeginn: ⟦beg⟧\n"
         "§ 3 Die Kaltmiete beträgt ⟦miete⟧ monatlich, fällig bis zum dritten Werktag.")
    return loc, T(t, vm=per(vm.full), vma=adr_block(loc), mt=per(mt.full), dob=bdl(fmt_date(dob(1965, 2004), loc)),
                  alt=adr(addr1(loc)), whg=adr(whg), qm=str(rint(48, 110)), beg=other_date(loc), miete=money("€"))


@pos("de_lebenslauf", 6)
def _():
    loc = ch(["de-DE", "de-DE", "de-AT", "de-CH"])
    p = P(loc)
    geb = ch(["Geburtsdatum: ⟦dob⟧", "geboren am ⟦dob⟧ in ⟦city⟧", "Geb.-Datum: ⟦dob⟧"])
    t = ("Kannst du meinen Lebenslauf moderner formulieren?\n\nLEBENSLAUF\n\nPersönliche Daten\nName: ⟦p⟧\n" + geb +
         "\nAnschrift: ⟦a⟧\nTelefon: ⟦ph⟧\nE-Mail: ⟦em⟧\n\nBerufserfahrung\nseit 03/2021  ⟦job⟧, ⟦co⟧\n2016–2021  Sachbearbeiterin Einkauf"
         "\n\nInteressen: Jazz (Miles Davis), Lesen (Thomas Mann, Juli Zeh)")
    t = opt(t, "\n\nInteressen: Jazz (Miles Davis), Lesen (Thomas Mann, Juli Zeh)")
    t = opt(t, "\nTelefon: ⟦ph⟧")
    return loc, T(t, p=per(p.full), dob=bdl(fmt_date(dob(1970, 2002), loc)), city=ch(["Kassel", "Erfurt", "Linz", "Basel", "Ulm"]),
                  a=adr(addr1(loc)), ph=phl(phone(loc)), em=eml(email(p, loc)),
                  job=ch(["Projektleiterin", "Teamleiter Logistik", "Junior Controller", "UX-Designerin"]), co=ch(COMPANIES))


@pos("de_ausweis_bank", 5)
def _():
    loc = "de-DE"
    p = P(loc)
    t = ch([
        "Für die Kontoeröffnung brauche ich eine E-Mail an die Bank. Meine Daten: ⟦p⟧, geb. ⟦dob⟧, Personalausweisnummer ⟦pa⟧, Steuer-ID ⟦st⟧.",
        "Formular Identitätsprüfung\nName, Vorname: ⟦psf⟧\nGeburtsdatum: ⟦dob⟧\nAusweisnummer: ⟦pa⟧\nSteuerliche Identifikationsnummer: ⟦st⟧\n\nWas bedeutet „wirtschaftlich Berechtigter“ hier?",
        "Mein Reisepass (Nr. ⟦rp⟧) läuft ab, mein Perso hat die Nummer ⟦pa⟧. Ich heiße ⟦p⟧. Reicht der Personalausweis für eine Reise nach Norwegen?",
    ])
    return loc, T(t, p=per(p.full), psf=per(p.surname_first), dob=bdl(fmt_date(dob(), loc)), pa=idl(de_personalausweis()),
                  st=idl(de_steuerid()), rp=idl(de_reisepass()))


@pos("de_arztbrief", 6)
def _():
    loc = ch(["de-DE", "de-DE", "de-AT"])
    pt = P(loc)
    kol = P(loc)
    abs_ = P(loc)
    ident = ["KVNR ", idl(de_kvnr())] if loc == "de-DE" else ["SV-Nr. ", idl(at_svnr(dob()))]
    d = dob(1940, 2000)
    if loc == "de-AT":
        ident = ["SV-Nr. ", idl(at_svnr(d))]
    adm = rand_date(2024, 2025)
    t = ("Fass den Arztbrief für die Patientin verständlich zusammen:\n\nSehr geehrte Frau Kollegin ⟦kol⟧,\n\n"
         "wir berichten über ⟦ihre⟧ Patient⟦in⟧ ⟦pt⟧, geb. ⟦dob⟧, ⟦ident⟧, ⟦dd⟧ sich vom ⟦v⟧ bis ⟦b⟧ in unserer stationären Behandlung befand.\n"
         "Diagnosen: ⟦dx⟧\nProcedere: Kontrolle in 6 Wochen, Termin am ⟦k⟧.\n\nMit freundlichen Grüßen\nDr. med. ⟦abs⟧\nOberärztin Innere Medizin")
    return loc, T(t, kol=per("Dr. " + kol.last), ihre="Ihre" if pt.g == "f" else "Ihren", dd="die" if pt.g == "f" else "der", pt=per(pt.full),
                  **{"in": "in" if pt.g == "f" else "en"}, dob=bdl(fmt_date(d, loc, "dot")), ident=ident,
                  v=fmt_date(adm, loc, "dot"), b=fmt_date(adm + dt.timedelta(days=rint(2, 12)), loc, "dot"),
                  k=fmt_date(adm + dt.timedelta(days=rint(50, 60)), loc, "dot"),
                  dx=ch(["Ambulant erworbene Pneumonie", "Vorhofflimmern, Erstdiagnose", "Cholezystolithiasis", "Hypertensive Entgleisung"]),
                  abs=per(abs_.full))


@pos("de_finanzamt_einspruch", 6)
def _():
    loc = "de-DE"
    p = P(loc)
    t = ("Formuliere das bitte höflicher:\n\nAn das Finanzamt ⟦city⟧\nSteuer-IdNr.: ⟦st⟧\n\nBetreff: Einspruch gegen den Einkommensteuerbescheid 2024 vom ⟦bd⟧\n\n"
         "Sehr geehrte Damen und Herren,\nhiermit lege ich, ⟦p⟧, wohnhaft ⟦a⟧, Einspruch ein. Die Fahrtkosten wurden nicht berücksichtigt. "
         "Eine Erstattung bitte auf mein Konto, IBAN ⟦ib⟧.\n\nMit freundlichen Grüßen")
    return loc, T(t, city=ch(["Köln-Mitte", "München", "Hamburg-Nord", "Leipzig I", "Dresden-Süd"]), st=idl(de_steuerid()),
                  bd=other_date(loc), p=per(p.full), a=adr(addr1(loc)), ib=ibl(iban("DE")))


@pos("de_rentenversicherung", 4)
def _():
    loc = "de-DE"
    p = P(loc)
    d = dob(1955, 1995)
    t = ch([
        "Ich will meinen Rentenbescheid verstehen. Versicherungsnummer ⟦rv⟧, ⟦p⟧, geboren ⟦dob⟧. Was heißt „Entgeltpunkte“?",
        "Arbeitgebermeldung\nName: ⟦p⟧\nSozialversicherungsnummer: ⟦rv⟧\nGeburtsdatum: ⟦dob⟧\nKrankenkasse: TK, KVNR ⟦kv⟧",
    ])
    return loc, T(t, rv=idl(de_rvnr(d, p)), p=per(p.full), dob=bdl(fmt_date(d, loc)), kv=idl(de_kvnr()))


@pos("at_meldezettel", 5)
def _():
    loc = "de-AT"
    p = P(loc)
    d = dob()
    t = ("Übersetze diesen Meldezettel ins Englische:\n\nMeldezettel – Anmeldung\nName (Familienname, Vorname): ⟦p⟧\n"
         "Geburtsdatum: ⟦dob⟧\nSozialversicherungsnummer: ⟦sv⟧\nUnterkunft: ⟦a⟧\nZuzug aus: ⟦von⟧\nDatum der Anmeldung: ⟦dat⟧")
    return loc, T(t, p=per(p.surname_first), dob=bdl(fmt_date(d, loc, ch(["dot", "de_long"]))), sv=idl(at_svnr(d)),
                  a=adr(addr1(loc, flat=True)), von=ch(["Deutschland", "Ungarn", "Italien", "Slowenien"]), dat=other_date(loc))


@pos("ch_lohnausweis", 5)
def _():
    loc = "de-CH"
    p = P(loc)
    t = ch([
        "Lohnausweis 2024 – bitte kontrollieren\nAHV-Nr.: ⟦ahv⟧\nName: ⟦p⟧\nAdresse: ⟦a⟧\nGeburtsdatum: ⟦dob⟧\nBruttolohn: CHF ⟦lohn⟧",
        "Kannst du mir ein Schreiben an die Ausgleichskasse aufsetzen? Ich bin ⟦p⟧, AHV-Nummer ⟦ahv⟧, wohnhaft an der ⟦a⟧.",
    ])
    return loc, T(t, ahv=idl(ch_ahv()), p=per(p.full), a=adr(addr1(loc)), dob=bdl(fmt_date(dob(), loc)),
                  lohn=f"{rint(52, 140)}'{digits(3)}")


@pos("de_chat_klein", 5)
def _():
    loc = ch(["de-DE", "de-AT", "de-CH"])
    p = P(loc)
    t = ch([
        "hey, hier ist ⟦p⟧ 😅 meine neue adresse ist ⟦a⟧, kannst du mir helfen das dem vermieter zu schreiben?",
        "schreib bitte ne kurze nachricht an die hausverwaltung: ⟦p⟧, ⟦a⟧, heizung geht seit montag nicht. erreichbar unter ⟦ph⟧",
        "kurze frage, ich bin ⟦p⟧ und hab am ⟦dob⟧ geburtstag – wie alt werd ich 2026? lol",
    ])
    return loc, T(t, p=per(p.lower), a=adr(addr1(loc).lower()), ph=phl(phone(loc, "m", "natl")), dob=bdl(fmt_date(dob(1980, 2005), loc, "dot")))


@pos("de_csv_mitglieder", 5)
def _():
    loc = ch(["de-DE", "de-AT"])
    parts = ["Mach aus dieser Mitgliederliste eine Geburtstagsliste nach Monat sortiert:\n\nName;Geburtsdatum;Straße;PLZ Ort;Telefon\n"]
    for _ in range(rint(3, 4)):
        p = P(loc)
        l1, l2 = address(loc, lines=True, flat=False)
        parts += [per(ch([p.surname_first, p.full])), ";", bdl(fmt_date(dob(1945, 2010), loc, "dot")), ";", adr(l1), ";", adr(l2), ";",
                  phl(phone(loc, style="natl")), "\n"]
    if chance(0.5):
        parts[0] = parts[0].replace(";", "\t")
        parts = [x.replace(";", "\t") if isinstance(x, str) else x for x in parts]
    return loc, parts


@pos("de_sepa_mandat", 6)
def _():
    loc = ch(["de-DE", "de-AT"])
    p = P(loc)
    t = ("Ist dieses SEPA-Lastschriftmandat vollständig?\n\nGläubiger-ID: DE98ZZZ09999999999\nMandatsreferenz: ⟦mr⟧\n"
         "Kontoinhaber: ⟦p⟧\nAnschrift: ⟦a⟧\nIBAN: ⟦ib⟧\nOrt, Datum: ⟦ort⟧, ⟦dat⟧")
    return loc, T(t, mr=f"M-{digits(6)}", p=per(p.full), a=adr(addr1(loc)), ib=ibl(iban("DE" if loc == "de-DE" else "AT")),
                  ort=ch(["Berlin", "Wien", "Graz", "Hamburg"]), dat=other_date(loc))


@pos("de_support_ticket_ip", 5)
def _():
    loc = ch(["de-DE", "de-CH"])
    p = P(loc)
    t = ("Hallo Support,\nseit heute komme ich nicht mehr in mein Konto (⟦em⟧). Laut Fehlermeldung wurde meine IP ⟦ip⟧ gesperrt. "
         "Mein Router hat intern die 192.168.178.1. Bitte entsperren.\nGruß ⟦p⟧\n\n→ Antworte bitte auf Deutsch und erkläre die Sperre.")
    return loc, T(t, em=eml(email(p, loc)), ip=ipl(ch([ipv4(), ipv4(), ipv6()])), p=per(p.full))


# ---------------------------------------------------------------------------
# POSITIVE templates -- French
# ---------------------------------------------------------------------------
@pos("fr_lettre_resiliation", 6)
def _():
    loc = "fr-FR"
    p = P(loc, hyphen=chance(0.25), particle=chance(0.1))
    ne = "né" if p.g == "m" else "née"
    t = ("Corrige les fautes de cette lettre :\n\n⟦nom⟧\n⟦adr⟧\n⟦tel⟧\n\nObjet : Résiliation de mon contrat n° ⟦ctr⟧\n\n"
         "Madame, Monsieur,\nJe soussigné⟦e⟧ ⟦p⟧, ⟦ne⟧ le ⟦dob⟧ à ⟦ville⟧, vous informe de ma volonté de résilier mon abonnement "
         "à compter du ⟦fin⟧.\nVeuillez agréer, Madame, Monsieur, mes salutations distinguées.")
    t = opt(t, "⟦tel⟧\n")
    return loc, T(t, nom=per(p.upper_surname), adr=adr_block(loc), tel=phl(phone(loc, style="natl")), ctr=f"{letters(2)}{digits(8)}",
                  e="" if p.g == "m" else "e", p=per(p.full), ne=ne, dob=bdl(fmt_date(dob(), loc)),
                  ville=ch(["Lyon", "Nantes", "Rouen", "Metz", "Brest", "Pau"]), fin=other_date(loc))


@pos("fr_compte_rendu_medical", 5)
def _():
    loc = ch(["fr-FR", "fr-FR", "fr-BE"])
    p = P(loc)
    dr = P(loc)
    d = dob(1940, 2005)
    ident = ["N° de sécurité sociale : ", idl(fr_nir_for(d, p))] if loc == "fr-FR" else ["N° de registre national : ", idl(be_nn_for(d, p))]
    t = ("Explique ce compte rendu à la patiente avec des mots simples :\n\nCompte rendu de consultation du ⟦c⟧\n"
         "Patient⟦e⟧ : ⟦pt⟧, ⟦ne⟧ le ⟦dob⟧\n⟦ident⟧\nMotif : ⟦motif⟧\nConclusion : bilan biologique à prévoir, revoir dans un mois.\n"
         "Dr ⟦dr⟧, médecin généraliste")
    return loc, T(t, c=other_date(loc), e="e" if p.g == "f" else "", pt=per(ch([p.titled("fr"), p.upper_surname, p.full])),
                  ne="née" if p.g == "f" else "né", dob=bdl(fmt_date(d, loc)), ident=ident,
                  motif=ch(["douleurs abdominales", "toux persistante", "fatigue chronique", "vertiges"]), dr=per(dr.full))


@pos("fr_be_registre_national", 5)
def _():
    loc = ch(["fr-BE", "fr-BE", "nl-BE"])
    p = P(loc)
    d = dob()
    if loc == "fr-BE":
        t = ("Aide-moi à remplir ce formulaire de la mutuelle :\nNom : ⟦nom⟧\nNuméro de registre national : ⟦nn⟧\n"
             "Date de naissance : ⟦dob⟧\nAdresse : ⟦a⟧\nCarte d'identité n° ⟦eid⟧")
    else:
        t = ("Help me dit formulier van het ziekenfonds in te vullen:\nNaam: ⟦nom⟧\nRijksregisternummer: ⟦nn⟧\n"
             "Geboortedatum: ⟦dob⟧\nAdres: ⟦a⟧\nIdentiteitskaart nr. ⟦eid⟧")
    return loc, T(t, nom=per(ch([p.upper_surname, p.full, p.surname_first])), nn=idl(be_nn_for(d, p)),
                  dob=bdl(fmt_date(d, loc)), a=adr(addr1(loc, flat=chance(0.6))), eid=idl(be_eid_card()))


@pos("fr_numero_fiscal", 4)
def _():
    loc = "fr-FR"
    p = P(loc)
    t = ch([
        "Bonjour, je dois corriger ma déclaration de revenus. Mon numéro fiscal est le ⟦nf⟧ et j'habite ⟦a⟧. Comment signaler un changement d'adresse ?",
        "Rédige un courriel au centre des impôts : ⟦p⟧, numéro fiscal ⟦nf⟧, domicilié⟦e⟧ au ⟦a⟧, demande un échéancier de paiement.",
    ])
    return loc, T(t, nf=idl(fr_numero_fiscal()), a=adr(addr1(loc)), p=per(p.full), e="e" if p.g == "f" else "")


@pos("fr_rh_nouvelle_recrue", 5)
def _():
    loc = ch(["fr-FR", "fr-CH", "fr-BE"])
    p = P(loc)
    t = ("Bonjour à tous,\nvoici les coordonnées de notre nouvelle recrue : ⟦p⟧, ⟦ne⟧ le ⟦dob⟧, tél. ⟦ph⟧, courriel ⟦em⟧. "
         "Arrivée prévue le ⟦arr⟧. Merci de créer son badge et son compte.\n\n(Traduis ce message en anglais.)")
    return loc, T(t, p=per(p.full), ne="née" if p.g == "f" else "né", dob=bdl(fmt_date(dob(1975, 2004), loc)),
                  ph=phl(phone(loc, "m")), em=eml(email(p, loc)), arr=other_date(loc))


@pos("fr_ch_avs", 5)
def _():
    loc = "fr-CH"
    p = P(loc)
    t = ("Peux-tu écrire une lettre à la caisse de compensation ? Je suis ⟦p⟧, numéro AVS ⟦avs⟧, domicilié⟦e⟧ ⟦a⟧. "
         "Je souhaite un extrait de compte individuel.")
    return loc, T(t, p=per(p.full), avs=idl(ch_ahv()), e="e" if p.g == "f" else "", a=adr(addr1(loc)))


@pos("fr_chat_sms", 5)
def _():
    loc = ch(["fr-FR", "fr-BE"])
    p = P(loc)
    t = ch([
        "coucou c'est ⟦p⟧, tu peux m'aider à écrire un mot pour le proprio ? j'habite ⟦a⟧ et la fuite revient 😩",
        "slt, ⟦p⟧ ici. reformule stp : « je serai absente le ⟦d⟧, joignable au ⟦ph⟧ »",
    ])
    return loc, T(t, p=per(p.lower), a=adr(addr1(loc).lower()), d=other_date(loc), ph=phl(phone(loc, "m", "natl")))


# ---------------------------------------------------------------------------
# POSITIVE templates -- Spanish
# ---------------------------------------------------------------------------
@pos("es_contrato_alquiler", 6)
def _():
    loc = "es-ES"
    a, b = P(loc), P(loc)
    t = ("Revisa este contrato de arrendamiento y dime si la fianza es legal:\n\nEn ⟦ciudad⟧, a ⟦fecha⟧.\n\nREUNIDOS\n"
         "De una parte, ⟦da⟧ ⟦a⟧, mayor de edad, con DNI ⟦dni⟧ y domicilio en ⟦dom⟧.\n"
         "De otra parte, ⟦db⟧ ⟦b⟧, nacid⟦o⟧ el ⟦dob⟧, con NIE ⟦nie⟧.\n\nEXPONEN\nQue el arrendador es propietario de la vivienda sita en ⟦viv⟧.")
    return loc, T(t, ciudad=ch(["Madrid", "Valencia", "Sevilla", "Bilbao"]), fecha=other_date(loc, style="es_long"),
                  da="D." if a.g == "m" else "Dña.", a=per(a.full), dni=idl(es_dni()), dom=adr(addr1(loc)),
                  db="D." if b.g == "m" else "Dña.", b=per(b.full), o="o" if b.g == "m" else "a", dob=bdl(fmt_date(dob(), loc)),
                  nie=idl(es_nie()), viv=adr(addr1(loc, flat=True)))


@pos("es_nie_cita", 4)
def _():
    loc = "es-ES"
    p = P(ch(["en-GB", "de-DE", "it-IT", "fr-FR", "nl-NL"]))
    t = ("Hola, necesito pedir cita para la TIE. Mis datos: nombre ⟦p⟧, NIE ⟦nie⟧, pasaporte ⟦pp⟧, fecha de nacimiento ⟦dob⟧, "
         "domicilio ⟦a⟧. ¿Me ayudas a redactar el correo a extranjería?")
    pp = {"en-GB": digits(9), "de-DE": de_reisepass(), "it-IT": "Y" + letters(1) + digits(7), "fr-FR": fr_passport(), "nl-NL": letters(2) + digits(7)}[p.loc]
    return loc, T(t, p=per(p.full), nie=idl(es_nie()), pp=idl(pp), dob=bdl(fmt_date(dob(), loc)), a=adr(addr1(loc, flat=True)))


@pos("mx_alta_trabajador", 5)
def _():
    loc = "es-MX"
    p = P(loc)
    d = dob(1960, 2004)
    t = ("Genera una carta de bienvenida con estos datos:\nNombre: ⟦p⟧\nCURP: ⟦curp⟧\nFecha de nacimiento: ⟦dob⟧\n"
         "Domicilio: ⟦a⟧\nTel.: ⟦ph⟧\nFecha de ingreso: ⟦ing⟧")
    t = opt(t, "\nTel.: ⟦ph⟧")
    return loc, T(t, p=per(p.full), curp=idl(mx_curp_for(p, d)), dob=bdl(fmt_date(d, loc)), a=adr(addr1(loc, flat=chance(0.3))),
                  ph=phl(phone(loc, "m")), ing=other_date(loc))


@pos("co_declaracion_cedula", 5)
def _():
    loc = "es-CO"
    p = P(loc)
    t = ("Redacta una declaración juramentada con esto: Yo, ⟦p⟧, identificad⟦o⟧ con cédula de ciudadanía No. ⟦cc⟧ expedida en ⟦ciudad⟧, "
         "residente en la ⟦a⟧, declaro que convivo con mi compañer⟦o2⟧ permanente desde ⟦desde⟧.")
    return loc, T(t, p=per(p.full), o="o" if p.g == "m" else "a", cc=idl(co_cedula()), ciudad=ch(CO_CITIES),
                  a=adr(addr1(loc, flat=chance(0.5))), o2="a" if p.g == "m" else "o", desde=other_date(loc, 2015, 2022))


@pos("es_whatsapp_envio", 6)
def _():
    loc = ch(["es-ES", "es-MX", "es-AR", "es-CO"])
    p = P(loc)
    t = ch([
        "holaa soy ⟦p⟧ 🙌 te paso mi dirección para el envío: ⟦a⟧. mi cel es ⟦ph⟧, avísame cuando salga",
        "corrige esto porfa: 'buenas, soy ⟦p⟧, el paquete va a ⟦a⟧, gracias!!'",
    ])
    return loc, T(t, p=per(p.lower), a=adr(addr1(loc)), ph=phl(phone(loc, "m", "natl")))


@pos("ar_formulario_dni", 5)
def _():
    loc = "es-AR"
    p = P(loc, two_surnames=False)
    t = ("Completá el formulario de la prepaga con estos datos y decime qué falta:\nApellido y nombre: ⟦p⟧\nDNI: ⟦dni⟧\n"
         "Fecha de nacimiento: ⟦dob⟧\nDomicilio: ⟦a⟧\nCelular: ⟦ph⟧")
    t = opt(t, "\nCelular: ⟦ph⟧")
    return loc, T(t, p=per(p.surname_first), dni=idl(ar_dni()), dob=bdl(fmt_date(dob(), loc)), a=adr(addr1(loc, flat=True)),
                  ph=phl(phone(loc, "m")))


# ---------------------------------------------------------------------------
# POSITIVE templates -- Italian
# ---------------------------------------------------------------------------
@pos("it_modulo_iscrizione", 6)
def _():
    loc = "it-IT"
    p = P(loc, particle=chance(0.15))
    d = dob()
    city = ch(list(IT_BELFIORE))
    t = ("Compila una mail di conferma usando questi dati:\n\nModulo di iscrizione\nCognome e nome: ⟦p⟧\n"
         "Nato/a a ⟦city⟧ il ⟦dob⟧\nCodice fiscale: ⟦cf⟧\nResidente in ⟦a⟧\nCellulare: ⟦ph⟧")
    t = opt(t, "\nCellulare: ⟦ph⟧")
    return loc, T(t, p=per(f"{p.last} {p.first}" if chance(0.6) else p.full), city=city, dob=bdl(fmt_date(d, loc)),
                  cf=idl(it_cf(p, d, city)), a=adr(addr1(loc)), ph=phl(phone(loc, "m")))


@pos("it_referto", 5)
def _():
    loc = "it-IT"
    p = P(loc)
    d = dob(1940, 2000)
    city = ch(list(IT_BELFIORE))
    t = ("Spiegami questo referto in parole semplici:\n\nPaziente: ⟦p⟧ – data di nascita ⟦dob⟧ – C.F. ⟦cf⟧\n"
         "Esame: ecografia addome completo eseguita il ⟦e⟧\nReferto: fegato di dimensioni nei limiti, lieve steatosi. Colecisti alitiasica.\n"
         "Il medico refertante: Dott. ⟦dr⟧")
    return loc, T(t, p=per(ch([p.titled("it"), p.full, p.upper_surname])), dob=bdl(fmt_date(d, loc)), cf=idl(it_cf(p, d, city)),
                  e=other_date(loc), dr=per(P(loc, g="m").full))


@pos("it_bonifico", 5)
def _():
    loc = "it-IT"
    p = P(loc)
    t = ("Scrivi una mail formale: chiedo il rimborso della caparra sul conto intestato a ⟦p⟧, IBAN ⟦ib⟧. "
         "Per contatti: ⟦em⟧. Il contratto è scaduto il ⟦d⟧.")
    return loc, T(t, p=per(p.full), ib=ibl(iban("IT")), em=eml(email(p, loc)), d=other_date(loc))


@pos("it_chat", 4)
def _():
    loc = "it-IT"
    p = P(loc)
    t = "ciao sono ⟦p⟧, mi scrivi un messaggio per il corriere? l'indirizzo è ⟦a⟧, citofono ⟦cit⟧, cell ⟦ph⟧"
    return loc, T(t, p=per(p.lower), a=adr(addr1(loc).lower()), cit=p.last.split()[-1].upper(), ph=phl(phone(loc, "m", "natl")))


# ---------------------------------------------------------------------------
# POSITIVE templates -- Dutch / Flemish
# ---------------------------------------------------------------------------
@pos("nl_huurovereenkomst", 6)
def _():
    loc = "nl-NL"
    v, h = P(loc, particle=chance(0.6)), P(loc, particle=chance(0.4))
    t = ("Klopt deze huurovereenkomst juridisch?\n\nDe ondergetekenden:\n1. ⟦v⟧, wonende te ⟦va⟧, hierna „verhuurder”;\n"
         "2. ⟦h⟧, geboren op ⟦dob⟧, BSN ⟦bsn⟧, hierna „huurder”;\n\nverklaren te zijn overeengekomen dat verhuurder aan huurder verhuurt "
         "de woonruimte aan de ⟦wa⟧, ingaande ⟦in⟧.")
    return loc, T(t, v=per(v.full), va=adr(addr1(loc)), h=per(h.full), dob=bdl(fmt_date(dob(), loc)), bsn=idl(nl_bsn()),
                  wa=adr(addr1(loc, flat=True)), **{"in": other_date(loc)})


@pos("nl_id_gestolen", 4)
def _():
    loc = "nl-NL"
    p = P(loc, particle=chance(0.5))
    t = ch([
        "Mijn identiteitskaart (nr. ⟦idk⟧) is gestolen. Ik ben ⟦p⟧, geboren ⟦dob⟧. Schrijf een melding voor de gemeente.",
        "Formulier vermissing reisdocument\nNaam: ⟦psf⟧\nDocumentnummer: ⟦idk⟧\nBSN: ⟦bsn⟧\nAdres: ⟦a⟧",
    ])
    return loc, T(t, idk=idl(nl_idcard()), p=per(p.full), psf=per(p.surname_first), dob=bdl(fmt_date(dob(), loc)),
                  bsn=idl(nl_bsn()), a=adr(addr1(loc)))


@pos("nl_chat", 5)
def _():
    loc = ch(["nl-NL", "nl-NL", "nl-BE"])
    p = P(loc, particle=chance(0.5))
    t = ch([
        "hoi, met ⟦p⟧! kun je een berichtje schrijven voor de buren? wij wonen op ⟦a⟧ en geven zaterdag een feestje",
        "kan je dit vertalen naar het engels: 'mijn nummer is ⟦ph⟧, bel maar als je bij ⟦a⟧ bent' – groetjes ⟦p⟧",
    ])
    return loc, T(t, p=per(p.lower), a=adr(addr1(loc).lower()), ph=phl(phone(loc, "m", "natl")))


@pos("nl_sollicitatie", 5)
def _():
    loc = ch(["nl-NL", "nl-BE"])
    p = P(loc, particle=chance(0.4))
    t = ("Verbeter mijn cv-kop:\n⟦p⟧\n⟦a⟧\n⟦ph⟧ | ⟦em⟧\nGeboortedatum: ⟦dob⟧\nRijbewijs B")
    return loc, T(t, p=per(p.full), a=adr_block(loc), ph=phl(phone(loc, "m")), em=eml(email(p, loc)), dob=bdl(fmt_date(dob(1980, 2004), loc)))


# ---------------------------------------------------------------------------
# POSITIVE templates -- Portuguese (PT/BR)
# ---------------------------------------------------------------------------
@pos("pt_contrato_arrendamento", 6)
def _():
    loc = "pt-PT"
    a, b = P(loc), P(loc)
    t = ("Resume este contrato em três frases:\n\nCONTRATO DE ARRENDAMENTO\nPrimeiro outorgante: ⟦a⟧, NIF ⟦nifa⟧, residente na ⟦ada⟧.\n"
         "Segundo outorgante: ⟦b⟧, nascid⟦o⟧ em ⟦dob⟧, portador⟦ra⟧ do Cartão de Cidadão n.º ⟦cc⟧, NIF ⟦nifb⟧.\n"
         "O primeiro dá de arrendamento ao segundo a fração sita na ⟦fr⟧, com início em ⟦ini⟧.")
    return loc, T(t, a=per(a.full), nifa=idl(pt_nif_p()), ada=adr(addr1(loc)), b=per(b.full), o="o" if b.g == "m" else "a",
                  ra="" if b.g == "m" else "a", dob=bdl(fmt_date(dob(), loc)), cc=idl(pt_cc_num()), nifb=idl(pt_nif_p()),
                  fr=adr(addr1(loc, flat=True)), ini=other_date(loc))


@pos("br_cadastro_cliente", 6)
def _():
    loc = "pt-BR"
    p = P(loc)
    t = ("Confere se falta algum dado nesse cadastro:\nNome completo: ⟦p⟧\nCPF: ⟦cpf⟧\nRG: ⟦rg⟧\nData de nascimento: ⟦dob⟧\n"
         "Endereço: ⟦a⟧\nCelular: ⟦ph⟧\nE-mail: ⟦em⟧")
    t = opt(t, "\nCelular: ⟦ph⟧")
    return loc, T(t, p=per(p.full), cpf=idl(br_cpf_num()), rg=idl(br_rg()), dob=bdl(fmt_date(dob(), loc)),
                  a=adr(addr1(loc)), ph=phl(phone(loc, "m")), em=eml(email(p, loc)))


@pos("br_whatsapp", 5)
def _():
    loc = "pt-BR"
    p = P(loc)
    t = ch([
        "oi! aqui é ⟦p⟧, me ajuda a escrever uma msg pro síndico? moro na ⟦a⟧ e o vazamento voltou",
        "corrige pra mim: 'boa tarde, sou ⟦p⟧, meu pix é o email ⟦em⟧ e o endereço de entrega é ⟦a⟧'",
    ])
    return loc, T(t, p=per(p.lower), a=adr(addr1(loc)), em=eml(email(p, loc)))


@pos("pt_chave_secreta", 3)
def _():
    loc = ch(["pt-PT", "pt-BR"])
    t = ("o deploy falha com 401. a config é esta:\n\napi:\n  url: https://api.pagamentos.exemplo.pt\n  token: ⟦tk⟧\n"
         "db:\n  user: loja\n  senha: ⟦pw⟧")
    return loc, T(t, tk=sec(api_key(ch(["jwt", "hex", "github"]))), pw=sec(password()))


# ---------------------------------------------------------------------------
# POSITIVE templates -- Polish, Nordic, Czech, Turkish, others
# ---------------------------------------------------------------------------
@pos("pl_umowa_najmu", 5)
def _():
    loc = "pl-PL"
    a, b = P(loc), P(loc)
    db = dob()
    t = ("Sprawdź, czy ta umowa jest poprawna:\n\nUMOWA NAJMU LOKALU MIESZKALNEGO\nzawarta w dniu ⟦d⟧ w ⟦m⟧ pomiędzy:\n"
         "⟦a⟧, zam. ⟦aa⟧, PESEL ⟦pa⟧, zwan⟦ya⟧ dalej Wynajmującym,\na\n⟦b⟧, urodzon⟦yb⟧ ⟦dob⟧, legitymując⟦yb2⟧ się dowodem osobistym nr ⟦dow⟧, "
         "zwan⟦yb⟧ dalej Najemcą.\n§ 1. Przedmiotem najmu jest lokal położony przy ⟦lok⟧.")
    return loc, T(t, d=other_date(loc, style="pl_long"), m=ch(["Warszawie", "Krakowie", "Gdańsku", "Poznaniu"]), a=per(a.full),
                  aa=adr(addr1(loc)), pa=idl(pl_pesel_for(dob(), a)), ya="ym" if a.g == "m" else "ą", b=per(b.full),
                  yb="y" if b.g == "m" else "a", dob=bdl(fmt_date(db, loc)), yb2="ym" if b.g == "m" else "ą",
                  dow=idl(pl_dowod()), lok=adr(addr1(loc, flat=True)))


@pos("pl_formularz", 6)
def _():
    loc = "pl-PL"
    p = P(loc)
    d = dob()
    t = ("Przetłumacz na angielski:\nImię i nazwisko: ⟦p⟧\nData urodzenia: ⟦dob⟧\nPESEL: ⟦pesel⟧\nAdres zamieszkania: ⟦a⟧\n"
         "Telefon: ⟦ph⟧\nE-mail: ⟦em⟧")
    t = opt(t, "\nTelefon: ⟦ph⟧")
    return loc, T(t, p=per(p.full), dob=bdl(fmt_date(d, loc)), pesel=idl(pl_pesel_for(d, p)), a=adr(addr1(loc)),
                  ph=phl(phone(loc)), em=eml(email(p, loc)))


@pos("sv_hyresavtal", 5)
def _():
    loc = "sv-SE"
    v, h = P(loc), P(loc)
    d = dob()
    t = ("Kan du förklara uppsägningstiden i det här avtalet?\n\nHyresavtal för bostadslägenhet\nHyresvärd: ⟦v⟧, ⟦va⟧\n"
         "Hyresgäst: ⟦h⟧, personnummer ⟦pnr⟧\nLägenhet: ⟦la⟧\nHyrestid: från och med ⟦fr⟧ och tills vidare.")
    return loc, T(t, v=per(v.full), va=adr(addr1(loc)), h=per(h.full), pnr=idl(se_pnr_for(d, h)), la=adr(addr1(loc, flat=True)),
                  fr=other_date(loc))


@pos("sv_mejl", 4)
def _():
    loc = "sv-SE"
    p = P(loc)
    d = dob()
    t = ("Skriv ett mejl till Försäkringskassan åt min pappa ⟦p⟧, född ⟦dob⟧, personnummer ⟦pnr⟧. Han bor på ⟦a⟧ och når på ⟦ph⟧.")
    return loc, T(t, p=per(p.full), dob=bdl(fmt_date(d, loc)), pnr=idl(se_pnr_for(d, p)), a=adr(addr1(loc)), ph=phl(phone(loc)))


@pos("da_lejekontrakt", 5)
def _():
    loc = "da-DK"
    p = P(loc)
    d = dob(1940, 1999)
    t = ("Oversæt til engelsk:\n\nLejekontrakt\nLejer: ⟦p⟧\nCPR-nr.: ⟦cpr⟧\nFødt: ⟦dob⟧\nLejemålets adresse: ⟦a⟧\n"
         "Lejeforholdet begynder den ⟦beg⟧. Depositum svarer til tre måneders husleje.")
    return loc, T(t, p=per(p.full), cpr=idl(dk_cpr_for(d)), dob=bdl(fmt_date(d, loc)), a=adr(addr1(loc, flat=True)), beg=other_date(loc))


@pos("no_skjema", 5)
def _():
    loc = "nb-NO"
    p = P(loc)
    d = dob()
    t = ch([
        "Hjelp meg å skrive en klage til NAV. Navn: ⟦p⟧, fødselsnummer ⟦fnr⟧, adresse ⟦a⟧, telefon ⟦ph⟧.",
        "Skjema – endring av adresse\nNavn: ⟦p⟧\nFødt: ⟦dob⟧\nFødselsnummer: ⟦fnr⟧\nNy adresse: ⟦a⟧\nFlyttedato: ⟦fl⟧",
    ])
    return loc, T(t, p=per(p.full), fnr=idl(no_fnr_for(d)), a=adr(addr1(loc)), ph=phl(phone(loc)), dob=bdl(fmt_date(d, loc)),
                  fl=other_date(loc))


@pos("fi_lomake", 5)
def _():
    loc = "fi-FI"
    p = P(loc)
    d = dob()
    t = ("Käännä englanniksi:\nNimi: ⟦p⟧\nHenkilötunnus: ⟦hetu⟧\nSyntymäaika: ⟦dob⟧\nOsoite: ⟦a⟧\nPuhelin: ⟦ph⟧")
    t = opt(t, "\nPuhelin: ⟦ph⟧")
    return loc, T(t, p=per(ch([p.full, p.surname_first])), hetu=idl(fi_hetu_for(d)), dob=bdl(fmt_date(d, loc)), a=adr(addr1(loc, flat=chance(0.5))),
                  ph=phl(phone(loc)))


@pos("cs_najemni_smlouva", 5)
def _():
    loc = "cs-CZ"
    p = P(loc)
    d = dob()
    t = ("Zkontroluj prosím tuto smlouvu:\n\nNÁJEMNÍ SMLOUVA\nNájemce: ⟦t⟧ ⟦p⟧, nar. ⟦dob⟧, r. č. ⟦rc⟧, bytem ⟦a⟧\n"
         "Pronajímatel předává nájemci byt č. ⟦byt⟧ v domě ⟦dum⟧ ke dni ⟦d⟧.")
    return loc, T(t, t="pan" if p.g == "m" else "paní", p=per(p.full), dob=bdl(fmt_date(d, loc)), rc=idl(cz_rc_for(d, p)),
                  a=adr(addr1(loc)), byt=str(rint(1, 40)), dum=adr(addr1(loc)), d=other_date(loc))


@pos("tr_basvuru_formu", 6)
def _():
    loc = "tr-TR"
    p = P(loc)
    t = ("Bu formu İngilizceye çevir:\n\nAd Soyad: ⟦p⟧\nT.C. Kimlik No: ⟦tc⟧\nDoğum Tarihi: ⟦dob⟧\nAdres: ⟦a⟧\nTelefon: ⟦ph⟧\nE-posta: ⟦em⟧")
    t = opt(t, "\nTelefon: ⟦ph⟧")
    return loc, T(t, p=per(ch([p.full, p.upper_surname])), tc=idl(tr_tckn()), dob=bdl(fmt_date(dob(), loc)), a=adr(addr1(loc, flat=chance(0.6))),
                  ph=phl(phone(loc, "m")), em=eml(email(p, loc)))


@pos("tr_sohbet", 4)
def _():
    loc = "tr-TR"
    p = P(loc)
    t = ch([
        "selam ben ⟦p⟧, kargo için adresim ⟦a⟧, numaram ⟦ph⟧. bunu resmi bir dille yazar mısın?",
        "ev sahibine mesaj yazmam lazım: ⟦p⟧, ⟦a⟧ – kombi yine bozuldu, acil bakılması lazım",
    ])
    return loc, T(t, p=per(p.lower), a=adr(addr1(loc)), ph=phl(phone(loc, "m", "natl")))


@pos("ro_cerere", 4)
def _():
    loc = "ro-RO"
    p = P(loc)
    d = dob()
    t = ("Corectează această cerere:\nSubsemnat⟦ul⟧ ⟦p⟧, născut⟦x⟧ la data de ⟦dob⟧, CNP ⟦cnp⟧, domiciliat⟦x⟧ în ⟦a⟧, "
         "vă rog să-mi aprobați eliberarea unui certificat de atestare fiscală.")
    return loc, T(t, ul="ul" if p.g == "m" else "a", x="" if p.g == "m" else "ă", p=per(p.full), dob=bdl(fmt_date(d, loc)),
                  cnp=idl(ro_cnp_for(d, p)), a=adr(addr1(loc, flat=chance(0.5))))


@pos("hu_adatlap", 5)
def _():
    loc = "hu-HU"
    p = P(loc)
    t = ("Fordítsd le angolra:\nNév: ⟦p⟧\nSzületési idő: ⟦dob⟧\nTAJ szám: ⟦taj⟧\nLakcím: ⟦a⟧\nTelefon: ⟦ph⟧")
    t = opt(t, "\nTelefon: ⟦ph⟧")
    return loc, T(t, p=per(p.full), dob=bdl(fmt_date(dob(), loc)), taj=idl(hu_taj()), a=adr(addr1(loc, flat=chance(0.4))), ph=phl(phone(loc)))


@pos("el_entypo", 4)
def _():
    loc = "el-GR"
    p = P(loc)
    d = dob()
    t = ("Μετάφρασε στα αγγλικά:\nΟνοματεπώνυμο: ⟦p⟧\nΗμερομηνία γέννησης: ⟦dob⟧\nΑΜΚΑ: ⟦amka⟧\nΔιεύθυνση: ⟦a⟧\nΤηλέφωνο: ⟦ph⟧")
    t = opt(t, "\nΤηλέφωνο: ⟦ph⟧")
    return loc, T(t, p=per(p.full), dob=bdl(fmt_date(d, loc)), amka=idl(gr_amka_for(d)), a=adr(addr1(loc)), ph=phl(phone(loc)))


# ---------------------------------------------------------------------------
# POSITIVE templates -- multilingual / technical
# ---------------------------------------------------------------------------
LETTERS_TO_TRANSLATE = {
    "de-DE": ("Sehr geehrte Damen und Herren,\nmein Name ist ⟦p⟧, ich wurde am ⟦dob⟧ geboren und wohne in der ⟦a⟧. "
              "Ich bitte um eine Kopie meiner Geburtsurkunde.", "German"),
    "fr-FR": ("Madame, Monsieur,\nje m'appelle ⟦p⟧, je suis né(e) le ⟦dob⟧ et j'habite au ⟦a⟧. "
              "Je vous prie de m'envoyer une copie intégrale de mon acte de naissance.", "French"),
    "es-ES": ("Estimados señores:\nme llamo ⟦p⟧, nací el ⟦dob⟧ y vivo en ⟦a⟧. Solicito un certificado literal de nacimiento.", "Spanish"),
    "it-IT": ("Gentili signori,\nmi chiamo ⟦p⟧, sono nato/a il ⟦dob⟧ e risiedo in ⟦a⟧. Chiedo l'estratto dell'atto di nascita.", "Italian"),
    "nl-NL": ("Geachte heer/mevrouw,\nik ben ⟦p⟧, geboren op ⟦dob⟧, wonende aan de ⟦a⟧. Graag ontvang ik een afschrift van mijn geboorteakte.", "Dutch"),
    "pt-PT": ("Exmos. Senhores,\nchamo-me ⟦p⟧, nasci a ⟦dob⟧ e resido na ⟦a⟧. Venho pedir uma certidão de nascimento.", "Portuguese"),
    "pl-PL": ("Szanowni Państwo,\nnazywam się ⟦p⟧, urodziłem/am się ⟦dob⟧ r., mieszkam pod adresem ⟦a⟧. Proszę o odpis aktu urodzenia.", "Polish"),
    "sv-SE": ("Hej,\njag heter ⟦p⟧, är född ⟦dob⟧ och bor på ⟦a⟧. Jag vill beställa ett personbevis.", "Swedish"),
    "da-DK": ("Kære modtager,\njeg hedder ⟦p⟧, er født den ⟦dob⟧ og bor på ⟦a⟧. Jeg vil gerne bestille en fødselsattest.", "Danish"),
    "nb-NO": ("Hei,\njeg heter ⟦p⟧, er født ⟦dob⟧ og bor i ⟦a⟧. Jeg ber om en bekreftelse fra folkeregisteret.", "Norwegian"),
    "cs-CZ": ("Vážení,\njmenuji se ⟦p⟧, narodil(a) jsem se ⟦dob⟧ a bydlím na adrese ⟦a⟧. Žádám o vydání rodného listu.", "Czech"),
    "tr-TR": ("Sayın yetkili,\nadım ⟦p⟧, ⟦dob⟧ tarihinde doğdum ve ⟦a⟧ adresinde oturuyorum. Nüfus kayıt örneği talep ediyorum.", "Turkish"),
}


@pos("translate_birth_certificate_letter", 10)
def _():
    loc = ch(sorted(LETTERS_TO_TRANSLATE))
    letter, lang = LETTERS_TO_TRANSLATE[loc]
    p = P(loc)
    pre = ch([f"Please translate this {lang} letter into English:\n\n", "Translate to English, keep the formatting:\n\n",
              f"Is this {lang} letter polite enough? Also translate it.\n\n"])
    return loc, T(pre + letter, p=per(p.full), dob=bdl(fmt_date(dob(), loc, "de_long" if loc == "de-DE" and chance(0.5) else None)),
                  a=adr(addr1(loc)))


@pos("yaml_config_secrets", 7)
def _():
    loc = ch(["en-US", "de-DE", "fr-FR", "nl-NL"])
    p = P(loc)
    com = {"en-US": "# why does the smtp login fail?", "de-DE": "# warum schlägt der SMTP-Login fehl?",
           "fr-FR": "# pourquoi la connexion SMTP échoue ?", "nl-NL": "# waarom faalt de smtp-login?"}[loc]
    t = (com + "\ndatabase:\n  host: db.prod.internal\n  user: billing\n  password: ⟦pw⟧\nsmtp:\n  host: smtp.⟦dom⟧\n  user: ⟦em⟧\n"
         "  password: ⟦pw2⟧\npayments:\n  secret_key: ⟦sk⟧\n")
    em = email(p, loc, work=True)
    return loc, T(t, pw=sec(password()), dom=em.split("@")[1], em=eml(em), pw2=sec(password()), sk=sec(api_key("stripe")))


@pos("k8s_aws_secret", 5)
def _():
    loc = "en-US"
    t = ("kubectl keeps rejecting this, what's wrong with the indentation?\n\napiVersion: v1\nkind: Secret\nmetadata:\n  name: backup-creds\n"
         "stringData:\n  AWS_ACCESS_KEY_ID: ⟦ak⟧\n  AWS_SECRET_ACCESS_KEY: ⟦sk⟧\n  SLACK_BOT_TOKEN: ⟦sl⟧\n")
    return loc, T(t, ak=sec(api_key("aws")), sk=sec(api_key("aws_secret")), sl=sec(api_key(ch(["slack", "github"]))))


@pos("payment_card_chat", 11)
def _():
    loc = ch(["de-DE", "fr-FR", "es-ES", "it-IT", "nl-NL", "pl-PL", "en-GB", "sv-SE", "pt-BR"])
    p = P(loc)
    t = {
        "de-DE": "Kannst du für mich das Formular ausfüllen? Karteninhaber ⟦p⟧, Kartennummer ⟦cc⟧, gültig bis ⟦ex⟧.",
        "fr-FR": "Remplis le paiement pour moi : titulaire ⟦p⟧, numéro de carte ⟦cc⟧, expiration ⟦ex⟧.",
        "es-ES": "Paga la reserva con esta tarjeta: ⟦cc⟧, titular ⟦p⟧, caduca ⟦ex⟧.",
        "it-IT": "Usa questa carta per l'ordine: ⟦cc⟧ intestata a ⟦p⟧, scadenza ⟦ex⟧.",
        "nl-NL": "Vul mijn creditcard in bij de boeking: ⟦cc⟧, op naam van ⟦p⟧, geldig tot ⟦ex⟧.",
        "pl-PL": "Wpisz moją kartę do zamówienia: ⟦cc⟧, właściciel ⟦p⟧, ważna do ⟦ex⟧.",
        "en-GB": "Book the hotel for me with card ⟦cc⟧, name on card ⟦p⟧, expiry ⟦ex⟧.",
        "sv-SE": "Boka biljetterna med mitt kort ⟦cc⟧, kortinnehavare ⟦p⟧, giltigt till ⟦ex⟧.",
        "pt-BR": "Faz a compra com meu cartão ⟦cc⟧, nome impresso ⟦p⟧, validade ⟦ex⟧.",
    }[loc]
    return loc, T(t, p=per(p.upper_surname.upper() if chance(0.3) else p.full), cc=crd(card()), ex=f"{rint(1, 12):02d}/{rint(26, 31)}")


@pos("iban_transfer_chat", 8)
def _():
    loc = ch(["nl-NL", "es-ES", "pl-PL", "fr-FR", "be", "pt-PT", "sv-SE", "da-DK", "cs-CZ", "tr-TR", "fi-FI", "nb-NO"])
    if loc == "be":
        loc = "nl-BE"
    p = P(loc)
    cc = {"nl-NL": "NL", "es-ES": "ES", "pl-PL": "PL", "fr-FR": "FR", "nl-BE": "BE", "pt-PT": "PT", "sv-SE": "SE",
          "da-DK": "DK", "cs-CZ": "CZ", "tr-TR": "TR", "fi-FI": "FI", "nb-NO": "NO"}[loc]
    t = {
        "nl-NL": "Schrijf een betaalverzoek: maak €⟦bed⟧ over naar ⟦p⟧, IBAN ⟦ib⟧, o.v.v. huur ⟦maand⟧.",
        "nl-BE": "Maak een herinnering: gelieve €⟦bed⟧ te storten op rekening ⟦ib⟧ op naam van ⟦p⟧.",
        "es-ES": "Escribe un recordatorio: transferir ⟦bed⟧ € a ⟦p⟧, IBAN ⟦ib⟧, concepto alquiler ⟦maand⟧.",
        "pl-PL": "Napisz przypomnienie: przelew ⟦bed⟧ zł na konto ⟦ib⟧, odbiorca ⟦p⟧, tytuł: czynsz.",
        "fr-FR": "Rédige un rappel : virement de ⟦bed⟧ € à ⟦p⟧, IBAN ⟦ib⟧, motif loyer.",
        "pt-PT": "Escreve um lembrete: transferir ⟦bed⟧ € para ⟦p⟧, IBAN ⟦ib⟧, referente à renda.",
        "sv-SE": "Skriv en påminnelse: betala ⟦bed⟧ kr till ⟦p⟧, IBAN ⟦ib⟧.",
        "da-DK": "Skriv en påmindelse: overfør ⟦bed⟧ kr. til ⟦p⟧, IBAN ⟦ib⟧.",
        "cs-CZ": "Napiš upomínku: pošlete ⟦bed⟧ Kč na účet ⟦ib⟧, příjemce ⟦p⟧.",
        "tr-TR": "Hatırlatma yaz: ⟦bed⟧ TL'yi ⟦p⟧ adına ⟦ib⟧ IBAN'ına gönderin.",
        "fi-FI": "Kirjoita muistutus: maksa ⟦bed⟧ € tilille ⟦ib⟧, saaja ⟦p⟧.",
        "nb-NO": "Skriv en påminnelse: overfør ⟦bed⟧ kr til ⟦p⟧, IBAN ⟦ib⟧.",
    }[loc]
    return loc, T(t, bed=str(rint(150, 2400)), p=per(p.full), ib=ibl(iban(cc)), maand=ch(["maart", "april", "mayo", "junio", "mei"]))


@pos("json_patient_export", 4)
def _():
    loc = ch(["de-DE", "fr-FR", "es-ES", "it-IT", "nl-NL", "en-GB"])
    p = P(loc)
    d = dob(1940, 2010)
    idv = {"de-DE": de_kvnr(), "fr-FR": fr_nir_for(d, p, "plain"), "es-ES": es_dni("plain"), "it-IT": None,
           "nl-NL": nl_bsn("plain"), "en-GB": uk_nhs("plain")}[loc]
    if loc == "it-IT":
        c = ch(list(IT_BELFIORE))
        idv = it_cf(p, d, c)
    t = ('Map these fields to FHIR Patient:\n{"patient_id": "⟦pid⟧", "name": "⟦p⟧", "birth_date": "⟦dob⟧", '
         '"insurance_no": "⟦ins⟧", "address": "⟦a⟧", "phone": "⟦ph⟧", "admitted": "⟦adm⟧"}')
    t = opt(t, ", \"phone\": \"⟦ph⟧\"")
    return loc, T(t, pid=idl(mrn()), p=per(p.full), dob=bdl(d.isoformat()), ins=idl(idv), a=adr(addr1(loc)),
                  ph=phl(phone(loc, style="e164")), adm=rand_date(2024, 2025).isoformat())


@pos("tsv_hr_export", 4)
def _():
    loc = ch(["sv-SE", "da-DK", "nb-NO", "fi-FI"])
    head = {"sv-SE": "namn\tpersonnummer\tfödd\tadress", "da-DK": "navn\tcpr\tfødselsdato\tadresse",
            "nb-NO": "navn\tfødselsnummer\tfødselsdato\tadresse", "fi-FI": "nimi\thenkilötunnus\tsyntymäaika\tosoite"}[loc]
    parts = ["Gör om till en tabell i markdown:\n\n" if loc == "sv-SE" else "Lav om til en markdown-tabel:\n\n" if loc == "da-DK"
             else "Lag en markdown-tabell:\n\n" if loc == "nb-NO" else "Tee tästä markdown-taulukko:\n\n", head, "\n"]
    for _ in range(rint(2, 4)):
        p = P(loc)
        d = dob(1945, 1999)
        idv = {"sv-SE": lambda: se_pnr_for(d, p), "da-DK": lambda: dk_cpr_for(d), "nb-NO": lambda: no_fnr_for(d),
               "fi-FI": lambda: fi_hetu_for(d)}[loc]()
        parts += [per(p.full), "\t", idl(idv), "\t", bdl(fmt_date(d, loc)), "\t", adr(addr1(loc)), "\n"]
    return loc, parts


# ---------------------------------------------------------------------------
# POSITIVE templates -- focused on the non-hard kinds (ssn, card, ip, iban, secret)
# ---------------------------------------------------------------------------
@pos("en_loan_application_ssn", 6)
def _():
    loc = "en-US"
    p = P(loc, middle=chance(0.3))
    co = P(loc)
    t = ("Check this loan application summary for errors:\n\nApplicant: ⟦p⟧\nSSN: ⟦ssn⟧\nDate of birth: ⟦dob⟧\n"
         "Current address: ⟦a⟧ (since 2019)\nEmail: ⟦em⟧\nCo-applicant: ⟦co⟧, SSN ⟦ssn2⟧\nRequested amount: $⟦amt⟧")
    t = opt(t, "\nEmail: ⟦em⟧")
    return loc, T(t, p=per(p.full), ssn=snl(ssn()), dob=bdl(fmt_date(dob(1955, 2003), loc)), a=adr(addr1(loc)),
                  em=eml(email(p, loc)), co=per(co.full), ssn2=snl(ssn()), amt=f"{rint(5, 90) * 1000:,}")


@pos("en_background_check_csv", 4)
def _():
    loc = "en-US"
    parts = ["Which of these candidates are missing a county search? Export from the screening vendor:\n\n"
             "candidate\tssn\tdob\tcounty\tstatus\n"]
    for _ in range(rint(3, 4)):
        p = P(loc)
        parts += [per(p.full), "\t", snl(ssn("dash")), "\t", bdl(fmt_date(dob(1960, 2004), loc, "us")), "\t",
                  ch(["Travis", "Multnomah", "Denver", "Franklin", "Wake", "Dane", "King"]), "\t", ch(["clear", "pending", "review"]), "\n"]
    return loc, parts


@pos("en_ssn_chat", 5)
def _():
    loc = "en-US"
    p = P(loc)
    t = ch([
        "ugh the irs site keeps timing out. my ssn is ⟦ssn⟧ and i just want to know where my refund is, any tips?",
        "can you help me write a letter to my bank? they have the wrong SSN on file, it should be ⟦ssn⟧ not the one ending 4471. I'm ⟦p⟧.",
        "Is it safe to give my SSN (⟦ssn⟧) to a landlord for a credit check? Also they asked for my date of birth, ⟦dob⟧.",
    ])
    return loc, T(t, ssn=snl(ssn()), p=per(p.full), dob=bdl(fmt_date(dob(), loc)))


@pos("payment_log_card", 6)
def _():
    loc = ch(["en-US", "en-GB", "de-DE", "nl-NL"])
    p = P(loc)
    q = {"en-US": "Why is our payment service logging this? Is it a PCI problem?",
         "en-GB": "Is it a PCI problem that our checkout logs look like this?",
         "de-DE": "Ist das ein PCI-Problem? So sieht unser Checkout-Log aus:",
         "nl-NL": "Is dit een PCI-probleem? Zo ziet onze checkout-log eruit:"}[loc]
    t = (q + '\n\n{"level":"debug","msg":"charge request","card_number":"⟦cc⟧","exp":"⟦ex⟧","holder":"⟦p⟧",'
         '"email":"⟦em⟧","client_ip":"⟦ip⟧","amount":⟦amt⟧}')
    return loc, T(t, cc=crd(card(style="plain")), ex=f"{rint(1, 12):02d}/{rint(26, 31)}", p=per(p.full.upper() if chance(0.4) else p.full),
                  em=eml(email(p, loc)), ip=ipl(ipv4()), amt=str(rint(500, 99999)))


@pos("card_over_phone_note", 5)
def _():
    loc = ch(["en-GB", "en-US", "fr-FR", "es-ES", "it-IT", "pt-PT"])
    p = P(loc)
    t = {
        "en-GB": "Tidy up my call notes: customer ⟦p⟧ rang, wants to pay the balance with ⟦cc⟧, call back on ⟦ph⟧.",
        "en-US": "Clean up these call notes: ⟦p⟧ called, pay w/ card ⟦cc⟧, callback ⟦ph⟧.",
        "fr-FR": "Mets au propre : appel de ⟦p⟧, paiement par carte ⟦cc⟧, rappeler au ⟦ph⟧.",
        "es-ES": "Pasa a limpio: llamó ⟦p⟧, quiere pagar con la tarjeta ⟦cc⟧, devolver llamada al ⟦ph⟧.",
        "it-IT": "Riordina gli appunti: ha chiamato ⟦p⟧, paga con la carta ⟦cc⟧, richiamare al ⟦ph⟧.",
        "pt-PT": "Organiza as notas: ligou ⟦p⟧, quer pagar com o cartão ⟦cc⟧, ligar de volta para ⟦ph⟧.",
    }[loc]
    return loc, T(t, p=per(p.full), cc=crd(card()), ph=phl(phone(loc)))


@pos("ip_whitelist_request", 7)
def _():
    loc = ch(["en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "nl-NL", "pl-PL", "it-IT", "sv-SE"])
    p = P(loc)
    a, b = ipv4(), ch([ipv4(), ipv6()])
    t = {
        "en-US": "Write a ticket to IT: please whitelist my home IP ⟦a⟧ and the office VPN exit ⟦b⟧ for the staging server. Thanks, ⟦p⟧",
        "en-GB": "Can you word this better: 'Hi, could you add ⟦a⟧ and ⟦b⟧ to the firewall allow-list? – ⟦p⟧'",
        "de-DE": "Formuliere ein Ticket: Bitte die IPs ⟦a⟧ (Homeoffice) und ⟦b⟧ (Büro) für den SFTP-Zugang freischalten. Gruß ⟦p⟧",
        "fr-FR": "Rédige une demande : merci d'autoriser les adresses IP ⟦a⟧ et ⟦b⟧ sur le pare-feu. ⟦p⟧",
        "es-ES": "Escribe un ticket: por favor añadid las IP ⟦a⟧ y ⟦b⟧ a la lista blanca del servidor. Un saludo, ⟦p⟧",
        "nl-NL": "Schrijf een ticket: graag ⟦a⟧ en ⟦b⟧ toevoegen aan de whitelist van de firewall. Groet, ⟦p⟧",
        "pl-PL": "Napisz zgłoszenie: proszę dodać adresy IP ⟦a⟧ i ⟦b⟧ do białej listy. Pozdrawiam, ⟦p⟧",
        "it-IT": "Scrivi un ticket: abilitate gli IP ⟦a⟧ e ⟦b⟧ sul firewall, grazie. ⟦p⟧",
        "sv-SE": "Skriv ett ärende: lägg till IP-adresserna ⟦a⟧ och ⟦b⟧ i brandväggens vitlista. Hälsningar ⟦p⟧",
    }[loc]
    return loc, T(t, a=ipl(a), b=ipl(b), p=per(p.full))


@pos("ip_fail2ban_log", 5)
def _():
    loc = ch(["en-US", "de-DE", "fr-FR"])
    q = {"en-US": "Are these brute-force attempts? fail2ban log:", "de-DE": "Sind das Brute-Force-Angriffe? Auszug aus fail2ban:",
         "fr-FR": "Est-ce une attaque par force brute ? Extrait de fail2ban :"}[loc]
    parts = [q + "\n\n"]
    for _ in range(rint(3, 5)):
        ip = ipv4() if chance(0.85) else ipv6()
        parts += [f"2025-{rint(1, 12):02d}-{rint(1, 28):02d} {rint(0, 23):02d}:{rint(0, 59):02d}:{rint(0, 59):02d},{digits(3)} "
                  f"fail2ban.actions [{rint(400, 9000)}]: NOTICE [sshd] Ban ", ipl(ip), "\n"]
    parts.append(f"2025-11-02 03:14:07,112 fail2ban.filter [812]: INFO [sshd] Ignore 192.168.{rint(0, 9)}.{rint(2, 200)} by ignoreip\n")
    return loc, parts


@pos("iban_salary_change", 7)
def _():
    loc = ch(["de-DE", "de-AT", "fr-FR", "nl-NL", "es-ES", "it-IT", "pl-PL", "en-IE", "pt-PT", "cs-CZ"])
    p = P(loc)
    cc = {"de-DE": "DE", "de-AT": "AT", "fr-FR": "FR", "nl-NL": "NL", "es-ES": "ES", "it-IT": "IT", "pl-PL": "PL",
          "en-IE": "IE", "pt-PT": "PT", "cs-CZ": "CZ"}[loc]
    t = {
        "de-DE": "Schreib eine kurze Mail an die Lohnbuchhaltung: Ab nächsten Monat bitte mein Gehalt auf die neue IBAN ⟦ib⟧ überweisen. ⟦p⟧, Personalnummer ⟦pn⟧",
        "de-AT": "Bitte formell: Ersuche um Änderung meiner Bankverbindung für die Gehaltsauszahlung auf IBAN ⟦ib⟧. ⟦p⟧",
        "fr-FR": "Rédige un mail au service paie : merci de verser mon salaire sur mon nouveau compte, IBAN ⟦ib⟧. ⟦p⟧",
        "nl-NL": "Schrijf een mail aan de salarisadministratie: mijn salaris graag voortaan op ⟦ib⟧. Met vriendelijke groet, ⟦p⟧",
        "es-ES": "Escribe un correo a nóminas: a partir de este mes, ingresad mi nómina en la cuenta ⟦ib⟧. Gracias, ⟦p⟧",
        "it-IT": "Scrivi una mail all'ufficio paghe: vi prego di accreditare lo stipendio sul nuovo IBAN ⟦ib⟧. ⟦p⟧",
        "pl-PL": "Napisz maila do kadr: proszę o przelewanie wynagrodzenia na nowy rachunek ⟦ib⟧. ⟦p⟧",
        "en-IE": "Write a note to payroll: please pay my salary into my new account, IBAN ⟦ib⟧, from next month. ⟦p⟧",
        "pt-PT": "Escreve um email para os recursos humanos: o meu salário deve passar a ser pago no IBAN ⟦ib⟧. ⟦p⟧",
        "cs-CZ": "Napiš e-mail mzdové účetní: prosím o zasílání mzdy na nový účet ⟦ib⟧. ⟦p⟧",
    }[loc]
    return loc, T(t, ib=ibl(iban(cc)), p=per(p.full), pn=str(rint(10000, 99999)))


@pos("secret_pin_chat", 6)
def _():
    loc = ch(["de-DE", "fr-FR", "es-ES", "pl-PL", "nl-NL", "it-IT", "sv-SE", "tr-TR", "pt-BR", "da-DK"])
    t = {
        "de-DE": "Erinnerung für Oma formulieren: Die PIN für ihre neue Bankkarte ist ⟦pin⟧, das Online-Banking-Passwort ⟦pw⟧. Bitte nicht aufschreiben!",
        "fr-FR": "Écris un mémo pour mon père : le code de la carte est ⟦pin⟧ et le mot de passe de la box ⟦pw⟧.",
        "es-ES": "Hazme una nota para la niñera: el código de la alarma es ⟦pin⟧ y la contraseña del wifi ⟦pw⟧.",
        "pl-PL": "Napisz wiadomość do syna: kod PIN do karty to ⟦pin⟧, a hasło do Netflixa ⟦pw⟧.",
        "nl-NL": "Maak een briefje voor de oppas: alarmcode ⟦pin⟧, wifi-wachtwoord ⟦pw⟧.",
        "it-IT": "Scrivi un promemoria: il PIN del bancomat è ⟦pin⟧, la password della posta ⟦pw⟧.",
        "sv-SE": "Skriv en lapp till barnvakten: larmkoden är ⟦pin⟧ och wifi-lösenordet ⟦pw⟧.",
        "tr-TR": "Kardeşime mesaj yaz: kartın şifresi ⟦pin⟧, modemin şifresi ⟦pw⟧.",
        "pt-BR": "Escreve um recado: a senha do cartão é ⟦pin⟧ e a do wi-fi é ⟦pw⟧.",
        "da-DK": "Skriv en seddel til babysitteren: alarmkoden er ⟦pin⟧ og wifi-koden ⟦pw⟧.",
    }[loc]
    return loc, T(t, pin=sec(pin()), pw=sec(password()))


@pos("git_token_url", 4)
def _():
    loc = ch(["en-US", "en-GB", "de-DE"])
    user = fold(P(loc).last.lower()).replace(" ", "")
    tok = api_key(ch(["github", "github", "hex"]))
    q = {"en-US": "push fails with 403, what's wrong?", "en-GB": "why does this push get rejected?",
         "de-DE": "warum schlägt der Push mit 403 fehl?"}[loc]
    t = (q + "\n\n$ git remote set-url origin https://" + user + ":⟦tok⟧@github.com/" + user + "/infra.git\n$ git push origin main\n"
         "remote: Permission to " + user + "/infra.git denied.")
    return loc, T(t, tok=sec(tok))


# ---------------------------------------------------------------------------
# NEGATIVE templates (no spans)
# ---------------------------------------------------------------------------
PUBLIC_FIGURES = [
    ("Angela Merkel", "de-DE"), ("Albert Einstein", "en-US"), ("Marie Curie", "fr-FR"), ("Barack Obama", "en-US"),
    ("Taylor Swift", "en-US"), ("Cristiano Ronaldo", "pt-PT"), ("Johann Wolfgang von Goethe", "de-DE"),
    ("William Shakespeare", "en-GB"), ("Frida Kahlo", "es-MX"), ("Gabriel García Márquez", "es-CO"),
    ("Pablo Picasso", "es-ES"), ("Leonardo da Vinci", "it-IT"), ("Ludwig van Beethoven", "de-DE"),
    ("Vincent van Gogh", "nl-NL"), ("Charles de Gaulle", "fr-FR"), ("Greta Thunberg", "sv-SE"),
    ("Astrid Lindgren", "sv-SE"), ("Søren Kierkegaard", "da-DK"), ("Henrik Ibsen", "nb-NO"), ("Václav Havel", "cs-CZ"),
    ("Mustafa Kemal Atatürk", "tr-TR"), ("Orhan Pamuk", "tr-TR"), ("Lech Wałęsa", "pl-PL"), ("Fernando Pessoa", "pt-PT"),
    ("Ayrton Senna", "pt-BR"), ("Roger Federer", "de-CH"), ("Serena Williams", "en-US"), ("Wisława Szymborska", "pl-PL"),
    ("Umberto Eco", "it-IT"), ("Sophia Loren", "it-IT"), ("Simone de Beauvoir", "fr-FR"), ("Emmanuel Macron", "fr-FR"),
    ("Pedro Almodóvar", "es-ES"), ("Rafael Nadal", "es-ES"), ("Ingrid Bergman", "sv-SE"), ("Karen Blixen", "da-DK"),
    ("Edvard Munch", "nb-NO"), ("Franz Kafka", "cs-CZ"), ("Nâzım Hikmet", "tr-TR"), ("Johan Cruijff", "nl-NL"),
    ("Anne Frank", "nl-NL"), ("Maria Skłodowska-Curie", "pl-PL"), ("Jean Sibelius", "fi-FI"), ("Tove Jansson", "fi-FI"),
    ("Clarice Lispector", "pt-BR"), ("Jorge Luis Borges", "es-AR"), ("Elena Ferrante", "it-IT"), ("Olaf Scholz", "de-DE"),
    ("Mark Rutte", "nl-NL"), ("Pelé", "pt-BR"), ("Zlatan Ibrahimović", "sv-SE"), ("Robert Lewandowski", "pl-PL"),
]
PF_TASKS = {
    "en": ["Write a 150-word summary of {f}'s career.", "What did {f} think about education? Give sources.",
           "Compare the early years of {f} with those of {g}.", "Give me five quiz questions about {f}."],
    "de": ["Schreib eine kurze Biografie über {f}.", "Was war der größte Erfolg von {f}?", "Vergleiche {f} und {g} in einer Tabelle."],
    "fr": ["Résume la carrière de {f} en trois phrases.", "Quelle est l'œuvre la plus connue de {f} ?"],
    "es": ["¿Qué opinaba {f} sobre la política?", "Hazme un resumen de la vida de {f} para niños."],
    "it": ["Scrivi un breve profilo di {f}.", "Perché {f} è considerato importante?"],
    "nl": ["Schrijf een korte biografie van {f}.", "Wat is de bekendste uitspraak van {f}?"],
    "pt": ["Escreve um resumo da vida de {f}.", "Quais foram as maiores conquistas de {f}?"],
    "pl": ["Napisz krótką biografię: {f}.", "Dlaczego {f} jest tak znany/a?"],
    "sv": ["Skriv en kort biografi om {f}.", "Vad är {f} mest känd för?"],
    "da": ["Skriv en kort biografi om {f}.", "Hvorfor er {f} vigtig for dansk kultur?"],
    "nb": ["Skriv en kort biografi om {f}.", "Hva er {f} mest kjent for?"],
    "cs": ["Napiš krátký životopis: {f}.", "Proč je {f} tak slavný?"],
    "tr": ["{f} hakkında kısa bir biyografi yaz.", "{f} neden önemlidir?"],
    "fi": ["Kirjoita lyhyt elämäkerta: {f}.", "Miksi {f} on tunnettu?"],
}


@neg("neg_public_figure", "public-figure", 13)
def _():
    f, loc = ch(PUBLIC_FIGURES)
    lang = lang_of(loc) if lang_of(loc) in PF_TASKS and chance(0.7) else "en"
    g = ch([x for x, _ in PUBLIC_FIGURES if x != f])
    return (loc if lang != "en" else ch(["en-US", "en-GB"])), [ch(PF_TASKS[lang]).format(f=f, g=g)]


FICTIONAL = [("Sherlock Holmes", "en-GB"), ("Harry Potter", "en-GB"), ("Hermione Granger", "en-GB"), ("Pippi Långstrump", "sv-SE"),
             ("Don Quijote", "es-ES"), ("Tintin", "fr-BE"), ("Bridget Jones", "en-GB"), ("Walter White", "en-US"),
             ("Frodo Baggins", "en-GB"), ("Atticus Finch", "en-US"), ("Elizabeth Bennet", "en-GB"), ("Jay Gatsby", "en-US"),
             ("Emma Bovary", "fr-FR"), ("Lisbeth Salander", "sv-SE"), ("Kurt Wallander", "sv-SE"), ("Commissario Montalbano", "it-IT"),
             ("Jules Maigret", "fr-FR"), ("Pinocchio", "it-IT"), ("Harry Hole", "nb-NO"), ("Arsène Lupin", "fr-FR"),
             ("Dorian Gray", "en-GB"), ("Mafalda", "es-AR"), ("Homer Simpson", "en-US"), ("Winnetou", "de-DE"),
             ("Effi Briest", "de-DE"), ("Josef Švejk", "cs-CZ"), ("Pan Tadeusz", "pl-PL"), ("Carl Fredricksen", "en-US"),
             ("Lara Croft", "en-GB"), ("Geralt z Rivii", "pl-PL"), ("Emil i Lönneberga", "sv-SE"), ("Kapitan Bomba", "pl-PL")]
FIC_TASKS = {
    "en": ["Write a short scene where {a} meets {b} at a train station.", "Analyse the character of {a} in two paragraphs.",
           "Is {a} a reliable narrator? Discuss.", "Write a diary entry from {a}'s point of view."],
    "de": ["Schreib eine kurze Szene, in der {a} auf {b} trifft.", "Charakterisiere {a} in fünf Sätzen."],
    "fr": ["Écris une courte scène où {a} rencontre {b}.", "Fais le portrait psychologique de {a}."],
    "es": ["Escribe una escena en la que {a} conoce a {b}.", "Describe el carácter de {a}."],
    "it": ["Scrivi una scena in cui {a} incontra {b}.", "Descrivi il personaggio di {a}."],
    "sv": ["Skriv en kort scen där {a} möter {b}.", "Beskriv {a} som karaktär."],
    "pl": ["Napisz scenę, w której {a} spotyka {b}.", "Scharakteryzuj postać: {a}."],
    "nb": ["Skriv en kort scene der {a} møter {b}."], "cs": ["Napiš scénu, kde {a} potká {b}."],
}


@neg("neg_fictional_character", "fictional-character", 10)
def _():
    a, loc = ch(FICTIONAL)
    b = ch([x for x, _ in FICTIONAL if x != a])
    lang = lang_of(loc) if lang_of(loc) in FIC_TASKS and chance(0.7) else "en"
    return (loc if lang != "en" else ch(["en-US", "en-GB"])), [ch(FIC_TASKS[lang]).format(a=a, b=b)]


PLACEHOLDERS = [
    ("en-US", "John Doe", ["Replace John Doe in this template with the customer's real name before sending.",
                           "In the sample contract the tenant is called John Doe – is that a legal term?",
                           "Generate 5 test users like 'Jane Doe' and 'John Doe' but with unique usernames only."]),
    ("en-GB", "Joe Bloggs", ["The form example says 'Name: Joe Bloggs' – what should I actually write?",
                             "Why do British forms use Joe Bloggs as the example name?"]),
    ("de-DE", "Max Mustermann", ["Auf dem Musterausweis steht Erika Mustermann – warum eigentlich?",
                                  "Ersetze im Anschreiben „Max Mustermann“ durch den Platzhalter {{NAME}}.",
                                  "Im Formular steht als Beispiel Max Mustermann. Muss ich den zweiten Vornamen angeben?"]),
    ("fr-FR", "Jean Dupont", ["Dans le modèle de lettre, remplace Jean Dupont par [NOM DU CLIENT].",
                              "Pourquoi utilise-t-on « Jean Dupont » comme nom d'exemple en France ?"]),
    ("it-IT", "Mario Rossi", ["Nel modulo di esempio c'è scritto Mario Rossi: devo lasciarlo?",
                              "Sostituisci 'Mario Rossi' con un segnaposto nel template."]),
    ("es-ES", "Fulano de Tal", ["¿De dónde viene la expresión «Fulano de Tal»?", "En la plantilla pon Juan Pérez como ejemplo genérico, sin datos reales."]),
    ("pl-PL", "Jan Kowalski", ["Na wzorze formularza jest Jan Kowalski – co mam tam wpisać?",
                               "Dlaczego w przykładach zawsze pojawia się Jan Kowalski?"]),
    ("nb-NO", "Ola Nordmann", ["Hvorfor bruker skjemaene «Ola Nordmann» og «Kari Nordmann» som eksempel?"]),
    ("nl-NL", "Jan Jansen", ["In het voorbeeldformulier staat Jan Jansen; vervang dat door {naam}."]),
    ("fi-FI", "Matti Meikäläinen", ["Lomakkeen esimerkissä lukee Matti Meikäläinen – mitä siihen kirjoitetaan?"]),
    ("cs-CZ", "Jan Novák", ["Ve vzoru žádosti je uveden Jan Novák. Mám to přepsat?"]),
    ("sv-SE", "Sven Svensson", ["Varför heter exempelpersonen Sven Svensson i alla blanketter?"]),
    ("pt-BR", "Fulano de Tal", ["No modelo está escrito Fulano de Tal, Beltrano e Sicrano. Como substituo por variáveis?"]),
]


@neg("neg_placeholder_name", "placeholder-name", 10)
def _():
    loc, _, sents = ch(PLACEHOLDERS)
    return loc, [ch(sents)]


BRANDS = {
    "en-US": ["Is a Ford Focus or a Tesla Model 3 cheaper to run over five years?", "Write a tweet comparing McDonald's and Wendy's breakfast.",
              "Our Dell laptops keep overheating – draft a ticket to Dell support.", "Summarise Johnson & Johnson's latest earnings call.",
              "Ralph Lauren or Tommy Hilfiger for a smart-casual office?", "Explain how Goldman Sachs and Morgan Stanley differ."],
    "en-GB": ["Is the John Lewis price promise still a thing?", "Compare Marks & Spencer and Sainsbury's meal deals.",
              "Ted Baker has closed its shop near me – where else sells similar suits?", "Write a complaint to Rolls-Royce about the service intervals."],
    "de-DE": ["Ist die Pizza von Dr. Oetker glutenfrei?", "Lohnt sich ein Porsche Taycan als Dienstwagen?",
              "Schreib eine Reklamation an Bosch wegen meiner Spülmaschine.", "Vergleiche Hugo Boss und Tommy Hilfiger bei Anzügen.",
              "Was kostet ein Mercedes-Benz EQE im Leasing?", "Bewerbungsanschreiben für ein Praktikum bei Siemens, bitte."],
    "fr-FR": ["Écris une lettre de motivation pour Louis Vuitton.", "Yves Saint Laurent ou Christian Dior pour un parfum d'homme ?",
              "Une Peugeot 208 ou une Renault Clio, laquelle choisir ?", "Résume l'histoire de la maison Chanel."],
    "it-IT": ["Meglio una Ferrari Roma o una Lamborghini Huracán?", "Scrivi un post su Giorgio Armani come marchio di moda.",
              "La pasta Barilla è più buona della De Cecco?", "Gucci o Prada per una borsa da lavoro?"],
    "nl-NL": ["Is Heineken of Grolsch populairder in het buitenland?", "Schrijf een klacht aan Philips over mijn scheerapparaat.",
              "Waarom is Albert Heijn duurder dan Lidl?"],
    "da-DK": ["Er Bang & Olufsen højttalere pengene værd?", "Skriv en kort tekst om Carlsberg som arbejdsplads."],
    "sv-SE": ["Är Hennes & Mauritz samma sak som H&M?", "Skriv en recension av Ikea Billy-hyllan."],
    "es-ES": ["¿Vale la pena un Seat o un Cupra?", "Escribe una queja para El Corte Inglés por un envío tardío."],
    "pt-BR": ["A Natura ou O Boticário tem melhor perfume?", "Escreve uma reclamação para a Casas Bahia."],
}


@neg("neg_brand_named_after_person", "brand-named-after-person", 10)
def _():
    loc = ch(sorted(BRANDS))
    return loc, [ch(BRANDS[loc])]


PLACES_PERSON = {
    "de-DE": ["Lass uns am Brunnen auf der Karl-Marx-Allee treffen, gegenüber vom Kino.", "Ich steige am Ernst-Reuter-Platz aus und laufe dann.",
              "Die Baustelle in der Konrad-Adenauer-Straße sorgt jeden Morgen für Stau.", "Der Flughafen Berlin Brandenburg „Willy Brandt“ hat ein neues Terminal."],
    "fr-FR": ["Le restaurant est avenue Charles-de-Gaulle, juste après le rond-point.", "On se retrouve place Jean-Jaurès à midi ?",
              "Le lycée Victor-Hugo organise une journée portes ouvertes.", "Mon vol part de l'aéroport Charles-de-Gaulle, terminal 2E."],
    "it-IT": ["Arrivo all'aeroporto Leonardo da Vinci di Fiumicino alle nove.", "Ci vediamo in Piazza Garibaldi davanti alla stazione."],
    "es-ES": ["Quedamos en la Plaza de Colón, al lado de la fuente.", "El vuelo sale del aeropuerto Adolfo Suárez Madrid-Barajas."],
    "en-US": ["Our flight lands at John F. Kennedy International Airport around noon.", "Meet me at the Lincoln Memorial steps at 6.",
              "Is Washington Square Park safe at night?", "How long is the drive from Kennedy Space Center to Orlando?"],
    "nl-NL": ["We zitten op een terras aan het Rembrandtplein.", "Is de Johan Cruijff ArenA bereikbaar met de metro?"],
    "cs-CZ": ["Přiletím na letiště Václava Havla v pátek večer.", "Sejdeme se pod koněm na Václavském náměstí."],
    "pl-PL": ["Lądujemy na lotnisku im. Lecha Wałęsy w Gdańsku.", "Spotkajmy się na placu Piłsudskiego."],
    "nb-NO": ["Vi går langs Karl Johans gate til slottet."], "da-DK": ["Hotellet ligger ved H.C. Andersens Boulevard."],
    "tr-TR": ["Uçağım Sabiha Gökçen Havalimanı'na iniyor.", "Atatürk Kültür Merkezi'nde konser var."],
    "fi-FI": ["Raitiovaunu kulkee Mannerheimintietä pitkin."], "pt-PT": ["O metro para no Marquês de Pombal."],
    "sv-SE": ["Vi ses på Gustav Adolfs torg vid tolv."],
}


@neg("neg_place_named_after_person", "place-named-after-person", 10)
def _():
    loc = ch(sorted(PLACES_PERSON))
    pre = ch(["", "Translate into English: ", "Is this sentence grammatical? "]) if lang_of(loc) != "en" else ch(["", "Rephrase: "])
    return loc, [pre + ch(PLACES_PERSON[loc])]


NON_DOB = {
    "en-GB": ["Your appointment with the hygienist is confirmed for {d} at 14:30.", "Invoice {o} dated {d}, payment due by {d2}.",
              "The consultation closes on {d}; responses after that date will not be considered.", "Delivery window: {d}, between 8am and 1pm."],
    "en-US": ["Reminder: the quarterly estimated tax payment is due {d}.", "Your lease renewal must be signed by {d}.",
              "Order {o} placed {d} – estimated arrival {d2}.", "Date of service: {d}. Claim received: {d2}."],
    "de-DE": ["Ihr Termin beim Bürgeramt: {d}, 09:40 Uhr.", "Rechnungsdatum: {d}, Fälligkeit: {d2}, Rechnungsnummer {o}.",
              "Die Kündigungsfrist endet am {d}.", "Lieferung voraussichtlich am {d}."],
    "fr-FR": ["Rendez-vous confirmé le {d} à 10 h 15.", "Facture {o} du {d}, à régler avant le {d2}.", "Date limite de dépôt : {d}."],
    "es-ES": ["Su cita en la ITV es el {d} a las 11:00.", "Fecha de emisión: {d}. Fecha de vencimiento: {d2}.", "El plazo de inscripción termina el {d}."],
    "it-IT": ["Appuntamento fissato per il {d} alle ore 16.", "Fattura n. {o} del {d}, scadenza {d2}."],
    "nl-NL": ["Uw afspraak staat gepland op {d} om 13.00 uur.", "Factuurdatum {d}, vervaldatum {d2}."],
    "pt-PT": ["A consulta ficou marcada para {d}.", "Data de emissão: {d}; data limite de pagamento: {d2}."],
    "pl-PL": ["Termin wizyty: {d}, godz. 8:15.", "Faktura {o} z dnia {d}, termin płatności {d2}."],
    "sv-SE": ["Din tid hos tandläkaren är {d} kl. 10.", "Fakturadatum {d}, förfallodatum {d2}."],
    "da-DK": ["Din tid hos lægen er {d} kl. 9.30.", "Fakturadato {d}, forfaldsdato {d2}."],
    "nb-NO": ["Timen din er {d} kl. 12.", "Fakturadato {d}, forfallsdato {d2}."],
    "cs-CZ": ["Termín schůzky: {d} v 9:00.", "Datum vystavení {d}, datum splatnosti {d2}."],
    "tr-TR": ["Randevunuz {d} saat 15:00'te.", "Fatura tarihi {d}, son ödeme tarihi {d2}."],
    "fi-FI": ["Aikasi on {d} klo 10.", "Laskun päiväys {d}, eräpäivä {d2}."],
}


@neg("neg_non_birth_date", "non-birth-date", 15)
def _():
    loc = ch(sorted(NON_DOB))
    s = ch(NON_DOB[loc])
    pre = ch(["", "Rewrite this more formally: ", "Translate to English: ", "Summarise: "])
    d1 = rand_date(2024, 2026)
    d2 = d1 + dt.timedelta(days=rint(7, 60))
    return loc, [pre + s.format(d=fmt_date(d1, loc), d2=fmt_date(d2, loc), o=order_no())]


@neg("neg_created_at_json", "non-birth-date", 4)
def _():
    loc = "en-US"
    t = ('Why does this JSON fail validation?\n{"id": "%s", "created_at": "%s", "updated_at": "%sT%02d:%02d:00Z", '
         '"valid_until": "%s", "status": "active"}') % (order_no(), rand_date(2019, 2024).isoformat(),
                                                        rand_date(2024, 2025).isoformat(), rint(0, 23), rint(0, 59),
                                                        rand_date(2026, 2028).isoformat())
    return loc, [t]


HISTORICAL = {
    "en-GB": ["The Berlin Wall fell on 9 November 1989 – explain why in 100 words.", "Albert Einstein was born on 14 March 1879 in Ulm. Write a timeline of his life.",
              "Queen Victoria was born on 24 May 1819; what was Britain like then?", "D-Day took place on 6 June 1944. Summarise the landings."],
    "de-DE": ["Am 3. Oktober 1990 wurde Deutschland wiedervereinigt – fasse die Ereignisse zusammen.", "Goethe wurde am 28. August 1749 in Frankfurt geboren. Schreib einen Steckbrief."],
    "fr-FR": ["La prise de la Bastille a eu lieu le 14 juillet 1789. Résume.", "Victor Hugo est né le 26 février 1802 à Besançon : fais une frise chronologique."],
    "es-ES": ["El 12 de octubre de 1492 Colón llegó a América. Explícalo para niños.", "Cervantes nació el 29 de septiembre de 1547; ¿qué sabemos de su infancia?"],
    "it-IT": ["Il 2 giugno 1946 gli italiani votarono per la Repubblica: riassumi.", "Giuseppe Verdi nacque il 10 ottobre 1813. Scrivi una breve biografia."],
    "nl-NL": ["Op 5 mei 1945 werd Nederland bevrijd. Schrijf een korte tekst voor school."],
    "pt-PT": ["O 25 de Abril de 1974 mudou Portugal. Explica porquê."],
    "pl-PL": ["11 listopada 1918 roku Polska odzyskała niepodległość – napisz krótki tekst.", "Fryderyk Chopin urodził się 1 marca 1810 r. w Żelazowej Woli. Opisz jego dzieciństwo."],
    "sv-SE": ["Astrid Lindgren föddes den 14 november 1907 i Vimmerby. Skriv en kort text om henne."],
    "da-DK": ["Grundloven blev underskrevet den 5. juni 1849. Forklar betydningen."],
    "nb-NO": ["Grunnloven ble signert 17. mai 1814. Skriv en kort tale."],
    "cs-CZ": ["Dne 28. října 1918 vzniklo Československo. Shrň to."],
    "tr-TR": ["Cumhuriyet 29 Ekim 1923'te ilan edildi. Kısa bir metin yaz."],
}


@neg("neg_historical_date", "historical-or-public-figure-date", 9)
def _():
    loc = ch(sorted(HISTORICAL))
    return loc, [ch(HISTORICAL[loc])]


@neg("neg_order_tracking_numbers", "order-invoice-tracking-number", 11)
def _():
    loc = ch(["en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "it-IT", "nl-NL", "pl-PL", "sv-SE", "tr-TR", "pt-BR"])
    o, tr = order_no(), tracking_no()
    t = {
        "en-US": f"My order {o} shipped with UPS, tracking {tr}, but it's been stuck for a week. Write a complaint.",
        "en-GB": f"Chase this up politely: invoice {o}, PO number PO-{digits(6)}, still unpaid after 30 days.",
        "de-DE": f"Meine Bestellung {o} ist laut DHL (Sendungsnummer {tr}) zugestellt, aber nie angekommen. Schreib eine Reklamation.",
        "fr-FR": f"Commande n° {o}, colis {tr} – le transporteur dit « livré » mais je n'ai rien reçu. Aide-moi à réclamer.",
        "es-ES": f"El pedido {o} con número de seguimiento {tr} lleva diez días en aduanas. ¿Qué hago?",
        "it-IT": f"Numero ordine {o}, codice di tracciamento {tr}: scrivi un reclamo al venditore.",
        "nl-NL": f"Bestelnummer {o}, track & trace {tr}. Het pakket is retour afzender gegaan, schrijf een mail.",
        "pl-PL": f"Numer zamówienia {o}, numer przesyłki {tr}. Paczka nie dotarła – napisz reklamację.",
        "sv-SE": f"Ordernummer {o}, kolli-ID {tr}. Paketet är försenat, skriv ett klagomål.",
        "tr-TR": f"Sipariş no {o}, kargo takip no {tr}. Paket hâlâ gelmedi, şikayet yazar mısın?",
        "pt-BR": f"Pedido {o}, código de rastreio {tr}, ainda não chegou. Escreve uma reclamação.",
    }[loc]
    return loc, [t]


@neg("neg_sku_isbn_uuid_hash", "sku-isbn-uuid-hash", 9)
def _():
    from stdnum import ean as std_ean
    from stdnum import isbn as std_isbn
    while True:
        b = "978" + str(rint(0, 1)) + digits(8)
        isbn = b + std_isbn.calc_check_digit(b) if hasattr(std_isbn, "calc_check_digit") else None
        isbn = isbn or b + std_ean.calc_check_digit(b)
        if std_isbn.is_valid(isbn):
            break
    eb = "40" + digits(10)
    ean = eb + std_ean.calc_check_digit(eb)
    uuid = "-".join("".join(ch("0123456789abcdef") for _ in range(n)) for n in (8, 4, 4, 4, 12))
    sha = "".join(ch("0123456789abcdef") for _ in range(ch([40, 64])))
    sku = f"{letters(3)}-{digits(4)}-{ch(['BLK', 'WHT', 'RED', 'M', 'XL'])}"
    loc, t = ch([
        ("en-US", f"Find the citation for ISBN {std_isbn.format(isbn)} in APA style."),
        ("en-US", f"Why does `git revert {sha[:40]}` give a merge conflict?"),
        ("en-GB", f"The request id {uuid} shows up in every error log – how do I trace it?"),
        ("de-DE", f"Artikelnummer {sku}, EAN {ean}: schreib eine Produktbeschreibung für den Shop."),
        ("fr-FR", f"Le conteneur refuse de démarrer : image sha256:{sha if len(sha) == 64 else sha + sha[:24]}. Pourquoi ?"),
        ("nl-NL", f"Het boek met ISBN {isbn} is uitverkocht; schrijf een bericht voor de klant zonder persoonlijke gegevens."),
        ("es-ES", f"El SKU {sku} aparece duplicado en el inventario, ¿cómo lo limpio en Excel?"),
        ("pl-PL", f"Identyfikator sesji {uuid} pojawia się dwa razy w logach. Co to znaczy?"),
        ("en-US", f"Checksum mismatch: expected {sha}, got something else. Explain what a checksum is."),
    ])
    return loc, [t]


@neg("neg_private_ip_logs", "private-or-documentation-ip", 10)
def _():
    loc = ch(["en-US", "en-US", "de-DE", "fr-FR", "nl-NL"])
    pool = [f"10.{rint(0, 255)}.{rint(0, 255)}.{rint(1, 254)}", f"192.168.{rint(0, 255)}.{rint(1, 254)}",
            f"172.{rint(16, 31)}.{rint(0, 255)}.{rint(1, 254)}", "127.0.0.1", f"192.0.2.{rint(1, 254)}",
            f"198.51.100.{rint(1, 254)}", f"203.0.113.{rint(1, 254)}", "::1", f"fe80::{rint(1, 0xffff):x}:{rint(1, 0xffff):x}",
            f"2001:db8::{rint(1, 0xffff):x}", f"100.{rint(64, 127)}.{rint(0, 255)}.{rint(1, 254)}"]
    a, b, c = R.sample(pool, 3)
    pre = {"en-US": "Why can't the app reach the database?", "de-DE": "Warum erreicht der Container die Datenbank nicht?",
           "fr-FR": "Pourquoi le conteneur ne joint pas la base ?", "nl-NL": "Waarom bereikt de container de database niet?"}[loc]
    t = (f"{pre}\n\n[{rand_date(2025, 2025).isoformat()} 12:0{rint(0, 9)}:11] connect {a}:5432 timeout\n"
         f"[..] resolver {b} answered NXDOMAIN for db.internal\n[..] health check from {c} OK\n"
         f"[..] listening on 0.0.0.0:{ch(['8080', '3000', '8443'])}")
    return loc, [t]


@neg("neg_test_cards", "test-card", 8)
def _():
    loc = ch(["en-US", "en-GB", "de-DE", "fr-FR", "es-ES"])
    tc = ch(sorted(TEST_CARDS - {"4222222222222"}))
    g = " ".join(tc[i:i + 4] for i in range(0, len(tc), 4)) if len(tc) == 16 else tc
    t = {
        "en-US": f"In Stripe test mode I use {g} with any future expiry, but the webhook never fires. Why?",
        "en-GB": f"Our QA checklist says to pay with test card {g} – does that work in the live environment?",
        "de-DE": f"Im Sandbox-Modus nehme ich die Testkarte {g}, trotzdem kommt ein 3DS-Fehler. Was mache ich falsch?",
        "fr-FR": f"En mode test, la carte {g} est refusée. C'est normal ?",
        "es-ES": f"¿Por qué la tarjeta de prueba {g} funciona en local y no en staging?",
    }[loc]
    return loc, [t]


@neg("neg_luhn_invalid_reference", "luhn-invalid-number", 5)
def _():
    while True:
        n = "4" + digits(15)
        if not luhn.is_valid(n):
            break
    g = " ".join(n[i:i + 4] for i in range(0, 16, 4))
    loc, t = ch([
        ("en-GB", f"The bank statement shows reference {g} next to the standing order. What does it mean?"),
        ("de-DE", f"Auf dem Kontoauszug steht Referenz {g} – ist das eine Kartennummer?"),
        ("nl-NL", f"Betalingskenmerk {n}: waar vul ik dat in bij internetbankieren?"),
        ("en-US", f"Our warehouse uses 16-digit pallet IDs like {n}. Write a regex for them."),
    ])
    return loc, [t]


@neg("neg_documentation_iban", "documentation-or-invalid-iban", 6)
def _():
    doc = ch(sorted(DOC_IBANS))
    while True:
        b = _bban("DE")
        bad = "DE" + f"{rint(2, 98):02d}" + b
        if not std_iban.is_valid(bad):
            break
    loc, t = ch([
        ("en-US", f"The API docs use {std_iban.format(doc)} as the example IBAN. Is it safe to use in unit tests?"),
        ("de-DE", f"Online-Banking sagt, die IBAN {std_iban.format(bad)} sei ungültig. Woran erkennt man einen Tippfehler?"),
        ("fr-FR", f"Dans la documentation on voit l'IBAN d'exemple {doc}. Comment est calculée la clé ?"),
        ("en-GB", f"Explain the mod-97 check using the textbook example {std_iban.format(doc)}."),
    ])
    return loc, [t]


@neg("neg_invalid_ssn", "invalid-or-placeholder-ssn", 6)
def _():
    s = ch(["000-12-3456", "666-45-1290", "123-45-6789", "078-05-1120", f"{rint(1, 665):03d}-00-{digits(4)}",
            f"{rint(1, 665):03d}-{rint(10, 99)}-0000", "219-09-9999"])
    assert not us_ssn.is_valid(s.replace("-", "")) or s in ("123-45-6789", "078-05-1120", "219-09-9999"), s
    loc = "en-US"
    t = ch([f"Our form validator accepts {s} as an SSN. It shouldn't – write the validation rule.",
            f"Is {s} a valid social security number format? It's from a sample dataset.",
            f"The tutorial uses SSN {s} as an example. Why is that number never issued?"])
    return loc, [t]


@neg("neg_placeholder_secret", "placeholder-or-masked-secret", 10)
def _():
    loc, t = ch([
        ("en-US", "Set DB_PASSWORD=${DB_PASSWORD} in docker-compose and read it from the environment – is that secure?"),
        ("en-US", "The README says: export OPENAI_API_KEY=<YOUR_API_KEY>. Where do I get one?"),
        ("en-GB", "The log shows password=******** – is the app masking it correctly?"),
        ("en-US", "In the GitHub Action I use token: ${{ secrets.GITHUB_TOKEN }}. Why does the push fail with 403?"),
        ("de-DE", "Das Passwort steht im Tresor (KeePass), nicht in der Mail. Formuliere bitte einen Hinweis für neue Kolleginnen."),
        ("fr-FR", "Dans le fichier .env.example il y a API_KEY=changez-moi. Faut-il le versionner ?"),
        ("nl-NL", "Mijn wachtwoord is verlopen, hoe reset ik het in Outlook?"),
        ("es-ES", "La configuración de ejemplo pone password: \"<tu-contraseña>\". ¿Qué formato debe tener?"),
        ("en-US", "api_key: sk-...redacted... shows up in our Sentry breadcrumbs. How do I scrub it properly?"),
        ("pl-PL", "Hasło musi mieć minimum 12 znaków, w tym cyfrę i znak specjalny. Napisz komunikat walidacji."),
        ("sv-SE", "Skriv en policy: lösenord får aldrig skickas via e-post eller chatt."),
        ("en-US", "Write a regex that detects AWS keys like AKIAXXXXXXXXXXXXXXXX in commits."),
        ("it-IT", "Nel file di esempio c'è TOKEN=xxxxxxxxxxxxxxxx: lo devo sostituire?"),
    ])
    return loc, [t]


@neg("neg_placeholder_email", "placeholder-email-or-code", 7)
def _():
    loc, t = ch([
        ("en-US", "Use user@example.com and admin@example.org in the seed data – is example.net also reserved?"),
        ("en-US", "In Java, what does @Override actually do, and why does @FunctionalInterface matter?"),
        ("en-GB", "Our docs show the format as name@domain.tld – rewrite that help text more clearly."),
        ("de-DE", "Im Beispiel steht max.mustermann@example.com. Darf ich das so im Handbuch lassen?"),
        ("fr-FR", "npm install @angular/core@17.3.0 échoue avec ERESOLVE, pourquoi ?"),
        ("en-US", "CSS: what's the difference between @media and @container queries?"),
        ("es-ES", "En la plantilla pon correo@ejemplo.com como marcador, ¿es correcto usar ese dominio?"),
        ("en-US", "Write a Python decorator @retry(times=3) with exponential backoff."),
    ])
    return loc, [t]


@neg("neg_city_country_only", "city-or-country-only", 9)
def _():
    loc, t = ch([
        ("en-GB", f"We're relocating the team from {ch(['Leeds', 'Bristol', 'Glasgow'])} to {ch(['Lisbon', 'Porto', 'Valencia'])} next spring – draft an FAQ."),
        ("en-US", f"What's the cheapest way to get from {ch(['Denver', 'Austin', 'Boston'])} to {ch(['Toronto', 'Montréal', 'Vancouver'])} by train?"),
        ("de-DE", f"Ich ziehe nächstes Jahr von {ch(['Köln', 'Leipzig', 'Bremen'])} nach {ch(['Wien', 'Zürich', 'Graz'])}. Was muss ich ummelden?"),
        ("fr-FR", f"Quel temps fait-il à {ch(['Lyon', 'Rennes', 'Nice'])} en octobre ?"),
        ("es-ES", f"Voy a vivir a {ch(['Bilbao', 'Málaga', 'Granada'])} unos meses. ¿Qué barrios me recomiendas?"),
        ("it-IT", f"Meglio vivere a {ch(['Bologna', 'Torino', 'Verona'])} o a {ch(['Milano', 'Padova', 'Firenze'])} per uno studente?"),
        ("nl-NL", f"Hoe lang duurt de trein van {ch(['Utrecht', 'Zwolle', 'Groningen'])} naar Brussel?"),
        ("pl-PL", f"Przeprowadzam się z {ch(['Krakowa', 'Poznania', 'Lublina'])} do Gdańska. Jakie dzielnice polecasz?"),
        ("sv-SE", f"Vad kostar det att bo i {ch(['Uppsala', 'Lund', 'Umeå'])} jämfört med Stockholm?"),
        ("pt-BR", f"Vou me mudar de {ch(['Curitiba', 'Recife', 'Salvador'])} para Portugal. O que preciso?"),
        ("tr-TR", f"{ch(['İzmir', 'Bursa', 'Antalya'])}'dan Berlin'e taşınıyorum, neler yapmam lazım?"),
        ("da-DK", f"Hvor lang tid tager toget fra {ch(['Aarhus', 'Odense', 'Aalborg'])} til Hamborg?"),
        ("cs-CZ", f"Stěhuji se z {ch(['Brna', 'Ostravy', 'Plzně'])} do Vídně. Co musím vyřídit?"),
    ])
    return loc, [t]


@neg("neg_street_without_number", "street-without-number", 8)
def _():
    loc, t = ch([
        ("nl-NL", "Weet jij een goede bakker in de Kerkstraat? Er zijn er drie."),
        ("de-DE", "Wir wohnen irgendwo in der Nähe der Schillerstraße, aber nicht direkt dort."),
        ("es-ES", "La Calle Mayor está cortada por obras hasta el viernes, ¿cómo lo digo en inglés?"),
        ("en-GB", "Is parking on Victoria Road free after 6pm? The signs are confusing."),
        ("fr-FR", "Il y a des travaux rue de la République toute la semaine."),
        ("it-IT", "In via Roma hanno aperto un nuovo bar, scrivi una recensione."),
        ("pl-PL", "Na ulicy Długiej jest dziś jarmark – napisz post na Facebooka."),
        ("sv-SE", "Drottninggatan är avstängd för bilar på lördag."),
        ("en-US", "Main Street gets flooded every spring; draft a letter to the council about drainage."),
        ("tr-TR", "İstiklal Caddesi hafta sonu çok kalabalık oluyor."),
    ])
    return loc, [t]


@neg("neg_schema_headers_no_data", "schema-or-headers-only", 8)
def _():
    loc, t = ch([
        ("en-US", "Write a SQL migration: CREATE TABLE patients (id SERIAL, full_name TEXT, date_of_birth DATE, ssn CHAR(11), iban TEXT, phone TEXT);"),
        ("en-US", "Generate a pandas snippet that reads a CSV with columns name,dob,email,phone,address and drops duplicates."),
        ("de-DE", "Erstelle eine Excel-Vorlage mit den Spalten Name;Geburtsdatum;Straße;PLZ Ort;IBAN – ohne Beispieldaten."),
        ("fr-FR", "Quels champs faut-il pour un formulaire d'adhésion : nom, date de naissance, adresse, numéro de sécurité sociale ?"),
        ("en-GB", "Design a JSON schema with properties firstName, lastName, birthDate, niNumber and postcode."),
        ("es-ES", "Diseña un formulario con los campos: nombre, DNI/NIE, fecha de nacimiento y domicilio."),
        ("nl-NL", "Welke velden moet een huurcontract bevatten? Denk aan naam, geboortedatum, BSN en adres."),
        ("pl-PL", "Jakie dane trzeba podać we wniosku: imię, nazwisko, PESEL, adres zamieszkania?"),
        ("en-US", "Write a regex to validate US phone numbers in the format (XXX) XXX-XXXX."),
        ("it-IT", "Come si calcola il carattere di controllo del codice fiscale? Spiega l'algoritmo senza esempi reali."),
    ])
    return loc, [t]


@neg("neg_short_and_emergency_numbers", "emergency-or-short-number", 6)
def _():
    loc, t = ch([
        ("en-GB", "If it's not an emergency, call 111 instead of 999 – write that as a friendly poster."),
        ("de-DE", "Für den ärztlichen Bereitschaftsdienst wählt man 116 117, im Notfall 112. Mach daraus eine Infokarte."),
        ("en-US", "Should I call 911 or 311 for a fallen tree blocking the road?"),
        ("fr-FR", "Le 15 c'est le SAMU, le 18 les pompiers, le 112 partout en Europe. Fais un tableau."),
        ("es-ES", "¿El 112 funciona sin cobertura en el móvil?"),
        ("nl-NL", "Bel 112 bij spoed en 0900-8844 voor de politie zonder spoed. Vertaal naar het Engels."),
        ("pl-PL", "Numer 112 czy 999 – który wybrać, gdy potrzebna jest karetka?"),
    ])
    return loc, [t]


@neg("neg_business_no_pii", "business-text-no-pii", 8)
def _():
    loc, t = ch([
        ("en-US", f"Summarise: Q3 revenue grew {rint(3, 19)}% to ${rint(2, 40)}.{rint(1, 9)}M, churn fell to {rint(1, 5)}.{rint(0, 9)}%, headcount 142."),
        ("en-GB", f"Turn into bullet points: the office moves to the third floor in {ch(['March', 'June', 'October'])}; desks 1–40 are hot desks."),
        ("de-DE", f"Fasse zusammen: Der Umsatz lag bei {rint(1, 9)}.{digits(3)}.{digits(3)} €, die Marge bei {rint(8, 30)} %, Raum 4.12 ist ab Montag belegt."),
        ("fr-FR", "Rédige un compte rendu : réunion d'équipe, décision de passer à Python 3.12, version 2.4.1 publiée vendredi."),
        ("es-ES", f"Resume: el proyecto tiene {rint(3, 12)} hitos, el presupuesto es de {rint(50, 400)}.000 € y la fase 2 empieza en el T3."),
        ("it-IT", "Scrivi un annuncio: il magazzino resterà chiuso per inventario dal lunedì al mercoledì."),
        ("nl-NL", "Maak een agenda: 1) terugblik sprint 14, 2) roadmap Q4, 3) rondvraag. Duur 45 minuten."),
        ("sv-SE", "Sammanfatta: vi byter CRM-system, migreringen tar sex veckor och utbildningen är obligatorisk."),
        ("pt-PT", "Resume: a fábrica produziu 12 400 unidades em setembro, mais 8% que em agosto."),
        ("pl-PL", "Podsumuj: sprzedaż wzrosła o 7%, a koszty logistyki spadły o 3 punkty procentowe."),
        ("tr-TR", "Özetle: yeni sürüm 3.2.0 yayında, hata oranı %0,4'e düştü."),
        ("cs-CZ", "Shrň: tým dokončil 18 úkolů ze 20, release je naplánován na příští týden."),
        ("da-DK", "Lav en dagsorden til teammødet: budget, ferieplan og nyt mødelokale."),
        ("fi-FI", "Tiivistä: myynti kasvoi 5 %, ja uusi varasto avataan keväällä."),
    ])
    return loc, [t]


@neg("neg_numbers_coordinates_times", "numbers-times-versions", 6)
def _():
    loc, t = ch([
        ("en-US", f"Convert {rint(1, 12)}:{rint(10, 59)} PM EST to CET and explain daylight saving."),
        ("en-GB", f"Is version 10.{rint(0, 9)}.{rint(0, 9)}.{rint(0, 99)} newer than 10.{rint(0, 9)}.{rint(10, 99)}? Explain semantic versioning."),
        ("de-DE", f"Rechne {rint(100, 999)},{rint(10, 99)} € netto in brutto um (19 % MwSt.)."),
        ("fr-FR", f"Convertis {rint(1, 60)} km/h en m/s et {rint(1, 40)} °C en °F."),
        ("es-ES", "¿Cuántos segundos hay en 3 h 25 min 40 s?"),
        ("nl-NL", f"Wat is 17% van {rint(1000, 9999)} euro?"),
        ("en-US", f"Our build number went from 2025.{rint(1, 12)}.{rint(100, 999)} to 2025.{rint(1, 12)}.{rint(1000, 1999)} – what does the scheme mean?"),
    ])
    return loc, [t]


@neg("neg_anonymised_text", "already-masked-placeholders", 7)
def _():
    loc, t = ch([
        ("en-US", "Rewrite this anonymised complaint: '[NAME] from [CITY] says the parcel for order [ORDER_ID] never arrived.'"),
        ("de-DE", "Überarbeite: „Sehr geehrte/r <ANREDE> <NACHNAME>, Ihre Vertragsnummer <VERTRAG> wurde aktualisiert.“"),
        ("fr-FR", "Corrige : « Bonjour {prénom}, votre rendez-vous du {date} est confirmé. »"),
        ("en-GB", "The redacted letter reads: 'Dear Mr ████, your account ending ████ has been closed.' Summarise it."),
        ("es-ES", "Mejora este texto: «Estimado/a [NOMBRE], su pedido [NÚMERO] está en camino.»"),
        ("nl-NL", "Herschrijf: 'Beste {{voornaam}}, uw afspraak op {{datum}} is bevestigd.'"),
        ("it-IT", "Riformula: 'Gentile XXXXX, la sua pratica n. XXXXX è stata chiusa.'"),
        ("pl-PL", "Popraw: 'Szanowny Panie [NAZWISKO], Pana wniosek [NUMER] został przyjęty.'"),
    ])
    return loc, [t]


# ---------------------------------------------------------------------------
# generation, verification, statistics
# ---------------------------------------------------------------------------
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")


def check_value(kind: str, value: str, loc: str) -> None:
    """Re-validate a labelled value from its text (belt and braces)."""
    if kind == "card":
        d = re.sub(r"[ -]", "", value)
        assert d.isdigit() and luhn.is_valid(d) and d not in TEST_CARDS, value
    elif kind == "iban":
        assert std_iban.is_valid(value) and std_iban.compact(value) not in DOC_IBANS, value
    elif kind == "ssn":
        assert us_ssn.is_valid(re.sub(r"[ -]", "", value)), value
    elif kind == "phone":
        num = phonenumbers.parse(value, REGION.get(loc, "US"))
        assert phonenumbers.is_valid_number(num), value
    elif kind == "ip":
        assert ipaddress.ip_address(value).is_global, value
    elif kind == "email":
        assert EMAIL_RE.fullmatch(value) and not value.endswith(("example.com", "example.org", "example.net")), value


def verify_record(rec: dict) -> None:
    text, spans = rec["text"], rec["spans"]
    assert isinstance(text, str) and text
    last_end = -1
    for sp in sorted(spans, key=lambda s: s["start"]):
        assert sp["kind"] in KINDS, sp
        assert 0 <= sp["start"] < sp["end"] <= len(text), sp
        val = text[sp["start"]:sp["end"]]
        assert val.strip() == val, (val, rec["note"])
        assert sp["start"] >= last_end, ("overlap", rec["note"], spans)
        last_end = sp["end"]
    pol = rec["note"].split(":", 1)[0]
    assert pol in ("positive", "negative"), rec["note"]
    assert (pol == "positive") == bool(spans), rec["note"]
    if pol == "positive":
        kinds = rec["note"].split(":", 1)[1].split(";")[0].strip().split(",")
        assert set(kinds) == {s["kind"] for s in spans}, rec["note"]


# English texts about people from Japan / China: the values follow ja-JP / zh-CN
# conventions but the text is English, so the note carries an English locale tag.
NOTE_LOCALE = {"en_japanese_colleague": "en-JP", "en_chinese_visa_invitation": "en-CN"}


def build() -> list[dict]:
    out: list[dict] = []
    seen: set[str] = set()
    for t in TEMPLATES:
        made = tries = 0
        while made < t["n"]:
            tries += 1
            if tries > 60 * t["n"]:
                raise RuntimeError(f"template {t['name']} cannot produce {t['n']} unique texts")
            loc, parts = t["fn"]()
            note_loc = NOTE_LOCALE.get(t["name"], loc)
            text, spans = render(parts)
            if text in seen:
                continue
            if t["polarity"] == "positive":
                assert spans, t["name"]
                kinds = [k for k in KINDS if any(s["kind"] == k for s in spans)]
                note = f"positive: {','.join(kinds)}; {note_loc}; {t['name']}"
                for s in spans:
                    check_value(s["kind"], text[s["start"]:s["end"]], loc)
            else:
                assert not spans, t["name"]
                note = f"negative: {t['category']}; {note_loc}; {t['name']}"
            rec = {"text": text, "spans": spans, "note": note}
            verify_record(rec)
            seen.add(text)
            out.append(rec)
            made += 1
    R.shuffle(out)
    return out


def stats(recs: list[dict]) -> str:
    lines = []
    pol = Counter(r["note"].split(":", 1)[0] for r in recs)
    kinds = Counter(s["kind"] for r in recs for s in r["spans"])
    total_spans = sum(kinds.values())
    hard = sum(v for k, v in kinds.items() if k in HARD)
    langs = Counter(lang_of(r["note"].split(";")[1].strip()) for r in recs)
    langs_pos = Counter(lang_of(r["note"].split(";")[1].strip()) for r in recs if r["spans"])
    locs = Counter(r["note"].split(";")[1].strip() for r in recs)
    cats = Counter(r["note"].split(";")[0].split(":", 1)[1].strip() for r in recs if not r["spans"])
    texts_with = Counter(k for r in recs for k in {s["kind"] for s in r["spans"]})
    lines.append(f"texts: {len(recs)}  positive: {pol['positive']}  negative: {pol['negative']}")
    lines.append(f"spans: {total_spans}  hard kinds (person/address/date_of_birth/id_number): {hard} = {hard / total_spans:.1%}")
    lines.append("spans per kind (texts containing the kind):")
    for k in KINDS:
        lines.append(f"  {k:14s} {kinds[k]:4d}  ({texts_with[k]} texts)")
    lines.append("texts per language (positive / total):")
    for lg, n in sorted(langs.items(), key=lambda x: -x[1]):
        lines.append(f"  {lg:3s} {langs_pos[lg]:4d} / {n:4d}")
    lines.append("texts per locale: " + ", ".join(f"{k} {v}" for k, v in sorted(locs.items())))
    lines.append("negatives per category:")
    for c, n in sorted(cats.items(), key=lambda x: -x[1]):
        lines.append(f"  {c:36s} {n:3d}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT_DEFAULT)
    args = ap.parse_args(argv)
    recs = build()
    texts = [r["text"] for r in recs]
    assert len(texts) == len(set(texts)), "duplicate texts"
    for r in recs:
        verify_record(r)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("w", encoding="utf-8") as fh:
        for r in recs:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    # read back and re-verify what was written
    back = [json.loads(line) for line in args.out.read_text(encoding="utf-8").splitlines()]
    assert back == recs
    for r in back:
        verify_record(r)
    print(f"wrote {len(back)} records to {args.out}")
    print(stats(back))
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
