"""Generator for bench/data/privacy_fresh.jsonl -- a fresh, labelled test set for the PII detector.

What it is
    A set of realistic "things people paste into an LLM chat" (email threads to summarise,
    JSON to fix, letters to translate, insurance claims, school enrolment and rental forms,
    invoices, doctor referrals, guest lists, CRM exports, Slack messages, git config, .env and
    docker-compose files, curl commands, log lines, TSV spreadsheets, ...) in English and about
    a dozen other languages, each with the exact character spans of the personal data in it,
    plus hard negatives (same shapes, not personal data: versions, order numbers, hashes,
    UUIDs, coordinates, public figures, placeholders, code that only names a variable...).

    One JSON object per line:
        {"text": str, "spans": [{"kind": str, "start": int, "end": int}], "note": str}
    start/end are Python character offsets; text[start:end] is exactly the sensitive value.
    Kinds: person, address, date_of_birth, id_number, phone, email, ip, card, iban, ssn, secret.
    Notes start with "positive:" (kinds and locale) or "negative:".

Independence
    Written by an independent tester apart from the detectors: the author did not look at the
    detector code, its policies, the other test sets or earlier benchmark results.  The
    templates and value formats below come from how such documents look in the wild, not from
    what any detector is known to catch.  The set is meant to be used once, as a fresh
    measurement.

Values
    Synthetic, from the Faker library (names, some street names and cities) plus hand-written
    lists; identifiers are generated with valid check digits and verified with python-stdnum;
    phone numbers are verified with phonenumbers for their region; card numbers pass Luhn;
    IBANs pass stdnum's IBAN validation; US SSNs have a valid format.  The project itself never
    imports any of these libraries -- run this script in a throwaway virtualenv:

        python3 -m venv /tmp/faker2-venv
        /tmp/faker2-venv/bin/pip install faker python-stdnum phonenumbers
        /tmp/faker2-venv/bin/python bench/make_privacy_fresh.py

    Output: bench/data/privacy_fresh.jsonl (deterministic for a given Faker/phonenumbers
    version: everything is drawn from random.Random(20261206)).  A summary of counts per kind,
    language and template is printed to stdout.
"""

from __future__ import annotations

import base64
import collections
import datetime as dt
import ipaddress
import json
import os
import random
import re
import string
import sys
import textwrap
import unicodedata

import phonenumbers
from faker import Faker
from stdnum import iban as std_iban
from stdnum import isbn as std_isbn
from stdnum import luhn, verhoeff
from stdnum.at import vnr as at_vnr
from stdnum.au import tfn as au_tfn
from stdnum.be import nn as be_nn
from stdnum.br import cpf as br_cpf
from stdnum.ca import sin as ca_sin
from stdnum.ch import ssn as ch_ssn
from stdnum.cn import ric as cn_ric
from stdnum.cz import rc as cz_rc
from stdnum.de import idnr as de_idnr
from stdnum.dk import cpr as dk_cpr
from stdnum.es import dni as es_dni
from stdnum.es import nie as es_nie
from stdnum.fi import hetu as fi_hetu
from stdnum.fr import nir as fr_nir
from stdnum.ie import pps as ie_pps
from stdnum.in_ import aadhaar as in_aadhaar
from stdnum.in_ import pan as in_pan
from stdnum.it import codicefiscale as it_cf
from stdnum.mx import curp as mx_curp
from stdnum.nl import bsn as nl_bsn
from stdnum.no import fodselsnummer as no_fnr
from stdnum.pl import pesel as pl_pesel
from stdnum.pt import cc as pt_cc
from stdnum.pt import nif as pt_nif
from stdnum.se import personnummer as se_pnr
from stdnum.tr import tckimlik as tr_tc
from stdnum.us import ssn as us_ssn

SEED = 20261206
rng = random.Random(SEED)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "data", "privacy_fresh.jsonl")

KINDS = (
    "person",
    "address",
    "date_of_birth",
    "id_number",
    "phone",
    "email",
    "ip",
    "card",
    "iban",
    "ssn",
    "secret",
)

# ---------------------------------------------------------------------------------------------
# Text with spans
# ---------------------------------------------------------------------------------------------


class Chunk:
    """A piece of text with spans (kind, start, end, value) relative to its start."""

    def __init__(self, text: str = "", spans=None):
        self.text = text
        self.spans = list(spans or [])

    def __add__(self, other):
        other = other if isinstance(other, Chunk) else Chunk(str(other))
        n = len(self.text)
        return Chunk(
            self.text + other.text,
            self.spans + [(k, s + n, e + n, v) for (k, s, e, v) in other.spans],
        )


def S(kind: str, value: str) -> Chunk:
    assert kind in KINDS, kind
    assert value and value == value.strip(), repr(value)
    return Chunk(value, [(kind, 0, len(value), value)])


_PH = re.compile(r"<<(\w+)>>")


def R(template: str, **vals) -> Chunk:
    """Fill <<key>> placeholders; a str value is plain text, a Chunk keeps its spans."""
    out = Chunk()
    pos = 0
    for m in _PH.finditer(template):
        out = out + template[pos : m.start()]
        v = vals[m.group(1)]
        out = out + (v if isinstance(v, Chunk) else Chunk(str(v)))
        pos = m.end()
    return out + template[pos:]


def J(parts, sep: str = "\n") -> Chunk:
    out = Chunk()
    for i, p in enumerate(parts):
        if i:
            out = out + sep
        out = out + p
    return out


def ch(*options):
    return rng.choice(options)


def maybe(p: float, value, alt=""):
    return value if rng.random() < p else alt


# ---------------------------------------------------------------------------------------------
# Locales
# ---------------------------------------------------------------------------------------------

REGION = {
    "en_US": "US",
    "en_GB": "GB",
    "en_CA": "CA",
    "en_AU": "AU",
    "en_IE": "IE",
    "en_IN": "IN",
    "de_DE": "DE",
    "de_AT": "AT",
    "de_CH": "CH",
    "fr_FR": "FR",
    "fr_CH": "CH",
    "fr_BE": "BE",
    "es_ES": "ES",
    "es_MX": "MX",
    "it_IT": "IT",
    "nl_NL": "NL",
    "nl_BE": "BE",
    "pt_PT": "PT",
    "pt_BR": "BR",
    "pl_PL": "PL",
    "sv_SE": "SE",
    "da_DK": "DK",
    "cs_CZ": "CZ",
    "fi_FI": "FI",
    "no_NO": "NO",
    "tr_TR": "TR",
}
_FAKERS: dict[str, Faker] = {}


def fk(loc: str) -> Faker:
    if loc not in _FAKERS:
        f = Faker(loc)
        f.seed_instance(rng.randrange(2**32))
        _FAKERS[loc] = f
    return _FAKERS[loc]


def en_loc() -> str:
    return rng.choices(
        ["en_US", "en_GB", "en_CA", "en_AU", "en_IE", "en_IN"], [44, 24, 8, 8, 7, 9]
    )[0]


FOREIGN = [
    "de_DE",
    "de_AT",
    "de_CH",
    "fr_FR",
    "fr_BE",
    "es_ES",
    "es_MX",
    "it_IT",
    "nl_NL",
    "nl_BE",
    "pt_PT",
    "pt_BR",
    "pl_PL",
    "sv_SE",
    "da_DK",
    "cs_CZ",
    "fi_FI",
    "no_NO",
    "tr_TR",
]


def any_loc() -> str:
    return en_loc() if rng.random() < 0.55 else rng.choice(FOREIGN)


# ---------------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------------


def person(loc: str, gender: str | None = None):
    """(first, last, full) for a private person of the locale."""
    f = fk(loc)
    gender = gender or rng.choice("mf")
    for _ in range(50):
        if gender == "m":
            first, last = f.first_name_male(), f.last_name_male()
        else:
            first, last = f.first_name_female(), f.last_name_female()
        full = f"{first} {last}"
        if re.fullmatch(r"[^\W\d_]+(?:[ '\-.][^\W\d_]+)*", full) and len(full) < 40:
            return first, last, full
    raise RuntimeError(loc)


def full_name(loc: str, gender: str | None = None) -> str:
    return person(loc, gender)[2]


_FOLD = {
    "ß": "ss",
    "ł": "l",
    "Ł": "L",
    "ø": "o",
    "Ø": "O",
    "æ": "ae",
    "Æ": "Ae",
    "ı": "i",
    "đ": "d",
    "ä": "ae",
    "ö": "oe",
    "ü": "ue",
    "Ä": "Ae",
    "Ö": "Oe",
    "Ü": "Ue",
    "å": "aa",
}


def fold(s: str, loc: str) -> str:
    if loc.startswith(("de", "da", "no")):
        s = "".join(_FOLD.get(c, c) for c in s)
    else:
        s = "".join(_FOLD.get(c, c) if c in "ßłŁøØæÆıđ" else c for c in s)
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z]", "", s).lower()


MAIL_DOMAINS = {
    "en_US": [
        "gmail.com",
        "yahoo.com",
        "outlook.com",
        "icloud.com",
        "aol.com",
        "hotmail.com",
        "comcast.net",
        "proton.me",
    ],
    "en_GB": [
        "gmail.com",
        "hotmail.co.uk",
        "btinternet.com",
        "outlook.com",
        "yahoo.co.uk",
        "sky.com",
    ],
    "en_CA": ["gmail.com", "rogers.com", "shaw.ca", "outlook.com", "sympatico.ca"],
    "en_AU": ["gmail.com", "bigpond.com", "outlook.com", "optusnet.com.au", "icloud.com"],
    "en_IE": ["gmail.com", "eircom.net", "outlook.com", "hotmail.com"],
    "en_IN": ["gmail.com", "yahoo.co.in", "rediffmail.com", "outlook.com"],
    "de": ["gmx.de", "web.de", "t-online.de", "gmail.com", "posteo.de", "freenet.de"],
    "de_AT": ["gmx.at", "aon.at", "chello.at", "gmail.com"],
    "de_CH": ["bluewin.ch", "gmx.ch", "sunrise.ch", "gmail.com"],
    "fr": ["orange.fr", "free.fr", "laposte.net", "gmail.com", "sfr.fr", "wanadoo.fr"],
    "fr_BE": ["skynet.be", "telenet.be", "gmail.com", "proximus.be"],
    "es": ["gmail.com", "hotmail.es", "yahoo.es", "telefonica.net", "outlook.es"],
    "es_MX": ["gmail.com", "hotmail.com", "prodigy.net.mx", "yahoo.com.mx"],
    "it": ["libero.it", "virgilio.it", "gmail.com", "alice.it", "tiscali.it"],
    "nl": ["ziggo.nl", "kpnmail.nl", "gmail.com", "hotmail.nl", "planet.nl", "xs4all.nl"],
    "nl_BE": ["telenet.be", "skynet.be", "gmail.com"],
    "pt": ["sapo.pt", "gmail.com", "hotmail.com", "clix.pt"],
    "pt_BR": ["gmail.com", "uol.com.br", "bol.com.br", "hotmail.com", "terra.com.br"],
    "pl": ["wp.pl", "onet.pl", "o2.pl", "gmail.com", "interia.pl"],
    "sv": ["telia.com", "gmail.com", "hotmail.se", "bredband.net"],
    "da": ["gmail.com", "mail.dk", "hotmail.dk", "jubii.dk"],
    "cs": ["seznam.cz", "email.cz", "centrum.cz", "gmail.com"],
    "fi": ["gmail.com", "luukku.com", "elisanet.fi"],
    "no": ["online.no", "gmail.com", "hotmail.no"],
    "tr": ["gmail.com", "hotmail.com", "yandex.com.tr"],
}

COMPANY_DOMAINS = [
    "northwind-logistics.com",
    "bluepeak.io",
    "kestrel-analytics.com",
    "harbourline.co.uk",
    "quantafin.de",
    "solvera.fr",
    "meridia.es",
    "corvalis.it",
    "tulpgroep.nl",
    "atlantico-seguros.pt",
    "vistula-tech.pl",
    "fjordlab.se",
    "brightlane.com.au",
    "mapleworks.ca",
    "lumenhealth.org",
    "orbitalpay.com",
    "greenfield-school.org",
    "acmeplumbing.net",
]


def email(first: str, last: str, loc: str, work: bool = False) -> str:
    f, la = fold(first.split()[0], loc), fold(last.replace(" ", ""), loc)
    if work:
        dom = rng.choice(COMPANY_DOMAINS)
        local = ch(f"{f}.{la}", f"{f[0]}{la}", f"{f}", f"{f}.{la[0]}", f"{la}")
    else:
        doms = MAIL_DOMAINS.get(loc) or MAIL_DOMAINS.get(loc[:2]) or MAIL_DOMAINS["en_US"]
        dom = rng.choice(doms)
        local = ch(
            f"{f}.{la}",
            f"{f}{la}",
            f"{f[0]}.{la}",
            f"{f}_{la}",
            f"{f}.{la}{rng.randint(1, 99)}",
            f"{la}.{f}",
            f"{f}{rng.randint(70, 2005)}",
            f"{f[0]}{la}{rng.randint(1, 9)}",
        )
    return f"{local}@{dom}"


def dob(min_age: int = 18, max_age: int = 85) -> dt.date:
    today = dt.date(2026, 6, 1)
    days = rng.randint(min_age * 365 + 10, max_age * 365)
    return today - dt.timedelta(days=days)


