"""Generator for ``bench/data/privacy_fresh2.jsonl`` -- a second fresh, independently
written, labelled test set for the PII / secrets detector of the gateway.

What it is
----------
About 600 synthetic texts of the kind people paste into an LLM chat (emails to
summarise, forms, support tickets, medical notes, HR documents, rental
applications, CSV/TSV exports, JSON/YAML configs, shell commands, log lines,
chat messages, letters to translate, code snippets) in English, German, French,
Spanish, Italian, Dutch, Portuguese, Polish, Swedish, Czech, Turkish, Japanese
(romanised), Danish, Finnish and Norwegian.  Roughly 420 texts contain labelled
sensitive values ("positives"); roughly 180 are hard negatives that contain no
labelled span but look as if they might.

Independence
------------
The set was written apart from the detectors: its author did not read the
detector code, the project's tests, its docs or any other test set, and did not
run the project's code.  All templates are original to this file.

Regenerate
----------
    python3 -m venv /tmp/fresh2-venv
    /tmp/fresh2-venv/bin/pip install faker python-stdnum phonenumbers
    /tmp/fresh2-venv/bin/python bench/make_privacy_fresh2.py

Everything is drawn from ``random.Random(20261207)``; the Faker instances are
seeded from that generator, so a run with the same library versions reproduces
the file byte for byte (written with Faker 40.63.0, python-stdnum 2.2,
phonenumbers 9.0.43; other versions may draw different values).  The locale in
a note is that of the data; prompts around code, logs and CSV/JSON data are
written in the locale's language too, except for a few code-only English
templates.  IDs are checked with python-stdnum where it has a
validator, phone numbers with phonenumbers, cards with Luhn (and known test
cards are excluded), IBANs with stdnum.iban.

Format
------
One JSON object per line: ``{"text", "spans": [{"kind", "start", "end"}], "note"}``.
Offsets are Python character offsets; ``text[start:end]`` is exactly the
sensitive value, without surrounding quotes, punctuation or spaces.  Notes read
``positive: <kinds>; <locale>; <template>`` or ``negative: <category>; <locale>; <template>``.

Kinds and conventions
---------------------
person        name of a private individual (given + family name, title + family
              name, or full name in any order/locale).  When a given name is present
              the span holds the name words only ("Dr. Anna Berg" -> "Anna Berg");
              when only title + family name is written the title is part of the
              span ("Frau Berg").  A given name alone is never labelled.  Public
              figures, fictional characters, placeholder names (John Doe, Max
              Mustermann, ...), brands named after people and street/place names
              containing a person's name are not labelled.
address       street address of a person/home (street + number, optionally postcode
              and city when written together on one line; each line of a multi-line
              address that holds street or postcode/city is its own span; PO boxes
              count).  A city or country alone is not an address.
date_of_birth a date that is someone's birth date, any format or language.
id_number     passport, national ID, driver licence, tax ID, social / health
              insurance numbers outside the US SSN, patient / medical record numbers.
              Order, invoice, tracking, ticket, customer numbers, SKUs, ISBNs, UUIDs
              and hashes are not.
phone         personal or business phone numbers, national or international format.
email         e-mail addresses (also disguised "at"/"dot" or URL-encoded forms);
              example.com / example.org addresses in documentation are not.
ip            public IPv4/IPv6 addresses; private, loopback, link-local and
              documentation ranges are not.
card          payment card numbers passing Luhn; well-known test cards are not.
iban          IBANs with valid checksums.
ssn           US social security numbers.
secret        passwords, API keys, tokens, private keys, connection-string
              passwords, webhook secrets, PINs / one-time codes given as credentials.
              Placeholders (``${DB_PASSWORD}``, ``<your-api-key>``, ``xxxx``) and
              AWS documentation example keys are not.
"""

import base64
import datetime as dt
import hashlib
import ipaddress
import json
import os
import random
import re
import string
import sys
import unicodedata
import urllib.parse
import uuid
from collections import Counter

import phonenumbers
from faker import Faker
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from stdnum import ean as std_ean
from stdnum import iban as std_iban
from stdnum import isbn as std_isbn
from stdnum import luhn
from stdnum.at import vnr as at_vnr
from stdnum.au import tfn as au_tfn
from stdnum.be import nn as be_nn
from stdnum.br import cpf as br_cpf
from stdnum.ca import sin as ca_sin
from stdnum.ch import ssn as ch_ssn
from stdnum.cz import rc as cz_rc
from stdnum.de import idnr as de_idnr
from stdnum.dk import cpr as dk_cpr
from stdnum.es import dni as es_dni
from stdnum.es import nie as es_nie
from stdnum.fi import hetu as fi_hetu
from stdnum.fr import nir as fr_nir
from stdnum.gb import nhs as gb_nhs
from stdnum.ie import pps as ie_pps
from stdnum.in_ import aadhaar as in_aadhaar
from stdnum.in_ import pan as in_pan
from stdnum.it import codicefiscale as it_cf
from stdnum.jp import in_ as jp_in
from stdnum.mx import curp as mx_curp
from stdnum.nl import bsn as nl_bsn
from stdnum.no import fodselsnummer as no_fnr
from stdnum.pl import pesel as pl_pesel
from stdnum.pt import cc as pt_cc
from stdnum.pt import nif as pt_nif
from stdnum.se import personnummer as se_pnr
from stdnum.tr import tckimlik as tr_tc
from stdnum.us import ssn as us_ssn

SEED = 20261207
rng = random.Random(SEED)

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "data", "privacy_fresh2.jsonl")

LOCALES = ["en_US", "en_GB", "en_IE", "en_CA", "en_AU", "en_IN", "de_DE", "de_AT",
           "de_CH", "fr_FR", "fr_BE", "fr_CH", "es_ES", "es_MX", "it_IT", "nl_NL",
           "nl_BE", "pt_PT", "pt_BR", "pl_PL", "sv_SE", "cs_CZ", "tr_TR", "ja_JP",
           "da_DK", "fi_FI", "no_NO"]
FK = {}
for _loc in LOCALES:
    FK[_loc] = Faker(_loc)
    FK[_loc].seed_instance(rng.randrange(2 ** 31))

REGION = {loc: loc.split("_")[1] for loc in LOCALES}


def lang(loc):
    return loc.split("_")[0]


# ---------------------------------------------------------------------------
# text fragments with spans
# ---------------------------------------------------------------------------

class Frag:
    __slots__ = ("text", "spans")

    def __init__(self, text, spans=()):
        self.text = text
        self.spans = list(spans)


def L(kind, value):
    assert value == value.strip() and value, (kind, value)
    return Frag(value, [(kind, 0, len(value))])


_PH = re.compile(r"\u27e6(\w+)\u27e7")  # ⟦name⟧


def R(tpl, **kw):
    """Render template with ⟦name⟧ placeholders.  A value is a str (not
    labelled), a (kind, value) tuple (labelled) or a Frag (spans kept)."""
    out, spans, pos, last = [], [], 0, 0
    for m in _PH.finditer(tpl):
        lit = tpl[last:m.start()]
        out.append(lit)
        pos += len(lit)
        v = kw[m.group(1)]
        if isinstance(v, tuple):
            v = L(*v)
        if isinstance(v, Frag):
            out.append(v.text)
            spans += [(k, s + pos, e + pos) for k, s, e in v.spans]
            pos += len(v.text)
        else:
            v = str(v)
            out.append(v)
            pos += len(v)
        last = m.end()
    out.append(tpl[last:])
    return Frag("".join(out), spans)


def J(frags, sep="\n"):
    out, spans, pos = [], [], 0
    for i, f in enumerate(frags):
        if i:
            out.append(sep)
            pos += len(sep)
        if isinstance(f, str):
            f = Frag(f)
        out.append(f.text)
        spans += [(k, s + pos, e + pos) for k, s, e in f.spans]
        pos += len(f.text)
    return Frag("".join(out), spans)


def pick(seq):
    return rng.choice(seq)


def chance(p):
    return rng.random() < p


def digits(n):
    return "".join(rng.choice(string.digits) for _ in range(n))


def alnum(n, alphabet=string.ascii_letters + string.digits):
    return "".join(rng.choice(alphabet) for _ in range(n))


def translit(s):
    s = (s.replace("ß", "ss").replace("ł", "l").replace("Ł", "L").replace("ø", "o")
         .replace("Ø", "O").replace("æ", "ae").replace("Æ", "Ae").replace("ı", "i")
         .replace("đ", "d").replace("'", "").replace("’", ""))
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


# ---------------------------------------------------------------------------
# dates
# ---------------------------------------------------------------------------

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
    "cs": "ledna února března dubna května června července srpna září října listopadu prosince",
    "tr": "Ocak Şubat Mart Nisan Mayıs Haziran Temmuz Ağustos Eylül Ekim Kasım Aralık",
    "da": "januar februar marts april maj juni juli august september oktober november december",
    "no": "januar februar mars april mai juni juli august september oktober november desember",
    "fi": "tammikuuta helmikuuta maaliskuuta huhtikuuta toukokuuta kesäkuuta heinäkuuta elokuuta syyskuuta lokakuuta marraskuuta joulukuuta",
}
MONTHS = {k: v.split() for k, v in MONTHS.items()}


def ordinal_en(n):
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def rand_date(y0, y1):
    start = dt.date(y0, 1, 1).toordinal()
    end = dt.date(y1, 12, 31).toordinal()
    return dt.date.fromordinal(rng.randint(start, end))


def fmt_date(d, loc, style=None):
    lg = lang(loc)
    M = MONTHS.get(lg, MONTHS["en"])
    mn = M[d.month - 1]
    y, m, dd = d.year, d.month, d.day
    styles = {
        "en": [f"{mn} {dd}, {y}", f"{dd} {mn} {y}", f"{ordinal_en(dd)} {mn} {y}",
               f"{ordinal_en(dd)} of {mn} {y}", f"{y}-{m:02d}-{dd:02d}", f"{mn[:3]} {dd} {y}",
               f"{dd:02d}-{mn[:3]}-{y}",
               (f"{m:02d}/{dd:02d}/{y}" if loc in ("en_US", "en_CA") else f"{dd:02d}/{m:02d}/{y}"),
               (f"{m}/{dd}/{str(y)[2:]}" if loc == "en_US" else f"{dd}/{m}/{y}")],
        "de": [f"{dd:02d}.{m:02d}.{y}", f"{dd}. {mn} {y}", f"{dd}.{m}.{y}", f"{y}-{m:02d}-{dd:02d}",
               f"{dd:02d}.{m:02d}.{str(y)[2:]}"],
        "fr": [f"{dd:02d}/{m:02d}/{y}", f"{'1er' if dd == 1 else dd} {mn} {y}", f"{dd}/{m}/{y}"],
        "es": [f"{dd} de {mn} de {y}", f"{dd:02d}/{m:02d}/{y}", f"{dd:02d}-{m:02d}-{y}"],
        "it": [f"{'1°' if dd == 1 else dd} {mn} {y}", f"{dd:02d}/{m:02d}/{y}", f"{dd}/{m}/{y}"],
        "nl": [f"{dd} {mn} {y}", f"{dd:02d}-{m:02d}-{y}", f"{dd}-{m}-{y}"],
        "pt": [f"{dd} de {mn} de {y}", f"{dd:02d}/{m:02d}/{y}", f"{dd:02d}-{m:02d}-{y}"],
        "pl": [f"{dd} {mn} {y}", f"{dd:02d}.{m:02d}.{y}", f"{y}-{m:02d}-{dd:02d}"],
        "sv": [f"{dd} {mn} {y}", f"{y}-{m:02d}-{dd:02d}", f"{dd}/{m} {y}"],
        "cs": [f"{dd}. {mn} {y}", f"{dd}. {m}. {y}", f"{dd:02d}.{m:02d}.{y}"],
        "tr": [f"{dd} {mn} {y}", f"{dd:02d}.{m:02d}.{y}", f"{dd:02d}/{m:02d}/{y}"],
        "da": [f"{dd}. {mn} {y}", f"{dd:02d}-{m:02d}-{y}", f"{dd}.{m}.{y}"],
        "no": [f"{dd}. {mn} {y}", f"{dd:02d}.{m:02d}.{y}"],
        "fi": [f"{dd}. {mn} {y}", f"{dd}.{m}.{y}"],
        "ja": [f"{y}-nen {m}-gatsu {dd}-nichi", f"{y}/{m:02d}/{dd:02d}", f"{y}.{m}.{dd}",
               (f"Showa {y - 1925}-nen {m}-gatsu {dd}-nichi" if 1926 <= y <= 1988 else
                f"Heisei {y - 1988}-nen {m}-gatsu {dd}-nichi")],
    }[lg]
    if style is None:
        return pick(styles)
    return styles[style % len(styles)]


# ---------------------------------------------------------------------------
# people
# ---------------------------------------------------------------------------

PLACEHOLDER_NAMES = {"John Doe", "Jane Doe", "Max Mustermann", "Erika Mustermann", "Jan Kowalski",
                     "Mario Rossi", "Jean Dupont", "Joe Bloggs", "Jan Jansen", "Fulano de Tal"}

NL_PARTICLE_NAMES = ["van den Berg", "de Vries", "van Dijk", "van Leeuwen", "van den Heuvel", "van der Wal",
                     "van den Broek", "van der Veen", "ter Horst", "de Graaf", "de Jong", "van der Meer",
                     "de Boer", "van Vliet", "de Wit", "van der Linden", "op den Kamp", "van Beek"]


def gen_name(loc, g):
    f = FK[loc]
    for _ in range(50):
        if loc == "ja_JP":
            first = f.first_romanized_name_male() if g == "m" else f.first_romanized_name_female()
            last = f.last_romanized_name()
        else:
            first = f.first_name_male() if g == "m" else f.first_name_female()
            last = f.last_name_male() if g == "m" else f.last_name_female()
            lg = lang(loc)
            r = rng.random()
            if lg == "nl" and r < 0.35:
                last = pick(NL_PARTICLE_NAMES)
            elif lg == "de" and r < 0.12:
                last = pick(["von ", "von der ", "zu "]) + last
            elif lg == "de" and r < 0.25:
                last = last + "-" + f.last_name()
            elif lg == "es" and " " not in last:
                last = last + " " + f.last_name()
            elif lg == "pt" and r < 0.4:
                last = pick(["da Silva ", "dos Santos ", "de Sousa ", "da Costa ", "Ferreira ", "de Oliveira "]) + last
            elif lg == "fr" and r < 0.15:
                first = first + "-" + (f.first_name_male() if g == "m" else f.first_name_female())
            elif lg == "en" and r < 0.15:
                first = first + " " + (f.first_name_male() if g == "m" else f.first_name_female())
            elif lg == "en" and r < 0.25:
                first = first + " " + rng.choice(string.ascii_uppercase) + "."
            elif lg == "it" and r < 0.12:
                last = pick(["De ", "Di ", "Lo ", "Del "]) + last
        full = f"{first} {last}"
        if full not in PLACEHOLDER_NAMES and "'" not in full and len(first) > 1:
            return first, last
    return first, last


TITLES = {
    "en": {"m": ["Mr", "Mr.", "Dr"], "f": ["Ms", "Mrs", "Ms.", "Dr."]},
    "de": {"m": ["Herr", "Herrn", "Dr."], "f": ["Frau", "Dr."]},
    "fr": {"m": ["M.", "Monsieur"], "f": ["Mme", "Madame"]},
    "es": {"m": ["Sr.", "D."], "f": ["Sra.", "Dña."]},
    "it": {"m": ["Sig.", "Dott."], "f": ["Sig.ra", "Dott.ssa"]},
    "nl": {"m": ["dhr.", "de heer"], "f": ["mevr.", "mevrouw"]},
    "pt": {"m": ["Sr.", "Dr."], "f": ["Sra.", "Dra."]},
    "pl": {"m": ["Pan", "dr"], "f": ["Pani", "dr"]},
    "sv": {"m": ["herr"], "f": ["fru"]},
    "cs": {"m": ["pan", "Ing."], "f": ["paní", "Mgr."]},
    "tr": {"m": ["Sayın", "Dr."], "f": ["Sayın", "Dr."]},
    "ja": {"m": ["Mr."], "f": ["Ms."]},
    "da": {"m": ["hr."], "f": ["fru"]},
    "fi": {"m": ["herra"], "f": ["rouva"]},
    "no": {"m": ["herr"], "f": ["fru"]},
}


class Person:
    def __init__(self, loc, gender=None, y0=1944, y1=2004):
        self.loc = loc
        self.g = gender or pick("mf")
        self.first, self.last = gen_name(loc, self.g)
        self.dob = rand_date(y0, y1)
        self.family_first = loc == "ja_JP" and chance(0.6)

    @property
    def full(self):
        if self.family_first:
            return f"{self.last} {self.first}"
        return f"{self.first} {self.last}"

    def title(self):
        return pick(TITLES[lang(self.loc)][self.g])

    def dob_s(self, style=None):
        return fmt_date(self.dob, self.loc, style)


# ---------------------------------------------------------------------------
# addresses
# ---------------------------------------------------------------------------

CITIES = {
    "US": [("Springfield", "IL", "627"), ("Austin", "TX", "787"), ("Portland", "OR", "972"),
           ("Columbus", "OH", "432"), ("Tucson", "AZ", "857"), ("Raleigh", "NC", "276"),
           ("Madison", "WI", "537"), ("Boise", "ID", "837"), ("Albany", "NY", "122"),
           ("Sacramento", "CA", "958"), ("Denver", "CO", "802"), ("Richmond", "VA", "232")],
    "GB": [("Leeds", "LS"), ("Bristol", "BS"), ("Manchester", "M"), ("Nottingham", "NG"),
           ("Cardiff", "CF"), ("Glasgow", "G"), ("Brighton", "BN"), ("York", "YO"), ("Norwich", "NR")],
    "DE": [("Berlin", "10"), ("Hamburg", "22"), ("München", "80"), ("Köln", "50"), ("Leipzig", "04"),
           ("Dresden", "01"), ("Freiburg im Breisgau", "79"), ("Bremen", "28"), ("Kassel", "34"),
           ("Münster", "48"), ("Regensburg", "93"), ("Kiel", "24"), ("Mainz", "55")],
    "AT": [("Wien", "1"), ("Graz", "80"), ("Linz", "40"), ("Salzburg", "50"), ("Innsbruck", "60")],
    "CH": [("Zürich", "80"), ("Bern", "30"), ("Basel", "40"), ("Luzern", "60"), ("St. Gallen", "90")],
    "FR": [("Lyon", "6900"), ("Marseille", "130"), ("Toulouse", "310"), ("Nantes", "440"),
           ("Lille", "590"), ("Bordeaux", "330"), ("Rennes", "350"), ("Montpellier", "340"),
           ("Strasbourg", "670"), ("Grenoble", "380")],
    "BE": [("Bruxelles", "10"), ("Liège", "40"), ("Namur", "50"), ("Antwerpen", "20"),
           ("Gent", "90"), ("Leuven", "30"), ("Brugge", "80")],
    "ES": [("Madrid", "280"), ("Barcelona", "080"), ("Valencia", "460"), ("Sevilla", "410"),
           ("Zaragoza", "500"), ("Málaga", "290"), ("Bilbao", "480"), ("Granada", "180")],
    "MX": [("Ciudad de México, CDMX", "0"), ("Guadalajara, Jal.", "44"), ("Monterrey, N.L.", "64"),
           ("Puebla, Pue.", "72"), ("Mérida, Yuc.", "97")],
    "IT": [("Milano", "201", "MI"), ("Roma", "001", "RM"), ("Torino", "101", "TO"), ("Bologna", "401", "BO"),
           ("Firenze", "501", "FI"), ("Napoli", "801", "NA"), ("Padova", "351", "PD"), ("Bari", "701", "BA")],
    "NL": [("Amsterdam", "10"), ("Utrecht", "35"), ("Rotterdam", "30"), ("Den Haag", "25"),
           ("Groningen", "97"), ("Eindhoven", "56"), ("Haarlem", "20"), ("Nijmegen", "65")],
    "PT": [("Lisboa", "1"), ("Porto", "4"), ("Braga", "47"), ("Coimbra", "30"), ("Faro", "80")],
    "BR": [("São Paulo - SP", "0"), ("Rio de Janeiro - RJ", "2"), ("Belo Horizonte - MG", "3"),
           ("Curitiba - PR", "8"), ("Porto Alegre - RS", "9"), ("Recife - PE", "5")],
    "PL": [("Warszawa", "0"), ("Kraków", "3"), ("Gdańsk", "80"), ("Wrocław", "5"), ("Poznań", "6"),
           ("Łódź", "9"), ("Lublin", "20")],
    "SE": [("Stockholm", "11"), ("Göteborg", "41"), ("Malmö", "21"), ("Uppsala", "75"), ("Umeå", "90"),
           ("Linköping", "58")],
    "CZ": [("Praha 2", "120"), ("Praha 6", "160"), ("Brno", "602"), ("Ostrava", "702"), ("Plzeň", "301"),
           ("Olomouc", "779")],
    "TR": [("Kadıköy/İstanbul", "347"), ("Çankaya/Ankara", "066"), ("Konak/İzmir", "352"),
           ("Nilüfer/Bursa", "161"), ("Muratpaşa/Antalya", "071")],
    "DK": [("København N", "22"), ("Aarhus C", "80"), ("Odense C", "50"), ("Aalborg", "90")],
    "FI": [("Helsinki", "00"), ("Tampere", "33"), ("Turku", "20"), ("Oulu", "90")],
    "NO": [("Oslo", "0"), ("Bergen", "50"), ("Trondheim", "70"), ("Stavanger", "40")],
    "IE": [("Dublin", "D"), ("Cork", "T12"), ("Galway", "H91"), ("Limerick", "V94")],
    "CA": [("Toronto, ON", "M"), ("Ottawa, ON", "K"), ("Calgary, AB", "T"), ("Halifax, NS", "B"),
           ("Vancouver, BC", "V")],
    "AU": [("Fitzroy VIC", "30"), ("Newtown NSW", "20"), ("West End QLD", "41"), ("Fremantle WA", "61"),
           ("Glenelg SA", "50")],
    "IN": [("Bengaluru", "560"), ("Pune", "411"), ("Chennai", "600"), ("Hyderabad", "500"), ("Jaipur", "302")],
    "JP": [("Setagaya-ku, Tokyo", "15"), ("Nakano-ku, Tokyo", "16"), ("Kita-ku, Osaka", "53"),
           ("Naka-ku, Yokohama", "23"), ("Sakyo-ku, Kyoto", "60")],
}

STREETS = {
    "US": ["Maple Avenue", "Oak Street", "Cedar Lane", "Willow Drive", "Lakeview Road", "Hillcrest Ave",
           "Pine St", "Elmwood Court", "Sunset Blvd", "Briarwood Dr", "N 14th Street", "Chestnut Way"],
    "GB": ["Elm Road", "Victoria Street", "Church Lane", "Mill Close", "Park View", "Station Road",
           "Albert Terrace", "Harrow Gardens", "Beech Grove", "Kingsway"],
    "IE": ["Seafield Road", "Main Street", "Ashgrove Park", "Church View", "Oakley Drive"],
    "CA": ["Rue Saint-Denis", "Maple Grove Dr", "Bloor Street West", "Elgin Street", "Quinpool Rd"],
    "AU": ["Smith St", "Brunswick Street", "King Street", "Wattle Ave", "Beach Road"],
    "IN": ["14th Cross, Indiranagar", "MG Road", "Baner Road", "Anna Salai", "Jubilee Hills Road No. 36"],
    "DE": ["Lindenstraße", "Hauptstraße", "Am Mühlbach", "Schillerstraße", "Bahnhofstr.", "Gartenweg",
           "Kastanienallee", "Rosenstraße", "Friedrich-Ebert-Str.", "Im Winkel", "Talstraße", "Am Sportplatz"],
    "AT": ["Mariahilfer Straße", "Erlgasse", "Hauptplatz", "Lerchenfelder Gürtel", "Schulgasse"],
    "CH": ["Bahnhofstrasse", "Seestrasse", "Dorfstrasse", "Rue du Lac", "Via Cantonale"],
    "FR": ["rue des Lilas", "avenue Jean Jaurès", "boulevard Voltaire", "rue de la République",
           "impasse des Tilleuls", "chemin du Moulin", "rue Pasteur", "allée des Acacias", "place du Marché"],
    "BE": ["Rue des Alliés", "Kerkstraat", "Avenue Brugmann", "Stationsstraat", "Rue Haute", "Veldstraat"],
    "ES": ["Calle Mayor", "C/ de Alcalá", "Avenida de la Constitución", "Calle del Pez", "Plaza Nueva",
           "Carrer de Mallorca", "Paseo de Gracia", "Calle Real"],
    "MX": ["Av. Insurgentes Sur", "Calle Hidalgo", "Av. Vallarta", "Calle 60", "Av. Juárez"],
    "IT": ["Via Garibaldi", "Via Roma", "Corso Vittorio Emanuele II", "Via dei Mille", "Viale Mazzini",
           "Via San Francesco", "Piazza della Libertà", "Via XX Settembre"],
    "NL": ["Prinsengracht", "Dorpsstraat", "Kerkweg", "Molenlaan", "Oudegracht", "Julianastraat",
           "Vondelstraat", "Zeestraat"],
    "PT": ["Rua Augusta", "Avenida da Liberdade", "Rua de Santa Catarina", "Travessa do Carmo", "Rua Direita"],
    "BR": ["Rua das Flores", "Avenida Paulista", "Rua XV de Novembro", "Rua da Consolação", "Av. Boa Viagem"],
    "PL": ["ul. Długa", "ul. Mickiewicza", "al. Jana Pawła II", "ul. Polna", "ul. Ogrodowa", "ul. Kwiatowa",
           "ul. Lipowa"],
    "SE": ["Storgatan", "Drottninggatan", "Kungsvägen", "Björkvägen", "Sveavägen", "Ringvägen"],
    "CZ": ["Vinohradská", "Nádražní", "Husova", "Masarykova", "Komenského", "Palackého"],
    "TR": ["Atatürk Cad.", "Bağdat Cad.", "Cumhuriyet Mah. Gül Sok.", "İnönü Bulvarı", "Kıbrıs Şehitleri Cad."],
    "DK": ["Nørrebrogade", "Vestergade", "Østerbrogade", "Algade"],
    "FI": ["Mannerheimintie", "Hämeenkatu", "Aurakatu", "Kauppurienkatu"],
    "NO": ["Thorvald Meyers gate", "Storgata", "Kirkegata", "Nedre Slottsgate"],
    "JP": ["Kitazawa", "Nakano", "Umeda", "Yamashita-cho", "Shimogamo"],
}


