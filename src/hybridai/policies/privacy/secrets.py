"""Secrets: private keys, vendor tokens, passwords and keys assigned to secret-sounding
names, credentials in URLs, bearer tokens, and long random-looking strings."""

from __future__ import annotations

import re
from collections.abc import Iterator

from . import validators
from .detectors import RegexDetector, Span


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