MONTHS = {
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
    "diciembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre "
    "dicembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro "
    "dezembro",
    "pl": "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października "
    "listopada grudnia",
    "sv": "januari februari mars april maj juni juli augusti september oktober november december",
    "da": "januar februar marts april maj juni juli august september oktober november december",
    "cs": "ledna února března dubna května června července srpna září října listopadu prosince",
    "tr": "Ocak Şubat Mart Nisan Mayıs Haziran Temmuz Ağustos Eylül Ekim Kasım Aralık",
    "no": "januar februar mars april mai juni juli august september oktober november desember",
    "fi": "tammikuuta helmikuuta maaliskuuta huhtikuuta toukokuuta kesäkuuta heinäkuuta "
    "elokuuta syyskuuta lokakuuta marraskuuta joulukuuta",
}
MONTHS = {k: v.split() for k, v in MONTHS.items()}
EN_SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _ord(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def dfmt(d: dt.date, loc: str, style: str | None = None) -> str:
    """A date as people of the locale write it (style: num, long, iso or None for any)."""
    lang = loc[:2]
    style = style or rng.choices(["num", "long", "iso"], [55, 35, 10])[0]
    D, M, Y = d.day, d.month, d.year
    if style == "iso":
        return d.isoformat()
    if lang == "en":
        mn = MONTHS["en"][M - 1]
        if loc == "en_US":
            if style == "num":
                return ch(f"{M:02d}/{D:02d}/{Y}", f"{M}/{D}/{Y}", f"{M:02d}-{D:02d}-{Y}")
            return ch(f"{mn} {D}, {Y}", f"{EN_SHORT[M - 1]} {D}, {Y}", f"{mn} {_ord(D)}, {Y}")
        if style == "num":
            return ch(f"{D:02d}/{M:02d}/{Y}", f"{D}/{M}/{Y}", f"{D:02d}.{M:02d}.{Y}")
        return ch(f"{D} {mn} {Y}", f"{_ord(D)} {mn} {Y}", f"{D} {EN_SHORT[M - 1]} {Y}")
    mn = MONTHS.get(lang, MONTHS["en"])[M - 1]
    if style == "num":
        if lang in ("de", "pl", "da", "no", "fi", "tr", "cs"):
            if lang == "cs":
                return ch(f"{D}. {M}. {Y}", f"{D:02d}.{M:02d}.{Y}")
            if lang == "fi":
                return f"{D}.{M}.{Y}"
            return (
                ch(f"{D:02d}.{M:02d}.{Y}", f"{D}.{M}.{Y}")
                if lang == "de"
                else f"{D:02d}.{M:02d}.{Y}"
            )
        if lang == "nl":
            return ch(f"{D:02d}-{M:02d}-{Y}", f"{D}-{M}-{Y}", f"{D:02d}/{M:02d}/{Y}")
        if lang == "sv":
            return d.isoformat()
        return ch(f"{D:02d}/{M:02d}/{Y}", f"{D}/{M}/{Y}")
    if lang == "de" or lang in ("da", "no", "cs"):
        return f"{D}. {mn} {Y}"
    if lang == "fr":
        return f"{'1er' if D == 1 else D} {mn} {Y}"
    if lang in ("es", "pt"):
        return f"{D} de {mn} de {Y}"
    if lang == "fi":
        return f"{D}. {mn} {Y}"
    return f"{D} {mn} {Y}"


# ---------------------------------------------------------------------------------------------
# Addresses
# ---------------------------------------------------------------------------------------------

US_STREETS = [
    "Maple",
    "Oak",
    "Pine",
    "Cedar",
    "Elm",
    "Walnut",
    "Washington",
    "Lincoln",
    "Jefferson",
    "Madison",
    "Park",
    "Lake",
    "Hill",
    "Sunset",
    "Highland",
    "Ridge",
    "Franklin",
    "Spring",
    "Church",
    "Mill",
    "River",
    "Meadow",
    "Willow",
    "Chestnut",
    "Hickory",
    "Magnolia",
    "Dogwood",
    "Broad",
    "Center",
    "Union",
    "Prospect",
    "Jackson",
    "Adams",
    "Cherry",
    "Birch",
    "Sycamore",
    "Lakeview",
    "Fairview",
    "Woodland",
    "Orchard",
] + [
    "N Main",
    "S 3rd",
    "W 14th",
    "E 52nd",
    "Old Mill",
    "Pleasant Valley",
    "Green Meadow",
    "Indian Creek",
    "Glen Oaks",
    "Country Club",
]
US_SUFFIX = [
    "St",
    "Street",
    "Ave",
    "Avenue",
    "Rd",
    "Road",
    "Dr",
    "Drive",
    "Ln",
    "Lane",
    "Blvd",
    "Ct",
    "Way",
    "Pl",
    "Terrace",
    "Circle",
]
US_CITIES = [
    ("Austin", "TX", "787"),
    ("Portland", "OR", "972"),
    ("Columbus", "OH", "432"),
    ("Denver", "CO", "802"),
    ("Raleigh", "NC", "276"),
    ("Madison", "WI", "537"),
    ("Tucson", "AZ", "857"),
    ("Sacramento", "CA", "958"),
    ("San Jose", "CA", "951"),
    ("Boise", "ID", "837"),
    ("Richmond", "VA", "232"),
    ("Albany", "NY", "122"),
    ("Brooklyn", "NY", "112"),
    ("Tampa", "FL", "336"),
    ("Omaha", "NE", "681"),
    ("Louisville", "KY", "402"),
    ("Nashville", "TN", "372"),
    ("Ann Arbor", "MI", "481"),
    ("Spokane", "WA", "992"),
    ("Cambridge", "MA", "021"),
    ("Savannah", "GA", "314"),
    ("Des Moines", "IA", "503"),
    ("Providence", "RI", "029"),
    ("Pittsburgh", "PA", "152"),
    ("Minneapolis", "MN", "554"),
    ("Oakland", "CA", "946"),
    ("Plano", "TX", "750"),
    ("Chandler", "AZ", "852"),
    ("Evanston", "IL", "602"),
    ("Burlington", "VT", "054"),
]
GB_STREETS = [
    "Church",
    "Station",
    "Victoria",
    "Albert",
    "Queens",
    "Kings",
    "Mill",
    "Park",
    "Manor",
    "Orchard",
    "Willow",
    "Beech",
    "Chestnut",
    "Highfield",
    "Windsor",
    "Grange",
    "Stanley",
    "Springfield",
    "Meadow",
    "Cavendish",
    "Belmont",
    "Ashley",
    "Clarence",
    "Hawthorn",
    "Denmark",
    "Kingsley",
    "Marlborough",
    "Grosvenor",
]
GB_SUFFIX = [
    "Road",
    "Street",
    "Lane",
    "Avenue",
    "Close",
    "Crescent",
    "Gardens",
    "Grove",
    "Terrace",
    "Drive",
    "Way",
    "Place",
    "Mews",
]
GB_CITIES = [
    ("London", ["N", "E", "SE", "SW", "NW", "W"]),
    ("Manchester", ["M"]),
    ("Leeds", ["LS"]),
    ("Bristol", ["BS"]),
    ("Birmingham", ["B"]),
    ("Sheffield", ["S"]),
    ("Nottingham", ["NG"]),
    ("Leicester", ["LE"]),
    ("Cardiff", ["CF"]),
    ("Edinburgh", ["EH"]),
    ("Glasgow", ["G"]),
    ("Newcastle upon Tyne", ["NE"]),
    ("Liverpool", ["L"]),
    ("Brighton", ["BN"]),
    ("Oxford", ["OX"]),
    ("Cambridge", ["CB"]),
    ("York", ["YO"]),
    ("Norwich", ["NR"]),
    ("Belfast", ["BT"]),
    ("Exeter", ["EX"]),
    ("Bath", ["BA"]),
    ("Reading", ["RG"]),
]
CA_CITIES = [
    ("Toronto", "ON", "M"),
    ("Ottawa", "ON", "K"),
    ("Montreal", "QC", "H"),
    ("Vancouver", "BC", "V"),
    ("Calgary", "AB", "T"),
    ("Edmonton", "AB", "T"),
    ("Winnipeg", "MB", "R"),
    ("Halifax", "NS", "B"),
    ("Victoria", "BC", "V"),
    ("Hamilton", "ON", "L"),
    ("Saskatoon", "SK", "S"),
    ("Kitchener", "ON", "N"),
]
AU_SUBURBS = [
    ("Brunswick", "VIC", "3056"),
    ("Fitzroy", "VIC", "3065"),
    ("Newtown", "NSW", "2042"),
    ("Parramatta", "NSW", "2150"),
    ("Bondi", "NSW", "2026"),
    ("Fortitude Valley", "QLD", "4006"),
    ("Toowong", "QLD", "4066"),
    ("Fremantle", "WA", "6160"),
    ("Subiaco", "WA", "6008"),
    ("Glenelg", "SA", "5045"),
    ("Norwood", "SA", "5067"),
    ("Sandy Bay", "TAS", "7005"),
    ("Kingston", "ACT", "2604"),
    ("Geelong", "VIC", "3220"),
    ("Manly", "NSW", "2095"),
    ("Southport", "QLD", "4215"),
]
AU_STREETS = [
    "George",
    "Bridge",
    "Station",
    "Beach",
    "Ocean",
    "Harbour",
    "King",
    "Queen",
    "Wattle",
    "Banksia",
    "Rose",
    "High",
    "Boundary",
    "Albert",
    "Grey",
    "Lygon",
    "Smith",
]
AU_SUFFIX = ["Street", "Road", "Avenue", "Parade", "Crescent", "Close", "Place", "Terrace", "Drive"]
IE_STREETS = [
    "Seaview Park",
    "Griffith Avenue",
    "Main Street",
    "Church Road",
    "Oakwood Drive",
    "Castle Street",
    "Riverside Grove",
    "Ashgrove Lawn",
    "Beechwood Court",
    "Meadowbrook Road",
    "Saint Patrick's Terrace",
    "College Green Lane",
    "Abbey Road",
]
IE_PLACES = [
    ("Dublin 6", "D06"),
    ("Dublin 4", "D04"),
    ("Dublin 9", "D09"),
    ("Galway", "H91"),
    ("Cork", "T12"),
    ("Limerick", "V94"),
    ("Waterford", "X91"),
    ("Sligo", "F91"),
    ("Athlone", "N37"),
    ("Kilkenny", "R95"),
]
IN_PLACES = [
    ("Indiranagar", "Bengaluru", "Karnataka", "5600"),
    ("Koramangala", "Bengaluru", "Karnataka", "5600"),
    ("Kothrud", "Pune", "Maharashtra", "4110"),
    ("Adyar", "Chennai", "Tamil Nadu", "6000"),
    ("Banjara Hills", "Hyderabad", "Telangana", "5000"),
    ("Andheri West", "Mumbai", "Maharashtra", "4000"),
    ("Lajpat Nagar", "New Delhi", "Delhi", "1100"),
    ("Salt Lake", "Kolkata", "West Bengal", "7000"),
    ("Navrangpura", "Ahmedabad", "Gujarat", "3800"),
    ("Malviya Nagar", "Jaipur", "Rajasthan", "3020"),
    ("Kakkanad", "Kochi", "Kerala", "6820"),
]
IN_ROADS = [
    "MG Road",
    "Station Road",
    "2nd Main Road",
    "4th Cross Road",
    "Link Road",
    "Nehru Street",
    "Temple Street",
    "Park Street",
    "SV Road",
    "Ring Road",
    "12th Main",
    "Church Street",
]
DE_STREETS = [
    "Hauptstraße",
    "Bahnhofstraße",
    "Schulstraße",
    "Gartenstraße",
    "Lindenstraße",
    "Bergstraße",
    "Kirchstraße",
    "Goethestraße",
    "Schillerstraße",
    "Mozartstraße",
    "Waldstraße",
    "Ringstraße",
    "Birkenweg",
    "Rosenweg",
    "Friedrich-Ebert-Straße",
    "Kastanienallee",
    "Uhlandstraße",
    "Feldweg",
    "Lessingstraße",
    "Talstraße",
    "Wiesenweg",
    "Brunnenstraße",
    "Mühlenweg",
    "Sonnenstraße",
    "Eichendorffstraße",
    "Beethovenstraße",
    "Heinrich-Heine-Straße",
    "Parkallee",
    "Lortzingstraße",
    "Herderstraße",
    "Amselweg",
    "Ahornweg",
    "Jahnstraße",
    "Hölderlinweg",
    "Dorfstraße",
    "Marktplatz",
] + [
    "Danziger Straße",
    "Kölner Straße",
    "Berliner Straße",
    "Leipziger Straße",
    "Am Stadtpark",
    "Am Mühlbach",
    "Alte Landstraße",
    "Neue Straße",
    "Auf dem Berg",
]
DE_CITIES = [
    ("Berlin", ["10", "12", "13"]),
    ("Hamburg", ["20", "22"]),
    ("München", ["80", "81"]),
    ("Köln", ["50", "51"]),
    ("Frankfurt am Main", ["60"]),
    ("Stuttgart", ["70"]),
    ("Düsseldorf", ["40"]),
    ("Leipzig", ["04"]),
    ("Dresden", ["01"]),
    ("Hannover", ["30"]),
    ("Nürnberg", ["90"]),
    ("Bremen", ["28"]),
    ("Freiburg im Breisgau", ["79"]),
    ("Heidelberg", ["69"]),
    ("Münster", ["48"]),
    ("Bonn", ["53"]),
    ("Mainz", ["55"]),
    ("Kassel", ["34"]),
    ("Rostock", ["18"]),
    ("Augsburg", ["86"]),
    ("Regensburg", ["93"]),
    ("Potsdam", ["14"]),
    ("Bielefeld", ["33"]),
    ("Würzburg", ["97"]),
]
AT_STREETS = [
    "Mariahilfer Straße",
    "Landstraßer Hauptstraße",
    "Linzer Gasse",
    "Hauptplatz",
    "Wiener Straße",
    "Grazer Straße",
    "Schulgasse",
    "Kirchengasse",
    "Favoritenstraße",
    "Ottakringer Straße",
    "Annenstraße",
    "Herrengasse",
    "Bahnhofstraße",
    "Lindengasse",
]
AT_CITIES = [
    ("Wien", None),
    ("Graz", "8010"),
    ("Linz", "4020"),
    ("Salzburg", "5020"),
    ("Innsbruck", "6020"),
    ("Klagenfurt", "9020"),
    ("St. Pölten", "3100"),
    ("Bregenz", "6900"),
    ("Villach", "9500"),
    ("Wels", "4600"),
]
CH_STREETS = [
    "Bahnhofstrasse",
    "Seestrasse",
    "Dorfstrasse",
    "Kirchgasse",
    "Hauptstrasse",
    "Bergstrasse",
    "Schulhausstrasse",
    "Gartenstrasse",
    "Feldstrasse",
    "Weinbergstrasse",
    "Zürcherstrasse",
    "Rosenweg",
    "Obere Gasse",
]
CH_CITIES = [
    ("Zürich", "80", 2),
    ("Bern", "30", 2),
    ("Basel", "40", 2),
    ("Luzern", "600", 1),
    ("St. Gallen", "900", 1),
    ("Winterthur", "840", 1),
    ("Zug", "630", 1),
    ("Thun", "360", 1),
]
CHF_STREETS = [
    "rue du Rhône",
    "avenue de la Gare",
    "rue de Lausanne",
    "chemin des Vignes",
    "rue du Marché",
    "avenue de Rumine",
    "rue de Carouge",
]
CHF_CITIES = [
    ("Genève", "120", 1),
    ("Lausanne", "100", 1),
    ("Neuchâtel", "200", 1),
    ("Fribourg", "170", 1),
    ("Sion", "195", 1),
]
FR_TYPES = ["rue", "rue", "rue", "avenue", "boulevard", "allée", "impasse", "place", "chemin"]
FR_NAMES = [
    "des Lilas",
    "Victor Hugo",
    "Jean Jaurès",
    "de la République",
    "Pasteur",
    "Voltaire",
    "des Tilleuls",
    "du Moulin",
    "de la Gare",
    "Gambetta",
    "du Général Leclerc",
    "des Écoles",
    "Émile Zola",
    "de Verdun",
    "Carnot",
    "des Acacias",
    "Saint-Michel",
    "de la Paix",
    "du Château",
    "Jules Ferry",
    "des Peupliers",
    "de Bretagne",
]
FR_CITIES = [
    ("Paris", None),
    ("Lyon", "6900"),
    ("Marseille", "130"),
    ("Toulouse", "310"),
    ("Nantes", "440"),
    ("Bordeaux", "330"),
    ("Lille", "590"),
    ("Strasbourg", "670"),
    ("Montpellier", "340"),
    ("Rennes", "350"),
    ("Nice", "060"),
    ("Grenoble", "380"),
    ("Dijon", "210"),
    ("Angers", "490"),
    ("Tours", "370"),
    ("Clermont-Ferrand", "630"),
    ("Le Mans", "720"),
    ("Reims", "510"),
]
BEF_STREETS = [
    "Rue de la Station",
    "Avenue Louise",
    "Chaussée de Waterloo",
    "Rue Haute",
    "Rue de Namur",
    "Place du Marché",
    "Rue des Écoles",
    "Boulevard du Souverain",
    "Rue Royale",
    "Avenue des Tilleuls",
    "Rue du Moulin",
]
BEF_CITIES = [
    "1000 Bruxelles",
    "1050 Ixelles",
    "1180 Uccle",
    "4000 Liège",
    "5000 Namur",
    "6000 Charleroi",
    "1300 Wavre",
    "7000 Mons",
    "1348 Louvain-la-Neuve",
    "1060 Saint-Gilles",
]
BEN_STREETS = [
    "Kerkstraat",
    "Stationsstraat",
    "Molenstraat",
    "Schoolstraat",
    "Nieuwstraat",
    "Kapelstraat",
    "Beekstraat",
    "Lindelaan",
    "Dorpsstraat",
    "Marktplein",
    "Brusselsesteenweg",
    "Kortrijksesteenweg",
    "Veldstraat",
    "Koning Albertlaan",
]
BEN_CITIES = [
    "2000 Antwerpen",
    "9000 Gent",
    "3000 Leuven",
    "8000 Brugge",
    "2800 Mechelen",
    "3500 Hasselt",
    "8500 Kortrijk",
    "9300 Aalst",
    "2300 Turnhout",
    "2018 Antwerpen",
]
NL_STREETS = [
    "Kerkstraat",
    "Dorpsstraat",
    "Molenweg",
    "Stationsweg",
    "Julianastraat",
    "Beatrixlaan",
    "Wilhelminastraat",
    "Oranjestraat",
    "Prinses Irenestraat",
    "Lindelaan",
    "Eikenlaan",
    "Schoolstraat",
    "Nieuwe Gracht",
    "Kanaalweg",
    "Vondelstraat",
    "Bloemstraat",
    "Spoorlaan",
    "Hoofdstraat",
    "Burgemeester de Withstraat",
    "Van Limburg Stirumstraat",
    "Zeeheldenkade",
    "Jan van Galenstraat",
]
NL_CITIES = [
    ("Amsterdam", "10"),
    ("Rotterdam", "30"),
    ("Utrecht", "35"),
    ("Den Haag", "25"),
    ("Eindhoven", "56"),
    ("Groningen", "97"),
    ("Tilburg", "50"),
    ("Nijmegen", "65"),
    ("Haarlem", "20"),
    ("Leiden", "23"),
    ("Delft", "26"),
    ("Zwolle", "80"),
    ("Maastricht", "62"),
    ("Arnhem", "68"),
    ("Amersfoort", "38"),
    ("Breda", "48"),
]
ES_STREETS = [
    "Calle Mayor",
    "Calle de Alcalá",
    "Avenida de la Constitución",
    "Calle del Carmen",
    "Calle Real",
    "Calle San Francisco",
    "Avenida de América",
    "Calle Goya",
    "Calle de Sevilla",
    "Calle de la Paz",
    "Calle Nueva",
    "Avenida Diagonal",
    "Carrer de Provença",
    "Calle Colón",
    "Calle Larios",
    "Paseo de la Castellana",
    "Calle Gran Vía",
    "Avenida del Puerto",
    "Calle de Toledo",
    "Ronda de Segovia",
]
ES_CITIES = [
    ("Madrid", "280"),
    ("Barcelona", "080"),
    ("Valencia", "460"),
    ("Sevilla", "410"),
    ("Zaragoza", "500"),
    ("Málaga", "290"),
    ("Bilbao", "480"),
    ("Granada", "180"),
    ("Salamanca", "370"),
    ("Murcia", "300"),
    ("Alicante", "030"),
    ("Valladolid", "470"),
    ("Palma", "070"),
    ("A Coruña", "150"),
]
MX_STREETS = [
    "Av. Insurgentes Sur",
    "Calle Durango",
    "Calle Tabasco",
    "Av. Chapultepec",
    "Calle Morelos",
    "Av. Juárez",
    "Calle Hidalgo",
    "Calle 5 de Mayo",
    "Av. Vallarta",
    "Calle Zacatecas",
    "Calle Colima",
    "Av. Revolución",
    "Calle Guanajuato",
]
MX_PLACES = [
    "Col. Roma Norte, 06700 Ciudad de México, CDMX",
    "Col. Del Valle, 03100 Ciudad de México, CDMX",
    "Col. Condesa, 06140 Ciudad de México, CDMX",
    "Col. Americana, 44160 Guadalajara, Jal.",
    "Col. Centro, 64000 Monterrey, N.L.",
    "Col. Reforma, 68050 Oaxaca, Oax.",
    "Col. Centro, 76000 Querétaro, Qro.",
    "Col. La Paz, 72160 Puebla, Pue.",
    "Col. Narvarte, 03020 Ciudad de México, CDMX",
    "Col. Providencia, 44630 Guadalajara, Jal.",
]
IT_STREETS = [
    "Via Roma",
    "Via Garibaldi",
    "Via Mazzini",
    "Via Cavour",
    "Corso Vittorio Emanuele II",
    "Via Dante Alighieri",
    "Viale Europa",
    "Via dei Mille",
    "Via Guglielmo Marconi",
    "Via San Francesco",
    "Via Nazionale",
    "Via Alessandro Manzoni",
    "Via Giacomo Leopardi",
    "Corso Buenos Aires",
    "Via Po",
    "Via Giuseppe Verdi",
    "Viale della Libertà",
    "Via XX Settembre",
    "Via Torino",
    "Piazza Castello",
]
IT_CITIES = [
    ("Milano", "MI", "201"),
    ("Roma", "RM", "001"),
    ("Torino", "TO", "101"),
    ("Bologna", "BO", "401"),
    ("Firenze", "FI", "501"),
    ("Napoli", "NA", "801"),
    ("Genova", "GE", "161"),
    ("Padova", "PD", "351"),
    ("Verona", "VR", "371"),
    ("Bari", "BA", "701"),
    ("Palermo", "PA", "901"),
    ("Trento", "TN", "381"),
    ("Parma", "PR", "431"),
    ("Brescia", "BS", "251"),
]
PT_STREETS = [
    "Rua Augusta",
    "Rua de Santa Catarina",
    "Avenida da Liberdade",
    "Rua do Almada",
    "Rua da Boavista",
    "Avenida da República",
    "Rua Direita",
    "Rua de Cedofeita",
    "Travessa do Carmo",
    "Rua Miguel Bombarda",
    "Rua de São Bento",
    "Rua do Brasil",
    "Avenida Fontes Pereira de Melo",
    "Rua Costa Cabral",
]
PT_CITIES = [
    ("Lisboa", "1"),
    ("Porto", "40"),
    ("Braga", "47"),
    ("Coimbra", "30"),
    ("Aveiro", "38"),
    ("Faro", "80"),
    ("Setúbal", "29"),
    ("Funchal", "90"),
    ("Évora", "70"),
    ("Amadora", "27"),
]
BR_STREETS = [
    "Rua das Flores",
    "Rua Augusta",
    "Rua XV de Novembro",
    "Rua Sete de Setembro",
    "Avenida Brasil",
    "Rua Bahia",
    "Rua Tiradentes",
    "Rua Marechal Deodoro",
    "Rua dos Andradas",
    "Avenida Getúlio Vargas",
    "Rua Padre Chagas",
    "Rua Haddock Lobo",
    "Rua Visconde de Pirajá",
    "Avenida Sete de Setembro",
]
BR_PLACES = [
    ("Jardim Paulista", "São Paulo", "SP", "014"),
    ("Pinheiros", "São Paulo", "SP", "054"),
    ("Copacabana", "Rio de Janeiro", "RJ", "220"),
    ("Botafogo", "Rio de Janeiro", "RJ", "222"),
    ("Savassi", "Belo Horizonte", "MG", "301"),
    ("Batel", "Curitiba", "PR", "804"),
    ("Moinhos de Vento", "Porto Alegre", "RS", "905"),
    ("Boa Viagem", "Recife", "PE", "510"),
    ("Meireles", "Fortaleza", "CE", "601"),
    ("Asa Sul", "Brasília", "DF", "702"),
    ("Cambuí", "Campinas", "SP", "130"),
    ("Barra", "Salvador", "BA", "401"),
]
PL_CITIES = [
    ("Warszawa", ["00", "01", "02", "03", "04"]),
    ("Kraków", ["30", "31"]),
    ("Łódź", ["90", "91", "93"]),
    ("Wrocław", ["50", "51", "53"]),
    ("Poznań", ["60", "61"]),
    ("Gdańsk", ["80"]),
    ("Szczecin", ["70", "71"]),
    ("Lublin", ["20"]),
    ("Katowice", ["40"]),
    ("Białystok", ["15"]),
    ("Gdynia", ["81"]),
    ("Toruń", ["87"]),
]
SE_CITIES = [
    ("Stockholm", ["11", "12", "16", "17"]),
    ("Göteborg", ["41"]),
    ("Malmö", ["21"]),
    ("Uppsala", ["75"]),
    ("Lund", ["22"]),
    ("Umeå", ["90"]),
    ("Linköping", ["58"]),
    ("Västerås", ["72"]),
    ("Örebro", ["70"]),
]
DK_CITIES = [
    "2200 København N",
    "1620 København V",
    "2100 København Ø",
    "8000 Aarhus C",
    "5000 Odense C",
    "9000 Aalborg",
    "7100 Vejle",
    "4000 Roskilde",
    "6700 Esbjerg",
    "2800 Kongens Lyngby",
]
CZ_CITIES = [
    ("Praha 2", "120 00"),
    ("Praha 3", "130 00"),
    ("Praha 6", "160 00"),
    ("Brno", "602 00"),
    ("Ostrava", "702 00"),
    ("Plzeň", "301 00"),
    ("Olomouc", "779 00"),
    ("Liberec", "460 01"),
    ("České Budějovice", "370 01"),
]
FI_CITIES = [
    ("Helsinki", "00"),
    ("Espoo", "02"),
    ("Tampere", "33"),
    ("Turku", "20"),
    ("Oulu", "90"),
    ("Jyväskylä", "40"),
]
NO_STREETS = [
    "Storgata",
    "Kirkegata",
    "Thorvald Meyers gate",
    "Markveien",
    "Bogstadveien",
    "Kongens gate",
    "Skolegata",
    "Parkveien",
    "Sognsveien",
    "Nedre Bakklandet",
]
NO_CITIES = [
    ("Oslo", "0"),
    ("Bergen", "50"),
    ("Trondheim", "70"),
    ("Stavanger", "40"),
    ("Tromsø", "90"),
]
TR_STREETS = [
    "Bağdat Caddesi",
    "Atatürk Bulvarı",
    "Cumhuriyet Cad.",
    "İstiklal Cad.",
    "Gazi Mustafa Kemal Bulvarı",
    "Mimar Sinan Sok.",
    "Barbaros Bulvarı",
    "Halaskargazi Cad.",
    "Kızılay Sok.",
    "Moda Cad.",
]
TR_PLACES = [
    "34710 Kadıköy/İstanbul",
    "34367 Şişli/İstanbul",
    "06680 Çankaya/Ankara",
    "35220 Konak/İzmir",
    "07100 Muratpaşa/Antalya",
    "16110 Nilüfer/Bursa",
    "34349 Beşiktaş/İstanbul",
    "06420 Çankaya/Ankara",
]


def _d(n: int) -> str:
    return "".join(rng.choice(string.digits) for _ in range(n))


def _hn(lo=1, hi=120, letter=0.1) -> str:
    n = str(rng.randint(lo, hi))
    return n + (rng.choice("abc") if rng.random() < letter else "")


def address(loc: str) -> list[str]:
    """Address lines (street line first) for the locale; join with ', ' for one line."""
    r = rng.random
    if loc == "en_US":
        st = f"{rng.randint(1, 9899)} {rng.choice(US_STREETS)} {rng.choice(US_SUFFIX)}"
        if r() < 0.3:
            st += ch(
                f", Apt {rng.randint(1, 30)}{rng.choice('ABCDEF')}",
                f" Apt. {rng.randint(1, 420)}",
                f", Unit {rng.randint(1, 40)}",
                f" #{rng.randint(100, 999)}",
                f", Suite {rng.randint(100, 950)}",
            )
        city, stt, z = rng.choice(US_CITIES)
        zipc = z + _d(2) + maybe(0.15, "-" + _d(4))
        return [st, f"{city}, {stt} {zipc}"]
    if loc == "en_GB":
        st = f"{rng.randint(1, 240)} {rng.choice(GB_STREETS)} {rng.choice(GB_SUFFIX)}"
        if r() < 0.25:
            st = (
                ch(f"Flat {rng.randint(1, 24)}, ", f"Flat {rng.randint(1, 9)}{rng.choice('ABC')}, ")
                + st
            )
        city, areas = rng.choice(GB_CITIES)
        pc = f"{rng.choice(areas)}{rng.randint(1, 20)} {rng.randint(1, 9)}" + "".join(
            rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2)
        )
        return [st, city, pc] if r() < 0.5 else [st, f"{city} {pc}"]
    if loc == "en_CA":
        st = f"{rng.randint(1, 9800)} {rng.choice(US_STREETS)} " + rng.choice(
            ["Street", "Avenue", "Road", "Drive", "Crescent", "Boulevard"]
        )
        if r() < 0.3:
            st = ch(f"Unit {rng.randint(1, 30)}, ", f"{rng.randint(101, 2409)}-") + st
        city, prov, first = rng.choice(CA_CITIES)
        L = "ABCEGHJKLMNPRSTVWXYZ"
        pc = f"{first}{rng.randint(0, 9)}{rng.choice(L)} "
        pc += f"{rng.randint(0, 9)}{rng.choice(L)}{rng.randint(0, 9)}"
        return [st, f"{city}, {prov} {pc}"]
    if loc == "en_AU":
        st = f"{rng.randint(1, 300)} {rng.choice(AU_STREETS)} {rng.choice(AU_SUFFIX)}"
        if r() < 0.3:
            st = ch(f"Unit {rng.randint(1, 20)}, ", f"{rng.randint(1, 20)}/") + st
        sub, state, pc = rng.choice(AU_SUBURBS)
        return [st, f"{sub} {state} {pc}"]
    if loc == "en_IE":
        st = f"{rng.randint(1, 140)} {rng.choice(IE_STREETS)}"
        place, key = rng.choice(IE_PLACES)
        code = key + " " + "".join(rng.choice("ACDEFHKNPRTVWXY0123456789") for _ in range(4))
        return [st, f"{place}, {code}"] if r() < 0.5 else [st, place, code]
    if loc == "en_IN":
        loca, city, state, pin = rng.choice(IN_PLACES)
        st = f"{ch('No. ', '', 'Flat ', 'H.No. ')}{rng.randint(1, 480)}, "
        st += f"{rng.choice(IN_ROADS)}, {loca}"
        return [st, f"{city}, {state} {pin}{_d(2)}"]
    if loc == "de_DE":
        s = rng.choice(DE_STREETS)
        if s.endswith("straße") and r() < 0.2:
            s = s[:-6] + "str."
        city, pre = rng.choice(DE_CITIES)
        return [f"{s} {_hn(1, 140)}", f"{rng.choice(pre)}{_d(3)} {city}"]
    if loc == "de_AT":
        s = f"{rng.choice(AT_STREETS)} {rng.randint(1, 120)}" + maybe(0.5, f"/{rng.randint(1, 30)}")
        city, pc = rng.choice(AT_CITIES)
        pc = pc or f"1{rng.randint(1, 23):02d}0"
        return [s, f"{pc} {city}"]
    if loc == "de_CH":
        city, pre, n = rng.choice(CH_CITIES)
        return [f"{rng.choice(CH_STREETS)} {_hn(1, 90)}", f"{pre}{_d(n)} {city}"]
    if loc == "fr_CH":
        city, pre, n = rng.choice(CHF_CITIES)
        return [
            ch(
                rng.choice(CHF_STREETS) + " " + str(rng.randint(1, 80)),
                str(rng.randint(1, 80)) + " " + rng.choice(CHF_STREETS),
            ),
            f"{pre}{_d(n)} {city}",
        ]
    if loc == "fr_FR":
        num = str(rng.randint(1, 180)) + maybe(0.08, " bis")
        st = f"{num}{maybe(0.3, ',')} {rng.choice(FR_TYPES)} {rng.choice(FR_NAMES)}"
        city, pre = rng.choice(FR_CITIES)
        pc = f"750{rng.randint(1, 20):02d}" if pre is None else pre + _d(5 - len(pre))
        lines = [st, f"{pc} {city}"]
        if r() < 0.2:
            lines.insert(
                0,
                ch(
                    f"Bâtiment {rng.choice('ABC')}",
                    f"Appartement {rng.randint(1, 60)}",
                    f"Résidence Les {rng.choice(['Chênes', 'Pins', 'Oliviers'])}",
                ),
            )
        return lines
    if loc == "fr_BE":
        return [
            f"{rng.choice(BEF_STREETS)} {rng.randint(1, 300)}"
            + maybe(0.2, f" bte {rng.randint(1, 12)}"),
            rng.choice(BEF_CITIES),
        ]
    if loc == "nl_BE":
        return [
            f"{rng.choice(BEN_STREETS)} {rng.randint(1, 250)}"
            + maybe(0.2, f" bus {rng.randint(1, 12)}"),
            rng.choice(BEN_CITIES),
        ]
    if loc == "nl_NL":
        city, pre = rng.choice(NL_CITIES)
        hn = str(rng.randint(1, 220)) + ch("", "", "", "A", "-2", " hs", "-III", " bis")
        lets = "".join(rng.choice("ABCEGHJKLMNPRTVWXZ") for _ in range(2))
        return [f"{rng.choice(NL_STREETS)} {hn}", f"{pre}{_d(2)}{ch(' ', '')}{lets} {city}"]
    if loc == "es_ES":
        s = rng.choice(ES_STREETS)
        if s.startswith("Calle ") and r() < 0.3:
            s = "C/ " + s[6:]
        st = f"{s}{ch(', ', ' ')}{rng.randint(1, 180)}" + maybe(
            0.5,
            ch(
                f", {rng.randint(1, 9)}º {rng.choice('ABCD')}",
                f", {rng.randint(1, 8)}º izq.",
                f", {rng.randint(1, 8)}º dcha.",
                f", bajo {rng.choice('AB')}",
            ),
        )
        city, pre = rng.choice(ES_CITIES)
        return [st, f"{pre}{_d(2)} {city}"]
    if loc == "es_MX":
        st = f"{rng.choice(MX_STREETS)} {rng.randint(1, 3200)}" + maybe(
            0.35, f", Int. {rng.randint(1, 40)}"
        )
        return [st, rng.choice(MX_PLACES)]
    if loc == "it_IT":
        st = f"{rng.choice(IT_STREETS)}{ch(', ', ' ')}{_hn(1, 200)}" + maybe(
            0.15, f", int. {rng.randint(1, 20)}"
        )
        city, prov, pre = rng.choice(IT_CITIES)
        return [st, f"{pre}{_d(2)} {city}{ch(f' ({prov})', f' {prov}', '')}"]
    if loc == "pt_PT":
        st = f"{rng.choice(PT_STREETS)}, {rng.randint(1, 400)}" + maybe(
            0.4, ch(f", {rng.randint(1, 8)}.º Esq.", f", {rng.randint(1, 8)}.º Dto.", ", r/c")
        )
        city, pre = rng.choice(PT_CITIES)
        return [st, f"{pre}{_d(4 - len(pre))}-{_d(3)} {city}"]
    if loc == "pt_BR":
        bairro, city, uf, pre = rng.choice(BR_PLACES)
        st = f"{rng.choice(BR_STREETS)}, {rng.randint(1, 3000)}" + maybe(
            0.4,
            ch(
                f", apto {rng.randint(11, 1204)}",
                f", casa {rng.randint(1, 4)}",
                f", bloco {rng.choice('AB')}, ap. {rng.randint(11, 804)}",
            ),
        )
        cep = f"{pre}{_d(2)}-{_d(3)}"
        return [st, ch(f"{bairro}, {city} - {uf}, {cep}", f"{bairro} - {city}/{uf} - {cep}")]
    if loc == "pl_PL":
        city, pres = rng.choice(PL_CITIES)
        st = (
            f"{ch('ul. ', 'ul. ', 'al. ', '')}{fk('pl_PL').street_name()} {rng.randint(1, 160)}"
            + maybe(0.5, f"/{rng.randint(1, 80)}")
        )
        return [st, f"{rng.choice(pres)}-{_d(3)} {city}"]
    if loc == "sv_SE":
        city, pres = rng.choice(SE_CITIES)
        return [
            f"{fk('sv_SE').street_name()} {rng.randint(1, 90)}"
            + maybe(0.2, f" {rng.choice('AB')}"),
            f"{rng.choice(pres)}{_d(1)} {_d(2)} {city}",
        ]
    if loc == "da_DK":
        return [
            f"{fk('da_DK').street_name()} {rng.randint(1, 140)}"
            + maybe(0.4, ch(f", {rng.randint(1, 5)}. tv.", f", {rng.randint(1, 5)}. th.", ", st.")),
            rng.choice(DK_CITIES),
        ]
    if loc == "cs_CZ":
        city, pc = rng.choice(CZ_CITIES)
        return [
            f"{fk('cs_CZ').street_name()} {rng.randint(1, 2400)}"
            + maybe(0.4, f"/{rng.randint(1, 60)}"),
            f"{pc} {city}",
        ]
    if loc == "fi_FI":
        city, pre = rng.choice(FI_CITIES)
        return [
            f"{fk('fi_FI').street_name()} {rng.randint(1, 80)}"
            + maybe(0.4, f" {rng.choice('ABC')} {rng.randint(1, 40)}"),
            f"{pre}{_d(3)} {city}",
        ]
    if loc == "no_NO":
        city, pre = rng.choice(NO_CITIES)
        return [
            f"{rng.choice(NO_STREETS)} {rng.randint(1, 90)}" + maybe(0.2, rng.choice("ABC")),
            f"{pre}{_d(4 - len(pre))} {city}",
        ]
    if loc == "tr_TR":
        return [
            f"{rng.choice(TR_STREETS)} No: {rng.randint(1, 200)}"
            + maybe(0.6, f" D: {rng.randint(1, 30)}"),
            rng.choice(TR_PLACES),
        ]
    raise KeyError(loc)