class Addr:
    def __init__(self, line1, line2, sep=", "):
        self.line1, self.line2, self.sep = line1, line2, sep

    @property
    def one(self):
        return self.line1 + self.sep + self.line2


def gen_addr(loc):
    c = REGION[loc]
    if c == "CH" and loc == "fr_CH":
        pass
    n = rng.randint(1, 120)
    st = pick(STREETS[c]) if c in STREETS else pick(STREETS["US"])
    if c == "US":
        city, state, zp = pick(CITIES["US"])
        l1 = f"{rng.randint(100, 9899)} {st}" + (pick(["", "", f", Apt {rng.randint(1, 40)}{pick('ABCD')}", f" Unit {rng.randint(2, 30)}"]))
        return Addr(l1, f"{city}, {state} {zp}{digits(2)}")
    if c == "GB":
        city, pc = pick(CITIES["GB"])
        l1 = (pick(["", f"Flat {rng.randint(1, 12)}, "]) + f"{n} {st}")
        post = f"{pc}{rng.randint(1, 19)} {rng.randint(1, 9)}{pick('ABDEFGHJLNPQRSTUWXYZ')}{pick('ABDEFGHJLNPQRSTUWXYZ')}"
        return Addr(l1, f"{city} {post}")
    if c == "IE":
        city, pc = pick(CITIES["IE"])
        if city == "Dublin":
            d = rng.randint(1, 18)
            return Addr(f"{n} {st}", f"Dublin {d}, D{d:02d} {pick('ACEFHKNPRTVWXY')}{digits(1)}{pick('ACEFHKNPRTVWXY')}{digits(1)}")
        return Addr(f"{n} {st}", f"{city}, {pc} {pick('ACEFHKNPRTVWXY')}{digits(1)}{pick('ACEFHKNPRTVWXY')}{digits(1)}")
    if c == "CA":
        city, pc = pick(CITIES["CA"])
        post = f"{pc}{digits(1)}{pick('ABCEGHJKLMNPRSTVXY')} {digits(1)}{pick('ABCEGHJKLMNPRSTVXY')}{digits(1)}"
        return Addr(f"{rng.randint(10, 4999)} {st}" + pick(["", f", Apt. {rng.randint(100, 1900)}"]), f"{city} {post}")
    if c == "AU":
        city, pc = pick(CITIES["AU"])
        l1 = pick([f"{n} {st}", f"Unit {rng.randint(1, 9)}/{n} {st}", f"{rng.randint(1, 9)}/{n} {st}"])
        return Addr(l1, f"{city} {pc}{digits(2)}")
    if c == "IN":
        city, pc = pick(CITIES["IN"])
        return Addr(f"Flat {rng.randint(101, 904)}, {pick(['Sai Residency', 'Green Park Apartments', 'Lotus Towers'])}, {st}",
                    f"{city} {pc}{digits(3)}")
    if c == "DE":
        city, pc = pick(CITIES["DE"])
        return Addr(f"{st} {n}{pick(['', '', 'a', 'b'])}", f"{pc}{digits(3)} {city}")
    if c == "AT":
        city, pc = pick(CITIES["AT"])
        l1 = f"{st} {n}" + pick(["", f"/{rng.randint(1, 30)}", f"/Top {rng.randint(1, 30)}", f"/{rng.randint(1, 5)}/{rng.randint(1, 20)}"])
        post = (pc + digits(4 - len(pc))) if city != "Wien" else f"1{rng.randint(1, 23):02d}0"
        return Addr(l1, f"{post} {city}")
    if c == "CH":
        if loc == "fr_CH":
            city, pc = pick([("Genève", "12"), ("Lausanne", "10"), ("Neuchâtel", "20"), ("Fribourg", "17")])
            st = pick(["Rue du Lac", "Avenue de la Gare", "Chemin des Vignes", "Rue du Marché"])
        else:
            city, pc = pick(CITIES["CH"])
            st = pick(["Bahnhofstrasse", "Seestrasse", "Dorfstrasse", "Kirchweg", "Gartenstrasse"])
        return Addr(f"{st} {n}", f"{pc}{digits(2)} {city}")
    if c == "FR":
        city, pc = pick(CITIES["FR"])
        l1 = f"{n}{pick(['', '', ' bis', ' ter'])} {st}"
        if chance(0.3):
            l1 = f"Bât. {pick('ABC')}, appt {rng.randint(1, 60)}, " + l1
        return Addr(l1, f"{pc}{digits(5 - len(pc))} {city}")
    if c == "BE":
        city, pc = pick(CITIES["BE"][:3] if loc == "fr_BE" else CITIES["BE"][3:])
        st = pick([x for x in STREETS["BE"] if x.startswith(("Rue", "Avenue"))] if loc == "fr_BE"
                  else [x for x in STREETS["BE"] if not x.startswith(("Rue", "Avenue"))])
        if st.startswith(("Rue", "Avenue")):
            l1 = f"{st} {n}" + pick(["", f" bte {rng.randint(1, 12)}"])
        else:
            l1 = f"{st} {n}" + pick(["", f" bus {rng.randint(1, 12)}"])
        return Addr(l1, f"{pc}{digits(2)} {city}")
    if c == "ES":
        city, pc = pick(CITIES["ES"])
        l1 = f"{st}, {n}" + pick(["", f", {rng.randint(1, 9)}º {pick('ABCD')}", f", {rng.randint(1, 6)}º izq.", ", bajo"])
        return Addr(l1, f"{pc}{digits(2)} {city}")
    if c == "MX":
        city, pc = pick(CITIES["MX"])
        l1 = f"{st} {rng.randint(10, 2999)}" + pick(["", f" Int. {rng.randint(1, 12)}"]) + f", Col. {pick(['del Valle', 'Centro', 'Americana', 'Roma Norte', 'Narvarte'])}"
        return Addr(l1, f"C.P. {pc}{digits(5 - len(pc))}, {city}")
    if c == "IT":
        city, pc, prov = pick(CITIES["IT"])
        l1 = f"{st}{pick([' ', ', '])}{n}" + pick(["", f"/{pick('ABC')}", f", int. {rng.randint(1, 20)}"])
        return Addr(l1, f"{pc}{digits(2)} {city} ({prov})")
    if c == "NL":
        city, pc = pick(CITIES["NL"])
        l1 = f"{st} {n}" + pick(["", "", f"-{rng.randint(1, 3)}", " A", " hs"])
        post = f"{pc}{digits(2)} {pick('ABCDEGHJKLMNPRSTVWXZ')}{pick('ABCDEGHJKLMNPRSTVWXZ')}"
        return Addr(l1, f"{post} {city}")
    if c == "PT":
        city, pc = pick(CITIES["PT"])
        l1 = f"{st}, {n}" + pick(["", f", {rng.randint(1, 8)}.º Esq.", f", {rng.randint(1, 8)}.º Dto.", ", r/c"])
        return Addr(l1, f"{pc}{digits(4 - len(pc))}-{digits(3)} {city}")
    if c == "BR":
        city, pc = pick(CITIES["BR"])
        l1 = f"{st}, {rng.randint(10, 3999)}" + pick(["", f", apto {rng.randint(11, 1204)}", f", casa {rng.randint(1, 4)}"])
        return Addr(l1, f"{city}, {pc}{digits(5 - len(pc))}-{digits(3)}", sep=" – ")
    if c == "PL":
        city, pc = pick(CITIES["PL"])
        l1 = f"{st} {n}" + pick(["", f"/{rng.randint(1, 80)}", f" m. {rng.randint(1, 80)}"])
        z = pc + digits(5 - len(pc))
        return Addr(l1, f"{z[:2]}-{z[2:]} {city}")
    if c == "SE":
        city, pc = pick(CITIES["SE"])
        l1 = f"{st} {n}" + pick(["", f", lgh {rng.randint(1001, 1604)}", f" {pick('AB')}"])
        z = pc + digits(3)
        return Addr(l1, f"{z[:3]} {z[3:]} {city}")
    if c == "CZ":
        city, pc = pick(CITIES["CZ"])
        l1 = f"{st} {rng.randint(100, 2999)}/{rng.randint(1, 80)}"
        return Addr(l1, f"{pc} {digits(2)} {city}" if chance(0.5) else f"{pc} 00 {city}")
    if c == "TR":
        city, pc = pick(CITIES["TR"])
        l1 = f"{st} No: {rng.randint(1, 220)} D: {rng.randint(1, 24)}" if chance(0.5) else f"{st} No:{rng.randint(1, 220)}/{rng.randint(1, 24)}"
        return Addr(l1, f"{pc}{digits(2)} {city}")
    if c == "DK":
        city, pc = pick(CITIES["DK"])
        return Addr(f"{st} {n}, {rng.randint(1, 5)}. {pick(['th.', 'tv.', 'mf.'])}", f"{pc}{digits(2)} {city}")
    if c == "FI":
        city, pc = pick(CITIES["FI"])
        return Addr(f"{st} {n} {pick('ABC')} {rng.randint(1, 60)}", f"{pc}{rng.randint(1, 9)}{digits(1)}0 {city}")
    if c == "NO":
        city, pc = pick(CITIES["NO"])
        return Addr(f"{st} {n}{pick(['', 'B', ' H0203'])}", f"{pc}{digits(4 - len(pc))} {city}")
    if c == "JP":
        city, pc = pick(CITIES["JP"])
        l1 = f"{rng.randint(1, 5)}-{rng.randint(1, 30)}-{rng.randint(1, 20)} {st}"
        if chance(0.4):
            l1 += f", {pick(['Sunny Heights', 'Maison Kitazawa', 'Green Court'])} {rng.randint(1, 9)}0{rng.randint(1, 9)}"
        return Addr(l1, f"{city} {pc}{digits(1)}-{digits(4)}")
    raise KeyError(c)


PO_BOX = {
    "en_US": lambda: (lambda c: f"PO Box {rng.randint(100, 9999)}, {c[0]}, {c[1]} {c[2]}{digits(2)}")(pick(CITIES["US"])),
    "en_GB": lambda: f"PO Box {rng.randint(100, 999)}, {pick(CITIES['GB'])[0]}",
    "de_DE": lambda: f"Postfach {rng.randint(10, 99)} {digits(2)}, {digits(5)} {pick(CITIES['DE'])[0]}",
    "fr_FR": lambda: f"BP {rng.randint(10, 999)}, {digits(5)} {pick(CITIES['FR'])[0]} Cedex",
    "es_ES": lambda: f"Apartado de Correos {rng.randint(10, 9999)}, {digits(5)} {pick(CITIES['ES'])[0]}",
    "it_IT": lambda: f"Casella Postale {rng.randint(10, 999)}, {digits(5)} {pick(CITIES['IT'])[0]}",
    "nl_NL": lambda: f"Postbus {rng.randint(100, 99999)}, {digits(4)} {pick('ABCDEGHJ')}{pick('ABCDEGHJ')} {pick(CITIES['NL'])[0]}",
    "pt_PT": lambda: f"Apartado {rng.randint(10, 9999)}, {digits(4)}-{digits(3)} {pick(CITIES['PT'])[0]}",
    "sv_SE": lambda: f"Box {rng.randint(10, 9999)}, {digits(3)} {digits(2)} {pick(CITIES['SE'])[0]}",
    "pl_PL": lambda: f"skrytka pocztowa {rng.randint(1, 999)}, {digits(2)}-{digits(3)} {pick(CITIES['PL'])[0]}",
}


# ---------------------------------------------------------------------------
# phones
# ---------------------------------------------------------------------------

PHONE_PREFIX = {
    ("US", 1): ["212", "415", "312", "617", "206", "303", "512", "404", "503", "614", "919", "608"],
    ("US", 0): ["212", "415", "312", "617", "206", "303", "512", "404", "503", "614", "919", "608"],
    ("CA", 1): ["416", "613", "403", "902", "604", "514"], ("CA", 0): ["416", "613", "403", "902", "604", "514"],
    ("GB", 1): ["7700", "7911", "7520", "7412", "7789", "7956", "7842"],
    ("GB", 0): ["113", "117", "161", "115", "29", "141", "1273", "1904", "1603", "20"],
    ("DE", 1): ["151", "152", "157", "160", "170", "171", "172", "175", "176", "177", "179", "162"],
    ("DE", 0): ["30", "40", "89", "221", "341", "351", "761", "421", "561", "251", "941", "431", "6131"],
    ("AT", 1): ["664", "676", "650", "699", "660"], ("AT", 0): ["1", "316", "732", "662", "512"],
    ("CH", 1): ["79", "78", "76", "77"], ("CH", 0): ["44", "31", "61", "41", "71"],
    ("FR", 1): ["6", "7"], ("FR", 0): ["1", "4", "5", "2", "3"],
    ("BE", 1): ["47", "48", "49"], ("BE", 0): ["2", "4", "81", "3", "9", "16", "50"],
    ("ES", 1): ["6", "7"], ("ES", 0): ["91", "93", "96", "95", "976", "952", "94", "958"],
    ("MX", 1): ["55", "33", "81"], ("MX", 0): ["55", "33", "81", "222", "999"],
    ("IT", 1): ["3"], ("IT", 0): ["02", "06", "011", "051", "055", "081"],
    ("NL", 1): ["6"], ("NL", 0): ["20", "30", "10", "70", "50", "40"],
    ("PT", 1): ["91", "92", "93", "96"], ("PT", 0): ["21", "22", "253", "239", "289"],
    ("BR", 1): ["119", "219", "319", "419", "519", "819"], ("BR", 0): ["11", "21", "31", "41", "51", "81"],
    ("PL", 1): ["5", "6", "7", "8"], ("PL", 0): ["22", "12", "58", "71", "61"],
    ("SE", 1): ["70", "72", "73", "76"], ("SE", 0): ["8", "31", "40", "18", "90"],
    ("CZ", 1): ["60", "72", "73", "77"], ("CZ", 0): ["2", "5", "59", "37"],
    ("TR", 1): ["53", "54", "50", "55"], ("TR", 0): ["216", "312", "232", "224"],
    ("JP", 1): ["90", "80", "70"], ("JP", 0): ["3", "6", "45", "75"],
    ("DK", 1): ["2", "3", "4", "5"], ("DK", 0): ["3", "8", "6", "9"],
    ("FI", 1): ["40", "50", "44"], ("FI", 0): ["9", "3", "2", "8"],
    ("NO", 1): ["4", "9"], ("NO", 0): ["2", "5", "7"],
    ("IE", 1): ["83", "85", "86", "87"], ("IE", 0): ["1", "21", "91", "61"],
    ("AU", 1): ["4"], ("AU", 0): ["2", "3", "7", "8"],
    ("IN", 1): ["98", "97", "96", "99", "70", "80", "90"], ("IN", 0): ["80", "20", "44", "40"],
}

_OK_TYPES = {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE}


def gen_phone_obj(region, mobile=True):
    t = PhoneNumberType.MOBILE if mobile else PhoneNumberType.FIXED_LINE
    ex = phonenumbers.example_number_for_type(region, t)
    nsn = phonenumbers.national_significant_number(ex)
    cc = ex.country_code
    prefixes = PHONE_PREFIX.get((region, int(mobile)), [nsn[:2]])
    for _ in range(20000):
        pre = pick(prefixes)
        ln = len(nsn) + (pick([0, 1, 1, 2]) if region == "DE" and not mobile else pick([0, 0, 0, -1, 1]))
        if ln <= len(pre) + 3:
            continue
        cand = pre + digits(ln - len(pre))
        if region in ("US", "CA") and (cand[3:6] == "555" or cand[3] in "01"):
            continue
        if region == "GB" and cand.startswith("7700900"):
            continue
        num = phonenumbers.parse(f"+{cc}{cand}")
        if phonenumbers.is_valid_number(num) and phonenumbers.region_code_for_number(num) == region:
            nt = phonenumbers.number_type(num)
            if nt in _OK_TYPES and (nt != (PhoneNumberType.FIXED_LINE if mobile else PhoneNumberType.MOBILE)):
                return num
    raise RuntimeError(region)


def fmt_phone(num, region, style=None):
    intl = phonenumbers.format_number(num, PhoneNumberFormat.INTERNATIONAL)
    nat = phonenumbers.format_number(num, PhoneNumberFormat.NATIONAL)
    e164 = phonenumbers.format_number(num, PhoneNumberFormat.E164)
    cc = str(num.country_code)
    opts = [intl, intl, nat, nat, e164]
    if region in ("US", "CA"):
        d = phonenumbers.national_significant_number(num)
        opts += [f"{d[:3]}-{d[3:6]}-{d[6:]}", f"{d[:3]}.{d[3:6]}.{d[6:]}", f"+1-{d[:3]}-{d[3:6]}-{d[6:]}",
                 f"1 ({d[:3]}) {d[3:6]}-{d[6:]}"]
    else:
        opts += [intl.replace(" ", "-"), "00" + intl[1:]]
        if nat.startswith("0"):
            rest = nat[1:]
            opts += [f"+{cc} (0){rest}", nat.replace(" ", ""), nat.replace(" ", "-")]
            if region in ("FR", "BE", "CH"):
                opts += [nat.replace(" ", ".")]
            if region == "DE":
                parts = nat.split(" ", 1)
                if len(parts) == 2:
                    opts += [f"{parts[0]}/{parts[1].replace(' ', '')}", f"{parts[0]} / {parts[1]}",
                             f"({parts[0]}) {parts[1]}"]
    s = pick(opts) if style is None else opts[style % len(opts)]
    try:
        chk = phonenumbers.parse(s.replace("(0)", ""), region)
        ok = phonenumbers.is_valid_number(chk) and chk.national_number == num.national_number
    except phonenumbers.NumberParseException:
        ok = False
    if not ok:
        s = intl
    return s


def phone(loc, mobile=None, style=None):
    region = REGION[loc]
    if mobile is None:
        mobile = chance(0.65)
    return fmt_phone(gen_phone_obj(region, mobile), region, style)


def phone_digits_spaced(loc):
    num = gen_phone_obj(REGION[loc], True)
    nat = phonenumbers.format_number(num, PhoneNumberFormat.NATIONAL)
    d = re.sub(r"\D", "", nat)
    return " ".join(d)


# ---------------------------------------------------------------------------
# emails
# ---------------------------------------------------------------------------

FREEMAIL = {
    "en": ["gmail.com", "outlook.com", "yahoo.com", "icloud.com", "hotmail.co.uk", "proton.me", "aol.com"],
    "de": ["web.de", "gmx.de", "t-online.de", "posteo.de", "freenet.de", "mailbox.org"],
    "fr": ["orange.fr", "free.fr", "laposte.net", "sfr.fr", "wanadoo.fr"],
    "es": ["hotmail.es", "telefonica.net", "yahoo.es", "gmail.com", "outlook.es"],
    "it": ["libero.it", "virgilio.it", "tiscali.it", "alice.it", "gmail.com", "pec.it"],
    "nl": ["ziggo.nl", "kpnmail.nl", "xs4all.nl", "planet.nl", "hotmail.nl"],
    "pt": ["sapo.pt", "gmail.com", "hotmail.com", "netcabo.pt", "outlook.pt"],
    "pt_BR": ["uol.com.br", "bol.com.br", "terra.com.br", "gmail.com", "hotmail.com", "globo.com"],
    "fr_BE": ["skynet.be", "gmail.com", "proximus.be", "hotmail.be"],
    "fr_CH": ["bluewin.ch", "gmail.com", "sunrise.ch"], "de_CH": ["bluewin.ch", "gmx.ch", "sunrise.ch"],
    "de_AT": ["gmx.at", "aon.at", "chello.at", "gmail.com"], "nl_BE": ["telenet.be", "skynet.be", "gmail.com"],
    "es_MX": ["prodigy.net.mx", "gmail.com", "hotmail.com", "outlook.com"],
    "en_GB": ["gmail.com", "btinternet.com", "hotmail.co.uk", "outlook.com", "sky.com"],
    "en_IN": ["gmail.com", "rediffmail.com", "yahoo.co.in"], "en_AU": ["bigpond.com", "gmail.com", "outlook.com"],
    "pl": ["wp.pl", "onet.pl", "interia.pl", "o2.pl", "gmail.com"],
    "sv": ["telia.com", "gmail.com", "bredband.net", "spray.se", "hotmail.se"],
    "cs": ["seznam.cz", "email.cz", "centrum.cz", "volny.cz"],
    "tr": ["hotmail.com", "yandex.com.tr", "gmail.com", "mynet.com"],
    "ja": ["yahoo.co.jp", "docomo.ne.jp", "gmail.com", "nifty.com", "ezweb.ne.jp"],
    "da": ["mail.dk", "gmail.com", "jubii.dk", "hotmail.dk"],
    "fi": ["luukku.com", "gmail.com", "elisanet.fi", "hotmail.fi"],
    "no": ["online.no", "gmail.com", "hotmail.no", "start.no"],
}
COMPANY_DOMAINS = {
    "en": ["brightlane-consulting.com", "northgate-logistics.co.uk", "harborview-dental.com", "pinecrest.io"],
    "de": ["kessler-logistik.de", "stadtwerke-oberau.de", "praxis-am-markt.de", "becker-steuer.de"],
    "fr": ["cabinet-morel.fr", "transports-giraud.fr", "atelier-lumen.fr"],
    "es": ["gestoria-navarro.es", "clinicasanroque.es", "construcciones-ibarra.com"],
    "it": ["studio-ferraro.it", "officine-brambilla.it", "farmacia-centrale.it"],
    "nl": ["bakkerij-hoekstra.nl", "de-wit-advies.nl", "zorggroep-oost.nl"],
    "pt": ["contabilidade-ramos.pt", "clinica-aurora.com.br", "grupo-teixeira.pt"],
    "pl": ["biuro-nowak.pl", "transkom.pl", "kancelaria-zielinski.pl"],
    "sv": ["lindqvist-bygg.se", "norrtech.se"],
    "cs": ["stavby-dvorak.cz", "ucetni-svoboda.cz"],
    "tr": ["yildiz-lojistik.com.tr", "akdeniz-yazilim.com"],
    "ja": ["sakura-trading.co.jp", "hikari-denki.jp"],
    "da": ["jensen-el.dk"], "fi": ["koivisto-rakennus.fi"], "no": ["fjordtek.no"],
}


def email_for(p, company=False):
    first = translit(p.first.split()[0]).lower().replace("-", "")
    last = translit(p.last).lower().replace(" ", "").replace("-", "")
    lg = lang(p.loc)
    dom = pick(COMPANY_DOMAINS[lg]) if company else pick(FREEMAIL.get(p.loc, FREEMAIL[lg]))
    if company:
        local = pick([f"{first}.{last}", f"{first[0]}.{last}", f"{first[0]}{last}", f"{last}"])
    else:
        local = pick([f"{first}.{last}", f"{first}{last}{rng.randint(1, 99)}", f"{first[0]}{last}",
                      f"{first}_{last}", f"{last}.{first}", f"{first}{str(p.dob.year)[2:]}",
                      f"{first}.{last}{rng.randint(70, 99)}"])
    return f"{local}@{dom}"


def email_disguised(p):
    e = email_for(p)
    local, dom = e.split("@")
    lg = lang(p.loc)
    at, dot = {"de": ("at", "punkt"), "fr": ("arobase", "point"), "es": ("arroba", "punto"),
               "it": ("chiocciola", "punto"), "nl": ("apenstaartje", "punt"), "pt": ("arroba", "ponto"),
               "pl": ("małpa", "kropka"), "sv": ("snabel-a", "punkt")}.get(lg, ("at", "dot"))
    if chance(0.5) or lg not in ("de", "fr", "es", "it", "nl", "pt", "pl", "sv"):
        at, dot = pick([("at", "dot"), ("[at]", "[dot]"), ("(at)", "(dot)"), (" AT ", " DOT ")])
    at, dot = at.strip(), dot.strip()
    return f"{local.replace('.', f' {dot} ')} {at} {dom.replace('.', f' {dot} ')}"


# ---------------------------------------------------------------------------
# network
# ---------------------------------------------------------------------------

def ipv4():
    while True:
        a = rng.randint(1, 223)
        ip = ipaddress.IPv4Address(f"{a}.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}")
        if ip.is_global and not ip.is_multicast and not ip.is_reserved:
            return str(ip)


def ipv6():
    while True:
        pre = pick(["2a02", "2a01", "2003", "2001:16b8", "2600:1700", "2607:f8b0", "2a00:1450", "2804",
                    "2406:da18", "2c0f:f7a8", "2a0a", "2001:1c00"])
        groups = pre.split(":")
        while len(groups) < 7:
            groups.append(format(rng.randint(0, 0xffff), "x") if rng.random() > 0.25 else "0")
        groups.append(format(rng.randint(1, 0xffff), "x"))
        ip = ipaddress.IPv6Address(":".join(groups))
        if ip.is_global:
            return ip.compressed


# ---------------------------------------------------------------------------
# cards, IBANs, SSNs
# ---------------------------------------------------------------------------

TEST_CARDS = {"4242424242424242", "4111111111111111", "5555555555554444", "4000056655665556",
              "378282246310005", "371449635398431", "6011111111111117", "4012888888881881",
              "5105105105105100", "5200828282828210", "6011000990139424", "3056930009020004",
              "4000000000000002", "4000000000009995", "3566002020360505", "2223003122003222"}


def card_number(brand=None):
    brand = brand or pick(["visa", "visa", "visa", "mc", "mc", "amex", "disc", "mc2"])
    pre, ln = {"visa": (pick(["4532", "4916", "4556", "4024", "4485", "4716", "4929", "4539"]), 16),
               "mc": (pick(["51", "52", "53", "54", "55"]), 16),
               "mc2": (str(rng.randint(2221, 2720)), 16),
               "amex": (pick(["34", "37"]), 15),
               "disc": (pick(["6011", "65"]), 16)}[brand]
    while True:
        body = pre + digits(ln - len(pre) - 1)
        num = body + luhn.calc_check_digit(body)
        if num not in TEST_CARDS and luhn.is_valid(num):
            return num


def fmt_card(num, style=None):
    if len(num) == 15:
        opts = [f"{num[:4]} {num[4:10]} {num[10:]}", num, f"{num[:4]}-{num[4:10]}-{num[10:]}"]
    else:
        g = [num[i:i + 4] for i in range(0, 16, 4)]
        opts = [" ".join(g), "-".join(g), num, " ".join(g)]
    return pick(opts) if style is None else opts[style % len(opts)]


