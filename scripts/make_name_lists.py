"""Writes the privacy screen's given-name and surname lists from Faker's person providers.

    pip install faker==40.63.0 && python scripts/make_name_lists.py

Faker (MIT licence) holds common given names and surnames of about 90 locales. Kept: names of
Latin, Greek or Cyrillic letters (the scripts the name detector reads), of two letters or more,
found in Faker's lists; dropped: the words the detector would take for names in prose (the
stop words of spaCy's languages, which ``name_entities`` also uses, are checked at run time).
The output is a gzip file of two sections, ``# given`` and ``# surname``, one name a line.
"""

from __future__ import annotations

import gzip
import importlib
import pkgutil
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src/hybridai/policies/privacy/data/names.txt.gz"


def _values(attribute: object) -> list[str]:
    if attribute is None or isinstance(attribute, property):
        return []
    return list(attribute.keys()) if hasattr(attribute, "keys") else list(attribute)  # type: ignore[call-overload]


def _feminine(surname: str, locale: str) -> str:
    """The form a woman's surname takes where the language inflects it and Faker lists only
    the man's (Polish Kowalski → Kowalska, Czech Novák → Nováková, Dvořák → Dvořáková)."""
    if surname.endswith(("ski", "cki", "dzki")):
        return surname[:-1] + "a"
    if locale.startswith(("cs", "sk")):
        if surname.endswith("ý"):
            return surname[:-1] + "á"
        if not surname.endswith(("á", "ová")):
            return surname + "ová"
    return surname


def _readable(name: str) -> bool:
    return len(name) >= 2 and name.isalpha() and name[0].isupper() and all(
        ord(c) < 0x530 for c in name)


def main() -> None:
    import faker
    from faker.providers import person

    given: set[str] = set()
    surnames: set[str] = set()
    locales = []
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"faker.providers.person.{module.name}").Provider
        first = [n for attr in ("first_names", "first_names_male", "first_names_female")
                 for n in _values(getattr(provider, attr, None))]
        if not first:
            continue
        locales.append(module.name)
        given.update(n for n in first if _readable(n))
        last = [n for attr in ("last_names", "last_names_male", "last_names_female",
                               "male_last_names", "female_last_names", "unisex_last_names")
                for n in _values(getattr(provider, attr, None)) if _readable(n)]
        surnames.update(last)
        surnames.update(_feminine(n, module.name) for n in last)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    body = "\n".join([f"# Faker {faker.VERSION} person providers: {' '.join(locales)}",
                      "# given", *sorted(given), "# surname", *sorted(surnames)]) + "\n"
    with gzip.GzipFile(OUT, "wb", mtime=0) as out:  # mtime 0: the same bytes each run
        out.write(body.encode("utf-8"))
    print(f"{len(given)} given names, {len(surnames)} surnames from {len(locales)} locales "
          f"-> {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