def addr1(loc: str) -> str:
    return ", ".join(address(loc))


def addr_lines(loc: str) -> Chunk:
    return J([S("address", x) for x in address(loc)])


# ---------------------------------------------------------------------------------------------
# Phones
# ---------------------------------------------------------------------------------------------

PNT = phonenumbers.PhoneNumberType
PNF = phonenumbers.PhoneNumberFormat


def _valid(s: str, region: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(s, region))
    except phonenumbers.NumberParseException:
        return False


def phone(loc: str, mobile: float = 0.7, style: str | None = None) -> str:
    region = REGION[loc]
    want = PNT.MOBILE if rng.random() < mobile else PNT.FIXED_LINE
    num = None
    for _ in range(400):
        raw = fk(loc).phone_number() if rng.random() < 0.35 else None
        if raw and "x" not in raw.lower() and _valid(raw, region):
            n = phonenumbers.parse(raw, region)
            if phonenumbers.number_type(n) in (want, PNT.FIXED_LINE_OR_MOBILE):
                num = n
                if rng.random() < 0.35 and phonenumbers.region_code_for_number(n) == region:
                    return raw.strip()
                break
        ex = phonenumbers.example_number_for_type(region, want)
        nsn = phonenumbers.national_significant_number(ex)
        keep = 3 if len(nsn) > 8 else 2
        cand = nsn[:keep] + _d(len(nsn) - keep)
        n = phonenumbers.parse("+" + str(ex.country_code) + cand, None)
        if (
            phonenumbers.is_valid_number(n)
            and phonenumbers.region_code_for_number(n) == region
            and phonenumbers.number_type(n) in (want, PNT.FIXED_LINE_OR_MOBILE)
        ):
            num = n
            break
    assert num is not None, loc
    style = style or rng.choices(["nat", "intl", "e164", "custom"], [45, 30, 10, 15])[0]
    if style == "nat":
        s = phonenumbers.format_number(num, PNF.NATIONAL)
    elif style == "intl":
        s = phonenumbers.format_number(num, PNF.INTERNATIONAL)
    elif style == "e164":
        s = phonenumbers.format_number(num, PNF.E164)
    else:
        s = phonenumbers.format_number(num, PNF.NATIONAL)
        if region in ("US", "CA"):
            nsn = phonenumbers.national_significant_number(num)
            s = ch(
                f"{nsn[:3]}-{nsn[3:6]}-{nsn[6:]}",
                f"{nsn[:3]}.{nsn[3:6]}.{nsn[6:]}",
                f"+1 {nsn[:3]} {nsn[3:6]} {nsn[6:]}",
                f"1-{nsn[:3]}-{nsn[3:6]}-{nsn[6:]}",
            )
        elif region == "FR":
            s = s.replace(" ", ".")
        elif region in ("DE", "AT"):
            parts = s.split(" ", 1)
            s = parts[0] + "/" + parts[1].replace(" ", "") if len(parts) == 2 else s
        elif region == "GB":
            s = phonenumbers.format_number(num, PNF.INTERNATIONAL).replace("+44 ", "+44 (0)")
        else:
            s = (
                phonenumbers.format_number(num, PNF.INTERNATIONAL).replace(" ", "-", 1)
                if rng.random() < 0.3
                else s.replace(" ", "")
            )
    s = s.strip()
    if not _valid(s.replace("(0)", ""), region):
        s = phonenumbers.format_number(num, PNF.INTERNATIONAL)
    assert _valid(s.replace("(0)", ""), region), (s, region)
    return s


# ---------------------------------------------------------------------------------------------
# Identifiers
# ---------------------------------------------------------------------------------------------

ALNUM_UP = string.ascii_uppercase + string.digits


def _until(make, valid, tries=100000):
    for _ in range(tries):
        v = make()
        if valid(v):
            return v
    raise RuntimeError("no valid value")


def _nino():
    a = "ABCEGHJKLMNOPRSTWXYZ"
    b = "ABCEGHJKLMNPRSTWXYZ"
    while True:
        p = rng.choice(a) + rng.choice(b)
        if p not in ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ"):
            break
    d = _d(6)
    return ch(f"{p} {d[:2]} {d[2:4]} {d[4:]} {rng.choice('ABCD')}", f"{p}{d}{rng.choice('ABCD')}")


def _uk_dl(last, first, born, female):
    sur = re.sub(r"[^A-Z]", "", fold(last, "en_GB").upper())[:5].ljust(5, "9")
    mm = born.month + (50 if female else 0)
    ini = re.sub(r"[^A-Z]", "", fold(first, "en_GB").upper())[:2].ljust(2, "9")
    tail = f"{rng.randint(0, 9)}{rng.choice(string.ascii_uppercase)}"
    tail += rng.choice(string.ascii_uppercase)
    return f"{sur}{str(born.year)[2]}{mm:02d}{born.day:02d}{str(born.year)[3]}{ini}{tail}"


def _de_doc(first_letters):
    cs = "CFGHJKLMNPRTVWXYZ0123456789"
    return rng.choice(first_letters) + "".join(rng.choice(cs) for _ in range(8))


def _pl_dowod():
    letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(3))
    digits = _d(5)
    vals = [ord(c) - 55 for c in letters] + [int(x) for x in digits]
    w = [7, 3, 1, 7, 3, 1, 7, 3]
    chk = sum(v * x for v, x in zip(vals, w, strict=False)) % 10
    return f"{letters}{ch('', ' ')}{chk}{digits}"


def _be_nn(born):
    serial = rng.randint(1, 997)
    base = f"{born:%y%m%d}{serial:03d}"
    num = int(("2" if born.year >= 2000 else "") + base)
    chk = 97 - num % 97
    v = f"{born:%y.%m.%d}-{serial:03d}.{chk:02d}"
    assert be_nn.is_valid(v), v
    return v


def _fr_nir(born, female):
    dept = rng.choice(["75", "69", "13", "31", "33", "59", "44", "67", "92", "93", "94", "06"])
    body = (
        f"{2 if female else 1}{born:%y%m}{dept}{rng.randint(1, 999):03d}{rng.randint(1, 999):03d}"
    )
    key = fr_nir.calc_check_digits(body)
    v = body + key
    assert fr_nir.is_valid(v)
    return ch(v, f"{v[0]} {v[1:3]} {v[3:5]} {v[5:7]} {v[7:10]} {v[10:13]} {v[13:]}")


def id_number(country: str, first=None, last=None, born=None, female=None) -> tuple[str, str]:
    """(value, what) for an identity document/tax number of the country."""
    born = born or dob()
    female = rng.random() < 0.5 if female is None else female
    c = country
    if c == "US_passport":
        return ch(_d(9), rng.choice("ACEFGHKLMNPRSX") + _d(8)), "US passport"
    if c == "US_dl":
        st = rng.choice(["CA", "NY", "TX", "FL", "IL", "WA", "PA"])
        v = {
            "CA": lambda: rng.choice(string.ascii_uppercase) + _d(7),
            "NY": lambda: f"{_d(3)} {_d(3)} {_d(3)}",
            "TX": lambda: _d(8),
            "FL": lambda: (
                f"{rng.choice(string.ascii_uppercase)}{_d(3)}-{_d(3)}-{_d(2)}-{_d(3)}-{_d(1)}"
            ),
            "IL": lambda: f"{rng.choice(string.ascii_uppercase)}{_d(3)}-{_d(4)}-{_d(4)}",
            "WA": lambda: "WDL" + "".join(rng.choice(ALNUM_UP) for _ in range(9)),
            "PA": lambda: f"{_d(2)} {_d(3)} {_d(3)}",
        }[st]()
        return v, f"{st} driver's licence"
    if c == "GB_nino":
        return _nino(), "UK National Insurance number"
    if c == "GB_passport":
        return _d(9), "UK passport"
    if c == "GB_dl":
        return _uk_dl(
            last or fk("en_GB").last_name(), first or fk("en_GB").first_name(), born, female
        ), "UK driving licence"
    if c == "DE_id":
        return _de_doc("LMNPRTVWXY"), "German ID card"
    if c == "DE_passport":
        return _de_doc("CFGHJK"), "German passport"
    if c == "DE_taxid":
        v = _until(lambda: str(rng.randint(1, 9)) + _d(10), de_idnr.is_valid)
        return ch(v, de_idnr.format(v)), "German tax ID"
    if c == "AT_svnr":

        def mk():
            s = f"{rng.randint(100, 999)}"
            d6 = f"{born:%d%m%y}"
            return s + at_vnr.calc_check_digit(s + "0" + d6) + d6

        v = _until(mk, at_vnr.is_valid)
        return ch(v, f"{v[:4]} {v[4:]}"), "Austrian social insurance number"
    if c == "CH_ahv":
        v = _until(lambda: "756" + _d(10), ch_ssn.is_valid)
        return ch_ssn.format(v), "Swiss AHV number"
    if c == "FR_nir":
        return _fr_nir(born, female), "French social security number"
    if c == "FR_passport":
        return (
            f"{_d(2)}{rng.choice(string.ascii_uppercase)}{rng.choice(string.ascii_uppercase)}{_d(5)}",
            "French passport",
        )
    if c == "ES_dni":
        n = _d(8)
        return n + es_dni.calc_check_digit(n), "Spanish DNI"
    if c == "ES_nie":
        p = rng.choice("XYZ")
        n = _d(7)
        v = p + n + es_nie.calc_check_digit(p + n)
        assert es_nie.is_valid(v)
        return v, "Spanish NIE"
    if c == "IT_cf":
        return _until(lambda: fk("it_IT").ssn(), it_cf.is_valid), "Italian codice fiscale"
    if c == "IT_ci":
        return (
            f"C{rng.choice('ABCDEFGHJ')}{_d(5)}{rng.choice(string.ascii_uppercase)}{rng.choice(string.ascii_uppercase)}",
            "Italian electronic ID card",
        )
    if c == "NL_bsn":
        v = _until(lambda: _d(9), lambda x: nl_bsn.is_valid(x) and x[0] != "0")
        return ch(v, v, f"{v[:4]}.{v[4:6]}.{v[6:]}"), "Dutch BSN"
    if c == "NL_passport":
        return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2)) + "".join(
            rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(6)
        ) + _d(1), "Dutch passport"
    if c == "BE_nn":
        return _be_nn(born), "Belgian national register number"
    if c == "PT_nif":
        n = rng.choice("123") + _d(7)
        return n + pt_nif.calc_check_digit(n), "Portuguese NIF"
    if c == "PT_cc":

        def mk():
            # 8-digit civil number, its check digit, two version letters; check digit added below
            base = (
                _d(8)
                + _d(1)
                + rng.choice(string.ascii_uppercase)
                + rng.choice(string.ascii_uppercase)
            )
            return base + pt_cc.calc_check_digit(base)

        v = _until(mk, pt_cc.is_valid)
        return pt_cc.format(v), "Portuguese Cartão de Cidadão"
    if c == "BR_cpf":
        return _until(lambda: fk("pt_BR").cpf(), br_cpf.is_valid), "Brazilian CPF"
    if c == "PL_pesel":
        return _until(lambda: fk("pl_PL").pesel(), pl_pesel.is_valid), "Polish PESEL"
    if c == "PL_dowod":
        return _pl_dowod(), "Polish ID card"
    if c == "SE_pnr":
        return _until(lambda: fk("sv_SE").ssn(), se_pnr.is_valid), "Swedish personnummer"
    if c == "DK_cpr":
        v = _until(lambda: f"{born:%d%m%y}-{_d(4)}", dk_cpr.is_valid)
        return v, "Danish CPR number"
    if c == "FI_hetu":
        return _until(lambda: fk("fi_FI").ssn(), fi_hetu.is_valid), "Finnish personal identity code"
    if c == "NO_fnr":
        return _until(lambda: fk("no_NO").ssn(), no_fnr.is_valid), "Norwegian fødselsnummer"
    if c == "CZ_rc":
        return _until(lambda: fk("cs_CZ").birth_number(), cz_rc.is_valid), "Czech birth number"
    if c == "TR_tc":

        def mk():
            b = str(rng.randint(1, 9)) + _d(8)
            return b + tr_tc.calc_check_digits(b)

        return _until(mk, tr_tc.is_valid), "Turkish TC Kimlik number"
    if c == "IN_aadhaar":

        def mk():
            b = str(rng.randint(2, 9)) + _d(10)
            return b + verhoeff.calc_check_digit(b)

        v = _until(mk, in_aadhaar.is_valid)
        return ch(v, f"{v[:4]} {v[4:8]} {v[8:]}", f"{v[:4]} {v[4:8]} {v[8:]}"), "Indian Aadhaar"
    if c == "IN_pan":
        v = _until(
            lambda: (
                "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
                + "P"
                + (last or "K")[0].upper()
                + _d(4)
                + rng.choice(string.ascii_uppercase)
            ),
            in_pan.is_valid,
        )
        return v, "Indian PAN"
    if c == "IN_passport":
        return rng.choice("JKLMNPRSTUVZ") + _d(7), "Indian passport"
    if c == "CA_sin":

        def mk():
            b = str(rng.choice([1, 2, 3, 4, 5, 6, 7, 9])) + _d(7)
            return b + luhn.calc_check_digit(b)

        v = _until(mk, ca_sin.is_valid)
        return ch(f"{v[:3]} {v[3:6]} {v[6:]}", f"{v[:3]}-{v[3:6]}-{v[6:]}", v), "Canadian SIN"
    if c == "AU_tfn":
        v = _until(lambda: _d(9), lambda x: au_tfn.is_valid(x) and x[0] != "0")
        return ch(f"{v[:3]} {v[3:6]} {v[6:]}", v), "Australian TFN"
    if c == "AU_passport":
        return rng.choice("NPRE") + rng.choice("ABCDEFGHJKLMN") + _d(7), "Australian passport"
    if c == "MX_curp":
        return _until(lambda: fk("es_MX").curp(), mx_curp.is_valid), "Mexican CURP"
    if c == "IE_pps":
        v = _until(
            lambda: _d(7) + rng.choice(string.ascii_uppercase[:23]) + maybe(0.3, "A"),
            ie_pps.is_valid,
        )
        return v, "Irish PPS number"
    if c == "CN_ric":

        def mk():
            b = (
                rng.choice(["110105", "310104", "440305", "330106", "510107", "320102"])
                + f"{born:%Y%m%d}"
                + _d(3)
            )
            return b + cn_ric.calc_check_digit(b)

        return _until(mk, cn_ric.is_valid), "Chinese resident ID"
    raise KeyError(c)


ID_BY_LOC = {
    "en_US": ["US_passport", "US_dl"],
    "en_GB": ["GB_nino", "GB_passport", "GB_dl"],
    "en_CA": ["CA_sin"],
    "en_AU": ["AU_tfn", "AU_passport"],
    "en_IE": ["IE_pps"],
    "en_IN": ["IN_aadhaar", "IN_pan", "IN_passport"],
    "de_DE": ["DE_id", "DE_passport", "DE_taxid"],
    "de_AT": ["AT_svnr"],
    "de_CH": ["CH_ahv"],
    "fr_CH": ["CH_ahv"],
    "fr_FR": ["FR_nir", "FR_passport"],
    "fr_BE": ["BE_nn"],
    "nl_BE": ["BE_nn"],
    "es_ES": ["ES_dni", "ES_nie"],
    "es_MX": ["MX_curp"],
    "it_IT": ["IT_cf", "IT_ci"],
    "nl_NL": ["NL_bsn", "NL_passport"],
    "pt_PT": ["PT_nif", "PT_cc"],
    "pt_BR": ["BR_cpf"],
    "pl_PL": ["PL_pesel", "PL_dowod"],
    "sv_SE": ["SE_pnr"],
    "da_DK": ["DK_cpr"],
    "cs_CZ": ["CZ_rc"],
    "fi_FI": ["FI_hetu"],
    "no_NO": ["NO_fnr"],
    "tr_TR": ["TR_tc"],
}


def idn(loc: str, **kw) -> tuple[str, str]:
    return id_number(rng.choice(ID_BY_LOC[loc]), **kw)


# ---------------------------------------------------------------------------------------------
# Money, network, secrets
# ---------------------------------------------------------------------------------------------


def card(kind: str | None = None, fmt: str | None = None) -> str:
    kind = (
        kind
        or rng.choices(
            ["visa16", "mastercard", "amex", "discover", "jcb16", "maestro", "diners"],
            [40, 30, 12, 6, 4, 5, 3],
        )[0]
    )
    n = _until(lambda: fk("en_US").credit_card_number(card_type=kind), luhn.is_valid)
    fmt = fmt or rng.choices(["space", "plain", "dash"], [55, 30, 15])[0]
    if fmt == "plain":
        return n
    sep = " " if fmt == "space" else "-"
    if len(n) == 15:
        return sep.join([n[:4], n[4:10], n[10:]])
    if len(n) == 14:
        return sep.join([n[:4], n[4:10], n[10:]])
    return sep.join(n[i : i + 4] for i in range(0, len(n), 4))


def card_expiry() -> str:
    return ch(
        f"{rng.randint(1, 12):02d}/{rng.randint(26, 31)}",
        f"{rng.randint(1, 12):02d}/20{rng.randint(26, 31)}",
    )


IBAN_LOCS = [
    "de_DE",
    "de_AT",
    "de_CH",
    "fr_FR",
    "es_ES",
    "it_IT",
    "nl_NL",
    "nl_BE",
    "pt_PT",
    "pl_PL",
    "da_DK",
    "cs_CZ",
    "fi_FI",
    "no_NO",
    "tr_TR",
    "en_IE",
    "en_GB",
    "pt_BR",
]


def iban(loc: str | None = None, fmt: str | None = None) -> str:
    loc = loc if loc in IBAN_LOCS else (("fr_FR" if loc == "fr_BE" else None) if loc else None)
    if loc is None:
        loc = rng.choice(IBAN_LOCS)
    if loc == "fr_CH":
        loc = "de_CH"
    v = _until(lambda: fk(loc).iban(), std_iban.is_valid)
    fmt = fmt or rng.choices(["group", "plain"], [60, 40])[0]
    return std_iban.format(v) if fmt == "group" else v


def bic() -> str:
    return rng.choice(
        [
            "COBADEFFXXX",
            "DEUTDEDBBER",
            "BNPAFRPPXXX",
            "CAIXESBBXXX",
            "INGBNL2A",
            "GEBABEBB",
            "BCOMPTPL",
            "PKOPPLPW",
            "UNCRITMM",
            "RABONL2U",
        ]
    )


def ssn(fmt: str | None = None) -> str:
    v = _until(lambda: fk("en_US").ssn(), us_ssn.is_valid)
    fmt = fmt or rng.choices(["dash", "plain", "space"], [75, 15, 10])[0]
    d = v.replace("-", "")
    return {"dash": v, "plain": d, "space": f"{d[:3]} {d[3:5]} {d[5:]}"}[fmt]


def ip4() -> str:
    while True:
        a = ipaddress.IPv4Address(rng.randrange(1 << 24, 224 << 24))
        if a.is_global and not a.is_multicast:
            return str(a)


def ip6() -> str:
    pre = rng.choice(
        ["2a02:", "2001:16b8:", "2600:1700:", "2a01:cb1d:", "2003:e4:", "2804:14c:", "2409:4042:"]
    )
    groups = pre.count(":")
    rest = [f"{rng.randrange(0, 0xFFFF):x}" for _ in range(8 - groups)]
    a = ipaddress.IPv6Address(pre + ":".join(rest))
    assert a.is_global
    return a.compressed


def ip() -> str:
    return ip4() if rng.random() < 0.85 else ip6()


B64 = string.ascii_letters + string.digits + "+/"
B64U = string.ascii_letters + string.digits + "-_"
AN = string.ascii_letters + string.digits


def _r(chars, n):
    return "".join(rng.choice(chars) for _ in range(n))


def password(safe_url: bool = False) -> str:
    if rng.random() < 0.4:
        words = [
            "Sunflower",
            "blue",
            "Tiger",
            "coffee",
            "Harbor",
            "maple",
            "Rocket",
            "winter",
            "Falcon",
            "pepper",
            "Lantern",
            "orbit",
            "Cactus",
            "velvet",
            "Nimbus",
        ]
        p = (
            rng.choice(words)
            + rng.choice(["", "_", ".", "-"])
            + rng.choice(words)
            + str(rng.randint(1, 2099))
            + rng.choice(["!", "#", "$", "%", "?", ""] if not safe_url else ["!", "", "*"])
        )
        return p
    chars = AN + ("!*-_." if safe_url else "!#$%*-_.?+=")
    while True:
        p = _r(chars, rng.randint(12, 24))
        if any(c.isdigit() for c in p) and any(c.isupper() for c in p) and p[0] not in "-.":
            return p


def _jwt() -> str:
    h = (
        base64.urlsafe_b64encode(
            json.dumps(
                {"alg": rng.choice(["HS256", "RS256"]), "typ": "JWT"}, separators=(",", ":")
            ).encode()
        )
        .decode()
        .rstrip("=")
    )
    iat = rng.randint(1_760_000_000, 1_790_000_000)
    body = {
        "sub": str(rng.randint(10_000, 9_999_999)),
        "iat": iat,
        "exp": iat + rng.choice([900, 3600, 86400]),
        "scope": rng.choice(["read write", "admin", "user", "api"]),
    }
    p = (
        base64.urlsafe_b64encode(json.dumps(body, separators=(",", ":")).encode())
        .decode()
        .rstrip("=")
    )
    return f"{h}.{p}.{_r(B64U, 43)}"


