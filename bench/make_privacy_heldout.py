"""Writes bench/data/privacy_heldout.jsonl: a labeled privacy set the detectors were not tuned on.

It is built from another project's data, by rules written without reading the detectors or
the project's own set, as a tester would:

- Presidio's evaluation data (``presidio-evaluator`` 0.3.2 on PyPI, MIT licence, Microsoft's
  Presidio project), the files in ``presidio_evaluator/data_generator/raw_data/``:
  ``templates.txt`` (209 sentence templates with ``{{person}}``, ``{{address}}``,
  ``{{credit_card_number}}``… placeholders), ``FakeNameGenerator.com_3000.csv`` (3000
  synthetic identities from 24 name sets living in 30 countries: names, street addresses,
  emails, passwords, phone numbers, birthdays, national IDs), ``us_driver_licenses.csv``,
  ``nationalities.csv`` and ``companies_and_organizations.csv``. The package is never
  imported (its declared dependencies are spaCy, transformers and more): only those files
  are read, from the installed package or from a wheel (``--wheel``), and their SHA-256 is
  checked, so the set is rebuilt from exactly these files.
- Faker (``faker`` on PyPI, MIT), seeded, for what the CSV lacks or mangles: card numbers
  (the CSV's are in scientific notation; Faker's pass Luhn), IBANs (Faker's pass mod-97 and
  carry the country's BBAN length; checked below by the ISO 13616 arithmetic), IPv4 and IPv6
  addresses, passport numbers, URLs, dates that are not birthdays. Faker's output for a seed
  changes between its versions: the committed file was made with ``FAKER_VERSION``.
- Containers written for this set (an email signature, a JSON record, CSV rows, log lines,
  chat turns, forms, ``.env`` and shell lines) and hard negatives written from general
  knowledge of what looks like personal data but is not.

Kinds use the project's names. A template placeholder with no project kind (country, city,
state, organization, job, nationality, age, year, url, a date that is not a birthday) is
never a labeled span; templates with only those are hard negatives. Every case's ``note``
names where it came from (``presidio t27`` is line 27 of templates.txt, ``fng 1234`` the
CSV's row ``Number`` 1234).

    .venv/bin/pip install --no-deps presidio-evaluator==0.3.2
    .venv/bin/pip install faker==40.63.0
    .venv/bin/python bench/make_privacy_heldout.py [--wheel presidio_evaluator-0.3.2-….whl]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.metadata
import importlib.util
import io
import ipaddress
import json
import random
import re
import string
import sys
import uuid
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

OUT = Path(__file__).parent / "data" / "privacy_heldout.jsonl"
SEED = 1515
PRESIDIO = "presidio-evaluator"
PRESIDIO_VERSION = "0.3.2"
FAKER_VERSION = "40.63.0"
RAW = "presidio_evaluator/data_generator/raw_data/"
SHA256 = {
    "templates.txt": "f8b04ff8c5c24d17fcac2e666767f6ba80841b69ee2ea3c1cfe089a676a766ef",
    "FakeNameGenerator.com_3000.csv":
        "d1337ba8d085612ca989cc64cc64bb8b44ab5121e9d94de2b534a49e921c8170",
    "us_driver_licenses.csv": "322d7e39b6fd1c5e4737796badb930a102b5131fd583a49677a2bd074f178e6f",
    "nationalities.csv": "d1cc79ee4ec855a26e3a858c97693dc46fc6ffffbe2c48344063a9032897a79b",
    "companies_and_organizations.csv":
        "52aec12cf53b0e9efdd7cec71425d1d8993eee94d213634cac9beba2848dc068",
}
KINDS = ("email", "phone", "card", "iban", "ssn", "ip", "secret", "person", "address",
         "date_of_birth", "id_number")

# Templates left out, and why: each would need a label this set cannot give honestly.
SKIPPED = {
    80: "a date with no birth context ('It's like that since …'): neither a birthday nor "
        "harmless",
    134: "its placeholders are written with single braces",
    **dict.fromkeys((111, 137, 157, 164, 194, 195),
                    "a street name without a number names no dwelling, yet is not harmless"),
    **dict.fromkeys((162, 163, 192), "a postal code alone: neither an address nor harmless"),
}
# Placeholders with no project kind: filled, never labeled.
UNLABELED = {"country", "city", "state_abbr", "organization", "job", "nationality",
             "nation_woman", "nation_plural", "age", "year", "url", "date_time", "day_of_week",
             "prefix", "prefix_male", "prefix_female"}
NAME_SLOTS = {"person", "name", "name_male", "name_female", "first_name", "first_name_male",
              "first_name_female", "first_name_nonbinary", "last_name", "last_name_male",
              "last_name_female"}
# Templates naming a sparse kind are filled more often, so each kind has enough values.
SPARSE = {"iban", "ssn", "ip_address", "date_of_birth", "us_driver_license"}


# ---------------------------------------------------------------- source files

def read_sources(wheel: Path | None) -> dict[str, str]:
    """The raw data files as text, from a wheel or the installed package, checked by hash."""
    blobs: dict[str, bytes] = {}
    if wheel is not None:
        with zipfile.ZipFile(wheel) as archive:
            for name in SHA256:
                blobs[name] = archive.read(RAW + name)
        origin = f"{wheel} ({RAW})"
    else:
        spec = importlib.util.find_spec("presidio_evaluator")  # finds it, runs none of it
        if spec is None or not spec.submodule_search_locations:
            sys.exit(f"{PRESIDIO} is not installed. Its data files are this set's source:\n"
                     f"    .venv/bin/pip install --no-deps {PRESIDIO}=={PRESIDIO_VERSION}\n"
                     "(--no-deps: only data files are read), or pass --wheel PATH.")
        version = importlib.metadata.version(PRESIDIO)
        if version != PRESIDIO_VERSION:
            sys.exit(f"{PRESIDIO} {version} is installed; this set is built from "
                     f"{PRESIDIO_VERSION}: pip install --no-deps {PRESIDIO}=={PRESIDIO_VERSION}")
        raw = Path(next(iter(spec.submodule_search_locations))) / "data_generator" / "raw_data"
        for name in SHA256:
            blobs[name] = (raw / name).read_bytes()
        origin = str(raw)
    for name, blob in blobs.items():
        if hashlib.sha256(blob).hexdigest() != SHA256[name]:
            sys.exit(f"{name} from {origin} is not the file this set was built from "
                     f"({PRESIDIO} {PRESIDIO_VERSION}): its SHA-256 differs")
    print(f"source: {origin}")
    return {name: blob.decode("utf-8-sig") for name, blob in blobs.items()}


@dataclass(frozen=True)
class Identity:
    """One row of FakeNameGenerator.com_3000.csv."""

    number: int
    gender: str
    name_set: str
    title: str
    given: str
    middle: str
    surname: str
    street: str
    city: str
    state: str
    zipcode: str
    country: str
    country_full: str
    email: str
    username: str
    password: str
    phone: str
    phone_code: str
    birthday: date
    age: str
    national_id: str
    occupation: str
    company: str

    @property
    def source(self) -> str:
        return f"fng {self.number} {self.name_set}/{self.country}"


def identities(text: str) -> list[Identity]:
    out = []
    for row in csv.DictReader(io.StringIO(text)):
        month, day, year = map(int, row["Birthday"].split("/"))
        national = row["NationalID"]
        out.append(Identity(
            number=int(row["Number"]), gender=row["Gender"], name_set=row["NameSet"],
            title=row["Title"], given=row["GivenName"], middle=row["MiddleInitial"],
            surname=row["Surname"], street=row["StreetAddress"], city=row["City"],
            state=row["State"], zipcode=row["ZipCode"], country=row["Country"],
            # "Cyprus (Greek)" and "Greenlander" are how the CSV spells those countries.
            country_full={"Cyprus (Greek)": "Cyprus", "Greenlander": "Greenland"}.get(
                row["CountryFull"], row["CountryFull"]),
            email=row["EmailAddress"], username=row["Username"], password=row["Password"],
            phone=row["TelephoneNumber"], phone_code=row["TelephoneCountryCode"],
            birthday=date(year, month, day), age=row["Age"],
            # Some IDs were saved as floats by a spreadsheet (5.70611E+12): digits are lost.
            national_id="" if "E+" in national else national,
            occupation=row["Occupation"], company=row["Company"]))
    return out


# ---------------------------------------------------------------- a case being built

@dataclass
class Case:
    """Text built piece by piece; a piece with a kind is a labeled span."""

    note: str
    parts: list[str] = field(default_factory=list)
    spans: list[dict[str, Any]] = field(default_factory=list)
    length: int = 0

    def add(self, text: str, kind: str | None = None) -> Case:
        if kind is not None and text:
            stripped = text.strip()
            start = self.length + (len(text) - len(text.lstrip()))
            self.spans.append({"kind": kind, "start": start, "end": start + len(stripped)})
        self.parts.append(text)
        self.length += len(text)
        return self

    def extend(self, pieces: Iterable[tuple[str, str | None]]) -> Case:
        for text, kind in pieces:
            self.add(text, kind)
        return self

    def record(self) -> dict[str, Any]:
        return {"text": "".join(self.parts), "spans": self.spans, "note": self.note}


Pieces = list[tuple[str, str | None]]


# ---------------------------------------------------------------- values

def iban_mod97(iban: str) -> bool:
    """ISO 13616: the IBAN with its first four characters moved to the end, as a number."""
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


# Faker locales whose iban() gives that country's IBAN.
IBAN_LOCALES = {"DE": "de_DE", "AT": "de_AT", "CH": "de_CH", "FR": "fr_FR", "BE": "nl_BE",
                "NL": "nl_NL", "ES": "es_ES", "IT": "it_IT", "PT": "pt_PT", "BR": "pt_BR",
                "PL": "pl_PL", "CZ": "cs_CZ", "DK": "da_DK", "FI": "fi_FI", "NO": "no_NO",
                "GB": "en_GB"}
PASSPORT_LOCALES = ("en_US", "en_GB", "fr_FR", "it_IT", "nl_NL", "pl_PL", "pt_BR", "cs_CZ",
                    "es_ES", "de_DE")
CARD_TYPES = (("visa16", 34), ("mastercard", 30), ("amex", 14), ("discover", 8),
              ("jcb16", 6), ("diners", 4), ("visa19", 4))
LANG = {"US": "en", "CA": "en", "GB": "en", "AU": "en", "NZ": "en", "ZA": "en", "CY": "en",
        "DE": "de", "AT": "de", "CH": "de", "FR": "fr", "BE": "fr", "TN": "fr", "ES": "es",
        "UY": "es", "IT": "it", "PT": "pt", "BR": "pt", "NL": "nl", "PL": "pl", "CZ": "cs",
        "SE": "sv", "DK": "da", "GL": "da", "NO": "no", "FI": "fi", "EE": "en", "SI": "en",
        "HU": "en", "IS": "en"}
MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
}
# How each country writes a date with digits (the CSV's own M/D/YYYY is American).
NUMERIC_DATES = {
    "US": ("{m}/{d}/{y}", "{mm}/{dd}/{y}"), "CA": ("{y}-{mm}-{dd}", "{mm}/{dd}/{y}"),
    "GB": ("{dd}/{mm}/{y}",), "AU": ("{dd}/{mm}/{y}", "{d}/{m}/{y}"), "NZ": ("{dd}/{mm}/{y}",),
    "ZA": ("{y}/{mm}/{dd}", "{dd}/{mm}/{y}"), "CY": ("{dd}/{mm}/{y}",),
    "FR": ("{dd}/{mm}/{y}",), "BE": ("{dd}/{mm}/{y}",), "TN": ("{dd}/{mm}/{y}",),
    "ES": ("{dd}/{mm}/{y}",), "UY": ("{dd}/{mm}/{y}",), "IT": ("{dd}/{mm}/{y}",),
    "PT": ("{dd}/{mm}/{y}", "{dd}-{mm}-{y}"), "BR": ("{dd}/{mm}/{y}",),
    "NL": ("{dd}-{mm}-{y}",), "SE": ("{y}-{mm}-{dd}",), "HU": ("{y}. {mm}. {dd}.",),
}


class Values:
    """Where every value comes from: CSV identities in a seeded order, Faker for the rest."""

    def __init__(self, sources: dict[str, str], rng: random.Random) -> None:
        from faker import Faker

        self.rng = rng
        self.people = identities(sources["FakeNameGenerator.com_3000.csv"])
        rng.shuffle(self.people)
        self.cursor = 0
        self.licences = [line.strip() for line in
                         sources["us_driver_licenses.csv"].splitlines()[1:] if line.strip()]
        rng.shuffle(self.licences)
        # The first row per country: later rows repeat a country with a religion's name.
        rows = {row["country"]: row for row in reversed(list(
            csv.DictReader(io.StringIO(sources["nationalities.csv"]))))}
        self.nationalities = [{k: v.title() for k, v in row.items()}
                              for _, row in sorted(rows.items())]
        # A few rows of the list are bare numbers or empty quotes, not names.
        self.organizations = [
            line.strip() for line in sources["companies_and_organizations.csv"].splitlines()[1:]
            if sum(c.isalpha() for c in line) >= 3]
        self.faker = Faker("en_US")
        self.faker.seed_instance(SEED)
        self.local: dict[str, Any] = {}
        for n, locale in enumerate(sorted({*IBAN_LOCALES.values(), *PASSPORT_LOCALES})):
            self.local[locale] = Faker(locale)
            self.local[locale].seed_instance(SEED + n + 1)
        self.licence_cursor = 0

    def identity(self, need: Callable[[Identity], bool] = lambda i: True) -> Identity:
        """The next identity (in the seeded order) that ``need`` accepts."""
        for step in range(len(self.people)):
            person = self.people[(self.cursor + step) % len(self.people)]
            if need(person):
                self.cursor = (self.cursor + step + 1) % len(self.people)
                return person
        raise LookupError("no identity fits")

    # -- names
    def name(self, person: Identity) -> str:
        roll = self.rng.random()
        if roll < 0.15 and person.middle:
            return f"{person.given} {person.middle}. {person.surname}"
        return f"{person.given} {person.surname}"

    # -- addresses: the street line, then the postal code and town as the country writes them
    def town_line(self, person: Identity) -> str:
        p = person
        if p.country in ("US", "CA", "AU"):
            return f"{p.city}, {p.state} {p.zipcode}" if p.country != "AU" else \
                f"{p.city} {p.state} {p.zipcode}"
        if p.country in ("GB", "ZA"):
            return f"{p.city}, {p.zipcode}"
        if p.country == "NZ":
            return f"{p.city} {p.zipcode}"
        if p.country == "BR":
            return f"{p.city} - {p.state}, {p.zipcode}"
        if p.country == "IT" and p.state:
            return f"{p.zipcode} {p.city} {p.state}"
        return f"{p.zipcode} {p.city}"

    def address(self, person: Identity, *, lines: bool | None = None) -> Pieces:
        """The whole address: one span on one line, or one span per line."""
        if lines is None:
            lines = self.rng.random() < 0.35
        if lines:
            return [(person.street, "address"), ("\n", None),
                    (self.town_line(person), "address")]
        return [(f"{person.street}, {self.town_line(person)}", "address")]

    def secondary(self) -> str:
        unit = self.rng.choice(("Apt.", "Suite", "Unit", "Flat", "Floor"))
        return f"{unit} {self.rng.randint(1, 40)}"

    # -- phones: as the CSV has them, or with the country code in front
    def phone(self, person: Identity) -> str:
        number, code, roll = person.phone, person.phone_code, self.rng.random()
        if roll < 0.45:
            return number
        if code == "1":
            if roll < 0.7:
                return f"+1 {number}"
            area, rest = number[:3], number[4:]
            return f"({area}) {rest}" if roll < 0.85 else f"+1 ({area}) {rest}"
        national = number
        if person.country != "IT":  # Italy keeps its leading 0 after +39
            national = re.sub(r"^\(0(\d+)\)\s*", r"\1 ", national)
            national = re.sub(r"^0(?=\d)", "", national)
        return f"+{code} {national}" if roll < 0.85 else f"00{code} {national}"

    # -- dates of birth
    def dob(self, person: Identity, lang: str = "en") -> str:
        b = person.birthday
        fields = {"d": b.day, "m": b.month, "y": b.year, "dd": f"{b.day:02}",
                  "mm": f"{b.month:02}"}
        numeric = NUMERIC_DATES.get(person.country, ("{dd}.{mm}.{y}",))
        forms = [*numeric, "{y}-{mm}-{dd}"]
        if lang in MONTHS:
            month = MONTHS[lang][b.month - 1]
            forms += {"en": [f"{{d}} {month} {{y}}", f"{month} {{d}}, {{y}}"],
                      "de": [f"{{d}}. {month} {{y}}"], "fr": [f"{{d}} {month} {{y}}"],
                      "es": [f"{{d}} de {month} de {{y}}"]}[lang]
        return self.rng.choice(forms).format(**fields)

    # -- numbers from Faker
    def card(self) -> str:
        kinds, weights = zip(*CARD_TYPES, strict=True)
        kind = self.rng.choices(kinds, weights)[0]
        digits = self.faker.credit_card_number(card_type=kind)
        roll = self.rng.random()
        if roll < 0.35:
            return digits
        groups = {15: (4, 6, 5), 14: (4, 6, 4), 19: (4, 4, 4, 4, 3)}.get(len(digits), (4,) * 4)
        out, at = [], 0
        for size in groups:
            out.append(digits[at:at + size])
            at += size
        return (" " if roll < 0.8 else "-").join(out)

    def iban(self, person: Identity | None = None) -> str:
        country = person.country if person and person.country in IBAN_LOCALES else \
            self.rng.choice(sorted(IBAN_LOCALES))
        value: str = self.local[IBAN_LOCALES[country]].iban()
        assert iban_mod97(value), value
        if self.rng.random() < 0.5:  # the printed form, in groups of four
            return " ".join(value[i:i + 4] for i in range(0, len(value), 4))
        return value

    def ip(self) -> str:
        roll = self.rng.random()
        if roll < 0.5:
            return str(self.faker.ipv4_public())
        if roll < 0.7:
            return str(self.faker.ipv4_private())
        address = ipaddress.IPv6Address(self.faker.ipv6())
        return address.compressed if roll < 0.85 else address.exploded

    def passport(self) -> str:
        return str(self.local[self.rng.choice(PASSPORT_LOCALES)].passport_number())

    def licence(self) -> str:
        self.licence_cursor += 1
        return self.licences[self.licence_cursor % len(self.licences)]

    def organization(self) -> str:
        return self.rng.choice(self.organizations)

    def nationality(self) -> dict[str, str]:
        return self.rng.choice(self.nationalities)

    def url(self) -> str:
        return str(self.faker.url()) + self.rng.choice(("", "photos/2291", "share/x8Kd2",
                                                        "blog/summer-trip"))

    def date_time(self) -> str:
        when = self.faker.date_time_between(start_date="-40y", end_date="-1y")
        return self.rng.choice((when.strftime("%d %B %Y"), when.strftime("%B %d, %Y"),
                                when.strftime("%Y-%m-%d %H:%M")))

    def token(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))


ALNUM = string.ascii_letters + string.digits


# ---------------------------------------------------------------- Presidio's templates

PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")


def templates(text: str) -> list[tuple[int, str]]:
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        # Templates write a line break as "\n" and escape one comma.
        line = line.replace("\\n", "\n").replace("\\,", ",")
        # The number and the street name are one value in the CSV ("Rhinstrasse 91").
        line = line.replace("{{building_number}} {{street_name}}, {{city}}", "{{street_city}}")
        line = line.replace("{{building_number}} {{street_name}}", "{{street_address}}")
        out.append((number, line))
    return out


def fill_template(number: int, template: str, values: Values) -> Case:
    slots = PLACEHOLDER.findall(template)
    block = "street_address" in slots and "\n" in template
    needs_us = "ssn" in slots
    first = values.identity((lambda i: i.country == "US") if needs_us else lambda i: True)
    used: Counter[str] = Counter()
    people: list[Identity] = []  # the identities whose values the case holds

    def who(slot: str) -> Identity:
        """The case's person for a slot's first use; another one for each repeat."""
        key = "name" if slot in NAME_SLOTS else slot  # two name slots are two people
        used[key] += 1
        gender = "male" if slot.endswith("_male") else "female" if slot.endswith(
            "_female") else None
        if used[key] == 1 and gender in (None, first.gender):
            people.append(first)
            return first
        other = values.identity(
            (lambda i: i.country == "US") if slot == "ssn" else
            (lambda i: i.gender == gender) if gender else lambda i: True)
        people.append(other)
        return other

    def elsewhere() -> Identity:
        """Someone else's town or country, for a sentence that only names a place."""
        other = values.identity()
        people.append(other)
        return other

    def value(slot: str) -> Pieces:
        if slot in NAME_SLOTS:
            # Single-name slots get a full name too: the project's person kind is about
            # given name and surname together.
            return [(values.name(who(slot)), "person")]
        p = first
        if slot in ("street_address", "street_city", "job", "age", "prefix") or block:
            people.append(first)
        simple: dict[str, tuple[Callable[[], str], str | None]] = {
            "email": (lambda: who("email").email, "email"),
            "phone_number": (lambda: values.phone(who("phone_number")), "phone"),
            "credit_card_number": (values.card, "card"),
            "iban": (lambda: values.iban(who("iban")), "iban"),
            "ssn": (lambda: who("ssn").national_id, "ssn"),
            "ip_address": (values.ip, "ip"),
            "us_driver_license": (values.licence, "id_number"),
            "date_of_birth": (lambda: values.dob(who("date_of_birth")), "date_of_birth"),
            "street_address": (lambda: p.street, "address"),
            "street_city": (lambda: f"{p.street}, {p.city}", "address"),
            "secondary_address": (values.secondary, "address" if block else None),
            # On its own line of an address block, a town or postal code is what Presidio
            # calls it (a city, a zip code): no project kind, like a city anywhere else.
            "city": (lambda: p.city if block else elsewhere().city, None),
            "postcode": (lambda: p.zipcode, None),
            "zipcode": (lambda: p.zipcode, None),
            "state_abbr": (lambda: p.state or p.country, None),
            "country": (lambda: p.country_full if block else elsewhere().country_full, None),
            "organization": (values.organization, None),
            "job": (lambda: p.occupation, None),
            "nationality": (lambda: values.nationality()["nationality"], None),
            "nation_woman": (lambda: values.nationality()["woman"], None),
            "nation_plural": (lambda: values.nationality()["plural"], None),
            "age": (lambda: p.age, None),
            "year": (lambda: str(values.rng.randint(1950, 2022)), None),
            "url": (values.url, None),
            "date_time": (values.date_time, None),
            "day_of_week": (lambda: values.rng.choice(("Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday")),
                            None),
            "prefix": (lambda: p.title, None),
            "prefix_male": (lambda: values.rng.choice(("Mr.", "Dr.")), None),
            "prefix_female": (lambda: values.rng.choice(("Ms.", "Mrs.", "Dr.")), None),
        }
        if slot == "address":
            return values.address(who("address"))
        make, kind = simple[slot]
        return [(make(), kind)]

    case = Case(note="")
    at = 0
    for m in PLACEHOLDER.finditer(template):
        case.add(template[at:m.start()])
        case.extend(value(m.group(1)))
        at = m.end()
    case.add(template[at:])
    kinds = sorted({s["kind"] for s in case.spans})
    sources = " ".join(dict.fromkeys(p.source for p in people)) or "no identity"
    prefix = "presidio" if case.spans else "negative presidio"
    case.note = f"{prefix} t{number}" + (f" [{','.join(kinds)}]" if kinds else "") + \
        f" | {sources}"
    return case


