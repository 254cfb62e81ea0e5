"""Birthdays and birth dates in more languages: the word for "birthday" in Polish, Czech,
Hungarian, Croatian, Icelandic, Russian and Turkish, Turkish month names, and the birth-date
words of Chinese, Japanese and Korean forms (no spaces around them)."""

from __future__ import annotations

import pytest

from hybridai.policies.privacy.scanner import Scanner


@pytest.mark.parametrize(("text", "date"), [
    ("Moje urodziny: 14.03.1985", "14.03.1985"),
    ("Narozeniny mám 14. 3. 1985", "14. 3. 1985"),
    ("Születésnapom 1985. március 14.", "1985. március 14."),
    ("Rođendan: 14.03.1985.", "14.03.1985"),
    ("Afmælisdagur: 14.3.1985", "14.3.1985"),
    ("День рождения: 14.03.1985", "14.03.1985"),
    ("Doğum günüm 14 Mart 1985", "14 Mart 1985"),
    ("Doğum tarihi: 3 Ekim 1979", "3 Ekim 1979"),
    ("生日：1985/03/14", "1985/03/14"),
    ("生年月日 1985/03/14", "1985/03/14"),
    ("생년월일 1985.03.14", "1985.03.14"),
])
def test_a_birth_date_after_its_cue(scanner: Scanner, text: str, date: str) -> None:
    assert ("date_of_birth", date) in [(f.kind, text[f.start:f.end]) for f in scanner.scan(text)]


@pytest.mark.parametrize("text", ["Mart 2024 toplantısı ertelendi.", "Termin: 14.03.2026"])
def test_a_date_without_a_birth_cue_is_none(scanner: Scanner, text: str) -> None:
    assert [f for f in scanner.scan(text) if f.kind == "date_of_birth"] == []