def _pem() -> str:
    kind, head = rng.choice(
        [
            ("OPENSSH PRIVATE KEY", "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAA"),
            ("RSA PRIVATE KEY", "MIIEpAIBAAKCAQEA"),
            ("PRIVATE KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ"),
            ("EC PRIVATE KEY", "MHcCAQEEI"),
        ]
    )
    body = head + _r(B64, 64 * rng.randint(4, 8) - len(head) + rng.randint(0, 40))
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    if len(lines[-1]) < 64:
        lines[-1] = lines[-1] + "=" * ((4 - len(lines[-1]) % 4) % 4)
    return f"-----BEGIN {kind}-----\n" + "\n".join(lines) + f"\n-----END {kind}-----"


def secret(kind: str) -> str:
    return {
        "aws_key": lambda: "AKIA" + _r("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
        "aws_secret": lambda: _r(AN + "+/", 40),
        "github": lambda: "ghp_" + _r(AN, 36),
        "github_fg": lambda: "github_pat_" + _r(AN, 22) + "_" + _r(AN, 59),
        "gitlab": lambda: "glpat-" + _r(AN + "-_", 20),
        "stripe": lambda: rng.choice(["sk_live_", "rk_live_"]) + _r(AN, rng.choice([24, 32, 99])),
        "slack": lambda: f"xox{rng.choice('bp')}-{_d(12)}-{_d(13)}-{_r(AN, 24)}",
        "slack_hook": lambda: (
            f"https://hooks.slack.com/services/T{_r(ALNUM_UP, 8)}/B{_r(ALNUM_UP, 10)}/{_r(AN, 24)}"
        ),
        "openai": lambda: "sk-proj-" + _r(AN + "-_", 64),
        "anthropic": lambda: "sk-ant-api03-" + _r(AN + "-_", 86) + "AA",
        "google": lambda: "AIza" + _r(AN + "-_", 35),
        "sendgrid": lambda: "SG." + _r(AN + "-_", 22) + "." + _r(AN + "-_", 43),
        "npm": lambda: "npm_" + _r(AN, 36),
        "hf": lambda: "hf_" + _r(string.ascii_letters, 34),
        "twilio": lambda: _r("0123456789abcdef", 32),
        "mailgun": lambda: "key-" + _r("0123456789abcdef", 32),
        "jwt": _jwt,
        "pem": _pem,
        "password": password,
        "hex64": lambda: _r("0123456789abcdef", 64),
        "django": lambda: (
            "django-insecure-" + _r(string.ascii_lowercase + string.digits + "!@#%^&*(-_=+)", 50)
        ),
    }[kind]()


# ---------------------------------------------------------------------------------------------
# Misc helpers for texts
# ---------------------------------------------------------------------------------------------

COMPANIES_EN = [
    "Northwind Logistics",
    "Bluepeak Software",
    "Kestrel Analytics",
    "Harbourline Ltd",
    "Orbital Payments",
    "Lumen Health Partners",
    "Greenfield Academy",
    "Brightlane Realty",
    "Mapleworks Inc.",
    "Redwood Dental Care",
    "Cobalt Insurance",
    "Summit Lettings",
]
DATES_2025 = lambda: dt.date(2025, 1, 1) + dt.timedelta(days=rng.randint(0, 500))  # noqa: E731


def when(loc: str) -> str:
    """A non-birth date (an event date) in the locale's style."""
    return dfmt(DATES_2025(), loc, rng.choice(["num", "long"]))


def money(loc: str) -> str:
    a = rng.randint(12, 4800) + rng.choice([0, 0.5, 0.99, 0.25])
    if loc == "en_US":
        return f"${a:,.2f}"
    if loc == "en_GB":
        return f"£{a:,.2f}"
    if loc in ("en_CA", "en_AU"):
        return f"${a:,.2f}"
    if loc == "en_IN":
        return f"₹{int(a * 80):,}"
    s = f"{a:,.2f}".replace(",", " ").replace(".", ",")
    return (
        f"{s} €"
        if loc[:2] in ("de", "fr", "es", "it", "nl", "pt", "fi") and loc != "pt_BR"
        else f"{s}"
    )


def hexs(n):
    return _r("0123456789abcdef", n)


def uuid4():
    h = hexs(32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:32]}"


def order_no():
    return ch(
        f"#{rng.randint(100000, 9999999)}",
        f"ORD-{rng.randint(2024, 2026)}-{rng.randint(10000, 99999)}",
        rng.choice(string.ascii_uppercase)
        + rng.choice(string.ascii_uppercase)
        + f"-{rng.randint(100000, 999999)}",
    )


# === TEMPLATES ===
#
# Labelling rules (decided once, applied in every template below):
#   person    Names of private, real-seeming individuals (senders, patients, tenants, children,
#             employees, support agents), including a lone given name that refers to such a
#             person (greetings, sign-offs).  Titles (Mr, Dr, Frau, Mme) stay outside the span.
#             Not marked: public figures, historical people, fictional characters, canonical
#             placeholder names (John Doe, Max Mustermann), company and product names.
#   address   Postal addresses of private persons (home, delivery, billing).  A multi-line
#             address is marked line by line (one span per line, newline outside); an inline
#             address is one span.  Not marked: a city or postcode on its own, addresses of
#             landmarks, public institutions and fictional places.
#   phone, email  Every concrete, reachable-looking number or mailbox is marked, whether it is a
#             person's or an organisation's (a company switchboard or a support@ mailbox is still
#             a phone / an email).  Not marked: placeholders, documentation domains
#             (example.com/.org/.net, .test, .invalid), emergency and other short codes.
#   date_of_birth  Birth dates of private persons only.  Appointment, invoice, deadline and
#             historical dates and public figures' birthdays are not marked.
#   id_number Government identifiers: ID card, passport, driving licence, tax and social
#             insurance numbers of every country except the US SSN.
#   ssn       US Social Security Numbers only.
#   card, iban  The full card number / IBAN.  Not marked: expiry, CVV, BIC, masked or last-4
#             forms and publicly documented test values (Stripe's 4242..., the DE89 3704 sample).
#   ip        Public IP addresses tied to a user or their machine.  Not marked: private,
#             loopback and documentation ranges, well-known public resolvers (8.8.8.8, 1.1.1.1).
#   secret    Passwords, API keys, access tokens, webhook URLs carrying a token, private key
#             blocks (the whole PEM block).  Only the secret value: in a URL or command the
#             password alone, never the user name or the variable name.
#   Internal account, order, ticket, policy, invoice and customer numbers are never marked.


def D(s: str) -> str:
    """Dedent a triple-quoted template; a line ending in ' ~' continues on the next one."""
    s = textwrap.dedent(s).strip("\n")
    return re.sub(r" ~\n[ \t]*", " ", s)


def P(loc: str, gender: str | None = None):
    return person(loc, gender)


def given(loc: str, gender: str | None = None) -> str:
    return person(loc, gender)[0]


LANG_OF = {
    "en": "en",
    "de": "de",
    "fr": "fr",
    "es": "es",
    "it": "it",
    "nl": "nl",
    "pt": "pt",
    "pl": "pl",
    "sv": "sv",
    "da": "da",
    "cs": "cs",
    "fi": "fi",
    "no": "no",
    "tr": "tr",
}


def loc_for(langs, en_share: float = 0.5) -> str:
    """A locale whose language is in langs, English (if allowed) with probability en_share."""
    if "en" in langs and rng.random() < en_share:
        return en_loc()
    cands = [x for x in FOREIGN if x[:2] in langs]
    return rng.choice(cands) if cands else en_loc()


ASK = {
    "en": [
        "Can you summarise this for me?",
        "Please rewrite this so it sounds more professional:",
        "Fix the grammar in this, keep the tone:",
        "Translate this into Spanish:",
        "What is this email actually asking me to do?",
        "Make this shorter please",
        "can u make this sound less passive aggressive",
        "Reply to this politely, say yes:",
    ],
    "de": [
        "Kannst du das bitte zusammenfassen?",
        "Formulier das bitte etwas freundlicher:",
        "Übersetze das bitte ins Englische:",
        "Korrigier bitte Rechtschreibung und Grammatik:",
    ],
    "fr": [
        "Tu peux résumer ce message ?",
        "Corrige les fautes s'il te plaît :",
        "Traduis ceci en anglais :",
        "Reformule de façon plus polie :",
    ],
    "es": [
        "¿Me puedes resumir esto?",
        "Corrige la ortografía, por favor:",
        "Tradúcelo al inglés:",
        "Hazlo un poco más formal:",
    ],
    "it": [
        "Puoi riassumere questo messaggio?",
        "Correggi gli errori per favore:",
        "Traduci in inglese:",
        "Rendilo più formale:",
    ],
    "nl": [
        "Kun je dit samenvatten?",
        "Kun je de spelling verbeteren?",
        "Vertaal dit naar het Engels:",
        "Maak dit wat formeler:",
    ],
    "pt": [
        "Podes resumir isto?",
        "Corrige os erros, por favor:",
        "Traduz para inglês:",
        "Pode revisar esse texto?",
    ],
    "pl": ["Możesz to streścić?", "Popraw błędy, proszę:", "Przetłumacz na angielski:"],
    "sv": ["Kan du sammanfatta det här?", "Översätt till engelska:", "Rätta språket, tack:"],
    "da": ["Kan du opsummere det her?", "Oversæt til engelsk:", "Ret sproget, tak:"],
    "cs": ["Můžeš to shrnout?", "Přelož to do angličtiny:", "Oprav chyby, prosím:"],
    "fi": ["Voitko tiivistää tämän?", "Käännä englanniksi:", "Korjaa kieli, kiitos:"],
    "no": ["Kan du oppsummere dette?", "Oversett til engelsk:", "Rett språket, takk:"],
    "tr": ["Bunu özetler misin?", "İngilizceye çevirir misin:", "Yazım hatalarını düzeltir misin:"],
}


def ask(lang: str, body) -> Chunk:
    """Wrap pasted material in the user's request (before, after, or none at all)."""
    body = body if isinstance(body, Chunk) else Chunk(body)
    q = rng.choice(ASK[lang])
    r = rng.random()
    if r < 0.15:
        body = Chunk('"""\n') + body + '\n"""'
    elif r < 0.25:
        body = Chunk("---\n") + body + "\n---"
    r = rng.random()
    if r < 0.6:
        return Chunk(q + "\n\n") + body
    if r < 0.85:
        return body + ("\n\n" + q)
    return body


def nl_line(c) -> Chunk:
    return Chunk("\n") + c


POS: list = []
NEG: list = []


def pos(n: int):
    def deco(f):
        POS.append((f, n))
        return f

    return deco


def neg(n: int):
    def deco(f):
        NEG.append((f, n))
        return f

    return deco


# ---------------------------------------------------------------------------------------------
# Positive templates.  Each returns (Chunk, locale).
# ---------------------------------------------------------------------------------------------

SIG_BODIES = {
    "en": [
        """
        Hi <<greet>>,

        Thanks for getting back to me so quickly. I've attached the signed copy of the ~
        agreement - let me know if anything else is needed before <<date>>.

        Best regards,
        <<name>>
        <<phone>><<contact>>""",
        """
        Hello <<greet>>,

        Just a reminder that the plumber is coming on <<date>> between 8 and 12. If you ~
        can't be home, give me a ring and I'll let him in with the spare key.

        Cheers,
        <<name>>
        Mobile: <<phone>><<contact>>""",
        """
        Dear <<greet>>,

        Apologies for the late reply, I was travelling. Yes, I can do the presentation on ~
        <<date>>. Could you send me the slides from last quarter so I can reuse the charts?

        Kind regards
        <<name>>
        M: <<phone>><<contact>>""",
        """
        hey <<greet>> - sorry I missed your call. the car is ready for pickup any time after ~
        3pm, the brake pads were the problem. total is a bit less than the quote.

        <<name>>
        <<phone>><<contact>>""",
    ],
    "de": [
        """
        Hallo <<greet>>,

        vielen Dank für die schnelle Rückmeldung. Den unterschriebenen Vertrag habe ich ~
        angehängt. Falls noch etwas fehlt, melde dich bitte bis zum <<date>>.

        Viele Grüße
        <<name>>
        Mobil: <<phone>><<contact>>""",
        """
        Hallo <<greet>>,

        leider schaffe ich es am <<date>> nicht zum Elternabend. Kannst du mir danach kurz ~
        schreiben, was besprochen wurde? Gern auch per WhatsApp.

        LG
        <<name>>
        Tel. <<phone>><<contact>>""",
    ],
    "fr": [
        """
        Bonjour <<greet>>,

        Merci pour votre retour rapide. Vous trouverez ci-joint le contrat signé. N'hésitez ~
        pas à me contacter si quelque chose manque avant le <<date>>.

        Cordialement,
        <<name>>
        Tél. : <<phone>><<contact>>""",
        """
        Salut <<greet>>,

        Pour samedi c'est bon pour moi, je ramène le gâteau. Appelle-moi si tu as besoin ~
        d'aide pour installer les tables.

        Bises,
        <<name>>
        <<phone>><<contact>>""",
    ],
    "es": [
        """
        Hola <<greet>>:

        Gracias por responder tan rápido. Te adjunto el contrato firmado. Si falta algo ~
        antes del <<date>>, avísame.

        Un saludo,
        <<name>>
        Móvil: <<phone>><<contact>>""",
    ],
    "it": [
        """
        Ciao <<greet>>,

        grazie per la risposta veloce. Ti allego il contratto firmato. Se manca qualcosa ~
        prima del <<date>> fammi sapere.

        Cordiali saluti,
        <<name>>
        Cell. <<phone>><<contact>>""",
    ],
    "nl": [
        """
        Hoi <<greet>>,

        Bedankt voor je snelle reactie. In de bijlage vind je het getekende contract. Laat ~
        het me weten als er vóór <<date>> nog iets nodig is.

        Met vriendelijke groet,
        <<name>>
        Tel.: <<phone>><<contact>>""",
    ],
    "pt": [
        """
        Olá <<greet>>,

        Obrigado pela resposta rápida. Segue em anexo o contrato assinado. Se faltar alguma ~
        coisa antes de <<date>>, diga-me.

        Cumprimentos,
        <<name>>
        Telm.: <<phone>><<contact>>""",
    ],
    "pl": [
        """
        Cześć <<greet>>,

        dzięki za szybką odpowiedź. W załączniku przesyłam podpisaną umowę. Jeśli czegoś ~
        brakuje przed <<date>>, daj znać.

        Pozdrawiam
        <<name>>
        tel. <<phone>><<contact>>""",
    ],
    "sv": [
        """
        Hej <<greet>>!

        Tack för snabbt svar. Jag bifogar det underskrivna avtalet. Hör av dig om något ~
        saknas före <<date>>.

        Vänliga hälsningar
        <<name>>
        Tel: <<phone>><<contact>>""",
    ],
    "da": [
        """
        Hej <<greet>>

        Tak for det hurtige svar. Den underskrevne kontrakt er vedhæftet. Sig til, hvis der ~
        mangler noget inden <<date>>.

        Venlig hilsen
        <<name>>
        Mobil: <<phone>><<contact>>""",
    ],
}


GREET_ALL = {
    "en": "all",
    "de": "zusammen",
    "fr": "à tous",
    "es": "a todos",
    "it": "a tutti",
    "nl": "allemaal",
    "pt": "a todos",
    "pl": "wszystkim",
    "sv": "alla",
    "da": "alle",
}


@pos(9)
def t_mail_signature():
    loc = loc_for(list(SIG_BODIES), 0.45)
    lang = loc[:2]
    first, last, full = P(loc)
    contact = ""
    if rng.random() < 0.35:
        contact = Chunk("\n" + ch("", "E: ", "Mail: ")) + S(
            "email", email(first, last, loc, rng.random() < 0.4)
        )
    greet = S("person", given(loc)) if rng.random() < 0.5 else GREET_ALL[lang]
    text = R(
        D(rng.choice(SIG_BODIES[lang])),
        greet=greet,
        date=when(loc),
        name=S("person", full),
        phone=S("phone", phone(loc)),
        contact=contact,
    )
    return ask(lang, text), loc


@pos(23)
def t_ssn_chat():
    loc = "en_US"
    first, last, full = P(loc)
    s = S("ssn", ssn())
    v = rng.randrange(4)
    if v == 0:
        t = R(
            "I'm filling out the W-4 for my new job. It asks for my SSN - I typed <<s>> but "
            "the HR portal says invalid format. Does it want the dashes or not?",
            s=s,
        )
    elif v == 1:
        t = R(
            "Write a short letter to the Social Security Administration for me. My name is "
            "<<n>>, SSN <<s>>. My card was stolen with my wallet last week and I need a "
            "replacement. Keep it formal.",
            n=S("person", full),
            s=s,
        )
    elif v == 2:
        t = R(
            "quick question, the bank form has a box called TIN. is that just my social? "
            "(<<s>>) or do i need to apply for something separate as a freelancer",
            s=s,
        )
    else:
        t = R(
            "My mom's social security number is <<s>> and the pharmacy says it doesn't match "
            "their records for <<n>>. Who do we call to fix this?",
            s=s,
            n=S("person", full),
        )
    return t, loc


@pos(4)
def t_w9_form():
    loc = "en_US"
    first, last, full = P(loc)
    born = dob(22, 80)
    lines = [
        R("Name (as shown on your income tax return): <<n>>", n=S("person", full)),
        "Business name/disregarded entity name: " + ch("-", "N/A", "none"),
        "Federal tax classification: Individual/sole proprietor",
    ]
    a = address(loc)
    lines.append(R("Address (number, street, and apt. or suite no.): <<a>>", a=S("address", a[0])))
    lines.append(R("City, state, and ZIP code: <<c>>", c=S("address", a[1])))
    lines.append(R("Social security number: <<s>>", s=S("ssn", ssn())))
    if rng.random() < 0.6:
        lines.append(R("Date of birth: <<d>>", d=S("date_of_birth", dfmt(born, loc, "num"))))
    lines.append("Signature: (signed)   Date: " + when(loc))
    q = ch(
        "This is the OCR text from a W-9 a contractor sent us. Put it into a clean table:\n\n",
        "Can you check if anything is missing on this W-9?\n\n",
        "Extract the fields below as JSON with snake_case keys.\n\n",
    )
    return Chunk(q) + J(lines), loc


CARD_EN = [
    "My card <<c>> (exp <<e>>) was charged twice by the same hotel. How do I dispute one of "
    "the charges with my bank?",
    "Is this a valid card number or did I copy it wrong? <<c>>",
    "the checkout page keeps saying 'card declined' for <<c>> exp <<e>>. its not expired and "
    "i have money on it, what else could it be",
    "Please fill the payment section of this booking form for me: card number <<c>>, expiry "
    "<<e>>, name as on card <<n>>.",
    "Cardholder: <<n>>\nCard number: <<c>>\nExpiry: <<e>>\nCVV: <<cvv>>\n\nWhy would a "
    "merchant ask for all of this by email? Is that safe?",
]


@pos(29)
def t_card_chat():
    loc = en_loc() if rng.random() < 0.85 else rng.choice(["de_DE", "fr_FR", "nl_NL"])
    full = full_name(loc)
    tpl = rng.choice(CARD_EN)
    if loc[:2] == "de":
        tpl = ch(
            "Meine Kreditkarte <<c>> (gültig bis <<e>>) wurde zweimal belastet. Wie lege "
            "ich bei der Bank Widerspruch ein?",
            "Karteninhaber: <<n>>\nKartennummer: <<c>>\nGültig bis: <<e>>\n\nDas Hotel "
            "will das per Mail haben. Ist das seriös?",
        )
    elif loc[:2] == "fr":
        tpl = "Ma carte <<c>> (expire <<e>>) a été débitée deux fois. Comment contester ?"
    elif loc[:2] == "nl":
        tpl = "Mijn creditcard <<c>> is twee keer belast door hetzelfde hotel. Wat moet ik doen?"
    return R(
        tpl,
        c=S("card", card()),
        e=card_expiry(),
        n=S("person", full),
        cvv=str(rng.randint(100, 999)),
    ), loc


IBAN_TXT = {
    "en": [
        "Please transfer the deposit of <<m>> to my account: IBAN <<i>>, account holder "
        "<<n>>. Reference: flat viewing <<d>>.",
        "Can you write a polite reminder to my tenant? Rent for this month hasn't arrived. "
        "Bank details again: <<n>>, IBAN <<i>>.",
        "Is this IBAN valid? <<i>> - the bank app rejects it when I paste it.",
        "My salary goes to <<i>> but payroll says the account doesn't exist. Typo?",
    ],
    "de": [
        "Bitte überweisen Sie die Kaution in Höhe von <<m>> auf folgendes Konto:\n"
        "Kontoinhaber: <<n>>\nIBAN: <<i>>\nVerwendungszweck: Kaution Wohnung",
        "Hi, hier meine Bankverbindung für die Rückzahlung: <<i>> (lautet auf <<n>>). Danke dir!",
        "Meine neue IBAN ist <<i>>. Schreib bitte eine kurze Mail an die Hausverwaltung, "
        "damit die Nebenkostenerstattung dorthin geht.",
    ],
    "fr": [
        "Voici mon RIB pour le remboursement : titulaire <<n>>, IBAN <<i>>. Merci de "
        "m'envoyer une confirmation du virement.",
        "Mon IBAN <<i>> est refusé sur le site des impôts, pourquoi ?",
    ],
    "es": [
        "Te paso mi cuenta para el reembolso: titular <<n>>, IBAN <<i>>. Son <<m>>.",
        "¿Cómo cambio la domiciliación del recibo de la luz a mi cuenta <<i>>?",
    ],
    "it": [
        "Per il rimborso della caparra di <<m>> vi indico il mio IBAN: <<i>> intestato a <<n>>."
    ],
    "nl": [
        "Wil je de <<m>> voor het weekend overmaken naar <<i>> t.n.v. <<n>>? Thanks!",
        "Mijn nieuwe rekeningnummer is <<i>>. Schrijf een berichtje voor de werkgever.",
    ],
    "pt": ["Podes transferir os <<m>> para o meu IBAN <<i>> (titular: <<n>>)? Obrigado!"],
    "pl": ["Proszę o zwrot kaucji na konto <<i>>, właściciel rachunku: <<n>>. Kwota: <<m>>."],
    "da": ["Du kan overføre pengene til <<i>> (kontohaver <<n>>). Tak for hjælpen!"],
    "fi": ["Voit maksaa vuokran tilille <<i>>, saaja <<n>>. Summa <<m>>."],
    "no": ["Kan du overføre depositumet til kontoen min, IBAN <<i>>, kontoeier <<n>>?"],
    "cs": ["Zálohu prosím pošlete na účet <<i>>, majitel účtu <<n>>. Děkuji."],
    "tr": ["Depozitoyu <<i>> IBAN numaralı hesaba gönderebilir misiniz? Alıcı: <<n>>."],
}


@pos(24)
def t_iban_transfer():
    loc = rng.choice(
        [
            "en_GB",
            "en_IE",
            "de_DE",
            "de_AT",
            "de_CH",
            "fr_FR",
            "es_ES",
            "it_IT",
            "nl_NL",
            "nl_BE",
            "pt_PT",
            "pl_PL",
            "da_DK",
            "fi_FI",
            "no_NO",
            "cs_CZ",
            "tr_TR",
            "de_DE",
            "fr_FR",
            "es_ES",
        ]
    )
    lang = loc[:2]
    t = R(
        rng.choice(IBAN_TXT[lang]),
        m=money(loc),
        i=S("iban", iban(loc)),
        n=S("person", full_name(loc)),
        d=when(loc),
    )
    return (ask(lang, t) if rng.random() < 0.3 else t), loc


def _env_line(key: str, val, quote: bool | None = None) -> Chunk:
    q = ch('"', "", "") if quote is None else ('"' if quote else "")
    return Chunk(f"{key}={q}") + val + q