def card(style=None, brand=None):
    return fmt_card(card_number(brand), style)


IBAN_FMT = {
    "DE": [("n", 18)], "AT": [("n", 16)], "CH": [("n", 17)], "FR": [("n", 23)],
    "BE": [("n", 12)], "ES": [("n", 20)], "IT": [("a", 1), ("n", 22)],
    "NL": [("bank", ["ABNA", "INGB", "RABO", "TRIO", "SNSB", "KNAB", "BUNQ", "ASNB"]), ("n", 10)],
    "PT": [("n", 21)], "PL": [("n", 24)], "SE": [("n", 20)], "CZ": [("n", 20)],
    "TR": [("n", 5), ("0", 1), ("n", 16)], "DK": [("n", 14)], "FI": [("n", 14)], "NO": [("n", 11)],
    "IE": [("bank", ["AIBK", "BOFI", "IPBS", "ULSB"]), ("n", 14)],
    "GB": [("bank", ["NWBK", "BARC", "LOYD", "HBUK", "MIDL"]), ("n", 14)], "LU": [("n", 16)],
}


def iban(cc):
    for _ in range(50000):
        bban = ""
        for t, v in IBAN_FMT[cc]:
            if t == "n":
                bban += digits(v)
            elif t == "a":
                bban += "".join(rng.choice(string.ascii_uppercase) for _ in range(v))
            elif t == "0":
                bban += "0"
            else:
                bban += pick(v)
        cand = cc + "00" + bban
        num = cc + std_iban.calc_check_digits(cand) + bban
        if std_iban.is_valid(num):
            return num
    raise RuntimeError(cc)


def fmt_iban(num, style=None):
    opts = [std_iban.format(num), std_iban.format(num), num]
    return pick(opts) if style is None else opts[style % len(opts)]


IBAN_CC = {"en_GB": "GB", "en_IE": "IE", "de_DE": "DE", "de_AT": "AT", "de_CH": "CH", "fr_FR": "FR",
           "fr_BE": "BE", "fr_CH": "CH", "es_ES": "ES", "it_IT": "IT", "nl_NL": "NL", "nl_BE": "BE",
           "pt_PT": "PT", "pl_PL": "PL", "sv_SE": "SE", "cs_CZ": "CZ", "tr_TR": "TR", "da_DK": "DK",
           "fi_FI": "FI", "no_NO": "NO"}


def iban_for(loc, style=None):
    return fmt_iban(iban(IBAN_CC[loc]), style)


def ssn(style=None):
    while True:
        area = rng.randint(1, 899)
        if area == 666:
            continue
        s = f"{area:03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
        if us_ssn.is_valid(s) and s not in ("078051120", "219099999", "123456789"):
            break
    opts = [f"{s[:3]}-{s[3:5]}-{s[5:]}", f"{s[:3]}-{s[3:5]}-{s[5:]}", f"{s[:3]} {s[3:5]} {s[5:]}", s]
    return pick(opts) if style is None else opts[style % len(opts)]


# ---------------------------------------------------------------------------
# national ids (validated with stdnum where a validator exists)
# ---------------------------------------------------------------------------

def _brute(prefix, alphabet, valid, suffix=""):
    for c in alphabet:
        if valid(prefix + c + suffix):
            return prefix + c + suffix
    return None


def id_de_steuer():
    while True:
        ds = [str(rng.randint(1, 9))] + rng.sample([d for d in "0123456789"], 9)
        ds = list(dict.fromkeys(ds))[:9]
        dup = pick(ds)
        pos = rng.randint(1, 9)
        ds.insert(pos, dup)
        base = "".join(ds[:10])
        r = _brute(base, "0123456789", de_idnr.is_valid)
        if r:
            return pick([r, f"{r[:2]} {r[2:5]} {r[5:8]} {r[8:]}"])


def _icao(s):
    vals = []
    for ch in s:
        vals.append(int(ch) if ch.isdigit() else ord(ch) - 55)
    w = [7, 3, 1]
    return str(sum(v * w[i % 3] for i, v in enumerate(vals)) % 10)


def id_de_perso():
    alpha = "CFGHJKLMNPRTVWXYZ0123456789"
    s = pick("LMNPRT") + "".join(rng.choice(alpha) for _ in range(8))
    return s + _icao(s)


def id_de_passport():
    alpha = "CFGHJKLMNPRTVWXYZ0123456789"
    return "C" + "".join(rng.choice(alpha) for _ in range(8))


def id_de_kvnr():
    letter = rng.choice(string.ascii_uppercase)
    body = digits(8)
    seq = f"{ord(letter) - 64:02d}" + body
    tot = 0
    for i, ch in enumerate(seq):
        v = int(ch) * (1 if i % 2 == 0 else 2)
        tot += v // 10 + v % 10
    return f"{letter}{body}{tot % 10}"


