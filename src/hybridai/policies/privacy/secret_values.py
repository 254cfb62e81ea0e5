"""What a value must look like to be a secret: placeholders, code references, type names and
the words a sentence says about a password are not, whatever name stands before them.

The shape tests (``looks_random``, ``looks_like_password``, ``looks_like_credential``) judge a
value alone; ``is_not_a_value`` judges it where it stands (after which name, quoted or not,
what follows it), since ``password=password`` and ``DB_PASS=correcthorse`` differ only there.
detect-secrets' heuristic filters for templated values and sequential strings are used as
they are, with its entropy measures; they load with the first ``SecretValues``.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable

from . import validators
from .words import set_of

# Values that stand for a value: what documentation, templates and empty configs hold, and
# what people give a local server that wants a key but checks none ("unused"). A
# documented default such as "changeme" counts here: it is the text the docs tell you to
# replace, the same in every copy, so masking it hides nothing (decided in issue 15).
_PLACEHOLDER_WORDS = frozenset({
    "none", "null", "nil", "undefined", "true", "false", "yes", "no", "on", "off", "empty",
    "blank", "default", "unset", "na", "n/a", "tbd", "todo", "fixme", "changeme", "change_me",
    "change-me", "changeit", "change_it", "replaceme", "replace_me", "replace-me", "placeholder",
    "example", "sample", "dummy", "fake", "redacted", "hidden", "masked", "removed", "omitted",
    "secret", "password", "passwd", "pass", "pwd", "passphrase", "token", "key", "apikey",
    "api_key", "value", "string", "str", "int", "bool", "boolean", "number", "bytes", "text",
    "any", "object", "secretstr", "secretbytes", "char", "varchar", "optional", "required", "env",
    "environ", "getenv", "unused", "not-needed", "not_needed", "notneeded", "not-used", "anything",
    "ignored", "nokey", "no-key", "no_key", "sk-no-key-required", "local"
})
_INSTRUCTION = re.compile(  # "your_api_key", "<enter password>", "PASTE-TOKEN-HERE", "my-secret"
    r"(?i)^(?:your|my|the|enter|insert|put|paste|add|replace|some|new)(?:[\W_]|$)"
    r"|(?:[\W_]|^)(?:here|goes[\W_]?here)$")
# ${VAR}, $(cmd), {{ var }}, {token}, <password>, (…), [[…]], %(name)s, #{x}, %s, $VAR, YAML's
# !vault tag: templates, format fields and expressions, not values
_TEMPLATE = re.compile(r"^(?:\$[({]|[{(\[<]|%[({]|#\{|@\{|%[sdr]$|\$\w+$|![a-z])")
# "********", "xxxx", "aaaaaaaa", and elided values: "hf_***", "sk-...", "eyJhbGc…",
# "sk-...redacted", a dashboard's "sk-...Xb4Q" (its last characters only)
_MASK = re.compile(r"^(?:(.)\1*|[xX*•#.…]+|(?:[A-Za-z0-9]{1,8}[_-])?[xX*•.…]{3,}"
                   r"|.*(?:\.\.\.|…|\*\*\*).*)$")
_DOTTED = re.compile(r"^[A-Za-z_$][A-Za-z_$]*\d{0,2}(?:\.[A-Za-z_$][A-Za-z_$]*\d{0,2})+$")
# The roots a dotted reference starts from; a dotted value of plain lower-case words and a
# number ("velvet.correct.ember49") is a passphrase, not a reference.
_REFERENCE_ROOTS = set_of("""self this cls os env environ process config conf cfg settings
secrets secret vault app ctx context params param args kwargs request req vars var values props
options opts creds credentials keys key data obj object window document global globals module
exports import meta inputs input steps needs github matrix runner job jobs""")


def _reference(value: str) -> bool:
    """A dotted name that reads as a reference to where a value is kept ("config.secret",
    "os.environ", "Settings.DB_PASSWORD"), not a passphrase of dotted words."""
    if _DOTTED.match(value) is None:
        return False
    parts = value.split(".")
    return (parts[0].lower() in _REFERENCE_ROOTS or any(not p.islower() for p in parts)
            or not any(c.isdigit() for c in value))


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CODE_STYLE = re.compile(r"^(?:[a-z]+(?:_[a-z]+)+|[a-z]+(?:[A-Z][a-z]+)+|[A-Z]+(?:_[A-Z]+)+)$")
_TYPE_NAME = re.compile(r"^[A-Z][A-Za-z]*(?:\[.*)?$")
_PATH = re.compile(r"^(?:~?\.{0,2}/|[A-Za-z]:\\|\\\\)|\.(?:pem|key|crt|cer|p12|pfx|jks|keystore|"
                   r"json|txt|env|ya?ml|toml|ini|conf|cfg|gpg|asc|pub|der|ppk)$", re.IGNORECASE)
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_KEYWORDS = re.compile(r"(?i)pass|pwd|secret|token|key|auth|cred")
_TWO_DIGITS = re.compile(r"\d[^\d]*\d")
_HEX_ONLY = re.compile(r"[0-9a-fA-F-]*")

# What a sentence says about a password when it is not the password ("the password is
# incorrect", "das Passwort ist falsch", "la contraseña es incorrecta"): the common ones in
# the languages whose words for "password" credentials.py knows.
_PREDICATE = re.compile(
    r"(?i)^(?:incorrect|invalid|wrong|expired|required|missing|correct|different|"
    r"visible|hidden|stored|encrypted|hashed|optional|mandatory|changed|strong|secure|"
    r"needed|updated|accepted|rejected|working|rotated|revoked|reused|shared|leaked|"
    r"unknown|blank|empty|longer|shorter|always|never|usually|sent|saved|case-sensitive|"
    r"valid|active|inactive|disabled|enabled|ready|available|present|absent|unique|"
    r"random|generated|ignored|cached|refreshed|simple|secret|private|public|"
    r"falsch|richtig|abgelaufen|erforderlich|ungültig|gültig|geheim|gespeichert|geändert|"
    r"incorrecte?s?|invalides?|expirée?s?|requise?s?|obligatoires?|oubliée?s?|"
    r"incorrectas?|inválidas?|caducadas?|obligatorias?|errónea|requerida|"
    r"erradas?|expiradas?|obrigatórias?|sbagliata|scaduta|obbligatoria|errata|"
    r"onjuist|verlopen|verplicht|ongeldig|fout|geldig)"
    r"[.!?]*$")


def looks_like_password(value: str) -> bool:
    """Letters with a digit or a symbol: "Pa$$w0rd2024", not "field", "reset" or "re-entry",
    nor "vergessen?" (a sentence's "?" or "!" at the end is not the value's symbol)."""
    core = value.rstrip("!?.")
    return (any(c.isalpha() for c in core)
            and any(c.isdigit() or c in "!@#$%^&*+=?~" for c in core))


def looks_random(token: str) -> bool:
    """Mixed case and digits, high entropy, no long lowercase words (identifiers, paths)."""
    core = token.rstrip("=")
    if _TWO_DIGITS.search(core) is None or _HEX_ONLY.fullmatch(core):
        return False  # few digits (identifiers, words); hex: git SHAs, digests, UUIDs
    upper = sum(map(str.isupper, core))
    lower = sum(map(str.islower, core))
    longest_word = max(map(len, re.findall(r"[a-z]+", core)), default=0)
    return (upper >= 2 and lower >= 2 and longest_word <= 6
            and validators.shannon_entropy(core) >= 4.0)


def decodes_to_credentials(value: str) -> bool:
    """Base64 of "user:password", as Basic auth and Docker's config.json carry it."""
    if len(value) < 8 or not re.fullmatch(r"[A-Za-z0-9+/]+={0,2}", value):
        return False
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return False
    user, colon, password = decoded.partition(":")
    return bool(colon and user and password and decoded.isprintable() and " " not in user)


