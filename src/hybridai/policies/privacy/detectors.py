"""Detectors: one kind of personal data or secret each, as compiled regexes plus validators.

A detector yields ``(start, end)`` spans of its kind in a text. Candidates found by a loose
regex are kept only when a validator agrees (Luhn, IBAN mod-97, SSN rules, ``ipaddress``,
``phonenumbers``), which is what keeps order numbers, version strings and hashes out.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator
from typing import Protocol

from . import obfuscated_email, validators

Span = tuple[int, int]


def merge_spans(spans: Iterable[Span]) -> list[Span]:
    """The spans in text order, overlapping and touching ones joined."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


ID_COMPOUND_PREFIX = (r"(?:bestell?|auftrags|rechnungs|sendungs|kunden|vorgangs|ticket|referenz|"
                      r"order|factuur|klant|zaak|dossier)")
"""German and Dutch words an order's or a customer's number is compounded with
("Bestellnummer", "Bestelnummer", "Kundennr."): such a number is that thing's, not a phone."""
# Words that say a number is an identifier of a thing (an order, a ticket, a part), not a
# person's phone or card, unless the sentence says it is one of those.
ID_CUE = re.compile(r"(?i)(?:\b(?:order|invoice|ticket|case|ref(?:erence)?|tracking|shipment|"
                     r"parcel|sku|part|serial|model|item|po|rma|bestellung|commande|pedido|"
                     r"rechnung|facture|factura|ordine|fattura|bestelling|factuur)\b"
                     r"(?:\s*(?:no\.?|number|nr\.?|id|#))?"
                     # German and Dutch compounds: "Bestellnummer", "Bestelnummer", "Kundennr."
                     rf"|\b{ID_COMPOUND_PREFIX}(?:nummer|nr\.?)"
                     # "order number is", "Bestellnummer lautet"
                     r")(?:\s+(?:is|was|ist|lautet|est|es|è|é))?[\s:.#-]{0,4}$")


def line_before(text: str, start: int, width: int) -> str:
    """Up to ``width`` characters before ``start`` on the same line."""
    line_start = text.rfind("\n", max(0, start - width), start) + 1
    return text[max(line_start, start - width):start]


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
    # "git@github.com:org/repo.git", "ssh deploy@build.example.com": a login at a host that
    # a command or a remote names, not where mail goes.
    _scp_path = re.compile(r":[\w~./-]")
    _login_command = re.compile(r"(?i)\b(?:ssh|scp|sftp|rsync|mosh|ssh-copy-id)\b(?:\s+-\S+"
                                r"(?:\s+\d+)?)*\s+$")
    _service_users = frozenset({"git", "hg", "svn"})

    def __init__(self) -> None:
        self._disguised = obfuscated_email.ObfuscatedEmailDetector()

    def find(self, text: str) -> Iterator[Span]:
        spans = [m.span() for m in self._plain.finditer(text)]
        for start, end in spans + list(self._disguised.find(text)):
            before = max(0, start - 200)
            if "://" in text[before:start] and self._url_userinfo.search(text, before, start):
                continue
            if self._host_login(text, start, end):
                continue
            yield start, end

    def _host_login(self, text: str, start: int, end: int) -> bool:
        local = text[start:text.find("@", start, end)] if "@" in text[start:end] else ""
        return (local.lower() in self._service_users or bool(self._scp_path.match(text, end))
                or bool(self._login_command.search(line_before(text, start, 80))))


class CardDetector(RunDetector):
    """13-19 digits, grouped or not, that pass Luhn. Groups may be split by spaces, dashes or
    dots, but they must be grouped as cards are printed (fours, Amex's 4-6-5, or every digit
    on its own), and no piece may end at a dot: "3.14159265358979" is a decimal, not a card,
    nor are the digits after its dot, and "1 1 2 3 5 8 13 21 34 55 89 144" is a list. A number
    an order or a ticket is named by is not a card unless the line says card."""
    hint = r"\d"

    kind = "card"
    run = re.compile(r"(?<![\d.,/-])\d(?:[ .-]?\d){12,}(?![\d-]|[.,/]\d)")
    separators = " -."
    longest = 38  # 19 digits, each on its own
    _groups = re.compile(r"[ .-]")
    _dot_before, _dot_after = re.compile(r"\d\.$"), re.compile(r"\.\d")

    def valid(self, text: str, start: int, piece: str) -> bool:
        end = start + len(piece)
        if self._dot_before.match(text, max(0, start - 2), start) or self._dot_after.match(
                text, end):
            return False  # a piece of a dotted number, not the whole of it
        groups = [len(g) for g in self._groups.split(piece)]
        if len(groups) > 1 and not (validators.is_card_grouping(groups)
                                    or set(groups) == {1}):
            return False
        if not validators.is_card_number(re.sub(r"\D", "", piece)):
            return False
        before = line_before(text, start, 40)
        return not ID_CUE.search(before) or bool(self._card_cue.search(before))

    _card_cue = re.compile(r"(?i)card|visa|master|amex|cc\b|credit|debit|karte|carte|tarjeta|"
                           r"cartão|carta")