def id_de_rvnr(p):
    area = pick(["12", "13", "15", "24", "28", "38", "42", "53", "65"])
    d = p.dob
    letter = translit(p.last.split()[-1])[0].upper()
    serial = f"{rng.randint(0, 49) if p.g == 'm' else rng.randint(50, 99):02d}"
    core = f"{area}{d.day:02d}{d.month:02d}{str(d.year)[2:]}"
    seq = core + f"{ord(letter) - 64:02d}" + serial
    w = [2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1]
    tot = sum((int(c) * w[i]) // 10 + (int(c) * w[i]) % 10 for i, c in enumerate(seq))
    return f"{area} {core[2:]} {letter} {serial}{tot % 10}" if chance(0.5) else f"{core}{letter}{serial}{tot % 10}"


def id_at_svnr(p):
    d = p.dob
    tail = f"{d.day:02d}{d.month:02d}{str(d.year)[2:]}"
    while True:
        head = str(rng.randint(1, 9)) + digits(2)
        r = _brute(head, "0123456789", at_vnr.is_valid, tail)
        if r:
            return pick([r, f"{r[:4]} {r[4:]}"])


def id_ch_ahv():
    while True:
        base = "756" + digits(9)
        r = _brute(base, "0123456789", ch_ssn.is_valid)
        if r:
            return ch_ssn.format(r)


def id_fr_nir(p):
    d = p.dob
    dept = pick(["75", "69", "13", "33", "59", "44", "31", "67", "35", "2A", "92", "93"])
    base = f"{1 if p.g == 'm' else 2}{str(d.year)[2:]}{d.month:02d}{dept}{rng.randint(1, 990):03d}{rng.randint(1, 999):03d}"
    key = fr_nir.calc_check_digits(base)
    num = base + key
    assert fr_nir.is_valid(num), num
    return pick([fr_nir.format(num), num])


def id_be_nn(p):
    d = p.dob
    while True:
        base = f"{str(d.year)[2:]}{d.month:02d}{d.day:02d}{rng.randint(1, 997):03d}"
        for k in range(100):
            cand = f"{base}{k:02d}"
            if be_nn.is_valid(cand):
                try:
                    if be_nn.get_birth_date(cand) == d:
                        return pick([be_nn.format(cand), cand])
                except Exception:
                    pass


def id_es_dni():
    b = f"{rng.randint(1000000, 99999999):08d}"
    r = b + es_dni.calc_check_digit(b)
    assert es_dni.is_valid(r)
    return pick([r, f"{b}-{r[-1]}", r])


def id_es_nie():
    b = pick("XYZ") + digits(7)
    r = b + es_nie.calc_check_digit(b)
    assert es_nie.is_valid(r)
    return pick([r, f"{b[0]}-{b[1:]}-{r[-1]}"])


def id_es_nss():
    prov = f"{rng.randint(1, 52):02d}"
    num = f"{rng.randint(10000000, 99999999)}"
    chk = int(prov + num) % 97
    return pick([f"{prov} {num} {chk:02d}", f"{prov}/{num}/{chk:02d}", f"{prov}{num}{chk:02d}"])


IT_BELFIORE = ["H501", "F205", "F839", "L219", "A944", "D612", "G273", "L736", "G224", "A662"]


def _cf_part(s, is_name):
    s = translit(s).upper().replace(" ", "")
    cons = [c for c in s if c.isalpha() and c not in "AEIOU"]
    vows = [c for c in s if c in "AEIOU"]
    if is_name and len(cons) >= 4:
        cons = [cons[0], cons[2], cons[3]]
    return ("".join(cons + vows) + "XXX")[:3]


def id_it_cf(p):
    d = p.dob
    code = _cf_part(p.last, False) + _cf_part(p.first.split()[0], True)
    code += str(d.year)[2:] + "ABCDEHLMPRST"[d.month - 1]
    code += f"{d.day + (40 if p.g == 'f' else 0):02d}" + pick(IT_BELFIORE)
    code += it_cf.calc_check_digit(code)
    assert it_cf.is_valid(code), code
    return code


def id_nl_bsn():
    while True:
        c = str(rng.randint(1, 6)) + digits(8)
        if nl_bsn.is_valid(c):
            return pick([c, f"{c[:4]}.{c[4:6]}.{c[6:]}", c])


def id_pt_nif():
    while True:
        b = pick("123") + digits(7)
        r = b + pt_nif.calc_check_digit(b)
        if pt_nif.is_valid(r):
            return pick([r, f"{r[:3]} {r[3:6]} {r[6:]}"])


def id_pt_cc():
    while True:
        b = digits(8)
        c1 = 11 - sum(int(x) * (9 - i) for i, x in enumerate(b)) % 11
        head = b + str(0 if c1 >= 10 else c1) + rng.choice(string.ascii_uppercase) + rng.choice(string.ascii_uppercase + string.digits)
        r = head + pt_cc.calc_check_digit(head)
        if pt_cc.is_valid(r):
            return f"{r[:8]} {r[8]} {r[9:]}"


def id_br_cpf():
    while True:
        b = digits(9)
        for k in range(100):
            c = f"{b}{k:02d}"
            if br_cpf.is_valid(c):
                return pick([br_cpf.format(c), c])


def id_pl_pesel(p):
    d = p.dob
    mm = d.month + (20 if d.year >= 2000 else 0)
    serial = digits(3) + str(pick("02468") if p.g == "f" else pick("13579"))
    b = f"{str(d.year)[2:]}{mm:02d}{d.day:02d}{serial}"
    r = b + pl_pesel.calc_check_digit(b)
    assert pl_pesel.is_valid(r) and pl_pesel.get_birth_date(r) == d
    return r


def id_pl_dowod():
    letters = "".join(rng.choice(string.ascii_uppercase) for _ in range(3))
    ds = digits(5)
    vals = [ord(c) - 55 for c in letters] + [int(c) for c in ds]
    w = [7, 3, 1, 7, 3, 1, 7, 3]
    chk = sum(v * w[i] for i, v in enumerate(vals)) % 10
    return f"{letters}{chk}{ds}" if chance(0.6) else f"{letters} {chk}{ds}"


def id_se_pnr(p):
    d = p.dob
    while True:
        b = f"{str(d.year)[2:]}{d.month:02d}{d.day:02d}{digits(2)}{pick('02468') if p.g == 'f' else pick('13579')}"
        r = b + luhn.calc_check_digit(b)
        s = f"{r[:6]}-{r[6:]}"
        if se_pnr.is_valid(s):
            return pick([s, f"{d.year}{r[2:6]}-{r[6:]}", f"{d.year}{r[2:]}"])


def id_cz_rc(p):
    d = p.dob
    mm = d.month + (50 if p.g == "f" else 0)
    while True:
        b = f"{str(d.year)[2:]}{mm:02d}{d.day:02d}{digits(3)}"
        c = int(b) % 11
        if c == 10:
            continue
        r = f"{b}{c}"
        if cz_rc.is_valid(r):
            return pick([f"{r[:6]}/{r[6:]}", r])


def id_tr_tc():
    b = str(rng.randint(1, 9)) + digits(8)
    r = b + tr_tc.calc_check_digits(b)
    assert tr_tc.is_valid(r)
    return r


def id_dk_cpr(p):
    d = p.dob
    while True:
        c = f"{d.day:02d}{d.month:02d}{str(d.year)[2:]}{digits(3)}{pick('02468') if p.g == 'f' else pick('13579')}"
        if dk_cpr.is_valid(c):
            try:
                if dk_cpr.get_birth_date(c) == d:
                    return pick([f"{c[:6]}-{c[6:]}", c])
            except Exception:
                pass


def id_fi_hetu(p):
    d = p.dob
    sign = "-" if d.year < 2000 else "A"
    while True:
        b = f"{d.day:02d}{d.month:02d}{str(d.year)[2:]}{sign}{rng.randint(2, 899):03d}"
        r = _brute(b, "0123456789ABCDEFHJKLMNPRSTUVWXY", fi_hetu.is_valid)
        if r:
            return r


def id_no_fnr(p):
    d = p.dob
    while True:
        ind = rng.randint(0, 499) if d.year < 2000 else rng.randint(500, 999)
        b = f"{d.day:02d}{d.month:02d}{str(d.year)[2:]}{ind:03d}"
        try:
            c1 = no_fnr.calc_check_digit1(b)
            c2 = no_fnr.calc_check_digit2(b + c1)
        except Exception:
            continue
        r = b + c1 + c2
        if len(r) == 11 and no_fnr.is_valid(r):
            return pick([r, f"{r[:6]} {r[6:]}"])


def id_gb_nhs():
    while True:
        r = _brute(str(rng.randint(4, 9)) + digits(8), "0123456789", gb_nhs.is_valid)
        if r:
            return pick([f"{r[:3]} {r[3:6]} {r[6:]}", r])


def id_gb_nino():
    first = "ABCEGHJKLMNOPRSTWXYZ"
    second = "ABCEGHJKLMNPRSTWXYZ"
    while True:
        pre = rng.choice(first) + rng.choice(second)
        if pre not in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ") and not pre.startswith("O"):
            break
    d = digits(6)
    suf = pick("ABCD")
    return pick([f"{pre}{d}{suf}", f"{pre} {d[:2]} {d[2:4]} {d[4:]} {suf}"])


def id_gb_passport():
    return str(rng.randint(1, 5)) + digits(8)


def id_us_passport():
    return pick([str(rng.randint(5, 6)) + digits(8), "A" + digits(8)])


def id_us_dl():
    return pick([pick("ABCDEFGHJKLMNPRSTWY") + digits(7), digits(3) + "-" + digits(3) + "-" + digits(3),
                 pick("BDFHJKLMNPRSTWY") + digits(3) + "-" + digits(4) + "-" + digits(4)])


def id_us_mbi():
    alpha = "ACDEFGHJKMNPQRTUVWXY"
    c = (str(rng.randint(1, 9)) + rng.choice(alpha) + rng.choice(alpha + "0123456789") + str(rng.randint(0, 9))
         + rng.choice(alpha) + rng.choice(alpha + "0123456789") + str(rng.randint(0, 9)) + rng.choice(alpha)
         + rng.choice(alpha) + str(rng.randint(0, 9)) + str(rng.randint(0, 9)))
    return f"{c[:4]}-{c[4:7]}-{c[7:]}"


def id_mrn():
    return pick([digits(7), f"{digits(3)}-{digits(2)}-{digits(2)}", "MRN" + digits(8), f"{digits(2)}-{digits(6)}",
                 "E" + digits(9)])


def id_ie_pps():
    while True:
        r = _brute(digits(7), "ABCDEFGHIJKLMNOPQRSTUVW", ie_pps.is_valid)
        if r:
            return r + pick(["", "", "A"]) if ie_pps.is_valid(r + "A") else r


def id_in_aadhaar():
    while True:
        r = _brute(str(rng.randint(2, 9)) + digits(10), "0123456789", in_aadhaar.is_valid)
        if r:
            return pick([f"{r[:4]} {r[4:8]} {r[8:]}", r, f"{r[:4]}-{r[4:8]}-{r[8:]}"])


def id_in_pan(p):
    L5 = "".join(rng.choice(string.ascii_uppercase) for _ in range(3)) + "P" + translit(p.last)[0].upper()
    r = L5 + digits(4) + rng.choice(string.ascii_uppercase)
    assert in_pan.is_valid(r), r
    return r


def id_ca_sin():
    while True:
        b = str(rng.randint(1, 7)) + digits(7)
        r = b + luhn.calc_check_digit(b)
        if ca_sin.is_valid(r):
            return pick([f"{r[:3]} {r[3:6]} {r[6:]}", f"{r[:3]}-{r[3:6]}-{r[6:]}", r])


def id_au_tfn():
    while True:
        r = _brute(digits(8), "0123456789", au_tfn.is_valid)
        if r:
            return pick([f"{r[:3]} {r[3:6]} {r[6:]}", r])


def id_au_medicare():
    w = [1, 3, 7, 9, 1, 3, 7, 9]
    b = str(rng.randint(2, 6)) + digits(7)
    c = sum(int(x) * w[i] for i, x in enumerate(b)) % 10
    return f"{b[:4]} {b[4:]}{c} {rng.randint(1, 9)}"


def id_jp_mynumber():
    b = digits(11)
    r = b + jp_in.calc_check_digit(b)
    assert jp_in.is_valid(r)
    return pick([f"{r[:4]} {r[4:8]} {r[8:]}", r])


def id_mx_curp(p):
    d = p.dob
    last = translit(p.last).upper().split()
    first = translit(p.first).upper().split()[0]
    s1 = last[0]
    s2 = last[1] if len(last) > 1 else "X"
    vowel = next((c for c in s1[1:] if c in "AEIOU"), "X")
    def cons(s):
        return next((c for c in s[1:] if c.isalpha() and c not in "AEIOU"), "X")
    states = ["DF", "JC", "NL", "PL", "YN", "MC", "GT", "VZ"]
    code = (s1[0] + vowel + s2[0] + first[0] + f"{str(d.year)[2:]}{d.month:02d}{d.day:02d}"
            + ("H" if p.g == "m" else "M") + pick(states) + cons(s1) + cons(s2) + cons(first)
            + (str(rng.randint(0, 9)) if d.year < 2000 else rng.choice(string.ascii_uppercase)))
    r = code + mx_curp.calc_check_digit(code + "0")
    if not mx_curp.is_valid(r):
        return None
    return r


def id_generic_passport(loc):
    c = REGION[loc]
    if c == "FR":
        return f"{digits(2)}{rng.choice(string.ascii_uppercase)}{rng.choice(string.ascii_uppercase)}{digits(5)}"
    if c == "IT":
        return pick(["YA", "YB", "YC", "AA"]) + digits(7)
    if c == "ES":
        return pick(["PAA", "PAB", "PAC", "AAB"]) + digits(6)
    if c == "NL":
        al = "ABCDEFGHJKLMNPRSTUVWXYZ"
        return rng.choice(al) + rng.choice(al) + "".join(rng.choice(al + "0123456789") for _ in range(6)) + digits(1)
    if c == "PL":
        return rng.choice(string.ascii_uppercase) + rng.choice(string.ascii_uppercase) + digits(7)
    if c == "JP":
        return pick(["TK", "TR", "MZ", "TZ"]) + digits(7)
    if c == "TR":
        return "U" + digits(8)
    if c in ("SE", "DK", "NO", "FI"):
        return digits(8)
    if c == "PT":
        return rng.choice(string.ascii_uppercase) + digits(6)
    if c == "BR":
        return rng.choice(string.ascii_uppercase) + rng.choice(string.ascii_uppercase) + digits(6)
    if c == "CZ":
        return digits(8)
    if c == "DE" or c == "AT" or c == "CH":
        return id_de_passport() if c == "DE" else rng.choice(string.ascii_uppercase) + digits(7)
    if c in ("US",):
        return id_us_passport()
    return id_gb_passport()


# ---------------------------------------------------------------------------
# secrets
# ---------------------------------------------------------------------------

B32 = string.ascii_uppercase + "234567"
B64 = string.ascii_letters + string.digits + "+/"
URLSAFE = string.ascii_letters + string.digits + "-_"
HEX = "0123456789abcdef"


def s_aws_id():
    return "AKIA" + "".join(rng.choice(string.ascii_uppercase + "234567") for _ in range(16))


def s_aws_secret():
    return alnum(40, string.ascii_letters + string.digits + "/+")


def s_github():
    return pick(["ghp_", "gho_", "ghs_"]) + alnum(36)


def s_github_pat():
    return "github_pat_" + alnum(22) + "_" + alnum(59)


def s_gitlab():
    return "glpat-" + alnum(20, URLSAFE)


def s_slack():
    return f"xoxb-{rng.randint(10 ** 10, 10 ** 11)}-{rng.randint(10 ** 12, 10 ** 13)}-{alnum(24)}"


def s_stripe():
    return pick(["sk_live_", "rk_live_"]) + alnum(pick([24, 99]))


def s_whsec():
    return "whsec_" + alnum(32)


def s_openai():
    return pick(["sk-proj-" + alnum(48, URLSAFE) + alnum(20), "sk-" + alnum(48)])


def s_anthropic():
    return "sk-ant-api03-" + alnum(86, URLSAFE) + "-" + alnum(6) + "AA"


def s_google():
    return "AIza" + alnum(35, URLSAFE)


def s_sendgrid():
    return "SG." + alnum(22, URLSAFE) + "." + alnum(43, URLSAFE)


def s_hex(n=32):
    return "".join(rng.choice(HEX) for _ in range(n))


def s_npm():
    return "npm_" + alnum(36)


def s_hf():
    return "hf_" + alnum(34, string.ascii_letters)


def s_azure_key():
    return base64.b64encode(bytes(rng.randrange(256) for _ in range(64))).decode()


def _b64url(b):
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def s_jwt(name="", email=""):
    header = _b64url(json.dumps({"alg": pick(["HS256", "RS256"]), "typ": "JWT"}, separators=(",", ":")).encode())
    payload = {"sub": str(rng.randint(10 ** 5, 10 ** 7)), "iat": rng.randint(1_700_000_000, 1_760_000_000)}
    payload["exp"] = payload["iat"] + 3600
    if chance(0.5):
        payload["role"] = pick(["admin", "user", "service"])
    body = _b64url(json.dumps(payload, separators=(",", ":")).encode())
    sig = _b64url(bytes(rng.randrange(256) for _ in range(32)))
    return f"{header}.{body}.{sig}"


def s_pem(kind="RSA"):
    raw = bytes(rng.randrange(256) for _ in range(pick([300, 420, 520])))
    b = base64.b64encode(raw).decode()
    lines = [b[i:i + 64] for i in range(0, len(b), 64)]
    if kind == "OPENSSH":
        return "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA" + "\n".join(lines)[24:] + "\n-----END OPENSSH PRIVATE KEY-----"
    label = {"RSA": "RSA PRIVATE KEY", "EC": "EC PRIVATE KEY", "PKCS8": "PRIVATE KEY"}[kind]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----"


PW_WORDS = ["Sommer", "Winter", "Sonne", "Bremen", "Kaffee", "dragon", "sunshine", "Blue", "falcon", "Tiger",
            "marzipan", "Lilas", "soleil", "Girasol", "mare", "tulp", "Gdansk", "Kanelbulle", "praha", "Kedi",
            "sakura", "Hygge", "Kuusi", "Fjord", "Pizza", "rocket", "Maple", "Oslo", "Mango", "Lobo", "Banana"]


def s_password(kind=None):
    kind = kind or pick(["human", "human", "human", "random", "random", "phrase"])
    if kind == "human":
        w = pick(PW_WORDS)
        return w + pick(["", "_", ".", "#"]) + str(rng.randint(1, 2025)) + pick(["!", "?", "$", "", "!!", "*"])
    if kind == "phrase":
        ws = rng.sample(["correct", "horse", "battery", "violet", "candle", "river", "otter", "piano", "orbit",
                         "lemon", "granite", "window", "tundra", "copper"], 4)
        return pick(["-", "_", "."]).join(ws) + str(rng.randint(1, 99))
    while True:
        pw = "".join(rng.choice(string.ascii_letters + string.digits + "!#%&*+-=?@^_") for _ in range(rng.randint(12, 20)))
        if pw[0] not in "-=" and any(c.isdigit() for c in pw):
            return pw


def s_pin(n=4):
    while True:
        p = digits(n)
        if len(set(p)) > 1 and p not in ("1234", "123456", "0000"):
            return p


def s_basic(user):
    return base64.b64encode(f"{user}:{s_password('random')}".encode()).decode()


# ---------------------------------------------------------------------------
# template registry
# ---------------------------------------------------------------------------

TEMPLATES = []


def tpl(name, locales, n, neg=None):
    def deco(fn):
        TEMPLATES.append((name, locales, n, neg, fn))
        return fn
    return deco


def per(p, form=None):
    """person span in a chosen written form."""
    form = form or "full"
    if form == "full":
        v = p.full
    elif form == "lower":
        v = p.full.lower()
    elif form == "last_first":
        v = f"{p.last}, {p.first}"
    elif form == "LAST_first":
        v = f"{p.last.upper()} {p.first}"
    elif form == "title":
        v = f"{p.title()} {p.last}"
    elif form == "initial":
        v = f"{p.first[0]}. {p.last}"
    else:
        raise ValueError(form)
    return ("person", v)


def A(a, one=True):
    if one:
        return ("address", a.one)
    return R("⟦a⟧\n⟦b⟧", a=("address", a.line1), b=("address", a.line2))


def other_date(loc, y0=2023, y1=2026):
    return fmt_date(rand_date(y0, y1), loc)


def order_no():
    return pick([f"#{rng.randint(100000, 999999)}", f"ORD-{rng.randint(2023, 2026)}-{digits(6)}",
                 f"{digits(3)}-{digits(7)}-{digits(7)}", f"A{digits(8)}"])


ASK_KEYS = ["fail", "explain_log", "table", "check", "fixture", "pivot", "changelog", "security"]
ASK = {
    "de": ["Warum funktioniert das nicht?", "Erklär mir diese Logzeilen:", "Mach daraus eine Markdown-Tabelle:",
           "Prüf bitte diese Angaben:", "Schreib ein pytest-Fixture, das das lädt:", "Gruppier diesen HR-Export nach Geburtsjahr:",
           "Schreib daraus einen Changelog-Eintrag:", "Ist das so sicher?"],
    "fr": ["Pourquoi ça ne marche pas ?", "Explique-moi ces lignes de log :", "Transforme ça en tableau markdown :",
           "Vérifie ces informations stp :", "Écris une fixture pytest qui charge ça :", "Regroupe cet export RH par année de naissance :",
           "Rédige une entrée de changelog à partir de ça :", "Est-ce que c'est sécurisé ?"],
    "es": ["¿Por qué falla esto?", "Explícame estas líneas de log:", "Pásalo a una tabla markdown:", "Revisa estos datos, por favor:",
           "Escribe un fixture de pytest que cargue esto:", "Agrupa esta exportación de RR. HH. por año de nacimiento:",
           "Escribe una entrada de changelog con esto:", "¿Esto es seguro?"],
    "it": ["Perché non funziona?", "Spiegami queste righe di log:", "Trasformalo in una tabella markdown:", "Controlla questi dati, per favore:",
           "Scrivi una fixture pytest che carichi questo:", "Raggruppa questo export HR per anno di nascita:",
           "Scrivi una voce di changelog da questo:", "È sicuro così?"],
    "nl": ["Waarom werkt dit niet?", "Leg deze logregels uit:", "Maak hier een markdown-tabel van:", "Controleer deze gegevens even:",
           "Schrijf een pytest-fixture die dit inlaadt:", "Groepeer deze HR-export per geboortejaar:", "Maak hier een changelog-regel van:",
           "Is dit veilig?"],
    "pt": ["Por que isso não funciona?", "Explica estas linhas de log:", "Transforma isto numa tabela markdown:", "Confere estes dados, por favor:",
           "Escreve uma fixture pytest que carregue isto:", "Agrupa esta exportação de RH por ano de nascimento:",
           "Escreve uma entrada de changelog a partir disto:", "Isso é seguro?"],
    "pl": ["Dlaczego to nie działa?", "Wyjaśnij te linie logów:", "Zrób z tego tabelę markdown:", "Sprawdź proszę te dane:",
           "Napisz fixture pytest, który to wczyta:", "Pogrupuj ten eksport kadrowy według roku urodzenia:",
           "Napisz z tego wpis do changeloga:", "Czy to jest bezpieczne?"],
    "sv": ["Varför fungerar inte det här?", "Förklara de här loggraderna:", "Gör om det här till en markdown-tabell:",
           "Kan du kolla de här uppgifterna?", "Skriv en pytest-fixture som läser in det här:", "Gruppera HR-exporten per födelseår:",
           "Skriv en changelog-rad utifrån det här:", "Är det här säkert?"],
    "cs": ["Proč to nefunguje?", "Vysvětli mi tyto řádky logu:", "Udělej z toho tabulku v markdownu:", "Zkontroluj prosím tyto údaje:",
           "Napiš pytest fixture, která tohle načte:", "Seskup tento export z HR podle roku narození:", "Napiš z toho záznam do changelogu:",
           "Je to bezpečné?"],
    "tr": ["Bu neden çalışmıyor?", "Bu log satırlarını açıklar mısın:", "Bunu markdown tablosuna çevir:", "Bu bilgileri kontrol eder misin:",
           "Bunu yükleyen bir pytest fixture yaz:", "Bu İK dökümünü doğum yılına göre grupla:", "Bundan bir changelog girdisi yaz:",
           "Bu güvenli mi?"],
    "da": ["Hvorfor virker det her ikke?", "Forklar de her loglinjer:", "Lav det om til en markdown-tabel:", "Kan du tjekke de her oplysninger?",
           "Skriv en pytest-fixture, der indlæser det her:", "Gruppér HR-eksporten efter fødselsår:", "Skriv en changelog-linje ud fra det her:",
           "Er det her sikkert?"],
    "fi": ["Miksi tämä ei toimi?", "Selitä nämä lokirivit:", "Tee tästä markdown-taulukko:", "Tarkistatko nämä tiedot?",
           "Kirjoita pytest-fixture, joka lataa tämän:", "Ryhmittele tämä HR-vienti syntymävuoden mukaan:", "Kirjoita tästä changelog-merkintä:",
           "Onko tämä turvallista?"],
    "no": ["Hvorfor virker ikke dette?", "Forklar disse logglinjene:", "Gjør dette om til en markdown-tabell:", "Kan du sjekke disse opplysningene?",
           "Skriv en pytest-fixture som laster inn dette:", "Grupper HR-eksporten etter fødselsår:", "Skriv en changelog-linje ut fra dette:",
           "Er dette trygt?"],
    "ja": ["Naze kore ga ugokanai no?", "Kono rogu no imi o oshiete:", "Kore o markdown no hyou ni shite:", "Kono deeta o kakunin shite kudasai:",
           "Kore o yomikomu pytest fixture o kaite:", "Kono HR deeta o umare-doshi goto ni matomete:", "Kore kara changelog o kaite:",
           "Kore wa anzen desu ka?"],
}


def ask(loc, key, english):
    """The user's request in the locale's language (English text for en_*)."""
    lg = lang(loc)
    if lg == "en":
        return english
    return ASK[lg][ASK_KEYS.index(key)]


EN = ["en_US", "en_GB", "en_CA", "en_AU", "en_IE"]
EN_ALL = EN + ["en_IN"]


# ===========================================================================
# POSITIVE TEMPLATES -- English
# ===========================================================================

@tpl("email_thread_summary", EN, 6)
def _(loc):
    p, q = Person(loc), Person(loc)
    subj, body = pick([
        ("Re: kitchen renovation quote",
         "Thanks for coming round on Tuesday. We'd like to go ahead with option B (the oak worktops) but "
         "can the start date move to after the 15th? The kids are off school the week before."),
        ("Fwd: boiler service",
         "The engineer never showed up yesterday and nobody answered the helpline. I took the afternoon off for this."),
        ("Re: invoice INV-20931 overdue",
         "I paid this on the 3rd by bank transfer, reference INV-20931. Please check again before sending another reminder."),
        ("Moving date",
         "Our completion got pushed back by two weeks, so we will need the van on the 28th instead of the 14th."),
        ("Re: landlord inspection next week",
         "Wednesday morning works, but the dog will be home so please knock rather than using the key."),
    ])
    hello = pick(["Hi all,", "Hello,", "Dear team,", "Good morning,"])
    sign = pick(["Kind regards,", "Best,", "Thanks,", "Cheers,"])
    return R("Can you summarise this email in two sentences and suggest a reply?\n\n"
             "From: ⟦n⟧ <⟦e⟧>\nSent: ⟦d⟧\nTo: ⟦m⟧\nSubject: ⟦s⟧\n\n⟦hello⟧\n\n⟦body⟧ Easiest is to call me on ⟦ph⟧.\n\n⟦sign⟧\n⟦n2⟧",
             n=per(p), e=("email", email_for(p)), d=other_date(loc), m=per(q), s=subj, hello=hello, body=body,
             ph=("phone", phone(loc)), sign=sign, n2=per(p))


@tpl("rental_application_form", EN, 5)
def _(loc):
    p = Person(loc, y0=1960, y1=2001)
    a = gen_addr(loc)
    emp = pick(["Northwind Traders", "St Mary's Hospital", "self-employed (graphic design)", "City Council", "Acme Plumbing Ltd"])
    dob_lbl = pick(["Date of birth", "DOB", "Birth date"])
    return R("RENTAL APPLICATION – Unit 4B\n\nApplicant name: ⟦n⟧\n⟦dl⟧: ⟦dob⟧\nCurrent address:\n⟦addr⟧\n"
             "Mobile: ⟦ph⟧\nEmail: ⟦e⟧\nEmployer: ⟦emp⟧\nMonthly income (gross): ⟦inc⟧\nPets: ⟦pets⟧\n"
             "Desired move-in: ⟦mv⟧\n\nPlease check this application for anything missing before I send it.",
             n=per(p), dl=dob_lbl, dob=("date_of_birth", p.dob_s()), addr=A(a, one=False), ph=("phone", phone(loc, True)),
             e=("email", email_for(p)), emp=emp, inc=pick(["$4,850", "£3,200", "4 100", "$6,300"]), pets=pick(["none", "1 cat", "small dog"]),
             mv=other_date(loc))


@tpl("support_ticket_card", EN_ALL, 6)
def _(loc):
    p = Person(loc)
    c = card()
    tk = f"{pick(['TKT', 'SR', 'CS'])}-{digits(6)}"
    tx = pick([
        "Customer ⟦n⟧ says the card ⟦c⟧ was charged twice for order ⟦o⟧. Wants a refund of the duplicate charge (⟦amt⟧).",
        "Caller: ⟦n⟧. Reports card number ⟦c⟧ stolen, asked us to block it and cancel the pending order ⟦o⟧ (⟦amt⟧).",
        "⟦n⟧ wrote in: 'my card ⟦c⟧ keeps getting declined at checkout, order ⟦o⟧, amount ⟦amt⟧'.",
    ])
    return R(f"Ticket ⟦tk⟧ | priority: high\n{tx}\nAgent notes: verified by security question. Draft a polite reply.",
             tk=tk, n=per(p), c=("card", c), o=order_no(), amt=pick(["$89.99", "£42.50", "$1,240.00", "€65.00"]))


@tpl("clinic_note", EN_ALL, 6)
def _(loc):
    p = Person(loc)
    age = 2025 - p.dob.year
    nm = pick(["last_first", "full", "LAST_first"])
    hpi = pick([f"{age}yo presenting with 3 days of productive cough, T 38.4, SpO2 95% RA.",
                f"{age}-year-old with recurrent migraine, 4-5 episodes/month, photophobia, no aura.",
                f"{age} y/o, follow-up after ORIF left distal radius, wound healing well, ROM improving.",
                f"{age}yo T2DM, HbA1c 8.1% (prev 7.4%), reports missing evening metformin doses."])
    return R("Rewrite this clinic note as a referral letter:\n\nPt: ⟦n⟧   DOB: ⟦dob⟧   ⟦ml⟧ ⟦mrn⟧\nHPI: ⟦hpi⟧\n"
             "Plan: bloods, review in 2/52. Next appt ⟦d⟧.",
             n=per(p, nm), dob=("date_of_birth", p.dob_s()), ml=pick(["MRN:", "MRN", "Hosp No.", "Patient ID:"]),
             mrn=("id_number", id_mrn() if loc != "en_GB" else pick([id_mrn(), id_gb_nhs()])), hpi=hpi, d=other_date(loc))


@tpl("uk_offer_letter", ["en_GB"], 3)
def _(loc):
    p = Person(loc)
    a = gen_addr(loc)
    ld = rand_date(2024, 2025)
    return R("Please check the grammar of this offer letter:\n\n⟦n⟧\n⟦addr⟧\n\n⟦d⟧\n\nDear ⟦t⟧,\n\n"
             "We are delighted to offer you the position of ⟦role⟧ starting on ⟦sd⟧. Your salary of ⟦sal⟧ will be paid monthly "
             "into the account ending ⟦last4⟧. Please bring your passport and your National Insurance number (⟦ni⟧) on your first day.\n\n"
             "Yours sincerely,\nHR Department",
             n=per(p), addr=A(a, one=False), d=fmt_date(ld, loc), t=per(p, "title"), role=pick(["Senior Analyst", "Warehouse Supervisor", "Staff Nurse", "Junior Developer"]),
             sd=fmt_date(ld + dt.timedelta(days=rng.randint(21, 75)), loc), sal=pick(["£34,500", "£41,000", "£28,750"]), last4=digits(4), ni=("id_number", id_gb_nino()))


@tpl("csv_customer_export", EN_ALL + ["de_DE", "fr_FR", "nl_NL", "sv_SE", "pl_PL"], 7)
def _(loc):
    sep = pick([",", ";", "\t"])
    hdr = sep.join(["customer_id", "name", "email", "phone", "city", "signup"])
    rows = [hdr]
    for _ in range(rng.randint(2, 4)):
        p = Person(loc)
        city = pick(CITIES[REGION[loc]])[0]
        rows.append(R(sep.join(["⟦id⟧", "⟦n⟧", "⟦e⟧", "⟦ph⟧", "⟦c⟧", "⟦s⟧"]), id=str(rng.randint(10000, 99999)),
                      n=per(p), e=("email", email_for(p)), ph=("phone", phone(loc)), c=city.strip(","),
                      s=f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"))
    q = pick(["Dedupe this export and tell me which rows look like test accounts:",
              "Convert this to a markdown table:", "Which of these customers signed up in 2024?"])
    return J([ask(loc, "table", q), ""] + rows)


@tpl("json_user_record", EN_ALL, 5)
def _(loc):
    p = Person(loc)
    a = gen_addr(loc)
    extra = pick(["ssn", "phone", "dob"]) if loc == "en_US" else pick(["phone", "dob"])
    ev = {"ssn": ("ssn", ssn(0)), "phone": ("phone", phone(loc)), "dob": ("date_of_birth", f"{p.dob.isoformat()}")}[extra]
    key = {"ssn": "ssn", "phone": "phone", "dob": "date_of_birth"}[extra]
    return R('Why does my validator reject this payload?\n\n```json\n{\n  "user_id": ⟦uid⟧,\n  "full_name": "⟦n⟧",\n'
             '  "email": "⟦e⟧",\n  "⟦k⟧": "⟦v⟧",\n  "address": "⟦a⟧",\n  "marketing_opt_in": ⟦mk⟧,\n  "created_at": "⟦ts⟧"\n}\n```',
             uid=str(rng.randint(1000, 999999)), n=per(p), e=("email", email_for(p)), k=key, v=ev, a=A(a),
             mk=pick(["true", "false", '"yes"']), ts=f"2025-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T0{rng.randint(0, 9)}:12:44Z")


@tpl("casual_chat_phone", EN_ALL, 5)
def _(loc):
    t, g = pick([
        ("lol ok so ⟦n⟧ from the climbing gym gave me her number ⟦ph⟧ what do i text first??", "f"),
        ("can you write a short birthday msg for ⟦n⟧? his number is ⟦ph⟧ if that matters for whatsapp formatting", "m"),
        ("my neighbour ⟦n⟧ (⟦ph⟧) keeps parking in front of my garage, how do i politely ask him to stop", "m"),
        ("pls remind me to call ⟦n⟧ back tmrw on ⟦ph⟧ about the sofa", None),
        ("my new number is ⟦ph⟧ btw, this is ⟦n⟧. can you draft a msg telling everyone in the group?", None),
    ])
    p = Person(loc, g)
    return R(t, n=per(p, pick(["lower", "lower", "full"])), ph=("phone", phone(loc, True)))


@tpl("curl_bearer_token", ["en_US"], 4)
def _(loc):
    tok = pick([s_openai(), s_github(), s_jwt(), s_anthropic(), s_gitlab()])
    host = pick(["api.openai.com/v1/models", "api.github.com/user/repos", "gitlab.com/api/v4/projects",
                 "api.internal-billing.net/v2/invoices"])
    return R("this returns 401, why?\n\n$ curl -s -H \"Authorization: Bearer ⟦t⟧\" \\\n    -H 'Content-Type: application/json' https://⟦h⟧",
             t=("secret", tok), h=host)


@tpl("mysql_cli_password", ["en_US", "en_GB", "de_DE"], 4)
def _(loc):
    pw = s_password()
    ip = ipv4()
    user = pick(["root", "admin", "reporting", "app_rw"])
    if chance(0.5):
        return R(ask(loc, "fail", "getting 'Access denied' when I run:") + "\n\nmysql -h ⟦ip⟧ -P 3306 -u ⟦u⟧ -p'⟦pw⟧' shop_prod < dump.sql",
                 ip=("ip", ip), u=user, pw=("secret", pw))
    return R(ask(loc, "fail", "psql keeps timing out:") + "\n\nPGPASSWORD='⟦pw⟧' psql -h ⟦ip⟧ -U ⟦u⟧ -d analytics -c 'select count(*) from events'",
             ip=("ip", ip), u=user, pw=("secret", pw))


@tpl("nginx_access_log", ["en_US", "en_GB", "de_DE", "fr_FR", "nl_NL"], 5)
def _(loc):
    p = Person(loc)
    ip = ipv4()
    e = urllib.parse.quote(email_for(p), safe="")
    t = f"{rng.randint(10, 28)}/{pick(['Mar', 'Apr', 'Oct', 'Nov'])}/2025:{rng.randint(10, 23)}:{rng.randint(10, 59)}:{rng.randint(10, 59)} +0000"
    lines = [R('⟦ip⟧ - - [⟦t⟧] "GET /account/reset?email=⟦e⟧&src=mail HTTP/1.1" 302 0 "-" "Mozilla/5.0"',
               ip=("ip", ip), t=t, e=("email", e))]
    ip2 = ipv6() if chance(0.5) else ipv4()
    lines.append(R('⟦ip⟧ - - [⟦t⟧] "POST /api/login HTTP/2.0" 401 53 "-" "python-requests/2.31"', ip=("ip", ip2), t=t))
    rng.shuffle(lines)
    return J([ask(loc, "explain_log", "why are there so many 401s here? explain these log lines"), ""] + lines + ['10.0.4.17 - - [' + t + '] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.29"'])


@tpl("dotenv_file", ["en_US", "en_GB", "de_DE"], 4)
def _(loc):
    pw = s_password("random")
    ip = ipv4()
    k = pick([("STRIPE_SECRET_KEY", s_stripe()), ("OPENAI_API_KEY", s_openai()), ("SENDGRID_API_KEY", s_sendgrid()),
              ("GITHUB_TOKEN", s_github()), ("HF_TOKEN", s_hf()), ("NPM_TOKEN", s_npm())])
    return R(ask(loc, "fail", "my docker container can't read the env vars, here's my .env:") + "\n\nNODE_ENV=production\nPORT=8080\n"
             "DATABASE_URL=postgres://app:⟦pw⟧@⟦ip⟧:5432/app\n⟦kn⟧=⟦kv⟧\nLOG_LEVEL=info\nSESSION_TTL=3600",
             pw=("secret", pw), ip=("ip", ip), kn=k[0], kv=("secret", k[1]))


@tpl("compose_yaml_secret", ["en_US", "de_DE", "fr_FR", "es_ES", "it_IT"], 4)
def _(loc):
    pw = s_password()
    pw2 = s_password("random")
    return R(ask(loc, "fail", "docker compose up fails with 'role does not exist', my compose file:") + "\n\nservices:\n  db:\n    image: postgres:16\n"
             "    environment:\n      POSTGRES_USER: shop\n      POSTGRES_PASSWORD: ⟦pw⟧\n    ports:\n      - \"5432:5432\"\n"
             "  redis:\n    image: redis:7\n    command: [\"redis-server\", \"--requirepass\", \"⟦pw2⟧\"]\n",
             pw=("secret", pw), pw2=("secret", pw2))


@tpl("python_client_key", ["en_US"], 4)
def _(loc):
    k, cls = pick([(s_openai(), 'client = OpenAI(api_key="⟦k⟧")'), (s_anthropic(), 'client = anthropic.Anthropic(api_key="⟦k⟧")'),
                   (s_google(), 'genai.configure(api_key="⟦k⟧")\nclient = genai.GenerativeModel("gemini-1.5-flash")'),
                   (s_stripe(), 'stripe.api_key = "⟦k⟧"\nclient = stripe')])
    return R("why is this slow?\n\n```python\nimport time\n" + cls +
             "\n\nfor doc in docs:\n    t0 = time.time()\n    out = summarise(client, doc)\n    print(time.time() - t0)\n```", k=("secret", k))


@tpl("w9_tax_form", ["en_US"], 4)
def _(loc):
    p = Person(loc)
    a = gen_addr(loc)
    return R("Fill in the rest of this W-9 summary for my contractor file:\n\nName (as shown on your income tax return): ⟦n⟧\n"
             "Business name: ⟦b⟧\nAddress: ⟦a1⟧\nCity, state, ZIP: ⟦a2⟧\nTaxpayer Identification Number (SSN): ⟦s⟧\n"
             "Federal tax classification: Individual/sole proprietor",
             n=per(p), b=pick(["", "—", f"{p.last} Consulting LLC", "N/A"]), a1=("address", a.line1), a2=("address", a.line2),
             s=("ssn", ssn()))


@tpl("ssn_chat", ["en_US"], 4)
def _(loc):
    p = Person(loc)
    t = pick(["my mom ⟦n⟧ needs to update her social security number on the medicare form, it's ⟦s⟧, what box does it go in?",
              "the bank rep asked for my SSN (⟦s⟧) over the phone, is that normal? name on the account is ⟦n⟧",
              "Employee: ⟦n⟧\nSSN: ⟦s⟧\nW-4 filing status: married filing jointly\nCan you explain line 3?"])
    return R(t, n=per(p), s=("ssn", ssn()))


@tpl("wire_request_iban", ["en_GB", "en_IE", "en_US"], 4)
def _(loc):
    p = Person(pick(["de_DE", "fr_FR", "nl_NL", "es_ES", "en_GB", "it_IT"]))
    cc = IBAN_CC.get(p.loc, "GB")
    return R("Translate into formal English and make it shorter: pls wire the deposit ⟦amt⟧ to ⟦n⟧, IBAN ⟦i⟧, BIC ⟦bic⟧, "
             "reference 'flat 3 deposit', before ⟦d⟧ thx",
             amt=pick(["€1,800", "£950", "€2,400"]), n=per(p), i=("iban", fmt_iban(iban(cc))),
             bic=pick(["COBADEFFXXX", "BNPAFRPPXXX", "INGBNL2A", "CAIXESBBXXX", "NWBKGB2L", "UNCRITMM"]), d=other_date(loc))


@tpl("incident_report", EN, 3)
def _(loc):
    w, v = Person(loc), Person(loc)
    a = gen_addr(loc)
    return R("Proofread this incident report:\n\nOn ⟦d⟧ at approx. 22:15 a bicycle was taken from the shared storage. "
             "Witness ⟦w⟧ (born ⟦wd⟧) of ⟦a⟧ saw a man in a grey hoodie leave through the back gate. The owner, ⟦v⟧, "
             f"can be reached on ⟦ph⟧. Police reference: CR/{digits(5)}/25.",
             d=other_date(loc), w=per(w), wd=("date_of_birth", w.dob_s()), a=A(a), v=per(v), ph=("phone", phone(loc)))


@tpl("flight_booking_passport", EN_ALL + ["ja_JP", "it_IT", "pl_PL"], 4)
def _(loc):
    p = Person(loc)
    pnr = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))
    return R(ask(loc, "check", "Check my booking details are consistent before I submit:") + "\n\nBooking ref: ⟦pnr⟧\nPassenger 1: ⟦n⟧\n"
             "Date of birth: ⟦dob⟧\nPassport no.: ⟦pp⟧  expires ⟦exp⟧\nFlight: ⟦fl⟧ on ⟦fd⟧",
             pnr=pnr, n=("person", f"{p.last.upper()}/{p.first.upper()}") if chance(0.4) else per(p),
             dob=("date_of_birth", p.dob.strftime("%d%b%y").upper() if chance(0.3) else fmt_date(p.dob, "en_GB")),
             pp=("id_number", id_generic_passport(loc)), exp=other_date("en_GB", 2027, 2034),
             fl=pick(["LH 2411", "BA 117", "FR 8823", "KL 1004", "JL 44"]), fd=other_date("en_GB"))


@tpl("school_enrolment", EN, 3)
def _(loc):
    kid = Person(loc, y0=2013, y1=2020)
    kid.last = (par := Person(loc)).last
    return R("School enrolment form – please turn into a short cover email:\n\nChild's full name: ⟦k⟧\nChild's DOB: ⟦kd⟧\n"
             "Year group: ⟦yg⟧\nParent/guardian: ⟦p⟧\nDaytime phone: ⟦ph⟧\nAllergies: ⟦al⟧",
             k=per(kid), kd=("date_of_birth", kid.dob_s()), yg=pick(["Year 3", "Grade 5", "Year 6", "Kindergarten"]),
             p=per(par), ph=("phone", phone(loc)), al=pick(["none", "peanuts", "penicillin"]))


@tpl("password_help", EN_ALL, 6)
def _(loc):
    pw = s_password()
    t = pick(["i set my router admin password to ⟦pw⟧ and now it says invalid characters?? which ones are invalid",
              "Is ⟦pw⟧ a strong enough password for my bank account or should I change it?",
              "my work laptop password is ⟦pw⟧ but it expired, can I just add a 1 at the end?",
              "Our shared Netflix login is the usual email and the password is ⟦pw⟧, write a msg to send to my sister",
              "wifi name: Fernweh_5G  password: ⟦pw⟧ — make a little printable card for guests"])
    return R(t, pw=("secret", pw))


@tpl("otp_code", EN_ALL + ["de_DE", "es_ES", "pt_BR"], 4)
def _(loc):
    code = s_pin(6)
    spaced = chance(0.3)
    cv = f"{code[:3]} {code[3:]}" if spaced else code
    lg = lang(loc)
    t = {"en": pick(["the bank texted me the code ⟦c⟧ to confirm the transfer, but a 'bank employee' on the phone is asking me to read it out. is that ok?",
                     "Your verification code is ⟦c⟧. Do not share it with anyone. -- is this sms legit or phishing?"]),
         "de": "Ihr Bestätigungscode lautet ⟦c⟧. Geben Sie ihn niemals weiter. – Ist diese SMS echt? Ich habe nichts bestellt.",
         "es": "Me llegó este SMS: 'Tu código de acceso es ⟦c⟧'. ¿Es una estafa? No he pedido nada.",
         "pt": "Recebi isso: 'Seu código de verificação é ⟦c⟧, não compartilhe'. Um cara no WhatsApp está pedindo o código, é golpe?"}[lg]
    return R(t, c=("secret", cv))


@tpl("disguised_email", EN_ALL, 4)
def _(loc):
    p = Person(loc)
    t = pick(["Rewrite my forum post more politely: 'stop dming me, if you have questions email me at ⟦e⟧ – ⟦n⟧'",
              "For the flyer: Contact ⟦n⟧, ⟦e⟧ (no spam pls)",
              "how do i make people understand that ⟦e⟧ is my email without bots scraping it? that's how i wrote it on my site"])
    return R(t, e=("email", email_disguised(p)), n=per(p))


@tpl("split_card", EN_ALL, 4)
def _(loc):
    c = card_number(pick(["visa", "mc"]))
    g = [c[i:i + 4] for i in range(0, 16, 4)]
    form = pick(["lines", "spaced", "dots"])
    if form == "lines":
        v = " ".join(g[:2]) + "\n" + " ".join(g[2:])
    elif form == "spaced":
        v = " ".join(c)
    else:
        v = ".".join(g)
    return R("copied this off a scanned receipt, can you tell me what card type it is?\n\ncard: ⟦c⟧\nexp 0⟦m⟧/2⟦y⟧",
             c=("card", v), m=str(rng.randint(1, 9)), y=str(rng.randint(6, 9)))


@tpl("git_log_author", ["en_US", "de_DE", "nl_NL", "sv_SE", "pl_PL", "fr_FR"], 4)
def _(loc):
    p = Person(loc)
    h = s_hex(40)
    return R(ask(loc, "changelog", "write a changelog entry from this:") + "\n\ncommit ⟦h⟧\nAuthor: ⟦n⟧ <⟦e⟧>\nDate:   ⟦d⟧\n\n    fix: retry on 429 from upstream\n\n"
             f"    Closes #{rng.randint(100, 4000)}\n",
             h=h, n=per(p), e=("email", email_for(p, company=chance(0.6))),
             d=f"{pick(['Mon', 'Tue', 'Thu'])} {pick(['Mar', 'Jun', 'Sep'])} {rng.randint(1, 28)} {rng.randint(10, 23)}:{rng.randint(10, 59)}:0{rng.randint(0, 9)} 2025 +0{rng.randint(1, 2)}00")


@tpl("sql_insert", EN_ALL + ["de_DE", "es_ES", "it_IT", "pt_BR", "cs_CZ"], 4)
def _(loc):
    rows = []
    for i in range(rng.randint(1, 3)):
        p = Person(loc)
        rows.append(R("  (⟦i⟧, '⟦n⟧', '⟦e⟧', '⟦ph⟧', '⟦d⟧')", i=str(100 + i), n=per(p), e=("email", email_for(p)),
                      ph=("phone", phone(loc)), d=("date_of_birth", p.dob.isoformat())))
    return J([ask(loc, "fail", "this insert fails with a constraint error, why?"), "",
              "INSERT INTO customers (id, full_name, email, phone, birth_date) VALUES", J(rows, ",\n"), ";"])


@tpl("ssh_private_key", ["en_US", "de_DE"], 3)
def _(loc):
    k = s_pem(pick(["OPENSSH", "RSA", "EC", "PKCS8"]))
    return R(ask(loc, "fail", "ssh says 'invalid format' for this key, what's wrong with it?") + "\n\n⟦k⟧", k=("secret", k))


@tpl("jwt_decode", ["en_US", "fr_FR"], 3)
def _(loc):
    j = s_jwt()
    q = "decode this JWT and tell me when it expires:" if loc == "en_US" else "Tu peux décoder ce JWT et me dire quand il expire ?"
    return R(q + "\n\n⟦j⟧", j=("secret", j))


@tpl("aws_credentials_file", ["en_US"], 3)
def _(loc):
    return R("boto3 says InvalidClientTokenId, here's ~/.aws/credentials:\n\n[default]\naws_access_key_id = ⟦a⟧\n"
             "aws_secret_access_key = ⟦b⟧\nregion = ⟦r⟧",
             a=("secret", s_aws_id()), b=("secret", s_aws_secret()), r=pick(["eu-central-1", "us-east-1", "ap-southeast-2"]))


@tpl("ca_sin_form", ["en_CA"], 3)
def _(loc):
    p = Person(loc)
    return R("Explain what my employer needs this for: 'Please confirm your SIN: ⟦s⟧ and legal name ⟦n⟧ for the T4.'",
             s=("id_number", id_ca_sin()), n=per(p))


@tpl("au_tfn_form", ["en_AU"], 3)
def _(loc):
    p = Person(loc)
    return R("TFN declaration – check for typos:\nName: ⟦n⟧\nTax file number: ⟦t⟧\nMedicare card: ⟦m⟧\nHome address: ⟦a⟧",
             n=per(p), t=("id_number", id_au_tfn()), m=("id_number", id_au_medicare()), a=A(gen_addr(loc)))


@tpl("in_kyc_form", ["en_IN"], 3)
def _(loc):
    p = Person(loc)
    return R("KYC details for the new demat account, format as a table:\nName: ⟦n⟧\nPAN: ⟦pan⟧\nAadhaar: ⟦a⟧\nDOB: ⟦d⟧\nMobile: ⟦ph⟧",
             n=per(p), pan=("id_number", id_in_pan(p)), a=("id_number", id_in_aadhaar()), d=("date_of_birth", p.dob_s()),
             ph=("phone", phone(loc, True)))


@tpl("ie_pps_letter", ["en_IE"], 3)
def _(loc):
    p = Person(loc)
    return R("Make this more formal: hi, im ⟦n⟧, my PPS number is ⟦pps⟧, i moved to ⟦a⟧ so pls update the address on my file",
             n=per(p, pick(["full", "lower"])), pps=("id_number", id_ie_pps()), a=A(gen_addr(loc)))


@tpl("uk_nhs_gp", ["en_GB"], 3)
def _(loc):
    p = Person(loc)
    return R("GP registration – summarise for reception:\nName (SURNAME, forenames): ⟦s⟧\nNHS number: ⟦nhs⟧\nDOB: ⟦d⟧\nPrevious GP: Riverside Surgery",
             s=("person", f"{p.last.upper()}, {p.first}"), nhs=("id_number", id_gb_nhs()), d=("date_of_birth", p.dob_s()))


@tpl("delivery_instructions", EN_ALL, 3)
def _(loc):
    a = gen_addr(loc)
    t = pick(["Write a short note for the courier: deliver to ⟦a⟧, if nobody's in leave it with the neighbour at no. ⟦nn⟧ "
              "and ring ⟦ph⟧ first",
              "Amazon keeps sending my parcels to the wrong place. My address is ⟦a⟧ — how do I word a complaint? Phone on file: ⟦ph⟧",
              "Shipping label:\n⟦a2⟧\nTel ⟦ph⟧\nContents: books (2.3 kg)"])
    return R(t, a=A(a), a2=A(a, one=False), nn=str(rng.randint(1, 99)), ph=("phone", phone(loc)))


@tpl("hr_emergency_contact", EN_ALL, 3)
def _(loc):
    p, e = Person(loc), Person(loc)
    rel = pick(["spouse", "mother", "brother", "partner", "father"])
    return R("Put this into our HR system's CSV format (name,relationship,phone):\n\nEmployee: ⟦p⟧, payroll no. ⟦pay⟧\n"
             "Emergency contact: ⟦e⟧ (⟦rel⟧) – ⟦ph⟧, alt. ⟦ph2⟧",
             p=per(p), pay=f"P{digits(5)}", e=per(e), rel=rel, ph=("phone", phone(loc, True)), ph2=("phone", phone(loc, False)))


@tpl("fail2ban_log", ["en_US", "de_DE", "fr_FR", "pl_PL"], 4)
def _(loc):
    lines = []
    for _ in range(rng.randint(2, 3)):
        ip = ipv4() if chance(0.7) else ipv6()
        lines.append(R(f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} {rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d},{rng.randint(0, 999):03d} fail2ban.actions [{rng.randint(800, 3000)}]: NOTICE [sshd] Ban ⟦ip⟧", ip=("ip", ip)))
    return J([ask(loc, "explain_log", "are these bans from the same network? whois them for me")] + lines)


@tpl("webhook_secret", ["en_US", "de_DE", "es_ES"], 4)
def _(loc):
    w = s_whsec() if chance(0.6) else s_hex(64)
    return R(ask(loc, "fail", "signature verification fails in my handler:") + "\n\n```js\nconst endpointSecret = '⟦w⟧';\n"
             "const event = stripe.webhooks.constructEvent(req.body, req.headers['stripe-signature'], endpointSecret);\n```",
             w=("secret", w))


@tpl("cv_header", EN_ALL, 4)
def _(loc):
    p = Person(loc, y0=1975, y1=2002)
    a = gen_addr(loc)
    li = f"linkedin.com/in/{translit(p.first).lower()}-{translit(p.last).lower().replace(' ', '')}-{s_hex(4)}"
    return R("Improve the layout of my CV header:\n\n⟦n⟧\n⟦a⟧ · ⟦ph⟧ · ⟦e⟧\n⟦li⟧\n\nPROFILE\nData analyst with 6 years of experience in retail forecasting.",
             n=per(p), a=A(a), ph=("phone", phone(loc, True)), e=("email", email_for(p)), li=li)


@tpl("reference_letter", EN, 3)
def _(loc):
    p = Person(loc)
    return R("Make this reference letter sound warmer:\n\nTo whom it may concern,\n\nI have known ⟦t⟧ for four years as her/his line manager "
             "at Harbor Freight Logistics. ⟦n⟧ was reliable and well liked by colleagues.\n\nRegards,\n⟦m⟧",
             t=per(p, "title"), n=per(p), m=per(Person(loc)))


@tpl("voicemail_transcript", ["en_US", "en_GB"], 3)
def _(loc):
    p = Person(loc)
    num = gen_phone_obj(REGION[loc], True)
    d = re.sub(r"\D", "", phonenumbers.format_number(num, PhoneNumberFormat.NATIONAL))
    w = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    spoken = " ".join(w[int(c)] for c in d)
    return R("Clean up this voicemail transcript:\n\n\"hi it's um ⟦n⟧ calling about the the dentist appointment, "
             "could you call me back on ⟦ph⟧ thanks bye\"", n=per(p, "lower"), ph=("phone", spoken))


@tpl("k8s_secret_yaml", ["en_US"], 3)
def _(loc):
    pw = s_password("random")
    enc = base64.b64encode(pw.encode()).decode()
    return R("is this the right way to store the db password in k8s?\n\napiVersion: v1\nkind: Secret\nmetadata:\n  name: orders-db\n"
             "type: Opaque\ndata:\n  username: {}\n  password: ⟦p⟧\n".format(base64.b64encode(b"orders").decode()), p=("secret", enc))


@tpl("azure_conn_string", ["en_US", "en_GB"], 3)
def _(loc):
    acct = pick(["prodassets", "mediastore01", "backupseu"])
    return R(f"BlobServiceClient.from_connection_string fails, the string is:\n\nDefaultEndpointsProtocol=https;AccountName={acct};"
             "AccountKey=⟦k⟧;EndpointSuffix=core.windows.net", k=("secret", s_azure_key()))


@tpl("basic_auth_header", ["en_US", "de_DE"], 3)
def _(loc):
    p = Person(loc)
    u = translit(p.first).lower()
    return R(ask(loc, "security", "Wireshark shows this header on our intranet app, is this safe?") + "\n\nGET /reports HTTP/1.1\nHost: intranet.local\n"
             "Authorization: Basic ⟦b⟧\nUser-Agent: Mozilla/5.0", b=("secret", s_basic(u)))


@tpl("letter_to_translate_en", ["en_GB", "en_US"], 3)
def _(loc):
    p = Person(loc)
    a = gen_addr(loc)
    tgt = pick(["German", "Spanish", "Polish", "Italian"])
    return R(f"Translate this letter into {tgt}:\n\n⟦n⟧\n⟦addr⟧\n\nDear Sir or Madam,\n\nI am writing to cancel my gym membership "
             "(member no. ⟦mno⟧) with effect from ⟦d⟧. Please confirm by email to ⟦e⟧.\n\nYours faithfully,\n⟦n2⟧",
             n=per(p), addr=A(a, one=False), mno=digits(7), d=other_date(loc), e=("email", email_for(p)), n2=per(p))


@tpl("medicare_mbi", ["en_US"], 3)
def _(loc):
    p = Person(loc, y0=1940, y1=1959)
    return R("What does this Medicare card info mean for Part B?\nName: ⟦n⟧\nMedicare Number: ⟦m⟧\nEntitled to: HOSPITAL (PART A) 03-01-2019",
             n=per(p, pick(["full", "LAST_first"])), m=("id_number", id_us_mbi()))


@tpl("us_driver_license", ["en_US"], 3)
def _(loc):
    p = Person(loc)
    a = gen_addr(loc)
    return R("OCR output from a driver's license, fix the spacing:\nDL ⟦dl⟧  CLASS C\nDOB ⟦dob⟧\n⟦n⟧\n⟦a1⟧\n⟦a2⟧\nEXP 08/14/2029",
             dl=("id_number", id_us_dl()), dob=("date_of_birth", p.dob.strftime("%m/%d/%Y")),
             n=("person", f"{p.last.upper()} {p.first.upper()}"), a1=("address", a.line1.upper()), a2=("address", a.line2.upper()))


@tpl("po_box_en", ["en_US", "en_GB"], 2)
def _(loc):
    p = Person(loc)
    return R("Format this as an envelope address:\n⟦n⟧, ⟦b⟧", n=per(p), b=("address", PO_BOX[loc]()))


# ===========================================================================
# POSITIVE TEMPLATES -- German
# ===========================================================================

DE3 = ["de_DE", "de_AT", "de_CH"]


@tpl("de_lebenslauf", DE3, 4)
def _(loc):
    p = Person(loc, y0=1970, y1=2003)
    a = gen_addr(loc)
    return R("Kannst du meinen Lebenslauf ins Englische übersetzen?\n\nPERSÖNLICHE DATEN\nName: ⟦n⟧\nGeburtsdatum: ⟦d⟧\n"
             "Geburtsort: ⟦gort⟧\nAnschrift: ⟦a1⟧\n           ⟦a2⟧\nTelefon: ⟦ph⟧\nE-Mail: ⟦e⟧\nFamilienstand: ⟦fs⟧\n\n"
             "BERUFSERFAHRUNG\n09/2019 – heute  Sachbearbeiterin Einkauf, Stadtwerke",
             n=per(p), d=("date_of_birth", p.dob_s()), gort=pick(["München", "Graz", "Bielefeld", "Winterthur", "Rostock"]),
             a1=("address", a.line1), a2=("address", a.line2), ph=("phone", phone(loc, True)), e=("email", email_for(p)),
             fs=pick(["ledig", "verheiratet", "geschieden"]))


@tpl("de_mieterselbstauskunft", ["de_DE", "de_AT"], 3)
def _(loc):
    p = Person(loc, y0=1960, y1=2001)
    a = gen_addr(loc)
    return R("Bitte prüfe meine Mieterselbstauskunft auf Vollständigkeit:\n\nName, Vorname: ⟦n⟧\ngeboren am: ⟦d⟧\n"
             "derzeitige Anschrift: ⟦a⟧\nTelefon (mobil): ⟦ph⟧\nArbeitgeber: ⟦ag⟧\nmtl. Nettoeinkommen: ⟦ek⟧ €\n"
             "Bankverbindung für die Kaution: ⟦iban⟧\nHaustiere: ⟦ht⟧",
             n=per(p, "last_first"), d=("date_of_birth", p.dob_s()), a=A(a), ph=("phone", phone(loc, True)),
             ag=pick(["Bosch GmbH", "Universitätsklinikum", "selbstständig", "Deutsche Bahn AG", "Land Steiermark"]),
             ek=pick(["2.850", "3.400", "1.980", "4.150"]), iban=("iban", iban_for(loc)), ht=pick(["keine", "eine Katze", "Hund (klein)"]))


@tpl("de_arztbrief", DE3, 3)
def _(loc):
    p = Person(loc)
    von = rand_date(2024, 2025)
    t = p.title() if p.title() in ("Herr", "Frau") else ("Herr" if p.g == "m" else "Frau")
    kv = id_de_kvnr() if loc == "de_DE" else (id_at_svnr(p) if loc == "de_AT" else id_ch_ahv())
    return R("Fasse diesen Arztbrief in einfacher Sprache zusammen:\n\nSehr geehrte Frau Kollegin,\n\nwir berichten über "
             "⟦t⟧ ⟦n⟧, geb. ⟦d⟧, Versichertennr. ⟦kv⟧, die/der sich vom ⟦v⟧ bis ⟦b⟧ in unserer stationären Behandlung befand.\n\n"
             "Diagnosen: ⟦dx⟧\nMedikation bei Entlassung: Ramipril 5 mg 1-0-0, ASS 100 mg 1-0-0\n\nMit freundlichen kollegialen Grüßen\nOA Dr. med. ⟦oa⟧",
             t=t, n=per(p), d=("date_of_birth", p.dob_s()), kv=("id_number", kv), v=fmt_date(von, loc, 0),
             b=fmt_date(von + dt.timedelta(days=rng.randint(2, 12)), loc, 0),
             dx=pick(["Community-acquired Pneumonie re. Unterlappen", "Hypertensive Entgleisung", "NSTEMI, 1-Gefäß-KHK"]),
             oa=per(Person(loc)))


@tpl("de_lohnabrechnung", ["de_DE"], 4)
def _(loc):
    p = Person(loc)
    return R("Erkläre mir die Posten auf meiner Gehaltsabrechnung:\n\nPersonalnr. ⟦pn⟧   ⟦n⟧\nSteuer-ID: ⟦st⟧   StKl: ⟦sk⟧\n"
             "SV-Nummer: ⟦sv⟧\nBrutto: 3.912,00 €  Lohnsteuer: 512,41 €  Soli: 0,00 €  KiSt: 41,00 €\n"
             "Auszahlung auf ⟦iban⟧: 2.611,37 €",
             pn=digits(5), n=per(p), st=("id_number", id_de_steuer()), sk=pick(["I", "III", "IV"]), sv=("id_number", id_de_rvnr(p)),
             iban=("iban", iban_for(loc)))


@tpl("de_whatsapp", DE3, 4)
def _(loc):
    p = Person(loc)
    t = pick(["hey, hier ist ⟦n⟧ aus dem yogakurs 😊 meine nummer: ⟦ph⟧ – schreib mir wegen samstag! kannst du das auf englisch übersetzen?",
              "kannst du mir ne nette nachricht an ⟦n⟧ formulieren? die nummer ist ⟦ph⟧, es geht um die übergabe vom auto",
              "wer ist ⟦n⟧? hat mir von ⟦ph⟧ geschrieben dass ich ein paket abholen soll, klingt nach betrug oder?"])
    return R(t, n=per(p, pick(["lower", "lower", "full"])), ph=("phone", phone(loc, True)))


@tpl("de_hotel_meldeschein", ["de_DE", "de_AT"], 3)
def _(loc):
    p = Person(loc)
    a = gen_addr(loc)
    an = rand_date(2024, 2026)
    return R("Übersetze den Meldeschein ins Englische:\n\nMeldeschein Nr. ⟦nr⟧\nAnkunft: ⟦an⟧  Abreise: ⟦ab⟧\n"
             "Name: ⟦n⟧\nGeburtsdatum: ⟦d⟧\nStaatsangehörigkeit: ⟦sa⟧\nAusweis-Nr.: ⟦aw⟧\nWohnanschrift: ⟦a⟧",
             sa="deutsch" if loc == "de_DE" else "österreichisch", nr=digits(6), an=fmt_date(an, loc, 0), ab=fmt_date(an + dt.timedelta(days=rng.randint(2, 14)), loc, 0), n=per(p), d=("date_of_birth", p.dob_s()),
             aw=("id_number", id_de_perso() if loc == "de_DE" else rng.choice(string.ascii_uppercase) + digits(7)), a=A(a))


@tpl("de_kuendigung", DE3, 3)
def _(loc):
    p = Person(loc)
    a = gen_addr(loc)
    return R("Formuliere das als förmliche Kündigung:\n\n⟦n⟧\n⟦addr⟧\n\nan: FitX Studios, Kundenservice\n\n"
             "hallo, ich will meinen vertrag (kundennr. ⟦kn⟧) zum ⟦d⟧ kündigen. restguthaben bitte auf ⟦iban⟧ überweisen. "
             "bestätigung an ⟦e⟧.",
             n=per(p), addr=A(a, one=False), kn=digits(8), d=other_date(loc), iban=("iban", iban_for(loc)), e=("email", email_for(p)))


@tpl("de_at_ecard", ["de_AT"], 3)
def _(loc):
    p = Person(loc)
    return R("Was muss ich bei der ÖGK angeben? Meine Daten: ⟦n⟧, SV-Nr. ⟦sv⟧, geboren ⟦d⟧, Tel. ⟦ph⟧",
             n=per(p), sv=("id_number", id_at_svnr(p)), d=("date_of_birth", p.dob_s()), ph=("phone", phone(loc)))


@tpl("de_ch_ahv", ["de_CH", "fr_CH"], 3)
def _(loc):
    p = Person(loc)
    if loc == "fr_CH":
        return R("Peux-tu vérifier ce formulaire pour la caisse de compensation ?\nNom : ⟦n⟧\nN° AVS : ⟦ahv⟧\nDate de naissance : ⟦d⟧\nAdresse : ⟦a⟧",
                 n=per(p, "LAST_first"), ahv=("id_number", id_ch_ahv()), d=("date_of_birth", p.dob_s()), a=A(gen_addr(loc)))
    return R("Kannst du das Formular für die Ausgleichskasse prüfen?\nName: ⟦n⟧\nAHV-Nr.: ⟦ahv⟧\nGeburtsdatum: ⟦d⟧\nAdresse: ⟦a⟧",
             n=per(p), ahv=("id_number", id_ch_ahv()), d=("date_of_birth", p.dob_s()), a=A(gen_addr(loc)))


@tpl("de_email_translate", DE3, 3)
def _(loc):
    p, q = Person(loc), Person(loc)
    if chance(0.3):
        greet = Frag("Sehr geehrte Damen und Herren")
    else:
        greet = R("Sehr geehrte⟦r⟧ ⟦t⟧", r="" if q.g == "f" else "r",
                  t=("person", f"{'Frau' if q.g == 'f' else 'Herr'} {pick(['', 'Dr. '])}{q.last}"))
    return R("Bitte ins Englische übersetzen:\n\nVon: ⟦e⟧\nBetreff: Termin Hausbesichtigung\n\n⟦g⟧,\n\n"
             "vielen Dank für Ihre Nachricht. Gerne können wir den Besichtigungstermin auf ⟦d⟧ um 15 Uhr verschieben. "
             "Sie erreichen mich unter ⟦ph⟧.\n\nMit freundlichen Grüßen\n⟦n⟧",
             e=("email", email_for(p, company=chance(0.4))), g=greet, d=other_date(loc), ph=("phone", phone(loc)), n=per(p))


@tpl("de_paket_co", ["de_DE"], 2)
def _(loc):
    p, q = Person(loc), Person(loc)
    a = gen_addr(loc)
    return R("Wie schreibe ich die Adresse richtig aufs Paket?\n\n⟦n⟧\nc/o ⟦q⟧\n⟦a1⟧\n⟦a2⟧",
             n=per(p), q=per(q), a1=("address", a.line1), a2=("address", a.line2))


@tpl("de_postfach", ["de_DE"], 2)
def _(loc):
    p = Person(loc)
    return R("Ist das als Absender ok? ⟦n⟧, ⟦b⟧", n=per(p), b=("address", PO_BOX[loc]()))


@tpl("de_telefonnotiz", DE3, 2)
def _(loc):
    p = Person(loc)
    t = ("Herr" if p.g == "m" else "Frau")
    return R("Mach aus der Notiz eine E-Mail an die Kollegin:\n\nRückruf erbeten – ⟦t⟧ wg. Nebenkostenabrechnung ⟦j⟧, "
             "Tel. ⟦ph⟧, am besten vormittags",
             t=("person", f"{t} {p.last}"), j=str(rng.randint(2022, 2024)), ph=("phone", phone(loc, False)))


@tpl("de_steuerberater", ["de_DE"], 2)
def _(loc):
    p = Person(loc)
    b = Person(loc)
    return R("Mach die Mail kürzer: Hallo ⟦b⟧, anbei die Belege für 2024. Meine Steuer-ID ist ⟦st⟧, meine Frau und ich "
             "(⟦n⟧) wollen wieder zusammen veranlagt werden. Viele Grüße",
             b=("person", f"{'Herr' if b.g == 'm' else 'Frau'} {b.last}"), st=("id_number", id_de_steuer()), n=per(p))


# ===========================================================================
# POSITIVE TEMPLATES -- French
# ===========================================================================

FR3 = ["fr_FR", "fr_BE", "fr_CH"]


@tpl("fr_dossier_location", ["fr_FR", "fr_BE"], 4)
def _(loc):
    p = Person(loc, y0=1965, y1=2002)
    a = gen_addr(loc)
    idv = id_fr_nir(p) if loc == "fr_FR" else id_be_nn(p)
    lbl = "N° de sécurité sociale" if loc == "fr_FR" else "N° de registre national"
    return R("Peux-tu vérifier que mon dossier de location est complet ?\n\nNom : ⟦n⟧\nNé(e) le : ⟦d⟧ à ⟦v⟧\n"
             "Adresse actuelle : ⟦a⟧\nTél. : ⟦ph⟧\nCourriel : ⟦e⟧\n⟦lbl⟧ : ⟦id⟧\nEmployeur : ⟦emp⟧ (CDI)",
             n=per(p, pick(["LAST_first", "full"])), d=("date_of_birth", p.dob_s()), v=pick(["Lyon", "Nantes", "Namur", "Dakar", "Tours"]),
             a=A(a), ph=("phone", phone(loc, True)), e=("email", email_for(p)),
             lbl=lbl, id=("id_number", idv), emp=pick(["SNCF", "Carrefour", "CHU de Rennes", "Mairie de Liège"]))


@tpl("fr_compte_rendu", FR3, 3)
def _(loc):
    p = Person(loc)
    civ = "Mme" if p.g == "f" else "M."
    ne = "née" if p.g == "f" else "né"
    return R("Traduis ce compte rendu en anglais :\n\nCompte rendu de consultation du ⟦c⟧\nPatient(e) : ⟦civ⟧ ⟦n⟧, ⟦ne⟧ le ⟦d⟧\n"
             "IPP : ⟦ipp⟧\nMotif : douleurs lombaires depuis 3 semaines, sans irradiation. Examen : Lasègue négatif.\n"
             "Conduite à tenir : kinésithérapie 10 séances, paracétamol 1 g x3/j.\n⟦dr⟧",
             c=other_date(loc), civ=civ, n=per(p), ne=ne, d=("date_of_birth", p.dob_s()), ipp=("id_number", digits(pick([8, 10]))),
             dr=("person", "Dr " + Person(loc).last))


@tpl("fr_resiliation", ["fr_FR", "fr_BE"], 3)
def _(loc):
    p = Person(loc)
    a = gen_addr(loc)
    return R("Corrige les fautes :\n\n⟦n⟧\n⟦a1⟧\n⟦a2⟧\n\nObjet : résiliation de mon abonement n° ⟦ab⟧\n\nMadame, Monsieur,\n"
             "je vous pris de bien vouloir résilier mon contrat a compter du ⟦d⟧. Merci de rembourser le trop-perçu sur mon compte ⟦iban⟧.\n"
             "Cordialement,\n⟦n2⟧",
             n=per(p), a1=("address", a.line1), a2=("address", a.line2), ab=digits(9), d=other_date(loc), iban=("iban", iban_for(loc)), n2=per(p))


@tpl("fr_sms", FR3, 3)
def _(loc):
    p = Person(loc, "m")
    t = pick(["slt c ⟦n⟧, g changé de numéro : ⟦ph⟧. tu peux m'aider à l'écrire en anglais pr mes collègues ?",
              "Mon voisin ⟦n⟧ m'a laissé son numéro ⟦ph⟧ pour les colis, rédige un petit mot de remerciement",
              "c'est qui ⟦n⟧ ? il m'appelle depuis le ⟦ph⟧ tous les jours à 8h"])
    return R(t, n=per(p, pick(["lower", "full"])), ph=("phone", phone(loc, True)))


@tpl("fr_rib", ["fr_FR"], 3)
def _(loc):
    p = Person(loc)
    return R("Rédige un mail à mon propriétaire pour lui envoyer mon nouveau RIB : titulaire ⟦n⟧, IBAN ⟦iban⟧, BIC ⟦bic⟧",
             n=per(p, "LAST_first"), iban=("iban", iban_for(loc, 0)), bic=pick(["CCBPFRPPLYO", "AGRIFRPP882", "SOGEFRPP"]))


@tpl("fr_mot_de_passe", FR3, 3)
def _(loc):
    return R(pick(["Mon mot de passe pour le portail de la mutuelle est ⟦pw⟧, est-ce qu'il est assez sûr ?",
                   "Le code wifi du gîte c'est ⟦pw⟧, fais-moi une petite affiche pour les clients",
                   "j'ai oublié si c'est ⟦pw⟧ ou une autre variante, comment réinitialiser le compte Ameli ?"]),
             pw=("secret", s_password()))


@tpl("fr_disguised_email", FR3, 2)
def _(loc):
    p = Person(loc)
    return R("Pour l'annonce du vide-grenier : contact ⟦n⟧, ⟦e⟧ ou en MP", n=per(p), e=("email", email_disguised(p)))


@tpl("fr_be_carte_identite", ["fr_BE", "nl_BE"], 3)
def _(loc):
    p = Person(loc)
    if loc == "nl_BE":
        return R("Vertaal naar het Frans: Naam: ⟦n⟧ – rijksregisternummer ⟦rr⟧ – geboren op ⟦d⟧ – adres ⟦a⟧",
                 n=per(p), rr=("id_number", id_be_nn(p)), d=("date_of_birth", p.dob_s()), a=A(gen_addr(loc)))
    return R("Traduis en néerlandais : Nom : ⟦n⟧ – numéro national ⟦rr⟧ – né(e) le ⟦d⟧ – domicile ⟦a⟧",
             n=per(p), rr=("id_number", id_be_nn(p)), d=("date_of_birth", p.dob_s()), a=A(gen_addr(loc)))


# ===========================================================================
# POSITIVE TEMPLATES -- Spanish
# ===========================================================================

@tpl("es_formulario_empadronamiento", ["es_ES"], 3)
def _(loc):
    p = Person(loc)
    a = gen_addr(loc)
    idv = id_es_dni() if chance(0.6) else id_es_nie()
    return R("Revisa este formulario de empadronamiento:\n\nNombre y apellidos: ⟦n⟧\nDNI/NIE: ⟦id⟧\nFecha de nacimiento: ⟦d⟧\n"
             "Domicilio: ⟦a⟧\nTeléfono: ⟦ph⟧\nCorreo electrónico: ⟦e⟧",
             n=per(p), id=("id_number", idv), d=("date_of_birth", p.dob_s()), a=A(a), ph=("phone", phone(loc)), e=("email", email_for(p)))


@tpl("es_mx_curp", ["es_MX"], 3)
def _(loc):
    for _ in range(20):
        p = Person(loc)
        c = id_mx_curp(p)
        if c:
            break
    return R("¿Está bien escrita mi CURP para el trámite del SAT? Nombre: ⟦n⟧, CURP ⟦c⟧, nacid⟦o⟧ el ⟦d⟧, cel. ⟦ph⟧, domicilio ⟦a⟧",
             n=per(p), c=("id_number", c), o="a" if p.g == "f" else "o", d=("date_of_birth", p.dob_s()), ph=("phone", phone(loc, True)), a=A(gen_addr(loc)))


@tpl("es_alquiler", ["es_ES"], 3)
def _(loc):
    p, q = Person(loc), Person(loc, "f")
    return R("Resume este contrato de alquiler en 5 puntos:\n\nREUNIDOS\nDe una parte, ⟦t⟧ ⟦n⟧, mayor de edad, con DNI ⟦dni⟧, "
             "en calidad de ARRENDADOR⟦ra⟧.\nDe otra parte, ⟦q⟧, con NIE ⟦nie⟧, nacida el ⟦d⟧, en calidad de ARRENDATARIA.\n"
             "El inmueble objeto del contrato se sitúa en ⟦a⟧. La renta mensual será de 950 € pagaderos en la cuenta ⟦iban⟧.",
             t="D." if p.g == "m" else "Dña.", ra="" if p.g == "m" else "A", n=per(p), dni=("id_number", id_es_dni()), q=per(q), nie=("id_number", id_es_nie()),
             d=("date_of_birth", q.dob_s()), a=A(gen_addr(loc)), iban=("iban", iban_for(loc)))


@tpl("es_whatsapp", ["es_ES", "es_MX"], 3)
def _(loc):
    p = Person(loc, "f")
    t = pick(["oye, ¿me ayudas a escribirle a ⟦n⟧? su número es ⟦ph⟧ y quiero pedirle perdón por lo del sábado",
              "jajaja vale, apunta: ⟦n⟧, ⟦ph⟧, es la fontanera que te dije",
              "¿Quién es ⟦n⟧? Me escribe desde el ⟦ph⟧ diciendo que gané un premio"])
    return R(t, n=per(p, pick(["lower", "full"])), ph=("phone", phone(loc, True)))


@tpl("es_nomina", ["es_ES"], 3)
def _(loc):
    p = Person(loc)
    return R("Explícame mi nómina:\nTrabajador: ⟦n⟧\nNIF: ⟦dni⟧\nNº afiliación S.S.: ⟦nss⟧\nGrupo de cotización: 05\n"
             "Líquido a percibir: 1.734,22 € — transferencia a ⟦iban⟧",
             n=per(p), dni=("id_number", id_es_dni()), nss=("id_number", id_es_nss()), iban=("iban", iban_for(loc)))


@tpl("es_informe_medico", ["es_ES", "es_MX"], 3)
def _(loc):
    p = Person(loc)
    return R("Traduce al inglés:\nINFORME DE ALTA\nPaciente: ⟦n⟧  NHC: ⟦nhc⟧\nFecha de nacimiento: ⟦d⟧\n"
             "Juicio clínico: apendicitis aguda. Apendicectomía laparoscópica sin complicaciones.\nControl en consultas externas el ⟦c⟧.",
             n=per(p, pick(["full", "LAST_first"])), nhc=("id_number", digits(pick([6, 7, 8]))), d=("date_of_birth", p.dob_s()),
             c=other_date(loc))


@tpl("es_correo_traducir", ["es_ES", "es_MX"], 3)
def _(loc):
    p = Person(loc)
    return R("Traduce este correo al alemán:\n\nEstimados señores:\nLes escribo para reclamar el reembolso del pedido ⟦o⟧. "
             "Pueden contactarme en ⟦e⟧ o en el ⟦ph⟧.\nAtentamente,\n⟦n⟧",
             o=order_no(), e=("email", email_for(p)), ph=("phone", phone(loc)), n=per(p))


@tpl("es_disguised_email", ["es_ES", "es_MX"], 2)
def _(loc):
    p = Person(loc)
    return R("Para el cartel: clases particulares de matemáticas, ⟦n⟧, escribid a ⟦e⟧", n=per(p), e=("email", email_disguised(p)))


# ===========================================================================
# POSITIVE TEMPLATES -- Italian
# ===========================================================================

@tpl("it_modulo_cf", ["it_IT"], 4)
def _(loc):
    p = Person(loc)
    a = gen_addr(loc)
    nato = "nata" if p.g == "f" else "nato"
    return R("Controlla questo modulo di iscrizione:\n\nCognome e nome: ⟦n⟧\n⟦nato⟧ a ⟦c⟧ il ⟦d⟧\nCodice fiscale: ⟦cf⟧\n"
             "Residente in ⟦a⟧\nCellulare: ⟦ph⟧\nE-mail/PEC: ⟦e⟧",
             n=per(p, pick(["last_first", "LAST_first"])), nato=nato.capitalize(), c=pick(["Roma", "Milano", "Napoli", "Bari", "Torino"]),
             d=("date_of_birth", p.dob_s()), cf=("id_number", id_it_cf(p)), a=A(a), ph=("phone", phone(loc, True)), e=("email", email_for(p)))


@tpl("it_referto", ["it_IT"], 3)
def _(loc):
    p = Person(loc)
    return R("Traduci in inglese il referto:\nPaziente: ⟦n⟧, nat⟦g⟧ il ⟦d⟧ – C.F. ⟦cf⟧\nEsame: RX torace in due proiezioni.\n"
             "Referto: non lesioni pleuro-parenchimali in atto. Seni costo-frenici liberi.\nData esame: ⟦e⟧",
             n=per(p), g="a" if p.g == "f" else "o", d=("date_of_birth", p.dob_s()), cf=("id_number", id_it_cf(p)), e=other_date(loc))


@tpl("it_affitto", ["it_IT"], 3)
def _(loc):
    p = Person(loc)
    return R("Riscrivi in modo formale: salve, sono ⟦n⟧, vorrei affittare l'appartamento in ⟦a⟧. il mio numero è ⟦ph⟧, "
             "per la caparra vi faccio bonifico dall'IBAN ⟦iban⟧",
             n=per(p, pick(["lower", "full"])), a=A(gen_addr(loc)), ph=("phone", phone(loc, True)), iban=("iban", iban_for(loc)))


@tpl("it_chat", ["it_IT"], 3)
def _(loc):
    p = Person(loc, "m")
    t = pick(["mi scrivi un messaggio carino per ⟦n⟧? compie 30 anni sabato, il numero è ⟦ph⟧",
              "chi è ⟦n⟧?? mi chiama dal ⟦ph⟧ dicendo che è del corriere",
              "ok segnati: ⟦n⟧ ⟦ph⟧, è l'idraulico"])
    return R(t, n=per(p, pick(["lower", "full"])), ph=("phone", phone(loc, True)))


@tpl("it_pec_password", ["it_IT"], 3)
def _(loc):
    p = Person(loc)
    return R("Non riesco ad accedere alla PEC ⟦e⟧ con la password ⟦pw⟧, cosa sbaglio?",
             e=("email", email_for(p).split("@")[0] + "@pec.it"), pw=("secret", s_password()))


@tpl("it_passaporto", ["it_IT"], 2)
def _(loc):
    p = Person(loc)
    return R("Per il visto: ⟦n⟧, passaporto n. ⟦pp⟧, data di nascita ⟦d⟧. Scrivimi l'email per l'ambasciata",
             n=per(p), pp=("id_number", id_generic_passport(loc)), d=("date_of_birth", p.dob_s()))


# ===========================================================================
# POSITIVE TEMPLATES -- Dutch
# ===========================================================================

@tpl("nl_belastingdienst", ["nl_NL"], 3)
def _(loc):
    p = Person(loc)
    a = gen_addr(loc)
    return R("Leg deze brief in simpele woorden uit:\n\nBelastingdienst\n⟦t⟧ ⟦n⟧\n⟦a1⟧\n⟦a2⟧\n\nBurgerservicenummer: ⟦bsn⟧\n"
             "Datum: ⟦d⟧\n\nU krijgt een voorlopige aanslag inkomstenbelasting 2025 van € 412,-.",
             t=pick(["De heer", "Mevrouw", "T.a.v."]), n=per(p), a1=("address", a.line1), a2=("address", a.line2),
             bsn=("id_number", id_nl_bsn()), d=other_date(loc))


@tpl("nl_huuraanvraag", ["nl_NL", "nl_BE"], 3)
def _(loc):
    p = Person(loc)
    return R("Check mijn huuraanvraag:\nNaam: ⟦n⟧\nGeboortedatum: ⟦d⟧\nHuidig adres: ⟦a⟧\nTelefoon: ⟦ph⟧\nE-mail: ⟦e⟧\n"
             "Bruto jaarinkomen: € 52.000\nIBAN voor de borg: ⟦iban⟧",
             n=per(p), d=("date_of_birth", p.dob_s()), a=A(gen_addr(loc)), ph=("phone", phone(loc, True)), e=("email", email_for(p)),
             iban=("iban", iban_for(loc)))


@tpl("nl_app", ["nl_NL", "nl_BE"], 3)
def _(loc):
    p = Person(loc, "f")
    t = pick(["hoi! dit is het nummer van ⟦n⟧: ⟦ph⟧, zij past zaterdag op de kat. kun je een berichtje voor haar schrijven?",
              "wie is ⟦n⟧? krijg steeds appjes van ⟦ph⟧ over een pakketje",
              "kun je dit netjes maken: 'bel ⟦n⟧ ff terug op ⟦ph⟧ ivm de fietsenstalling'"])
    return R(t, n=per(p, pick(["lower", "full"])), ph=("phone", phone(loc, True)))


@tpl("nl_zorgverzekering", ["nl_NL"], 3)
def _(loc):
    p = Person(loc)
    return R("Vertaal naar het Engels voor mijn werkgever:\nVerzekerde: ⟦n⟧, geboren ⟦d⟧\nBSN ⟦bsn⟧, polisnummer ⟦pol⟧\n"
             "Ingangsdatum: ⟦i⟧",
             n=per(p), d=("date_of_birth", p.dob_s()), bsn=("id_number", id_nl_bsn()), pol=digits(9), i=other_date(loc))


@tpl("nl_factuur", ["nl_NL", "nl_BE"], 2)
def _(loc):
    p = Person(loc)
    return R("Maak hier een nette factuurtekst van: klus badkamer 14 uur à € 55, graag overmaken naar ⟦iban⟧ t.n.v. ⟦n⟧ "
             f"o.v.v. factuur 2025-{rng.randint(1, 120):03d}", iban=("iban", iban_for(loc)), n=per(p, pick(["full", "initial"])))


# ===========================================================================
# POSITIVE TEMPLATES -- Portuguese
# ===========================================================================

@tpl("pt_formulario_nif", ["pt_PT"], 3)
def _(loc):
    p = Person(loc)
    a = gen_addr(loc)
    return R("Verifica este formulário de adesão:\nNome completo: ⟦n⟧\nNIF: ⟦nif⟧\nN.º do Cartão de Cidadão: ⟦cc⟧\n"
             "Data de nascimento: ⟦d⟧\nMorada: ⟦a⟧\nTelemóvel: ⟦ph⟧",
             n=per(p), nif=("id_number", id_pt_nif()), cc=("id_number", id_pt_cc()), d=("date_of_birth", p.dob_s()), a=A(a),
             ph=("phone", phone(loc, True)))


@tpl("pt_br_cpf", ["pt_BR"], 4)
def _(loc):
    p = Person(loc)
    a = gen_addr(loc)
    return R("Confere se está tudo certo no cadastro:\nNome: ⟦n⟧\nCPF: ⟦cpf⟧\nNascimento: ⟦d⟧\nEndereço: ⟦a1⟧\n⟦a2⟧\n"
             "Celular: ⟦ph⟧\nE-mail: ⟦e⟧",
             n=per(p), cpf=("id_number", id_br_cpf()), d=("date_of_birth", p.dob_s()), a1=("address", a.line1), a2=("address", a.line2),
             ph=("phone", phone(loc, True)), e=("email", email_for(p)))


@tpl("pt_br_whatsapp", ["pt_BR", "pt_PT"], 3)
def _(loc):
    t, g = pick([("oi! me ajuda a responder a ⟦n⟧? ela mandou msg do ⟦ph⟧ perguntando do aluguel", "f"),
                 ("anota aí: ⟦n⟧, ⟦ph⟧, é o eletricista que o meu pai indicou", "m"),
                 ("quem é ⟦n⟧? ligou do ⟦ph⟧ dizendo que é do banco e pediu minha senha", None)])
    p = Person(loc, g)
    return R(t, n=per(p, pick(["lower", "full"])), ph=("phone", phone(loc, True)))


@tpl("pt_consulta", ["pt_PT", "pt_BR"], 3)
def _(loc):
    p = Person(loc)
    return R("Traduz para inglês:\nUtente: ⟦n⟧ (n.º de processo ⟦pr⟧)\nData de nascimento: ⟦d⟧\n"
             "Queixa principal: tosse seca há 2 semanas. Sem febre. Prescrito: xarope, reavaliar em 10 dias.",
             n=per(p), pr=("id_number", digits(7)), d=("date_of_birth", p.dob_s()))


@tpl("pt_transferencia", ["pt_PT"], 2)
def _(loc):
    p = Person(loc)
    return R("Escreve um e-mail a pedir a devolução da caução para o IBAN ⟦iban⟧, titular ⟦n⟧",
             iban=("iban", iban_for(loc)), n=per(p))


@tpl("pt_br_pix_senha", ["pt_BR"], 2)
def _(loc):
    p = Person(loc)
    return R("minha senha do app do banco é ⟦pw⟧ e a chave pix é meu e-mail ⟦e⟧, isso é seguro?",
             pw=("secret", s_password()), e=("email", email_for(p)))


# ===========================================================================
# POSITIVE TEMPLATES -- Polish
# ===========================================================================

@tpl("pl_formularz_pesel", ["pl_PL"], 4)
def _(loc):
    p = Person(loc)
    a = gen_addr(loc)
    return R("Sprawdź, czy formularz jest poprawnie wypełniony:\n\nImię i nazwisko: ⟦n⟧\nPESEL: ⟦pesel⟧\nData urodzenia: ⟦d⟧\n"
             "Adres zamieszkania: ⟦a⟧\nTelefon: ⟦ph⟧\nE-mail: ⟦e⟧",
             n=per(p), pesel=("id_number", id_pl_pesel(p)), d=("date_of_birth", p.dob_s()), a=A(a), ph=("phone", phone(loc)),
             e=("email", email_for(p)))


@tpl("pl_dowod", ["pl_PL"], 3)
def _(loc):
    p = Person(loc)
    ur = "urodzona" if p.g == "f" else "urodzony"
    return R("Przetłumacz na angielski: ⟦n⟧, ⟦ur⟧ ⟦d⟧ r. w Gdańsku, legitymując⟦g1⟧ się dowodem osobistym nr ⟦dw⟧, "
             "zamieszkał⟦g2⟧ przy ⟦a⟧",
             n=per(p), ur=ur, g1="a" if p.g == "f" else "y", g2="a" if p.g == "f" else "y", d=("date_of_birth", fmt_date(p.dob, loc, 0)), dw=("id_number", id_pl_dowod()), a=A(gen_addr(loc)))


@tpl("pl_czat", ["pl_PL"], 3)
def _(loc):
    t, g = pick([("hej, napiszesz mi wiadomość do ⟦n⟧? jej numer to ⟦ph⟧, chodzi o odbiór mebli", "f"),
                 ("kto to jest ⟦n⟧? dzwoni z ⟦ph⟧ i mówi że wygrałem telefon", None),
                 ("zapisz: ⟦n⟧ ⟦ph⟧ – mechanik", "m")])
    p = Person(loc, g)
    return R(t, n=per(p, pick(["lower", "full"])), ph=("phone", phone(loc, True)))


@tpl("pl_przelew", ["pl_PL"], 3)
def _(loc):
    p = Person(loc)
    return R("Napisz maila do wynajmującego: kaucję proszę zwrócić na konto ⟦iban⟧, odbiorca ⟦n⟧, tytuł: zwrot kaucji ul. Polna",
             iban=("iban", iban_for(loc, pick([0, 2]))), n=per(p))


@tpl("pl_umowa", ["pl_PL"], 2)
def _(loc):
    p, q = Person(loc), Person(loc)
    return R("Streść umowę:\nUMOWA NAJMU zawarta dnia ⟦z⟧ pomiędzy: ⟦p⟧, PESEL ⟦pp⟧, zwan⟦g1⟧ dalej Wynajmując⟦g2⟧, a ⟦q⟧, "
             "PESEL ⟦qp⟧, tel. ⟦ph⟧, zwan⟦g3⟧ dalej Najemcą.",
             g1="ą" if p.g == "f" else "ym", g2="ą" if p.g == "f" else "ym", g3="ą" if q.g == "f" else "ym",
             z=other_date(loc), p=per(p), pp=("id_number", id_pl_pesel(p)), q=per(q), qp=("id_number", id_pl_pesel(q)),
             ph=("phone", phone(loc)))


# ===========================================================================
# POSITIVE TEMPLATES -- Swedish
# ===========================================================================

@tpl("sv_personnummer_form", ["sv_SE"], 3)
def _(loc):
    p = Person(loc)
    return R("Kan du kolla att blanketten är rätt ifylld?\n\nNamn: ⟦n⟧\nPersonnummer: ⟦pnr⟧\nAdress: ⟦a⟧\nMobil: ⟦ph⟧\nE-post: ⟦e⟧",
             n=per(p), pnr=("id_number", id_se_pnr(p)), a=A(gen_addr(loc)), ph=("phone", phone(loc, True)), e=("email", email_for(p)))


@tpl("sv_chat", ["sv_SE"], 3)
def _(loc):
    p = Person(loc)
    t = pick(["hej! kan du skriva ett sms till ⟦n⟧ om att vi flyttar tvättiden? numret är ⟦ph⟧",
              "vem är ⟦n⟧? får sms från ⟦ph⟧ om ett paket från PostNord",
              "spara: ⟦n⟧, ⟦ph⟧ (hundvakten)"])
    return R(t, n=per(p, pick(["lower", "full"])), ph=("phone", phone(loc, True)))


@tpl("sv_andrahand", ["sv_SE"], 3)
def _(loc):
    p = Person(loc)
    f = "född"
    return R("Översätt till engelska: Hyresgäst: ⟦n⟧, ⟦f⟧ ⟦d⟧, nuvarande adress ⟦a⟧. Hyran betalas till ⟦iban⟧.",
             n=per(p), f=f, d=("date_of_birth", p.dob_s()), a=A(gen_addr(loc)), iban=("iban", iban_for(loc)))


@tpl("sv_vardcentral", ["sv_SE"], 2)
def _(loc):
    p = Person(loc)
    return R("Sammanfatta journalanteckningen: Pat. ⟦n⟧ (⟦pnr⟧) söker för halsont sedan 5 dagar. Strep A neg. Råd om egenvård.",
             n=per(p), pnr=("id_number", id_se_pnr(p)))


# ===========================================================================
# POSITIVE TEMPLATES -- Czech, Turkish, Japanese, Nordic
# ===========================================================================

@tpl("cs_formular_rc", ["cs_CZ"], 3)
def _(loc):
    p = Person(loc)
    nar = "narozena" if p.g == "f" else "narozen"
    return R("Zkontroluj prosím formulář:\nJméno a příjmení: ⟦n⟧\nRodné číslo: ⟦rc⟧\n⟦nar⟧: ⟦d⟧\nBydliště: ⟦a⟧\nTelefon: ⟦ph⟧\nE-mail: ⟦e⟧",
             n=per(p), rc=("id_number", id_cz_rc(p)), nar=nar.capitalize(), d=("date_of_birth", p.dob_s()), a=A(gen_addr(loc)),
             ph=("phone", phone(loc)), e=("email", email_for(p)))


@tpl("cs_chat", ["cs_CZ"], 3)
def _(loc):
    p = Person(loc)
    return R(pick(["ahoj, napíšeš mi zprávu pro ⟦n⟧? číslo je ⟦ph⟧, jde o hlídání dětí",
                   "kdo je ⟦n⟧? volá mi z ⟦ph⟧ kvůli nějaké zásilce"]),
             n=per(p, pick(["lower", "full"])), ph=("phone", phone(loc, True)))


@tpl("cs_platba", ["cs_CZ"], 2)
def _(loc):
    p = Person(loc)
    return R("Přelož do angličtiny: Kauci prosím vraťte na účet ⟦iban⟧, majitel účtu ⟦n⟧.", iban=("iban", iban_for(loc)), n=per(p))


@tpl("tr_basvuru", ["tr_TR"], 3)
def _(loc):
    p = Person(loc)
    return R("Bu başvuru formunu kontrol eder misin?\nAd Soyad: ⟦n⟧\nT.C. Kimlik No: ⟦tc⟧\nDoğum Tarihi: ⟦d⟧\nAdres: ⟦a⟧\n"
             "Cep Telefonu: ⟦ph⟧\nE-posta: ⟦e⟧",
             n=per(p), tc=("id_number", id_tr_tc()), d=("date_of_birth", p.dob_s()), a=A(gen_addr(loc)), ph=("phone", phone(loc, True)),
             e=("email", email_for(p)))


@tpl("tr_sohbet", ["tr_TR"], 3)
def _(loc):
    p = Person(loc)
    return R(pick(["selam, ⟦n⟧ için kısa bir doğum günü mesajı yazar mısın? numarası ⟦ph⟧",
                   "⟦n⟧ kim? ⟦ph⟧ numarasından sürekli arıyor, kargo diyor"]),
             n=per(p, pick(["lower", "full"])), ph=("phone", phone(loc, True)))


@tpl("tr_kargo_iban", ["tr_TR"], 2)
def _(loc):
    p = Person(loc)
    return R("İngilizceye çevir: Ödemeyi ⟦iban⟧ numaralı hesaba yapabilirsiniz, alıcı: ⟦n⟧. Kargo adresi: ⟦a⟧",
             iban=("iban", iban_for(loc)), n=per(p), a=A(gen_addr(loc)))


@tpl("ja_moushikomi", ["ja_JP"], 3)
def _(loc):
    p = Person(loc)
    return R("Please translate this form (romaji) into English:\n\nShimei: ⟦n⟧\nSeinengappi: ⟦d⟧\nJusho: ⟦a⟧\n"
             "Denwa bangou: ⟦ph⟧\nMy Number: ⟦mn⟧",
             n=per(p), d=("date_of_birth", p.dob_s()), a=A(gen_addr(loc)), ph=("phone", phone(loc)), mn=("id_number", id_jp_mynumber()))


@tpl("ja_chat", ["ja_JP"], 3)
def _(loc):
    p = Person(loc)
    return R(pick(["konnichiwa! ⟦n⟧-san no denwa bangou wa ⟦ph⟧ desu. Can you write a polite thank-you message in English?",
                   "ashita ⟦n⟧ ni renraku shite ne, ⟦ph⟧ — translate this reminder please"]),
             n=("person", (p.last + " " + p.first) if chance(0.6) else p.full), ph=("phone", phone(loc, True)))


@tpl("ja_hotel", ["ja_JP"], 2)
def _(loc):
    p = Person(loc)
    return R("Check-in card — fix the English:\nGuest: ⟦n⟧\nPassport No.: ⟦pp⟧\nNationality: Japan\nE-mail: ⟦e⟧",
             n=("person", f"{p.last.upper()} {p.first}"), pp=("id_number", id_generic_passport(loc)), e=("email", email_for(p)))


@tpl("da_cpr_form", ["da_DK"], 3)
def _(loc):
    p = Person(loc)
    return R("Oversæt til engelsk:\nNavn: ⟦n⟧\nCPR-nr.: ⟦cpr⟧\nAdresse: ⟦a⟧\nTelefon: ⟦ph⟧",
             n=per(p), cpr=("id_number", id_dk_cpr(p)), a=A(gen_addr(loc)), ph=("phone", phone(loc)))


@tpl("da_chat", ["da_DK"], 2)
def _(loc):
    p = Person(loc, "f")
    return R("hej, kan du skrive en sms til ⟦n⟧ om nøglen? nummeret er ⟦ph⟧, og hun er født ⟦d⟧ hvis det skal bruges til fødselsdagshilsen",
             n=per(p, "lower"), ph=("phone", phone(loc, True)), d=("date_of_birth", p.dob_s()))


@tpl("fi_hetu_form", ["fi_FI"], 3)
def _(loc):
    p = Person(loc)
    return R("Käännä englanniksi:\nNimi: ⟦n⟧\nHenkilötunnus: ⟦h⟧\nOsoite: ⟦a⟧\nPuhelin: ⟦ph⟧\nSähköposti: ⟦e⟧",
             n=per(p), h=("id_number", id_fi_hetu(p)), a=A(gen_addr(loc)), ph=("phone", phone(loc)), e=("email", email_for(p)))


@tpl("fi_chat", ["fi_FI"], 2)
def _(loc):
    p = Person(loc)
    return R("moi, kirjoitatko viestin ⟦n⟧:lle? numero on ⟦ph⟧, kyse on saunavuorosta", n=per(p, "lower"), ph=("phone", phone(loc, True)))


@tpl("no_fnr_form", ["no_NO"], 3)
def _(loc):
    p = Person(loc)
    return R("Oversett til engelsk:\nNavn: ⟦n⟧\nFødselsnummer: ⟦f⟧\nAdresse: ⟦a⟧\nMobil: ⟦ph⟧\nKontonummer/IBAN: ⟦iban⟧",
             n=per(p), f=("id_number", id_no_fnr(p)), a=A(gen_addr(loc)), ph=("phone", phone(loc, True)), iban=("iban", iban_for(loc)))


@tpl("no_chat", ["no_NO"], 2)
def _(loc):
    p = Person(loc)
    return R("hei, kan du skrive en melding til ⟦n⟧ om hytta? nummeret er ⟦ph⟧", n=per(p, pick(["lower", "full"])), ph=("phone", phone(loc, True)))


# ===========================================================================
# POSITIVE TEMPLATES -- mixed / code with local data
# ===========================================================================

ML = ["de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_PT", "pl_PL", "sv_SE", "cs_CZ", "tr_TR", "pt_BR", "da_DK", "fi_FI", "no_NO"]


@tpl("json_fixture_local", ML, 6)
def _(loc):
    p = Person(loc)
    a = gen_addr(loc)
    return R(ask(loc, "fixture", "") + '\n\n{"kunde": {"name": "⟦n⟧", "geburtsdatum": "⟦d⟧", "strasse": "⟦a1⟧", '
             '"ort": "⟦a2⟧", "tel": "⟦ph⟧", "mail": "⟦e⟧"}}' if lang(loc) == "de" else
             ask(loc, "fixture", "Write a pytest fixture that loads this:") + '\n\n{"customer": {"name": "⟦n⟧", "birth_date": "⟦d⟧", "street": "⟦a1⟧", '
             '"city": "⟦a2⟧", "phone": "⟦ph⟧", "email": "⟦e⟧"}}',
             n=per(p), d=("date_of_birth", p.dob.isoformat()), a1=("address", a.line1), a2=("address", a.line2),
             ph=("phone", phone(loc)), e=("email", email_for(p)))


@tpl("tsv_hr_export", ML + ["en_GB"], 4)
def _(loc):
    rows = ["emp_no\tname\tdate_of_birth\tnational_id\tiban"]
    idf = {"de": lambda p: id_de_steuer(), "fr": id_fr_nir, "es": lambda p: id_es_dni(), "it": id_it_cf, "nl": lambda p: id_nl_bsn(),
           "pt": lambda p: id_pt_nif() if p.loc == "pt_PT" else id_br_cpf(), "pl": id_pl_pesel, "sv": id_se_pnr, "cs": id_cz_rc,
           "tr": lambda p: id_tr_tc(), "da": id_dk_cpr, "fi": id_fi_hetu, "no": id_no_fnr, "en": lambda p: id_gb_nino()}[lang(loc)]
    for _ in range(rng.randint(2, 3)):
        p = Person(loc)
        ib = ("iban", iban_for(loc, 2)) if loc in IBAN_CC else "-"
        rows.append(R("⟦no⟧\t⟦n⟧\t⟦d⟧\t⟦id⟧\t⟦ib⟧", no=f"E{digits(4)}", n=per(p), d=("date_of_birth", fmt_date(p.dob, loc, 0) if chance(0.5) else p.dob.isoformat()),
                      id=("id_number", idf(p)), ib=ib))
    return J([ask(loc, "pivot", "Pivot this HR export by birth year:"), ""] + rows)


@tpl("log_user_signup", ML + ["en_US"], 4)
def _(loc):
    p = Person(loc)
    return R('{"level":"info","ts":"2025-0⟦m⟧-1⟦d⟧T08:4⟦s⟧:02Z","msg":"user signup","email":"⟦e⟧","ip":"⟦ip⟧","plan":"pro"}\n' +
             ask(loc, "explain_log", 'why is this log line missing the user id?'),
             m=str(rng.randint(1, 9)), d=str(rng.randint(0, 9)), s=str(rng.randint(0, 9)), e=("email", email_for(p)),
             ip=("ip", ipv4() if chance(0.6) else ipv6()))


@tpl("card_payment_local", ["de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_BR", "pl_PL", "sv_SE", "de_AT", "tr_TR"], 11)
def _(loc):
    p = Person(loc)
    c = card()
    exp = f"{rng.randint(1, 12):02d}/{rng.randint(26, 31)}"
    t = {"de": "Formuliere das höflicher: Bitte buchen Sie die Restzahlung für die Ferienwohnung von meiner Kreditkarte ⟦c⟧ (gültig bis ⟦x⟧) ab. Karteninhaber: ⟦n⟧",
         "fr": "Rends ce message plus poli : débitez le solde sur ma carte ⟦c⟧, exp. ⟦x⟧, au nom de ⟦n⟧.",
         "es": "Hazlo más formal: cobradme la señal en la tarjeta ⟦c⟧ (caduca ⟦x⟧), titular ⟦n⟧.",
         "it": "Rendilo più formale: addebitate il saldo sulla carta ⟦c⟧ scad. ⟦x⟧, intestata a ⟦n⟧.",
         "nl": "Maak dit netter: schrijf het restbedrag af van creditcard ⟦c⟧, geldig tot ⟦x⟧, op naam van ⟦n⟧.",
         "pt": "Deixa mais formal: pode cobrar no cartão ⟦c⟧ validade ⟦x⟧, titular ⟦n⟧.",
         "pl": "Przeredaguj grzeczniej: proszę obciążyć moją kartę ⟦c⟧ (ważna do ⟦x⟧), właściciel ⟦n⟧.",
         "sv": "Gör det artigare: dra resten på mitt kort ⟦c⟧, giltigt t.o.m. ⟦x⟧, kortinnehavare ⟦n⟧.",
         "tr": "Daha resmi yaz: kalan tutarı ⟦c⟧ numaralı kartımdan (SKT ⟦x⟧) çekebilirsiniz, kart sahibi ⟦n⟧."}[lang(loc)]
    return R(t, c=("card", c), x=exp, n=per(p))


@tpl("json_payment_log", ["en_US", "en_GB", "de_DE"], 5)
def _(loc):
    p = Person(loc)
    return R(ask(loc, "security", 'our payment service logged this in plain text, how bad is it?') + '\n\n{"event":"charge.failed","ts":"2025-11-0⟦d⟧T14:0⟦m⟧:11Z",'
             '"card_number":"⟦c⟧","holder":"⟦n⟧","amount":⟦a⟧,"currency":"⟦cur⟧","client_ip":"⟦ip⟧","decline_code":"do_not_honor"}',
             d=str(rng.randint(1, 9)), m=str(rng.randint(0, 9)), c=("card", card(2)), n=per(p),
             a=str(rng.randint(500, 90000)), cur=pick(["usd", "gbp", "eur"]), ip=("ip", ipv4()))


@tpl("ssn_hr_csv", ["en_US"], 4)
def _(loc):
    rows = []
    for _ in range(rng.randint(2, 3)):
        p = Person(loc)
        rows.append(R('"⟦n⟧",⟦s⟧,⟦h⟧,⟦d⟧', n=("person", f"{p.last}, {p.first}"), s=("ssn", ssn(pick([0, 3]))),
                      h=f"{rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-01", d=pick(["Sales", "Ops", "Finance", "IT"])))
    return J(["Remove duplicates and sort by hire date:", "", "name,ssn,hire_date,dept"] + rows)


@tpl("ip_allowlist", ["en_US", "de_DE", "fr_FR", "nl_NL", "es_ES"], 6)
def _(loc):
    a, b = ipv4(), (ipv6() if chance(0.4) else ipv4())
    t = {"en": pick(["add my home IP ⟦a⟧ and the office one ⟦b⟧ to the security group, what's the aws cli command?",
                     "iptables -A INPUT -s ⟦a⟧ -p tcp --dport 22 -j ACCEPT\niptables -A INPUT -s ⟦b⟧ -j DROP\nis the order right?"]),
         "de": "Unser Kunde greift von ⟦a⟧ zu, der Dienstleister von ⟦b⟧. Wie schalte ich beide in der Firewall frei?",
         "fr": "Mon IP publique est ⟦a⟧ mais le serveur voit ⟦b⟧, pourquoi ?",
         "nl": "Zet ⟦a⟧ en ⟦b⟧ op de whitelist van de webserver, hoe doe ik dat in nginx?",
         "es": "El cliente se conecta desde ⟦a⟧ y a veces desde ⟦b⟧; ¿cómo lo permito en ufw?"}[lang(loc)]
    return R(t, a=("ip", a), b=("ip", b))


@tpl("pdf_copy_broken_values", ["de_DE", "fr_FR", "nl_NL", "en_GB", "es_ES", "it_IT", "pl_PL"], 6)
def _(loc):
    p = Person(loc)
    ib = std_iban.format(iban(IBAN_CC[loc]))
    parts = ib.split(" ")
    k = rng.randint(2, len(parts) - 2)
    ib_split = " ".join(parts[:k]) + "\n" + " ".join(parts[k:])
    lbl = {"de": ("Kontoinhaber", "Telefon", "Das habe ich aus einem PDF kopiert, die Formatierung ist kaputt – kannst du es aufräumen?"),
           "fr": ("Titulaire", "Tél.", "Copié depuis un PDF, la mise en forme est cassée – tu peux nettoyer ?"),
           "nl": ("Rekeninghouder", "Telefoon", "Gekopieerd uit een pdf, de opmaak is kapot – kun je het opschonen?"),
           "en": ("Account holder", "Phone", "Copied this from a PDF and the formatting is broken, can you clean it up?"),
           "es": ("Titular", "Teléfono", "Lo he copiado de un PDF y el formato está roto, ¿lo puedes arreglar?"),
           "it": ("Intestatario", "Telefono", "L'ho copiato da un PDF e la formattazione è saltata, puoi sistemarlo?"),
           "pl": ("Właściciel rachunku", "Telefon", "Skopiowałem to z PDF-a i formatowanie się rozjechało, możesz to poprawić?")}[lang(loc)]
    return R("⟦q⟧\n\n⟦l1⟧: ⟦n⟧\nIBAN: ⟦ib⟧\n⟦l2⟧: ⟦ph⟧", q=lbl[2], l1=lbl[0], n=per(p), ib=("iban", ib_split), l2=lbl[1],
             ph=("phone", phone_digits_spaced(loc)))


# ===========================================================================
# NEGATIVE TEMPLATES (no labelled span)
# ===========================================================================

def N(text):
    return Frag(text)


@tpl("neg_version_numbers", ["en_US", "de_DE", "fr_FR", "es_ES"], 6, neg="version_number")
def _(loc):
    a = f"{rng.randint(1, 4)}.{rng.randint(0, 20)}.{rng.randint(0, 30)}"
    b = f"{rng.randint(90, 131)}.0.{rng.randint(4000, 6999)}.{rng.randint(10, 250)}"
    c = f"{rng.randint(1, 12)}.{rng.randint(0, 9)}.{rng.randint(0, 9)}.{rng.randint(1000, 9999)}"
    oid = f"1.2.840.113549.1.1.{rng.randint(1, 14)}"
    t = {"en": pick([f"After upgrading requests {a} -> {a[:-1]}9 and Chrome {b}, the login page is blank. Any idea?",
                     f"pip freeze says numpy=={a} but the wheel is built for {c}. Which one is used?",
                     f"The cert uses signature algorithm OID {oid}. Is that SHA-256 with RSA?",
                     f"Firmware {c} on the switch, bootloader {a}. Release notes say to go to {a.split('.')[0]}.{int(a.split('.')[1]) + 1}.0 first."]),
         "de": pick([f"Nach dem Update auf Version {a} (Build {c}) stürzt die App beim Start ab. Rollback auf {a[:-1]}0?",
                     f"Unser Server läuft noch mit PHP {rng.randint(5, 8)}.{rng.randint(0, 4)}.{rng.randint(1, 33)} und MariaDB {a}. Lohnt sich ein Upgrade?"]),
         "fr": pick([f"Depuis la mise à jour {c}, Word plante. J'avais la version {a} avant.",
                     f"Le paquet est en version {a}, mais la doc parle de la {a[:-1]}x. Quelle différence ?"]),
         "es": pick([f"Tengo Android {rng.randint(10, 15)} y la app en versión {a} (compilación {c}). ¿Por qué no se actualiza?"])}[lang(loc)]
    return N(t)


@tpl("neg_order_tracking", ["en_US", "en_GB", "de_DE", "fr_FR", "nl_NL", "es_ES", "it_IT", "pl_PL"], 7, neg="order_tracking_number")
def _(loc):
    o = order_no()
    ups = "1Z" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(6)) + digits(10)
    dhl = "JJD" + digits(18)
    pnl = "3S" + "".join(rng.choice(string.ascii_uppercase) for _ in range(4)) + digits(9)
    inpost = digits(24)
    t = {"en": pick([f"My order {o} says delivered but nothing arrived. UPS tracking {ups}. What should I write to support?",
                     f"Order {o} ({rng.randint(2, 5)} items, ${rng.randint(20, 400)}.{rng.randint(10, 99)}) – tracking {dhl} hasn't moved since Monday.",
                     f"Return authorisation RMA-{digits(6)} for order {o}. Label tracking {ups}."]),
         "de": f"Meine Bestellung {o} ist laut DHL-Sendungsnummer {dhl} seit 5 Tagen im Paketzentrum. Was kann ich tun?",
         "fr": f"Commande n° {o} : le colis {dhl} est bloqué en douane. Rédige une réclamation.",
         "nl": f"Mijn pakket met track & trace {pnl} staat al een week op 'gesorteerd'. Bestelnummer {o}.",
         "es": f"El pedido {o} figura como entregado (seguimiento {ups}) pero no ha llegado nada.",
         "it": f"L'ordine {o} risulta spedito, codice di tracciamento {dhl}, ma non si muove da giorni.",
         "pl": f"Paczka InPost nr {inpost} utknęła w sortowni, zamówienie {o}. Napisz reklamację."}[lang(loc)]
    return N(t)


@tpl("neg_invoice_number", ["de_DE", "fr_FR", "en_GB", "it_IT", "nl_NL", "sv_SE"], 5, neg="invoice_number")
def _(loc):
    y = rng.randint(2023, 2026)
    n = digits(5)
    amt = f"{rng.randint(100, 9999)},{rng.randint(10, 99)}"
    t = {"de": f"Rechnung Nr. RE-{y}-{n} vom {fmt_date(rand_date(y, y), loc, 0)}, Betrag {amt} € – ist die MwSt. richtig ausgewiesen?",
         "fr": f"Facture n° F{y}-{n}, montant TTC {amt} €, échéance à 30 jours. Comment relancer poliment ?",
         "en": f"Invoice INV-{y}-{n} for £{amt.replace(',', '.')} is 45 days overdue. Draft a firm reminder.",
         "it": f"Fattura n. {n}/{y} di {amt} euro, scadenza a 60 gg data fattura. Come scrivo un sollecito?",
         "nl": f"Factuurnummer {y}{n}, bedrag € {amt}, vervaldatum over 14 dagen. Schrijf een herinnering.",
         "sv": f"Faktura nr {n} (OCR {digits(12)}) på {amt} kr ska betalas senast om 30 dagar. Hur skriver jag en påminnelse?"}[lang(loc)]
    return N(t)


@tpl("neg_hashes", ["en_US", "de_DE"], 5, neg="hash_commit_digest")
def _(loc):
    sha = hashlib.sha256(digits(20).encode()).hexdigest()
    md5 = hashlib.md5(digits(20).encode()).hexdigest()
    commit = hashlib.sha1(digits(20).encode()).hexdigest()
    if lang(loc) == "de":
        return N(pick([f"Wie cherry-picke ich Commit {commit[:7]} auf den Release-Branch?",
                       f"Die Prüfsumme {sha} stimmt nicht mit der Download-Seite überein. Ist die Datei beschädigt?"]))
    return N(pick([f"The download page lists SHA256 {sha} but sha256sum gives something else. Is my ISO corrupted?",
                   f"git bisect points to {commit[:12]} ({commit}) – how do I revert just that commit?",
                   f"docker pull nginx@sha256:{sha} fails with manifest unknown",
                   f"md5 of the backup is {md5}, same as yesterday's. Does that mean nothing changed?"]))


@tpl("neg_uuid", ["en_US", "fr_FR", "de_DE"], 4, neg="uuid_request_id")
def _(loc):
    u = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    u2 = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return N({"en": pick([f"Request {u} failed with 502, trace id {u2.replace('-', '')}. Where do I look in Grafana?",
                          f"ERROR [worker-3] job_id={u} retry=3/5 status=timeout -- what does retry=3/5 mean?"]),
              "fr": f"Le ticket de support mentionne l'identifiant de corrélation {u}. Ça sert à quoi ?",
              "de": f"Die Geräte-ID {u.upper()} taucht doppelt in der Tabelle auf, wie finde ich die Duplikate?"}[lang(loc)])


@tpl("neg_coordinates", ["en_US", "de_DE", "it_IT", "es_ES", "nl_NL"], 4, neg="coordinates")
def _(loc):
    la = round(rng.uniform(36, 60), 6)
    lo = round(rng.uniform(-9, 25), 6)
    return N({"en": pick([f"Convert {la}, {lo} to degrees/minutes/seconds please",
                          f"{{\"type\": \"Point\", \"coordinates\": [{lo}, {la}]}} – why does Leaflet show it in the sea?"]),
              "de": f"Treffpunkt Parkplatz bei {la:.5f}° N, {lo:.5f}° E – wie weit ist das vom Bahnhof?",
              "it": f"Il percorso parte da lat {la} lon {lo}, quota {rng.randint(10, 2400)} m. Quanto è lungo l'anello?",
              "es": f"¿Cómo convierto {la}, {lo} a grados, minutos y segundos?",
              "nl": f"De camping ligt op {la:.4f}, {lo:.4f}. Hoe ver is dat van het station?"}[lang(loc)])


@tpl("neg_prices_measurements", ["en_GB", "de_DE", "fr_FR", "pl_PL", "sv_SE", "cs_CZ"], 5, neg="price_measurement")
def _(loc):
    t = {"en": "Sofa is 214 x 96 x 82 cm, 61.5 kg, £1,249.00 incl. VAT, or 12 x £104.08. Will it fit through a 78 cm door?",
         "de": "Das Regal kostet 1.299,00 € (UVP 1.549,00 €), Maße 180 × 40 × 200 cm, Traglast 35 kg pro Boden. Lohnt sich das?",
         "fr": "Le frigo fait 59,5 x 65 x 186 cm, 312 L, classe D, 749,99 € TTC. C'est un bon prix ?",
         "pl": "Mieszkanie 54,3 m², 3 pokoje, 689 000 zł, czynsz 720 zł/mies. Czy to dobra cena w Poznaniu?",
         "sv": "Bilen drar 0,62 l/mil, tanken är 50 l och kostar 19,45 kr/l. Vad kostar en resa på 48 mil?",
         "cs": "Pračka stojí 12 490 Kč, spotřeba 49 l vody, 1400 ot./min, rozměry 85 x 60 x 55 cm. Vyplatí se?"}[lang(loc)]
    return N(t)


@tpl("neg_timestamps", ["en_US"], 3, neg="timestamp")
def _(loc):
    ep = rng.randint(1_600_000_000, 1_790_000_000)
    t = pick([f"convert unix time {ep} to CET",
              f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{digits(3)}Z WARN slow query {rng.randint(800, 9000)}ms",
              f"the cron ran at {ep} and {ep + 86400}, which is exactly 24h apart, right?",
              f"Why does JS show {ep}{digits(3)} ms as a date in 2025 but Python as 1970?"])
    return N(t)


@tpl("neg_non_birth_dates", ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pt_PT", "pl_PL", "sv_SE", "tr_TR",
                             "da_DK", "fi_FI", "no_NO", "ja_JP", "cs_CZ"], 16, neg="date_not_birthday")
