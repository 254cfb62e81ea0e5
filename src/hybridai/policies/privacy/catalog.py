"""The built-in kinds' detectors, by kind name."""

from __future__ import annotations

from collections.abc import Callable

from .detectors import (
    CardDetector,
    Detector,
    EmailDetector,
    IbanDetector,
    IpDetector,
    SsnDetector,
)
from .phones import PhoneDetector
from .secrets import PrivateKeyDetector, SecretDetector

_BUILTIN: dict[str, Callable[[], Detector]] = {
    "private_key": PrivateKeyDetector, "secret": SecretDetector, "card": CardDetector,
    "iban": IbanDetector, "ssn": SsnDetector, "email": EmailDetector, "ip": IpDetector,
}


def builtin_detector(kind: str, *, phone_region: str) -> Detector:
    if kind == "phone":
        return PhoneDetector(phone_region)
    return _BUILTIN[kind]()
