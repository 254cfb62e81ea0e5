#!/usr/bin/env python3
"""Build bench/data/privacy_dev.jsonl: a labeled development set for the privacy (PII) detectors.

What it is
    About 740 cases with about 780 labeled spans, one JSON object a line:
    ``{"text", "spans": [{"kind", "start", "end"}], "note"}``. ``start``/``end`` are Python
    character offsets and ``text[start:end]`` is exactly the sensitive value (never the cue word, quotes or punctuation around it). Kinds:
    person, address, date_of_birth, id_number, phone, email, ip, card, iban, ssn. A multi-line
    address is labeled line by line; a one-line (comma-joined) address is one span. About a
    quarter of the cases are hard negatives (no spans, note starts with ``negative:``): text
    shaped like personal data that is not (deadlines, versions, order numbers, ISBNs, hashes,
    public figures, companies named after people, street names in general questions, code,
    recipes, coordinates, ...). Every note ends with ``lang=<xx>``, the language of the text.

Who wrote it and how
    An independent tester: an AI helper session (Claude) started by a project session and
    told to write this set apart from the detectors (src/hybridai/policies/privacy/) and from
    the project's other privacy sets, none of which it read (it looked only at the first 25
    lines of tests/data/privacy_cases.jsonl, to copy the file format). The text around the values is a
    set of hand-written templates (support emails, chat messages, letters to rewrite, CRM and
    medical notes, HR records, shipping labels, pasted forms, CSV, JSON, YAML, SQL, log lines,
    markdown tables, signatures, sloppy text messages), about 60% English and the rest in the
    language of the locale (German, French, Spanish, Italian, Dutch, Portuguese, Polish,
    Swedish, Danish, Norwegian, Finnish, Czech, Romanian, Turkish, Russian, Greek). The values
    are synthetic: names and most street names from Faker in ~30 locales (Cyrillic and Greek
    names transliterated in English text and kept in native script in the Russian and Greek
    cases, Japanese romanised), real city names with plausible postcodes from
    lists below; phone numbers random inside real numbering plans and kept only when
    ``phonenumbers`` says they are valid; national ID numbers, payment cards (Luhn), IBANs
    (ISO 7064 mod 97 plus national check digits where known) and SSNs built here and each
    checked with ``python-stdnum``. The script asserts for every span that
    ``text[start:end]`` is the generated value and that no two spans overlap.

How to run it
    Faker, python-stdnum and phonenumbers are needed; the project never imports this script,
    and Faker is not a project dependency, so use a throwaway venv:

        python3 -m venv /tmp/faker-venv
        /tmp/faker-venv/bin/pip install faker python-stdnum phonenumbers
        /tmp/faker-venv/bin/python bench/make_privacy_dev.py

    It writes bench/data/privacy_dev.jsonl and prints counts per kind and language. Seeded
    with ``random.Random(20261205)`` (each Faker instance is seeded from it), so the output is
    reproducible for the same library versions (made with Faker 40.63.0, python-stdnum 2.2,
    phonenumbers 9.0.43; other versions may draw other names or numbers).
"""
# The templates below are prose; wrapping them at 100 columns would only hurt reading them.
# ruff: noqa: E501

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import random
import re
import sys
import textwrap
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import phonenumbers
from faker import Faker
from stdnum import ean, luhn
from stdnum import iban as std_iban
from stdnum.at import vnr as at_vnr
from stdnum.au import tfn as au_tfn
from stdnum.be import nn as be_nn
from stdnum.br import cpf as br_cpf
from stdnum.ca import sin as ca_sin
from stdnum.ch import ssn as ch_ssn
from stdnum.cz import rc as cz_rc
from stdnum.de import idnr as de_idnr
from stdnum.dk import cpr as dk_cpr
from stdnum.es import ccc as es_ccc
from stdnum.es import dni as es_dni
from stdnum.es import nie as es_nie
from stdnum.fi import hetu as fi_hetu
from stdnum.fr import nir as fr_nir
from stdnum.gb import nhs as gb_nhs
from stdnum.gr import amka as gr_amka
from stdnum.gr import vat as gr_vat
from stdnum.ie import pps as ie_pps
from stdnum.in_ import aadhaar as in_aadhaar
from stdnum.in_ import pan as in_pan
from stdnum.it import codicefiscale as it_cf
from stdnum.jp import in_ as jp_in
from stdnum.mx import curp as mx_curp
from stdnum.mx import rfc as mx_rfc
from stdnum.nl import bsn as nl_bsn
from stdnum.no import fodselsnummer as no_fnr
from stdnum.nz import ird as nz_ird
from stdnum.pl import nip as pl_nip
from stdnum.pl import pesel as pl_pesel
from stdnum.pt import cc as pt_cc
from stdnum.pt import nif as pt_nif
from stdnum.ro import cnp as ro_cnp
from stdnum.ru import inn as ru_inn
from stdnum.se import personnummer as se_pnr
from stdnum.tr import tckimlik as tr_tck
from stdnum.us import itin as us_itin
from stdnum.us import ssn as us_ssn

SEED = 20261205
RNG = random.Random(SEED)
OUT = Path(__file__).resolve().parent / "data" / "privacy_dev.jsonl"

DIG = "0123456789"
UP = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def pick(seq):
    return RNG.choice(list(seq))


def chance(p: float) -> bool:
    return RNG.random() < p


def digits(n: int, first_nonzero: bool = False) -> str:
    s = "".join(RNG.choice(DIG) for _ in range(n))
    if first_nonzero and s[0] == "0":
        s = RNG.choice("123456789") + s[1:]
    return s


def wpick(pairs):
    """Pick from [(item, weight), ...]."""
    items, weights = zip(*pairs, strict=True)
    return RNG.choices(items, weights=weights, k=1)[0]


# --------------------------------------------------------------------------- values


@dataclass
class Val:
    kind: str | None
    text: str
    desc: str = ""
    meta: dict = field(default_factory=dict)


_FAKERS: dict[str, Faker] = {}


def fk(loc: str) -> Faker:
    if loc not in _FAKERS:
        f = Faker(loc)
        f.seed_instance(RNG.randrange(2**31))
        _FAKERS[loc] = f
    return _FAKERS[loc]


CYR = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
               ["a", "b", "v", "g", "d", "e", "yo", "zh", "z", "i", "y", "k", "l", "m", "n", "o",
                "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e",
                "yu", "ya"], strict=True))
GRK_DI = {"ου": "ou", "ού": "ou", "αυ": "av", "αύ": "av", "ευ": "ev", "εύ": "ev", "μπ": "b",
          "ντ": "nt", "γγ": "ng", "γκ": "gk", "ηυ": "iv"}
GRK = dict(zip("αάβγδεέζηήθιίϊΐκλμνξοόπρσςτυύϋΰφχψωώ",
               ["a", "a", "v", "g", "d", "e", "e", "z", "i", "i", "th", "i", "i", "i", "i", "k",
                "l", "m", "n", "x", "o", "o", "p", "r", "s", "s", "t", "y", "y", "y", "y", "f",
                "ch", "ps", "o", "o"], strict=True))


def translit(word: str) -> str:
    w = word.lower()
    out = []
    i = 0
    while i < len(w):
        two = w[i:i + 2]
        if two in GRK_DI:
            out.append(GRK_DI[two])
            i += 2
            continue
        c = w[i]
        out.append(CYR.get(c, GRK.get(c, c)))
        i += 1
    s = "".join(out)
    return "-".join(p[:1].upper() + p[1:] for p in s.split("-"))


def fold(s: str) -> str:
    """ASCII-fold for email local parts and ID letters."""
    s = (s.replace("ß", "ss").replace("ø", "o").replace("Ø", "O").replace("æ", "ae")
         .replace("Æ", "AE").replace("ł", "l").replace("Ł", "L").replace("ı", "i")
         .replace("đ", "d").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
         .replace("Ä", "Ae").replace("Ö", "Oe").replace("Ü", "Ue"))
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


def fold_plain(s: str) -> str:
    """ASCII-fold without the German ae/oe/ue expansion (for ID letters)."""
    s = s.replace("ß", "SS").replace("ø", "o").replace("ł", "l").replace("Ł", "L").replace("ı", "i")
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


# ---------------------------------------------------------------- persons

def person_parts(loc: str, sex: str | None = None) -> dict:
    f = fk(loc)
    sex = sex or pick("MF")
    g = "male" if sex == "M" else "female"
    for _ in range(50):
        if loc == "ja_JP":
            first = getattr(f, f"first_romanized_name_{g}")()
            last = f.last_romanized_name()
        elif loc in ("ru_RU", "el_GR"):
            first = translit(getattr(f, f"first_name_{g}")())
            last = translit(getattr(f, f"last_name_{g}")())
        else:
            first = getattr(f, f"first_name_{g}")()
            last = getattr(f, f"last_name_{g}")()
            if loc.startswith("es_") and chance(0.55):
                last = f"{last} {f.last_name()}"
            if loc == "pt_BR" and chance(0.35):
                last = f"{f.last_name()} {last}"
        if any(ch.isdigit() for ch in first + last) or "." in first + last:
            continue
        if len(first) < 2 or len(last) < 2:
            continue
        return {"first": first, "last": last, "sex": sex, "loc": loc}
    raise RuntimeError(loc)


def person(loc: str, style: str = "full", sex: str | None = None, safe: bool = False,
           parts: dict | None = None) -> Val:
    for _ in range(50):
        p = parts or person_parts(loc, sex)
        if not safe or "'" not in p["first"] + p["last"]:
            break
        parts = None
    first, last = p["first"], p["last"]
    desc = f"person {loc}"
    if style == "full":
        if loc == "en_US" and chance(0.15):
            text = f"{first} {pick(UP.replace('Q', '').replace('X', ''))}. {last}"
            desc += " with middle initial"
        elif loc == "ja_JP" and chance(0.3):
            text = f"{last} {first}"
            desc += " surname first"
        elif loc == "ru_RU" and chance(0.3):
            f = fk("ru_RU")
            mid = translit(f.middle_name_male() if p["sex"] == "M" else f.middle_name_female())
            text = f"{first} {mid} {last}"
            desc += " with patronymic"
        else:
            text = f"{first} {last}"
    elif style == "lower":
        text = f"{first} {last}".lower()
        desc += " lowercase"
    elif style == "upper":
        text = f"{first} {last}".upper()
        desc += " uppercase"
    elif style == "last_first":
        text = f"{last}, {first}"
        desc += " 'Last, First'"
    elif style == "native":
        f = fk(loc)
        g = "male" if p["sex"] == "M" else "female"
        text = f"{getattr(f, f'first_name_{g}')()} {getattr(f, f'last_name_{g}')()}"
        desc += " native script"
    else:
        raise ValueError(style)
    return Val("person", text, desc, dict(p))


def given(loc: str, sex: str) -> Val:
    p = person_parts(loc, sex)
    return Val("person", p["first"], f"person {loc} given name only", p)


# ---------------------------------------------------------------- dates of birth

MONTHS = {
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "it": "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "pl": "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada grudnia",
    "sv": "januari februari mars april maj juni juli augusti september oktober november december",
    "da": "januar februar marts april maj juni juli august september oktober november december",
    "no": "januar februar mars april mai juni juli august september oktober november desember",
    "fi": "tammikuuta helmikuuta maaliskuuta huhtikuuta toukokuuta kesäkuuta heinäkuuta elokuuta syyskuuta lokakuuta marraskuuta joulukuuta",
    "cs": "ledna února března dubna května června července srpna září října listopadu prosince",
    "tr": "Ocak Şubat Mart Nisan Mayıs Haziran Temmuz Ağustos Eylül Ekim Kasım Aralık",
    "ro": "ianuarie februarie martie aprilie mai iunie iulie august septembrie octombrie noiembrie decembrie",
    "ru": "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "el": "Ιανουαρίου Φεβρουαρίου Μαρτίου Απριλίου Μαΐου Ιουνίου Ιουλίου Αυγούστου Σεπτεμβρίου Οκτωβρίου Νοεμβρίου Δεκεμβρίου",
}
MONTHS = {k: v.split() for k, v in MONTHS.items()}


def ordinal(n: int) -> str:
    suf = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suf}"


def rand_date(y0: int, y1: int) -> dt.date:
    start = dt.date(y0, 1, 1).toordinal()
    end = dt.date(y1, 12, 31).toordinal()
    return dt.date.fromordinal(RNG.randint(start, end))


def _en_formats(us: bool):
    def mon(d):
        return MONTHS["en"][d.month - 1]
    common = {
        "iso": lambda d: d.isoformat(),
        "d Month yyyy": lambda d: f"{d.day} {mon(d)} {d.year}",
        "Month d, yyyy": lambda d: f"{mon(d)} {d.day}, {d.year}",
        "Month dth, yyyy": lambda d: f"{mon(d)} {ordinal(d.day)}, {d.year}",
        "dth Month yyyy": lambda d: f"{ordinal(d.day)} {mon(d)} {d.year}",
        "dth of Month yyyy": lambda d: f"{ordinal(d.day)} of {mon(d)} {d.year}",
        "dd-Mon-yy": lambda d: f"{d.day:02d}-{mon(d)[:3]}-{d.year % 100:02d}",
        "dd-MON-yyyy": lambda d: f"{d.day:02d}-{mon(d)[:3].upper()}-{d.year}",
        "Mon d yyyy": lambda d: f"{mon(d)[:3]} {d.day} {d.year}",
        "Mon. d, yyyy": lambda d: (f"{mon(d)[:3]}. {d.day}, {d.year}" if d.month != 5
                                   else f"May {d.day}, {d.year}"),
        "d Mon yyyy": lambda d: f"{d.day} {mon(d)[:3]} {d.year}",
        "yyyy/mm/dd": lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}",
    }
    if us:
        common.update({
            "mm/dd/yyyy": lambda d: f"{d.month:02d}/{d.day:02d}/{d.year}",
            "m/d/yy": lambda d: f"{d.month}/{d.day}/{d.year % 100:02d}",
            "m/d/yyyy": lambda d: f"{d.month}/{d.day}/{d.year}",
            "mm-dd-yyyy": lambda d: f"{d.month:02d}-{d.day:02d}-{d.year}",
        })
    else:
        common.update({
            "dd/mm/yyyy": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
            "d/m/yy": lambda d: f"{d.day}/{d.month}/{d.year % 100:02d}",
            "dd.mm.yyyy": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
            "dd-mm-yyyy": lambda d: f"{d.day:02d}-{d.month:02d}-{d.year}",
        })
    return common


def _loc_formats(lang: str):
    M = MONTHS.get(lang)
    f = {
        "dd.mm.yyyy": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
        "dd/mm/yyyy": lambda d: f"{d.day:02d}/{d.month:02d}/{d.year}",
        "iso": lambda d: d.isoformat(),
    }
    if lang == "de":
        f.update({"d.m.yyyy": lambda d: f"{d.day}.{d.month}.{d.year}",
                  "dd.mm.yy": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}",
                  "d. Monat yyyy": lambda d: f"{d.day}. {M[d.month - 1]} {d.year}"})
        del f["dd/mm/yyyy"]
    elif lang == "fr":
        f.update({"d mois yyyy": lambda d: f"{'1er' if d.day == 1 else d.day} {M[d.month - 1]} {d.year}"})
        del f["dd.mm.yyyy"]
    elif lang in ("es", "pt"):
        f.update({"d de mes de yyyy": lambda d: f"{d.day} de {M[d.month - 1]} de {d.year}",
                  "dd-mm-yyyy": lambda d: f"{d.day:02d}-{d.month:02d}-{d.year}"})
        del f["dd.mm.yyyy"]
    elif lang == "it":
        f.update({"d mese yyyy": lambda d: f"{d.day} {M[d.month - 1]} {d.year}"})
    elif lang == "nl":
        f.update({"dd-mm-yyyy": lambda d: f"{d.day:02d}-{d.month:02d}-{d.year}",
                  "d maand yyyy": lambda d: f"{d.day} {M[d.month - 1]} {d.year}"})
        del f["dd.mm.yyyy"]
    elif lang in ("pl", "ro", "tr", "sv", "ru", "el"):
        f.update({"d month yyyy": lambda d: f"{d.day} {M[d.month - 1]} {d.year}"})
        if lang != "sv":
            del f["dd/mm/yyyy"]
        if lang == "sv":
            f["d/m yyyy"] = lambda d: f"{d.day}/{d.month} {d.year}"
            del f["dd.mm.yyyy"], f["dd/mm/yyyy"]
    elif lang in ("da", "no"):
        f.update({"d. måned yyyy": lambda d: f"{d.day}. {M[d.month - 1]} {d.year}",
                  "dd-mm-yyyy": lambda d: f"{d.day:02d}-{d.month:02d}-{d.year}"})
        del f["dd/mm/yyyy"]
    elif lang == "fi":
        f = {"d.m.yyyy": lambda d: f"{d.day}.{d.month}.{d.year}",
             "d. kuuta yyyy": lambda d: f"{d.day}. {M[d.month - 1]} {d.year}"}
    elif lang == "cs":
        f = {"d. m. yyyy": lambda d: f"{d.day}. {d.month}. {d.year}",
             "dd.mm.yyyy": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}",
             "d. měsíce yyyy": lambda d: f"{d.day}. {M[d.month - 1]} {d.year}"}
    return f


US_LIKE = {"en_US"}


def dob(lang: str, loc: str = "", date: dt.date | None = None, fmt: str | None = None,
        y0: int = 1938, y1: int = 2006) -> Val:
    d = date or rand_date(y0, y1)
    if lang == "en":
        fmts = _en_formats(loc in US_LIKE or loc == "" and chance(0.5))
    else:
        fmts = _loc_formats(lang)
    name = fmt if fmt in fmts else pick(sorted(fmts))
    return Val("date_of_birth", fmts[name](d), f"date_of_birth {name}", {"date": d})


# ---------------------------------------------------------------- addresses

EN_WORDS = ["Oak", "Maple", "Cedar", "Pine", "Elm", "Willow", "Birch", "Church", "Mill", "Park", "Lake", "Hill", "High", "Station", "King", "Queen", "Victoria", "George", "Albert", "Chestnut", "Sycamore", "Hawthorn", "Meadow", "River", "Spring", "Sunset", "Highland", "Ridge", "Forest", "Orchard", "Green", "Cherry", "Walnut", "Poplar", "Aspen", "Laurel", "Magnolia", "Grove", "Valley", "Brook", "Fairview", "Lincoln", "Jefferson", "Franklin", "Madison", "Washington", "Harrison"]


def en_street_name(loc: str) -> str:
    base = pick(EN_WORDS) if chance(0.65) else fk("en_US").last_name()
    suf = {
        "en_US": ["St", "Street", "Ave", "Avenue", "Rd", "Road", "Dr", "Drive", "Ln", "Lane", "Blvd", "Ct", "Way", "Pl", "Terrace", "Circle"],
        "en_GB": ["Road", "Street", "Lane", "Close", "Avenue", "Drive", "Gardens", "Crescent", "Grove", "Way", "Place", "Terrace", "Mews", "Row"],
        "en_AU": ["Street", "St", "Road", "Rd", "Avenue", "Ave", "Parade", "Crescent", "Court", "Place", "Drive", "Terrace"],
        "en_NZ": ["Street", "Road", "Avenue", "Terrace", "Crescent", "Place", "Drive"],
        "en_IE": ["Road", "Street", "Avenue", "Park", "Grove", "Drive", "Lawn"],
        "en_CA": ["Street", "St", "Avenue", "Ave", "Road", "Rd", "Drive", "Crescent", "Boulevard", "Way", "Court"],
    }[loc]
    return f"{base} {pick(suf)}"


US_CITIES = [("Austin", "TX", "787"), ("Denver", "CO", "802"), ("Columbus", "OH", "432"),
             ("Portland", "OR", "972"), ("Raleigh", "NC", "276"), ("Tampa", "FL", "336"),
             ("Sacramento", "CA", "958"), ("San Diego", "CA", "921"), ("Madison", "WI", "537"),
             ("Albany", "NY", "122"), ("Brooklyn", "NY", "112"), ("Phoenix", "AZ", "850"),
             ("Nashville", "TN", "372"), ("Boise", "ID", "837"), ("Springfield", "IL", "627"),
             ("Richmond", "VA", "232"), ("Omaha", "NE", "681"), ("Seattle", "WA", "981"),
             ("Minneapolis", "MN", "554"), ("Pittsburgh", "PA", "152"), ("Atlanta", "GA", "303"),
             ("Salt Lake City", "UT", "841"), ("Kansas City", "MO", "641"),
             ("Louisville", "KY", "402"), ("Providence", "RI", "029"), ("Burlington", "VT", "054"),
             ("Ann Arbor", "MI", "481"), ("Tucson", "AZ", "857"), ("Charleston", "SC", "294"),
             ("Baton Rouge", "LA", "708"), ("Cambridge", "MA", "021"), ("Oakland", "CA", "946")]
GB_CITIES = [("London", ["SW", "SE", "N", "NW", "E", "W"]), ("Manchester", ["M"]), ("Leeds", ["LS"]),
             ("Bristol", ["BS"]), ("Sheffield", ["S"]), ("Nottingham", ["NG"]), ("Cardiff", ["CF"]),
             ("Edinburgh", ["EH"]), ("Glasgow", ["G"]), ("York", ["YO"]), ("Leicester", ["LE"]),
             ("Brighton", ["BN"]), ("Liverpool", ["L"]), ("Oxford", ["OX"]), ("Cambridge", ["CB"]),
             ("Norwich", ["NR"]), ("Exeter", ["EX"]), ("Bath", ["BA"]), ("Belfast", ["BT"]),
             ("Newcastle upon Tyne", ["NE"]), ("Reading", ["RG"]), ("Swansea", ["SA"])]
AU_SUBURBS = [("Fitzroy", "VIC", "3065"), ("Brunswick", "VIC", "3056"), ("Newtown", "NSW", "2042"),
              ("Parramatta", "NSW", "2150"), ("Bondi", "NSW", "2026"), ("Paddington", "QLD", "4064"),
              ("Fremantle", "WA", "6160"), ("Glenelg", "SA", "5045"), ("Sandy Bay", "TAS", "7005"),
              ("Braddon", "ACT", "2612"), ("Toowong", "QLD", "4066"), ("Subiaco", "WA", "6008"),
              ("Footscray", "VIC", "3011"), ("Manly", "NSW", "2095")]
NZ_SUBURBS = [("Ponsonby", "Auckland", "1011"), ("Mount Victoria", "Wellington", "6011"),
              ("Riccarton", "Christchurch", "8011"), ("Hamilton East", "Hamilton", "3216"),
              ("Remuera", "Auckland", "1050"), ("Roslyn", "Dunedin", "9010")]
CA_CITIES = [("Toronto", "ON", "M"), ("Ottawa", "ON", "K"), ("Vancouver", "BC", "V"),
             ("Calgary", "AB", "T"), ("Edmonton", "AB", "T"), ("Winnipeg", "MB", "R"),
             ("Halifax", "NS", "B"), ("Victoria", "BC", "V"), ("Saskatoon", "SK", "S"),
             ("Hamilton", "ON", "L"), ("Kitchener", "ON", "N")]
QC_CITIES = [("Montréal", "H"), ("Québec", "G"), ("Laval", "H"), ("Gatineau", "J"),
             ("Sherbrooke", "J"), ("Trois-Rivières", "G")]