def _(loc):
    d = fmt_date(rand_date(2024, 2026), loc)
    t = {"en": pick([f"The quarterly review is moved to {d} at 10:00, please update the invite.",
                     f"Contract ends on {d}; notice must be given 3 months before. When is the last day to cancel?",
                     f"Reminder: passport photos must be taken after {d} to be valid."]),
         "de": pick([f"Der Abgabetermin für die Steuererklärung ist der {d}. Reicht eine Fristverlängerung per Mail?",
                     f"Das Meeting wurde auf den {d} verschoben, bitte Raum 3.14 buchen."]),
         "fr": f"La réunion de copropriété aura lieu le {d} à 18h30. Rédige la convocation.",
         "es": f"La factura vence el {d}. ¿Cómo pido un aplazamiento?",
         "it": f"La scadenza per il pagamento IMU è il {d}. Posso pagare in due rate?",
         "nl": f"De oplevering van de keuken staat gepland op {d}. Schrijf een bevestiging aan de aannemer.",
         "pt": f"A consulta foi remarcada para {d} às 9h. Escreve uma confirmação.",
         "pl": f"Termin złożenia wniosku mija {d}. Czy mogę go wysłać mailem?",
         "sv": f"Deklarationen ska vara inne senast {d}. Vad händer om jag missar det?",
         "tr": f"Toplantı {d} tarihine ertelendi, katılımcılara bir e-posta yazar mısın?",
         "da": f"Fristen for at søge boligstøtte er {d}. Kan jeg stadig nå det?",
         "fi": f"Vuokrasopimus päättyy {d}. Kirjoita irtisanomisilmoitus vuokranantajalle.",
         "no": f"Innleveringsfristen for skattemeldingen er {d}. Hva skjer hvis jeg er for sen?",
         "ja": f"Kaigi wa {d} ni henkou ni narimashita. Please write a short English notice for the team.",
         "cs": f"Lhůta pro podání daňového přiznání je {d}. Stihnu to ještě elektronicky?"}[lang(loc)]
    return N(t)


