"""Detectors: one kind of personal data or secret each, as compiled regexes plus validators.

A detector yields ``(start, end)`` spans of its kind in a text. Candidates found by a loose
regex are kept only when a validator agrees (Luhn, IBAN mod-97, SSN rules, ``ipaddress``,
``phonenumbers``), which is what keeps order numbers, version strings and hashes out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
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


class PrivateKeyDetector(RegexDetector):
    """PEM private keys of any kind, from BEGIN to END (or to where a cut-off paste ends)."""

    hint = "-----BEGIN"

    def __init__(self) -> None:
        super().__init__("private_key", re.compile(
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
            r"(?:[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"
            r"|[A-Za-z0-9+/=\s:,-]*)"))


# Tokens with a vendor's prefix: their shape alone says what they are.
_PREFIXED_TOKENS = [
    r"sk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}",  # OpenAI, Anthropic
    r"gh[pousr]_[A-Za-z0-9]{36,}",                            # GitHub
    r"github_pat_[A-Za-z0-9_]{22,}",
    r"(?:AKIA|ASIA)[0-9A-Z]{16}",                             # AWS access key id
    r"xox[abposr]-[A-Za-z0-9-]{10,}",                         # Slack
    r"AIza[0-9A-Za-z_-]{35}",                                 # Google
    r"[rs]k_(?:live|test)_[0-9A-Za-z]{16,}",                  # Stripe
    r"glpat-[A-Za-z0-9_-]{20,}",                              # GitLab
    r"hf_[A-Za-z0-9]{30,}",                                   # Hugging Face
    r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}",  # JWT
]


class SecretDetector:
    """API keys, tokens and passwords: vendor prefixes, values assigned to secret-sounding
    names ("DB_PASS=…", "PGPASSWORD=…", "the password for the wifi is …", "password Pa$$w0rd1"),
    the password in a URL ("postgres://app:S3cr3t@db/…"), bearer tokens, and long
    random-looking strings (not hex: hashes and UUIDs are not secrets; not the body of a
    public key or certificate)."""

    kind = "secret"
    # The names, "bearer" and "://"; every vendor token and random string is a run of 15 or
    # more of these characters (the shortest: "xoxb-" and 10 more), but a JWT's dots.
    hint = r"(?i:api|secret|token|pass|pwd|bearer|://)|[A-Za-z0-9+/_-]{15,}|eyJ"
    _prefixed = re.compile(r"(?<![A-Za-z0-9_-])(?:" + "|".join(_PREFIXED_TOKENS) +
                           r")(?![A-Za-z0-9_-])")
    _names = ("api", "secret", "token", "pass", "pwd")  # one is in every name below
    _value = r"[\"']?([^\s\"'`,;]{6,})"
    # A name, alone or as the last part of an identifier ("smtp_pass", "PGPASSWORD").
    _assigned = re.compile(
        r"(?i)(?:(?<![a-z0-9])(?:api[_-]?key|secret(?:[_-]?key)?|client[_-]?secret|"
        r"access[_-]?token|auth[_-]?token|token|pass(?:phrase|code)?|pwd)|pass(?:word|wd))"
        r"[\"']?\s{0,3}[:=]\s{0,3}" + _value)
    # "the password (for the wifi) is …": the sentence says what the value is.
    # ("The secret is patience": a bare "secret" is too often prose to count here.)
    _stated = re.compile(
        r"(?i)(?<![a-z0-9])(?:api[_ -]?key|(?:access |auth |api )?token|client[_ -]?secret|"
        r"password|passwd|passphrase|passcode|pwd)[\"']?(?:\s+(?:for|on|of|to|at)\s+(?:(?:the|my|our|your|this|that)\s+)?"
        r"[\w.-]{1,30})?\s{1,3}is\s{1,3}" + _value)
    # "password Pa$$w0rd1": no verb, so the value must look like a password.
    _bare = re.compile(r"(?i)(?<![a-z0-9])(?:password|passwd|passcode|pwd)\s{1,3}"
                       r"([^\s\"'`,;]{6,})")
    _url_password = re.compile(r"://[^\s/?#@:]*:([^\s/?#@]+)@")
    _bearer = re.compile(r"(?i)\bbearer\s+([A-Za-z0-9._~+/-]{16,}=*)")
    _random = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{24,}={0,2}(?![A-Za-z0-9+/_=-])")
    # Placeholders, not values: whole words ("null", "xxxx", "your_password") and what
    # starts a template or a lookup ("${DB_PASS}", "<password>", "os.environ[…]", "getenv(…").
    _not_a_value = re.compile(r"(?i)(?:none|null|true|false|undefined|\*+|x+|\.+|"
                              r"(?:your[_-]?)?(?:password|passwd|pass|pwd|secret|token))$"
                              r"|[<${\[%]|os\.|env\b|process\.env|getenv|.*[()]")
    # What a sentence says a password is, when it is not the password itself.
    _predicate = re.compile(
        r"(?i)^(?:incorrect|invalid|wrong|expired|required|missing|correct|different|"
        r"visible|hidden|stored|encrypted|hashed|optional|mandatory|changed|strong|secure|"
        r"needed|updated|accepted|rejected|working|rotated|revoked|reused|shared|leaked|"
        r"unknown|blank|empty|longer|shorter|always|never|usually|sent|saved|case-sensitive|"
        r"valid|active|inactive|disabled|enabled|ready|available|present|absent|unique|"
        r"random|generated|ignored|cached|refreshed|simple|secret|private|public)"
        r"[.!?]*$")
    _public_block = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*(?:PUBLIC KEY|CERTIFICATE)-----"
                               r"[\s\S]*?-----END [A-Z0-9 ]+-----")

    def find(self, text: str) -> Iterator[Span]:
        for match in self._prefixed.finditer(text):
            yield match.span()
        lowered = text.lower()  # a few substring tests spare three patterns most of the time
        named = any(name in lowered for name in self._names)
        patterns = (self._assigned, self._stated, self._bare) if named else ()
        for pattern in (*patterns, self._bearer):
            for match in pattern.finditer(text):
                value = match.group(1).rstrip(".:!?)]")  # the sentence's end is not the value's
                if (len(value) < 6 or self._not_a_value.match(value)
                        or (pattern is self._stated and self._predicate.match(value))
                        or (pattern is self._bare and not looks_like_password(value))):
                    continue
                yield match.start(1), match.start(1) + len(value)
        for match in self._url_password.finditer(text):
            if not self._not_a_value.match(match.group(1)):
                yield match.span(1)
        public = [m.span() for m in self._public_block.finditer(text)]
        for match in self._random.finditer(text):
            if looks_random(match.group()) and not any(a <= match.start() < b
                                                       for a, b in public):
                yield match.span()


def looks_like_password(value: str) -> bool:
    """Letters with a digit or a symbol: "Pa$$w0rd2024", not "field", "reset" or "re-entry"."""
    return (any(c.isalpha() for c in value)
            and any(c.isdigit() or c in "!@#$%^&*+=?~" for c in value))


def looks_random(token: str) -> bool:
    """Mixed case and digits, high entropy, no long lowercase words (identifiers, paths)."""
    core = token.rstrip("=")
    if all(c in "0123456789abcdefABCDEF-" for c in core):
        return False  # hex: git SHAs, digests, UUIDs
    digits = sum(c.isdigit() for c in core)
    upper = sum(c.isupper() for c in core)
    lower = sum(c.islower() for c in core)
    longest_word = max((len(w) for w in re.findall(r"[a-z]+", core)), default=0)
    return (digits >= 2 and upper >= 2 and lower >= 2 and longest_word <= 6
            and validators.shannon_entropy(core) >= 4.0)


class PatternDetector(RegexDetector):
    """A pattern the app owner added; its name is its kind."""


class KeywordDetector(RegexDetector):
    """Words the app owner added, matched whole and in any case."""

    def __init__(self, keywords: Iterable[str]) -> None:
        words = sorted({k.strip() for k in keywords if k.strip()}, key=len, reverse=True)
        super().__init__("keyword", re.compile(
            r"(?i)(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + r")(?!\w)"))


_BUILTIN: dict[str, Callable[[], Detector]] = {
    "private_key": PrivateKeyDetector, "secret": SecretDetector, "card": CardDetector,
    "iban": IbanDetector, "ssn": SsnDetector, "email": EmailDetector, "ip": IpDetector,
}


def builtin_detector(kind: str, *, phone_region: str) -> Detector:
    if kind == "phone":
        return PhoneDetector(phone_region)
    return _BUILTIN[kind]()
