"""Values the development set (bench/make_privacy_dev.py) showed the screen missing, written
here in sentences of their own: international numbers printed with dashes, extensions, bare
SSNs after "social", and birth dates in Swedish, Czech, Turkish and Polish or after a
question."""

from __future__ import annotations

import pytest

from hybridai.config import PrivacySettings
from hybridai.policies.privacy.scanner import Scanner

FOUND = [
    ("Reach our Tokyo office at +81-3-5412-7730 before noon.", "phone", "+81-3-5412-7730"),
    ("Mein WhatsApp: +55-21-98712-4455", "phone", "+55-21-98712-4455"),
    ("Soita +358-40-7712345 illalla.", "phone", "+358-40-7712345"),
    ("Call the front desk at 415.555.0199 ext. 220 tomorrow.", "phone",
     "415.555.0199 ext. 220"),
    ("Office: +44 20 7946 0958 x 14", "phone", "+44 20 7946 0958 x 14"),
    ("ok my social is 536221234 what next", "ssn", "536221234"),
    ("Form asks: SSN field: 523456789. Is that safe?", "ssn", "523456789"),
    ("Jag är född 4/7 1988 och bor i Lund.", "date_of_birth", "4/7 1988"),
    ("Narodila jsem se 3. 9. 1975 v Brně.", "date_of_birth", "3. 9. 1975"),
    ("Doğum tarihim 1991-02-11, yardım eder misiniz?", "date_of_birth", "1991-02-11"),
    ("Urodziłam się 1983-12-30 w Gdańsku.", "date_of_birth", "1983-12-30"),
    ("How old am I if I was born? 21.08.1979", "date_of_birth", "21.08.1979"),
]
NOT_FOUND = [
    "Shipped on 12.03.2024, order 2024-556559.",
    "The meeting moved from 03-04-2025 to 04-04-2025.",
    "We measured 11-12-13 units in the lab.",
]


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner.from_settings(PrivacySettings(ner="off"))


@pytest.mark.parametrize(("text", "kind", "value"), FOUND)
def test_found_whole(scanner: Scanner, text: str, kind: str, value: str) -> None:
    spans = [(f.kind, text[f.start:f.end]) for f in scanner.scan(text)]
    assert (kind, value) in spans, spans


@pytest.mark.parametrize("text", NOT_FOUND)
def test_dates_and_counts_are_not_phones(scanner: Scanner, text: str) -> None:
    assert not [f for f in scanner.scan(text) if f.kind == "phone"]