def encodes_text(value: str) -> bool:
    """Base64 of prose ("VGhlIHF1aWNr…" is "The quick…"): an encoding, not a key."""
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False
    words = decoded.split()
    return (len(words) >= 3 and decoded.isprintable()
            and sum(c.isalpha() or c in " ,.'-!?" for c in decoded) >= 0.9 * len(decoded))


class SecretValues:
    """The value tests that need detect-secrets: its filters and its entropy measures."""

    def __init__(self) -> None:
        # detect-secrets imports requests: loaded here, when a scanner is built, not on import.
        from detect_secrets.filters import heuristic
        from detect_secrets.plugins.high_entropy_strings import (
            Base64HighEntropyString,
            HexHighEntropyString,
        )

        self._templated: Callable[[str], bool] = heuristic.is_templated_secret
        self._sequential: Callable[[str], bool] = heuristic.is_sequential_string
        self.base64 = Base64HighEntropyString()
        self.hex = HexHighEntropyString()

    def is_sequential(self, value: str) -> bool:
        """"abcdefgh…", "0123456789", "ABCDEF…": the library's test for keyboard fillers, and
        alphabets it does not know ("A…Za…z0…9_"): mostly runs of consecutive characters."""
        steps = sum(ord(b) - ord(a) == 1 for a, b in zip(value, value[1:], strict=False))
        return self._sequential(value) or steps >= 0.7 * (len(value) - 1)

    def high_entropy(self, value: str) -> bool:
        """Above the library's own limits: 4.5 bits a character for base64, 3 for hex."""
        if re.fullmatch(r"[0-9a-fA-F]{16,}", value):
            return bool(self.hex.calculate_shannon_entropy(value) > self.hex.entropy_limit)
        return (len(value) >= 20 and re.fullmatch(r"[A-Za-z0-9+/_=-]+", value) is not None
                and self.base64.calculate_shannon_entropy(value) > self.base64.entropy_limit)

    def looks_like_credential(self, value: str) -> bool:
        """A value that reads as a key or password by its shape alone, for names that are
        also everyday words ("key", "clé", "credentials"): random, high-entropy, the base64
        of "user:password", or letters in both cases with digits ("Sommer2024!")."""
        if len(value) < 8 or self.is_sequential(value):
            return False
        if looks_random(value) or self.high_entropy(value) or (
                len(value) >= 16 and decodes_to_credentials(value)):
            return True
        return (re.fullmatch(r"[\w!@#$%^&*+=?~-]+", value) is not None
                and any(c.isupper() for c in value) and any(c.islower() for c in value)
                and any(c.isdigit() for c in value))

    def is_not_a_value(self, value: str, name: str = "", *, quoted: bool = False,
                       after: str = "", code: bool = False) -> bool:
        """A placeholder, a template, a reference to where the value is kept, or a type.

        ``name`` is the name the value is assigned to, ``quoted`` whether it was in quotes,
        ``after`` the text right after it (an identifier followed by "," or ")" is an
        argument passed on, as in ``login(user, password=pw)``), ``code`` whether its quotes
        are Markdown's backticks (code: ``get_token()`` is a call there too).
        """
        bare = value.strip("<>[]{}()\"'`")
        if not value.strip() or self._templated(value) or _TEMPLATE.match(value):
            return True
        if not any(c.isalnum() for c in value) or _MASK.match(value):
            return True  # "********", "----", "xxxx"
        folded = re.sub(r"[\W_]", "", bare.lower())
        if (bare.lower() in _PLACEHOLDER_WORDS or _INSTRUCTION.search(bare)
                or (name and folded == re.sub(r"[\W_]", "", name.lower()))):
            return True  # "None", "your_password", api_key=api_key
        if _URL.match(value) or _PATH.search(value):
            return True  # token_url = "https://…", private_key: ~/.ssh/id_rsa
        if (_IDENTIFIER.match(value) is not None and not any(c.isdigit() for c in value)
                and _KEYWORDS.search(value) is not None):
            return True  # password=user_password, "api_key": "OPENAI_API_KEY" (the variable)
        if quoted and not code:
            return False
        return (_reference(value)                                 # self.token, config.secret
                or "(" in value or "[" in value                   # get_secret(), environ[…]
                or (_IDENTIFIER.match(value) is not None and after[:1] in (",", ")")))

    @staticmethod
    def is_code_style(value: str) -> bool:
        """snake_case, camelCase or UPPER_SNAKE without digits: how code names variables."""
        return _CODE_STYLE.match(value) is not None

    @staticmethod
    def is_type_name(value: str) -> bool:
        """``password: str``, ``token: Optional[str]``, ``secret: SecretStr``."""
        return value.lower() in _PLACEHOLDER_WORDS or _TYPE_NAME.match(value) is not None

    @staticmethod
    def is_predicate(value: str) -> bool:
        """What a sentence says about a password: "incorrect", "falsch", "expirée"."""
        return _PREDICATE.match(value) is not None