@pos(9)
def t_env_file():
    app = ch("api", "web", "worker", "billing", "shop")
    lines = [
        Chunk(f"# {app} - local dev"),
        Chunk(f"APP_NAME={app}"),
        Chunk(f"PORT={ch('3000', '8000', '8080', '5000')}"),
        Chunk(f"NODE_ENV={ch('development', 'production', 'staging')}"),
    ]
    cands = [
        ("DATABASE_PASSWORD", "password"),
        ("STRIPE_SECRET_KEY", "stripe"),
        ("OPENAI_API_KEY", "openai"),
        ("GITHUB_TOKEN", "github"),
        ("SENDGRID_API_KEY", "sendgrid"),
        ("AWS_ACCESS_KEY_ID", "aws_key"),
        ("AWS_SECRET_ACCESS_KEY", "aws_secret"),
        ("SLACK_BOT_TOKEN", "slack"),
        ("ANTHROPIC_API_KEY", "anthropic"),
        ("JWT_SECRET", "hex64"),
        ("SECRET_KEY", "django"),
        ("MAILGUN_API_KEY", "mailgun"),
        ("GOOGLE_MAPS_API_KEY", "google"),
        ("HF_TOKEN", "hf"),
        ("REDIS_PASSWORD", "password"),
    ]
    picks = rng.sample(cands, rng.choice([1, 1, 2, 3]))
    for k, kind in picks:
        lines.append(_env_line(k, S("secret", secret(kind))))
    lines.insert(rng.randint(2, len(lines)), Chunk("DB_HOST=localhost\nDB_USER=" + app))
    if rng.random() < 0.25:
        f, la, _ = P("en_US")
        lines.append(_env_line("ADMIN_EMAIL", S("email", email(f, la, "en_US", True)), False))
    lines.append(Chunk("LOG_LEVEL=" + ch("debug", "info")))
    q = ch(
        "my app can't read these env vars, what's wrong with the format?\n\n",
        "Convert this .env to a docker-compose environment block:\n\n",
        "```\n",
        "Why does dotenv ignore the last line here?\n\n",
    )
    body = Chunk(q) + J(lines)
    if q == "```\n":
        body = body + "\n```\nthis is my .env, python-dotenv loads nothing. help"
    return body, "en"


@pos(10)
def t_curl_auth():
    v = rng.randrange(5)
    host = ch(
        "api.bluepeak.io",
        "api.orbitalpay.com",
        "kestrel-analytics.com/api",
        "api.openai.com",
        "api.github.com",
    )
    if v == 0:
        t = R(
            'curl -X POST https://<<h>>/v1/orders \\\n  -H "Authorization: Bearer <<k>>" \\\n'
            '  -H "Content-Type: application/json" \\\n  -d \'{"limit": 20}\'\n\nreturns 401, '
            "token is definitely right. ideas?",
            h=host,
            k=S("secret", secret(ch("jwt", "openai", "github"))),
        )
    elif v == 1:
        t = R(
            "Translate this curl to python requests:\n\ncurl https://<<h>>/v2/charges -u <<k>>:",
            h=host,
            k=S("secret", secret("stripe")),
        )
    elif v == 2:
        t = R(
            "curl -s -H 'X-API-Key: <<k>>' https://<<h>>/v1/reports?from=2025-01-01 | jq .\n"
            "\njq says parse error: Invalid numeric literal at line 1, column 10",
            h=host,
            k=S("secret", secret(ch("hex64", "twilio", "google"))),
        )
    elif v == 3:
        t = R(
            "curl -u admin:<<p>> http://<<ip>>:9200/_cat/indices\n\nwhy do I get "
            "'connection refused'? elasticsearch is running",
            p=S("secret", password(True)),
            ip=S("ip", ip4()),
        )
    else:
        t = R(
            "curl -X POST -H 'Content-type: application/json' --data '{\"text\":\"deploy "
            "done\"}' <<k>>\n\nslack answers invalid_payload",
            k=S("secret", secret("slack_hook")),
        )
    return t, "en"


@pos(3)
def t_git_remote():
    user = ch("jdev", "m-schulz", "anna-k", "deploybot", "tk88")
    tok = secret(ch("github", "github_fg", "gitlab"))
    hostn = "gitlab.com" if tok.startswith("glpat") else "github.com"
    if rng.random() < 0.5:
        t = R(
            "git clone https://<<u>>:<<t>>@<<h>>/<<u>>/shop-backend.git\n\nfatal: "
            "Authentication failed. The token was created today, what scopes does it need?",
            u=user,
            t=S("secret", tok),
            h=hostn,
        )
        return t, "en"
    t = R(
        "git remote -v\norigin  https://<<u>>:<<t>>@<<h>>/<<u>>/shop-backend.git (fetch)\n"
        "origin  https://<<u>>:<<t2>>@<<h>>/<<u>>/shop-backend.git (push)\n\n"
        "push fails with 403 since yesterday, how do I update the remote?",
        u=user,
        t=S("secret", tok),
        t2=S("secret", tok),
        h=hostn,
    )
    return t, "en"


@pos(4)
def t_docker_compose():
    pw = S("secret", password())
    extra = ""
    if rng.random() < 0.5:
        extra = Chunk("\n      PGADMIN_DEFAULT_PASSWORD: ") + S("secret", password())
    t = R(
        D("""
        version: "3.8"
        services:
          db:
            image: postgres:16
            environment:
              POSTGRES_USER: app
              POSTGRES_PASSWORD: <<pw>>
              POSTGRES_DB: app<<x>>
            ports:
              - "5432:5432"
        """)
        + "\n\n"
        + ch(
            "the web container can't connect to db, says password authentication failed",
            "how do I move the password into a secret?",
            "is the version line still needed?",
        ),
        pw=pw,
        x=extra,
    )
    return t, "en"


def _nginx(ipv: Chunk | str, when_s: str) -> Chunk:
    path = ch(
        "/",
        "/login",
        "/api/v1/cart",
        "/wp-login.php",
        "/static/app.js",
        "/checkout",
        "/account/settings",
        "/favicon.ico",
    )
    code = ch("200", "200", "200", "302", "404", "499", "502")
    ua = ch(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X)",
        "curl/8.5.0",
        "python-requests/2.31.0",
    )
    return (
        Chunk()
        + ipv
        + (f' - - [{when_s}] "GET {path} HTTP/1.1" {code} {rng.randint(0, 48000)} "-" "{ua}"')
    )


@pos(4)
def t_nginx_log():
    ips = [ip() for _ in range(rng.choice([1, 2, 2]))]
    lines = []
    base = dt.datetime(
        2025, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59)
    )
    for i in range(rng.randint(2, 4)):
        ts = (base + dt.timedelta(seconds=7 * i)).strftime("%d/%b/%Y:%H:%M:%S +0000")
        if i and rng.random() < 0.25:
            lines.append(_nginx(ch("10.0.3.17", "127.0.0.1", "192.168.1.20"), ts))
        else:
            lines.append(_nginx(S("ip", rng.choice(ips)), ts))
    q = ch(
        "Why are there so many 499s in my nginx log?\n\n",
        "What is this client doing?\n\n",
        "Write a fail2ban filter that matches these lines:\n\n",
        "",
    )
    return Chunk(q) + J(lines), "en"


@pos(2)
def t_auth_log():
    a = ip4()
    lines = []
    for i in range(rng.randint(2, 3)):
        u = ch("root", "admin", "ubuntu", "test", "oracle")
        lines.append(
            R(
                f"Mar {rng.randint(1, 28):2d} 03:{10 + i:02d}:{rng.randint(10, 59)} "
                f"vps-{rng.randint(100, 999)} sshd[{rng.randint(1000, 99999)}]: Failed "
                f"password for invalid user {u} from <<ip>> port {rng.randint(1025, 65000)}"
                " ssh2",
                ip=S("ip", a),
            )
        )
    return Chunk(
        ch(
            "Am I being hacked?? this is from /var/log/auth.log\n\n",
            "should I block this IP permanently?\n\n",
        )
    ) + J(lines), "en"


@pos(4)
def t_json_user():
    loc = any_loc()
    first, last, full = P(loc)
    fields = [
        Chunk(f'  "id": {rng.randint(1000, 999999)}'),
        R('  "name": "<<n>>"', n=S("person", full)),
        R('  "email": "<<e>>"', e=S("email", email(first, last, loc))),
    ]
    if rng.random() < 0.7:
        fields.append(R('  "phone": "<<p>>"', p=S("phone", phone(loc, style=ch("e164", "intl")))))
    if rng.random() < 0.55:
        fields.append(R('  "birthdate": "<<d>>"', d=S("date_of_birth", dob().isoformat())))
    fields.append(
        Chunk(
            f'  "created_at": "{DATES_2025().isoformat()}T'
            f'{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:12Z"'
        )
    )
    if rng.random() < 0.4:
        fields.append(R('  "last_login_ip": "<<i>>"', i=S("ip", ip())))
    fields.append(Chunk(f'  "plan": "{ch("free", "pro", "team")}"'))
    trailing = rng.random() < 0.4
    body = Chunk("{\n") + J(fields, ",\n") + (",\n}" if trailing else "\n}")
    q = ch(
        "why does JSON.parse fail on this?\n\n",
        "Write a TypeScript interface for this object:\n\n",
        "Convert to YAML:\n\n",
        "Generate a pydantic model from this:\n\n",
    )
    return Chunk(q) + body, loc


@pos(1)
def t_csv_crm():
    loc = any_loc()
    sep = ch(",", ";", "\t")
    rows = [Chunk(sep.join(["name", "email", "phone", "city", "signup"]))]
    for _ in range(rng.choice([2, 2, 3])):
        first, last, full = P(loc)
        city = fk(loc).city()
        rows.append(
            S("person", full)
            + sep
            + S("email", email(first, last, loc))
            + sep
            + S("phone", phone(loc))
            + f"{sep}{city}{sep}{DATES_2025().isoformat()}"
        )
    q = ch(
        "Excel opens this CSV with everything in one column. Fix?\n\n",
        "Dedupe these contacts and tell me which columns need cleaning:\n\n",
        "Import this into a SQL table, give me the CREATE and INSERTs:\n\n",
    )
    return Chunk(q) + J(rows), loc


LETTER = {
    "en": (
        "Please check this letter before I send it:\n\n",
        "<<who>>\n<<addr>>\n\n<<date>>\n\n"
        "Dear Sir or Madam,\n\nI am writing to cancel my gym membership with effect from the "
        "end of this month. Please confirm the cancellation in writing to the address above."
        "\n\nYours faithfully,\n<<name>>",
    ),
    "de": (
        "Kannst du diesen Brief prüfen?\n\n",
        "<<who>>\n<<addr>>\n\n<<date>>\n\n"
        "Kündigung meines Mitgliedsvertrags\n\nSehr geehrte Damen und Herren,\n\nhiermit "
        "kündige ich meinen Vertrag fristgerecht zum nächstmöglichen Zeitpunkt. Bitte "
        "bestätigen Sie mir die Kündigung schriftlich.\n\nMit freundlichen Grüßen\n<<name>>",
    ),
    "fr": (
        "Peux-tu relire cette lettre ?\n\n",
        "<<who>>\n<<addr>>\n\nLe <<date>>\n\nObjet : "
        "résiliation de mon abonnement\n\nMadame, Monsieur,\n\nPar la présente, je vous "
        "informe de ma décision de résilier mon abonnement. Je vous remercie de m'adresser "
        "une confirmation écrite.\n\nVeuillez agréer mes salutations distinguées.\n<<name>>",
    ),
    "es": (
        "¿Puedes revisar esta carta?\n\n",
        "<<who>>\n<<addr>>\n\n<<date>>\n\nAsunto: baja "
        "del contrato\n\nEstimados señores:\n\nPor la presente solicito la baja de mi "
        "contrato a final de mes. Les ruego me envíen confirmación por escrito.\n\n"
        "Atentamente,\n<<name>>",
    ),
    "it": (
        "Puoi controllare questa lettera?\n\n",
        "<<who>>\n<<addr>>\n\n<<date>>\n\nOggetto: "
        "disdetta contratto\n\nGentili Signori,\ncon la presente comunico la disdetta del "
        "mio contratto. Vi prego di inviarmi conferma scritta.\n\nDistinti saluti\n<<name>>",
    ),
    "nl": (
        "Wil je deze brief nakijken?\n\n",
        "<<who>>\n<<addr>>\n\n<<date>>\n\nBetreft: "
        "opzegging abonnement\n\nGeachte heer/mevrouw,\n\nHierbij zeg ik mijn abonnement op "
        "per het einde van deze maand. Graag ontvang ik een schriftelijke bevestiging.\n\n"
        "Met vriendelijke groet,\n<<name>>",
    ),
    "pt": (
        "Podes rever esta carta?\n\n",
        "<<who>>\n<<addr>>\n\n<<date>>\n\nAssunto: "
        "cancelamento do contrato\n\nExmos. Senhores,\n\nVenho por este meio solicitar o "
        "cancelamento do meu contrato no final do mês. Agradeço confirmação por escrito.\n\n"
        "Com os melhores cumprimentos,\n<<name>>",
    ),
    "pl": (
        "Sprawdzisz ten list?\n\n",
        "<<who>>\n<<addr>>\n\n<<date>>\n\nWypowiedzenie umowy"
        "\n\nSzanowni Państwo,\n\nniniejszym wypowiadam umowę z zachowaniem okresu "
        "wypowiedzenia. Proszę o pisemne potwierdzenie.\n\nZ poważaniem\n<<name>>",
    ),
    "cs": (
        "Zkontroluješ mi tento dopis?\n\n",
        "<<who>>\n<<addr>>\n\n<<date>>\n\nVýpověď "
        "smlouvy\n\nVážení,\n\ntímto vypovídám smlouvu ke konci měsíce. Prosím o písemné "
        "potvrzení.\n\nS pozdravem\n<<name>>",
    ),
}


@pos(5)
def t_letter():
    loc = loc_for(list(LETTER), 0.4)
    q, body = LETTER[loc[:2]]
    full = full_name(loc)
    t = R(body, who=S("person", full), addr=addr_lines(loc), date=when(loc), name=S("person", full))
    return Chunk(q) + t, loc


REFERRAL = {
    "en": "Referral\nPatient: <<n>>\nDOB: <<d>>\n<<idl>>Reason: persistent lower back pain "
    "for 6 weeks, no improvement with physio. Please assess for MRI.\n\nCan you turn "
    "these notes into a proper referral letter?",
    "de": "Überweisung an: Orthopädie\nPatient/in: <<n>>, geb. <<d>>\n<<idl>>Diagnose: "
    "Lumbalgie seit 6 Wochen, Physiotherapie ohne Besserung.\n\nBitte formuliere daraus "
    "einen kurzen Arztbrief.",
    "fr": "Lettre d'adressage\nPatient(e) : <<n>>, né(e) le <<d>>\n<<idl>>Motif : lombalgie "
    "depuis 6 semaines, pas d'amélioration après kiné.\n\nPeux-tu rédiger un courrier "
    "pour le confrère ?",
    "nl": "Verwijzing\nPatiënt: <<n>>\nGeboortedatum: <<d>>\n<<idl>>Reden: aanhoudende "
    "lage rugpijn sinds 6 weken.\n\nMaak hier een nette verwijsbrief van.",
    "it": "Impegnativa\nPaziente: <<n>>, nato/a il <<d>>\n<<idl>>Motivo: lombalgia da 6 "
    "settimane.\n\nPuoi scrivere una lettera per lo specialista?",
    "es": "Derivación\nPaciente: <<n>>\nFecha de nacimiento: <<d>>\n<<idl>>Motivo: lumbalgia "
    "de 6 semanas de evolución.\n\n¿Me redactas el informe de derivación?",
}
REF_ID = {
    "fr_FR": ("N° de sécurité sociale : ", "FR_nir"),
    "nl_NL": ("BSN: ", "NL_bsn"),
    "it_IT": ("Codice fiscale: ", "IT_cf"),
    "es_ES": ("DNI: ", "ES_dni"),
}


@pos(5)
def t_referral():
    loc = rng.choice(
        ["en_GB", "en_US", "en_AU", "de_DE", "de_AT", "fr_FR", "nl_NL", "it_IT", "es_ES", "en_IE"]
    )
    lang = loc[:2]
    gender = rng.choice("mf")
    born = dob(20, 90)
    idl = ""
    if loc in REF_ID and rng.random() < 0.7:
        label, code = REF_ID[loc]
        v, _ = id_number(code, born=born, female=gender == "f")
        idl = Chunk(label) + S("id_number", v) + "\n"
    t = R(
        REFERRAL[lang],
        n=S("person", full_name(loc, gender)),
        d=S("date_of_birth", dfmt(born, loc)),
        idl=idl,
    )
    return t, loc


ENROL = {
    "en": (
        "Child's name: <<c>>\nDate of birth: <<d>>\nParent/guardian: <<p>>\nContact "
        "number: <<ph>>\nEmail: <<e>>\nAllergies: none\n\nWrite a short welcome email to "
        "this family for the new term."
    ),
    "de": (
        "Name des Kindes: <<c>>\nGeburtsdatum: <<d>>\nErziehungsberechtigte/r: <<p>>\n"
        "Telefon: <<ph>>\nE-Mail: <<e>>\n\nSchreib bitte eine kurze Begrüßungsmail an die "
        "Familie für die Kita."
    ),
    "fr": (
        "Nom de l'enfant : <<c>>\nDate de naissance : <<d>>\nResponsable légal : <<p>>\n"
        "Téléphone : <<ph>>\nCourriel : <<e>>\n\nRédige un petit mot de bienvenue pour la "
        "rentrée."
    ),
    "es": (
        "Nombre del alumno: <<c>>\nFecha de nacimiento: <<d>>\nMadre/padre/tutor: <<p>>\n"
        "Teléfono: <<ph>>\nCorreo: <<e>>\n\nEscribe un correo de bienvenida para la familia."
    ),
}


@pos(2)
def t_school_enrolment():
    loc = loc_for(list(ENROL), 0.5)
    lang = loc[:2]
    pf, pl, pfull = P(loc)
    child = f"{given(loc)} {pl}"
    t = R(
        ENROL[lang],
        c=S("person", child),
        d=S("date_of_birth", dfmt(dob(3, 11), loc)),
        p=S("person", pfull),
        ph=S("phone", phone(loc)),
        e=S("email", email(pf, pl, loc)),
    )
    return t, loc


RENTAL = {
    "en": (
        "RENTAL APPLICATION\nApplicant: <<n>>\nDate of birth: <<d>>\n<<idlabel>>: <<id>>\n"
        "Current address: <<a>>\nPhone: <<ph>>\nEmployer: <<co>>\n\nThe landlord wants this "
        "as a PDF-friendly table. Can you format it?"
    ),
    "de": (
        "Mieterselbstauskunft\nName: <<n>>\nGeburtsdatum: <<d>>\n<<idlabel>>: <<id>>\n"
        "Derzeitige Anschrift: <<a>>\nTelefon: <<ph>>\nArbeitgeber: <<co>>\n\nIst das so "
        "vollständig oder fehlt etwas Wichtiges?"
    ),
    "nl": (
        "Huuraanvraag\nNaam: <<n>>\nGeboortedatum: <<d>>\n<<idlabel>>: <<id>>\nHuidig adres:"
        " <<a>>\nTelefoon: <<ph>>\nWerkgever: <<co>>\n\nMag een verhuurder al deze gegevens "
        "vragen?"
    ),
}


@pos(2)
def t_rental_application():
    loc = rng.choice(["en_US", "en_GB", "en_IE", "en_AU", "de_DE", "de_DE", "nl_NL", "nl_NL"])
    lang = loc[:2]
    born = dob(21, 70)
    code = rng.choice(ID_BY_LOC[loc])
    v, what = id_number(code, born=born)
    if loc == "en_US":
        label = ch("Driver's license no.", "SSN")
        v = ssn() if label == "SSN" else id_number("US_dl")[0]
        idc = S("ssn" if label == "SSN" else "id_number", v)
    else:
        label = {
            "GB_nino": "National Insurance no.",
            "GB_passport": "Passport no.",
            "GB_dl": "Driving licence no.",
            "IE_pps": "PPS number",
            "AU_tfn": "TFN",
            "AU_passport": "Passport no.",
            "DE_id": "Personalausweis-Nr.",
            "DE_passport": "Reisepass-Nr.",
            "DE_taxid": "Steuer-ID",
            "NL_bsn": "BSN",
            "NL_passport": "Paspoortnummer",
        }[code]
        idc = S("id_number", v)
    t = R(
        RENTAL[lang],
        n=S("person", full_name(loc)),
        d=S("date_of_birth", dfmt(born, loc)),
        idlabel=label,
        id=idc,
        a=S("address", addr1(loc)),
        ph=S("phone", phone(loc)),
        co=rng.choice(COMPANIES_EN),
    )
    return t, loc


@pos(9)
def t_passport_chat():
    loc = en_loc()
    code = {
        "en_US": "US_passport",
        "en_GB": "GB_passport",
        "en_AU": "AU_passport",
        "en_IN": "IN_passport",
    }.get(loc, "GB_passport")
    if loc in ("en_CA", "en_IE"):
        loc = "en_GB"
    v, _ = id_number(code)
    t = R(
        ch(
            "The ESTA form asks for my passport number. Mine is <<v>> - do I include the "
            "letter at the start?",
            "My passport no. is <<v>> and it expires in 5 months. Can I still travel to Thailand?",
            "Write an email to the airline: my booking has the wrong passport number, the "
            "correct one is <<v>>. Name on booking: <<n>>.",
            "Help me fill this visa form. Surname: <<last>>. Given names: <<first>>. "
            "Passport number: <<v>>. Date of birth: <<d>>.",
        ),
        v=S("id_number", v),
        n=S("person", full_name(loc)),
        last=S("person", fk(loc).last_name()),
        first=S("person", fk(loc).first_name()),
        d=S("date_of_birth", dfmt(dob(), loc)),
    )
    return t, loc


ID_LOCAL = {
    "DE_id": "Personalausweisnummer",
    "DE_passport": "Reisepassnummer",
    "DE_taxid": "Steuer-ID",
    "AT_svnr": "Sozialversicherungsnummer",
    "CH_ahv": "AHV-Nummer",
    "FR_nir": "numéro de sécurité sociale",
    "FR_passport": "numéro de passeport",
    "ES_dni": "DNI",
    "ES_nie": "NIE",
    "MX_curp": "CURP",
    "IT_cf": "il codice fiscale",
    "IT_ci": "il numero della carta d'identità",
    "NL_bsn": "BSN",
    "NL_passport": "paspoortnummer",
    "PT_nif": "NIF",
    "PT_cc": "número do Cartão de Cidadão",
    "BR_cpf": "CPF",
    "PL_pesel": "PESEL",
    "PL_dowod": "numer dowodu osobistego",
    "SE_pnr": "personnummer",
    "DK_cpr": "CPR-nummer",
    "CZ_rc": "rodné číslo",
    "FI_hetu": "henkilötunnus",
    "NO_fnr": "fødselsnummer",
    "TR_tc": "T.C. kimlik numaram",
}


def id_label(code: str, lang: str) -> str:
    if lang == "en":
        return EN_ID_LABEL[code]
    if code == "BE_nn":
        return "numéro de registre national" if lang == "fr" else "rijksregisternummer"
    if code == "CH_ahv" and lang == "fr":
        return "numéro AVS"
    return ID_LOCAL[code]


EN_ID_LABEL = {
    "US_passport": "passport number",
    "US_dl": "driver's license number",
    "GB_nino": "National Insurance number",
    "GB_passport": "passport number",
    "GB_dl": "driving licence number",
    "CA_sin": "SIN",
    "AU_tfn": "TFN",
    "AU_passport": "passport number",
    "IE_pps": "PPS number",
    "IN_aadhaar": "Aadhaar number",
    "IN_pan": "PAN",
    "IN_passport": "passport number",
}
ID_CHAT = {
    "en": [
        "My <<l>> is <<v>> and the online form keeps saying it's invalid. Am I typing it wrong?",
        "Write a short note to payroll: they have the wrong <<l>> on file for me. The correct "
        "one is <<v>>.",
        "is it safe to send my <<l>> (<<v>>) to a recruiter over whatsapp? they say they "
        "need it for the background check",
    ],
    "de": [
        "Ich fülle gerade den Antrag aus und dort wird nach meiner <<l>> gefragt. Ist "
        "<<v>> so richtig geschrieben oder ohne Leerzeichen?",
        "Meine <<l>> lautet <<v>>. Muss ich die dem neuen Arbeitgeber wirklich geben?",
    ],
    "fr": [
        "Le formulaire de la CAF me demande mon <<l>>. J'ai mis <<v>> mais il est refusé, "
        "il faut des espaces ?",
        "Mon <<l>> est le <<v>>. Je dois le donner à mon nouvel employeur ?",
    ],
    "es": [
        "Me piden mi <<l>> para la matrícula: <<v>>. ¿Lo pongo con la letra o sin ella?",
        "Mi <<l>> es <<v>>, ¿cómo pido cita previa para renovarlo?",
    ],
    "it": [
        "Per l'iscrizione in palestra mi chiedono <<l>> (<<v>>). È normale?",
        "Mi hanno chiesto <<l>> per la fattura: <<v>>. Dove lo trovo sulla tessera?",
    ],
    "nl": [
        "Voor de huurwoning vragen ze mijn <<l>>: <<v>>. Mag een verhuurder dat zomaar vragen?",
        "Mijn <<l>> is <<v>>, waar vul ik dat in bij de belastingaangifte?",
    ],
    "pt": [
        "Pediram-me o <<l>> para a fatura: <<v>>. Onde é que isso aparece no recibo?",
        "Meu <<l>> é <<v>>, como eu emito a segunda via do boleto?",
    ],
    "pl": ["W formularzu trzeba podać <<l>>. Mój to <<v>> - wpisać bez spacji?"],
    "sv": ["Mitt <<l>> är <<v>>, hur skriver jag det i blanketten från Försäkringskassan?"],
    "da": ["Mit <<l>> er <<v>>. Skal jeg skrive det med bindestreg i ansøgningen?"],
    "cs": ["Moje <<l>> je <<v>>. Píše se s lomítkem, nebo bez?"],
    "fi": ["Oma <<l>> on <<v>>. Miten se kirjoitetaan Kelan lomakkeeseen?"],
    "no": ["Mitt <<l>> er <<v>>. Hvor fyller jeg det inn i skjemaet fra NAV?"],
    "tr": ["<<l>> <<v>>. e-Devlet şifremi unuttum, nasıl yenilerim?"],
}