def lowercased(case: Case) -> Case:
    """The same case typed in lower case (Presidio's generator does this to 5% of its own)."""
    text = "".join(case.parts)
    if len(text.lower()) != len(text):
        return case
    out = Case(note=case.note + " | lower case", parts=[text.lower()], spans=case.spans,
               length=len(text))
    return out


# ---------------------------------------------------------------- containers

SIGN_OFF = {"en": "Best regards", "de": "Mit freundlichen Grüßen", "fr": "Cordialement",
            "es": "Saludos cordiales", "it": "Cordiali saluti", "pt": "Atenciosamente",
            "nl": "Met vriendelijke groet", "pl": "Z poważaniem", "cs": "S pozdravem",
            "sv": "Med vänliga hälsningar", "da": "Med venlig hilsen",
            "no": "Med vennlig hilsen", "fi": "Ystävällisin terveisin"}
PHONE_WORD = {"en": "Phone", "de": "Tel.", "fr": "Tél.", "es": "Tel.", "it": "Tel.",
              "pt": "Tel.", "nl": "Tel.", "pl": "Tel.", "cs": "Tel.", "sv": "Tel.",
              "da": "Tlf.", "no": "Tlf.", "fi": "Puh."}


def signature(values: Values) -> Case:
    p = values.identity()
    lang = LANG.get(p.country, "en")
    case = Case(note=f"container signature [{lang}] | {p.source}")
    body = values.rng.choice(("Thanks for the quick reply, see you on Thursday.",
                              "Please find the signed contract attached.",
                              "Let me know if the invoice needs any changes.",
                              "I'll be out of office until Monday."))
    case.add(f"{body}\n\n{SIGN_OFF[lang]},\n")
    case.add(values.name(p), "person").add(f"\n{p.occupation}, {p.company}\n")
    if values.rng.random() < 0.8:
        case.extend(values.address(p, lines=True)).add("\n")
    word = values.rng.choice((PHONE_WORD[lang], "Mobile", "M:"))
    case.add(f"{word} ").add(values.phone(p), "phone").add("\n")
    case.add(p.email, "email")
    return case