IE_TOWNS = [("Dublin 8", "D08"), ("Dublin 6W", "D6W"), ("Cork", "T12"), ("Galway", "H91"),
            ("Limerick", "V94"), ("Ennis, Co. Clare", "V95"), ("Kilkenny", "R95"), ("Sligo", "F91")]
IN_CITIES = [("Bengaluru", "560", ["Indiranagar", "Koramangala", "Jayanagar", "HSR Layout", "Whitefield"]),
             ("Mumbai", "400", ["Andheri West", "Bandra East", "Powai", "Dadar", "Goregaon East"]),
             ("Pune", "411", ["Kothrud", "Baner", "Viman Nagar", "Aundh"]),
             ("Chennai", "600", ["Adyar", "T. Nagar", "Velachery", "Anna Nagar"]),
             ("Hyderabad", "500", ["Banjara Hills", "Madhapur", "Kukatpally", "Gachibowli"]),
             ("New Delhi", "110", ["Lajpat Nagar", "Saket", "Dwarka Sector 12", "Karol Bagh"]),
             ("Kolkata", "700", ["Salt Lake", "Ballygunge", "Behala"]),
             ("Kochi", "682", ["Kakkanad", "Edappally", "Vyttila"])]
IN_BUILDINGS = ["Sai Residency", "Prestige Lakeside", "Green Park Apartments", "Shanti Niketan",
                "Lotus Towers", "Sunshine Enclave", "Krishna Heights", "Mahaveer Palms"]
FR_CITIES = [("Paris", [f"750{i:02d}" for i in range(1, 21)]), ("Lyon", [f"6900{i}" for i in range(1, 10)]),
             ("Marseille", [f"130{i:02d}" for i in range(1, 17)]), ("Toulouse", ["31000", "31100", "31200", "31300", "31400", "31500"]),
             ("Nantes", ["44000", "44100", "44200", "44300"]), ("Bordeaux", ["33000", "33100", "33200", "33300", "33800"]),
             ("Lille", ["59000", "59160", "59800"]), ("Strasbourg", ["67000", "67100", "67200"]),
             ("Rennes", ["35000", "35200", "35700"]), ("Montpellier", ["34000", "34070", "34080", "34090"]),
             ("Nice", ["06000", "06100", "06200", "06300"]), ("Grenoble", ["38000", "38100"]), ("Dijon", ["21000"]),
             ("Tours", ["37000", "37100", "37200"]), ("Angers", ["49000", "49100"]), ("Clermont-Ferrand", ["63000", "63100"])]
BE_CITIES = [("Bruxelles", "1000"), ("Ixelles", "1050"), ("Antwerpen", "2000"), ("Gent", "9000"),
             ("Liège", "4000"), ("Leuven", "3000"), ("Brugge", "8000"), ("Namur", "5000"),
             ("Mechelen", "2800"), ("Charleroi", "6000")]
ES_CITIES = [("Madrid", "280"), ("Barcelona", "080"), ("Valencia", "460"), ("Sevilla", "410"),
             ("Zaragoza", "500"), ("Málaga", "290"), ("Bilbao", "480"), ("Granada", "180"),
             ("Valladolid", "470"), ("Alicante", "030"), ("Murcia", "300"), ("Palma", "070"),
             ("A Coruña", "150"), ("Salamanca", "370")]
MX_STREETS = ["Av. Insurgentes Sur", "Paseo de la Reforma", "Calle Hidalgo", "Calle Morelos",
              "Av. Juárez", "Calle 5 de Mayo", "Av. Revolución", "Calle Allende", "Av. Universidad",
              "Calle Zaragoza", "Av. Vallarta", "Calle Madero", "Calle Durango", "Calle Puebla"]
MX_COLONIAS = ["Col. Roma Norte", "Col. Condesa", "Col. Del Valle", "Col. Centro", "Col. Americana",
               "Col. Polanco", "Col. Narvarte Poniente", "Col. Juárez", "Col. Providencia"]
MX_CITIES = [("Ciudad de México, CDMX", "0"), ("Guadalajara, Jal.", "44"), ("Monterrey, N.L.", "64"),
             ("Puebla, Pue.", "72"), ("Querétaro, Qro.", "76"), ("Mérida, Yuc.", "97"),
             ("Zapopan, Jal.", "45")]
IT_CITIES = [("Milano", "MI", "201"), ("Roma", "RM", "001"), ("Torino", "TO", "101"),
             ("Napoli", "NA", "801"), ("Bologna", "BO", "401"), ("Firenze", "FI", "501"),
             ("Genova", "GE", "161"), ("Palermo", "PA", "901"), ("Bari", "BA", "701"),
             ("Venezia", "VE", "301"), ("Verona", "VR", "371"), ("Padova", "PD", "351"),
             ("Trieste", "TS", "341"), ("Parma", "PR", "431")]
NL_CITIES = [("Amsterdam", "10"), ("Rotterdam", "30"), ("Den Haag", "25"), ("Utrecht", "35"),
             ("Eindhoven", "56"), ("Groningen", "97"), ("Tilburg", "50"), ("Haarlem", "20"),
             ("Leiden", "23"), ("Nijmegen", "65"), ("Arnhem", "68"), ("Zwolle", "80"),
             ("Delft", "26"), ("Maastricht", "62")]
PT_CITIES = [("Lisboa", "1"), ("Porto", "4"), ("Coimbra", "30"), ("Braga", "47"), ("Faro", "80"),
             ("Aveiro", "38"), ("Setúbal", "29"), ("Funchal", "90"), ("Almada", "28")]
BR_CITIES = [("São Paulo", "SP", "0"), ("Rio de Janeiro", "RJ", "2"), ("Belo Horizonte", "MG", "30"),
             ("Curitiba", "PR", "8"), ("Porto Alegre", "RS", "9"), ("Salvador", "BA", "4"),
             ("Recife", "PE", "5"), ("Fortaleza", "CE", "60"), ("Brasília", "DF", "70"),
             ("Campinas", "SP", "13"), ("Florianópolis", "SC", "88")]
BR_STREETS = ["Rua das Flores", "Rua Sete de Setembro", "Avenida Brasil", "Rua Augusta",
              "Rua XV de Novembro", "Rua Voluntários da Pátria", "Avenida Paulista",
              "Rua Bela Cintra", "Rua dos Andradas", "Rua Padre Chagas", "Rua Haddock Lobo",
              "Avenida Afonso Pena", "Rua Barão de Itapetininga", "Rua Tiradentes"]
BR_BAIRROS = ["Centro", "Jardim América", "Vila Nova", "Boa Vista", "Santa Cecília", "Jardim Paulista",
              "São José", "Santo Antônio", "Bela Vista", "Jardim Europa"]
PL_CITIES = [("Warszawa", ["00", "01", "02"]), ("Kraków", ["30", "31"]), ("Łódź", ["90", "91"]),
             ("Wrocław", ["50", "51", "53"]), ("Poznań", ["60", "61"]), ("Gdańsk", ["80"]),
             ("Szczecin", ["70", "71"]), ("Lublin", ["20"]), ("Katowice", ["40"]),
             ("Białystok", ["15"]), ("Toruń", ["87"])]
SE_CITIES = [("Stockholm", "11"), ("Göteborg", "41"), ("Malmö", "21"), ("Uppsala", "75"),
             ("Lund", "22"), ("Umeå", "90"), ("Linköping", "58"), ("Örebro", "70"), ("Västerås", "72")]
DK_CITIES = ["2100 København Ø", "2200 København N", "1620 København V", "8000 Aarhus C",
             "5000 Odense C", "9000 Aalborg", "6700 Esbjerg", "4000 Roskilde", "7100 Vejle"]
NO_CITIES = ["0669 Oslo", "0557 Oslo", "5003 Bergen", "7010 Trondheim", "4006 Stavanger",
             "9008 Tromsø", "3015 Drammen", "1606 Fredrikstad"]
FI_CITIES = ["00100 Helsinki", "00530 Helsinki", "33100 Tampere", "20100 Turku", "90100 Oulu",
             "40100 Jyväskylä", "02100 Espoo", "01300 Vantaa", "70100 Kuopio"]
CZ_CITIES = ["110 00 Praha 1", "120 00 Praha 2", "130 00 Praha 3", "602 00 Brno", "301 00 Plzeň",
             "702 00 Ostrava", "779 00 Olomouc", "370 01 České Budějovice", "460 01 Liberec"]
RO_CITIES = [("București", "0"), ("Cluj-Napoca", "40"), ("Iași", "70"), ("Timișoara", "30"),
             ("Brașov", "50"), ("Constanța", "90"), ("Sibiu", "55")]
TR_PLACES = [("Kadıköy", "İstanbul", "347"), ("Beşiktaş", "İstanbul", "343"),
             ("Çankaya", "Ankara", "066"), ("Konak", "İzmir", "352"), ("Nilüfer", "Bursa", "161"),
             ("Muratpaşa", "Antalya", "071"), ("Karşıyaka", "İzmir", "355")]
TR_MAH = ["Caferağa", "Moda", "Kızılay", "Bahçelievler", "Alsancak", "Fenerbahçe", "Levent",
          "Atatürk", "Cumhuriyet", "Yenişehir"]
TR_CAD = ["Bağdat Cad.", "Atatürk Cad.", "Cumhuriyet Cad.", "Gazi Mustafa Kemal Blv.",
          "Halaskargazi Cad.", "İnönü Cad.", "Kıbrıs Şehitleri Cad."]
GR_STREETS = ["Ermou", "Vasilissis Sofias", "Patision", "Egnatias", "Tsimiski", "Akadimias",
              "Kifisias", "Mitropoleos", "Agiou Dimitriou", "Solonos"]
GR_CITIES = ["105 63 Athina", "106 71 Athina", "115 21 Athina", "546 22 Thessaloniki",
             "262 21 Patra", "712 02 Irakleio", "151 24 Marousi"]
RU_STREETS = ["ul. Tverskaya", "ul. Lenina", "pr. Mira", "ul. Pushkina", "Nevsky pr.",
              "ul. Gagarina", "ul. Sadovaya", "ul. Bolshaya Morskaya"]
RU_CITIES = [("Moskva", "12"), ("Sankt-Peterburg", "19"), ("Kazan", "420"), ("Novosibirsk", "630"),
             ("Yekaterinburg", "620"), ("Nizhny Novgorod", "603")]
RU_STREETS_CYR = ["ул. Тверская", "ул. Ленина", "пр. Мира", "ул. Пушкина", "Невский пр.",
                  "ул. Гагарина", "ул. Садовая"]
RU_CITIES_CYR = [("Москва", "12"), ("Санкт-Петербург", "19"), ("Казань", "420"), ("Новосибирск", "630")]
JP_PLACES = [("Jingumae", "Shibuya-ku", "Tokyo", "150-00"), ("Ebisu", "Shibuya-ku", "Tokyo", "150-00"),
             ("Nishi-Shinjuku", "Shinjuku-ku", "Tokyo", "160-00"), ("Umeda", "Kita-ku", "Osaka", "530-00"),
             ("Motomachi", "Naka-ku", "Yokohama", "231-08"), ("Tenjin", "Chuo-ku", "Fukuoka", "810-00"),
             ("Shimogamo", "Sakyo-ku", "Kyoto", "606-08"), ("Kita 3-jo Nishi", "Chuo-ku", "Sapporo", "060-00")]
JP_BUILDINGS = ["Sakura Heights", "Maison Aoyama", "Palace Court", "Green Hills", "Sunny Coat"]

GB_LET = "ABDEFGHJLNPQRSTUWXYZ"


def gb_postcode(area: str) -> str:
    district = str(RNG.randint(1, 20 if len(area) == 2 else 9))
    if area in ("SW", "SE", "W", "E", "N", "NW") and chance(0.3):
        district = str(RNG.randint(1, 19))
    return f"{area}{district} {RNG.randint(0, 9)}{pick(GB_LET)}{pick(GB_LET)}"


def ca_postal(first: str) -> str:
    L = "ABCEGHJKLMNPRSTVWXYZ"
    return f"{first}{RNG.randint(0, 9)}{pick(L)} {RNG.randint(0, 9)}{pick(L)}{RNG.randint(0, 9)}"


def housenum(lo=1, hi=180, letter=0.15) -> str:
    n = str(RNG.randint(lo, hi))
    if chance(letter):
        n += pick("ab")
    return n


@dataclass
class Addr:
    lines: list[str]
    loc: str
    sep: str = ", "
    street_only: str = ""

    @property
    def oneline(self) -> str:
        return self.sep.join(self.lines)


def make_addr(loc: str) -> Addr:
    f = fk({"fr_BE": "fr_FR", "ru_RU_cyr": "ru_RU"}.get(loc, loc))
    if loc == "en_US":
        c, st, z = pick(US_CITIES)
        if chance(0.2):
            n = RNG.randint(2, 98)
            street = f"{RNG.randint(100, 4999)} {pick(['W', 'E', 'N', 'S', 'NE', 'SW'])} {ordinal(n)} {pick(['St', 'Ave', 'Street'])}"
        else:
            street = f"{RNG.randint(12, 9899)} {en_street_name(loc)}"
        if chance(0.3):
            street += " " + pick([f"Apt {RNG.randint(1, 24)}{pick('ABCD')}", f"Apt. {RNG.randint(2, 40)}",
                                  f"#{RNG.randint(101, 920)}", f"Unit {RNG.randint(1, 30)}",
                                  f"Suite {RNG.randint(100, 900)}"])
        zipc = z + digits(2)
        if chance(0.15):
            zipc += "-" + digits(4)
        city = pick([f"{c}, {st} {zipc}", f"{c}, {st} {zipc}", f"{c} {st} {zipc}"])
        return Addr([street, city], loc, street_only=street)
    if loc == "en_GB":
        c, areas = pick(GB_CITIES)
        street = f"{RNG.randint(1, 240)} {en_street_name(loc)}"
        if chance(0.2):
            street = f"Flat {RNG.randint(1, 12)}, {street}"
        pc = gb_postcode(pick(areas))
        if chance(0.5):
            return Addr([street, c, pc], loc, street_only=street)
        return Addr([street, f"{c} {pc}"], loc, street_only=street)
    if loc == "en_IE":
        town, rk = pick(IE_TOWNS)
        street = f"{RNG.randint(1, 120)} {en_street_name(loc)}"
        code = rk + " " + "".join(pick("ACDEFHKNPRTVWXY0123456789") for _ in range(4))
        return Addr([street, f"{town} {code}"], loc, street_only=street)
    if loc in ("en_AU", "en_NZ"):
        if loc == "en_AU":
            sub, st, pc = pick(AU_SUBURBS)
            city = f"{sub} {st} {pc}"
        else:
            sub, cty, pc = pick(NZ_SUBURBS)
            city = f"{sub}, {cty} {pc}"
        num = str(RNG.randint(1, 220))
        if chance(0.3):
            num = f"{RNG.randint(1, 14)}/{num}"
        street = f"{num} {en_street_name(loc)}"
        return Addr([street, city], loc, street_only=street)
    if loc == "en_CA":
        c, prov, fl = pick(CA_CITIES)
        street = f"{RNG.randint(10, 9800)} {en_street_name(loc)}"
        if chance(0.3):
            street = f"{RNG.randint(101, 2405)}-{street}" if chance(0.5) else f"{street}, Apt {RNG.randint(101, 2405)}"
        return Addr([street, f"{c}, {prov} {ca_postal(fl)}"], loc, street_only=street)
    if loc == "en_IN":
        c, pin, locs_ = pick(IN_CITIES)
        b = pick(IN_BUILDINGS)
        road = pick([f"{ordinal(RNG.randint(1, 18))} Cross Road", f"{ordinal(RNG.randint(1, 12))} Main Road",
                     "MG Road", "Link Road", f"{fk('en_IN').last_name()} Marg", "Station Road"])
        l1 = f"Flat {RNG.randint(1, 15)}0{RNG.randint(1, 9)}, {b}"
        l2 = f"{road}, {pick(locs_)}"
        l3 = f"{c} {pin}{digits(3)}" if chance(0.6) else f"{c} - {pin}{digits(3)}"
        return Addr([l1, l2, l3], loc, street_only=f"{l1}, {road}")
    if loc == "de_DE":
        street = f"{f.street_name()} {housenum()}"
        return Addr([street, f"{f.postcode()} {f.city()}"], loc, street_only=street)
    if loc == "de_AT":
        n = housenum(1, 90, 0.05)
        if chance(0.4):
            n += pick([f"/{RNG.randint(1, 30)}", f"/{RNG.randint(1, 9)}/{RNG.randint(1, 20)}", f"/Top {RNG.randint(1, 25)}"])
        street = f"{f.street_name()} {n}"
        city = (f"1{RNG.randint(1, 23):02d}0 Wien" if chance(0.4)
                else f"{f.postcode()} {f.city()}")
        return Addr([street, city], loc, street_only=street)
    if loc in ("de_CH", "fr_CH"):
        street = (f"{f.street_name()} {housenum(1, 140)}" if loc == "de_CH"
                  else f"{pick(['rue', 'avenue', 'chemin'])} {pick(['du Lac', 'de la Gare', 'des Alpes', 'de Lausanne', 'du Midi', 'de Montchoisi', 'des Pâquis'])} {RNG.randint(1, 90)}")
        city = pick(["8004 Zürich", "8032 Zürich", "3011 Bern", "4051 Basel", "6003 Luzern", "9000 St. Gallen",
                     "8400 Winterthur"]) if loc == "de_CH" else pick(
            ["1003 Lausanne", "1201 Genève", "1205 Genève", "2000 Neuchâtel", "1700 Fribourg", "1950 Sion"])
        return Addr([street, city], loc, street_only=street)
    if loc in ("fr_FR", "fr_BE"):
        num = str(RNG.randint(1, 160)) + (pick([" bis", " ter"]) if chance(0.12) else "")
        sname = fk("fr_FR").street_name()
        street = f"{num} {sname}" if loc == "fr_FR" else f"{sname[0].upper() + sname[1:]} {num}"
        if loc == "fr_BE":
            c, pc = pick(BE_CITIES)
            return Addr([street, f"{pc} {c}"], loc, street_only=street)
        c, pcs = pick(FR_CITIES)
        pc = pick(pcs)
        lines = [street, f"{pc} {c}"]
        if chance(0.15):
            lines.insert(1, pick([f"Bâtiment {pick('ABC')}", f"Appartement {RNG.randint(1, 40)}", "Résidence Les Tilleuls"]))
        return Addr(lines, loc, street_only=street)
    if loc == "fr_CA":
        c, fl = pick(QC_CITIES)
        street = f"{RNG.randint(10, 9800)}, {f.street_name()}"
        if chance(0.3):
            street = f"{RNG.randint(1, 30)}-{street}" if chance(0.5) else f"{street}, app. {RNG.randint(1, 30)}"
        city = pick([f"{c} (Québec) {ca_postal(fl)}", f"{c}, QC {ca_postal(fl)}"])
        return Addr([street, city], loc, street_only=street)
    if loc == "nl_BE":
        c, pc = pick(BE_CITIES)
        street = f"{f.street_name()} {housenum(1, 200)}" + (f" bus {RNG.randint(1, 12)}" if chance(0.2) else "")
        return Addr([street, f"{pc} {c}"], loc, street_only=street)
    if loc == "es_ES":
        street = f"{f.street_name()}, {RNG.randint(1, 180)}"
        if chance(0.5):
            street += pick([f", {RNG.randint(1, 8)}º {pick('ABCD')}", f", {RNG.randint(1, 8)}.º {pick(['izq.', 'dcha.'])}",
                            f", piso {RNG.randint(1, 8)}, puerta {RNG.randint(1, 4)}", ", bajo"])
        c, pre = pick(ES_CITIES)
        return Addr([street, f"{pre}{digits(2)} {c}"], loc, street_only=street)
    if loc == "es_MX":
        street = f"{pick(MX_STREETS)} {RNG.randint(1, 3200)}" + (f" Int. {RNG.randint(1, 40)}" if chance(0.3) else "")
        col = pick(MX_COLONIAS)
        c, pre = pick(MX_CITIES)
        cp = pre + digits(5 - len(pre))
        return Addr([street, col, f"{cp} {c}"], loc, street_only=street)
    if loc == "it_IT":
        sname = f.street_name()
        num = str(RNG.randint(1, 220)) + (pick(["/A", "/B", " bis"]) if chance(0.1) else "")
        street = pick([f"{sname} {num}", f"{sname}, {num}"])
        c, prov, pre = pick(IT_CITIES)
        cap = pre + digits(2)
        return Addr([street, pick([f"{cap} {c} ({prov})", f"{cap} {c} {prov}", f"{cap} {c}"])], loc, street_only=street)
    if loc == "nl_NL":
        num = str(RNG.randint(1, 300)) + (pick(["A", "B", "-2", "-III", " hs", "-1"]) if chance(0.3) else "")
        street = f"{f.street_name()} {num}"
        c, pre = pick(NL_CITIES)
        letters = "ABCDEGHJKLMNPRTVWXZ"
        pc = f"{pre}{digits(2)} {pick(letters)}{pick(letters)}"
        return Addr([street, f"{pc} {c}" if chance(0.8) else f"{pc}  {c.upper()}"], loc, street_only=street)
    if loc == "pt_PT":
        street = f"{f.street_name()}, {RNG.randint(1, 250)}" + (pick([", 2.º Esq.", ", 3.º Dto.", ", r/c", ", 1.º Frente"]) if chance(0.45) else "")
        c, pre = pick(PT_CITIES)
        cp = (pre + digits(4 - len(pre))) + "-" + digits(3)
        return Addr([street, f"{cp} {c}"], loc, street_only=street)
    if loc == "pt_BR":
        street = f"{pick(BR_STREETS) if chance(0.7) else 'Rua ' + f.name()}, {RNG.randint(10, 3900)}"
        if chance(0.4):
            street += pick([f", apto {RNG.randint(11, 1204)}", f" - Apto {RNG.randint(11, 1204)}", f", casa {RNG.randint(1, 9)}",
                            f", bloco {pick('ABC')}, ap. {RNG.randint(11, 304)}"])
        c, uf, pre = pick(BR_CITIES)
        cep = (pre + digits(5 - len(pre))) + "-" + digits(3)
        b = pick(BR_BAIRROS)
        if chance(0.5):
            return Addr([street, f"{b}, {c} - {uf}", cep], loc, street_only=street)
        return Addr([street, f"{b} - {c}/{uf}", f"CEP {cep}"], loc, street_only=street)
    if loc == "pl_PL":
        num = str(RNG.randint(1, 180)) + (f"/{RNG.randint(1, 90)}" if chance(0.6) else "")
        street = f"{pick(['ul.', 'ul.', 'al.', 'os.'])} {f.street_name()} {num}"
        c, pres = pick(PL_CITIES)
        return Addr([street, f"{pick(pres)}-{digits(3)} {c}"], loc, street_only=street)
    if loc == "sv_SE":
        street = f"{f.street_name()} {RNG.randint(1, 120)}{pick(['', '', '', 'A', 'B'])}" + (f", lgh {RNG.randint(1001, 1603)}" if chance(0.25) else "")
        c, pre = pick(SE_CITIES)
        return Addr([street, f"{pre}{digits(1)} {digits(2)} {c}"], loc, street_only=street)
    if loc == "da_DK":
        street = f"{f.street_name()} {RNG.randint(1, 140)}" + (pick([", 2. th.", ", 1. tv.", ", st.", ", 3. mf."]) if chance(0.4) else "")
        return Addr([street, pick(DK_CITIES)], loc, street_only=street)
    if loc == "no_NO":
        street = f"{f.street_name()} {RNG.randint(1, 120)}{pick(['', '', 'A', 'B'])}"
        return Addr([street, pick(NO_CITIES)], loc, street_only=street)
    if loc == "fi_FI":
        street = f"{f.street_name()} {RNG.randint(1, 60)}" + (f" {pick('ABCD')} {RNG.randint(1, 40)}" if chance(0.5) else "")
        return Addr([street, pick(FI_CITIES)], loc, street_only=street)
    if loc == "cs_CZ":
        street = f"{f.street_name()} {RNG.randint(100, 2900)}/{RNG.randint(1, 60)}"
        return Addr([street, pick(CZ_CITIES)], loc, street_only=street)
    if loc == "ro_RO":
        street = f"{f.street_name()} nr. {RNG.randint(1, 150)}" + (f", bl. {pick('ABCDM')}{RNG.randint(1, 9)}, sc. {RNG.randint(1, 3)}, ap. {RNG.randint(1, 60)}" if chance(0.4) else "")
        c, pre = pick(RO_CITIES)
        return Addr([street, f"{pre}{digits(6 - len(pre))} {c}"], loc, street_only=street)
    if loc == "tr_TR":
        d, il, pre = pick(TR_PLACES)
        street = f"{pick(TR_MAH)} Mah. {pick(TR_CAD) if chance(0.5) else fk('tr_TR').last_name() + ' Sok.'} No: {RNG.randint(1, 140)}" + (f" D: {RNG.randint(1, 24)}" if chance(0.6) else "")
        return Addr([street, f"{pre}{digits(2)} {d}/{il}"], loc, street_only=street)
    if loc == "el_GR":
        street = f"{pick(GR_STREETS)} {RNG.randint(1, 190)}"
        return Addr([street, pick(GR_CITIES)], loc, street_only=street)
    if loc == "ru_RU":
        street = f"{pick(RU_STREETS)}, d. {RNG.randint(1, 120)}" + (f", kv. {RNG.randint(1, 300)}" if chance(0.7) else "")
        c, pre = pick(RU_CITIES)
        return Addr([street, f"{c}, {pre}{digits(6 - len(pre))}"], loc, street_only=street)
    if loc == "ru_RU_cyr":
        street = f"{pick(RU_STREETS_CYR)}, д. {RNG.randint(1, 120)}, кв. {RNG.randint(1, 300)}"
        c, pre = pick(RU_CITIES_CYR)
        return Addr([street, f"{pre}{digits(6 - len(pre))}, г. {c}"], "ru_RU", street_only=street)
    if loc == "ja_JP":
        dist, ward, city, pre = pick(JP_PLACES)
        chome = f"{RNG.randint(1, 6)}-{RNG.randint(1, 25)}-{RNG.randint(1, 20)}"
        line1 = f"{chome} {dist}"
        lines = [line1, f"{ward}, {city} {pre}{digits(2)}"]
        if chance(0.4):
            lines.insert(0, f"{pick(JP_BUILDINGS)} {RNG.randint(1, 9)}0{RNG.randint(1, 9)}")
        return Addr(lines, loc, street_only=line1)
    raise ValueError(loc)


