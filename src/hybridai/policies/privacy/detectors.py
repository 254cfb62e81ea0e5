"""Detectors: one kind of personal data or secret each, as compiled regexes plus validators.

A detector yields ``(start, end)`` spans of its kind in a text. Candidates found by a loose
regex are kept only when a validator agrees (Luhn, IBAN mod-97, SSN rules, ``ipaddress``,
``phonenumbers``), which is what keeps order numbers, version strings and hashes out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Protocol

from . import obfuscated_email, validators

Span = tuple[int, int]


class Detector(Protocol):
    kind: str
    # Optional ``hint``: a regex every text this detector can find anything in matches (for
    # the built-in ones); the scanner skips hinted detectors when no hint matches at all.

    def find(self, text: str) -> Iterator[Span]: ...


class RegexDetector:
    """Every match of ``pattern`` (or of its group ``group``) that ``accept`` agrees with."""

    def __init__(self, kind: str, pattern: re.Pattern[str], group: int = 0) -> None:
        self.kind = kind
        self.pattern = pattern
        self.group = group

    def accept(self, match: re.Match[str], text: str) -> bool:
        return True

    def find(self, text: str) -> Iterator[Span]:
        for match in self.pattern.finditer(text):
            if self.accept(match, text):
                yield match.span(self.group)


class RunDetector:
    """Runs of characters and separators, of which the longest valid pieces are kept.

    A piece starts and ends at the run's separators and is at most ``longest`` characters:
    a run may hold several numbers, or one with stray numbers glued on either side
    ("qty 2 4539 1488 …"), which a single regex match would misread.
    """

    kind: str
    run: re.Pattern[str]
    separators: str = " "
    longest: int = 24

    def valid(self, text: str, start: int, piece: str) -> bool:
        raise NotImplementedError

    def find(self, text: str) -> Iterator[Span]:
        for match in self.run.finditer(text):
            raw, at = match.group(), match.start()
            starts = [0] + [i + 1 for i, c in enumerate(raw) if c in self.separators]
            ends = [len(raw)] + [i for i, c in enumerate(raw) if c in self.separators]
            found: list[Span] = []
            for a, b in sorted(((a, b) for a in starts for b in ends
                                if 0 < b - a <= self.longest), key=lambda s: s[0] - s[1]):
                if all(b <= x or a >= y for x, y in found) and self.valid(text, at + a,
                                                                          raw[a:b]):
                    found.append((a, b))
                    yield at + a, at + b


class EmailDetector:
    """Addresses as written, and as people disguise them (``obfuscated_email``)."""

    kind = "email"
    hint = obfuscated_email.HINT  # which holds "@", the plain addresses' hint
    _plain = re.compile(r"(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
                        r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
                        r"(?![\w-])")

    # "user:pass@host" after "scheme://" is a URL's user and password, not an address
    # ("ssh://git@github.com/…", "postgres://app:S3cr3t@db/…": the secret detector's).
    _url_userinfo = re.compile(r"(?i)[a-z][a-z0-9+.-]*://[^\s/?#@]*$")

    def __init__(self) -> None:
        self._disguised = obfuscated_email.ObfuscatedEmailDetector()

    def find(self, text: str) -> Iterator[Span]:
        spans = [m.span() for m in self._plain.finditer(text)]
        for start, end in spans + list(self._disguised.find(text)):
            before = max(0, start - 200)
            if "://" not in text[before:start] or not self._url_userinfo.search(text, before,
                                                                               start):
                yield start, end


class CardDetector(RunDetector):
    """13-19 digits, grouped or not, that pass Luhn. Groups may be split by spaces, dashes or
    dots, but a number with a dot must be grouped as cards are printed, and no piece may end
    at a dot: "3.14159265358979" is a decimal, not a card, nor are the digits after its dot."""
    hint = r"\d"

    kind = "card"
    run = re.compile(r"(?<![\d.,/-])\d(?:[ .-]?\d){12,}(?![\d-]|[.,/]\d)")
    separators = " -."
    longest = 23
    _groups = re.compile(r"[ .-]")
    _dot_before, _dot_after = re.compile(r"\d\.$"), re.compile(r"\.\d")

    def valid(self, text: str, start: int, piece: str) -> bool:
        end = start + len(piece)
        if self._dot_before.match(text, max(0, start - 2), start) or self._dot_after.match(
                text, end):
            return False  # a piece of a dotted number, not the whole of it
        if "." in piece and not validators.is_card_grouping(
                [len(g) for g in self._groups.split(piece)]):
            return False
        return validators.is_card_number(re.sub(r"\D", "", piece))


class SsnDetector:
    """``123-45-6789`` (dashes or spaces), or nine bare digits right after "SSN"."""
    hint = r"\d"

    kind = "ssn"
    _grouped = re.compile(r"(?<![\d-])\d{3}([- ])\d{2}\1\d{4}(?![\d-])")
    _bare = re.compile(r"(?i)\b(?:ssn|social security(?: number| no\.?)?)\W{0,6}(\d{9})(?!\d)")

    def find(self, text: str) -> Iterator[Span]:
        for match in self._grouped.finditer(text):
            if validators.is_ssn(match.group().replace(" ", "-")):
                yield match.span()
        for match in self._bare.finditer(text):
            if validators.is_ssn(match.group(1)):
                yield match.span(1)


class IbanDetector(RunDetector):
    """Printed (groups of four) or compact, in any case; a following word may join the run,
    of which only pieces that start like an IBAN are checked."""
    hint = r"\d"

    kind = "iban"
    run = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,}")
    longest = 42
    _start = re.compile(r"[A-Za-z]{2}\d{2}")

    def valid(self, text: str, start: int, piece: str) -> bool:
        return bool(self._start.match(piece)) and validators.is_iban(
            piece.replace(" ", "").upper())


class IpDetector:
    kind = "ip"
    hint = r"[\d:]"
    _v4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\d)")
    _v6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}"
                     r"(?:(?<=:)(?:\d{1,3}\.){3}\d{1,3})?(?![\w:])")
    # "version 1.2.3.4" names a release, not a host.
    _version_before = re.compile(r"(?i)\b(?:version|release|build|ver\.?)\s*$")

    def find(self, text: str) -> Iterator[Span]:
        for match in self._v4.finditer(text):
            if validators.is_ipv4(match.group()) and not self._version_before.search(
                    text, max(0, match.start() - 12), match.start()):
                yield match.span()
        for match in self._v6.finditer(text):
            if validators.is_ipv6(match.group()):
                yield match.span()


class PhoneDetector(RunDetector):
    """Phone numbers as Google's libphonenumber finds and validates them.

    Numbers without a country code are read as numbers of ``region``. A bare run of digits
    counts only after a word like "phone" or "call": unformatted, it is more often an ID.
    libphonenumber's matcher gives up on a number followed by another number ("555-0132 5
    times"), so each run of digits and separators is also tried piece by piece.
    """

    kind = "phone"
    hint = r"\d"
    run = re.compile(r"(?<![\w+])\+?\(?\d[\d ().-]{5,}\d(?!\w)")
    _cue = re.compile(r"(?i)(?:phone|tel|call|mobile|cell|fax|whatsapp|text|sms|number|"
                      r"reach|contact|dial)\b\W{0,30}$")
    _date = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{4}")

    def __init__(self, region: str) -> None:
        self.region = region

    def find(self, text: str) -> Iterator[Span]:
        if sum(c.isdigit() for c in text) < 7:
            return  # nothing to find; spares the matcher's start-up
        import phonenumbers

        matcher = phonenumbers.PhoneNumberMatcher(text, self.region,
                                                  leniency=phonenumbers.Leniency.VALID)
        for match in matcher:
            if self._plausible(text, match.start, match.raw_string):
                yield match.start, match.end
        yield from super().find(text)

    def valid(self, text: str, start: int, piece: str) -> bool:
        return self._valid(piece) and self._plausible(text, start, piece)

    def _valid(self, candidate: str) -> bool:
        import phonenumbers

        try:
            number = phonenumbers.parse(candidate, self.region)
        except phonenumbers.NumberParseException:
            return False
        return phonenumbers.is_valid_number(number)

    def _plausible(self, text: str, start: int, raw: str) -> bool:
        if self._date.search(raw):
            return False
        formatted = raw.startswith("+") or any(c in raw for c in " -.()")
        return formatted or bool(self._cue.search(text, max(0, start - 40), start))


class PatternDetector(RegexDetector):
    """A pattern the app owner added; its name is its kind."""


class KeywordDetector(RegexDetector):
    """Words the app owner added, matched whole and in any case."""

    def __init__(self, keywords: Iterable[str]) -> None:
        words = sorted({k.strip() for k in keywords if k.strip()}, key=len, reverse=True)
        super().__init__("keyword", re.compile(
            r"(?i)(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)"))