class SsnDetector:
    """``123-45-6789`` (dashes or spaces), or nine bare digits right after "SSN" or
    "social"."""
    hint = r"\d"

    kind = "ssn"
    _grouped = re.compile(r"(?<![\d-])\d{3}([- ])\d{2}\1\d{4}(?![\d-])")
    # "SSN 536221234", "SSN: 536221234", "my SSN is 536221234", "SSN no. 536221234".
    # "my social is 130093050", "SSN field: 606302280": up to two short words between.
    _bare = re.compile(r"(?i)\b(?:ssn|social security(?: number| no\.?)?|social)\W{0,6}"
                       r"(?:(?:is|was|number|no\.?|#|field|nr|num)\W{1,3}){0,2}(\d{9})(?!\d)")

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
    """IPv4 and IPv6 addresses; by default only those routed on the internet: a private
    (10.0.0.0/8, 192.168.0.0/16, fc00::/7), loopback, link-local, shared (100.64.0.0/10) or
    documentation (192.0.2.0/24, 2001:db8::/32) address names no one outside its network."""

    kind = "ip"
    hint = r"[\d:]"
    _v4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\d)")
    _v6 = re.compile(r"(?<![\w:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}"
                     r"(?:(?<=:)(?:\d{1,3}\.){3}\d{1,3})?(?![\w:]|\.\d)")
    # "version 1.2.3.4", "v10.0.19045.3803", "Chrome/120.0.6099.109", "pkg==1.2.3.4" name a
    # release, not a host; so does a four-part number on a line about versions, unless the
    # line also speaks of hosts.
    # A slash counts after a product's name ("Chrome/"), not in a URL ("http://"); an "=" as a
    # version constraint ("==", ">=", "~="), not as a key's ("client=").
    _version_mark = re.compile(r"(?i)(?:\bv|(?<=[a-z0-9])/|[=~^<>!]=|[~^<>]|[a-z]-|"
                               r"version\W{0,3})$")
    _version_words = re.compile(r"(?i)version|\b(?:ver\.?|release[sd]?|build|patch|upgrade[sd]?|"
                                r"update[sd]?|firmware|driver|sdk|package|library|lib|bump|"
                                r"changelog|semver|assembly|fileversion|productversion|"
                                r"versión|versione|fassung)\b")
    # "from" speaks of a host only where no version word does ("upgrade from 5.20.23.29").
    _host_words = re.compile(r"(?i)\b(?:ip|ipv4|host|hostname|server|address|addr|ping|ssh|"
                             r"connect(?:ed|ion)?|gateway|dns|subnet|client|peer|"
                             r"remote|listen(?:ing)?|bind|route|nmap|firewall)\b")
    # "Section 4.2.1.3", "Clause 12.4.3.1", "§ 3.1.2.4": a numbered part of a document.
    _part_mark = re.compile(r"(?i)(?:\b(?:section|sec|clause|chapter|ch|paragraph|para|"
                            r"article|art|rule|step|item|figure|fig|table|appendix|annex|"
                            r"abschnitt|kapitel|artikel|absatz|punkt|chapitre|artículo|"
                            r"apartado|capítulo|sezione|articolo|capitolo)\.?|§)\W{0,3}$")

    _loopback_port = re.compile(r"::1:\d{1,5}")  # "::1:5432": loopback, then a port

    def __init__(self, *, public_only: bool = True) -> None:
        self.public_only = public_only

    def find(self, text: str) -> Iterator[Span]:
        for match in self._v4.finditer(text):
            if validators.is_ipv4(match.group()) and self._counts(match.group()) and not (
                    self._names_a_version(text, match.start())):
                yield match.span()
        for match in self._v6.finditer(text):
            if self._loopback_port.fullmatch(match.group()):
                if not self.public_only:
                    yield match.start(), match.start() + 3  # "::1:5432": loopback, a port
                continue
            if validators.is_ipv6(match.group()) and self._counts(match.group()):
                yield match.span()

    def _counts(self, address: str) -> bool:
        if not self.public_only:
            return True
        parsed = ipaddress.ip_address(address)
        if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
            parsed = parsed.ipv4_mapped  # "::ffff:192.0.2.128"
        return parsed.is_global

    def _names_a_version(self, text: str, start: int) -> bool:
        before = line_before(text, start, 60)
        if self._version_mark.search(before) or self._part_mark.search(before):
            return True
        return bool(self._version_words.search(before)) and not self._host_words.search(before)


class PatternDetector(RegexDetector):
    """A pattern the app owner added; its name is its kind."""


class KeywordDetector(RegexDetector):
    """Words the app owner added, matched whole and in any case."""

    def __init__(self, keywords: Iterable[str]) -> None:
        words = sorted({k.strip() for k in keywords if k.strip()}, key=len, reverse=True)
        super().__init__("keyword", re.compile(
            r"(?i)(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)"))