def addr_one(loc: str) -> Val:
    a = make_addr(loc)
    return Val("address", a.oneline, f"address {loc} one line", {"addr": a})


def addr_street(loc: str) -> Val:
    a = make_addr(loc)
    return Val("address", a.street_only, f"address {loc} street only", {"addr": a})


def addr_lines(loc: str, upper: bool = False) -> list:
    a = make_addr(loc)
    out: list = []
    for i, line in enumerate(a.lines):
        if i:
            out.append("\n")
        if line.startswith("CEP "):  # the cue word stays outside the span
            out.append("CEP ")
            line = line[4:]
        out.append(Val("address", line.upper() if upper else line,
                       f"address {loc} {len(a.lines)} lines{' uppercase' if upper else ''}"))
    return out


# ---------------------------------------------------------------- phones

REGION = {"en_US": "US", "en_GB": "GB", "en_IN": "IN", "en_AU": "AU", "en_CA": "CA", "en_IE": "IE",
          "en_NZ": "NZ", "de_DE": "DE", "de_AT": "AT", "de_CH": "CH", "fr_FR": "FR", "fr_CA": "CA",
          "fr_CH": "CH", "fr_BE": "BE", "nl_BE": "BE", "es_ES": "ES", "es_MX": "MX", "it_IT": "IT",
          "nl_NL": "NL", "pt_BR": "BR", "pt_PT": "PT", "pl_PL": "PL", "sv_SE": "SE", "da_DK": "DK",
          "no_NO": "NO", "fi_FI": "FI", "cs_CZ": "CZ", "ro_RO": "RO", "tr_TR": "TR", "el_GR": "GR",
          "ru_RU": "RU", "ja_JP": "JP"}
PNT = phonenumbers.PhoneNumberType
PNF = phonenumbers.PhoneNumberFormat


def rand_phone(region: str, mobile: bool):
    ntype = PNT.MOBILE if mobile else PNT.FIXED_LINE
    if region in ("US", "CA"):
        ntype = PNT.FIXED_LINE_OR_MOBILE
    ex = phonenumbers.example_number_for_type(region, ntype)
    if ex is None:
        ex = phonenumbers.example_number_for_type(region, PNT.FIXED_LINE_OR_MOBILE)
    nsn = phonenumbers.national_significant_number(ex)
    cc = ex.country_code
    for attempt in range(4000):
        keep = RNG.randint(1, 3) if attempt < 3000 else 3
        keep = min(keep, len(nsn) - 4)
        cand = nsn[:keep] + digits(len(nsn) - keep)
        if region in ("US", "CA"):
            cand = digits(3, True) + digits(3, True) + digits(4)
            if cand[3:6] == "555" or cand[1:3] == "11" or cand[4:6] == "11":
                continue
        try:
            num = phonenumbers.parse(f"+{cc}{cand}")
        except phonenumbers.NumberParseException:
            continue
        if not phonenumbers.is_valid_number(num) or len(cand) < len(nsn) - 1:
            continue
        t = phonenumbers.number_type(num)
        if region in ("US", "CA"):
            if phonenumbers.region_code_for_number(num) != region:
                continue
        elif t not in (ntype, PNT.FIXED_LINE_OR_MOBILE):
            continue
        return num
    raise RuntimeError(f"no phone for {region}")


def phone(loc: str, fmt: str | None = None, mobile: bool | None = None, ext: bool = False) -> Val:
    region = REGION[loc]
    mobile = chance(0.6) if mobile is None else mobile
    num = rand_phone(region, mobile)
    intl = phonenumbers.format_number(num, PNF.INTERNATIONAL)
    nat = phonenumbers.format_number(num, PNF.NATIONAL)
    e164 = phonenumbers.format_number(num, PNF.E164)
    cc = str(num.country_code)
    nsn = phonenumbers.national_significant_number(num)
    forms = {"international": intl, "E.164": e164, "national": nat}
    if region in ("US", "CA"):
        a, b, c = nsn[:3], nsn[3:6], nsn[6:]
        forms = {"(ddd) ddd-dddd": f"({a}) {b}-{c}", "ddd-ddd-dddd": f"{a}-{b}-{c}",
                 "ddd.ddd.dddd": f"{a}.{b}.{c}", "+1 ddd-ddd-dddd": f"+1 {a}-{b}-{c}",
                 "1-ddd-ddd-dddd": f"1-{a}-{b}-{c}", "+1 (ddd) ddd-dddd": f"+1 ({a}) {b}-{c}",
                 "dddddddddd": nsn, "E.164": e164, "ddd ddd dddd": f"{a} {b} {c}"}
    else:
        if phonenumbers.PhoneMetadata.metadata_for_region(region).international_prefix == "00":
            forms["00 international"] = "00" + intl[1:]
        forms["international dashes"] = intl.replace(" ", "-")
        forms["national compact"] = re.sub(r"[\s\-()/]", "", nat)
        if region in ("DE", "AT", "CH", "GB", "NL", "BE", "IT") and nat.startswith("0"):
            rest = intl[len(cc) + 2:]
            forms["+cc (0) national"] = f"+{cc} (0){rest}" if region != "IT" else f"+{cc} {rest}"
        if region in ("DE", "AT"):
            parts = nat.split(" ", 1)
            if len(parts) == 2:
                forms["national slash"] = f"{parts[0]}/{parts[1].replace(' ', '')}"
                forms["national dash"] = f"{parts[0]}-{parts[1].replace(' ', '')}"
        if region in ("FR", "BE", "CH"):
            forms["national dots"] = nat.replace(" ", ".")
        if region in ("ES", "IT", "PT", "PL", "SE", "NO", "DK", "FI", "CZ", "RO", "TR", "GR"):
            forms["international no spaces after cc"] = f"+{cc} {nsn}"
        if region == "GB":
            forms["national no spaces"] = nat.replace(" ", "")
        if region == "IN":
            forms["10 digits"] = nsn
        if region == "BR":
            forms["international paren"] = f"+{cc} ({nsn[:2]}) {nsn[2:-4]}-{nsn[-4:]}"
    name = fmt if fmt in forms else pick(sorted(forms))
    text = forms[name]
    desc = f"phone {loc} {name}{' mobile' if mobile else ''}"
    if ext:
        e = pick([f" ext. {RNG.randint(10, 4999)}", f" x{RNG.randint(10, 999)}", f" ext {RNG.randint(100, 999)}"])
        text += e
        desc += " with extension (in span)"
    return Val("phone", text, desc, {"region": region})


# ---------------------------------------------------------------- email

DOMAINS = {
    "en_US": ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com", "hotmail.com", "comcast.net", "proton.me"],
    "en_GB": ["gmail.com", "btinternet.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com", "sky.com"],
    "en_IN": ["gmail.com", "rediffmail.com", "yahoo.co.in", "outlook.com"],
    "en_AU": ["gmail.com", "bigpond.com", "outlook.com.au", "optusnet.com.au"],
    "en_CA": ["gmail.com", "rogers.com", "shaw.ca", "sympatico.ca"],
    "en_IE": ["gmail.com", "eircom.net", "hotmail.com"],
    "en_NZ": ["gmail.com", "xtra.co.nz"],
    "de_DE": ["gmx.de", "web.de", "t-online.de", "gmail.com", "posteo.de", "freenet.de"],
    "de_AT": ["gmx.at", "aon.at", "chello.at", "gmail.com"],
    "de_CH": ["bluewin.ch", "gmx.ch", "hispeed.ch", "gmail.com"],
    "fr_CH": ["bluewin.ch", "gmail.com"],
    "fr_FR": ["orange.fr", "free.fr", "laposte.net", "gmail.com", "sfr.fr", "wanadoo.fr"],
    "fr_CA": ["videotron.ca", "gmail.com", "hotmail.ca"],
    "fr_BE": ["skynet.be", "gmail.com", "telenet.be"],
    "nl_BE": ["telenet.be", "skynet.be", "gmail.com"],
    "es_ES": ["gmail.com", "hotmail.es", "yahoo.es", "telefonica.net"],
    "es_MX": ["gmail.com", "hotmail.com", "prodigy.net.mx", "outlook.com"],
    "it_IT": ["libero.it", "virgilio.it", "gmail.com", "tiscali.it", "alice.it"],
    "nl_NL": ["ziggo.nl", "kpnmail.nl", "gmail.com", "hotmail.nl", "xs4all.nl"],
    "pt_BR": ["gmail.com", "uol.com.br", "bol.com.br", "hotmail.com", "terra.com.br"],
    "pt_PT": ["sapo.pt", "gmail.com", "hotmail.com", "netcabo.pt"],
    "pl_PL": ["wp.pl", "onet.pl", "o2.pl", "interia.pl", "gmail.com"],
    "sv_SE": ["telia.com", "hotmail.se", "gmail.com", "bredband.net"],
    "da_DK": ["live.dk", "gmail.com", "mail.dk", "jubii.dk"],
    "no_NO": ["online.no", "gmail.com", "hotmail.no"],
    "fi_FI": ["gmail.com", "elisanet.fi", "luukku.com"],
    "cs_CZ": ["seznam.cz", "email.cz", "centrum.cz", "gmail.com"],
    "ro_RO": ["yahoo.com", "gmail.com"],
    "tr_TR": ["gmail.com", "hotmail.com", "yandex.com.tr"],
    "el_GR": ["gmail.com", "otenet.gr", "yahoo.gr"],
    "ru_RU": ["yandex.ru", "mail.ru", "gmail.com", "rambler.ru"],
    "ja_JP": ["gmail.com", "yahoo.co.jp", "docomo.ne.jp", "icloud.com"],
}
WORK_DOMAINS = ["brightlane.io", "kestrel-logistics.com", "nordhaven.de", "atelier-morel.fr",
                "gruppo-ferraris.it", "vanleeuwen-bouw.nl", "soluciones-ibarra.es", "hollowaylaw.co.uk",
                "pinecrest-dental.com", "mailbox.org", "uni-hamburg.de", "ed.ac.uk", "stanford.edu",
                "korpela.fi", "studio-novak.cz", "andersen-revision.dk"]


def email(loc: str, parts: dict | None = None, work: bool | None = None) -> Val:
    p = parts or person_parts(loc)
    fi = re.sub(r"[^a-z]", "", fold(p["first"]).lower()) or "x"
    la = re.sub(r"[^a-z]", "", fold(p["last"].split()[0]).lower()) or "y"
    yr = str(RNG.randint(60, 99)) if chance(0.5) else str(RNG.randint(1962, 2004))
    local = pick([f"{fi}.{la}", f"{fi[0]}{la}", f"{fi}{la}", f"{fi}_{la}", f"{la}.{fi}",
                  f"{fi}.{la}{RNG.randint(1, 99)}", f"{fi}{yr}", f"{fi[0]}.{la}", f"{la}{fi[0]}{yr[-2:]}",
                  f"{fi}.{la}+{pick(['shop', 'news', 'bank', 'work'])}"])
    work = chance(0.25) if work is None else work
    dom = pick(WORK_DOMAINS) if work else pick(DOMAINS.get(loc, DOMAINS["en_US"]))
    text = f"{local}@{dom}"
    kind = "work domain" if work else "freemail"
    if "+" in local:
        kind += " plus-tag"
    if chance(0.05):
        text = text[0].upper() + text[1:]
    return Val("email", text, f"email {loc} {kind}")


# ---------------------------------------------------------------- ip

V6_PREFIX = ["2a02:810d", "2003:e2", "2a01:cb00", "2600:1700", "2804:14c", "2a00:23c6", "2001:16b8",
             "2a02:a44", "2605:a601", "2401:4900", "2a01:4f8", "2a0a:a541"]


def ip(v6: bool | None = None, private: bool = False) -> Val:
    v6 = chance(0.25) if v6 is None else v6
    if private:
        text = pick([f"192.168.{RNG.randint(0, 2)}.{RNG.randint(2, 254)}", f"10.{RNG.randint(0, 60)}.{RNG.randint(0, 255)}.{RNG.randint(2, 254)}",
                     f"172.{RNG.randint(16, 31)}.{RNG.randint(0, 255)}.{RNG.randint(2, 254)}"])
        return Val("ip", text, "ip v4 private range")
    if v6:
        pre = pick(V6_PREFIX)
        groups = pre.split(":") + [f"{RNG.randint(0, 0xffff):x}" for _ in range(8 - len(pre.split(":")))]
        if chance(0.5):
            for i in range(4, 7):
                groups[i] = "0"
        addr = ipaddress.IPv6Address(":".join(groups))
        text = addr.compressed if chance(0.8) else addr.exploded
        return Val("ip", text, "ip v6 " + ("compressed" if text == addr.compressed else "full"))
    while True:
        a = ipaddress.IPv4Address(RNG.randint(0x01000000, 0xDFFFFFFF))
        if a.is_global and not str(a).startswith(("192.0.2.", "198.51.100.", "203.0.113.")):
            return Val("ip", str(a), "ip v4 public")


# ---------------------------------------------------------------- cards

CARD_BRANDS = {
    "Visa": (lambda: "4" + digits(5), 16), "Mastercard": (lambda: str(RNG.randint(51, 55)) + digits(4), 16),
    "Mastercard 2-series": (lambda: str(RNG.randint(2221, 2720)) + digits(2), 16),
    "Amex": (lambda: pick(["34", "37"]) + digits(4), 15), "Discover": (lambda: "6011" + digits(2), 16),
    "JCB": (lambda: str(RNG.randint(3528, 3589)) + digits(2), 16),
    "Diners": (lambda: "36" + digits(4), 14), "UnionPay": (lambda: "62" + digits(4), 16),
    "Maestro": (lambda: pick(["6759", "5018", "6304"]) + digits(2), 19),
}


def card(brand: str | None = None, fmt: str | None = None) -> Val:
    brand = brand or wpick([("Visa", 10), ("Mastercard", 6), ("Mastercard 2-series", 2), ("Amex", 4),
                            ("Discover", 2), ("JCB", 1), ("Diners", 1), ("UnionPay", 1), ("Maestro", 1)])
    pre, n = CARD_BRANDS[brand]
    body = pre()
    body += digits(n - 1 - len(body))
    num = body + luhn.calc_check_digit(body)
    assert luhn.is_valid(num) and len(num) == n
    fmt = fmt or pick(["spaces", "spaces", "dashes", "compact"])
    if n == 15 or n == 14:
        g = [num[:4], num[4:10], num[10:]]
    elif n == 19:
        g = [num[:4], num[4:8], num[8:12], num[12:16], num[16:]]
    else:
        g = [num[i:i + 4] for i in range(0, n, 4)]
    text = {"spaces": " ".join(g), "dashes": "-".join(g), "compact": num}[fmt]
    return Val("card", text, f"card {brand} {fmt}")


# ---------------------------------------------------------------- IBAN

def _letters_to_digits(s: str) -> str:
    return "".join(str(ord(c) - 55) if c.isalpha() else c for c in s)


def _fr_key(bank: str, branch: str, acct: str) -> str:
    conv = {c: v for v, cs in enumerate(["AJ", "BKS", "CLT", "DMU", "ENV", "FOW", "GPX", "HQY", "IRZ"], 1) for c in cs}
    acct_d = "".join(str(conv.get(c, c)) for c in acct)
    return f"{97 - ((89 * int(bank) + 15 * int(branch) + 3 * int(acct_d)) % 97):02d}"


_IT_ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23]


def _it_cin(s: str) -> str:
    tot = 0
    for i, c in enumerate(s):
        v = int(c) if c.isdigit() else ord(c) - 65
        tot += _IT_ODD[v] if i % 2 == 0 else v
    return UP[tot % 26]


def bban(cc: str) -> str:
    if cc == "DE":
        return pick(["10070000", "10010010", "20040000", "37040044", "50010517", "60050101", "70020270",
                     "12030000", "43060967", "76026000", "86055592", "30050110", "20050550"]) + digits(10)
    if cc == "AT":
        return pick(["20111", "12000", "32000", "14000", "60000", "38000", "20815"]) + digits(11)
    if cc == "CH":
        return pick(["00762", "09000", "00700", "04835", "00235", "80808"]) + digits(12)
    if cc == "LI":
        return pick(["08800", "08810"]) + digits(12)
    if cc == "FR":
        bank, branch, acct = pick(["30004", "30003", "30002", "20041", "10278", "30066", "17515", "18206"]), digits(5), digits(11)
        return bank + branch + acct + _fr_key(bank, branch, acct)
    if cc == "ES":
        b = pick(["2100", "0049", "0182", "0081", "2038", "0128", "1465", "0075"]) + digits(4) + "00" + digits(10)
        return b[:8] + es_ccc.calc_check_digits(b) + b[10:]
    if cc == "IT":
        rest = pick(["03069", "02008", "05034", "03062", "01030", "05696"]) + digits(5) + digits(12)
        return _it_cin(rest) + rest
    if cc == "NL":
        while True:
            acct = digits(10)
            if sum(int(d) * w for d, w in zip(acct, range(10, 0, -1), strict=True)) % 11 == 0:
                return pick(["INGB", "ABNA", "RABO", "SNSB", "TRIO", "KNAB", "BUNQ", "ASNB", "RBRB"]) + acct
    if cc == "BE":
        b = pick(["001", "068", "310", "363", "735", "230", "063", "143", "751"]) + digits(7)
        ck = int(b) % 97 or 97
        return b + f"{ck:02d}"
    if cc == "PT":
        b = pick(["0035", "0033", "0010", "0036", "0018", "0007", "0269"]) + digits(4) + digits(11)
        return b + f"{98 - (int(b + '00') % 97):02d}"
    if cc == "PL":
        pre = pick(["1020", "1140", "1050", "1090", "1240", "1160", "1750"]) + digits(3)
        ck = (10 - sum(int(d) * w for d, w in zip(pre, [3, 9, 7, 1, 3, 9, 7], strict=True)) % 10) % 10
        return pre + str(ck) + digits(16)
    if cc == "SE":
        return pick(["500", "800", "600", "300", "957"]) + digits(17)
    if cc == "DK":
        return pick(["3000", "2000", "5301", "0400", "9570"]) + digits(10)
    if cc == "NO":
        while True:
            b = pick(["1503", "1254", "9710", "3000", "6011"]) + digits(6)
            s = sum(int(d) * w for d, w in zip(b, [5, 4, 3, 2, 7, 6, 5, 4, 3, 2], strict=True))
            ck = (11 - s % 11) % 11
            if ck != 10:
                return b + str(ck)
    if cc == "FI":
        b = pick(["1", "5", "8", "3", "4"]) + digits(12)
        return b + luhn.calc_check_digit(b)
    if cc == "CZ":
        while True:
            acct = digits(10)
            if sum(int(d) * w for d, w in zip(acct, [6, 3, 7, 9, 10, 5, 8, 4, 2, 1], strict=True)) % 11 == 0:
                return pick(["0100", "0300", "0800", "2010", "0600", "5500"]) + "000000" + acct
    if cc == "RO":
        return pick(["BTRL", "RNCB", "BRDE", "INGB", "RZBR", "BACX"]) + "RONCRT" + digits(10)
    if cc == "TR":
        return pick(["00010", "00062", "00046", "00064", "00067"]) + "0" + digits(16)
    if cc == "GR":
        return pick(["011", "017", "026", "014"]) + digits(4) + digits(16)
    if cc == "GB":
        return pick(["NWBK", "BARC", "LOYD", "HBUK", "MIDL", "MONZ", "NAIA"]) + digits(6) + digits(8)
    if cc == "IE":
        return pick(["AIBK", "BOFI", "IPBS"]) + digits(6) + digits(8)
    if cc == "LU":
        return pick(["001", "002", "003", "014"]) + digits(13)
    raise ValueError(cc)


def iban(cc: str, fmt: str | None = None) -> Val:
    for _ in range(5000):
        b = bban(cc)
        num = cc + std_iban.calc_check_digits(cc + "00" + b) + b
        if std_iban.is_valid(num):
            break
    else:
        raise RuntimeError(cc)
    assert int(_letters_to_digits(num[4:] + num[:4])) % 97 == 1
    fmt = fmt or pick(["groups of 4", "groups of 4", "compact"])
    text = {"groups of 4": std_iban.format(num), "compact": num, "lowercase compact": num.lower()}[fmt]
    return Val("iban", text, f"iban {cc} {fmt}")