@tpl("neg_historical_dates", ["en_US", "de_DE", "fr_FR", "es_ES", "it_IT", "pl_PL", "cs_CZ"], 6, neg="historical_date")
def _(loc):
    t = {"en": pick(["Write a short paragraph on why July 20, 1969 mattered for the space race.",
                     "The Declaration of Independence was adopted on July 4, 1776 — summarise the main grievances."]),
         "de": pick(["Die Mauer fiel am 9. November 1989. Erkläre es einem Zehnjährigen.",
                     "Was geschah am 3. Oktober 1990 genau?"]),
         "fr": "Résume les événements du 14 juillet 1789 en cinq lignes.",
         "es": "¿Qué pasó el 12 de octubre de 1492 según los diarios de a bordo?",
         "it": "Spiegami perché il 2 giugno 1946 è festa nazionale.",
         "pl": "Dlaczego 11 listopada 1918 r. jest ważny dla Polski?",
         "cs": "Co se stalo 17. listopadu 1989 v Praze?"}[lang(loc)]
    return N(t)


@tpl("neg_code_no_value", ["en_US"], 6, neg="code_without_secret_value")
def _(loc):
    t = pick([
        "```python\ndef login(username: str, password: str) -> bool:\n    user = db.get(username)\n    return user and bcrypt.checkpw(password.encode(), user.password_hash)\n```\nis this timing-safe?",
        "```python\napi_key = os.environ[\"OPENAI_API_KEY\"]\nclient = OpenAI(api_key=api_key)\n```\nwhy KeyError in cron but not in my shell?",
        "CREATE TABLE users (\n  id BIGSERIAL PRIMARY KEY,\n  email TEXT UNIQUE NOT NULL,\n  password_hash VARCHAR(255) NOT NULL,\n  api_token TEXT\n);\nshould api_token be hashed too?",
        "const token = req.headers.authorization?.split(' ')[1];\nif (!token) return res.status(401).end();\n// how do I verify it with jose?",
        "```go\ncfg := Config{Password: os.Getenv(\"DB_PASSWORD\"), Host: os.Getenv(\"DB_HOST\")}\n```\nhow do I fail fast if the password is empty?",
        "In my Django settings SECRET_KEY = env('DJANGO_SECRET_KEY'). Do I need to rotate it when a developer leaves?",
        "```java\nString pwd = System.getenv(\"SMTP_PASSWORD\");\nprops.put(\"mail.smtp.auth\", \"true\");\n```\nwhy does Gmail reject it?",
        "password = getpass.getpass('Password: ')\nprint(len(password))  # how to avoid echo on Windows?",
    ])
    return N(t)