def json_record(values: Values) -> Case:
    p = values.identity()
    us = p.country == "US"
    case = Case(note=f"container json | {p.source}")
    fields: list[tuple[str, str, str | None]] = [
        ("id", str(values.rng.randint(1000, 99999)), None),
        ("full_name", values.name(p), "person"),
        ("email", p.email, "email"),
        ("phone", values.phone(p), "phone"),
        ("birthdate", values.dob(p), "date_of_birth"),
    ]
    roll = values.rng.random()
    if p.national_id and roll < 0.5:
        fields.append(("ssn" if us else "national_id", p.national_id,
                       "ssn" if us else "id_number"))
    elif roll < 0.8:
        fields.append(("iban", values.iban(p), "iban"))
    else:
        fields.append(("street", p.street, "address"))
        fields.append(("city", p.city, None))
    fields.append(("occupation", p.occupation, None))
    indent = values.rng.random() < 0.5
    case.add("{" + ("\n  " if indent else ""))
    for n, (key, value, kind) in enumerate(fields):
        if n:
            case.add(",\n  " if indent else ", ")
        if key == "id":
            case.add(f'"{key}": {value}')
        else:
            case.add(f'"{key}": "').add(value, kind).add('"')
    case.add(("\n" if indent else "") + "}")
    return case


