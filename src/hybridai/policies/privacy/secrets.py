"""Secrets: private keys, and the keys, tokens and passwords of ``SecretDetector``.

    vendor_keys.py        keys in their vendors' shapes (detect-secrets' regex plugins + ours)
    credentials.py        values a secret's name stands before, in the languages prompts use
    credential_syntax.py  URL passwords, Authorization and Cookie headers, tools' password
                          flags, XML elements and name/value pairs
    random_strings.py     long random-looking strings (detect-secrets' entropy limits)
    secret_codes.py       PINs, door codes, one-time and recovery codes a word names
    secret_values.py      what is not a value: placeholders, references, types, predicates
    secret_text.py        the text folded to lowercase, and the lines that hold a word
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .credential_syntax import (
    command_passwords,
    header_credentials,
    named_elements,
    url_passwords,
)
from .credentials import NamedValues
from .detectors import RegexDetector, Span, merge_spans
from .random_strings import RandomStrings
from .secret_codes import codes
from .secret_text import Lines, fold
from .secret_values import SecretValues, looks_like_password, looks_random
from .vendor_keys import VendorKeys

__all__ = ["PrivateKeyDetector", "SecretDetector", "looks_like_password", "looks_random"]


class PrivateKeyDetector(RegexDetector):
    """Private keys of any kind, from BEGIN to END (or to where a cut-off paste ends): PEM
    (``-----BEGIN … PRIVATE KEY-----``, PGP's ``… PRIVATE KEY BLOCK``), SSH2's
    ``---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----``, and PuTTY's ``.ppk`` files (the lines from
    ``PuTTY-User-Key-File-`` to ``Private-MAC``)."""

    hint = "BEGIN|PuTTY-User-Key-File"

    def __init__(self) -> None:
        super().__init__("private_key", re.compile(
            r"-{4,5} ?BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)? ?-{4,5}"
            r"(?:[\s\S]*?-{4,5} ?END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)? ?-{4,5}"
            r"|[A-Za-z0-9+/=\s:,\"-]*)"
            r"|PuTTY-User-Key-File-\d:[^\n]*(?:\n[A-Za-z-]+: *[^\n]*|\n[A-Za-z0-9+/=]+(?=\n|$))*"))


class SecretDetector:
    """API keys, tokens and passwords: vendor shapes, values a secret's name is given
    (``DB_PASS=…``, ``"api_key": "…"``, ``--password …``, "Passwort: …", "the password for
    the wifi is …"), credentials in URLs, headers, command lines and XML, and long
    random-looking strings; each other occurrence of a value found is found too.

    Not secrets: placeholders and references (``api_key=api_key``, ``${DB_PASSWORD}``,
    ``request.form['password']``, ``password: str``), hex (hashes, UUIDs), public keys."""

    kind = "secret"
    # A cheap test (a character class, not the names in every language): every finder below
    # needs a digit, an operator or a symbol (assignments, URLs, headers, flags, quotes, XML,
    # what makes a value look like a password), a run of 15 token characters (the shortest
    # vendor token, "xoxb-" and 10 more; random strings have 24), or, for "the password is
    # swordfish" alone, the English or Dutch word for a password.
    hint = (r"[\d:=：—–<>\"'`!#$%^&*+?~@/\\.,;(\[{-]|[A-Za-z0-9+/_=-]{15}"
            r"|[Pp][Aa][Ss][Ss]|[Pp][Ww]|[Ww][Aa][Cc][Hh][Tt][Ww][Oo][Oo][Rr][Dd]")
    _repeat_min = 6  # shorter values are too often words to mask wherever they occur

    def __init__(self) -> None:
        self.values = SecretValues()
        self.vendor_keys = VendorKeys()
        self.named = NamedValues(self.values)
        self.random = RandomStrings(self.values)

    def find(self, text: str) -> Iterator[Span]:
        lowered, lines = fold(text), Lines(text)
        longest_word = max(map(len, text.split()), default=0)
        spans = [*self.vendor_keys.find(text, lowered, lines, longest_word),
                 *self.named.find(text, lowered), *self.random.find(text, lines, longest_word),
                 *command_passwords(text, lowered, lines, self.values), *codes(text)]
        if "://" in text:
            spans += url_passwords(text, lines)
        if "uthori" in lowered or "cookie" in lowered:
            spans += header_credentials(text, lowered, lines, self.values)
        if "</" in text or "value" in lowered:
            spans += named_elements(text, lowered, lines, self.values)
        merged = _merge(spans)
        yield from _merge([*merged, *self._repeats(text, merged)])

    def _repeats(self, text: str, spans: list[Span]) -> Iterator[Span]:
        """Where a found value occurs again on its own ("PGPASSWORD=S3cr3t!x … psql with
        S3cr3t!x"): the second time, nothing around it says it is a secret."""
        values = {text[a:b] for a, b in spans if b - a >= self._repeat_min}
        for value in values:
            if " " in value or (len(value) < 12 and not any(
                    c.isdigit() or not (c.isalpha() or c in "._-") for c in value)):
                continue  # a word found as a password is still a word elsewhere
            for match in re.finditer(rf"(?<![A-Za-z0-9]){re.escape(value)}(?![A-Za-z0-9])",
                                     text):
                yield match.span()


def _merge(spans: list[Span]) -> list[Span]:
    return [(a, b) for a, b in merge_spans(spans) if b > a]