LOC_CC = {"de_DE": "DE", "de_AT": "AT", "de_CH": "CH", "fr_CH": "CH", "fr_FR": "FR", "fr_BE": "BE",
          "nl_BE": "BE", "es_ES": "ES", "it_IT": "IT", "nl_NL": "NL", "pt_PT": "PT", "pl_PL": "PL",
          "sv_SE": "SE", "da_DK": "DK", "no_NO": "NO", "fi_FI": "FI", "cs_CZ": "CZ", "ro_RO": "RO",
          "tr_TR": "TR", "el_GR": "GR", "en_GB": "GB", "en_IE": "IE"}


# ---------------------------------------------------------------- SSN

def ssn(fmt: str | None = None) -> Val:
    while True:
        area = RNG.randint(1, 899)
        if area == 666:
            continue
        s = f"{area:03d}{RNG.randint(1, 99):02d}{RNG.randint(1, 9999):04d}"
        if us_ssn.is_valid(s):
            break
    fmt = fmt or pick(["dashes", "dashes", "dashes", "spaces", "compact"])
    text = {"dashes": f"{s[:3]}-{s[3:5]}-{s[5:]}", "spaces": f"{s[:3]} {s[3:5]} {s[5:]}", "compact": s}[fmt]
    return Val("ssn", text, f"ssn {fmt}")


# ---------------------------------------------------------------- national ID numbers

def brute(make, valid, tries: int = 20000) -> str:
    for _ in range(tries):
        cand = make()
        if cand and valid(cand):
            return cand
    raise RuntimeError("brute failed")


def with_check(body_fn, valid, alphabet=DIG):
    def make():
        b = body_fn()
        for c in alphabet:
            if valid(b + c):
                return b + c
        return None
    return brute(make, lambda x: True)


DE_DOC = "0123456789CFGHJKLMNPRTVWXYZ"


def _de_idnr():
    def make():
        ds = list("0123456789")
        RNG.shuffle(ds)
        nine = ds[:9]
        if nine[0] == "0":
            nine[0], nine[1] = nine[1], nine[0]
        dup = pick(nine)
        pos = RNG.randint(1, 9)
        ten = nine[:pos] + [dup] + nine[pos:]
        b = "".join(ten)
        for c in DIG:
            if de_idnr.is_valid(b + c):
                return b + c
        return None
    return brute(make, lambda x: True)


def _de_rvnr(d: dt.date, sex: str, last: str) -> str:
    area = pick(["12", "13", "15", "24", "28", "40", "53", "65"])
    letter = (fold_plain(last)[:1] or "M").upper()
    serial = f"{RNG.randint(0, 49) if sex == 'M' else RNG.randint(50, 99):02d}"
    body = area + d.strftime("%d%m%y") + f"{ord(letter) - 64:02d}" + serial
    w = [2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1]
    tot = sum(sum(divmod(int(c) * wi, 10)) for c, wi in zip(body, w, strict=True))
    return f"{area} {d.strftime('%d%m%y')} {letter} {serial}{tot % 10}"


def _uk_dvla(last: str, first: str, d: dt.date, sex: str) -> str:
    sur = re.sub(r"[^A-Z]", "", fold_plain(last).upper())[:5].ljust(5, "9")
    month = d.month + (50 if sex == "F" else 0)
    ini = re.sub(r"[^A-Z]", "", fold_plain(first).upper())[:1] + pick(UP)
    return f"{sur}{str(d.year)[2]}{month:02d}{d.day:02d}{str(d.year)[3]}{ini}9{pick(UP)}{pick(UP)}"


def _nino() -> str:
    bad1, bad2 = set("DFIQUV"), set("DFIQUVO")
    while True:
        a, b = pick(UP), pick(UP)
        if a in bad1 or b in bad2 or a + b in ("BG", "GB", "KN", "NK", "NT", "TN", "ZZ"):
            continue
        return f"{a}{b}{digits(6)}{pick('ABCD')}"


def _it_cf(first: str, last: str, d: dt.date, sex: str) -> str:
    def cons(s):
        return [c for c in s if c.isalpha() and c not in "AEIOU"]

    def vows(s):
        return [c for c in s if c in "AEIOU"]
    L = re.sub(r"[^A-Z]", "", fold_plain(last).upper())
    F = re.sub(r"[^A-Z]", "", fold_plain(first).upper())
    s = "".join((cons(L) + vows(L) + ["X"] * 3)[:3])
    fc = cons(F)
    if len(fc) >= 4:
        fc = [fc[0], fc[2], fc[3]]
    n = "".join((fc + vows(F) + ["X"] * 3)[:3])
    day = d.day + (40 if sex == "F" else 0)
    body = f"{s}{n}{d.year % 100:02d}{'ABCDEHLMPRST'[d.month - 1]}{day:02d}{pick(['H501', 'F205', 'L219', 'F839', 'G273', 'A944', 'D612', 'L736', 'D969', 'A662', 'L781', 'G224'])}"
    return body + it_cf.calc_check_digit(body)


def _mx_curp(first: str, last: str, d: dt.date, sex: str) -> str:
    surnames = fold_plain(last).upper().split()
    p = re.sub(r"[^A-Z]", "", surnames[0])
    m = re.sub(r"[^A-Z]", "", surnames[1]) if len(surnames) > 1 else "X"
    g = re.sub(r"[^A-Z]", "", fold_plain(first).upper().split()[0])

    def first_inner(s, vowels):
        for c in s[1:]:
            if (c in "AEIOU") == vowels:
                return c
        return "X"
    head = p[0] + first_inner(p, True) + m[0] + g[0]
    if head in {"BUEI", "CACA", "CAGA", "COGE", "COJO", "CULO", "FETO", "GUEY", "JOTO", "KACA", "KAKA",
                "LOCO", "MAME", "MEAR", "MION", "MOCO", "MULA", "PEDA", "PENE", "PUTA", "PUTO", "QULO",
                "RATA", "RUIN", "BUEY", "CACO", "COLA", "KULO", "MEAS", "PEDO", "POPO", "VAGA", "VUEY"}:
        head = head[0] + "X" + head[2:]
    state = pick(["DF", "JC", "NL", "PL", "QT", "YN", "MC", "GT", "VZ", "CH"])
    body = (head + d.strftime("%y%m%d") + ("H" if sex == "M" else "M") + state + first_inner(p, False)
            + first_inner(m, False) + first_inner(g, False) + (pick(DIG) if d.year < 2000 else pick(UP)))
    return body + mx_curp.calc_check_digit(body + "0")


def _mx_rfc(first: str, last: str, d: dt.date) -> str:
    surnames = fold_plain(last).upper().split()
    p = re.sub(r"[^A-Z]", "", surnames[0])
    m = re.sub(r"[^A-Z]", "", surnames[1]) if len(surnames) > 1 else "X"
    g = re.sub(r"[^A-Z]", "", fold_plain(first).upper().split()[0])
    v = next((c for c in p[1:] if c in "AEIOU"), "X")
    head = p[0] + v + m[0] + g[0]
    body = head + d.strftime("%y%m%d") + pick(UP + DIG) + pick(UP + DIG)
    return with_check(lambda: body, mx_rfc.is_valid, DIG + "A")


def _pl_dowod() -> str:
    vals = {c: i for i, c in enumerate(DIG + UP)}
    letters = "".join(pick(UP) for _ in range(3))
    rest = digits(5)
    w = [7, 3, 1, 7, 3, 1, 7, 3]
    tot = sum(vals[c] * wi for c, wi in zip(letters + rest, w, strict=True))
    return f"{letters} {tot % 10}{rest}"


def _snils() -> str:
    while True:
        b = digits(9, True)
        s = sum(int(c) * (9 - i) for i, c in enumerate(b))
        if s < 100:
            ck = s
        elif s in (100, 101):
            ck = 0
        else:
            ck = s % 101
            ck = 0 if ck == 100 else ck
        return f"{b[:3]}-{b[3:6]}-{b[6:]} {ck:02d}"


def _au_medicare() -> str:
    b = str(RNG.randint(2, 6)) + digits(7)
    ck = sum(int(c) * w for c, w in zip(b, [1, 3, 7, 9, 1, 3, 7, 9], strict=True)) % 10
    n = b + str(ck) + str(RNG.randint(1, 5))
    return f"{n[:4]} {n[4:9]} {n[9]}"


def _us_dl() -> tuple[str, str]:
    st = pick(["CA", "NY", "TX", "FL", "IL", "WA", "PA", "NJ", "MI", "OH"])
    L = pick(UP)
    if st == "CA":
        return st, f"{L}{digits(7)}"
    if st == "NY":
        d = digits(9)
        return st, f"{d[:3]} {d[3:6]} {d[6:]}"
    if st == "TX":
        return st, digits(8, True)
    if st == "FL":
        d = digits(12)
        return st, f"{L}{d[:3]}-{d[3:6]}-{d[6:8]}-{d[8:11]}-{d[11]}"
    if st == "IL":
        d = digits(11)
        return st, f"{L}{d[:3]}-{d[3:7]}-{d[7:]}"
    if st == "WA":
        return st, "WDL" + "".join(pick(UP + DIG) for _ in range(9))
    if st == "PA":
        d = digits(8)
        return st, f"{d[:2]} {d[2:5]} {d[5:]}"
    if st == "NJ":
        d = digits(14)
        return st, f"{L}{d[:4]} {d[4:9]} {d[9:]}"
    if st == "MI":
        d = digits(12)
        return st, f"{L} {d[:3]} {d[3:6]} {d[6:9]} {d[9:]}"
    d = digits(6)
    return st, f"{pick(UP)}{pick(UP)}{d}"


def _no_fnr(d: dt.date, sex: str) -> str:
    def make():
        if d.year < 2000:
            ind = RNG.randint(0, 499) if d.year < 1940 or chance(0.7) else RNG.randint(900, 999)
        else:
            ind = RNG.randint(500, 999)
        if (ind % 10) % 2 != (1 if sex == "M" else 0):
            ind = ind - 1 if ind % 10 else ind + 1
        b = d.strftime("%d%m%y") + f"{ind:03d}"
        k1 = no_fnr.calc_check_digit1(b)
        if k1 == "10":
            return None
        k2 = no_fnr.calc_check_digit2(b + k1)
        if k2 == "10":
            return None
        return b + k1 + k2
    return brute(make, no_fnr.is_valid)


def idnum(loc: str, which: str | None = None, d: dt.date | None = None, sex: str | None = None,
          parts: dict | None = None) -> Val:
    """A national ID / passport / licence / tax number for the locale."""
    p = parts or person_parts(loc, sex)
    sex = p["sex"]
    d = d or rand_date(1940, 2004)
    gens = ID_GENS[loc]
    names = [n for n, _ in gens]
    name = which if which in names else pick(names)
    text = dict(gens)[name](p, d, sex)
    extra = ""
    if isinstance(text, tuple):
        text, extra = text[0], " " + text[1]
    return Val("id_number", text, f"id_number {loc} {name}{extra}", {"name": name})


def _fmt_idnr(x):
    return pick([x, de_idnr.format(x), f"{x[:2]} {x[2:5]} {x[5:8]} {x[8:]}"])


def _se(d, sex):
    def make():
        serial = digits(2)
        last3 = str(RNG.choice([1, 3, 5, 7, 9] if sex == "M" else [0, 2, 4, 6, 8]))
        b = d.strftime("%y%m%d") + serial + last3
        return b + luhn.calc_check_digit(b)
    n = brute(make, se_pnr.is_valid)
    return pick([f"{n[:6]}-{n[6:]}", f"{d.year // 100}{n[:6]}-{n[6:]}", f"{d.year // 100}{n}"])


def _dk(d, sex):
    def make():
        c7 = pick("0123") if d.year < 2000 else "4"
        last = pick("13579" if sex == "M" else "02468")
        return d.strftime("%d%m%y") + c7 + digits(2) + last
    n = brute(make, dk_cpr.is_valid)
    return pick([f"{n[:6]}-{n[6:]}", n])


def _fi(d, sex):
    sign = "-" if d.year < 2000 else "A"

    def make():
        z = RNG.randint(2, 899)
        if (z % 2) != (1 if sex == "M" else 0):
            z += 1
        b = d.strftime("%d%m%y") + sign + f"{z:03d}"
        for c in "0123456789ABCDEFHJKLMNPRSTUVWXY":
            if fi_hetu.is_valid(b + c):
                return b + c
        return None
    return brute(make, lambda x: True)


def _cz(d, sex):
    mm = d.month + (50 if sex == "F" else 0)

    def make():
        b = f"{d.year % 100:02d}{mm:02d}{d.day:02d}" + digits(3)
        ck = (int(b) % 11) % 10
        return b + str(ck)
    n = brute(make, cz_rc.is_valid)
    return f"{n[:6]}/{n[6:]}"


def _ro(d, sex):
    s = ("1" if sex == "M" else "2") if d.year < 2000 else ("5" if sex == "M" else "6")
    b = s + d.strftime("%y%m%d") + f"{pick(list(range(1, 47)) + [51, 52]):02d}" + f"{RNG.randint(1, 999):03d}"
    return b + ro_cnp.calc_check_digit(b)