@pos(34)
def t_national_id_chat():
    loc = any_loc()
    if loc == "fr_BE":
        loc = "fr_FR"
    if loc == "nl_BE":
        loc = "nl_NL"
    lang = loc[:2]
    code = rng.choice(ID_BY_LOC[loc])
    v, _ = id_number(code)
    label = id_label(code, lang)
    t = R(rng.choice(ID_CHAT[lang]), l=label, v=S("id_number", v))
    return t, loc


@pos(4)
def t_cn_id():
    v, _ = id_number("CN_ric")
    full = ch("Wang Fang", "Li Wei", "Zhang Min", "Liu Yang", "Chen Jing", "Zhao Lei")
    t = R(
        ch(
            "My Chinese resident ID (居民身份证) number is <<v>>. The UK visa form only has 15 "
            "characters, what do I do?",
            "Translate my details for the school form: 姓名 <<n>>, 身份证号 <<v>>.",
        ),
        v=S("id_number", v),
        n=S("person", full),
    )
    return t, "zh_CN"


@pos(4)
def t_slack_secret():
    who = given("en_US")
    kind = ch("password", "aws_secret", "github", "slack", "stripe", "openai", "npm")
    what = {
        "password": "the staging db password",
        "aws_secret": "the AWS secret for the backup bucket",
        "github": "a PAT for the CI",
        "slack": "the bot token",
        "stripe": "the live stripe key",
        "openai": "our OpenAI key",
        "npm": "the npm publish token",
    }[kind]
    t = R(
        ch(
            "[10:42] <<who>>: @here <<what>> is <<s>> - please don't paste it anywhere public"
            "\n\nSummarise this channel for the standup",
            "[10:42] <<who>>: @here <<what>> is <<s>> - please don't paste it anywhere public"
            "\n[10:43] <<who2>>: thx\n\nSummarise this channel for the standup",
            '<<who>> wrote in #dev: "<<what>> rotated, new one: <<s>>"\n\nhow do i put this '
            "into github actions secrets?",
        ),
        who=S("person", who),
        who2=S("person", given("en_GB")),
        what=what,
        s=S("secret", secret(kind)),
    )
    return t, "en"


@pos(6)
def t_pem_key():
    t = R(
        ch(
            "ssh says 'invalid format' when I use this key, what's wrong with it?\n\n<<k>>",
            "<<k>>\n\nhow do I convert this to .ppk for PuTTY?",
            "Load this key in paramiko:\n\n<<k>>\n\nI get SSHException: not a valid RSA "
            "private key file",
        ),
        k=S("secret", secret("pem")),
    )
    return t, "en"


@pos(8)
def t_python_key():
    v = rng.randrange(4)
    if v == 0:
        t = R(
            'from openai import OpenAI\nclient = OpenAI(api_key="<<k>>")\nresp = '
            'client.chat.completions.create(model="gpt-4o", messages=msgs)\n\nwhy is resp.'
            "choices empty?",
            k=S("secret", secret("openai")),
        )
    elif v == 1:
        t = R(
            "import stripe\nstripe.api_key = '<<k>>'\n\nintent = stripe.PaymentIntent.create("
            "amount=1999, currency='eur')\n\nthis hangs forever on my server",
            k=S("secret", secret("stripe")),
        )
    elif v == 2:
        t = R(
            "conn = psycopg2.connect(host='db.internal', user='report', password='<<p>>', "
            "dbname='sales')\n\nConvert this to SQLAlchemy",
            p=S("secret", password()),
        )
    else:
        t = R(
            "s3 = boto3.client('s3', aws_access_key_id='<<a>>',\n    aws_secret_access_key="
            "'<<b>>')\n\nlist_objects returns AccessDenied, the keys work in the CLI",
            a=S("secret", secret("aws_key")),
            b=S("secret", secret("aws_secret")),
        )
    return t, "en"


@pos(2)
def t_yaml_smtp():
    f, la, full = P("en_GB")
    mail = email(f, la, "en_GB", True)
    t = R(
        D("""
        mail:
          host: smtp.<<dom>>
          port: 587
          username: <<u>>
          password: "<<p>>"
          from: "<<n>> <<<u2>>>"
        """)
        + "\n"
        + ch(
            "mails end up in spam, is the config right?",
            "yaml lint says line 5 is bad?",
            "how do I move the password into vault?",
        ),
        dom=ch("gmail.com", "office365.com", "mailgun.org", "sendgrid.net"),
        u=S("email", mail),
        p=S("secret", password()),
        n=S("person", full),
        u2=S("email", mail),
    )
    return t, "en"


@pos(8)
def t_db_url():
    user = ch("postgres", "app", "admin", "etl_user", "root")
    scheme, port = ch(
        ("postgresql", 5432),
        ("mysql", 3306),
        ("mongodb+srv", None),
        ("redis", 6379),
        ("amqp", 5672),
    )
    host = ch("db.bluepeak.io", "10.0.4.12", "localhost", "rds.kestrel-analytics.com")
    if scheme == "mongodb+srv":
        host = f"prod-cluster.{_r(string.ascii_lowercase + string.digits, 5)}.mongodb.net"
    hp = host + (f":{port}" if port else "")
    t = R(
        ch(
            "DATABASE_URL=<<s>>://<<u>>:<<p>>@<<h>>/app\n\nSQLAlchemy says 'could not "
            "parse rfc1738 URL', why?",
            "my connection string: <<s>>://<<u>>:<<p>>@<<h>>/prod - does the password need "
            "url-encoding?",
        ),
        s=scheme,
        u=user,
        p=S("secret", password(True)),
        h=hp,
    )
    return t, "en"


@pos(1)
def t_guest_list():
    loc = loc_for(["en", "de", "nl", "fr"], 0.5)
    head = {
        "en": "Name\tPhone\tMeal\tPlus one",
        "de": "Name\tTelefon\tEssen\tBegleitung",
        "nl": "Naam\tTelefoon\tMaaltijd\tIntroducé",
        "fr": "Nom\tTéléphone\tRepas\tAccompagnant",
    }
    meals = {
        "en": ["veggie", "fish", "beef", "vegan"],
        "de": ["vegetarisch", "Fisch", "Fleisch"],
        "nl": ["vega", "vis", "vlees"],
        "fr": ["végétarien", "poisson", "viande"],
    }
    yes = {"en": ["yes", "no"], "de": ["ja", "nein"], "nl": ["ja", "nee"], "fr": ["oui", "non"]}
    lang = loc[:2]
    rows = [Chunk(head[lang])]
    for _ in range(rng.choice([2, 3])):
        ph = S("phone", phone(loc)) if rng.random() < 0.7 else Chunk("")
        rows.append(
            S("person", full_name(loc))
            + "\t"
            + ph
            + "\t"
            + rng.choice(meals[lang])
            + "\t"
            + rng.choice(yes[lang])
        )
    q = {
        "en": "Sort this guest list by meal and count each one:\n\n",
        "de": "Sortier die Gästeliste nach Essen und zähl durch:\n\n",
        "nl": "Sorteer deze gastenlijst op maaltijd:\n\n",
        "fr": "Trie cette liste d'invités par repas :\n\n",
    }[lang]
    return Chunk(q) + J(rows), loc


@pos(2)
def t_invoice():
    loc = rng.choice(["de_DE", "nl_NL", "fr_FR", "en_GB", "es_ES", "it_IT"])
    lang = loc[:2]
    lab = {
        "de": ("Rechnung an", "Rechnungsnr.", "Bitte überweisen Sie den Betrag auf"),
        "nl": ("Factuur aan", "Factuurnr.", "Gelieve het bedrag over te maken naar"),
        "fr": ("Facturé à", "Facture n°", "Merci de régler par virement sur"),
        "en": ("Bill to", "Invoice no.", "Please pay by bank transfer to"),
        "es": ("Facturar a", "Factura n.º", "Por favor, transfiera el importe a"),
        "it": ("Fatturare a", "Fattura n.", "Si prega di effettuare il bonifico su"),
    }[lang]
    seller = full_name(loc)
    t = R(
        "<<l0>>:\n<<n>>\n<<a>>\n\n<<l1>> "
        + f"{rng.randint(2025, 2026)}-{rng.randint(1, 400):03d}"
        + "\n"
        + "Webdesign / Logo  "
        + money(loc)
        + "\n\n<<l2>> <<i>> (<<s>>).",
        l0=lab[0],
        l1=lab[1],
        l2=lab[2],
        n=S("person", full_name(loc)),
        a=addr_lines(loc),
        i=S("iban", iban(loc)),
        s=S("person", seller),
    )
    return Chunk(
        ch("Check this invoice for errors:\n\n", "Translate into English:\n\n", "")
    ) + t, loc


@pos(4)
def t_shipping_ticket():
    loc = any_loc()
    first, last, full = P(loc)
    t = R(
        ch(
            "Ticket #<<tk>>\nCustomer: <<n>>\nDeliver to: <<a>>\nPhone: <<p>>\nIssue: parcel "
            "marked delivered but not received. Courier photo shows a different door.\n\n"
            "Draft a reply to the customer.",
            "hi, my package never came. the address on the order is <<a>>, name <<n>>, you can "
            "reach me on <<p>>. order <<o>>",
            "Write a complaint to the courier. Recipient: <<n>>, <<a>>. Tel <<p>>. Tracking "
            "<<o>> shows 'delivered' but nothing arrived.",
        ),
        tk=str(rng.randint(10000, 99999)),
        n=S("person", full),
        a=S("address", addr1(loc)),
        p=S("phone", phone(loc)),
        o=order_no(),
    )
    return t, loc


FAMILY = {
    "en": [
        "Mum's new number is <<p>> - can you add it to the family contact sheet and draft "
        "a text telling everyone?",
        "<<n>> (my neighbour) asked me to keep an eye on the house, her number is <<p>>. "
        "Write a note I can stick on the fridge for the cat sitter.",
    ],
    "de": [
        "Oma hat eine neue Handynummer: <<p>>. Schreib bitte eine kurze Nachricht für die "
        "Familiengruppe."
    ],
    "fr": ["Le nouveau numéro de <<n>> est le <<p>>. Écris un message pour prévenir la famille."],
    "es": ["El número nuevo de <<n>> es <<p>>. Escribe un mensaje para el grupo familiar."],
    "it": ["Il nuovo numero di <<n>> è <<p>>, scrivi un messaggio per il gruppo di famiglia."],
    "nl": ["Het nieuwe nummer van <<n>> is <<p>>. Schrijf een berichtje voor de familie-app."],
    "pt": ["O novo número da <<n>> é <<p>>. Escreve uma mensagem para o grupo da família."],
    "tr": ["<<n>> yeni numarası <<p>>. Aile grubuna kısa bir mesaj yazar mısın?"],
}


FAMILY_REL = {
    "en": "My aunt",
    "de": "Tante Gabi",
    "fr": "ma tante",
    "es": "mi tía",
    "it": "mia zia",
    "nl": "tante",
    "pt": "tia",
    "tr": "Teyzemin",
}


@pos(10)
def t_family_phone():
    loc = loc_for(list(FAMILY), 0.45)
    n = S("person", full_name(loc, "f"))
    if loc[:2] != "en" and rng.random() < 0.4:
        n = FAMILY_REL[loc[:2]]
    t = R(rng.choice(FAMILY[loc[:2]]), p=S("phone", phone(loc, mobile=0.9)), n=n)
    return t, loc


CHILD = {
    "en": [
        "My daughter<<c>> was born on <<d>>. Which school year will she be in this September?",
        "our son<<c>> (born <<d>>) - how many months of parental leave are we still entitled to?",
    ],
    "de": [
        "Unser Sohn<<c>> ist am <<d>> geboren. Ab wann hat er Anspruch auf einen Kitaplatz?",
        "Meine Tochter<<c>>, geb. <<d>>, wann wird sie eingeschult?",
    ],
    "fr": ["Ma fille<<c>> est née le <<d>>. À quel âge peut-elle entrer en maternelle ?"],
    "es": ["Mi hijo<<c>> nació el <<d>>. ¿Qué curso le toca en septiembre?"],
    "it": ["Mia figlia<<c>> è nata il <<d>>: in che anno inizia la primaria?"],
    "nl": ["Onze zoon<<c>> is geboren op <<d>>. Wanneer moet hij naar groep 1?"],
    "pt": ["O meu filho<<c>> nasceu a <<d>>. Quando pode entrar na creche?"],
    "pl": ["Mój syn<<c>> urodził się <<d>>. Od kiedy może iść do przedszkola?"],
    "sv": ["Vår dotter<<c>> föddes <<d>>. När börjar hon förskoleklass?"],
    "da": ["Vores søn<<c>> er født <<d>>. Hvornår skal han starte i skole?"],
    "fi": ["Tyttäremme<<c>> on syntynyt <<d>>. Milloin hän aloittaa esikoulun?"],
    "cs": ["Náš syn<<c>> se narodil <<d>>. Kdy může nastoupit do školky?"],
    "no": ["Sønnen vår<<c>> er født <<d>>. Når begynner han på skolen?"],
    "tr": ["Kızım<<c>> <<d>> doğumlu. Hangi yıl ilkokula başlar?"],
}


@pos(11)
def t_child_dob():
    loc = loc_for(list(CHILD), 0.4)
    lang = loc[:2]
    tpls = CHILD[lang]
    tpl = rng.choice(tpls)
    female = any(
        w in tpl
        for w in ("daughter", "Tochter", "fille", "figlia", "dotter", "Tyttäremme", "Kızım")
    )
    c = given(loc, "f" if female else "m")
    if rng.random() < 0.25:
        c = f"{c} {fk(loc).last_name()}"
    c = Chunk(" ") + S("person", c) if rng.random() < 0.55 else ""
    if not c and "Meine Tochter" in tpl:
        tpl = tpl.replace("<<c>>,", "<<c>>")
    t = R(tpl, c=c, d=S("date_of_birth", dfmt(dob(1, 6), loc)))
    return t, loc


MED = {
    "en": [
        "My father (born <<d>>) was just prescribed ramipril 5 mg. Is that a normal starting "
        "dose at his age?",
        "Patient DOB <<d>>, BMI 31, HbA1c 7.4%. Explain these numbers in plain English for "
        "the family.",
    ],
    "de": [
        "Meine Mutter, geboren am <<d>>, soll jetzt Marcumar nehmen. Worauf müssen wir beim "
        "Essen achten?"
    ],
    "fr": [
        "Mon père, né le <<d>>, doit se faire opérer de la cataracte. Est-ce risqué à son âge ?"
    ],
    "es": [
        "Mi madre nació el <<d>> y le han recetado metformina. ¿Qué efectos secundarios "
        "son normales?"
    ],
    "it": ["Mio padre, nato il <<d>>, deve fare la colonscopia. Come si prepara?"],
    "nl": ["Mijn moeder (geboren <<d>>) krijgt een nieuwe heup. Hoe lang duurt het herstel?"],
}


@pos(12)
def t_medical_dob():
    loc = loc_for(list(MED), 0.5)
    t = R(rng.choice(MED[loc[:2]]), d=S("date_of_birth", dfmt(dob(55, 92), loc)))
    return t, loc


@pos(3)
def t_hr_onboarding():
    loc = rng.choice(["en_US", "en_US", "en_GB", "de_DE", "nl_NL", "fr_FR", "es_ES", "it_IT"])
    first, last, full = P(loc)
    born = dob(20, 60)
    lines = [
        R("New starter: <<n>>", n=S("person", full)),
        R("DOB: <<d>>", d=S("date_of_birth", dfmt(born, loc, "num"))),
    ]
    if loc == "en_US":
        lines.append(R("SSN: <<s>>", s=S("ssn", ssn())))
    else:
        v, what = idn(loc, born=born, first=first, last=last)
        lines.append(R(f"{what}: <<v>>", v=S("id_number", v)))
    if loc != "en_US":
        lines.append(R("Bank (IBAN): <<i>>", i=S("iban", iban(loc))))
    lines.append(R("Personal email: <<e>>", e=S("email", email(first, last, loc))))
    lines.append(f"Start date: {when(loc)}")
    q = ch(
        "Write a welcome email to this new hire and list what's still missing for payroll:\n\n",
        "Put this into our onboarding checklist format:\n\n",
    )
    return Chunk(q) + J(lines), loc


@pos(5)
def t_wifi_password():
    loc = loc_for(["en", "de", "fr", "es", "nl"], 0.5)
    ssid = ch(
        "FRITZ!Box 7590 XY",
        "Vodafone-2.4G",
        "BTHub6-7QX2",
        "Livebox-4A2C",
        "MOVISTAR_8E1F",
        "Ziggo58241",
    )
    tpl = {
        "en": "Make a nice printable card for our guest room: WiFi network <<ss>>, password <<p>>",
        "de": "Mach mir ein hübsches Schild fürs Gästezimmer: WLAN <<ss>>, Passwort <<p>>",
        "fr": "Fais une jolie affiche pour les invités : Wi-Fi <<ss>>, mot de passe <<p>>",
        "es": "Hazme un cartel para los invitados: red <<ss>>, contraseña <<p>>",
        "nl": "Maak een kaartje voor de logeerkamer: wifi <<ss>>, wachtwoord <<p>>",
    }[loc[:2]]
    return R(tpl, ss=ssid, p=S("secret", password())), loc


@pos(3)
def t_aws_credentials():
    t = R(
        "~/.aws/credentials:\n\n[default]\naws_access_key_id = <<a>>\naws_secret_access_key "
        "= <<b>>\nregion = eu-central-1\n\n"
        + ch("aws s3 ls says InvalidAccessKeyId, why?", "how do I add a second profile?"),
        a=S("secret", secret("aws_key")),
        b=S("secret", secret("aws_secret")),
    )
    return t, "en"


@pos(5)
def t_jwt_debug():
    t = R(
        ch(
            "decode this JWT and tell me when it expires: <<j>>",
            "Authorization: Bearer <<j>>\n\nthe API says token expired but I just logged in",
        ),
        j=S("secret", secret("jwt")),
    )
    return t, "en"


@pos(8)
def t_whitelist_ip():
    v = rng.randrange(3)
    a = S("ip", ip())
    if v == 0:
        t = R(
            "How do I allow only my home IP (<<a>>) to SSH into my EC2 instance? Security "
            "group currently has 0.0.0.0/0.",
            a=a,
        )
    elif v == 1:
        t = R(
            "Write the ufw rules: allow 443 from everywhere, allow 22 only from <<a>>, deny "
            "the rest.",
            a=a,
        )
    else:
        t = R(
            "Our office IP changed to <<a>>, update this nginx block:\n\nlocation /admin {\n"
            "    allow 10.0.0.0/8;\n    deny all;\n}",
            a=a,
        )
    return t, "en"


@pos(2)
def t_forwarded_headers():
    loc = any_loc()
    f1, l1, n1 = P(loc)
    f2, l2, n2 = P(loc)
    subj, body = ch(
        ("Re: contract draft", "Could you take a look at the attached before Friday? Thanks."),
        ("Invoice question", "See below - can we talk tomorrow?"),
        ("Fwd: viewing on Saturday", "Is 11am still OK for you?"),
    )
    if loc[:2] == "de":
        subj, body = "Wg: Angebot", "Anbei das Angebot, bitte kurz prüfen."
    elif loc[:2] == "fr":
        subj, body = "TR: devis", "Ci-joint le devis, merci de confirmer."
    t = R(
        "---------- Forwarded message ---------\nFrom: <<n1>> <<<e1>>>\nDate: <<d>>\n"
        "Subject: "
        + subj
        + "\nTo: <<n2>> <<<e2>>>\n\n"
        + body
        + "\n\n"
        + ch("Summarise the thread", "Who is waiting on whom here?", "Draft my reply"),
        n1=S("person", n1),
        e1=S("email", email(f1, l1, loc, rng.random() < 0.5)),
        n2=S("person", n2),
        e2=S("email", email(f2, l2, loc, rng.random() < 0.5)),
        d=when(loc),
    )
    return t, loc


SEPA = {
    "de": (
        "SEPA-Lastschriftmandat\nKontoinhaber: <<n>>\nAnschrift: <<a>>\nIBAN: <<i>>\n"
        "BIC: <<b>>\nOrt, Datum: <<c>>, <<d>>\n\nIst das Formular so korrekt ausgefüllt?"
    ),
    "nl": (
        "Machtiging SEPA\nNaam rekeninghouder: <<n>>\nAdres: <<a>>\nIBAN: <<i>>\nBIC: <<b>>\n"
        "Datum: <<d>>\n\nKlopt dit zo?"
    ),
    "fr": (
        "Mandat de prélèvement SEPA\nTitulaire du compte : <<n>>\nAdresse : <<a>>\nIBAN : "
        "<<i>>\nBIC : <<b>>\nFait à <<c>>, le <<d>>\n\nC'est bien rempli ?"
    ),
}


@pos(2)
def t_sepa_mandate():
    loc = rng.choice(["de_DE", "de_AT", "nl_NL", "fr_FR", "de_DE"])
    a = address(loc)
    city = a[-1].split(" ", 1)[1]
    t = R(
        SEPA[loc[:2]],
        n=S("person", full_name(loc)),
        a=S("address", ", ".join(a)),
        i=S("iban", iban(loc)),
        b=bic(),
        c=city,
        d=when(loc),
    )
    return t, loc


@pos(3)
def t_signin_alert():
    loc = en_loc()
    f, la, full = P(loc)
    t = R(
        "Hi <<g>>,\n\nWe noticed a new sign-in to your account <<e>>.\n\nDevice: "
        + ch("Chrome on Windows", "Safari on iPhone", "Firefox on Linux")
        + "\nLocation: "
        + ch("Lagos, Nigeria", "Frankfurt, Germany", "São Paulo, Brazil", "Jakarta, Indonesia")
        + "\nIP address: <<ip>>\nTime: "
        + when(loc)
        + "\n\nIf this wasn't you, reset your "
        "password.\n\n"
        + ch("Is this email legit or phishing?", "I didn't do this. What should I do first?"),
        g=S("person", f),
        e=S("email", email(f, la, loc)),
        ip=S("ip", ip()),
    )
    return t, loc


@pos(2)
def t_bank_verification():
    loc = "en_US"
    first, last, full = P(loc)
    t = R(
        "The bank's fraud team called and asked me to confirm: full name <<n>>, date of birth "
        "<<d>>, SSN <<s>>, and the phone number on file <<p>>. I gave it to them. Was that a "
        "scam? They called from a number that looked like the bank.",
        n=S("person", full),
        d=S("date_of_birth", dfmt(dob(), loc)),
        s=S("ssn", ssn()),
        p=S("phone", phone(loc)),
    )
    return t, loc


@pos(3)
def t_password_reset_ticket():
    loc = en_loc()
    f, la, full = P(loc)
    t = R(
        ch(
            "Ticket from <<n>>: \"I can't log in. My login is <<e>> and I set the password to "
            '<<p>> yesterday but it says wrong password."\n\nWrite a reply explaining we '
            "never need their password.",
            "login: <<e>>\npass: <<p>>\n\nmy husband <<n>> made this account for the school "
            "portal, can you tell me how to change the password?",
        ),
        n=S("person", full),
        e=S("email", email(f, la, loc)),
        p=S("secret", password()),
    )
    return t, loc


@pos(2)
def t_kubectl_secret():
    t = R(
        "kubectl create secret generic api-secrets \\\n  --from-literal=DB_PASSWORD=<<p>> \\\n"
        "  --from-literal=API_TOKEN=<<k>>\n\nhow do I turn this into a yaml manifest?",
        p=S("secret", password(True)),
        k=S("secret", secret(ch("hex64", "github", "npm"))),
    )
    return t, "en"