def csv_rows(values: Values) -> Case:
    case = Case(note="container csv")
    case.add("customer_id,name,email,phone,date_of_birth,city\n")
    people = [values.identity() for _ in range(values.rng.randint(2, 3))]
    for p in people:
        case.add(f"{values.rng.randint(10000, 99999)},").add(values.name(p), "person")
        case.add(",").add(p.email, "email").add(",")
        phone = values.phone(p)
        quote = '"' if "," in phone else ""
        case.add(quote).add(phone, "phone").add(quote + ",")
        case.add(values.dob(p), "date_of_birth").add(f",{p.city}\n")
    case.note += " | " + " ".join(p.source for p in people)
    return case


def log_lines(values: Values) -> Case:
    case = Case(note="container log")
    people = []
    for n in range(values.rng.randint(1, 3)):
        p = values.identity()
        people.append(p)
        h, m, s = values.rng.randint(0, 23), values.rng.randint(0, 59), values.rng.randint(0, 59)
        form = values.rng.randrange(5)
        if n:
            case.add("\n")
        if form == 0:
            case.add(f"2024-03-{n + 2:02}T{h:02}:{m:02}:{s:02}.512Z INFO auth: login ok user=")
            case.add(p.email, "email").add(" ip=").add(values.ip(), "ip")
        elif form == 1:
            pid = values.rng.randint(900, 9999)
            case.add(f"Mar  {n + 2} {h:02}:{m:02}:{s:02} web-01 sshd[{pid}]: Failed password "
                     f"for invalid user {p.username} from ")
            case.add(values.ip(), "ip").add(f" port {values.rng.randint(30000, 65000)} ssh2")
        elif form == 2:
            case.add(values.ip(), "ip")
            case.add(f' - - [0{n + 2}/Mar/2024:{h:02}:{m:02}:{s:02} +0000] "GET /account/settings '
                     f'HTTP/1.1" 200 {values.rng.randint(300, 9000)} "-" "Mozilla/5.0"')
        elif form == 3:
            case.add(f"[{h:02}:{m:02}:{s:02}] ERROR payments: charge failed card=")
            case.add(values.card(), "card").add(" amount=49.00 EUR customer=")
            case.add(p.email, "email")
        else:
            case.add(f"{h:02}:{m:02}:{s:02} WARN signup: duplicate account name=\"")
            case.add(values.name(p), "person").add('" phone=').add(values.phone(p), "phone")
    case.note += " | " + " ".join(p.source for p in people)
    return case


