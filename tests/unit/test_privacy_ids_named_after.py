"""An ID number named after its value ("533380006 is my passport number"), not a year or a
floor before the word passport."""

from __future__ import annotations

import pytest

from hybridai.policies.privacy.scanner import Scanner


@pytest.mark.parametrize(("text", "value"), [
    ("533380006 is my passport number", "533380006"),
    ("X1234567 was her ID card number.", "X1234567"),
])
def test_an_id_named_after_its_value(scanner: Scanner, text: str, value: str) -> None:
    assert [(f.kind, text[f.start:f.end]) for f in scanner.scan(text)] == [("id_number", value)]


@pytest.mark.parametrize("text", ["The 2024 edition is my passport to fun.",
                                  "12 is the passport office's floor."])
def test_a_year_or_a_floor_before_passport_is_no_id(scanner: Scanner, text: str) -> None:
    assert [f for f in scanner.scan(text) if f.kind == "id_number"] == []


@pytest.mark.parametrize(("text", "value"), [
    ("A customer from abroad gave 51868021319 as their Brazilian CPF.", "51868021319"),
    ("A customer gave 2490904337910 as their Romanian CNP.", "2490904337910"),
    ("Ο ΑΜΚΑ μου είναι 06038490535. Πώς κλείνω ραντεβού;", "06038490535"),
    ("Rental form: driver's license N565-4716-0255, exp 2027.", "N565-4716-0255"),
])
def test_ids_after_more_cues(scanner: Scanner, text: str, value: str) -> None:
    assert ("id_number", value) in [(f.kind, text[f.start:f.end]) for f in scanner.scan(text)]