@pos(4)
def t_npmrc():
    t = R(
        ch(
            "//registry.npmjs.org/:_authToken=<<k>>\n\nnpm publish still says E401, this is my "
            ".npmrc",
            "[global]\nindex-url = https://ci:<<k>>@pypi.kestrel-analytics.com/simple\n\npip "
            "can't find my private package",
        ),
        k=S("secret", secret(ch("npm", "hex64"))),
    )
    return t, "en"


VOICEMAIL = {
    "en": 'Voicemail transcript: "Hi, this is <<n>> calling about the quote for the kitchen. '
    'Could you call me back on <<p>>? Any time after five is fine. Thanks."\n\n'
    "Turn this into a to-do for me.",
    "de": 'Transkript Mailbox: "Hallo, hier ist <<n>> wegen des Angebots für die Küche. Rufen '
    'Sie mich bitte unter <<p>> zurück. Danke!"\n\nMach mir daraus eine Aufgabe.',
    "fr": "Transcription du répondeur : « Bonjour, c'est <<n>> pour le devis de la cuisine. "
    "Rappelez-moi au <<p>>, merci. »\n\nFais-en une tâche.",
    "es": 'Transcripción del buzón: "Hola, soy <<n>>, llamo por el presupuesto de la cocina. '
    'Llámame al <<p>>, gracias."\n\nConviértelo en una tarea.',
}


@pos(4)
def t_voicemail():
    loc = loc_for(list(VOICEMAIL), 0.55)
    t = R(VOICEMAIL[loc[:2]], n=S("person", full_name(loc)), p=S("phone", phone(loc)))
    return t, loc


FLAT = {
    "de": "Sehr geehrte Damen und Herren,\n\nich interessiere mich für die Wohnung in der "
    "Anzeige. Ich bin Nichtraucherin, arbeite Vollzeit und wohne derzeit in der <<a>>. "
    "Erreichbar bin ich unter <<p>>.\n\nMit freundlichen Grüßen\n<<n>>",
    "nl": "Beste verhuurder,\n\nIk ben geïnteresseerd in het appartement. Ik woon nu op <<a>> en "
    "ben bereikbaar op <<p>>.\n\nGroet,\n<<n>>",
    "fr": "Bonjour,\n\nL'appartement m'intéresse beaucoup. J'habite actuellement au <<a>> et je "
    "suis joignable au <<p>>.\n\nCordialement,\n<<n>>",
    "en": "Hello,\n\nI'm interested in the flat you listed. I currently live at <<a>> and can be "
    "reached on <<p>>. I can view any evening this week.\n\nThanks,\n<<n>>",
    "it": "Buongiorno,\n\nsono interessata all'appartamento. Attualmente abito in <<a>> e sono "
    "raggiungibile al <<p>>.\n\nCordiali saluti,\n<<n>>",
}


@pos(3)
def t_flat_inquiry():
    loc = loc_for(list(FLAT), 0.3)
    t = R(
        FLAT[loc[:2]],
        a=S("address", addr1(loc)),
        p=S("phone", phone(loc)),
        n=S("person", full_name(loc, "f")),
    )
    return ask(loc[:2], t), loc


FORM_LABELS = {
    "en": ("Full name", "Date of birth", "Address", "Phone", "Email"),
    "de": ("Name", "Geburtsdatum", "Anschrift", "Telefon", "E-Mail"),
    "fr": ("Nom", "Date de naissance", "Adresse", "Téléphone", "Courriel"),
    "es": ("Nombre", "Fecha de nacimiento", "Domicilio", "Teléfono", "Correo electrónico"),
    "it": ("Nome e cognome", "Data di nascita", "Indirizzo", "Telefono", "Email"),
    "nl": ("Naam", "Geboortedatum", "Adres", "Telefoon", "E-mail"),
    "pt": ("Nome", "Data de nascimento", "Morada", "Telefone", "E-mail"),
    "pl": ("Imię i nazwisko", "Data urodzenia", "Adres", "Telefon", "E-mail"),
    "sv": ("Namn", "Födelsedatum", "Adress", "Telefon", "E-post"),
    "da": ("Navn", "Fødselsdato", "Adresse", "Telefon", "E-mail"),
    "cs": ("Jméno", "Datum narození", "Adresa", "Telefon", "E-mail"),
    "fi": ("Nimi", "Syntymäaika", "Osoite", "Puhelin", "Sähköposti"),
    "no": ("Navn", "Fødselsdato", "Adresse", "Telefon", "E-post"),
    "tr": ("Ad Soyad", "Doğum tarihi", "Adres", "Telefon", "E-posta"),
}
FORM_ASK = {
    "en": "Turn this into JSON:",
    "de": "Mach daraus bitte JSON:",
    "fr": "Transforme ça en JSON :",
    "es": "Pásalo a JSON:",
    "it": "Convertilo in JSON:",
    "nl": "Zet dit om naar JSON:",
    "pt": "Converte isto para JSON:",
    "pl": "Zamień to na JSON:",
    "sv": "Gör om till JSON:",
    "da": "Lav det om til JSON:",
    "cs": "Převeď to do JSON:",
    "fi": "Muunna JSONiksi:",
    "no": "Gjør om til JSON:",
    "tr": "Bunu JSON'a çevir:",
}


@pos(8)
def t_form_fields():
    loc = any_loc()
    if loc == "pt_BR":
        loc = "pt_PT"
    lang = loc[:2]
    lab = FORM_LABELS[lang]
    first, last, full = P(loc)
    born = dob()
    code = rng.choice(ID_BY_LOC[loc])
    v, what = id_number(code, first=first, last=last, born=born)
    lbl = id_label(code, lang)
    lbl = "T.C. Kimlik No" if code == "TR_tc" else re.sub(r"^il ", "", lbl)
    lbl = lbl[0].upper() + lbl[1:]
    items = [
        (lab[1], S("date_of_birth", dfmt(born, loc))),
        (lbl, S("id_number", v)),
        (lab[2], S("address", addr1(loc))),
        (lab[3], S("phone", phone(loc))),
        (lab[4], S("email", email(first, last, loc))),
    ]
    picked = [items[i] for i in sorted(rng.sample(range(5), rng.randint(2, 3)))]
    sep = ch(": ", ": ", " - ", "\t")
    lines = [Chunk(lab[0] + sep) + S("person", full)]
    lines += [Chunk(k + sep) + val for k, val in picked]
    return Chunk(FORM_ASK[lang] + "\n\n") + J(lines), loc


@pos(8)
def t_server_ip_report():
    t = R(
        ch(
            "We get HTTP 403 from your API since this morning. Our server's outbound IP is "
            "<<a>>, can you check if it was blocked?",
            "My Minecraft server is at <<a>>:25565, friends can't join. Port forwarding is on. "
            "What else?",
            "Someone keeps logging into my Netflix from <<a>>. Can I find out who that is?",
        ),
        a=S("ip", ip()),
    )
    return t, "en"


@pos(2)
def t_appointment_reminder():
    loc = ch("en_US", "en_GB", "en_AU", "de_DE")
    clinic = rng.choice(["Redwood Dental Care", "Lumen Health Partners", "Praxis am Stadtpark"])
    role = ch("reception", "appointments", "info", "praxis")
    dom = ch("redwood-dental.com", "lumenhealth.org", "praxis-stadtpark.de")
    tpl = (
        "Reminder: <<n>> has an appointment at " + clinic + " on " + when(loc) + " at "
        f"{rng.randint(8, 17)}:{ch('00', '15', '30', '45')}. To reschedule call <<p>> or "
        "email <<e>>.\n\nAdd this to my calendar as an .ics"
    )
    if loc == "de_DE":
        tpl = (
            "Terminerinnerung: <<n>>, Ihr Termin in der "
            + clinic
            + " ist am "
            + when(loc)
            + ". Absagen bitte unter <<p>> oder per Mail an <<e>>.\n\nMach mir daraus einen "
            "Kalendereintrag."
        )
    t = R(
        tpl,
        n=S("person", full_name(loc)),
        p=S("phone", phone(loc, mobile=0.0)),
        e=S("email", f"{role}@{dom}"),
    )
    return t, loc


@pos(1)
def t_card_dispute_letter():
    loc = ch("en_US", "en_GB", "en_CA")
    full = full_name(loc)
    t = R(
        "<<n>>\n<<a>>\n\nRe: Disputed transaction on card <<c>>\n\nTo whom it may concern,\n\n"
        "I am disputing a charge of " + money(loc) + " dated " + when(loc) + " which I did not "
        "authorise.\n\nSincerely,\n<<n2>>\n\nIs this letter strong enough?",
        n=S("person", full),
        a=addr_lines(loc),
        c=S("card", card()),
        n2=S("person", full),
    )
    return t, loc


@pos(2)
def t_mx_br_form():
    loc = ch("es_MX", "pt_BR")
    first, last, full = P(loc)
    if loc == "es_MX":
        t = R(
            "Nombre: <<n>>\nCURP: <<v>>\nDomicilio: <<a>>\nCelular: <<p>>\n\n¿Me ayudas a "
            "llenar la solicitud del SAT con estos datos?",
            n=S("person", full),
            v=S("id_number", id_number("MX_curp")[0]),
            a=S("address", addr1(loc)),
            p=S("phone", phone(loc, mobile=1.0)),
        )
    else:
        t = R(
            "Nome: <<n>>\nCPF: <<v>>\nEndereço: <<a>>\nCelular: <<p>>\n\nMonta um contrato de "
            "aluguel simples com esses dados.",
            n=S("person", full),
            v=S("id_number", id_number("BR_cpf")[0]),
            a=S("address", addr1(loc)),
            p=S("phone", phone(loc, mobile=1.0)),
        )
    return t, loc


@pos(2)
def t_git_config():
    loc = any_loc()
    f, la, full = P(loc)
    t = R(
        "$ git log -1\ncommit "
        + hexs(40)
        + "\nAuthor: <<n>> <<<e>>>\nDate:   "
        + ch("Mon", "Tue", "Wed", "Thu", "Fri")
        + f" Mar {rng.randint(1, 28)} "
        f"{rng.randint(8, 22):02d}:{rng.randint(0, 59):02d}:11 2025 +0100\n\n    fix login "
        "redirect\n\nhow do I change the author of this commit? wrong email",
        n=S("person", full),
        e=S("email", email(f, la, loc)),
    )
    return t, loc


ADDR_CHAT = {
    "en": [
        "Is <<a>> in the catchment area for a good primary school? We're thinking of "
        "renting there.",
        "Format this address properly for a parcel label: <<a>>",
        "How long would a daily commute by bike be from <<a>> to the city centre?",
        "The council says my new address <<a>> isn't in their system yet. Who do I contact "
        "to register it?",
    ],
    "de": [
        "Wie komme ich von <<a>> am schnellsten zum Hauptbahnhof?",
        "Ich bin umgezogen, neue Adresse: <<a>>. Schreib mir eine kurze Mitteilung an die "
        "Krankenkasse.",
    ],
    "fr": [
        "J'ai déménagé au <<a>>. Rédige un courrier de changement d'adresse pour ma banque.",
        "Quel est le bureau de poste le plus proche de <<a>> ?",
    ],
    "es": ["Me he mudado a <<a>>. ¿Cómo cambio el domicilio fiscal en Hacienda?"],
    "it": ["Mi sono trasferita in <<a>>: come cambio la residenza all'anagrafe?"],
    "nl": ["Ik ben verhuisd naar <<a>>. Schrijf een adreswijziging voor de zorgverzekeraar."],
    "pt": ["Mudei-me para <<a>>. Como altero a morada no Portal das Finanças?"],
    "pl": ["Przeprowadziłem się na <<a>>. Jak zgłosić zmianę adresu w urzędzie skarbowym?"],
    "sv": ["Vi har flyttat till <<a>>. Hur gör jag flyttanmälan till Skatteverket?"],
    "da": ["Vi er flyttet til <<a>>. Skriv en kort besked til forsikringen om ny adresse."],
    "cs": ["Přestěhovala jsem se na adresu <<a>>. Jak nahlásím změnu pojišťovně?"],
    "fi": ["Muutimme osoitteeseen <<a>>. Miten teen muuttoilmoituksen?"],
    "no": ["Vi har flyttet til <<a>>. Hvordan melder jeg flytting til Folkeregisteret?"],
    "tr": ["Yeni adresim <<a>>. Kargo şirketine adres değişikliği için ne yazmalıyım?"],
}


@pos(26)
def t_address_chat():
    loc = any_loc()
    if loc == "pt_BR" and rng.random() < 0.5:
        loc = "pt_PT"
    return R(rng.choice(ADDR_CHAT[loc[:2]]), a=S("address", addr1(loc))), loc


EMAIL_CHAT = {
    "en": [
        "Every mail I send to <<e>> bounces with '550 5.1.1 user unknown'. Is the address wrong?",
        "Write an out-of-office: I'm away until Monday, urgent things go to <<e>>.",
        "the signup form says <<e>> is not a valid email. it is, what's going on?",
        "Can you check if <<e>> looks like a phishing sender? It claims to be my landlord.",
    ],
    "de": ["Meine neue Mailadresse ist <<e>>. Schreib eine kurze Info an meine Kontakte."],
    "fr": ["Ma nouvelle adresse mail est <<e>>, rédige un petit message pour mes contacts."],
    "es": ["Los correos a <<e>> vuelven con error 552. ¿Buzón lleno?"],
    "it": ["Scrivi una risposta automatica: sono in ferie, per urgenze scrivere a <<e>>."],
    "nl": ["Mijn nieuwe e-mailadres is <<e>>. Maak een kort bericht voor mijn contacten."],
    "pt": ["O meu novo e-mail é <<e>>. Escreve uma mensagem curta para os meus contactos."],
}


@pos(20)
def t_email_chat():
    loc = loc_for(list(EMAIL_CHAT), 0.6)
    f, la, _ = P(loc)
    return R(
        rng.choice(EMAIL_CHAT[loc[:2]]), e=S("email", email(f, la, loc, rng.random() < 0.3))
    ), loc


PHONE_CHAT = {
    "en": [
        "Who keeps calling me from <<p>>? Every day at 9am, no voicemail.",
        "How do I dial <<p>> from abroad? I'll be in Spain next week.",
        "Write a text to my landlord saying the boiler is broken again, and that he can "
        "reach me on <<p>> after 6.",
        "is <<p>> a mobile or a landline? need to know if I can send an SMS",
    ],
    "de": [
        "Wer ruft mich ständig von <<p>> an? Ist das eine bekannte Spam-Nummer?",
        "Schreib eine SMS an den Vermieter: Heizung kaputt, bitte unter <<p>> melden.",
    ],
    "fr": ["Qui m'appelle tous les jours depuis le <<p>> ? C'est du démarchage ?"],
    "es": ["¿Cómo marco <<p>> desde el extranjero?"],
    "it": ["Mi chiamano spesso dal <<p>>, è un call center?"],
    "nl": ["Wie belt mij steeds vanaf <<p>>? Is dat een bekend spamnummer?"],
    "pl": ["Kto dzwoni do mnie z numeru <<p>>? Codziennie rano."],
    "pt": ["Quem me liga do <<p>> todos os dias?"],
}


@pos(20)
def t_phone_chat():
    loc = loc_for(list(PHONE_CHAT), 0.5)
    return R(rng.choice(PHONE_CHAT[loc[:2]]), p=S("phone", phone(loc))), loc


DOB_CHAT = {
    "en": [
        "I was born on <<d>>. When can I start drawing my state pension?",
        "born <<d>> - am I old enough to rent a car in the US without the young driver fee?",
        "My date of birth is <<d>>. What's my exact age in days today?",
    ],
    "de": ["Ich bin am <<d>> geboren. Ab wann kann ich abschlagsfrei in Rente gehen?"],
    "fr": ["Je suis né le <<d>>. À quel âge puis-je partir à la retraite ?"],
    "es": ["Nací el <<d>>. ¿Cuándo me puedo jubilar?"],
    "it": ["Sono nata il <<d>>: quando potrò andare in pensione?"],
    "nl": ["Ik ben geboren op <<d>>. Wanneer krijg ik AOW?"],
    "pl": ["Urodziłam się <<d>>. Kiedy mogę przejść na emeryturę?"],
}


@pos(16)
def t_dob_chat():
    loc = loc_for(list(DOB_CHAT), 0.5)
    return R(rng.choice(DOB_CHAT[loc[:2]]), d=S("date_of_birth", dfmt(dob(30, 66), loc))), loc


@pos(8)
def t_leaked_key():
    kind = ch(
        "aws_key",
        "github",
        "stripe",
        "openai",
        "google",
        "slack",
        "sendgrid",
        "hf",
        "anthropic",
        "gitlab",
    )
    t = R(
        ch(
            "I accidentally pushed <<k>> to a public GitHub repo 10 minutes ago. I deleted the "
            "commit. Am I safe or do I still need to rotate it?",
            "GitGuardian emailed me about <<k>> in commit " + hexs(7) + ". What do I do now?",
            "how do i remove <<k>> from my git history completely? it's in an old commit of "
            "config.js",
        ),
        k=S("secret", secret(kind)),
    )
    return t, "en"


@pos(6)
def t_ip_lookup():
    t = R(
        ch(
            "The IP <<a>> left 40 spam comments on my blog overnight. How do I block it in "
            "WordPress without a plugin?",
            "My ex keeps logging into my Instagram, the login activity shows <<a>>. Can the "
            "police do anything with that?",
            "Our game server got DDoSed, most traffic from <<a>>. Write an abuse report to the "
            "hosting provider.",
        ),
        a=S("ip", ip()),
    )
    return t, "en"


PW_STRENGTH = {
    "en": [
        "Is <<p>> a strong enough password for my bank account?",
        "I use <<p>> for everything, should I change it?",
    ],
    "de": ["Ist <<p>> ein sicheres Passwort für mein Onlinebanking?"],
    "fr": ["Est-ce que <<p>> est un mot de passe assez solide ?"],
    "es": ["¿Es <<p>> una contraseña segura para el correo?"],
    "nl": ["Is <<p>> een sterk genoeg wachtwoord voor DigiD?"],
    "it": ["<<p>> è una password abbastanza sicura per la PEC?"],
    "pt": ["<<p>> é uma palavra-passe segura para o homebanking?"],
}


@pos(8)
def t_password_strength():
    loc = loc_for(list(PW_STRENGTH), 0.4)
    return R(rng.choice(PW_STRENGTH[loc[:2]]), p=S("secret", password())), loc


# ---------------------------------------------------------------------------------------------
# Hard negatives.  Each returns (text, language, what).  No spans: nothing in them is personal
# data or a live secret under the rules above.
# ---------------------------------------------------------------------------------------------


def ver() -> str:
    return f"{rng.randint(0, 5)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}"


@neg(7)
def n_versions():
    pkg = ch(
        "numpy",
        "pandas",
        "django",
        "react",
        "torch",
        "kubernetes",
        "node",
        "openssl",
        "spring-boot",
        "terraform",
    )
    a, b = ver(), ver()
    t = ch(
        f"After upgrading {pkg} from {a} to {b} my build fails with 'module not found'. Do "
        f"I need to pin {a.rsplit('.', 1)[0]}.x?",
        f"Changelog for v{b}-rc.{rng.randint(1, 4)}: fixed regression introduced in {a}; "
        f"minimum supported version is now {ver()}. Summarise for the release notes.",
        f"Nach dem Update von {pkg} {a} auf {b} startet der Container nicht mehr. Was hat "
        "sich geändert?",
        f"requirements.txt:\n{pkg}=={a}\nrequests>={ver()}\nurllib3<{rng.randint(1, 3)}\n\n"
        "pip says the versions conflict",
    )
    return t, "de" if "Nach" in t else "en", "version numbers"


@neg(6)
def n_order_numbers():
    o = order_no()
    trk = ch(f"1Z{_r(ALNUM_UP, 6)}{_d(10)}", f"JJD{_d(18)}", _d(12), f"LX{_d(9)}DE")
    t = ch(
        f"My order {o} still shows 'processing' after 9 days. Tracking {trk} hasn't "
        "updated either. Write a polite chaser to the shop.",
        f"Meine Bestellung {o} ist nicht angekommen, Sendungsnummer {trk}. Wie formuliere "
        "ich eine Reklamation?",
        f"Mi pedido {o} llegó incompleto. Número de seguimiento {trk}. ¿Cómo reclamo?",
        f"Invoice INV-{rng.randint(2024, 2026)}-{_d(5)} for order {o}: VAT is wrong (19% "
        "instead of 7%). Draft an email to accounts.",
    )
    lang = "de" if "Meine" in t else "es" if "pedido" in t else "en"
    return t, lang, "order and tracking numbers"


@neg(6)
def n_hashes():
    t = ch(
        f"git bisect says the first bad commit is {hexs(40)}. How do I revert only that one?",
        f"sha256sum says {hexs(64)}  ubuntu-24.04-desktop-amd64.iso but the website shows a "
        "different checksum. Is my download corrupt?",
        f"docker pull works but the digest is sha256:{hexs(64)} instead of the one in our "
        "lockfile. Should I worry?",
        f'"integrity": "sha512-{_r(B64, 86)}=="\n\nwhat is this field in package-lock.json?',
        f"md5 of the file is {hexs(32)}, is md5 still ok for checking uploads?",
    )
    return t, "en", "hashes and digests"


@neg(6)
def n_uuids():
    lines = [
        f"2025-0{rng.randint(1, 9)}-{rng.randint(10, 28)}T{rng.randint(10, 23)}:"
        f"{rng.randint(10, 59)}:{rng.randint(10, 59)}.{_d(3)}Z "
        f"{ch('INFO', 'WARN', 'ERROR')} request_id={uuid4()} "
        f"route={ch('/api/cart', '/api/login', '/healthz')} status={ch('200', '500', '503')}"
        f" duration_ms={rng.randint(3, 4000)}"
        for _ in range(rng.randint(2, 4))
    ]
    return (
        "Why are some requests taking 4 seconds?\n\n" + "\n".join(lines),
        "en",
        "UUIDs and request logs",
    )


@neg(5)
def n_coordinates():
    places = [
        ("Eiffel Tower", "48.8584, 2.2945"),
        ("Brandenburger Tor", "52.5163, 13.3777"),
        ("Sagrada Família", "41.4036, 2.1744"),
        ("Colosseo", "41.8902, 12.4922"),
        ("Rijksmuseum", "52.3600, 4.8852"),
        ("Sydney Opera House", "-33.8568, 151.2153"),
        ("Golden Gate Bridge", "37.8199, -122.4783"),
    ]
    p, c = rng.choice(places)
    t = ch(
        f"How far is {p} ({c}) from the city centre on foot?",
        f"Plot these points on a map: {c}; {rng.uniform(-60, 60):.4f}, "
        f"{rng.uniform(-120, 120):.4f}",
        f"GPS-Koordinaten {c} – welche Sehenswürdigkeit ist das?",
    )
    return t, "de" if "Koordinaten" in t else "en", "coordinates"


FAMOUS = [
    ("Marie Curie", dt.date(1867, 11, 7)),
    ("Albert Einstein", dt.date(1879, 3, 14)),
    ("Ada Lovelace", dt.date(1815, 12, 10)),
    ("Wolfgang Amadeus Mozart", dt.date(1756, 1, 27)),
    ("Johann Wolfgang von Goethe", dt.date(1749, 8, 28)),
    ("Frida Kahlo", dt.date(1907, 7, 6)),
    ("Nelson Mandela", dt.date(1918, 7, 18)),
    ("Alan Turing", dt.date(1912, 6, 23)),
    ("Simone de Beauvoir", dt.date(1908, 1, 9)),
    ("Fernando Pessoa", dt.date(1888, 6, 13)),
    ("Astrid Lindgren", dt.date(1907, 11, 14)),
    ("Hans Christian Andersen", dt.date(1805, 4, 2)),
    ("Rosa Parks", dt.date(1913, 2, 4)),
    ("Vincent van Gogh", dt.date(1853, 3, 30)),
    ("Gabriel García Márquez", dt.date(1927, 3, 6)),
    ("Maria Montessori", dt.date(1870, 8, 31)),
    ("Franz Kafka", dt.date(1883, 7, 3)),
    ("Grace Hopper", dt.date(1906, 12, 9)),
]


@neg(10)
def n_public_figures_dob():
    name, born = rng.choice(FAMOUS)
    loc = rng.choice(["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_PT"])
    d = dfmt(born, loc, ch("long", "num"))
    t = {
        "en": f"{name} was born on {d}. Write a 200-word biography for a school poster.",
        "de": f"{name} wurde am {d} geboren. Schreib einen kurzen Steckbrief für ein Referat.",
        "fr": f"{name} est né(e) le {d}. Rédige une courte biographie pour un exposé.",
        "es": f"{name} nació el {d}. Escribe una breve biografía para clase.",
        "it": f"{name} è nato/a il {d}. Scrivi una breve biografia per la scuola.",
        "nl": f"{name} is geboren op {d}. Schrijf een korte biografie voor een spreekbeurt.",
        "pt": f"{name} nasceu a {d}. Escreve uma pequena biografia para a escola.",
    }[loc[:2]]
    return t, loc[:2], "public figure with birth date"


