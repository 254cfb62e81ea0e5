"""The built-in kinds' detectors, by kind name."""

from __future__ import annotations

from collections.abc import Callable

from .addresses import AddressDetector
from .birth_dates import DateOfBirthDetector
from .detectors import (
    CardDetector,
    Detector,
    EmailDetector,
    IbanDetector,
    IpDetector,
    SsnDetector,
)
from .id_numbers import IdNumberDetector
from .names import PersonDetector
from .ner import entities_for
from .phones import PhoneDetector
from .secrets import PrivateKeyDetector, SecretDetector

_BUILTIN: dict[str, Callable[[], Detector]] = {
    "private_key": PrivateKeyDetector, "secret": SecretDetector, "card": CardDetector,
    "iban": IbanDetector, "ssn": SsnDetector, "email": EmailDetector,
    "id_number": IdNumberDetector, "date_of_birth": DateOfBirthDetector,
}


def builtin_detector(kind: str, *, phone_region: str, ner: str = "auto",
                     ip_addresses: str = "public") -> Detector:
    """``ner`` is ``privacy.ner``: the spaCy pipeline behind names and addresses
    (``auto``, a package name, or ``off``); it is loaded on the first scan, not here.
    ``ip_addresses`` is ``privacy.ip_addresses``: ``public`` or ``all``."""
    if kind == "ip":
        return IpDetector(public_only=ip_addresses == "public")
    if kind == "phone":
        return PhoneDetector(phone_region)
    if kind == "person":
        return PersonDetector(entities_for(ner))
    if kind == "address":
        return AddressDetector(entities_for(ner))
    return _BUILTIN[kind]()
