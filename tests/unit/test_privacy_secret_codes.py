"""PINs, door codes and one-time or recovery codes, found by the word that names them; a
connector's pin, a count of digits and other codes (zip, error, status, coupon) are not."""

from __future__ import annotations

import pytest

from hybridai.policies.privacy.scanner import Scanner
from hybridai.policies.privacy.secret_codes import codes


@pytest.mark.parametrize(("text", "value"), [
    ("My PIN is 4821", "4821"),
    ("PIN-Code: 0815", "0815"),
    ("passcode 739104", "739104"),
    ("The door code is 4471#", "4471#"),
    ("Türcode: 4471#", "4471#"),
    ("Your verification code is 482 913.", "482 913"),
    ("Here's my recovery code: 8HJ2-KD9Q-PL3M-ZX7W", "8HJ2-KD9Q-PL3M-ZX7W"),
    ("2FA backup codes: 48392017 93810274", "48392017 93810274"),
    ("Meine Geheimzahl ist 1234", "1234"),
    ("mon code PIN est 9876", "9876"),
    ("mi código PIN es 4321", "4321"),
    ("TAN: 482913", "482913"),
    ("CVV / security code: 123", "123"),
])
def test_a_named_code_is_a_secret(scanner: Scanner, text: str, value: str) -> None:
    assert [(f.kind, text[f.start:f.end]) for f in scanner.scan(text)] == [("secret", value)]


@pytest.mark.parametrize("text", [
    "Connect the LED to pin 13.",
    "Choose a 4-digit PIN.",
    "The PIN must have 6 digits",
    "Enter your PIN 3 times wrong and it locks",
    "OTP expires in 30 seconds",
    "Use code SAVE20 at checkout",
    "Zip code 90210",
    "Error code 404 on the status page",
    "Tan 30 degrees to the left",
    "A PIN of 1234 digits would be absurd",
])
def test_no_code_without_its_name_or_with_a_count(text: str) -> None:
    assert list(codes(text)) == []
