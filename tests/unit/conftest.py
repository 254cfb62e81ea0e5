"""Fixtures the privacy tests share."""

from __future__ import annotations

import pytest

from hybridai.config import PrivacySettings
from hybridai.policies.privacy.scanner import Scanner


@pytest.fixture(scope="session")
def scanner() -> Scanner:
    """The default scanner without the entity recognizer: the rules alone."""
    return Scanner.from_settings(PrivacySettings(ner="off"))


@pytest.fixture(scope="session")
def scanner_with_ner() -> Scanner:
    """As shipped: the recognizer where one is installed (scripts/setup.sh installs one)."""
    return Scanner.from_settings(PrivacySettings())