@tpl("neg_placeholders", ["en_US", "de_DE"], 6, neg="placeholder_secret")
def _(loc):
    if lang(loc) == "de":
        return N(pick(["In der Doku steht: `passwort: <IHR_PASSWORT>` – muss ich die spitzen Klammern mitschreiben?",
                       "MAIL_PASSWORT=${SMTP_PASSWORT}\nMAIL_USER=${SMTP_USER}\nWarum ist die Variable im Container leer?"]))
    return N(pick([
        "DB_HOST=db\nDB_USER=app\nDB_PASSWORD=${DB_PASSWORD}\nREDIS_URL=redis://redis:6379/0\n\nhow do I pass DB_PASSWORD from GitHub Actions?",
        "curl https://api.example.com/v1/chat -H \"Authorization: Bearer <your-api-key>\" -d '{\"model\": \"small\"}'\nwhat goes in the -d part for streaming?",
        "export OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxx\n# replace with your key\nwhere do I put this on Windows?",
        "spring.datasource.password=********\nspring.datasource.url=jdbc:postgresql://localhost:5432/app\n-- the password is masked in the log, how do I know which one it used?",
        "- name: Deploy\n  env:\n    TOKEN: ${{ secrets.DEPLOY_TOKEN }}\n  run: ./deploy.sh\nwhy is TOKEN empty on pull requests from forks?",
        "api_key: YOUR_API_KEY_HERE\nendpoint: https://api.example.org/v2\nwhat format is expected for the key?",
        "conn = psycopg2.connect(host=host, password='%(DB_PASS)s' % os.environ)\nis this string formatting safe?",
        "stripe.api_key = \"sk_test_...\"  # paste your key\nit says invalid API key provided",
        "ssh-keygen gave me id_ed25519 and id_ed25519.pub – which one do I paste into GitHub?"]))


