"""A national number printed as one (its trunk prefix 0, then groups) is a phone without a
cue word when a common region's numbering plan validates it; invoices, orders, serials and
tracking numbers printed with a leading zero are not."""

from __future__ import annotations

import pytest

from hybridai.policies.privacy.scanner import Scanner


@pytest.mark.parametrize(("text", "number"), [
    ("Sharon Moore 020 7946 0958", "020 7946 0958"),
    ("Jan de Vries\n06-12345678", "06-12345678"),
    ("Anna: 030 12345678", "030 12345678"),
    ("(0151) 496 0123 is the office", "(0151) 496 0123"),
    ("Rossi 06 6982 1234", "06 6982 1234"),
])
def test_a_national_number_printed_as_a_phone(scanner: Scanner, text: str, number: str) -> None:
    assert ("phone", number) in [(f.kind, text[f.start:f.end]) for f in scanner.scan(text)]


@pytest.mark.parametrize("text", [
    "Invoice 0123 4567 89 is overdue",
    "Order 01 2345 6789",
    "Serial 0815 4711 0042",
    "Tracking 0034 5678 9012",
    "between 01.2024 and 03.2024",
    "file 0001-20240314.log",
    "ISBN 0-306-40615-2",
])
def test_numbers_with_a_leading_zero_that_are_no_phones(scanner: Scanner, text: str) -> None:
    assert [f for f in scanner.scan(text) if f.kind == "phone"] == []