def chat_turn(values: Values) -> Case:
    p = values.identity()
    case = Case(note=f"container chat | {p.source}")
    roll = values.rng.randrange(5)
    if roll == 0:
        case.add("User: hi, my card ").add(values.card(), "card")
        case.add(" was declined twice today. The name on it is ").add(values.name(p), "person")
        case.add(".\nAssistant: Sorry about that! Can you confirm your date of birth?\nUser: ")
        case.add(values.dob(p), "date_of_birth")
    elif roll == 1:
        case.add("user: can you write a short cover letter for me? i'm ")
        case.add(values.name(p), "person").add(f", a {p.occupation.lower()}, reachable at ")
        case.add(p.email, "email").add(" or ").add(values.phone(p), "phone")
    elif roll == 2:
        case.add("Customer: I moved last month. The new address is ")
        case.extend(values.address(p, lines=False))
        case.add(".\nAgent: Thanks, and the phone number on file?\nCustomer: ")
        case.add(values.phone(p), "phone")
    elif roll == 3:
        case.add("> Translate to English please: ")
        lang = LANG.get(p.country, "en")
        lead = {"de": "Hallo, ich heiße ", "fr": "Bonjour, je m'appelle ",
                "es": "Hola, me llamo ", "it": "Ciao, mi chiamo ", "pt": "Olá, meu nome é ",
                "nl": "Hallo, ik heet ", "pl": "Dzień dobry, nazywam się "}.get(lang,
                                                                               "Hello, I am ")
        case.add(lead).add(values.name(p), "person")
        case.add({"de": " und wohne in der ", "fr": " et j'habite au ", "es": " y vivo en ",
                  "it": " e abito in ", "pt": " e moro na ", "nl": " en ik woon op ",
                  "pl": " i mieszkam przy "}.get(lang, " and I live at "))
        case.extend(values.address(p, lines=False)).add(".")
        case.note += f" [{lang}]"
    else:
        case.add("Q: what's the weather like in ").add(p.city)
        case.add(" tomorrow?\nA: Mostly sunny. By the way, your account ")
        case.add(p.email, "email").add(" was linked to IBAN ").add(values.iban(p), "iban")
        case.add(" yesterday.")
    return case


# -- secrets: the CSV's passwords in the forms people write them