@neg(8)
def n_public_figures():
    t = ch(
        "Summarise Angela Merkel's position on the 2015 refugee crisis in three bullet points.",
        "What did Barack Obama say in his 2004 DNC keynote?",
        "Compare the leadership styles of Satya Nadella and Steve Ballmer.",
        "Quels sont les principaux romans de Victor Hugo ?",
        "¿Qué aportó Santiago Ramón y Cajal a la neurociencia?",
        "Chi era Giuseppe Garibaldi e perché è importante?",
        "Wat schreef Anne Frank in haar dagboek over hoop?",
        "Write a limerick about Isaac Newton and an apple.",
        "Was Winston Churchill really bad at maths at school?",
        "Explain Taylor Swift's re-recording dispute like I'm five.",
        "Quem foi Luís de Camões?",
        "Kim był Mikołaj Kopernik?",
        "Why did Elon Musk rename Twitter to X?",
        "Welche Rolle spielte Willy Brandt 1970?",
    )
    lang = (
        "fr"
        if "Quels" in t
        else "es"
        if "aportó" in t
        else "it"
        if "Chi era" in t
        else "nl"
        if "Wat schreef" in t
        else "pt"
        if "Quem" in t
        else "pl"
        if "Kim był" in t
        else "de"
        if "Welche" in t
        else "en"
    )
    return t, lang, "public figures"


@neg(8)
def n_placeholders():
    t = ch(
        'curl https://api.openai.com/v1/models -H "Authorization: Bearer $OPENAI_API_KEY"\n\n'
        "what does the $ do here?",
        "OPENAI_API_KEY=<YOUR_API_KEY>\nSTRIPE_SECRET_KEY=sk_live_...\nDATABASE_URL=postgres://"
        "user:password@localhost:5432/db\n\nIs this .env.example ok to commit?",
        'headers = {"Authorization": "Bearer YOUR_TOKEN_HERE"}\n\nwhy do I get 401?',
        "aws configure asks for AWS Access Key ID [None]: - where do I find mine in the console?",
        "api_key: ${API_KEY}\npassword: ${DB_PASSWORD:?required}\n\nDoes docker compose "
        "expand these in a config file?",
        "Replace <API_KEY> and <SECRET> in the README with instructions to use a secrets manager.",
        "GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}\n\nwhy is this token read-only in forks?",
        "password: ********\n\nthe settings page shows this, how do I reveal the saved one?",
        "token=xxxxxxxxxxxxxxxxxxxx in the docs - how long is a real one?",
        "Set SECRET_KEY = 'change-me' in settings.py for now, we'll rotate later. Is that "
        "OK for local dev?",
    )
    return t, "en", "placeholders and redacted secrets"


@neg(7)
def n_env_code():
    t = ch(
        'password = os.environ["PASSWORD"]\napi_key = os.getenv("API_KEY")\n\nHow do I fail '
        "fast if these are missing?",
        "const token = process.env.GITHUB_TOKEN;\nif (!token) throw new Error('no token');\n\n"
        "Convert to TypeScript with proper types.",
        "def login(username: str, password: str) -> bool:\n    return check_hash(password, "
        "db.get_hash(username))\n\nIs this vulnerable to timing attacks?",
        "DB_PASSWORD=$(vault kv get -field=password secret/app/db)\n\nhow do I do this in "
        "a Dockerfile without leaking it into a layer?",
        'String secret = System.getenv("JWT_SECRET");\nAlgorithm alg = Algorithm.'
        "HMAC256(secret);\n\nwhat length should the secret be?",
        "ALTER USER app WITH PASSWORD :'new_password';\n\nHow do I pass new_password from psql -v?",
        "if user.password == request.form['password']:\n    login_user(user)\n\nwhy is this bad?",
        "kubectl get secret api-secrets -o jsonpath='{.data.DB_PASSWORD}' | "
        "base64 -d\n\nis this the right way to read it?",
    )
    return t, "en", "code naming secret variables"


@neg(7)
def n_doc_emails():
    t = ch(
        "Write a regex that matches emails like user@example.com and first.last+tag@"
        "example.org but not user@localhost.",
        "In the docs, should I use alice@example.com or alice@example.test for sample addresses?",
        'git config --global user.email "you@example.com"\n\nwhat does this do exactly?',
        'Why does RFC 5322 allow "john..doe"@example.com in quotes?',
        "Beispiel: max.mustermann@example.de ist keine gültige Doku-Domain, oder? Welche "
        "Domains sind reserviert?",
        "mailto:someone@example.net?subject=Hello - how do I add a body?",
        "Validate: foo@bar@example.com, @example.com, test@example.invalid",
        "Does Outlook accept plus addressing like name+newsletter@example.com?",
    )
    return t, "de" if "Beispiel" in t else "en", "documentation email addresses"


@neg(5)
def n_isbn():
    def mk():
        b = "978" + rng.choice(["0", "1", "3", "2", "84", "88", "90"])
        b += _d(12 - len(b))
        return b + std_isbn.ean.calc_check_digit(b)

    v = std_isbn.format(_until(mk, std_isbn.is_valid))
    t = ch(
        f"Is ISBN {v} the hardcover or the paperback edition?",
        f"Cite this book in APA: ISBN {v}, 3rd edition, 2019.",
        f"Die ISBN {v} wird im Bibliothekskatalog nicht gefunden. Ist sie gültig?",
        f"Scan result: {v.replace('-', '')} - is that an EAN-13 barcode?",
    )
    return t, "de" if "Die ISBN" in t else "en", "ISBN"


@neg(8)
def n_event_dates():
    loc = rng.choice(["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL"])
    d1, d2 = when(loc), when(loc)
    t = {
        "en": ch(
            f"The contract starts on {d1} and the notice period is 3 months. When is the "
            "last day I can cancel?",
            f"Meeting moved from {d1} to {d2}. Draft a short note to the team.",
            f"Our warranty ends {d1}. The laptop broke on {d2}. Am I covered?",
        ),
        "de": f"Der Mietvertrag beginnt am {d1}, die Kündigungsfrist beträgt drei Monate. Bis "
        "wann muss ich kündigen?",
        "fr": f"La réunion est déplacée du {d1} au {d2}. Rédige un petit message.",
        "es": f"El plazo de presentación termina el {d1}. ¿Puedo pedir una prórroga?",
        "it": f"Il volo è stato spostato dal {d1} al {d2}: ho diritto a un rimborso?",
        "nl": f"De huur gaat in op {d1}. Wanneer moet ik uiterlijk opzeggen?",
        "pl": f"Termin płatności faktury to {d1}. Ile wynoszą odsetki za zwłokę?",
    }[loc[:2]]
    return t, loc[:2], "dates that are not birth dates"


@neg(7)
def n_private_ips():
    t = ch(
        "nginx listens on 127.0.0.1:8080 but I can't reach it from my phone on the LAN "
        f"(192.168.{rng.randint(0, 10)}.{rng.randint(2, 250)}). Why?",
        f"docker network uses 172.17.0.0/16 and my VPN uses 10.{rng.randint(0, 255)}.0.0/16. "
        "Will they clash?",
        "Set the Pi to a static IP 192.168.1.50, gateway 192.168.1.1, DNS 1.1.1.1 and "
        "8.8.8.8. What goes in dhcpcd.conf?",
        "In the docs we use 203.0.113.10 and 2001:db8::1 as example servers. Is that right?",
        "ping 8.8.8.8 works but ping google.com doesn't. DNS problem?",
        "My router admin page is at 192.168.0.1, the default login doesn't work.",
        "Is ::1 the same as 127.0.0.1?",
        "Allow 10.0.0.0/8 and 100.64.0.0/10 in the security group - what is 100.64 used for?",
    )
    return t, "en", "private, loopback and documentation IPs"


@neg(5)
def n_test_values():
    t = ch(
        "Stripe test mode: 4242 4242 4242 4242 works but 4000 0000 0000 0002 gets declined."
        " Is that expected?",
        "The IBAN in the docs, DE89 3704 0044 0532 0130 00, passes my validator. Is it a "
        "real account?",
        "Which test card triggers 3-D Secure in Stripe? I'm using 4000 0027 6000 3184.",
        "Our unit test uses 4111 1111 1111 1111 as a Visa. Does Luhn accept it?",
        "Why does every tutorial use GB82 WEST 1234 5698 7654 32 as the sample IBAN?",
        "Is 078-05-1120 really the most misused SSN in history? Tell me the story.",
    )
    return t, "en", "documented test and sample values"


@neg(7)
def n_masked():
    t = ch(
        f"My statement shows a charge from card ending in {_d(4)}, but I don't have that "
        "card. Could it be a virtual card?",
        f"Card: **** **** **** {_d(4)}  Exp: **/**\n\nWhy does the receipt hide the expiry?",
        f"IBAN: DE** **** **** **** **{_d(2)} {_d(2)} - how can the bank identify me with this?",
        f"SSN: ***-**-{_d(4)} appears on my credit report. Is that normal?",
        f"Zahlung mit Mastercard •••• {_d(4)} fehlgeschlagen. Was bedeutet Fehler 05?",
        "Email: j***@g****.com - the site says a reset link was sent there. Which account is this?",
        f"Phone: +44 7*** ***{_d(3)} - is this masking GDPR compliant?",
        "Log line: user=[REDACTED] ip=[REDACTED] action=login_failed. Good enough?",
    )
    return t, "de" if "Zahlung" in t else "en", "masked values"


@neg(5)
def n_placeholder_names():
    t = ch(
        'user = User(name="John Doe", email="john.doe@example.com")\n\nhow do I write a '
        "pytest fixture for this?",
        "Im Formularbeispiel steht Max Mustermann, Musterstraße 1, 12345 Musterstadt. Wie "
        "fülle ich das richtig aus?",
        "Why is Jane Doe used as a placeholder name in US courts?",
        "Erika Mustermann ist auf dem Muster-Personalausweis. Wer ist das?",
        "Template: Dear {{ customer.first_name }} {{ customer.last_name }}, your order "
        "{{ order.id }} has shipped.\n\nHow do I add a fallback if first_name is empty?",
        "Replace Lorem Ipsum and 'Firstname Lastname' in this HTML with proper placeholders.",
    )
    return t, "de" if "Muster" in t else "en", "placeholder names"


@neg(7)
def n_public_addresses():
    t = ch(
        "What are the opening hours of the Louvre, Rue de Rivoli, 75001 Paris?",
        "Is 10 Downing Street open to the public?",
        "How do I get from Berlin Hauptbahnhof to the Reichstag, Platz der Republik 1?",
        "Sherlock Holmes lived at 221B Baker Street. Does that address really exist?",
        "Harry Potter grew up at 4 Privet Drive, Little Whinging. Where was it filmed?",
        "Wie komme ich zum Rathaus Marienplatz 8 in München mit der U-Bahn?",
        "1600 Pennsylvania Avenue NW - how many rooms does the White House have?",
        "¿A qué hora abre el Museo del Prado, Calle de Ruiz de Alarcón 23, Madrid?",
        "What's the weather like in 80331 München in May?",
        "Is Rotterdam 3011 a good area for students?",
    )
    lang = "de" if "Wie komme" in t else "es" if "abre" in t else "en"
    return t, lang, "public and fictional addresses, postcodes alone"


@neg(6)
def n_schema_code():
    t = ch(
        "CREATE TABLE customers (\n  id SERIAL PRIMARY KEY,\n  full_name TEXT NOT NULL,\n  "
        "email TEXT UNIQUE,\n  ssn CHAR(11),\n  date_of_birth DATE\n);\n\nShould ssn be "
        "encrypted at rest?",
        "def is_valid_iban(iban: str) -> bool:\n    s = iban.replace(' ', '')\n    s = s[4:] + "
        "s[:4]\n    return int(''.join(str(int(c, 36)) for c in s)) % 97 == 1\n\nany edge "
        "cases?",
        "Write a regex for US phone numbers like (555) 555-5555 and 555.555.5555.",
        "interface Patient { name: string; dob: Date; nhsNumber: string }\n\nhow do I mark "
        "dob optional?",
        "What's the checksum algorithm behind the German Steuer-ID?",
        "The field 'card_number' should be masked in logs. Write a logback pattern.",
        "pattern = r'\\b\\d{3}-\\d{2}-\\d{4}\\b'  # SSN\n\nwill this match 123-45-67890?",
    )
    return t, "en", "schemas and validation code"


@neg(5)
def n_public_keys():
    t = ch(
        f"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI{_r(B64, 43)} deploy@ci\n\nwhere do I put "
        "this public key on the server?",
        f"-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA{_r(B64, 20)}\n"
        f"{_r(B64, 64)}\n-----END PUBLIC KEY-----\n\nhow do I verify a JWT signature with "
        "this in node?",
        f"The server's host key fingerprint is SHA256:{_r(B64, 43)}. Is it safe to accept?",
        f"-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE{_r(B64, 44)}\n{_r(B64, 64)}\n"
        "-----END CERTIFICATE-----\n\nopenssl says unable to get local issuer certificate",
    )
    return t, "en", "public keys and certificates"


@neg(5)
def n_stack_traces():
    t = ch(
        f"Segmentation fault at 0x{hexs(12)}\n#0  0x{hexs(12)} in memcpy () from "
        f"/lib/x86_64-linux-gnu/libc.so.6\n#1  0x{hexs(12)} in parse_header (buf=0x{hexs(12)})"
        " at src/http.c:214\n\nwhat's wrong?",
        'Traceback (most recent call last):\n  File "/app/main.py", line 88, in <module>\n'
        '    run()\n  File "/app/main.py", line 41, in run\n    total += row[3]\nTypeError: '
        "unsupported operand type(s) for +=: 'int' and 'str'",
        f"java.lang.OutOfMemoryError: Java heap space\n\tat java.util.Arrays.copyOf(Arrays."
        f"java:3332)\n\tpid={rng.randint(1000, 99999)} tid=0x{hexs(16)}",
    )
    return t, "en", "stack traces and memory addresses"


@neg(5)
def n_data_uris():
    t = ch(
        f'<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAA'
        f"{_r(B64, 24)}\">\n\nwhy doesn't this render in Outlook?",
        f"echo '{_r(B64, 40)}' | base64 -d | file -\n\nit says 'data', how do I find out "
        "what format it is?",
        f"font-face src: url(data:font/woff2;base64,d09GMgABAAAAA{_r(B64, 30)}) - is "
        "inlining fonts bad for performance?",
    )
    return t, "en", "base64 data that is not a secret"


def _ref16() -> str:
    """16 digits in groups of four that fail Luhn: a reference number, not a card."""
    v = _until(lambda: _d(16), lambda x: not luhn.is_valid(x))
    return " ".join(v[i : i + 4] for i in range(0, 16, 4))


@neg(5)
def n_numbers():
    t = ch(
        f"Reference number {_ref16()} - my tax office letter says to quote it. "
        "Where does it go on the form?",
        f"Part no. {_d(4)}-{_d(3)}-{_d(4)} for the dishwasher pump, where can I buy it in the EU?",
        f"The EAN on the box is {_d(13)}. Can I look up the product with that?",
        f"Serial number: {_r(ALNUM_UP, 12)}. How do I check if the warranty is still valid?",
        f"Mein Zählerstand ist {rng.randint(10000, 99999)},{_d(1)} kWh, Vorjahr "
        f"{rng.randint(10000, 99999)},{_d(1)}. Wie hoch ist mein Verbrauch?",
        f"What is {rng.randint(10**9, 10**10)} in hex?",
    )
    return t, "de" if "Zähler" in t else "en", "numbers that look like identifiers"


@neg(5)
def n_short_codes():
    t = ch(
        "In Germany, is 112 or 110 the number for an ambulance?",
        "What is 116 117 and when should I call it instead of going to A&E?",
        "My kid called 911 by accident. Will we get in trouble?",
        "Le 15 ou le 112 pour une urgence médicale en France ?",
        "¿El 061 sigue funcionando para urgencias en España?",
        "What does the USSD code *#06# show on a phone?",
    )
    lang = "fr" if "urgence" in t else "es" if "urgencias" in t else "en"
    return t, lang, "emergency and short codes"


@neg(6)
def n_password_howto():
    t = ch(
        "How do I reset my Windows password if I forgot it?",
        "What's a good password policy for a 20-person company? Length vs complexity?",
        "Is it safe to store passwords in Chrome or should I use Bitwarden?",
        "Wie ändere ich das WLAN-Passwort an einer FRITZ!Box?",
        "Comment changer le mot de passe de ma box Orange ?",
        "My API key got leaked on GitHub. What are the steps to rotate it?",
        "Explain how bcrypt salts passwords.",
        "¿Cada cuánto hay que cambiar las contraseñas según el INCIBE?",
        "Hoe stel ik tweestapsverificatie in voor DigiD?",
        "Why does ssh ask for a passphrase for my key but not a password?",
    )
    lang = (
        "de"
        if "Wie ändere" in t
        else "fr"
        if "Comment" in t
        else "es"
        if "Cada" in t
        else "nl"
        if "Hoe stel" in t
        else "en"
    )
    return t, lang, "talk about passwords without a value"


@neg(6)
def n_companies():
    a, b = rng.sample(COMPANIES_EN, 2)
    t = ch(
        f"Compare {a} and {b}: which would be a better employer for a junior analyst?",
        f"Write a LinkedIn post announcing the partnership between {a} and {b}.",
        f"{a} raised prices by 12% this year. Draft a customer FAQ explaining why.",
        f"Ist {a} ein seriöses Unternehmen? Ich habe ein Jobangebot bekommen.",
        f"Résume le rapport annuel de {a} en cinq points.",
    )
    lang = "de" if "seriöses" in t else "fr" if "Résume" in t else "en"
    return t, lang, "company names"


@neg(7)
def n_historical_dates():
    t = ch(
        "The Berlin Wall fell on 9 November 1989. What happened in the days before?",
        "Why is 14 July 1789 celebrated in France?",
        "El 23 de febrero de 1981 hubo un intento de golpe de Estado en España. Resúmelo.",
        "Il 2 giugno 1946 l'Italia votò per la Repubblica. Perché proprio quel giorno?",
        "Op 5 mei 1945 werd Nederland bevrijd. Schrijf een korte tekst voor de klas.",
        "Was passierte am 3. Oktober 1990 genau?",
        "The Apollo 11 landing was on July 20, 1969. How long did they stay on the Moon?",
        "Em 25 de abril de 1974 aconteceu a Revolução dos Cravos. Explica.",
    )
    lang = (
        "es"
        if "febrero" in t
        else "it"
        if "giugno" in t
        else "nl"
        if "mei" in t
        else "de"
        if "passierte" in t
        else "pt"
        if "abril" in t
        else "en"
    )
    return t, lang, "historical dates"


@neg(5)
def n_config_no_secret():
    t = ch(
        "server:\n  port: 8080\n  host: 0.0.0.0\nlogging:\n  level: info\ncache:\n  ttl: 3600"
        "\n  max_entries: 10000\n\nis there a way to reuse the ttl value with anchors?",
        "[mysqld]\nbind-address = 127.0.0.1\nmax_connections = 200\ninnodb_buffer_pool_size = "
        "2G\n\nis 2G too much for a 4 GB VM?",
        "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r "
        'requirements.txt\nCMD ["gunicorn", "app:app", "-b", "0.0.0.0:8000"]\n\nmake '
        "this image smaller",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n"
        "\nhow do I add a readiness probe?",
        '[core]\n\trepositorycformatversion = 0\n\tfilemode = true\n[remote "origin"]\n\t'
        "url = git@github.com:acme/shop.git\n\nwhy does git say 'bad config line 2'?",
        "SMTP_HOST=smtp.mailgun.org\nSMTP_PORT=587\nSMTP_TLS=true\nLOG_LEVEL=debug\n\n"
        "Which of these should be secrets in Kubernetes and which can be a ConfigMap?",
    )
    return t, "en", "config without secrets"


@neg(5)
def n_hex_ids():
    t = ch(
        f"My Stripe dashboard shows customer cus_{_r(AN, 14)} with a failed charge "
        f"ch_{_r(AN, 24)}. What does 'do_not_honor' mean?",
        f'Mongo returns _id: ObjectId("{hexs(24)}"). How do I query by creation time?',
        f"Sentry issue {hexs(32)} keeps reopening, can I mute it for a week?",
        f"The Stripe publishable key pk_live_{_r(AN, 24)} is in our frontend bundle - that's "
        "fine, right? It's meant to be public.",
        f"Google Analytics ID G-{_r(ALNUM_UP, 10)} - where do I put it in Next.js?",
    )
    return t, "en", "object ids and public identifiers"


@neg(6)
def n_foreign_misc():
    t = ch(
        "Wie viele Urlaubstage stehen mir bei einer 4-Tage-Woche zu?",
        "Quelle est la différence entre un CDD et un CDI ?",
        "¿Cómo se calcula el IRPF de un autónomo en 2025?",
        "Come si calcola il TFR?",
        "Hoeveel hypotheek kan ik krijgen met een bruto inkomen van 55.000 euro?",
        "Jak długo trwa okres wypowiedzenia umowy o pracę?",
        "Hur mycket får man tjäna som student utan att förlora CSN?",
        "Kolik stojí dálniční známka na rok 2025?",
        "Paljonko on Suomen arvonlisävero ruoalle?",
        "İstanbul'da kira artış sınırı ne kadar?",
    )
    langs = {
        "Wie": "de",
        "Quelle": "fr",
        "¿Cómo": "es",
        "Come": "it",
        "Hoeveel": "nl",
        "Jak": "pl",
        "Hur": "sv",
        "Kolik": "cs",
        "Paljonko": "fi",
        "İstanbul'da": "tr",
    }
    return t, langs[t.split()[0]], "ordinary questions without personal data"


# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------


def _record_pos(fn):
    chunk, loc = fn()
    chunk = chunk if isinstance(chunk, Chunk) else Chunk(chunk)
    spans = sorted(chunk.spans, key=lambda s: (s[1], s[2]))
    for k, s, e, v in spans:
        assert chunk.text[s:e] == v, (fn.__name__, k, v)
    kinds = sorted({k for k, _, _, _ in spans}, key=KINDS.index)
    name = fn.__name__[2:]
    return {
        "text": chunk.text,
        "spans": [{"kind": k, "start": s, "end": e} for (k, s, e, _) in spans],
        "note": f"positive: {', '.join(kinds)}; {loc}; {name}",
    }


def _record_neg(fn):
    text, lang, what = fn()
    return {"text": text, "spans": [], "note": f"negative: {what}; {lang}; {fn.__name__[2:]}"}


def check(rows) -> None:
    seen = set()
    for r in rows:
        t = r["text"]
        assert t not in seen, t[:80]
        seen.add(t)
        assert r["note"].startswith(("positive:", "negative:"))
        assert bool(r["spans"]) == r["note"].startswith("positive:"), r["note"]
        last = 0
        for sp in r["spans"]:
            assert sp["kind"] in KINDS
            assert 0 <= last <= sp["start"] < sp["end"] <= len(t), (r["note"], sp)
            v = t[sp["start"] : sp["end"]]
            assert v and v == v.strip(), (r["note"], v)
            last = sp["end"]


def main() -> None:
    rows, seen = [], set()
    for maker, plan in ((_record_pos, POS), (_record_neg, NEG)):
        for fn, n in plan:
            made = 0
            for _ in range(n * 30):
                if made == n:
                    break
                r = maker(fn)
                if r["text"] in seen:
                    continue
                seen.add(r["text"])
                rows.append(r)
                made += 1
            if made < n:
                print(f"warning: {fn.__name__}: only {made} of {n} distinct texts", file=sys.stderr)
    rng.shuffle(rows)
    check(rows)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")

    kinds = collections.Counter(sp["kind"] for r in rows for sp in r["spans"])
    npos = sum(1 for r in rows if r["spans"])
    langs = collections.Counter(r["note"].split("; ")[1][:2] for r in rows)
    tmpl = collections.Counter(r["note"].split("; ")[-1] for r in rows)
    print(
        f"wrote {len(rows)} texts to {os.path.relpath(OUT)}: {npos} positive, "
        f"{len(rows) - npos} negative, {sum(kinds.values())} spans"
    )
    print("spans per kind: " + ", ".join(f"{k}={kinds[k]}" for k in KINDS))
    print("texts per language: " + ", ".join(f"{k}={v}" for k, v in langs.most_common()))
    print("texts per template: " + ", ".join(f"{k}={v}" for k, v in sorted(tmpl.items())))


if __name__ == "__main__":
    main()