def _pesel(d, sex):
    off = {19: 0, 20: 20}[d.year // 100]
    b = f"{d.year % 100:02d}{d.month + off:02d}{d.day:02d}" + digits(3) + str(RNG.choice([1, 3, 5, 7, 9] if sex == "M" else [0, 2, 4, 6, 8]))
    return b + pl_pesel.calc_check_digit(b)


def _nir(d, sex):
    dept = f"{pick(list(range(1, 96))):02d}"
    if dept == "20":
        dept = pick(["2A", "2B"])
    b = ("1" if sex == "M" else "2") + d.strftime("%y%m") + dept + f"{RNG.randint(1, 990):03d}" + f"{RNG.randint(1, 999):03d}"
    n = b + fr_nir.calc_check_digits(b)
    assert fr_nir.is_valid(n), n
    return pick([n, f"{n[0]} {n[1:3]} {n[3:5]} {n[5:7]} {n[7:10]} {n[10:13]} {n[13:]}"])


def _be_nn(d, sex):
    def make():
        ser = RNG.randint(1, 997)
        if (ser % 2) != (1 if sex == "M" else 0):
            ser += 1
        b = d.strftime("%y%m%d") + f"{ser:03d}"
        base = int(("2" if d.year >= 2000 else "") + b)
        return b + f"{97 - base % 97:02d}"
    n = brute(make, be_nn.is_valid)
    return pick([be_nn.format(n), n])


def _amka(d, sex):
    def make():
        b = d.strftime("%d%m%y") + digits(3) + str(RNG.choice([1, 3, 5, 7, 9] if sex == "M" else [0, 2, 4, 6, 8]))
        return b + luhn.calc_check_digit(b)
    return brute(make, gr_amka.is_valid)


ID_GENS = {
    "de_DE": [("Steuer-IdNr", lambda p, d, s: _fmt_idnr(_de_idnr())),
              ("Personalausweis number", lambda p, d, s: pick("LMNPRTVWXY") + "".join(pick(DE_DOC) for _ in range(8))),
              ("Reisepass number", lambda p, d, s: "C" + "".join(pick(DE_DOC) for _ in range(8))),
              ("Rentenversicherungsnummer", lambda p, d, s: _de_rvnr(d, s, p["last"]))],
    "de_AT": [("Sozialversicherungsnummer", lambda p, d, s: (lambda n: pick([n, f"{n[:4]} {n[4:]}"]))(
        with_check(lambda: digits(3, True), lambda x: at_vnr.is_valid(x + d.strftime("%d%m%y")) if len(x) == 4 else False) + d.strftime("%d%m%y"))),
              ("Reisepass number", lambda p, d, s: pick("PU") + digits(7))],
    "de_CH": [("AHV-Nr", lambda p, d, s: (lambda b: (lambda n: f"{n[:3]}.{n[3:7]}.{n[7:11]}.{n[11:]}")(b + ean.calc_check_digit(b)))("756" + digits(9)))],
    "fr_CH": [("AVS-Nr", lambda p, d, s: (lambda b: (lambda n: f"{n[:3]}.{n[3:7]}.{n[7:11]}.{n[11:]}")(b + ean.calc_check_digit(b)))("756" + digits(9)))],
    "en_GB": [("National Insurance number", lambda p, d, s: (lambda n: pick([n, f"{n[:2]} {n[2:4]} {n[4:6]} {n[6:8]} {n[8]}"]))(_nino())),
              ("NHS number", lambda p, d, s: (lambda n: f"{n[:3]} {n[3:6]} {n[6:]}")(with_check(lambda: digits(9, True), gb_nhs.is_valid))),
              ("passport number", lambda p, d, s: digits(9, True)),
              ("DVLA driving licence number", lambda p, d, s: _uk_dvla(p["last"], p["first"], d, s))],
    "en_IE": [("PPS number", lambda p, d, s: with_check(lambda: digits(7), ie_pps.is_valid, "ABCDEFGHIJKLMNOPQRSTUVW"))],
    "en_IN": [("Aadhaar", lambda p, d, s: (lambda n: pick([f"{n[:4]} {n[4:8]} {n[8:]}", n]))(with_check(lambda: str(RNG.randint(2, 9)) + digits(10), in_aadhaar.is_valid))),
              ("PAN", lambda p, d, s: brute(lambda: "".join(pick(UP) for _ in range(3)) + "P" + (re.sub(r"[^A-Z]", "", fold_plain(p["last"]).upper())[:1] or "K") + digits(4) + pick(UP), in_pan.is_valid)),
              ("passport number", lambda p, d, s: pick("JKLMNPRSTUVWZ") + digits(7, True))],
    "en_AU": [("TFN", lambda p, d, s: (lambda n: pick([f"{n[:3]} {n[3:6]} {n[6:]}", n]))(with_check(lambda: digits(8, True), au_tfn.is_valid))),
              ("Medicare card number", lambda p, d, s: _au_medicare()),
              ("NSW driver licence", lambda p, d, s: digits(8, True)),
              ("passport number", lambda p, d, s: pick(["PA", "PB", "PE", "N"]) + digits(7))],
    "en_NZ": [("IRD number", lambda p, d, s: (lambda n: f"{n[:3]}-{n[3:6]}-{n[6:]}" if len(n) == 9 else n)(with_check(lambda: "1" + digits(7), nz_ird.is_valid))),
              ("passport number", lambda p, d, s: pick(["LA", "LH", "RA"]) + digits(6))],
    "en_CA": [("SIN", lambda p, d, s: (lambda n: pick([f"{n[:3]} {n[3:6]} {n[6:]}", f"{n[:3]}-{n[3:6]}-{n[6:]}", n]))(with_check(lambda: str(RNG.randint(1, 7)) + digits(7), ca_sin.is_valid))),
              ("Ontario driver's licence", lambda p, d, s: f"{(re.sub(r'[^A-Z]', '', fold_plain(p['last']).upper())[:1] or 'M')}{digits(4)}-{digits(5)}-{d.strftime('%y')}{d.month + (50 if s == 'F' else 0):02d}{d.day // 10}"),
              ("passport number", lambda p, d, s: pick(["AB", "GA", "HK", "PM"]) + digits(6))],
    "en_US": [("passport number", lambda p, d, s: pick([digits(9, True), pick("ACEH") + digits(8)])),
              ("driver's license", lambda p, d, s: (lambda st_n: (st_n[1], f"state {st_n[0]}"))(_us_dl())),
              ("ITIN", lambda p, d, s: (lambda n: f"{n[:3]}-{n[3:5]}-{n[5:]}")(brute(lambda: "9" + digits(2) + str(pick([70, 71, 72, 73, 75, 78, 80, 81, 83, 88, 90, 92, 94, 96, 99])) + digits(4), us_itin.is_valid)))],
    "fr_FR": [("NIR (numéro de sécurité sociale)", lambda p, d, s: _nir(d, s)),
              ("passeport", lambda p, d, s: f"{digits(2)}{pick(UP)}{pick(UP)}{digits(5)}"),
              ("numéro fiscal", lambda p, d, s: str(RNG.randint(0, 3)) + digits(12)),
              ("carte d'identité", lambda p, d, s: digits(12, True))],
    "fr_BE": [("numéro de registre national", lambda p, d, s: _be_nn(d, s))],
    "nl_BE": [("rijksregisternummer", lambda p, d, s: _be_nn(d, s))],
    "fr_CA": [("NAS", lambda p, d, s: (lambda n: pick([f"{n[:3]} {n[3:6]} {n[6:]}", f"{n[:3]}-{n[3:6]}-{n[6:]}"]))(with_check(lambda: str(RNG.randint(1, 7)) + digits(7), ca_sin.is_valid))),
              ("RAMQ", lambda p, d, s: (re.sub(r"[^A-Z]", "", fold_plain(p["last"]).upper()) + "XXX")[:3] + (re.sub(r"[^A-Z]", "", fold_plain(p["first"]).upper()))[:1] + f" {d.strftime('%y')}{d.month + (50 if s == 'F' else 0):02d} {d.day:02d}{digits(2)}")],
    "es_ES": [("DNI", lambda p, d, s: (lambda n: pick([n, f"{n[:8]}-{n[8]}", f"{n[:2]}.{n[2:5]}.{n[5:8]}-{n[8]}"]))(
        (lambda b: b + "TRWAGMYFPDXBNJZSQVHLCKE"[int(b) % 23])(digits(8)))),
              ("NIE", lambda p, d, s: with_check(lambda: pick("XYZ") + digits(7), es_nie.is_valid, UP))],
    "es_MX": [("CURP", lambda p, d, s: _mx_curp(p["first"], p["last"], d, s)),
              ("RFC", lambda p, d, s: _mx_rfc(p["first"], p["last"], d))],
    "it_IT": [("codice fiscale", lambda p, d, s: _it_cf(p["first"], p["last"], d, s)),
              ("carta d'identità", lambda p, d, s: f"CA{digits(5)}{pick(UP)}{pick(UP)}")],
    "nl_NL": [("BSN", lambda p, d, s: (lambda n: pick([n, f"{n[:4]}.{n[4:6]}.{n[6:]}", f"{n[:3]} {n[3:6]} {n[6:]}"]))(with_check(lambda: digits(8, True), nl_bsn.is_valid)))],
    "pt_BR": [("CPF", lambda p, d, s: (lambda n: pick([br_cpf.format(n), n]))(with_check(lambda: digits(9) + "", lambda x: len(x) == 11 and br_cpf.is_valid(x), [f"{i:02d}" for i in range(100)])))],
    "pt_PT": [("NIF", lambda p, d, s: (lambda b: b + pt_nif.calc_check_digit(b))(pick("123") + digits(7))),
              ("Cartão de Cidadão", lambda p, d, s: (lambda n: pt_cc.format(n))(with_check(lambda: digits(8) + pick(DIG) + pick(["ZZ", "ZY", "ZX", "ZW", "ZV"]), pt_cc.is_valid)))],
    "pl_PL": [("PESEL", lambda p, d, s: _pesel(d, s)),
              ("NIP", lambda p, d, s: (lambda n: pick([n, f"{n[:3]}-{n[3:6]}-{n[6:8]}-{n[8:]}"]))(with_check(lambda: digits(9, True), pl_nip.is_valid))),
              ("numer dowodu osobistego", lambda p, d, s: _pl_dowod())],
    "sv_SE": [("personnummer", lambda p, d, s: _se(d, s))],
    "da_DK": [("CPR-nummer", lambda p, d, s: _dk(d, s))],
    "no_NO": [("fødselsnummer", lambda p, d, s: (lambda n: pick([n, f"{n[:6]} {n[6:]}"]))(_no_fnr(d, s)))],
    "fi_FI": [("henkilötunnus", lambda p, d, s: _fi(d, s))],
    "cs_CZ": [("rodné číslo", lambda p, d, s: _cz(d, s))],
    "ro_RO": [("CNP", lambda p, d, s: _ro(d, s))],
    "tr_TR": [("TC Kimlik No", lambda p, d, s: (lambda b: b + tr_tck.calc_check_digits(b))(digits(9, True)))],
    "el_GR": [("AMKA", lambda p, d, s: _amka(d, s)),
              ("AFM", lambda p, d, s: with_check(lambda: digits(8, True), gr_vat.is_valid))],
    "ru_RU": [("INN", lambda p, d, s: (lambda b: b + ru_inn.calc_personal_check_digits(b))(f"{RNG.randint(1, 92):02d}" + digits(8))),
              ("passport", lambda p, d, s: f"{digits(2, True)} {digits(2)} {digits(6)}"),
              ("SNILS", lambda p, d, s: _snils())],
    "ja_JP": [("My Number", lambda p, d, s: (lambda n: pick([f"{n[:4]} {n[4:8]} {n[8:]}", n]))((lambda b: b + jp_in.calc_check_digit(b))(digits(11)))),
              ("passport number", lambda p, d, s: pick(["TK", "TR", "TZ", "MZ"]) + digits(7))],
}

ID_VALIDATORS = {"Steuer-IdNr": de_idnr.is_valid, "AHV-Nr": ch_ssn.is_valid, "AVS-Nr": ch_ssn.is_valid,
                 "NHS number": gb_nhs.is_valid, "PPS number": ie_pps.is_valid, "Aadhaar": in_aadhaar.is_valid,
                 "PAN": in_pan.is_valid, "TFN": au_tfn.is_valid, "IRD number": nz_ird.is_valid,
                 "SIN": ca_sin.is_valid, "NAS": ca_sin.is_valid, "ITIN": us_itin.is_valid,
                 "NIR (numéro de sécurité sociale)": fr_nir.is_valid, "numéro de registre national": be_nn.is_valid,
                 "rijksregisternummer": be_nn.is_valid, "DNI": es_dni.is_valid, "NIE": es_nie.is_valid,
                 "CURP": mx_curp.is_valid, "RFC": mx_rfc.is_valid, "codice fiscale": it_cf.is_valid,
                 "BSN": nl_bsn.is_valid, "CPF": br_cpf.is_valid, "NIF": pt_nif.is_valid,
                 "Cartão de Cidadão": pt_cc.is_valid, "PESEL": pl_pesel.is_valid, "NIP": pl_nip.is_valid,
                 "personnummer": se_pnr.is_valid, "CPR-nummer": dk_cpr.is_valid, "fødselsnummer": no_fnr.is_valid,
                 "henkilötunnus": fi_hetu.is_valid, "rodné číslo": cz_rc.is_valid, "CNP": ro_cnp.is_valid,
                 "TC Kimlik No": tr_tck.is_valid, "AMKA": gr_amka.is_valid, "AFM": gr_vat.is_valid,
                 "INN": ru_inn.is_valid, "My Number": jp_in.is_valid, "Sozialversicherungsnummer": at_vnr.is_valid}


# --------------------------------------------------------------------------- rendering

MARK = re.compile(r"«(\w+)»")


@dataclass
class Case:
    text: str
    spans: list
    note: str
    lang: str
    template: str


def render(template: str, vals: dict) -> tuple[str, list, list]:
    out: list[str] = []
    spans: list[dict] = []
    descs: list[str] = []
    pos = 0
    last = 0
    used = set()

    def emit(v):
        nonlocal pos
        if isinstance(v, list):
            for x in v:
                emit(x)
            return
        if isinstance(v, str):
            out.append(v)
            pos += len(v)
            return
        start = pos
        out.append(v.text)
        pos += len(v.text)
        if v.kind:
            spans.append({"kind": v.kind, "start": start, "end": pos, "_value": v.text, "_meta": v.meta})
            if v.desc and v.desc not in descs:
                descs.append(v.desc)

    for m in MARK.finditer(template):
        lit = template[last:m.start()]
        out.append(lit)
        pos += len(lit)
        key = m.group(1)
        if key not in vals:
            raise KeyError(f"template key {key!r} missing")
        used.add(key)
        emit(vals[key])
        last = m.end()
    out.append(template[last:])
    unused = set(vals) - used
    if unused:
        raise KeyError(f"unused values {unused}")
    return "".join(out), spans, descs


CURRENT = {"lang": "en", "template": ""}


def case(template: str, ctx: str, lang: str | None = None, **vals) -> Case:
    tmpl = textwrap.dedent(template).strip("\n") if template.startswith("\n") else template
    text, spans, descs = render(tmpl, vals)
    lang = lang or CURRENT["lang"]
    note = "positive: " + "; ".join(descs) + f"; {ctx}; lang={lang}"
    return Case(text, spans, note, lang, CURRENT["template"])


def neg(text: str, what: str, lang: str | None = None) -> Case:
    text = textwrap.dedent(text).strip("\n") if text.startswith("\n") else text
    lang = lang or CURRENT["lang"]
    return Case(text, [], f"negative: {what}; lang={lang}", lang, CURRENT["template"])


# --------------------------------------------------------------------------- locale choice

EN_PEOPLE_LOCS = [("en_US", 30), ("en_GB", 18), ("en_IN", 9), ("en_AU", 7), ("en_CA", 7), ("en_IE", 3),
                  ("en_NZ", 2), ("de_DE", 3), ("fr_FR", 2), ("es_MX", 2), ("it_IT", 2), ("pl_PL", 2),
                  ("pt_BR", 2), ("nl_NL", 1), ("sv_SE", 1), ("tr_TR", 1), ("ru_RU", 2), ("el_GR", 1),
                  ("ja_JP", 2), ("ro_RO", 1), ("cs_CZ", 1)]
EN_ADDR_LOCS = [("en_US", 30), ("en_GB", 20), ("en_IN", 6), ("en_AU", 8), ("en_CA", 8), ("en_IE", 3),
                ("en_NZ", 2), ("ja_JP", 2)]
ENGLISH_LOCS = ["en_US", "en_GB", "en_IN", "en_AU", "en_CA", "en_IE", "en_NZ"]


def en_loc() -> str:
    return wpick(EN_PEOPLE_LOCS)


def en_home() -> str:
    return wpick(EN_ADDR_LOCS)


# --------------------------------------------------------------------------- frame filler

def pick_loc(spec) -> str:
    if spec == "en":
        return en_loc()
    if spec == "en_home":
        return en_home()
    if isinstance(spec, str):
        return spec
    return pick(spec)


def default_cc(loc: str) -> str:
    if loc in LOC_CC:
        return LOC_CC[loc]
    if loc.startswith("en_"):
        return pick(["GB", "GB", "IE"])
    return pick(["DE", "FR", "NL", "ES", "IT", "BE", "AT", "LU"])


def fill(tmpl: str, loc: str, lang: str, ctx: str, opts: dict) -> Case:
    keys = list(dict.fromkeys(MARK.findall(tmpl)))
    ploc = "ru_RU" if loc == "ru_RU_cyr" else loc
    pp = person_parts(ploc, opts.get("sex"))
    y0, y1 = opts.get("dob", (1938, 2005))
    if isinstance(opts.get("D"), dict) and "years" in opts["D"]:
        y0, y1 = opts["D"]["years"]
    d = rand_date(y0, y1)
    others: dict[str, dict] = {}
    vals: dict = {}
    for k in keys:
        o = opts.get(k, {})
        if isinstance(o, (str, list)) and k not in ("ID", "ID2", "ID3"):
            vals[k] = o
            continue
        base = re.match(r"[A-Z]+", k).group()
        num = k[len(base):]
        vloc = o.get("loc", ploc) if isinstance(o, dict) else ploc
        if base in ("P", "PL", "PU", "PN", "PLF", "G", "E", "ID") and num:
            parts = others.setdefault(num, person_parts(vloc, o.get("sex") if isinstance(o, dict) else None))
        else:
            parts = pp
        if base == "P":
            vals[k] = person(vloc, parts=parts, style=o.get("style", "full"), safe=opts.get("safe", False))
        elif base == "PL":
            vals[k] = person(vloc, parts=parts, style="lower")
        elif base == "PU":
            vals[k] = person(vloc, parts=parts, style="upper")
        elif base == "PLF":
            vals[k] = person(vloc, parts=parts, style="last_first")
        elif base == "PN":
            vals[k] = person(vloc, parts=parts, style="native")
        elif base == "G":
            vals[k] = given(vloc, o.get("sex", "M"))
        elif base == "D":
            dd = d if not num else rand_date(*o.get("years", (y0, y1)))
            vals[k] = dob(lang, loc=vloc, date=dd, fmt=o.get("fmt"))
        elif base == "A":
            vals[k] = addr_one(o.get("loc", loc))
        elif base == "AL":
            vals[k] = addr_lines(o.get("loc", loc))
        elif base == "AU":
            vals[k] = addr_lines(o.get("loc", loc), upper=True)
        elif base == "ST":
            vals[k] = addr_street(o.get("loc", loc))
        elif base == "PH":
            vals[k] = phone(vloc, fmt=o.get("fmt"), mobile=o.get("mobile"), ext=o.get("ext", False))
        elif base == "E":
            vals[k] = email(vloc, parts=parts, work=o.get("work"))
        elif base == "I":
            vals[k] = iban(o.get("cc") or default_cc(vloc), fmt=o.get("fmt"))
        elif base == "ID":
            which = o if isinstance(o, str) else (o.get("which") if isinstance(o, dict) else None)
            if isinstance(o, list):
                which = pick(o)
            idloc = o.get("loc", ploc) if isinstance(o, dict) else ploc
            vals[k] = idnum(idloc, which, d=d if not num else rand_date(y0, y1), parts=parts if idloc == ploc else None)
        elif base == "C":
            vals[k] = card(brand=o.get("brand"), fmt=o.get("fmt"))
        elif base == "IP":
            vals[k] = ip(v6=o.get("v6"), private=o.get("private", False))
        elif base == "S":
            vals[k] = ssn(fmt=o.get("fmt"))
        else:
            raise KeyError(k)
    return case(tmpl, ctx, lang=lang, **vals)


@dataclass
class Frame:
    name: str
    lang: str
    locs: object
    n: int
    ctx: str
    variants: list
    opts: dict


FRAMES: list[Frame] = []


def F(name, lang, locs, n, ctx, variants, **opts):
    if isinstance(variants, str):
        variants = [variants]
    FRAMES.append(Frame(name, lang, locs, n, ctx, variants, opts))


# --------------------------------------------------------------------------- English frames
# Mostly one value per case; the multi-value cases are further down.

F("person_misc", "en", "en", 9, "private person's name in a request", [
    "My landlord «P» still hasn't returned the deposit. Write a firm but polite letter.",
    "Write a eulogy for my uncle «P», he loved fishing and terrible jokes.",
    "Please congratulate «P» on the promotion in our team chat, keep it short.",
    "Is it rude to remind «P» about the money she owes me? Draft a message.",
    "Add «P» to the guest list for Saturday and write a one-line welcome.",
    "My neighbour «P» keeps parking across my driveway. How do I complain to the council?",
    "Who should I cc? The invoice was approved by «P» in accounts.",
])
F("reference_letter", "en", "en", 4, "reference letter", [
    "Write a reference letter: I have managed «P» for four years at the warehouse and she is reliable.",
    "Can you make this LinkedIn recommendation sound less stiff? \"«P» was a pleasure to work with on the migration project.\"",
    "Draft a thank-you card to «P», the nurse who looked after my dad last week.",
])
F("lower_chat", "en", "en", 4, "lowercase text message", [
    "hey its «PL» from the gym lol can u send me the class schedule",
    "rewrite so it sounds nicer: «PL» here, pls stop calling my mum, ill pay on friday",
    "is «PL» the guy who sold u the car?? he never answered me",
])
F("email_only", "en", "en", 11, "email in a chat request", [
    "Please unsubscribe «E» from all marketing emails, I never signed up for them.",
    "can you add «E» to the shared calendar invite for thursday",
    "Why does Outlook bounce my mails to «E»? The error says 550 mailbox unavailable.",
    "Forward the receipt to «E» instead of my old address, thanks.",
    "Change the contact on the account to «E» and confirm by reply.",
    "Is «E» a phishing address? It claims to be my bank.",
])
F("db_error_email", "en", "en", 3, "database error message", [
    "What does this mean?\nERROR:  duplicate key value violates unique constraint \"users_email_key\"\nDETAIL:  Key (email)=(«E») already exists.",
    "Sentry shows: ValidationError: user «E» has no verified phone. How do I fix the signup flow?",
])
F("phone_only", "en", "en", 19, "phone in a chat request", [
    "My new number is «PH», please update it on the delivery.",
    "what's the best way to block calls from «PH»? they ring every single day",
    "Text me at «PH» when the courier is close.",
    "Is «PH» a mobile or a landline? I need to know before I send the SMS.",
    "Reply to the landlord and tell him to call «PH» after 6pm.",
    "Who keeps calling me from «PH»? No voicemail, just silence.",
    "For the parents' WhatsApp group, my number is «PH».",
    "The plumber's number is «PH», can you write him a message asking for a quote?",
    "Put «PH» as the contact number on the lost-dog poster.",
    "I missed a call from «PH», is it the doctor's surgery? Draft a callback text.",
])
F("office_ext", "en", ["en_US", "en_GB", "en_CA"], 3, "office phone with extension", [
    "Best reach me at the office on «PH».",
    "Add to the footer: Direct line «PH» | Mon–Fri 9–5",
], PH={"ext": True, "mobile": False})
F("address_only", "en", "en_home", 14, "address in a request", [
    "How long does a parcel from London take to my sister's place at «A»?",
    "Write a listing for «A» — 3 bed, 2 bath, south-facing garden, close to the station.",
    "Estimate the council tax band for «A», it's a 2-bed terrace.",
    "Order a taxi to «A» for 6:30 tomorrow — just tell me the steps in the app.",
    "Is «A» in a flood risk area?",
    "My new address is «A». Which forms do I need to update?",
    "Our office moved to «A». Update the contact page text.",
])
F("street_only", "en", "en_home", 5, "street address without city", [
    "I live at «ST». Which bin day is it in my area?",
    "Meet me outside «ST» at 8, the blue door.",
    "We're renting «ST» from June — what should go in the inventory?",
])
F("age_calc", "en", "en", 13, "birth date only", [
    "How old am I if I was born on «D»?",
    "I was born «D». When can I claim my state pension?",
    "Which zodiac sign am I? DOB «D».",
    "DOB «D» — am I old enough to rent a car in the US?",
    "What day of the week was I born? «D».",
    "My passport renewal asks for date of birth — «D». Which format do they want?",
    "Born «D». Am I a millennial or Gen X?",
])
F("passport", "en", ["en_GB", "en_US", "en_AU", "en_IN", "en_CA", "en_NZ", "ja_JP"], 5, "passport number", [
    "I'm filling in a visa form. Passport number «ID» — does it go in box 7 or box 9?",
    "Passport no. «ID», expiry 2031. Does the ESTA need anything else from me?",
    "The airline says my passport «ID» doesn't match the booking. What should I do?",
], ID="passport number")
F("india_pan", "en", "en_IN", 3, "Indian PAN", [
    "My PAN is «ID», why does the ITR portal say it's not linked?",
    "pan card no «ID» — which letter shows it's an individual?",
], ID="PAN")
F("india_aadhaar", "en", "en_IN", 3, "Indian Aadhaar", [
    "Aadhaar «ID» is showing 'invalid' on the gas booking app, what can I do?",
    "Should I share my Aadhaar number «ID» with a new landlord?",
], ID="Aadhaar")
F("canada_sin", "en", "en_CA", 3, "Canadian SIN", [
    "My SIN is «ID». Can my new employer ask for it before I start?",
    "Write a note to payroll: my social insurance number «ID» was entered wrong on my T4.",
], ID="SIN")
F("au_tfn", "en", "en_AU", 3, "Australian TFN", [
    "Here's my TFN «ID» for the super fund form, is that all they need?",
    "Employer wants my tax file number, it's «ID». Is it okay to email it?",
], ID="TFN")
F("au_medicare", "en", "en_AU", 2, "Australian Medicare number", [
    "Medicare card «ID» — the GP said the number was wrong, what do I check?",
], ID="Medicare card number")
F("uk_nino", "en", "en_GB", 3, "UK National Insurance number", [
    "NI number: «ID». Why does HMRC show two employers for April?",
    "Payroll says my National Insurance number «ID» doesn't match their records.",
], ID="National Insurance number")
F("uk_nhs", "en", "en_GB", 2, "NHS number", [
    "The pharmacy asked for my NHS number, it's «ID». Where else can I find it?",
], ID="NHS number")
F("uk_licence", "en", "en_GB", 2, "UK driving licence number", [
    "The car rental form wants my licence number. It's «ID». Where's the check code?",
    "DVLA licence «ID» — can I still drive in France with it?",
], ID="DVLA driving licence number")
F("us_dl", "en", "en_US", 3, "US driver's license", [
    "Rental form: driver's license «ID», exp 2027. Does my spouse also need to be on it?",
    "DMV renewal says license number «ID» is invalid — is there a typo?",
], ID="driver's license")
F("itin", "en", "en_US", 3, "US ITIN", [
    "My ITIN is «ID»; can I open a Roth IRA with it?",
    "The tax preparer typed ITIN «ID» — is that the right format for a nonresident?",
], ID="ITIN")
F("ie_pps", "en", "en_IE", 2, "Irish PPS number", [
    "PPS number «ID» — do I need it to register with a GP in Cork?",
], ID="PPS number")
F("nz_ird", "en", "en_NZ", 2, "NZ IRD number", [
    "New job wants my IRD number, it's «ID». Which tax code should I pick?",
], ID="IRD number")
F("card_only", "en", "en", 18, "card number in a chat request", [
    "my card «C» got charged twice by the gym, help me write a complaint",
    "Is «C» a Visa or a Mastercard? The terminal won't say.",
    "The hotel wants me to email my card number «C» — is that normal?",
    "ok card is «C» exp 09/26 pls book the 7pm table for 4",
    "Write a dispute letter for the £49.99 charge on card «C» from 3 March.",
    "Cancel the subscription billed to «C», I don't recognise it.",
    "my bank blocked «C» after a purchase in Lisbon, what do i say when i call",
    "Use «C» for the conference registration and send me the receipt.",
    "Apple Pay won't add «C». Is the number wrong?",
    "Card on file: «C» — please charge the deposit and confirm by email.",
])
F("python_card", "en", "en", 2, "card in code", [
    "Why does my Luhn check fail?\n\ntest_cards = [\"«C»\"]\nfor c in test_cards:\n    print(luhn(c))",
    "This Stripe webhook payload has the raw number in it: {\"card\": \"«C»\", \"exp\": \"11/28\"} — is that a PCI problem?",
])
F("iban_en", "en", "en", 9, "IBAN in a chat request", [
    "I need to send rent to my landlord, IBAN «I». How long do SEPA transfers usually take?",
    "Is «I» a valid IBAN? The bank app keeps rejecting it.",
    "Please pay the invoice to «I», reference INV-2291.",
    "My salary should go to «I» from next month — write a short note to HR.",
    "The refund should go to «I»; draft the email to the airline.",
])
F("ssn_only", "en", "en_US", 20, "SSN in a chat request", [
    "I think my SSN «S» was in the data breach, what should I do first?",
    "Is «S» a valid SSN format? The form keeps rejecting it.",
    "bank wants last 4 of my social but the form has room for all of it: «S». normal?",
    "Write to the IRS that my SSN is «S» and the W-2 shows a different one.",
    "my social is «S» do i put it on the apartment application or not",
    "The credit bureau has my SSN as «S» but one digit is wrong. Draft a dispute.",
    "Freeze my credit: SSN «S» — which bureaus do I contact?",
    "The daycare asks for my kid's social security number («S»). Do they really need it?",
    "Someone opened a card in my name using SSN «S». Write a police report summary.",
    "Can you format «S» properly for the FAFSA form?",
])
F("ssn_form", "en", "en_US", 6, "SSN in a pasted form", [
    "Form W-4, Step 1(b): Social security number «S». Filing status single. Check this for me.",
    "Applicant SSN: «S»\nEmployment type: part-time\nIs anything missing for the background check?",
    "Medicaid renewal — SSN field: «S». Household size 3. What else do they ask?",
])
F("my_ip", "en", "en", 4, "IP in a chat request", [
    "what does my ip «IP» tell websites about me? am i traceable",
    "My game server's public IP is «IP», how do I stop DDoS attacks?",
    "Whitelist «IP» for the staging database please (that's my home connection).",
])
F("ipv6_isp", "en", "en", 3, "IPv6 address", [
    "My ISP assigned «IP» to my router — why can't I ping it from outside?",
    "Is «IP» a residential address? It shows up in my Nextcloud logs.",
], IP={"v6": True})
F("homelab", "en", "en", 2, "private-range IP", [
    "My Raspberry Pi at «IP» stopped answering after the update, how do I find it again?",
    "Pi-hole is on «IP» but the laptop ignores it as DNS. Why?",
], IP={"private": True})
F("firewall_block", "en", "en", 3, "two IPs in a firewall question", [
    "Should I block «IP» and «IP2»? They hammer our SSH port every night.",
    "write an iptables rule to drop traffic from «IP» and also from «IP2»",
], IP={"v6": False}, IP2={"v6": False})

# ---- English, several values in one text

F("support_login", "en", "en", 2, "support request", [
    "Hi, my name is «P» and I can't log into my account anymore. The email on file is «E». Can you help me write a message to their support team?",
    "Draft a reply. Context: customer «P» (account «E») says the password reset link never arrives.",
])
F("crm_note", "en", "en", 2, "CRM note", [
    "CRM note — call with «P» (DOB «D»). Wants to move to the annual plan. Callback on «PH» after 5pm. Summarise in one line.",
    "Turn this into a follow-up task: «P», date of birth «D», asked about the loyalty programme; best number «PH».",
])
F("medical_intake", "en", "en_home", 2, "medical intake form", [
    "Summarise this intake form for the doctor:\nPatient: «P»\nDOB: «D»\nAddress: «A»\nPhone: «PH»\nReason for visit: persistent cough, 2 weeks\nAllergies: penicillin",
    "Clean up the formatting:\nname - «P»\ndate of birth - «D»\nhome address - «A»\ncontact no - «PH»\ncomplaint: lower back pain since march",
])
F("hr_record_us", "en", "en_US", 3, "HR record", [
    "Employee record — «P», SSN «S», DOB «D», start date 2021-04-01, team Logistics. Summarise for onboarding.",
    "Can you check this onboarding row for typos? «P» | «S» | born «D» | payroll group B",
], safe=True)
F("shipping_label", "en", "en_home", 2, "shipping label, multi-line address", [
    "Can you check this shipping label is formatted right?\n\n«P»\n«AL»",
    "Ship to:\n«P»\n«AL»\n\nFragile — keep upright. Is this enough for the courier?",
    "Return address for the parcel:\n«P»\n«AL»\nWhat's the cheapest tracked option?",
])
F("card_form", "en", "en", 2, "pasted payment form", [
    "Name on card: «P»\nCard number: «C»\nExpiry: 08/27\nIs it safe to send this form by email?",
    "The booking site shows: Cardholder «P», Card «C». Why would it say 'card not supported'?",
])
F("letter_rewrite_move", "en", "en_home", 2, "letter to rewrite", [
    "Please rewrite this to sound more formal:\n\nhi, just letting you know i moved, my new address is «A». send the deposit there. thanks, «P»",
    "Polish this note to my bank: Dear team, from next month please send statements to «A». Kind regards, «P»",
])
F("cover_letter", "en", "en_home", 1, "cover letter header", [
    "Proofread my cover letter header:\n\n«P»\n«AL»\n«E» · «PH»\n\nDear Hiring Manager,\nI am excited to apply for the Operations Analyst role...",
])
F("fraud_report", "en", "en_home", 2, "fraud report", [
    "someone used my card «C» online, the billing address they put is «A» which is my old flat. what do i do",
    "Help me report fraud: card «C», charges from a shop I never visited, delivered to «A».",
])
F("it_ticket_ip", "en", "en", 2, "IT ticket", [
    "Ticket: user «P» reports the VPN drops every 10 minutes. Client IP «IP». What logs should I ask for?",
    "Summarise: «P» can't reach the intranet from home (public IP «IP»), works fine in the office.",
])
F("contractor_1099", "en", "en_US", 2, "1099 contractor info", [
    "For the 1099-NEC the contractor is «P», SSN «S», address «A». Which box does the $8,400 go in?",
    "Fill the W-9 for me: name «P», SSN «S», address «A».",
], safe=True)
F("bio_dob", "en", "en", 2, "bio with birth date", [
    "Write a short bio for my website: I'm «P», born «D» in Leeds, and I build furniture.",
    "For the club newsletter: «P» (born on «D») has been a member for 12 years. Make it warm.",
])
F("insurance_claim", "en", "en", 1, "insurance claim", [
    "Draft a claim follow-up: policy holder «P», date of birth «D», contact «E», claim #CLM-448210, water damage in the kitchen.",
])
F("rsvp", "en", "en_home", 2, "invitation RSVP", [
    "Write a wedding invitation. RSVP to «P» at «A» by the end of May.",
    "Make this RSVP card look nicer: reply to «P», «A».",
])
F("lease_tenant", "en", "en_home", 1, "lease details", [
    "Tenancy details to check:\nTenant: «P»\nD.O.B.: «D»\nPrevious address:\n«AL»\nRent: 1,150 per month",
])
F("voicemail", "en", "en", 2, "voicemail transcript", [
    "Transcribe and tidy: \"hi this is «P» calling about the sofa listing, can you call me back on «PH», thanks, bye\"",
    "Summarise this voicemail: Hello, it's «P» from number «PH», I'm running late for the viewing.",
])
F("stripe_decline", "en", "en", 2, "payment decline log", [
    "Stripe says the charge was declined: customer «P», card «C», email «E». What does do_not_honor mean?",
])
F("travel_booking", "en", ["en_GB", "en_US", "en_AU", "en_IN"], 1, "travel booking, two passports", [
    "Booking for «P» and «P2», passports «ID» and «ID2». Can you put this into the airline's format?",
], ID="passport number", ID2={"which": "passport number"})
F("family_history", "en", "en", 2, "family history", [
    "My grandmother «P» was born on «D» in Kraków. Help me write a short family history.",
    "For the genealogy site: «P», b. «D», emigrated to Canada in 1961.",
], dob=(1915, 1950))
F("translate_request", "en", "en_home", 1, "text to translate", [
    "Translate to French: My name is «P», I was born on «D» and I live at «A».",
    "Translate into German please: «P», date of birth «D», address «A».",
])
F("address_change", "en", "en_home", 2, "two addresses", [
    "Please update my delivery address from «A» to «A2».",
    "We moved from «A» to «A2» — write a change-of-address notice for the neighbours group.",
])
F("upper_label", "en", ["en_US", "en_GB", "en_CA", "en_AU"], 1, "uppercase shipping label", [
    "Is this label OK for Royal Mail / USPS?\n\n«PU»\n«AU»",
])
F("japan_guest", "en", "ja_JP", 1, "hotel registration, romanised Japanese", [
    "Hotel registration card:\nGuest: «P»\nAddress:\n«AL»\nTel: «PH»\nPlease translate the headings into Japanese.",
    "Make a welcome note for our guest «P» from Tokyo, phone «PH».",
])
F("pharmacy", "en", "en", 1, "pharmacy note", [
    "Rx refill for «P», DOB «D». Pharmacy callback «PH». Turn this into a message to the clinic.",
])
F("marketplace", "en", "en_home", 2, "marketplace listing, street only", [
    "selling my bike, pick up from «ST» after 6, text «PH»",
    "Write a Gumtree ad: free sofa, collection from «ST», call «PH».",
])
F("emergency_contact", "en", "en", 2, "emergency contact", [
    "Emergency contact: «P» (mother), «PH». Add it to the volunteer form for me.",
    "Put this on the kid's allergy card: in an emergency call «P» on «PH».",
])
F("account_dump", "en", "en_US", 1, "account opening dump", [
    "Here's everything for the account opening, put it in a table: «P», «D», «A», SSN «S», «E»",
])
F("dob_form", "en", "en", 2, "name + birth date form", [
    "Name: «P»\nDOB: «D»\nIs this enough for the gym sign-up?",
    "Patient name «P», d.o.b. «D» — format for the lab request.",
    "«P» — Birthdate: «D» — please add to the birthday list spreadsheet.",
])
F("signature", "en", "en", 2, "email signature", [
    "Shorten my signature:\n\nThanks,\n«P»\nSenior Account Manager | Kestrel Logistics\nM: «PH»\n«E»",
    "Best regards,\n«P»\nTel. «PH»\n\n(can you make this signature look more professional?)",
], E={"work": True})
F("school_form", "en", "en", 1, "school enrolment", [
    "School enrolment form:\nChild: «P»\nDate of birth: «D»\nParent/guardian: «P2»\nPhone: «PH»\nPlease check nothing is missing.",
], D={"years": (2012, 2020)})
F("son_dob", "en", "en", 2, "lone given name + child's birth date", [
    "My son «G» was born on «D» — which vaccines is he due for now?",
    "Plan a birthday party for my son «G», he was born «D» and loves dinosaurs.",
], G={"sex": "M"}, D={"years": (2012, 2022)})
F("daughter_dob", "en", "en", 2, "lone given name + child's birth date", [
    "My daughter «G» (born «D») starts school next year; what forms do I need?",
    "Write a short note excusing my daughter «G» from PE. Her date of birth is «D».",
], G={"sex": "F"}, D={"years": (2010, 2021)})
F("india_kyc", "en", "en_IN", 2, "KYC update", [
    "Update my KYC: PAN «ID», Aadhaar «ID2», registered mobile «PH». Write this as a formal request to the bank.",
    "bank asking for pan and aadhaar again?? pan «ID» aadhaar «ID2». pls write a complaint",
], ID="PAN", ID2={"which": "Aadhaar"})
F("nhs_referral", "en", "en_GB", 2, "GP referral letter", [
    "Rewrite this referral letter more clearly: Patient «P», NHS no. «ID», born «D», referred for a dermatology review.",
    "NHS number «ID» — «P» — DOB «D». Please format this as a header for a clinic letter.",
], ID="NHS number")
F("git_author", "en", "en", 2, "git author line", [
    "Why does git show this author on my commits?\nAuthor: «P» <«E»>\nDate:   Tue Mar 4 10:12:33 2025 +0100",
    "Change the commit author to «P» <«E»> for the last 3 commits, what's the command?",
])
F("slack_newhire", "en", "en", 1, "team chat announcement", [
    "@channel «P» joins us Monday as our new designer — her email is «E». Write a welcome message.",
])

# --------------------------------------------------------------------------- other languages

DE_LOCS = ["de_DE", "de_DE", "de_DE", "de_AT", "de_CH"]
F("de_name", "de", DE_LOCS, 4, "German, name only", [
    "Mein Nachbar «P» parkt ständig vor meiner Einfahrt. Schreib ihm einen höflichen Brief.",
    "Formuliere eine Glückwunschkarte für «P» zur bestandenen Meisterprüfung.",
])
F("de_geb", "de", DE_LOCS, 5, "German, birth date only", [
    "Ich bin am «D» geboren. Ab wann kann ich ohne Abschläge in Rente gehen?",
    "Geburtsdatum: «D» – bin ich damit noch in der Familienversicherung?",
    "Mein Geburtstag ist der «D». Welches Sternzeichen bin ich?",
])
F("de_kuendigung", "de", DE_LOCS, 2, "German request with name and birth date", [
    "Hallo, mein Name ist «P», geb. «D». Bitte formuliere mir eine Kündigung für mein Fitnessstudio.",
    "Kannst du mir ein Anschreiben für die Krankenkasse aufsetzen? Ich bin «P», geboren am «D».",
])
F("de_signatur", "de", DE_LOCS, 2, "German email signature, multi-line address", [
    "Bitte kürze meine Signatur:\n\nMit freundlichen Grüßen\n«P»\n«AL»\nTel.: «PH»\nE-Mail: «E»",
    "Viele Grüße\n«P»\n«AL»\nMobil «PH»\n\n— passt das so für Bewerbungen?",
])
F("de_iban", "de", DE_LOCS, 5, "German transfer request", [
    "Bitte überweisen Sie den Betrag auf mein Konto: IBAN «I», Kontoinhaber «P».",
    "Schreib dem Vermieter, dass die Kaution auf «I» zurücküberwiesen werden soll.",
    "Ist die IBAN «I» richtig? Die Bank-App meckert.",
])
F("de_steuerid", "de", "de_DE", 3, "German tax ID", [
    "Meine Steuer-ID ist «ID». Wo trage ich die in ELSTER ein?",
    "Der Arbeitgeber fragt nach meiner steuerlichen Identifikationsnummer («ID») – muss ich die angeben?",
], ID="Steuer-IdNr")
F("de_ausweis", "de", "de_DE", 2, "German ID card number", [
    "Für die Kontoeröffnung wollen sie meine Ausweisnummer «ID». Ist das üblich?",
], ID="Personalausweis number")
F("de_reisepass", "de", "de_DE", 2, "German passport number", [
    "Reisepassnummer «ID», gültig bis 2029 – reicht das für die Einreise in die USA?",
], ID="Reisepass number")
F("de_rvnr", "de", "de_DE", 2, "German pension insurance number", [
    "Meine Rentenversicherungsnummer lautet «ID». Wie beantrage ich damit einen Versicherungsverlauf?",
], ID="Rentenversicherungsnummer")
F("de_at_svnr", "de", "de_AT", 3, "Austrian social insurance number", [
    "Sozialversicherungsnummer «ID» – bitte prüfen, ob das Formular so vollständig ist.",
    "Für die e-card brauche ich meine SV-Nummer: «ID». Wohin schicke ich den Antrag?",
], ID="Sozialversicherungsnummer")
F("de_ch_ahv", "de", "de_CH", 3, "Swiss AHV number", [
    "Meine AHV-Nummer ist «ID». Bitte in das Formular für die Pensionskasse übernehmen.",
    "AHV-Nr. «ID» – muss die auf die Lohnabrechnung?",
], ID="AHV-Nr")
F("de_phone", "de", DE_LOCS, 7, "German phone in chat", [
    "hi, kannst du mir kurz helfen? meine handynr. ist «PH», schreib mir wenn das paket da ist",
    "Ruf mich bitte unter «PH» an, ich bin ab 18 Uhr erreichbar.",
    "neue nummer: «PH» – alte bitte löschen lg",
    "Wer ruft mich ständig von «PH» an? Ist das Spam?",
])
F("de_email", "de", DE_LOCS, 3, "German email address", [
    "Bitte schick die Rechnung an «E» statt an meine alte Adresse.",
    "Ist «E» eine echte Adresse von der Sparkasse oder Phishing?",
])
F("de_card", "de", DE_LOCS, 3, "German card number", [
    "Meine Kreditkarte «C» wurde doppelt belastet. Schreib eine Reklamation an den Händler.",
    "Die Karte «C» ist gesperrt, was sage ich der Hotline?",
])
F("de_arztbrief", "de", DE_LOCS, 2, "German doctor's letter", [
    "Formuliere den Arztbrief um: Patientin «P», geboren am «D», wohnhaft in der «ST», klagt über Schwindel.",
    "Patient: «P»\nGeb.-Datum: «D»\nAnschrift: «A»\nDiagnose: V. a. Migräne",
], sex="F")
F("de_lieferadresse", "de", DE_LOCS, 5, "German delivery address", [
    "Lieferadresse: «A». Kannst du eine Reklamation schreiben, weil das Paket nie ankam?",
    "Ich wohne in der «ST». Wann ist bei uns Sperrmüll?",
    "Wir ziehen zum 1. Mai in die «A». Schreib eine Ummeldung für den Stromanbieter.",
])
F("de_oma", "de", "de_DE", 1, "German birthday card, grandmother", [
    "Schreib eine Geburtstagskarte für meine Oma «P». Sie ist am «D» geboren und wird bald 90.",
], sex="F", dob=(1935, 1936))

FR_LOCS = ["fr_FR", "fr_FR", "fr_FR", "fr_BE", "fr_CH"]
F("fr_name", "fr", FR_LOCS, 3, "French, name only", [
    "Mon propriétaire, «P», refuse de rendre la caution. Rédige une mise en demeure.",
    "Écris un petit mot de remerciement pour «P», l'infirmière de mon père.",
])
F("fr_resiliation", "fr", FR_LOCS, 2, "French request, man, name + birth date", [
    "Bonjour, je m'appelle «P», né le «D». Pouvez-vous m'aider à rédiger une lettre de résiliation ?",
], sex="M")
F("fr_resiliation_f", "fr", FR_LOCS, 2, "French request, woman, name + birth date", [
    "Je suis «P», née le «D» à Lyon. Écris un mail à la mutuelle pour changer mon adresse.",
], sex="F")
F("fr_naissance", "fr", FR_LOCS, 3, "French birth date only", [
    "Je suis né le «D», à quel âge puis-je partir à la retraite ?",
    "Date de naissance : «D». Suis-je éligible au pass Culture ?",
], sex="M")
F("fr_nir", "fr", "fr_FR", 3, "French social security number", [
    "Mon numéro de sécurité sociale est «ID», c'est bien 15 chiffres ? L'appli Ameli le refuse.",
    "Sur la feuille de soins, le n° de sécu «ID» est-il correct ?",
], ID="NIR (numéro de sécurité sociale)")
F("fr_lettre", "fr", ["fr_FR", "fr_FR", "fr_BE"], 2, "French letter header, multi-line address", [
    "Corrige la mise en page :\n\n«P»\n«AL»\n\nObjet : résiliation de mon abonnement\n\nMadame, Monsieur,\nJe vous prie de bien vouloir résilier...",
])
F("fr_phone", "fr", FR_LOCS + ["fr_CA"], 6, "French phone", [
    "Merci de me rappeler au «PH».",
    "tu peux répondre au plombier ? son numéro c'est le «PH»",
    "Qui m'appelle depuis le «PH» tous les soirs ?",
])
F("fr_email", "fr", FR_LOCS, 2, "French email", [
    "Envoie la facture à «E», pas à mon ancienne adresse.",
])
F("fr_rib", "fr", FR_LOCS, 4, "French bank details", [
    "Voici mon RIB : IBAN «I», titulaire «P». Rédige un mail pour mon employeur.",
    "Le remboursement doit aller sur «I», merci de le signaler au service client.",
])
F("fr_card", "fr", FR_LOCS, 2, "French card number", [
    "Ma carte «C» a été débitée deux fois par le site, comment contester ?",
])
F("fr_ca_nas", "fr", "fr_CA", 3, "Québec SIN", [
    "Mon NAS est «ID». Est-ce que je dois le donner à mon propriétaire ?",
    "Le formulaire de Revenu Québec demande mon numéro d'assurance sociale : «ID». Je le mets où ?",
], ID="NAS")
F("fr_be_nn", "fr", "fr_BE", 2, "Belgian national register number", [
    "Numéro de registre national : «ID». Où le trouve-t-on sur la carte d'identité ?",
], ID="numéro de registre national")
F("fr_livraison", "fr", FR_LOCS + ["fr_CA"], 5, "French delivery address", [
    "Adresse de livraison : «A». Le colis est marqué livré mais je n'ai rien reçu.",
    "J'habite «ST», quels sont les horaires de la déchetterie la plus proche ?",
    "Nouvelle adresse : «A». Rédige le message pour La Poste (suivi de courrier).",
])

ES_LOCS = ["es_ES", "es_ES", "es_MX"]
F("es_name", "es", ES_LOCS, 2, "Spanish, name only", [
    "Mi casero, «P», no me devuelve la fianza. ¿Me escribes un burofax?",
])
F("es_dni", "es", "es_ES", 3, "Spanish DNI", [
    "Hola, mi DNI es «ID». ¿Me ayudas a redactar una reclamación a la compañía eléctrica?",
    "En el formulario pone DNI «ID», ¿la letra está bien?",
], ID="DNI")
F("es_nie", "es", "es_ES", 3, "Spanish NIE", [
    "Mi NIE es «ID» y necesito pedir cita en extranjería, ¿qué documentos llevo?",
    "El banco me pide el NIE («ID») para abrir la cuenta, ¿es normal?",
], ID="NIE")
F("es_nacimiento", "es", ES_LOCS, 4, "Spanish birth date", [
    "Nací el «D». ¿Cuántos años cotizados necesito para jubilarme?",
    "Fecha de nacimiento: «D». Nombre: «P». ¿Qué más pide el formulario del padrón?",
])
F("es_mx_curp", "es", "es_MX", 2, "Mexican CURP", [
    "Mi CURP es «ID», ¿cómo la verifico en el portal del gobierno?",
], ID="CURP")
F("es_mx_rfc", "es", "es_MX", 2, "Mexican RFC", [
    "Mi RFC es «ID», ¿cómo genero la factura con él?",
], ID="RFC")
F("es_mx_domicilio", "es", "es_MX", 1, "Mexican CURP with multi-line address", [
    "CURP: «ID»\nDomicilio:\n«AL»\n¿Está completo para el trámite del SAT?",
], ID="CURP")
F("es_transferencia", "es", ["es_ES"], 4, "Spanish transfer request", [
    "Hazme la transferencia a «I» a nombre de «P», por favor.",
    "¿Es correcto este IBAN? «I»",
])
F("es_phone", "es", ES_LOCS, 5, "Spanish phone", [
    "mándame un whatsapp al «PH» cuando llegues",
    "Llámame al «PH» a partir de las cinco.",
    "¿De quién es este número? «PH» me llama todos los días.",
])
F("es_firma", "es", ES_LOCS, 1, "Spanish email signature", [
    "Un saludo,\n«P»\nTel. «PH»\n«E»\n\n¿Me arreglas esta firma?",
])
F("es_card", "es", ES_LOCS, 2, "Spanish card number", [
    "Me han cobrado dos veces en la tarjeta «C», ¿cómo lo reclamo al banco?",
])
F("es_envio", "es", ES_LOCS, 3, "Spanish shipping address", [
    "Dirección de envío: «A». El repartidor dice que no existe, ¿cómo lo reclamo?",
    "Vivo en «A», ¿qué día pasa la recogida de muebles?",
])

F("it_cf", "it", "it_IT", 2, "Italian codice fiscale, man", [
    "Buongiorno, sono «P», nato il «D» a Napoli, codice fiscale «ID». Mi aiuta a scrivere una PEC al comune?",
], ID="codice fiscale", sex="M")
F("it_cf_f", "it", "it_IT", 2, "Italian codice fiscale, woman", [
    "Mi chiamo «P», nata il «D». Il mio codice fiscale è «ID»: è giusto per la tessera sanitaria?",
], ID="codice fiscale", sex="F")
F("it_cf_only", "it", "it_IT", 3, "Italian codice fiscale", [
    "Il mio codice fiscale è «ID», perché il sito dell'INPS lo rifiuta?",
    "Codice fiscale: «ID». Va scritto anche sulla fattura del medico?",
], ID="codice fiscale")
F("it_nato", "it", "it_IT", 2, "Italian birth date, man", [
    "Sono nato il «D», quando posso andare in pensione?",
], sex="M")
F("it_spedizione", "it", "it_IT", 5, "Italian shipping address / mobile", [
    "Indirizzo di spedizione: «A». Il corriere non mi trova.",
    "Abito in «ST», a che ora passa la raccolta della carta?",
    "mi richiami al «PH» per favore, grazie",
])
F("it_iban", "it", "it_IT", 3, "Italian IBAN", [
    "IBAN per il rimborso: «I». Grazie.",
    "Mi scrivi una mail al condominio? Le quote vanno versate su «I».",
])
F("it_ci", "it", "it_IT", 2, "Italian ID card", [
    "Numero carta d'identità «ID», scade a luglio. Posso viaggiare in Svizzera?",
], ID="carta d'identità")
F("it_name", "it", "it_IT", 2, "Italian, name only", [
    "Il mio vicino «P» fa rumore tutte le notti. Scrivimi una lettera all'amministratore.",
])

NL_LOCS = ["nl_NL", "nl_NL", "nl_BE"]
F("nl_geboren", "nl", NL_LOCS, 2, "Dutch name and birth date", [
    "Hoi, ik ben «P», geboren op «D». Kun je een korte sollicitatiebrief voor me schrijven?",
    "Geboortedatum: «D»\nNaam: «P»\nIs dit genoeg voor de inschrijving bij de huisarts?",
])
F("nl_bsn", "nl", "nl_NL", 3, "Dutch BSN", [
    "Mijn BSN is «ID», moet ik dat op het formulier van de verhuurder invullen?",
    "Het burgerservicenummer «ID» klopt niet volgens DigiD. Wat nu?",
], ID="BSN")
F("nl_adres", "nl", NL_LOCS, 4, "Dutch address", [
    "Mijn adres is «A». Wanneer wordt het grofvuil opgehaald?",
    "Bezorgadres: «A». Kun je een klachtmail voor PostNL schrijven?",
])
F("nl_phone", "nl", NL_LOCS, 4, "Dutch phone", [
    "Bel me op «PH» als je er bent.",
    "Wie belt mij steeds met «PH»? Geen voicemail.",
])
F("nl_iban", "nl", "nl_NL", 3, "Dutch refund request", [
    "Graag het bedrag terugstorten op «I», onder vermelding van het ordernummer.",
    "Klopt dit IBAN-nummer: «I»?",
])
F("nl_be_rr", "nl", "nl_BE", 2, "Belgian national register number (Dutch)", [
    "Rijksregisternummer: «ID». Waar vul ik dat in op Tax-on-web?",
], ID="rijksregisternummer")

F("pt_br_cpf", "pt", "pt_BR", 4, "Brazilian CPF", [
    "Olá, meu nome é «P», CPF «ID». Preciso de ajuda para contestar uma cobrança indevida.",
    "o site da receita não aceita meu cpf «ID», o que eu faço?",
    "CPF «ID» aparece como irregular, como resolvo?",
], ID="CPF")
F("pt_br_zap", "pt", "pt_BR", 4, "Brazilian WhatsApp number", [
    "me chama no zap «PH»",
    "Escreve uma mensagem pro síndico: meu telefone é «PH», apartamento 42.",
])
F("pt_br_endereco", "pt", "pt_BR", 3, "Brazilian delivery address", [
    "Endereço de entrega:\n«AL»\nO pedido voltou para o remetente, como reclamo?",
    "Moro na «A». Qual o horário da coleta de lixo?",
])
F("pt_email", "pt", ["pt_BR", "pt_PT"], 2, "Portuguese email", [
    "Manda o boleto para «E», por favor.",
])
F("pt_pt_nif", "pt", "pt_PT", 2, "Portuguese NIF", [
    "NIF «ID» — faltam dados para a fatura?",
], ID="NIF")
F("pt_pt_cc", "pt", "pt_PT", 2, "Portuguese Cartão de Cidadão", [
    "O número do meu Cartão de Cidadão é «ID». Onde renovo?",
], ID="Cartão de Cidadão")
F("pt_pt_morada", "pt", "pt_PT", 2, "Portuguese address", [
    "A minha morada é «A». Quando passa a recolha de monos?",
])
F("pt_pt_nasci", "pt", "pt_PT", 3, "Portuguese birth date", [
    "Nasci a «D» em Coimbra. Escreve uma pequena biografia para o meu blog, sou «P».",
    "Data de nascimento: «D». Ainda tenho direito ao passe sub23?",
])
F("pt_pt_iban", "pt", "pt_PT", 3, "Portuguese IBAN", [
    "IBAN para reembolso: «I». Podes escrever o email à seguradora?",
    "O meu IBAN é «I», está correto para receber o salário?",
])

F("pl_pesel", "pl", "pl_PL", 3, "Polish PESEL, woman", [
    "Dzień dobry, mój PESEL to «ID». Proszę o pomoc w napisaniu odwołania do ZUS.",
    "Urodziłam się «D», mój PESEL to «ID». Czy to się zgadza?",
], ID="PESEL", sex="F")
F("pl_adres", "pl", "pl_PL", 4, "Polish shipping address / phone", [
    "Adres do wysyłki: «A». Kurier nie może znaleźć budynku.",
    "zadzwoń do mnie na «PH» jak będziesz pod blokiem",
])
F("pl_konto", "pl", "pl_PL", 3, "Polish refund account", [
    "Proszę o zwrot pieniędzy na konto «I».",
    "Czy ten numer konta jest poprawny: «I»?",
])
F("pl_nip", "pl", "pl_PL", 1, "Polish NIP", [
    "Mój NIP to «ID», czy mogę wystawić fakturę jako osoba prywatna?",
], ID="NIP")
F("pl_dowod", "pl", "pl_PL", 2, "Polish ID card", [
    "Numer dowodu osobistego: «ID». Kiedy muszę go wymienić?",
], ID="numer dowodu osobistego")
F("pl_name", "pl", "pl_PL", 2, "Polish, name only", [
    "Nazywam się «P». Napisz w moim imieniu reklamację butów.",
])

F("sv_pnr", "sv", "sv_SE", 3, "Swedish personnummer", [
    "Hej! Mitt personnummer är «ID». Kan du hjälpa mig fylla i blanketten till Försäkringskassan?",
    "Personnummer: «ID»\nSaknas något för flyttanmälan?",
], ID="personnummer")
F("sv_kontakt", "sv", "sv_SE", 5, "Swedish contact details", [
    "Ring mig på «PH».",
    "Jag är född «D» – när kan jag ta ut min pension?",
    "Min adress är «A». När kommer sophämtningen?",
])
F("da_cpr", "da", "da_DK", 4, "Danish CPR / phone", [
    "Mit CPR-nummer er «ID». Kan du skrive en klage til kommunen?",
    "Ring til mig på «PH», jeg er hjemme efter kl. 16.",
], ID="CPR-nummer")
F("no_fnr", "no", "no_NO", 4, "Norwegian national ID / birth date", [
    "Fødselsnummer: «ID»\nHva mer trenger NAV?",
    "Jeg er født «D» og bor i «A». Skriv en kort søknad om barnehageplass.",
], ID="fødselsnummer")
F("fi_hetu", "fi", "fi_FI", 4, "Finnish personal identity code / phone", [
    "Henkilötunnukseni on «ID». Puuttuuko lomakkeesta jotain?",
    "Soita minulle numeroon «PH», kiitos.",
], ID="henkilötunnus")
F("cs_rc", "cs", "cs_CZ", 4, "Czech birth number / birth date", [
    "Rodné číslo: «ID». Zkontroluj prosím formulář pro pojišťovnu.",
    "Narodil jsem se «D» a potřebuji napsat žádost o nový občanský průkaz.",
], ID="rodné číslo", sex="M")
F("ro_cnp", "ro", "ro_RO", 3, "Romanian CNP / phone", [
    "CNP: «ID», domiciliu: «A». Mă ajuți să completez cererea?",
    "Mă puteți suna la «PH» după ora 17.",
], ID="CNP")
F("tr_tck", "tr", "tr_TR", 4, "Turkish ID number / birth date", [
    "TC Kimlik No: «ID»\nTel: «PH»\nAdres:\n«AL»\nBu bilgilerle başvuru formunu doldurur musun?",
    "Doğum tarihim «D», emeklilik için kaç gün prim gerekiyor?",
], ID="TC Kimlik No")
F("ru_inn", "ru", "ru_RU", 4, "Russian, native script", [
    "Меня зовут «PN», мой ИНН «ID». Помогите составить заявление.",
    "Адрес доставки: «A». Курьер не приехал, напишите жалобу.",
], ID="INN", A={"loc": "ru_RU_cyr"})
F("el_amka", "el", "el_GR", 2, "Greek, native-script name", [
    "Ονομάζομαι «PN» και ο ΑΜΚΑ μου είναι «ID». Πώς κλείνω ραντεβού;",
], ID="AMKA")



# --------------------------------------------------------------------------- structured formats

CUSTOM: list[tuple[str, str, int, object]] = []


def custom(n: int, lang: str = "en"):
    def deco(fn):
        CUSTOM.append((fn.__name__, lang, n, fn))
        return fn
    return deco


@custom(2)
def csv_contacts():
    rows = 2
    vals, lines = {}, []
    header = pick(["name,email,phone", "full_name;email;mobile", "Name,E-mail,Phone number"])
    sep = ";" if ";" in header else ","
    for i in range(rows):
        loc = en_loc()
        pp = person_parts(loc)
        vals[f"P{i}"] = person(loc, parts=pp, safe=True)
        vals[f"E{i}"] = email(loc, parts=pp)
        vals[f"PH{i}"] = phone(loc, fmt=pick(["E.164", "international", None]))
        lines.append(sep.join([f"«P{i}»", f"«E{i}»", f"«PH{i}»"]))
    intro = pick(["Convert this CSV to JSON:", "Dedupe these rows and sort by name:", "Which of these rows has a broken phone number?"])
    return case(intro + "\n" + header + "\n" + "\n".join(lines), "CSV rows", **vals)


@custom(1)
def csv_hr_export():
    lines, vals = [], {}
    for i in range(2):
        loc = pick(["de_DE", "nl_NL", "fr_FR", "pl_PL", "sv_SE", "es_ES"])
        pp = person_parts(loc)
        d = rand_date(1960, 2000)
        vals[f"P{i}"] = person(loc, parts=pp, safe=True)
        vals[f"D{i}"] = dob("en", loc="", date=d, fmt="iso")
        vals[f"I{i}"] = iban(LOC_CC[loc], fmt="compact")
        lines.append(f"{1040 + i},«P{i}»,«D{i}»,«I{i}»,{pick(['Sales', 'Ops', 'IT', 'Finance'])}")
    t = "Our payroll export looks like this, write a pandas script that masks it:\nemp_id,name,birth_date,iban,dept\n" + "\n".join(lines)
    return case(t, "CSV payroll export", **vals)


@custom(2)
def json_customer():
    loc = pick(["de_DE", "fr_FR", "nl_NL", "es_ES", "it_IT", "en_GB", "en_IE", "pt_PT", "fi_FI"])
    pp = person_parts(loc)
    vals = {"P": person(loc, parts=pp, safe=True), "D": dob("en", "", fmt="iso"), "I": iban(default_cc(loc))}
    t = pick([
        'Validate this JSON against our schema:\n{"customer": {"name": "«P»", "dob": "«D»", "iban": "«I»", "tier": "gold"}}',
        'Why does the API return 422 for this body?\n{\n  "fullName": "«P»",\n  "birthDate": "«D»",\n  "payout": {"iban": "«I»"}\n}',
    ])
    return case(t, "JSON object", **vals)


@custom(2)
def json_users_ip():
    vals = {}
    items = []
    for i in range(2):
        loc = en_loc()
        vals[f"E{i}"] = email(loc)
        vals[f"IP{i}"] = ip()
        items.append(f'{{"id": {RNG.randint(100, 9999)}, "email": "«E{i}»", "last_login_ip": "«IP{i}»", "mfa": {pick(["true", "false"])}}}')
    t = "Which of these users logged in from outside the EU?\n[\n  " + ",\n  ".join(items) + "\n]"
    return case(t, "JSON array", **vals)


@custom(1)
def yaml_contact():
    loc = en_home()
    pp = person_parts(loc)
    vals = {"P": person(loc, parts=pp), "PH": phone(loc), "A": addr_one(loc), "E": email(loc, parts=pp)}
    t = pick([
        'Convert this YAML to TOML:\ncontact:\n  name: «P»\n  phone: "«PH»"\n  address: "«A»"\n  email: «E»\n  newsletter: false',
        'Is this YAML valid?\nowner:\n  - name: "«P»"\n    mail: «E»\n    tel: "«PH»"\n    postal: «A»',
    ])
    return case(t, "YAML", **vals)


@custom(3)
def app_log_auth():
    loc = en_loc()
    vals = {"E": email(loc), "IP": ip()}
    t = pick([
        "Explain this log line:\n2024-11-02T14:22:31Z WARN auth: login failed for user=«E» from «IP» (attempt 3/5)",
        "Why is this blocked? [security] 2025-01-17 08:03:55,812 rate-limit exceeded email=«E» ip=«IP» path=/api/login",
        "level=error ts=2025-02-09T21:14:02Z msg=\"password reset requested\" account=«E» remote_addr=«IP» — is this an attack?",
    ])
    return case(t, "application log line", **vals)


@custom(3)
def nginx_access():
    vals = {"IP": ip(v6=False), "IP2": ip()}
    ua = pick(['"Mozilla/5.0 (Windows NT 10.0; Win64; x64)"', '"curl/8.4.0"', '"python-requests/2.31.0"'])
    t = ("What are these clients doing?\n"
         f'«IP» - - [02/Nov/2024:14:22:31 +0000] "POST /wp-login.php HTTP/1.1" 401 512 "-" {ua}\n'
         f'«IP2» - - [02/Nov/2024:14:22:33 +0000] "GET /.env HTTP/1.1" 404 153 "-" {ua}')
    return case(t, "nginx access log", **vals)


@custom(4)
def sshd_log():
    vals = {"IP": ip()}
    port = RNG.randint(30000, 65000)
    t = pick([
        f"Is this a brute-force attempt?\nMar  3 04:12:09 vps sshd[2314]: Failed password for root from «IP» port {port} ssh2",
        f"fail2ban banned «IP» — how do I unban it? it's my office. Log: sshd[{RNG.randint(1000, 9999)}]: Invalid user admin from «IP» port {port}",
    ])
    if t.count("«IP»") == 2:
        t = t.replace("«IP»", "«IP2»", 1)
        vals["IP2"] = vals["IP"]
    return case(t, "sshd log", **vals)


@custom(2)
def xff_header():
    vals = {"IP": ip(v6=False), "IP2": ip(v6=False)}
    t = pick([
        "Which one is the real client? X-Forwarded-For: «IP», «IP2»",
        "Our WAF logged X-Real-IP «IP» but CF-Connecting-IP «IP2». Which do I trust?",
    ])
    return case(t, "HTTP header", **vals)


@custom(3)
def sql_insert():
    loc = "en_US" if chance(0.85) else pick(["en_GB", "en_CA"])
    pp = person_parts(loc)
    if loc == "en_US":
        vals = {"P": person(loc, parts=pp, safe=True), "E": email(loc, parts=pp), "S": ssn(fmt="dashes")}
        t = "Fix the syntax error:\nINSERT INTO customers (full_name, email, ssn) VALUES ('«P»', '«E»', '«S»')"
    else:
        vals = {"P": person(loc, parts=pp, safe=True), "E": email(loc, parts=pp), "PH": phone(loc)}
        t = "Why does this fail with a unique violation?\nINSERT INTO contacts(name, email, phone, created_at)\nVALUES ('«P»', '«E»', '«PH»', now());"
    return case(t, "SQL INSERT", **vals)


@custom(2)
def markdown_table():
    rows = 2
    vals, lines = {}, []
    kind = pick(["phone", "dob"])
    for i in range(rows):
        loc = en_loc()
        vals[f"P{i}"] = person(loc)
        if kind == "phone":
            vals[f"X{i}"] = phone(loc)
        else:
            vals[f"X{i}"] = dob("en", loc=loc)
        lines.append(f"| «P{i}» | «X{i}» | {pick(['Sales', 'Support', 'Warehouse', 'Design'])} |")
    head = "| Name | Phone | Team |" if kind == "phone" else "| Name | Date of birth | Team |"
    t = pick(["Sort this table by team:", "Turn this into a CSV:", "Add a column for start date:"]) + f"\n\n{head}\n|---|---|---|\n" + "\n".join(lines)
    return case(t, f"markdown table ({kind})", **vals)


@custom(1)
def leads_list():
    vals, lines = {}, []
    for i in range(2):
        loc = en_loc()
        pp = person_parts(loc)
        vals[f"P{i}"] = person(loc, parts=pp)
        vals[f"E{i}"] = email(loc, parts=pp, work=True)
        lines.append(f"- «P{i}» — «E{i}» — {pick(['warm', 'cold', 'met at the expo', 'asked for pricing'])}")
    return case("Write personalised follow-ups for these leads:\n" + "\n".join(lines), "lead list", **vals)


COUNTRY = {"de_DE": "German", "fr_FR": "French", "es_ES": "Spanish", "it_IT": "Italian", "nl_NL": "Dutch",
           "pt_BR": "Brazilian", "pt_PT": "Portuguese", "pl_PL": "Polish", "sv_SE": "Swedish", "da_DK": "Danish",
           "no_NO": "Norwegian", "fi_FI": "Finnish", "cs_CZ": "Czech", "ro_RO": "Romanian", "tr_TR": "Turkish",
           "el_GR": "Greek", "ja_JP": "Japanese", "es_MX": "Mexican", "de_AT": "Austrian", "de_CH": "Swiss",
           "nl_BE": "Belgian", "ru_RU": "Russian", "en_IE": "Irish", "en_NZ": "New Zealand"}


@custom(9)
def foreign_id_en():
    loc = pick(sorted(COUNTRY))
    gens = [n for n, _ in ID_GENS[loc] if n not in ("passport number",)]
    which = pick(gens)
    pp = person_parts(loc)
    d = rand_date(1945, 2003)
    vals = {"ID": idnum(loc, which, d=d, parts=pp), "C": COUNTRY[loc], "W": which}
    t = pick([
        "Is this a valid «C» «W»: «ID»? My new colleague sent it for the payroll form.",
        "A customer from abroad gave «ID» as their «C» «W». How do I verify the check digit?",
        "Tenant application says «C» «W» «ID» — what does that number encode?",
    ])
    if chance(0.2):
        vals["P"] = person(loc, parts=pp)
        t += " The name on it is «P»."
    if chance(0.15) and loc not in ("en_NZ", "en_IE"):
        vals["D"] = dob("en", loc="", date=d)
        t += " Date of birth «D»."
    return case(t, "foreign ID number in English text", **vals)


@custom(3)
def foreign_wire_en():
    loc = pick(["de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL", "pt_PT", "sv_SE", "cs_CZ", "ro_RO", "tr_TR", "el_GR", "da_DK", "no_NO"])
    vals = {"I": iban(LOC_CC[loc]), "P": person(loc)}
    t = pick([
        "I have to wire 1,200 EUR to «P» in {c}. Their IBAN is «I». What are the fees with Wise?",
        "Supplier «P» sent new bank details: «I». Could this be invoice fraud?",
    ]).replace("{c}", {"de_DE": "Germany", "fr_FR": "France", "es_ES": "Spain", "it_IT": "Italy", "nl_NL": "the Netherlands",
                        "pl_PL": "Poland", "pt_PT": "Portugal", "sv_SE": "Sweden", "cs_CZ": "Czechia", "ro_RO": "Romania",
                        "tr_TR": "Turkey", "el_GR": "Greece", "da_DK": "Denmark", "no_NO": "Norway"}[loc])
    return case(t, "foreign IBAN in English text", **vals)


@custom(2)
def sms_thread():
    loc = en_loc()
    vals = {"PL": person(loc, style="lower"), "PH": phone(loc, fmt=None), "ST": addr_street(en_home())}
    t = pick([
        "[10:02] me: where r u\n[10:05] «PL»: outside «ST» lol\n[10:06] «PL»: call «PH» if u cant find it",
        "fwd msg: hiii its «PL», im at «ST» now, my other phone is «PH» 😅 — summarise this for me",
    ])
    return case(t, "text message thread", **vals)


@custom(2)
def multi_kind_dump():
    loc = en_home()
    pp = person_parts(loc)
    d = rand_date(1950, 2002)
    vals = {"P": person(loc, parts=pp), "D": dob("en", loc=loc, date=d), "PH": phone(loc), "E": email(loc, parts=pp),
            "C": card(), "IP": ip()}
    t = ("Audit this support ticket for anything we shouldn't store:\n"
         "From: «P» <«E»>\nPhone: «PH»\nDOB: «D»\nLast login IP: «IP»\nMessage: please refund card «C», the order never came.")
    return case(t, "support ticket with many kinds", **vals)


# --------------------------------------------------------------------------- hard negatives

NEG: list[tuple[str, str, int, object]] = []


def negative(n: int, lang: str = "en"):
    def deco(fn):
        NEG.append((fn.__name__, lang, n, fn))
        return fn
    return deco


def fmt_date(lang: str, d: dt.date, us: bool | None = None) -> str:
    fmts = _en_formats(chance(0.5) if us is None else us) if lang == "en" else _loc_formats(lang)
    return fmts[pick(sorted(fmts))](d)


def future() -> dt.date:
    return rand_date(2024, 2027)


def price(cur: str | None = None) -> str:
    cur = cur or pick(["€", "$", "£"])
    v = RNG.randint(5, 4999) + RNG.choice([0, 0.5, 0.99, 0.49])
    return f"{cur}{v:,.2f}" if cur != "€" else f"{v:,.2f} €".replace(",", "X").replace(".", ",").replace("X", ".")


def hexs(n: int) -> str:
    return "".join(RNG.choice("0123456789abcdef") for _ in range(n))


def isbn13() -> str:
    body = "978" + pick(["0", "1", "3", "2", "84", "88", "90"])
    body += digits(12 - len(body))
    n = body + ean.calc_check_digit(body)
    g = 2 if body[3:5] in ("84", "88", "90") else 1
    pub = 4 if g == 1 else 3
    return (f"{n[:3]}-{n[3:3 + g]}-{n[3 + g:3 + g + pub]}-{n[3 + g + pub:12]}-{n[12]}"
            if chance(0.6) else n)


def luhn_fail(n: int) -> str:
    while True:
        s = digits(n, True)
        if not luhn.is_valid(s):
            return s


@negative(7)
def deadlines():
    d = fmt_date("en", future())
    t = ([
        f"The quarterly report is due on {d}. Can you draft a reminder for the team?",
        f"Our lease renewal deadline is {d} — what should I negotiate?",
        f"Submit the grant application by {d}, 17:00 CET. Make me a checklist.",
        f"Early-bird pricing ends {d}; write a short promo tweet.",
        f"The sprint ends {d} and the release freeze starts the day after. Plan the QA week.",
    ])
    return t, "deadline date"


@negative(5)
def invoices():
    d = fmt_date("en", rand_date(2023, 2025))
    t = ([
        f"Invoice INV-{RNG.randint(2022, 2025)}-{RNG.randint(1, 99999):05d} dated {d}, total {price()}. Is the 20% VAT line right?",
        f"Credit note CN{RNG.randint(10000, 99999)} from {d} for {price()} — how do I book it?",
        f"Purchase order PO-{RNG.randint(100000, 999999)} issued {d}, net 30. When is payment due?",
    ])
    return t, "invoice/PO date and number"


@negative(4)
def release_dates():
    return ([
        "Python 3.12 was released on 2 October 2023. What are the main changes?",
        "Windows 10 support ends on October 14, 2025 — should we upgrade the office PCs now?",
        "Ubuntu 24.04 LTS came out on 25 April 2024; is it stable enough for servers?",
        "Java 21 was released 2023-09-19. Which features are LTS-worthy?",
        "The iPhone 15 launched on 22 September 2023 — is it worth buying now?",
    ]), "software/product release date"


@negative(6)
def historical_dates():
    return ([
        "What happened in Berlin on 9 November 1989?",
        "Why is 4 July 1776 significant for the United States?",
        "Summarise the events of 6 June 1944 in five bullet points.",
        "The Titanic sank on 15 April 1912 — how many lifeboats did it carry?",
        "What caused the stock market crash of 29 October 1929?",
        "Explain why 11/11/1918 is remembered every year.",
        "What did Abraham Lincoln say in the Gettysburg Address on November 19, 1863?",
    ]), "historical date"


@negative(4)
def times():
    return ([
        "Our standup is at 09:15 and the retro at 16:30 — write a calendar description.",
        f"The backup ran from 02:00:13 to 02:{RNG.randint(20, 59)}:55 UTC, how long is that?",
        "The train leaves at 7:42 and arrives at 11:05; how long is the journey with a 12 min delay?",
        "Convert 14:30 CET to PST and IST for the meeting invite.",
        "Set a cron job for 03:30 every weekday: what's the expression?",
    ]), "clock times"


@negative(7)
def versions():
    a, b, c, e = RNG.randint(1, 9), RNG.randint(0, 20), RNG.randint(0, 30), RNG.randint(0, 200)
    return ([
        f"Upgrade from {a}.{b}.{c}.{e} to {a}.{b}.{c + 1}.0 broke the plugin, how do I roll back?",
        f"firmware version {a}.{b}.{c}.{e} on the router — is it still supported?",
        "Chrome 120.0.6099.109 crashes on startup, any fix?",
        "Windows build 10.0.19045.3803 has a known printer bug?",
        f"Our API is at v{a}.{b}.{c}; write the changelog entry for v{a}.{b}.{c + 1}.",
        "Is OpenSSL 3.0.13 affected by the latest CVE?",
        f"pip says requires numpy>=1.{RNG.randint(20, 26)}.0,<2.0 but I have 2.1.3",
        "Kernel 6.5.0-14-generic won't boot after the update.",
    ]), "version numbers"


@negative(7)
def order_numbers():
    return ([
        f"Order #{digits(3, True)}-{digits(7)}-{digits(7)} hasn't arrived yet, write a complaint.",
        f"Ticket INC{RNG.randint(1000000, 9999999)} was closed without a fix — escalate it politely.",
        f"My DHL tracking number {digits(10, True)} shows 'in transit' for a week.",
        f"Case number {RNG.randint(2019, 2025)}-CV-{RNG.randint(100, 99999):05d}: what does 'CV' mean?",
        f"RMA {RNG.randint(10, 99)}-{RNG.randint(10000, 99999)}-A approved; what do I put in the box?",
        f"Booking reference {''.join(pick('ABCDEFGHJKLMNPQRSTUVWXYZ23456789') for _ in range(6))} — can I change the seat online?",
        f"Tracking {luhn_fail(16)} — is this a FedEx or a UPS number?",
    ]), "order/ticket/tracking number"


@negative(4)
def skus():
    body = "40" + digits(10)
    return ([
        f"SKU WH-{RNG.randint(100, 1000)}XM{RNG.randint(2, 6)}/B is out of stock; suggest alternatives.",
        f"EAN {body + ean.calc_check_digit(body)} scans as a different product at the till.",
        f"Part number {digits(4)}-{digits(4)}-{digits(2)} fits which model of dishwasher?",
        f"Model no. KX-TG{RNG.randint(1000, 9999)} manual please",
    ]), "product SKU / EAN / part number"


@negative(5)
def isbns():
    i = isbn13()
    return ([
        f"The book's ISBN is {i}. Is that the hardback or the paperback?",
        f"Cite this in APA: ISBN {i}, 3rd edition, 2019.",
        f"Library says ISBN {i} is not in the catalogue — what now?",
    ]), "ISBN"


@negative(5)
def math_seqs():
    return ([
        "What's the next number: 2, 3, 5, 7, 11, 13, ...?",
        f"Compute {RNG.randint(100000, 999999)} × {RNG.randint(1000, 9999)} step by step.",
        "Solve 3x + 7 = 22 and explain.",
        "Convert 0x1F4A to decimal and binary.",
        "Is 1, 1, 2, 3, 5, 8, 13, 21, 34 the Fibonacci sequence?",
        f"Sum the series 1 + 2 + ... + {RNG.randint(50, 500)}.",
    ]), "math"


@negative(5)
def hashes():
    return ([
        f"Revert commit {hexs(40)} please, it broke the build.",
        f"sha256sum gives {hexs(64)} — does that match the download page?",
        f"docker pull failed for digest sha256:{hexs(64)}",
        f"git cherry-pick {hexs(7)} and {hexs(7)}: which order?",
        f"The MD5 of the file is {hexs(32)}, is MD5 still OK for integrity checks?",
    ]), "hex hash / commit id"


@negative(4)
def uuids():
    u = str(__import__("uuid").UUID(int=RNG.getrandbits(128), version=4))
    return ([
        f"Request id {u} returned 500, where do I look in Datadog?",
        f"Tenant ID {u} in the Azure portal — is it secret?",
        f"Why does Postgres reject '{u}' as a uuid?",
    ]), "UUID"


@negative(7)
def public_figures():
    return ([
        "Summarise Angela Merkel's refugee policy in 2015.",
        "Was Marie Curie the first woman to win a Nobel Prize?",
        "Compare the leadership styles of Winston Churchill and Franklin D. Roosevelt.",
        "Write a haiku about Serena Williams and the 2012 Wimbledon final.",
        "Why did Nelson Mandela spend 27 years in prison?",
        "Explain Albert Einstein's theory of relativity to a 10-year-old.",
        "What were Ada Lovelace's contributions to computing?",
        "List three novels by Toni Morrison and their themes.",
    ]), "public figure in a general question"


@negative(5)
def fictional():
    return ([
        "Is Hermione Granger smarter than Harry Potter?",
        "Why does Sherlock Holmes play the violin?",
        "Write a scene where Frodo Baggins meets Elizabeth Bennet.",
        "Who would win a debate, Atticus Finch or Jay Gatsby?",
        "Describe Darth Vader's redemption arc.",
        "Is Walter White a tragic hero?",
    ]), "fictional character"


@negative(6)
def companies():
    return ([
        "Compare Johnson & Johnson and Procter & Gamble dividends over 10 years.",
        "Is Ben & Jerry's still owned by Unilever?",
        "Ernst & Young or Deloitte for a junior audit job?",
        "Summarise Harley-Davidson's latest quarterly results.",
        "Why did Marks & Spencer close so many stores?",
        "Goldman Sachs vs Morgan Stanley: which pays juniors more?",
        "Is Dolce & Gabbana sizing smaller than Zara?",
        "Barnes & Noble opening hours on holidays?",
    ]), "company named after people"


@negative(5)
def street_questions():
    return ([
        "What is the history of Abbey Road?",
        "Why is Wall Street called Wall Street?",
        "Best cafés near Portobello Road?",
        "When was Fifth Avenue in New York laid out?",
        "How long is Route 66 and where does it start?",
        "Is Lombard Street really the most crooked street?",
    ]), "street name in a general question"


@negative(4)
def places():
    return ([
        "Plan 5 days in Lisbon and Porto for a family with two kids.",
        "Is Zurich more expensive than Geneva for students?",
        "Fastest train from Vienna to Budapest?",
        "How deep is Lake Victoria?",
        "Is Washington State rainier than Oregon?",
        "What's the best time to visit San Francisco?",
    ]), "cities, countries, places named after people"


@negative(7)
def code():
    return ([
        "def validate(name: str, address: str, phone: str) -> bool:\n    return all([name, address, phone])\n\nAdd proper type checks.",
        "SELECT name, email, phone FROM customers WHERE created_at > NOW() - INTERVAL '7 days';\n-- why is this slow?",
        "const [email, setEmail] = useState('');\nconst [phone, setPhone] = useState('');\n// how do I validate both on blur?",
        "class Person(BaseModel):\n    first_name: str\n    last_name: str\n    date_of_birth: date\n    iban: str | None = None\n\nHow do I make iban required for employees only?",
        "Is the regex ^\\+?[0-9 ()-]{7,20}$ good enough for phone numbers?",
        "df['dob'] = pd.to_datetime(df['dob'], format='%d.%m.%Y')  # raises for some rows, why?",
        "struct Address { std::string street; std::string city; int zip; };  // how to make it hashable?",
        "ssn_pattern = re.compile(r'\\d{3}-\\d{2}-\\d{4}')  # does this miss anything?",
    ]), "code with variables named like personal data"


@negative(4)
def recipes():
    return ([
        "250 g flour, 2 eggs, 1/2 tsp salt, 300 ml milk, bake at 180 °C for 25 min — scale it for 12 people.",
        "Convert 1 1/2 cups of sugar and 3/4 cup butter to grams.",
        "Pizza dough: 500 g 00 flour, 325 g water, 10 g salt, 3 g yeast. How long to proof?",
        "Brine ratio 60 g salt per 1 L water — how much for 3.5 L?",
    ]), "recipe quantities"


@negative(4)
def prices_measures():
    return ([
        f"{price('€')} vs {price('$')} — which is cheaper after 19% VAT?",
        "The plan costs £12.99/month or £129 a year. What's the saving?",
        "The room is 3.45 m x 4.20 m; how many 60x60 tiles do I need?",
        "My parcel is 40 x 30 x 20 cm and 2.5 kg — which DHL size is that?",
        "Convert 72.5 kg and 1.83 m to BMI.",
        "Fuel use went from 6.8 to 5.9 l/100 km, what's that in mpg?",
    ]), "prices and measurements"


@negative(4)
def coordinates():
    return ([
        "The Eiffel Tower is at 48.8584° N, 2.2945° E. How far is it from the Louvre?",
        "Convert 51°30′26″N 0°7′39″W to decimal degrees.",
        "Plot these points: (52.5200, 13.4050) and (48.1351, 11.5820) — distance?",
        "Everest summit is at 27.9881, 86.9250; what's the elevation?",
    ]), "coordinates of public places"


@negative(3)
def placeholders():
    return ([
        "In the template replace <FULL_NAME> and <EMAIL_ADDRESS> with merge fields.",
        "Use {{customer.first_name}} in the greeting and {{order.id}} in the subject.",
        "Our form labels are: Name, Street, House number, Postcode, City. Translate them to Spanish.",
    ]), "placeholders / form labels"


@negative(4)
def statistics():
    return ([
        "The population of Berlin was 3,755,251 in 2023. How does that compare to Madrid?",
        "GDP grew 2.3% in Q3 and inflation was 3.1%. Is that stagflation?",
        "Our churn dropped from 4.7% to 3.9% after the price change — significant with n=12,480?",
        "Conversion: 1,204 of 38,977 visitors. What's the rate?",
    ]), "statistics"


@negative(4)
def dotted_non_ips():
    return ([
        "What is OID 1.3.6.1.4.1.311.21.8 used for?",
        "Section 4.2.1.3 of the spec says the field is optional — is it?",
        "SNMP walk returns 1.3.6.1.2.1.2.2.1.10 — which counter is that?",
        "Clause 12.4.3.1 of the contract: explain in plain English.",
    ]), "dotted numbers that are not IPs"


@negative(3)
def flights():
    return ([
        f"Flight LH {RNG.randint(100, 2999)} departs 14:05 from gate B44 — how early should I be there?",
        f"Is BA{RNG.randint(100, 999)} usually on time?",
        "Train ICE 597 from Munich is delayed 40 minutes, do I get compensation?",
    ]), "flight/train numbers"


@negative(4)
def word_names():
    return ([
        "Rose, Lily and Daisy: which flowers grow best in shade?",
        "Bill the client for 3.5 hours and mark the invoice as paid.",
        "Will it rain tomorrow in Georgia?",
        "The grace period is 14 days; what happens after that?",
        "Should I say 'Frank feedback' or 'candid feedback' in the review?",
        "Is Jack Daniel's a bourbon or a Tennessee whiskey?",
    ]), "words that look like names"


@negative(3)
def science():
    return ([
        "Avogadro's number is 6.02214076 × 10^23; how many molecules in 18 g of water?",
        "The speed of light is 299 792 458 m/s — how long does light take from the Sun?",
        "Water is CAS 7732-18-5 and ethanol is CAS 64-17-5; what's their boiling point difference?",
    ]), "science constants / CAS numbers"


@negative(3)
def non_birth_personal_dates():
    return ([
        "My grandfather passed away on 3 May 1990. Help me write a short memorial poem.",
        "Our wedding anniversary is 12 June — gift ideas for 10 years?",
        f"I started my job on {fmt_date('en', rand_date(2018, 2024))}; when can I take parental leave?",
        f"The bakery opened on {fmt_date('en', rand_date(1980, 2015))}. Write an anniversary post.",
    ]), "personal but not birth dates"


@negative(3)
def tax_general():
    return ([
        "What is the deadline for filing Form 1040 for tax year 2024?",
        "How does the W-8BEN work for non-US freelancers?",
        "What's the format of a US social security number, 3-2-4 digits?",
        "Do I need a National Insurance number to open a bank account in the UK?",
    ]), "general tax/ID questions"


@negative(2)
def models():
    return ([
        "iPhone 15 Pro (A3102) vs Pixel 8 Pro — which has the better camera?",
        "RTX 4090 vs RX 7900 XTX for 4K gaming?",
        "Is the Bosch SMS4HVI33E quiet enough for an open kitchen?",
    ]), "model numbers"


@negative(2)
def postcodes_only():
    return ([
        "Which US ZIP codes start with 9?",
        "Is the LS postcode area all of Leeds?",
        "Is 10115 part of Berlin-Mitte?",
        "What's the difference between a ZIP+4 and a regular ZIP code?",
    ]), "postcode areas without an address"


@negative(2)
def scores():
    return ([
        "Germany beat Brazil 7–1 on 8 July 2014 — how did it happen tactically?",
        "The final score was 3-2 after extra time; write a match report.",
    ]), "sports scores"


# ---- other languages

@negative(14, "de")
def de_negs():
    d = fmt_date("de", future())
    return ([
        f"Die Abgabefrist für die Steuererklärung ist der {d}. Was passiert, wenn ich sie verpasse?",
        f"Rechnung Nr. {RNG.randint(2022, 2025)}-{RNG.randint(1, 9999):04d} vom {fmt_date('de', rand_date(2023, 2025))} über {price('€')} – stimmt die Mehrwertsteuer?",
        "Was hat Goethe über seine Italienreise geschrieben?",
        "Warum heißt die Königsallee in Düsseldorf so?",
        "Was regelt § 823 Abs. 1 BGB?",
        "Rezept: 500 g Mehl, 2 Eier, 250 ml Milch, 1 Prise Salz. Für wie viele Personen reicht das?",
        "Die Mauer fiel am 9. November 1989 – erkläre die Hintergründe.",
        f"Nach dem Update auf Version {RNG.randint(1, 5)}.{RNG.randint(0, 9)}.{RNG.randint(0, 20)}.{RNG.randint(0, 99)} startet die App nicht mehr.",
        f"Bestellnummer {digits(3, True)}-{digits(7)}-{digits(7)}: das Paket ist seit einer Woche unterwegs.",
        "def adresse_pruefen(name, strasse, plz, ort):\n    ...\n# Wie prüfe ich die PLZ?",
        "Der Zug fährt um 7:42 ab Hamburg Hbf und kommt um 11:05 an – wie lange ist die Fahrt?",
        "Ist Dr. Oetker ein Familienunternehmen?",
        "Wie hoch ist die Zugspitze und wann fährt die erste Bahn?",
        "Vergleiche die Bahncard 25 und die Bahncard 50 für 4 Fahrten im Monat.",
    ]), "German hard negative"


@negative(11, "fr")
def fr_negs():
    return ([
        f"La date limite d'inscription est le {fmt_date('fr', future())} : rédige un rappel.",
        f"Facture n° F-{RNG.randint(2022, 2025)}-{RNG.randint(1, 99999):05d} du {fmt_date('fr', rand_date(2023, 2025))}, montant {price('€')} : la TVA est-elle correcte ?",
        "Que pensait Victor Hugo de Napoléon III ?",
        "Quelle est l'histoire des Champs-Élysées ?",
        "Recette : 200 g de beurre, 3 œufs, 150 g de sucre. Cuisson à 180 °C pendant combien de temps ?",
        "La prise de la Bastille a eu lieu le 14 juillet 1789 : résume les causes.",
        f"Numéro de commande {digits(4, True)}-{digits(4)}-{digits(4)} : le colis est bloqué.",
        "Le Tour de France 2024 est parti de Florence le 29 juin, pourquoi de l'Italie ?",
        "Compare Louis Vuitton et Hermès en bourse.",
        "Quel temps fait-il à Marseille en octobre ?",
        "Le TGV part à 8 h 15 de Paris-Gare-de-Lyon ; à quelle heure arrive-t-il à Lyon ?",
    ]), "French hard negative"


@negative(8, "es")
def es_negs():
    return ([
        f"La factura del {fmt_date('es', rand_date(2023, 2025))} tiene un importe de {price('€')}, ¿está bien el IVA?",
        "¿Cuándo escribió Cervantes el Quijote?",
        "Cuéntame la historia de la Gran Vía de Madrid.",
        f"El pedido {digits(3, True)}-{digits(7)} no ha llegado, ¿qué hago?",
        "Receta: 3 huevos, 200 ml de leche y 100 g de harina. ¿Para cuántas crepes da?",
        "El 20 de julio de 1969 el hombre llegó a la Luna: explícalo para niños.",
        f"La versión {RNG.randint(1, 9)}.{RNG.randint(0, 9)}.{RNG.randint(0, 30)} de la app borra mis notas.",
        "¿Qué ver en Ciudad de México en tres días?",
    ]), "Spanish hard negative"


@negative(6, "it")
def it_negs():
    return ([
        f"La scadenza del bando è il {fmt_date('it', future())}: preparami una checklist.",
        "Chi era Leonardo da Vinci e perché è famoso?",
        "Qual è la storia di Via del Corso a Roma?",
        "Carbonara per 4: 320 g di spaghetti, 4 tuorli, 150 g di guanciale. Va bene?",
        f"Ordine n. {digits(3, True)}-{digits(7)} in ritardo, come lo segnalo?",
        "Dolce & Gabbana o Armani per un regalo?",
    ]), "Italian hard negative"


@negative(5, "nl")
def nl_negs():
    return ([
        f"De leverdatum is {fmt_date('nl', future())}, kan dat eerder?",
        "Wat is de geschiedenis van de Kalverstraat?",
        f"Bestelnummer {RNG.randint(2022, 2025)}-{digits(6)} staat al een week op 'verzonden'.",
        "Recept: 250 g bloem, 2 eieren, 500 ml melk – hoeveel pannenkoeken?",
        "Waarom schilderde Rembrandt De Nachtwacht?",
    ]), "Dutch hard negative"


@negative(5, "pt")
def pt_negs():
    return ([
        f"O vencimento do boleto é {fmt_date('pt', future())}, posso pagar depois?",
        "Quem foi Tiradentes?",
        "Qual é a história da Avenida Paulista?",
        f"Pedido nº {digits(4, True)}-{digits(4)} não chegou, como reclamo?",
        "Receita de pão de queijo: 500 g de polvilho, 2 ovos, 200 ml de leite.",
    ]), "Portuguese hard negative"


@negative(4, "pl")
def pl_negs():
    return ([
        f"Termin płatności faktury to {fmt_date('pl', future())}. Napisz przypomnienie.",
        "Kim był Mikołaj Kopernik?",
        "Jaka jest historia ulicy Piotrkowskiej w Łodzi?",
        f"Zamówienie nr {digits(4, True)}-{digits(4)} utknęło w sortowni.",
    ]), "Polish hard negative"


@negative(3, "sv")
def sv_negs():
    return ([
        f"Sista dag för ansökan är {fmt_date('sv', future())}. Skriv en påminnelse.",
        "Vem var Astrid Lindgren?",
        "Vad är historien bakom Drottninggatan i Stockholm?",
    ]), "Swedish hard negative"


@negative(7, "xx")
def misc_lang_negs():
    return ([
        ("da", "Hvornår blev Tivoli i København åbnet?"),
        ("no", "Når ble Karl Johans gate bygget?"),
        ("fi", "Milloin Sibelius sävelsi Finlandian?"),
        ("cs", "Kdy byl postaven Karlův most?"),
        ("ro", "Când a fost construit Palatul Parlamentului din București?"),
        ("tr", "Cumhuriyet hangi yıl ilan edildi ve Ankara neden başkent oldu?"),
        ("ru", "Когда был основан Санкт-Петербург?"),
    ]), "hard negative (general question)"


# --------------------------------------------------------------------------- build and check

KINDS = {"person", "address", "date_of_birth", "id_number", "phone", "email", "ip", "card", "iban", "ssn"}
MINIMUM = {"person": 80, "address": 80, "date_of_birth": 80, "id_number": 80, "phone": 80,
           "email": 30, "ip": 30, "card": 30, "iban": 30, "ssn": 30}
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
IPV4_RE = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
DIGITS_RE = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")


def _outside(text: str, spans: list) -> str:
    chars = list(text)
    for s in spans:
        for i in range(s["start"], s["end"]):
            chars[i] = "\u2588"
    return "".join(chars)


def check_case(c: Case) -> list[str]:
    """Assertions on one case; returns warnings for a human to look at."""
    warn = []
    assert c.note.startswith("negative:" if not c.spans else "positive:"), c.note
    last_end = -1
    for s in sorted(c.spans, key=lambda s: s["start"]):
        assert s["kind"] in KINDS, s
        value = s["_value"]
        assert c.text[s["start"]:s["end"]] == value, (c.text, s)
        assert value == value.strip() and value, (c.text, s)
        assert s["start"] >= last_end, f"overlapping spans in {c.text!r}"
        last_end = s["end"]
        compact = re.sub(r"[\s.\-/]", "", value)
        if s["kind"] == "card":
            assert luhn.is_valid(compact), value
        elif s["kind"] == "iban":
            assert std_iban.is_valid(compact.upper()), value
        elif s["kind"] == "ssn":
            assert us_ssn.is_valid(compact) and compact[:3] not in ("000", "666") and compact[0] != "9", value
        elif s["kind"] == "id_number":
            name = s["_meta"].get("name")
            if name in ID_VALIDATORS:
                assert ID_VALIDATORS[name](value) or ID_VALIDATORS[name](compact), (name, value)
        elif s["kind"] == "phone":
            core = re.split(r" ext\.? | x", value)[0]
            num = phonenumbers.parse(core, s["_meta"]["region"])
            assert phonenumbers.is_valid_number(num), value
        elif s["kind"] == "ip":
            ipaddress.ip_address(value)
        elif s["kind"] == "email":
            assert EMAIL_RE.fullmatch(value), value
    rest = _outside(c.text, c.spans)
    for m in EMAIL_RE.finditer(rest):
        warn.append(f"unlabeled email-like {m.group()!r}")
    if c.spans:
        for m in IPV4_RE.finditer(rest):
            try:
                ipaddress.IPv4Address(m.group())
                warn.append(f"unlabeled IPv4-like {m.group()!r}")
            except ValueError:
                pass
    for m in DIGITS_RE.finditer(rest):
        if luhn.is_valid(re.sub(r"\D", "", m.group())):
            warn.append(f"unlabeled Luhn-valid digits {m.group()!r}")
    return warn


def build() -> list[Case]:
    cases: list[Case] = []
    seen: set[str] = set()

    def add(make, name, lang):
        for _ in range(60):
            CURRENT.update(lang=lang, template=name)
            c = make()
            if c.text not in seen:
                seen.add(c.text)
                cases.append(c)
                return
        print(f"warning: {name}: could not make a new distinct case", file=sys.stderr)

    for fr in FRAMES:
        for i in range(fr.n):
            v = fr.variants[i % len(fr.variants)]
            add(lambda v=v, fr=fr: fill(v, pick_loc(fr.locs), fr.lang, fr.ctx, fr.opts), fr.name, fr.lang)
    for name, lang, n, fn in CUSTOM:
        for _ in range(n):
            add(fn, name, lang)
    for name, lang, n, fn in NEG:
        # every builder lists its wordings; cycle through them (from a random start) so that
        # a wording repeats only when a builder is asked for more cases than it has wordings
        start = RNG.randrange(100)
        for i in range(n):
            def make(i=i, fn=fn, start=start, lang=lang):
                texts, what = fn()
                t = texts[(start + i) % len(texts)]
                tlang = lang
                if isinstance(t, tuple):
                    tlang, t = t
                return neg(t, what, lang=tlang)
            add(make, name, lang)
    return cases


def main() -> None:
    cases = build()
    warnings = []
    for c in cases:
        for w in check_case(c):
            warnings.append(f"{w} in {c.text[:80]!r}")
    RNG.shuffle(cases)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as fh:
        for c in cases:
            spans = [{"kind": s["kind"], "start": s["start"], "end": s["end"]}
                     for s in sorted(c.spans, key=lambda s: s["start"])]
            fh.write(json.dumps({"text": c.text, "spans": spans, "note": c.note}, ensure_ascii=False) + "\n")

    kinds = Counter(s["kind"] for c in cases for s in c.spans)
    langs = Counter(c.lang for c in cases)
    pos_langs = Counter(c.lang for c in cases if c.spans)
    negs = sum(1 for c in cases if not c.spans)
    n_pos_templates = sum(len(f.variants) for f in FRAMES) + len(CUSTOM)
    print(f"wrote {OUT} — {len(cases)} cases, {sum(kinds.values())} spans, {negs} hard negatives "
          f"({negs / len(cases):.0%})")
    print("spans per kind:", dict(sorted(kinds.items(), key=lambda kv: -kv[1])))
    print("cases per language:", dict(langs.most_common()),
          f"(English {langs['en'] / len(cases):.0%})")
    print("positive cases per language:", dict(pos_langs.most_common()))
    print(f"templates: {len(FRAMES)} positive frames with {n_pos_templates} wordings incl. {len(CUSTOM)} structured "
          f"builders; {len(NEG)} negative builders")
    multi = sum(1 for c in cases if len({s['kind'] for s in c.spans}) >= 2)
    print(f"cases with 2+ kinds: {multi}")
    for w in warnings:
        print("check:", w, file=sys.stderr)
    short = {k: (kinds[k], m) for k, m in MINIMUM.items() if kinds[k] < m}
    assert not short, f"too few spans: {short}"


if __name__ == "__main__":
    main()