PASSWORD_FORMS = (
    ("password: {pw}", "en"), ("Password = {pw}", "en"), ("my password is {pw}", "en"),
    ("The wifi password is {pw} (network Guest5G)", "en"),
    ("user: {user}\npassword: {pw}", "en"), ("pw for the staging box: {pw}", "en"),
    ("Here are the credentials - user {user}, pass {pw}", "en"),
    ("DB_PASSWORD={pw}", "env"), ("export SMTP_PASSWORD='{pw}'", "env"),
    ('{{"username": "{user}", "password": "{pw}"}}', "json"),
    ("database:\n  user: {user}\n  password: {pw}\n  host: db.internal", "yaml"),
    ("[client]\nuser={user}\npassword=\"{pw}\"", "ini"),
    ("mysql -u {user} -p'{pw}' -h db.internal orders", "shell"),
    ("curl -u {user}:{pw} https://api.example.com/v1/orders", "shell"),
    ("sshpass -p '{pw}' ssh {user}@build-01.internal", "shell"),
    ("postgres://{user}:{pw}@db.internal:5432/orders", "url"),
    ("Passwort: {pw}", "de"), ("Mein Passwort ist {pw}", "de"),
    ("Das Kennwort für das WLAN lautet {pw}", "de"),
    ("mot de passe : {pw}", "fr"), ("Mon mot de passe est {pw}", "fr"),
    ("contraseña: {pw}", "es"), ("Mi contraseña es {pw}", "es"),
    ("la password è {pw}", "it"), ("wachtwoord: {pw}", "nl"), ("hasło: {pw}", "pl"),
    ("lösenord: {pw}", "sv"), ("senha: {pw}", "pt"), ("salasana: {pw}", "fi"),
    ("adgangskode: {pw}", "da"), ("heslo: {pw}", "cs"),
)


def password_case(values: Values, form: tuple[str, str]) -> Case:
    p = values.identity()
    template, lang = form
    case = Case(note=f"container password [{lang}] | {p.source}")
    at = 0
    for m in re.finditer(r"\{pw\}|\{user\}", template):
        case.add(template[at:m.start()].replace("{{", "{").replace("}}", "}"))
        if m.group() == "{pw}":
            case.add(p.password, "secret")
        else:
            case.add(p.username)
        at = m.end()
    case.add(template[at:].replace("}}", "}"))
    return case