@tpl("neg_example_domain", ["en_US", "de_DE", "fr_FR"], 5, neg="documentation_example_email")
def _(loc):
    return N({"en": pick(["The API docs say: POST /users {\"email\": \"user@example.com\", \"name\": \"Example User\"}. Is name required?",
                          "Regex test cases: alice@example.org (valid), bob@@example.org (invalid), carol@example.net (valid). Does mine cover them?",
                          "git config --global user.email \"you@example.com\" — what does this do exactly?",
                          "For the tutorial use noreply@example.com as the sender and someone@example.org as recipient."]),
              "de": "In unserer Doku steht als Beispiel max@example.com – soll ich das durch eine echte Adresse ersetzen?",
              "fr": "La doc utilise contact@example.fr comme exemple, est-ce que example.fr est réservé comme example.com ?"}[lang(loc)])


@tpl("neg_private_doc_ip", ["en_US", "de_DE", "fr_FR", "es_ES"], 7, neg="private_or_documentation_ip")
def _(loc):
    priv = pick([f"192.168.{rng.randint(0, 5)}.{rng.randint(1, 254)}", f"10.{rng.randint(0, 255)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
                 f"172.{rng.randint(16, 31)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"])
    doc = pick([f"203.0.113.{rng.randint(1, 254)}", f"198.51.100.{rng.randint(1, 254)}", f"192.0.2.{rng.randint(1, 254)}",
                f"2001:db8::{rng.randint(1, 0xfff):x}"])
    t = {"en": pick([f"My router is at {priv} but the printer got {priv.rsplit('.', 1)[0]}.{rng.randint(2, 254)} – why can't I reach it?",
                     f"The docs use {doc} in the nginx example, should I replace it with 127.0.0.1?",
                     f"Docker binds to 0.0.0.0:8080 and I can reach it via 127.0.0.1 but not from {priv}",
                     "ping ::1 works, ping fe80::1%eth0 doesn't. IPv6 link-local confusion?"]),
         "de": f"Die Fritzbox hat {priv}, der NAS {priv.rsplit('.', 1)[0]}.{rng.randint(2, 254)}. Wie richte ich eine feste IP ein?",
         "fr": f"Dans l'exemple de la doc, le serveur est en {doc}. Je mets quoi à la place en local ?",
         "es": f"El servidor de pruebas está en {priv} y el de staging en {doc} según el manual. ¿Cómo configuro el proxy?"}[lang(loc)]
    return N(t)


@tpl("neg_test_cards", ["en_US", "de_DE"], 4, neg="test_card_number")
def _(loc):
    c = pick(["4242 4242 4242 4242", "4000 0566 5566 5556", "5555 5555 5555 4444", "4111 1111 1111 1111", "3782 822463 10005"])
    if lang(loc) == "de":
        return N(f"In den Testdaten steht die Karte {c} – warum lehnt die Sandbox sie ab?")
    return N(pick([f"Stripe test mode: I use {c}, any future date and any CVC, but the checkout still fails.",
                   f"QA checklist: pay with test card {c.replace(' ', '')} and verify the receipt email."]))


@tpl("neg_public_figures", ["en_US", "en_GB", "de_DE", "fr_FR", "es_ES", "it_IT", "nl_NL", "pl_PL", "sv_SE", "cs_CZ", "tr_TR", "ja_JP",
                            "pt_BR", "da_DK", "fi_FI", "no_NO"], 13, neg="public_figure")
def _(loc):
    t = {"en": pick(["Write a toast in the style of Winston Churchill.", "Compare Barack Obama's and Abraham Lincoln's inaugural speeches.",
                     "Summarise what Marie Curie discovered about radium.", "Was Ada Lovelace really the first programmer?"]),
         "de": pick(["Was hat Angela Merkel 2015 mit 'Wir schaffen das' gemeint?", "Fasse die wichtigsten Werke von Johann Wolfgang von Goethe zusammen."]),
         "fr": pick(["Résume la pensée de Simone de Beauvoir en 5 phrases.", "Pourquoi Charles de Gaulle a-t-il quitté l'OTAN ?"]),
         "es": "¿Qué opinaba Gabriel García Márquez sobre el realismo mágico?",
         "it": "Spiegami la Divina Commedia di Dante Alighieri come se avessi 12 anni.",
         "nl": "Waarom is Rembrandt van Rijn zo beroemd om De Nachtwacht?",
         "pl": "Opisz krótko muzykę Fryderyka Chopina i wpływ Marii Skłodowskiej-Curie na naukę.",
         "sv": "Berätta om Astrid Lindgren och varför Greta Thunberg blev känd.",
         "cs": "Proč je Václav Havel důležitý pro českou historii?",
         "tr": "Mustafa Kemal Atatürk'ün Nutuk'unu kısaca özetler misin?",
         "ja": "Can you recommend books by Haruki Murakami and films by Hayao Miyazaki?",
         "pt": "Resume a carreira de Ayrton Senna e a música de Tom Jobim em poucas linhas.",
         "da": "Hvilke eventyr skrev H.C. Andersen, og hvad handler Søren Kierkegaards Enten-Eller om?",
         "fi": "Kerro lyhyesti Jean Sibeliuksen Finlandiasta ja Tove Janssonin muumeista.",
         "no": "Hvorfor malte Edvard Munch Skrik, og hva oppdaget Roald Amundsen?"}[lang(loc)]
    return N(t)


@tpl("neg_fictional", ["en_GB", "en_US", "de_DE", "sv_SE", "es_ES", "fr_FR"], 6, neg="fictional_character")
def _(loc):
    t = {"en": pick(["Write a letter from Sherlock Holmes, 221B Baker Street, to Dr. John Watson about a new case.",
                     "Harry Potter lived at 4 Privet Drive, Little Whinging – make a fake Hogwarts acceptance letter for a party.",
                     "What would Homer Simpson of 742 Evergreen Terrace say about a four-day week?",
                     "Draft Bilbo Baggins's party invitation to the Shire."]),
         "de": "Schreib eine Geschichte, in der Pumuckl Meister Eder einen Streich spielt.",
         "sv": "Skriv en saga där Pippi Långstrump bjuder Tommy och Annika till Villa Villekulla.",
         "es": "Escribe un diálogo entre Don Quijote de la Mancha y Sancho Panza sobre los móviles.",
         "fr": "Imagine une lettre du commissaire Maigret à Arsène Lupin."}[lang(loc)]
    return N(t)


@tpl("neg_placeholder_names", ["en_US", "en_GB", "de_DE", "pl_PL", "it_IT", "fr_FR", "es_ES", "nl_NL"], 7, neg="placeholder_name")
def _(loc):
    t = {"en": pick(["Form example: Name: John Doe, Date: MM/DD/YYYY, Signature: ________. Make the example clearer.",
                     "In the mock-up the user card says 'Jane Doe – jane.doe@example.com'. Suggest nicer placeholder text.",
                     "UK forms often say Joe Bloggs as the sample name. What's the US equivalent?"]),
         "de": pick(["Auf dem Muster-Personalausweis steht Erika Mustermann, Ausweisnummer T22000129. Ist das eine echte Nummer?",
                     "Beispiel im Formular: Max Mustermann, Musterstraße 1, 12345 Musterstadt. Wie fülle ich das richtig aus?"]),
         "pl": "We wzorze wniosku jest Jan Kowalski, ul. Przykładowa 1, 00-000 Warszawa. Jak to wypełnić dla firmy?",
         "it": "Nel fac-simile del modulo c'è scritto Mario Rossi, via Roma 1. Devo mettere i miei dati al posto di quelli?",
         "fr": "Sur le modèle de chèque, il y a « Jean Dupont ». Où est-ce que je signe ?",
         "es": "En el ejemplo del formulario pone Fulano de Tal, calle Falsa 123. ¿Qué es eso?",
         "nl": "In het voorbeeld staat Jan Jansen, Dorpsstraat 1, 1234 AB Ergens. Moet ik dat overnemen?"}[lang(loc)]
    return N(t)


@tpl("neg_brand_names", ["en_US", "de_DE", "fr_FR", "it_IT", "en_GB"], 6, neg="brand_named_after_person")
def _(loc):
    t = {"en": pick(["My Ford Focus makes a clicking noise, and the Dell laptop charger doesn't fit the Tesla outlet. Priorities?",
                     "Compare a McDonald's Big Mac and a Wendy's Baconator by calories.",
                     "Is Johnson & Johnson still making baby powder? And is Ben & Jerry's owned by Unilever?",
                     "Which is better for a first watch, Tissot or Casio?"]),
         "de": pick(["Ist Dr. Oetker Pudding glutenfrei? Und lohnt sich ein Porsche Taycan?", "Hugo Boss oder Tommy Hilfiger für das Vorstellungsgespräch?"]),
         "fr": "Louis Vuitton ou Yves Saint Laurent pour un cadeau, et pourquoi Michelin donne des étoiles aux restaurants ?",
         "it": "Meglio una Ferrari o una Lamborghini? E la Nutella Ferrero contiene olio di palma?"}[lang(loc)]
    return N(t)


@tpl("neg_streets_named_after_people", ["de_DE", "fr_FR", "it_IT", "en_US", "pl_PL", "pt_BR"], 5, neg="street_or_place_named_after_person")
def _(loc):
    t = {"de": "Treffen wir uns an der U-Bahn Karl-Marx-Allee oder lieber am Konrad-Adenauer-Platz?",
         "fr": "Comment aller de la place Charles-de-Gaulle à la gare Montparnasse en métro ?",
         "it": "Via Giuseppe Verdi è chiusa per il mercato, qual è il percorso alternativo verso piazza Garibaldi?",
         "en": "Take the Martin Luther King Jr. Blvd exit, then left onto John F. Kennedy Parkway. Is that shorter?",
         "pl": "Jak dojechać z ronda Romana Dmowskiego na plac Marii Skłodowskiej-Curie?",
         "pt": "O trânsito na Avenida Presidente Vargas está parado, qual a melhor rota até a Rua Visconde de Pirajá?"}[lang(loc)]
    return N(t)


@tpl("neg_public_addresses", ["en_US", "en_GB", "de_DE", "fr_FR", "it_IT"], 5, neg="public_landmark_address")
def _(loc):
    t = {"en": pick(["Write a letter to the President at The White House, 1600 Pennsylvania Avenue NW, Washington, DC 20500 about school lunches.",
                     "Address a petition to the Prime Minister, 10 Downing Street, London SW1A 2AA."]),
         "de": "Wie schreibe ich an den Deutschen Bundestag, Platz der Republik 1, 11011 Berlin, eine Petition?",
         "fr": "Quelle est la meilleure heure pour visiter la tour Eiffel, Champ de Mars, 5 avenue Anatole France, 75007 Paris ?",
         "it": "Come si scrive al Quirinale, Piazza del Quirinale, 00187 Roma, per chiedere una visita guidata?"}[lang(loc)]
    return N(t)


@tpl("neg_city_country_only", ["en_US", "de_DE", "es_ES", "fr_FR", "nl_NL"], 5, neg="city_or_country_only")
def _(loc):
    t = {"en": f"We're moving from Portland to Lisbon in {pick(['May', 'June', 'September'])}. What paperwork do we need for the dog?",
         "de": "Ich ziehe von Leipzig nach Wien. Muss ich mich in Deutschland abmelden?",
         "es": "Me mudo de Sevilla a Berlín, ¿cómo convalido el carnet de conducir?",
         "fr": "On part de Lyon pour Montréal en août, que faut-il faire pour la sécu ?",
         "nl": "We verhuizen van Utrecht naar Gent. Moet ik mijn auto in België inschrijven?"}[lang(loc)]
    return N(t)


@tpl("neg_isbn_ean_serial", ["en_US", "de_DE", "fr_FR"], 5, neg="isbn_ean_serial")
def _(loc):
    while True:
        b = "978" + str(rng.randint(0, 1)) + digits(8)
        ok = [c for c in "0123456789" if std_isbn.is_valid(b + c)]
        if ok:
            isbn13 = b + ok[0]
            break
    e = "40" + digits(10)
    e = e + std_ean.calc_check_digit(e)
    sn = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(12))
    return N({"en": pick([f"Cite this book in APA: ISBN {std_isbn.format(isbn13)}, 3rd edition, 2019.",
                          f"Barcode {e} shows a different product in the app. Which one is right?",
                          f"My laptop serial number is {sn}; the warranty site says invalid. Where else can I check?"]),
              "de": f"Das Buch mit ISBN {isbn13} ist vergriffen – gibt es eine Neuauflage?",
              "fr": f"Le code EAN {e} sur l'étiquette ne correspond pas au produit."}[lang(loc)])


@tpl("neg_ticket_ids", ["en_US", "de_DE"], 4, neg="ticket_id")
def _(loc):
    if lang(loc) == "de":
        return N(pick([f"Ticket #{rng.randint(10000, 99999)} ist seit 3 Tagen ohne Antwort – formuliere eine Eskalation.",
                       f"Bitte PROJ-{rng.randint(100, 9999)} mit dem Störungsticket INC00{digits(5)} verknüpfen."]))
    return N(pick([f"Link PROJ-{rng.randint(100, 9999)} and OPS-{rng.randint(10, 999)} in the release notes, both are fixed in sprint {rng.randint(20, 80)}.",
                   f"ServiceNow INC00{digits(5)} was reopened, the related change is CHG00{digits(5)}.",
                   f"GitHub issue #{rng.randint(100, 20000)} is a duplicate of #{rng.randint(100, 20000)}, how do I close it nicely?"]))


@tpl("neg_masked_values", ["en_US", "de_DE", "fr_FR", "es_ES", "en_GB"], 6, neg="masked_value")
def _(loc):
    t = {"en": pick([f"The charge on my card ending in {digits(4)} was refunded twice. Is that my problem?",
                     f"Statement shows SSN ***-**-{digits(4)} – is that enough to identify me?",
                     f"App shows card **** **** **** {digits(4)} expired, but I got a new one last week.",
                     "The confirmation went to j*****@g****.com – that's mine, right?"]),
         "de": f"Im Online-Banking steht IBAN DE{digits(2)} **** **** **** **{digits(2)} {digits(2)} – welches Konto ist das?",
         "fr": f"Le relevé indique la carte XXXX XXXX XXXX {digits(4)}, je ne la reconnais pas.",
         "es": f"Me aparece el teléfono ******{digits(3)} como número de recuperación. ¿Cómo lo cambio?"}[lang(loc)]
    return N(t)


@tpl("neg_famous_examples", ["en_US", "de_DE", "en_GB"], 5, neg="documentation_example_value")
def _(loc):
    if lang(loc) == "de":
        return N("In der IBAN-Erklärung wird immer DE89 3704 0044 0532 0130 00 als Beispiel genannt. Warum gerade diese?")
    return N(pick(["The AWS docs use AKIAIOSFODNN7EXAMPLE and wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY. Why do they end in EXAMPLE?",
                   "Fun fact check: was 078-05-1120 really printed on wallet inserts sold by Woolworth?",
                   "Form instructions say 'enter your SSN like 123-45-6789'. Should dashes be included?",
                   "The bank's guide shows GB82 WEST 1234 5698 7654 32 as an example IBAN. How is the check digit 82 computed?",
                   "JWT.io's default example token starts with eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9 — what does that part decode to?"]))


@tpl("neg_emergency_numbers", ["de_DE", "en_GB", "fr_FR", "en_US"], 3, neg="emergency_short_number")
def _(loc):
    t = {"de": "Wann rufe ich 112 und wann 116 117 an?", "en": pick(["Is 999 or 111 right for a child with a high fever at night?",
                                                                   "Can I text 911 in every US state?"]),
         "fr": "Quelle différence entre le 15, le 18 et le 112 ?"}[lang(loc)]
    return N(t)


@tpl("neg_template_placeholders", ["en_US", "de_DE", "fr_FR"], 4, neg="template_placeholder")
def _(loc):
    return N({"en": pick(["Email template:\nHi {{first_name}} {{last_name}},\nyour order {{order_id}} ships to {{shipping_address}}.\nCan you make it friendlier?",
                          "Mail merge fields: <<FullName>>, <<Street>>, <<PostCode>> <<City>> — why do they print literally?"]),
              "de": "Serienbrief: Sehr geehrte/r [Anrede] [Nachname], Ihre Kundennummer lautet [KDNR]. Bitte prüfen.",
              "fr": "Modèle : Bonjour %PRENOM% %NOM%, votre rendez-vous est le %DATE%. Tu peux le rendre plus chaleureux ?"}[lang(loc)])


@tpl("neg_error_codes_ports", ["en_US", "de_DE", "es_ES"], 3, neg="error_code_port_pid")
def _(loc):
    return N({"en": pick([f"Windows Update fails with 0x80070{digits(3)}, event ID {rng.randint(1000, 9999)}.",
                          f"Process {rng.randint(1000, 65000)} holds port {pick([5432, 8080, 6379, 27017])}, kill -9 didn't help."]),
              "de": f"Fehlercode E{rng.randint(10, 99)}-{digits(4)} an der Waschmaschine, was bedeutet das?",
              "es": f"El router da el error {rng.randint(600, 799)} y el LED de WAN parpadea. ¿Reinicio de fábrica?"}[lang(loc)])


@tpl("neg_credential_talk", ["en_US", "de_DE", "fr_FR", "es_ES", "it_IT", "pt_BR"], 5, neg="credential_talk_without_value")
def _(loc):
    t = {"en": pick(["I forgot my Gmail password again. What's the fastest way to reset it without my old phone?",
                     "How often should our team rotate API keys, and where should they be stored?"]),
         "de": "Wie erstelle ich ein sicheres Passwort, das ich mir trotzdem merken kann?",
         "fr": "Mon code PIN de carte bancaire est bloqué après trois essais, que faire ?",
         "es": "¿Es seguro guardar las contraseñas en el navegador o mejor un gestor?",
         "it": "Ho dimenticato il PIN dello SPID, come lo recupero?",
         "pt": "Esqueci a senha do gov.br, como recupero sem o celular antigo?"}[lang(loc)]
    return N(t)


@tpl("neg_routing_bic_codes", ["en_US", "de_DE", "fr_FR"], 3, neg="bank_code_not_account")
def _(loc):
    t = {"en": "Is 021000021 the routing number for Chase in New York? And what's a SWIFT code like CHASUS33 used for?",
         "de": "Was ist der Unterschied zwischen BIC COBADEFFXXX und der Bankleitzahl 370 400 44?",
         "fr": "Le code BIC BNPAFRPP suffit-il pour un virement international ou faut-il le code guichet ?"}[lang(loc)]
    return N(t)


@tpl("neg_math_stats", ["en_US", "de_DE", "sv_SE"], 3, neg="large_number_statistic")
def _(loc):
    return N({"en": pick([f"Population grew from {rng.randint(1, 9)} {digits(3)} {digits(3)} to {rng.randint(1, 9)} {digits(3)} {digits(3)} between 2010 and 2020. What's the CAGR?",
                          "Pi to 30 places is 3.141592653589793238462643383279 — check my mnemonic."]),
              "de": f"Die Stadt hat {rng.randint(100, 999)}.{digits(3)} Einwohner und {rng.randint(10, 99)}.{digits(3)} Studierende. Wie hoch ist der Anteil?",
              "sv": f"Omsättningen var {rng.randint(10, 99)} {digits(3)} {digits(3)} kr förra året, hur mycket är det per månad?"}[lang(loc)])


@tpl("neg_birthday_without_date", ["en_US", "de_DE", "es_ES", "it_IT"], 4, neg="birthday_mention_no_date")
def _(loc):
    t = {"en": "It's my sister's birthday next Tuesday, give me 5 gift ideas under $50.",
         "de": "Mein Vater wird nächste Woche 70, schreib mir ein kurzes Gedicht.",
         "es": "Mañana es el cumpleaños de mi abuela, ¿qué tarta hago?",
         "it": "Il mio compleanno è tra due settimane, idee per una festa in giardino?"}[lang(loc)]
    return N(t)


# ===========================================================================
# build, verify, write
# ===========================================================================

KINDS = {"person", "address", "date_of_birth", "id_number", "phone", "email", "ip", "card", "iban", "ssn", "secret"}


def build():
    cases, seen = [], set()
    for name, locales, n, neg, fn in TEMPLATES:
        locs = list(locales)
        rng.shuffle(locs)
        for i in range(n):
            loc = locs[i % len(locs)]
            fr = None
            for attempt in range(40):
                if attempt >= 5:
                    loc = pick(locs)
                cand = fn(loc)
                if cand is None or cand.text in seen:
                    continue
                fr = cand
                break
            if fr is None:
                print(f"warning: {name}: could not make a new text", file=sys.stderr)
                continue
            seen.add(fr.text)
            spans = sorted(fr.spans, key=lambda s: s[1])
            if neg:
                assert not spans, (name, fr.text)
                note = f"negative: {neg}; {loc}; {name}"
            else:
                assert spans, (name, fr.text)
                note = f"positive: {','.join(sorted({k for k, _, _ in spans}))}; {loc}; {name}"
            cases.append({"text": fr.text, "spans": [{"kind": k, "start": s, "end": e} for k, s, e in spans], "note": note})
    rng.shuffle(cases)
    return cases


def _digits_only(s):
    return re.sub(r"[^0-9A-Za-z]", "", s)


def verify(cases):
    texts = set()
    for c in cases:
        t = c["text"]
        assert t not in texts, "duplicate text: " + t[:80]
        texts.add(t)
        prev_end = -1
        for sp in c["spans"]:
            k, s, e = sp["kind"], sp["start"], sp["end"]
            assert k in KINDS, k
            assert 0 <= s < e <= len(t), (sp, t)
            v = t[s:e]
            assert v.strip() == v and v, (k, repr(v))
            assert s >= prev_end, ("overlap", c["note"], c["spans"])
            prev_end = e
            assert v[0] not in "\"'<[{,;" and v[-1] not in "\"'>]},;:", (k, v)
            if k == "card":
                d = re.sub(r"\D", "", v)
                assert luhn.is_valid(d) and d not in TEST_CARDS, v
            if k == "iban":
                assert std_iban.is_valid(re.sub(r"\s", "", v)), v
            if k == "ssn":
                assert us_ssn.is_valid(re.sub(r"\D", "", v)), v
            if k == "ip":
                ip = ipaddress.ip_address(v)
                assert ip.is_global, v
            if k == "phone" and not re.search(r"[a-z]", v):
                region = REGION[c["note"].split(";")[1].strip()]
                num = phonenumbers.parse(v.replace("(0)", ""), region)
                assert phonenumbers.is_valid_number(num), (v, region)
        kinds = sorted({sp["kind"] for sp in c["spans"]})
        if c["note"].startswith("positive"):
            assert kinds and c["note"].split(";")[0] == "positive: " + ",".join(kinds), c["note"]
        else:
            assert not kinds and c["note"].startswith("negative: ")


def main():
    cases = build()
    verify(cases)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as fh:
        for c in cases:
            fh.write(json.dumps(c, ensure_ascii=False) + "\n")
    pos = [c for c in cases if c["note"].startswith("positive")]
    neg = [c for c in cases if c["note"].startswith("negative")]
    print(f"wrote {len(cases)} cases to {OUT}")
    print(f"positive: {len(pos)}  negative: {len(neg)}")
    kc = Counter(sp["kind"] for c in cases for sp in c["spans"])
    tc = Counter(k for c in pos for k in {sp["kind"] for sp in c["spans"]})
    print("spans per kind (texts containing kind):")
    for k in sorted(KINDS):
        print(f"  {k:14s} {kc[k]:4d} ({tc[k]})")
    lc = Counter(c["note"].split(";")[1].strip().split("_")[0] for c in cases)
    lcp = Counter(c["note"].split(";")[1].strip().split("_")[0] for c in pos)
    print("texts per language (positive/negative):")
    for lang, n in lc.most_common():
        print(f"  {lang}: {n} ({lcp[lang]}/{n - lcp[lang]})")
    nc = Counter(c["note"].split(";")[0].split(": ")[1] for c in neg)
    print("negative categories:")
    for k, n in sorted(nc.items()):
        print(f"  {k}: {n}")


if __name__ == "__main__":
    main()