def jwt(values: Values) -> str:
    import base64

    def part(obj: dict[str, Any]) -> str:
        raw = json.dumps(obj, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    header = part({"alg": "HS256", "typ": "JWT"})
    body = part({"sub": str(values.rng.randint(10**6, 10**7)), "iat": 1709378553})
    return f"{header}.{body}.{values.token(ALNUM + '-_', 43)}"


def api_key_case(values: Values, n: int) -> Case:
    """Keys in the shapes vendors document, with random bodies (general knowledge)."""
    t, hexd = values.token, string.hexdigits[:16]
    forms: list[tuple[str, str, Callable[[], str]]] = [
        ("openai", "OPENAI_API_KEY={}", lambda: "sk-proj-" + t(ALNUM, 48)),
        ("github", "GITHUB_TOKEN={}", lambda: "ghp_" + t(ALNUM, 36)),
        ("aws key id", "aws_access_key_id = {}",
         lambda: "AKIA" + t(string.ascii_uppercase + "234567", 16)),
        ("aws secret", "aws_secret_access_key = {}", lambda: t(ALNUM + "/+", 40)),
        ("jwt", "Authorization: Bearer {}", lambda: jwt(values)),
        ("slack", "slack: {}", lambda: f"xoxb-{t(string.digits, 12)}-{t(string.digits, 13)}-"
                                       f"{t(ALNUM, 24)}"),
        ("stripe", "stripe.api_key = \"{}\"", lambda: "sk_live_" + t(ALNUM, 24)),
        ("hugging face", "HF_TOKEN={}", lambda: "hf_" + t(ALNUM, 34)),
        ("gitlab", "gitlab token {}", lambda: "glpat-" + t(ALNUM + "-_", 20)),
        ("google", "maps key: {}", lambda: "AIza" + t(ALNUM + "-_", 35)),
        ("hex api_key", "api_key: {}", lambda: t(hexd, 32)),
        ("token in prose", "the service token is {}", lambda: t(ALNUM, 40)),
    ]
    name, template, make = forms[n % len(forms)]
    before, after = template.split("{}")
    return Case(note=f"container api key [{name}] | random").add(before).add(
        make(), "secret").add(after)


# -- identity documents

NATIONAL_ID_LABELS = {
    "DK": ("CPR-nr.", "CPR number"), "SE": ("personnummer", "Swedish personal number"),
    "FI": ("henkilötunnus", "Finnish personal identity code"), "PL": ("PESEL", "numer PESEL"),
    "FR": ("numéro de sécurité sociale", "French social security number"),
    "BR": ("CPF", "CPF nº"), "CA": ("SIN", "Social Insurance Number"),
    "GB": ("National Insurance number", "NI number"),
    "IT": ("carta d'identità n.", "Italian ID card number"), "ZA": ("ID number", "ID no."),
}


def id_case(values: Values, n: int) -> Case:
    form = n % 3
    if form == 0:
        p = values.identity(lambda i: bool(i.national_id) and i.country != "US")
        label = values.rng.choice(NATIONAL_ID_LABELS[p.country])
        case = Case(note=f"container national id [{p.country}] | {p.source}")
        lead = values.rng.choice(("{label}: ", "My {label} is ", "Name: {name}\n{label}: "))
        if "{name}" in lead:
            case.add("Name: ").add(values.name(p), "person").add(f"\n{label}: ")
        else:
            case.add(lead.format(label=label))
        case.add(p.national_id, "id_number")
        return case
    if form == 1:
        p = values.identity()
        case = Case(note=f"container passport | {p.source} | faker passport")
        lead = values.rng.choice(("Passport No.: ", "my passport number is ",
                                  "Reisepass-Nr. ", "N° de passeport : ", "Passport: "))
        case.add("Name: ").add(values.name(p), "person").add("\n")
        case.add(lead).add(values.passport(), "id_number")
        if values.rng.random() < 0.5:
            case.add("\nNationality: " + values.nationality()["nationality"])
        return case
    case = Case(note="container driver licence | presidio us_driver_licenses.csv")
    lead = values.rng.choice(("Driver's license #", "DL number: ", "driver licence no. ",
                              "Please verify license "))
    return case.add(lead).add(values.licence(), "id_number")


def dob_case(values: Values) -> Case:
    p = values.identity()
    lang = LANG.get(p.country, "en")
    if lang not in MONTHS:
        lang = "en"
    case = Case(note=f"container date of birth [{lang}] | {p.source}")
    label = {"en": values.rng.choice(("Date of birth: ", "DOB: ", "born ", "Birthday: ")),
             "de": values.rng.choice(("Geburtsdatum: ", "geboren am ")),
             "fr": values.rng.choice(("Date de naissance : ", "né(e) le ")),
             "es": values.rng.choice(("Fecha de nacimiento: ", "nacido el "))}[lang]
    case.add({"en": "Name: ", "de": "Name: ", "fr": "Nom : ", "es": "Nombre: "}[lang])
    case.add(values.name(p), "person").add("\n" + label).add(values.dob(p, lang),
                                                              "date_of_birth")
    return case


def ssn_case(values: Values) -> Case:
    p = values.identity(lambda i: i.country == "US")
    case = Case(note=f"container ssn | {p.source}")
    form = values.rng.randrange(4)
    if form == 0:
        case.add("Employee: ").add(values.name(p), "person").add("\nSSN: ")
        case.add(p.national_id, "ssn")
    elif form == 1:
        case.add("a. Employee's social security number  ").add(p.national_id, "ssn")
    elif form == 2:
        case.add("my social is ").add(p.national_id, "ssn").add(" and my DOB is ")
        case.add(values.dob(p), "date_of_birth")
    else:
        case.add('{"applicant": "').add(values.name(p), "person").add('", "ssn": "')
        case.add(p.national_id, "ssn").add('"}')
    return case


def iban_case(values: Values) -> Case:
    p = values.identity()
    lang = LANG.get(p.country, "en")
    holder = {"de": "Kontoinhaber: ", "fr": "Titulaire du compte : ", "es": "Titular: ",
              "it": "Intestatario: ", "nl": "Rekeninghouder: "}.get(lang)
    form = "holder" if values.rng.random() < 0.5 else "wire"
    case = Case(note=f"container iban [{form}, {lang if holder and form == 'holder' else 'en'}]"
                     f" | {p.source} | faker iban")
    if form == "holder":
        case.add(holder or "Account holder: ").add(values.name(p), "person").add("\nIBAN: ")
        case.add(values.iban(p), "iban").add(f"\nBIC: {values.faker.swift8()}")
    else:
        case.add("Please wire the deposit to ").add(values.name(p), "person")
        case.add(", IBAN ").add(values.iban(p), "iban").add(", reference INV-")
        case.add(f"{values.rng.randint(1000, 9999)}.")
    return case


def placeholder_cases(values: Values) -> list[Case]:
    """Text that already holds placeholder-shaped strings, as a redacted log would."""
    p = values.identity()
    return [
        Case(note="negative written placeholder-shaped text").add(
            "Template: Dear [PERSON_1], your order ships to [ADDRESS_1]; questions to "
            "[EMAIL_1]."),
        Case(note="negative written placeholder-shaped text").add(
            "The log line read 'login ok user=[EMAIL_1] ip=[IP_1]' after redaction."),
        Case(note=f"container placeholder-shaped text | {p.source}").add(
            "Replace [EMAIL_1] in the template with ").add(p.email, "email").add(
            " and [PHONE_1] with ").add(values.phone(p), "phone").add("."),
        Case(note=f"container placeholder-shaped text | {p.source}").add(
            "[PERSON_1] is a placeholder; the real name is ").add(values.name(p), "person"),
    ]


# ---------------------------------------------------------------- hard negatives, written

def isbn13(rng: random.Random) -> str:
    digits = [9, 7, 8] + [rng.randint(0, 9) for _ in range(9)]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    d = "".join(map(str, digits + [check]))
    return f"{d[:3]}-{d[3]}-{d[4:7]}-{d[7:12]}-{d[12]}"


def ean13(rng: random.Random) -> str:
    digits = [4, 0] + [rng.randint(0, 9) for _ in range(10)]
    check = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return "".join(map(str, digits + [check]))


def written_negatives(values: Values) -> list[Case]:
    rng, t = values.rng, values.token
    d = string.digits
    hexd = "0123456789abcdef"
    out: list[tuple[str, str]] = []

    def add(what: str, *texts: str) -> None:
        out.extend((what, text) for text in texts)

    for _ in range(3):
        add("order number", f"Order #{t(d, 10)} shipped on Tuesday.",
            f"Your order {t(d, 3)}-{t(d, 7)}-{t(d, 7)} has been dispatched.",
            f"Invoice no. {rng.randint(2019, 2025)}-{t(d, 6)} is attached.",
            f"Ticket INC{t(d, 7)} was closed by the service desk.")
        add("version", f"Upgraded the agent from {rng.randint(1, 9)}.{rng.randint(0, 20)}."
            f"{rng.randint(0, 9)}.{rng.randint(1000, 9999)} to the next build.",
            f"Chrome {rng.randint(100, 130)}.0.{rng.randint(5000, 6999)}.{rng.randint(10, 200)}"
            " fixed the rendering bug.",
            f"kernel 5.{rng.randint(4, 19)}.0-{rng.randint(20, 99)}-generic on Ubuntu 22.04")
        add("isbn", f"ISBN {isbn13(rng)}", f"See ISBN-13 {isbn13(rng).replace('-', '')} for the"
            " second edition.")
        add("ean barcode", f"EAN {ean13(rng)} is printed under the barcode.")
        add("timestamp", f"Backup finished at 2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
            f"T0{rng.randint(0, 9)}:{rng.randint(10, 59)}:{rng.randint(10, 59)}Z.",
            f"epoch {rng.randint(1_500_000_000, 1_800_000_000)} in the cache header",
            f"The job ran for {rng.randint(1, 9)}h {rng.randint(10, 59)}m "
            f"{rng.randint(10, 59)}.{t(d, 3)}s.")
        add("hash", f"commit {t(hexd, 40)}", f"sha256: {t(hexd, 64)}", f"md5 {t(hexd, 32)}",
            f"Merged {t(hexd, 7)} into main.")
        add("uuid", f"request id {uuid.UUID(int=rng.getrandbits(128), version=4)}",
            f"/api/v2/items/{uuid.UUID(int=rng.getrandbits(128), version=4)}/history")
        add("price", f"Total: €{rng.randint(1, 9)},{t(d, 3)}.{t(d, 2)} incl. VAT",
            f"The plan costs ${rng.randint(10, 999)}.99 a month, or USD "
            f"{rng.randint(1, 99)},{t(d, 3)} a year.",
            f"Revenue grew to {rng.randint(100, 999)},{t(d, 3)},{t(d, 3)} kr.")
        add("date, not a birthday",
            f"The invoice is due {rng.randint(1, 12):02}/{rng.randint(1, 28):02}/2025.",
            f"The treaty was signed on {rng.randint(1, 28)} {values.rng.choice(MONTHS['en'])}"
            f" {rng.randint(1800, 1990)}.",
            f"Released on {rng.randint(1960, 2010)}-{rng.randint(1, 12):02}-"
            f"{rng.randint(1, 28):02}, the album went gold.",
            f"Founded on {rng.randint(1, 28):02}.{rng.randint(1, 12):02}."
            f"{rng.randint(1850, 1990)}, the company now has {rng.randint(50, 900)} staff.")
        add("measurement", f"The screen is {rng.choice((1920, 2560, 3840))} x "
            f"{rng.choice((1080, 1440, 2160))} at {rng.choice((60, 120, 144))} Hz.",
            f"Flight LH {rng.randint(100, 999)} leaves from terminal {rng.randint(1, 3)}, "
            f"gate B{rng.randint(1, 60)}.",
            f"CVE-{rng.randint(2015, 2025)}-{t(d, 5)} is fixed in this release.")
    add("code", 'password = input("Password: ")', "if not user.check_password(password):\n"
        "    raise PermissionError('wrong password')",
        'api_key = os.environ["OPENAI_API_KEY"]', "token: str = request.headers['X-Token']",
        "SELECT name, email, phone FROM customers WHERE id = ?;",
        r"EMAIL_RE = re.compile(r'^[\w.+-]+@[\w-]+\.[\w.]+$')",
        "def reset_password(user_id: int, new_password: str) -> None: ...",
        "git clone git@github.com:acme/payments.git",
        "@app.route('/login', methods=['POST'])", "npm install @types/node@20.11.5",
        "PASSWORD_MIN_LENGTH = 12", "docker pull python@sha256:" + t(hexd, 64),
        "for (int i = 0; i < 4096; i++) { buf[i] = 0x7f; }",
        'kubectl create secret generic db --from-literal=password="$DB_PASSWORD"')
    add("secret-like prose", "Reset your password with the link we sent you.",
        "Your password must have at least 12 characters, one of them a digit.",
        "The token expires after 3600 seconds.", "Enter your password: ********",
        "The API key is stored in the vault, not in the repo.",
        "password: <redacted>", "Forgot your password? Click here.",
        "Ihr Passwort muss mindestens 10 Zeichen lang sein.",
        "Votre mot de passe a été modifié avec succès.",
        "La contraseña debe tener al menos ocho caracteres.")
    add("capitalized words", "We walked across the Golden Gate Bridge at sunset.",
        "Black Friday Sale: everything in the Summer Collection is 30% off.",
        "Microsoft Word crashed again while saving the Quarterly Report.",
        "The Treaty of Versailles ended the war.",
        "Grand Central Terminal was busy this morning.",
        "Our Monday Morning Meeting moved to the Blue Room.")
    add("place and company names", "Flights from Frankfurt to São Paulo are cheaper in May.",
        f"{values.organization()} reported higher revenue this quarter.",
        f"We opened a new office in {values.identity().city}.",
        f"Shipping to {values.identity().country_full} takes five working days.",
        "The conference moves from Lisbon to Helsinki next year.")
    add("street-like phrases", "Chapter 11 covers the bankruptcy rules.",
        "Take Route 66 for the classic road trip.", "Section 230 was debated again.",
        "Platform 9 3/4 is a film set, not a real platform.",
        "Windows 11 Pro and iPhone 15 Pro were on the list.")
    add("id-like codes", "Model SM-G991B ships with Android 14.",
        f"JIRA ticket PAY-{t(d, 4)} is blocked.", "HTTP 503 means the service is unavailable.",
        f"Part no. {t(d, 7)}-{t(d, 2)} is out of stock.", "RFC 7231 and ISO 27001 apply.",
        "The passport photo must be 35 x 45 mm.", "Renewing a driver's license takes two weeks.",
        "Bring your national ID card to the appointment.")
    add("numbers", "Fibonacci: 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610",
        f"pi is about 3.{t(d, 15)}", f"The population was {rng.randint(1, 9)},{t(d, 3)},"
        f"{t(d, 3)} in the last census.", "Dial 112 in Europe or 911 in the US.",
        "OID 1.3.6.1.4.1.311.21.7 marks the template.",
        f"Coupon code SAVE{rng.randint(10, 50)} works until Sunday.")
    return [Case(note=f"negative written {what}").add(text) for what, text in out]


# ---------------------------------------------------------------- the set

def build(sources: dict[str, str]) -> list[dict[str, Any]]:
    rng = random.Random(SEED)
    values = Values(sources, rng)
    cases: list[Case] = []
    for number, template in templates(sources["templates.txt"]):
        if number in SKIPPED:
            continue
        slots = set(PLACEHOLDER.findall(template))
        pii = slots - UNLABELED
        if not slots:
            fills = 1
        elif not pii:
            fills = 3
        else:
            fills = 7 if pii & SPARSE else 2
        for _ in range(fills):
            case = fill_template(number, template, values)
            cases.append(lowercased(case) if case.spans and rng.random() < 0.04 else case)
    for _ in range(30):
        cases.append(signature(values))
    for _ in range(25):
        cases.append(json_record(values))
    for _ in range(12):
        cases.append(csv_rows(values))
    for _ in range(30):
        cases.append(log_lines(values))
    for _ in range(30):
        cases.append(chat_turn(values))
    for n in range(62):
        cases.append(password_case(values, PASSWORD_FORMS[n % len(PASSWORD_FORMS)]))
    for n in range(24):
        cases.append(api_key_case(values, n))
    for n in range(66):
        cases.append(id_case(values, n))
    for _ in range(30):
        cases.append(dob_case(values))
    for _ in range(30):
        cases.append(ssn_case(values))
    for _ in range(24):
        cases.append(iban_case(values))
    cases += placeholder_cases(values)
    cases += written_negatives(values)
    return [c.record() for c in cases]


def check(records: list[dict[str, Any]]) -> Counter[str]:
    """Every span inside its text, no two overlapping, no value counted twice."""
    kinds: Counter[str] = Counter()
    for r in records:
        last = 0
        for s in sorted(r["spans"], key=lambda s: s["start"]):
            assert s["kind"] in KINDS and last <= s["start"] < s["end"] <= len(r["text"]), r
            value = r["text"][s["start"]:s["end"]]
            assert value == value.strip() and value, r
            last = s["end"]
            kinds[s["kind"]] += 1
    return kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path,
                        help=f"read the data from a {PRESIDIO} {PRESIDIO_VERSION} wheel")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    sources = read_sources(args.wheel)
    try:
        faker_version = importlib.metadata.version("faker")
    except importlib.metadata.PackageNotFoundError:
        sys.exit(f"faker is not installed: .venv/bin/pip install faker=={FAKER_VERSION}")
    if faker_version != FAKER_VERSION:
        print(f"warning: faker {faker_version}, not {FAKER_VERSION}: the generated values "
              "will differ from the committed file's")
    records = build(sources)
    kinds = check(records)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                        encoding="utf-8")
    negatives = sum(1 for r in records if not r["spans"])
    print(f"wrote {args.out}: {len(records)} cases, {negatives} hard negatives, "
          f"{sum(kinds.values())} labeled spans")
    print("  " + ", ".join(f"{k} {kinds[k]}" for k in KINDS))


if __name__ == "__main__":
    main()
