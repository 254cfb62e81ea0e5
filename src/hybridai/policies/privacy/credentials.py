"""Values that a name says are credentials: ``DB_PASSWORD=…``, ``"api_key": "…"``,
``--token …``, "Passwort: …", "le mot de passe est …", "password Pa$$w0rd1".

A name is a word for a password, token, secret or key, in English and the languages people
write prompts in, alone or as the last part of an identifier (``smtp_pass``, ``PGPASSWORD``,
``X-API-Key``, ``spring.datasource.password``). What follows it decides how the value is read:
an assignment (``=``, ``:``, ``=>``, ``:=``…) takes any value that is not a placeholder or a
reference to one (``secret_values``); a sentence ("… is …", "… ist …", "… est …") or a bare
value ("password Pa$$w0rd1") takes only a value that looks like a password, since sentences
say more about passwords than they reveal. Names that are also everyday words ("key", "clé",
"credentials") take only values that look like credentials whatever the form.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import Enum

from .detectors import Span
from .secret_text import occurrences
from .secret_values import SecretValues, looks_like_password, looks_random


class Strength(Enum):
    STRONG = "strong"  # whatever is assigned to it is a credential
    WEAK = "weak"      # also an everyday word: the value must look like a credential


# The words, by what they name: a password, a token, a secret, a key, or (weak) words that
# name credentials but are everyday words too. Lowercase; "mot de passe" is read whole.
_WORDS = {
    "password": """mot de passe|mot-de-passe|parola d'ordine|parola d’ordine|palavra-passe|
        palavra passe|code d'accès|code d’accès|code d'acces|password|passwd|passwort|
        passphrase|passcode|kennwort|wachtwoord|contraseña|contrasena|senha|lösenord|losenord|
        passord|adgangskode|salasana|hasło|haslo|heslo|jelszó|jelszo|parolă|şifre|sifre|
        lösenordet|losenordet|passordet|adgangskoden|salasanani|salasanasi|hasła|hasla|hasłem|
        hesla|heslem|jelszava|jelszavam|şifresi|sifresi|şifrem|sifrem|şifreniz|parolei|
        zugangscode|пароль|密码|密碼|口令|パスワード|비밀번호|pwd|pass|pw|mdp""",
    "token": "token|jeton|токен|令牌|トークン|토큰",
    "secret": "secret|密钥|秘密鍵",
    "key": """clé api|clé d'api|clé d’api|cle api|clave api|clave de api|clave de la api|
        chiave api|chiave dell'api|chiave dell’api|api-schlüssel|api-schluessel|key|schlüssel|
        schluessel|clé|clave|chiave|sleutel|nyckel|nøgle|nøkkel|klucz|ключ""",
    "weak": """credentials|credential|creds|zugangsdaten|identifiants|credenciales|credencial|
        credenciais|credenziali|auth|signature|parola""",
}
_GROUP_OF = {word.strip(): group for group, words in _WORDS.items()
             for word in words.split("|")}
# A word ends the name: "tokens", "keyboard" and "passport" are other words. (Not for CJK,
# which has no spaces: "密码是…" is "the password is …".)
_END = r"(?![0-9a-z_\u00df-\u024f\u0430-\u045f])"
# Each word is looked for by its first four letters (str.find, far cheaper than one regex of
# them all), then read whole where they occur.
_BY_STEM = {stem: re.compile("|".join(re.escape(w) for w in sorted(
                (w for w in _GROUP_OF if w[:4] == stem), key=len, reverse=True)) + _END)
            for stem in {w[:4] for w in _GROUP_OF}}
_ASCII_STEMS = [stem for stem in _BY_STEM if stem.isascii()]


def keywords(text: str, lowered: str) -> Iterator[tuple[int, int, str]]:
    """Start, end and group of every secret's name word in ``text`` (``lowered`` is
    ``fold(text)``)."""
    ascii_only = text.isascii()
    stems = _ASCII_STEMS if ascii_only else _BY_STEM
    starts = {(at, stem) for stem in [s for s in stems if s in lowered]
              for at in occurrences(lowered, stem)}
    for at, stem in sorted(starts):
        match = _BY_STEM[stem].match(lowered, at)
        if match:
            yield at, match.end(), _GROUP_OF[match.group()]


# Words that make "key" a secret's name: "api key", "AccountKey", "X-API-Key", "clé API".
_KEY_QUALIFIERS = frozenset({
    "api", "apis", "secret", "access", "private", "master", "auth", "client", "account",
    "license", "licence", "signing", "sign", "encryption", "decryption", "crypto", "cipher",
    "ssh", "deploy", "service", "subscription", "consumer", "session", "shared", "storage", "app",
    "application", "admin", "root", "webhook", "hmac", "jwt", "aes", "gpg", "pgp", "personal",
    "developer", "server", "sas", "security", "product", "activation", "registration", "serial"
})
# Abbreviations that are words or commands too ("pass the salt", "pwd /home"): assignments only.
_ABBREVIATIONS = frozenset({"pass", "pw", "pwd", "mdp"})
_GLUED = frozenset({"password", "passwd", "passwort", "kennwort", "secret", "token"})
_PARTS = re.compile(r"[^0-9A-Za-z\u00C0-\u024F\u0400-\u04FF\u3040-\u30FF\u4E00-\u9FFF"
                    r"\uAC00-\uD7AF]+|(?<=[a-z0-9])(?=[A-Z])")

# Prepositions that may name what the password is for ("for the wifi", "für den Router",
# "du compte", "del wifi", "do banco", "van de router") and copulas ("is", "ist", "lautet",
# "est", "es", "é", "è", "är", "er", "jest", "是", "は", "는").
_PREPOSITIONS = (r"for|of|on|to|at|in|from|für|fürs|von|vom|zum|zur|bei|de|du|des|d['’]|pour|"
                 r"del|para|do|da|dos|das|di|della|dello|per|van|voor|bij|för|till|av|til|dla|"
                 r"для|от")
_COPULAS = r"is|was|ist|war|lautet|est|était|es|era|é|è|är|var|er|jest|je|это|—"
_QUOTED = r"\"(?:[^\"\\\n]|\\.){0,200}\"|'(?:[^'\\\n]|\\.){0,200}'|`[^`\n]{0,200}`"
_UNQUOTED = r"(?:[^\s\"'`,;&<]|&(?![\w.-]+=)|<(?!/))+"
_AFTER = re.compile(
    r"(?P<close>\??(?:[\"'`]\]?|\])?)"
    # "password: str = …": a type annotation before the value
    r"(?:[ \t]*:[ \t]*[A-Za-z_][\w.\[\], |]{0,40}?(?=[ \t]*=[^=>]))?"
    # "the password for the wifi: …", "Passwort für den Router: …"
    rf"(?:(?P<purpose>[ \t]+(?:{_PREPOSITIONS})[ \t]+(?:[^\s:]+[ \t]+){{0,3}}?[^\s:]+)(?=[ \t]*:))?"
    r"(?:[ \t]*(?P<op>:=|===?|!==?|=>|->|=|:(?!:)|：|[—–](?=[ \t]))[ \t]*@?"
    rf"|(?P<prose>[ \t]+(?:(?:{_PREPOSITIONS})[ \t]+(?:\S+[ \t]+){{0,3}}?)?"
    rf"(?P<verb>{_COPULAS})[ \t]*:?[ \t]+)"
    r"|(?P<cjk>[ \t]*(?:是|为|為|は|는|은)[ \t]*)"
    r"|(?P<space>[ \t]+))"
    rf"(?P<value>{_QUOTED}|{_UNQUOTED})", re.IGNORECASE)
_STATEMENT_END = re.compile(r"[;,)]|#|//|--")
_ENGLISH_COPULAS = frozenset({"is", "was"})
# The words whose "… is <a plain word>" states a password (English, and Dutch, whose "is" it
# is too); other words and languages need a value shaped like one (SecretDetector.hint).
_PLAIN_WORD_PASSWORDS = ("passw", "passphrase", "passcode", "wachtwoord")  # not "pass": a verb
_BUILTIN_TYPES = frozenset({
    "str", "string", "int", "bool", "boolean", "bytes", "number", "text", "any", "object", "char",
    "varchar", "secretstr", "secretbytes"
})


def classify(name: str, keyword: str, group: str, word_before: str = "") -> Strength | None:
    """How strongly ``name`` (which ends with ``keyword`` of ``group``) names a credential;
    None when the keyword is only the end of another word ("monkey", "bypass", "compass")."""
    if any(c in keyword for c in " -'’"):  # a phrase ("mot de passe", "clé API") says it all
        return Strength.WEAK if group == "weak" else Strength.STRONG
    parts = [p for p in _PARTS.split(name) if p]
    if not parts:
        return None
    last, word = parts[-1].lower(), keyword.lower()
    if last == word:
        before = parts[-2].lower() if len(parts) > 1 else word_before.lower()
    elif last.endswith(word) and (word in _GLUED or not word.isascii()):
        before = last[:-len(word)]  # "PGPASSWORD", "clientsecret", "我的密码"
    elif last.endswith(word) and group == "key" and last[:-len(word)] in _KEY_QUALIFIERS:
        before = last[:-len(word)]  # "apikey", "AccountKey"
    else:
        return None
    if group == "key":
        return Strength.STRONG if before in _KEY_QUALIFIERS else Strength.WEAK
    return Strength.WEAK if group == "weak" else Strength.STRONG


_CLOSER = {"(": ")", "[": "]", "{": "}"}


def opaque(value: str) -> bool:
    """Not a word: a digit or a symbol in it, or a long run of letters in both cases. What a
    token or key holds ("ghp_…", "nonexistent-but-real-9"), not what a model's token or a
    local server's dummy key is ("Hello", "lm-studio")."""
    inner = value[1:-1]  # a leading sigil is not a symbol in it: token == "#bygroup"
    return (any(c.isdigit() for c in value)
            or any(not (c.isalnum() or c in "-_'\"`") for c in inner)
            or (len(value) >= 20 and value.isalpha() and not value.islower()
                and not value.isupper()))


def value_span(text: str, start: int, end: int) -> tuple[str, int, int, bool]:
    """The value between ``start`` and ``end`` without its quotes, and whether it had them;
    an unquoted one without the sentence's end (".", ",", an unbalanced bracket)."""
    raw = text[start:end]
    quoted = False
    while raw[:1] in ("\"", "'", "`") and len(raw) >= 2 and raw[-1] == raw[0]:
        raw, start, end, quoted = raw[1:-1], start + 1, end - 1, True  # `"read"` in Markdown
    if quoted:
        return raw, start, end, True
    depth = {")": 0, "]": 0, "}": 0}
    for i, c in enumerate(raw):  # a closer without its opener ends the value: f(token=t).x
        if c in "([{":
            depth[_CLOSER[c]] += 1
        elif c in depth:
            depth[c] -= 1
            if depth[c] < 0:
                raw = raw[:i]
                break
    raw = raw.rstrip(".,:;")
    return raw, start, start + len(raw), False


class NamedValues:
    """Every value a secret's name stands before, in the forms above."""

    def __init__(self, values: SecretValues) -> None:
        self.values = values

    def find(self, text: str, lowered: str) -> Iterator[Span]:
        for at, end, group in keywords(text, lowered):
            keyword = text[at:end]
            name_start = at
            while name_start > max(0, at - 60) and (text[name_start - 1].isalnum()
                                                   or text[name_start - 1] in "_.$@-"):
                name_start -= 1
            name = text[name_start:end]
            if text.endswith("://", 0, name_start):
                continue  # "postgres://pw:0@db…": a URL's user, its password url_passwords'
            word_before = (re.search(r"(\w+)[ \t]$", text[max(0, at - 30):at])
                           if name_start == at else None)
            strength = classify(name, keyword, group,
                                word_before.group(1) if word_before else "")
            after = _AFTER.match(text, end) if strength else None
            if strength is None or after is None:
                continue
            value, start, stop, quoted = value_span(text, *after.span("value"))
            opener = text[after.start("value")]
            if (quoted and name_start and text[name_start - 1] == opener
                    and opener not in after.group("close")):
                continue  # "Password: " + pw: the quote ends the string the name is in
            if self._accept(text, name, keyword, group, strength, after, value, quoted, stop):
                yield start, stop

    def _accept(self, text: str, name: str, keyword: str, group: str, strength: Strength,
                after: re.Match[str], value: str, quoted: bool, end: int) -> bool:
        values, follows = self.values, text[end:end + 1]
        backticks = quoted and text[end:end + 1] == "`"
        if values.is_not_a_value(value, name, quoted=quoted, after=follows, code=backticks):
            return False
        if value != value.strip() or (group in ("token", "key") and not opaque(value)):
            return False  # "token": " la" (a model's token), api_key="lm-studio"
        if any(c.isspace() for c in value) and (group != "password" or len(value.split()) > 6
                                               or ". " in value):
            return False  # a passphrase has spaces; a token, a key or a sentence is not one
        if not after.group("op") and ("=" in value or "(" in value):
            return False  # "pass `verbosity=0`", "token: `get_token()`": code, not a value
        if after.group("op"):
            return self._assigned(text, after, value, quoted, end, strength, group)
        if strength is Strength.WEAK:
            return values.looks_like_credential(value)
        if after.group("prose") or after.group("cjk"):
            if values.high_entropy(value) or looks_random(value):
                return True  # "The API secret is 3f9a1c7e…": a key, whatever names it
            if name.lower() == "secret" or values.is_predicate(value):
                return False  # "the secret is patience", "the password is incorrect"
            verb = (after.group("verb") or "").lower()
            if (verb in _ENGLISH_COPULAS and not quoted
                    and keyword.lower().startswith(_PLAIN_WORD_PASSWORDS)):
                return len(value) >= 6  # "the password is swordfish"; "a token is sampled" no
            return quoted or looks_like_password(value) or values.looks_like_credential(value)
        if name.startswith("-"):  # "--password S3cret", "-storepass S3cret"
            return (not value.startswith("-") and len(value) >= 4
                    and not value.isalpha())  # "--password options", "… requires --user"
        if group == "password" and keyword.lower() not in _ABBREVIATIONS:
            return quoted or (len(value) >= 6 and looks_like_password(value)
                              and not values.is_predicate(value))  # "password Pa$$w0rd1"
        if group == "password":  # "user bob, pass Sah9Jeith"; not "pass the salt", "pwd /tmp"
            return (len(value) >= 6 and any(c.isdigit() for c in value)
                    and any(c.isalpha() for c in value))
        return group in ("token", "key") and values.looks_like_credential(value)

    def _assigned(self, text: str, after: re.Match[str], value: str, quoted: bool, end: int,
                  strength: Strength, group: str) -> bool:
        values, op = self.values, after.group("op")
        if strength is Strength.WEAK:
            return values.looks_like_credential(value)
        if value.isdigit():  # a PIN is a password; "max_token: 4096" is a count
            return len(value) >= (4 if group == "password" else 6)
        if len(value) < 4 and not (quoted and len(value) >= 3):
            return False
        if quoted:
            return True
        newline = text.find("\n", end)
        rest = text[end:newline if newline >= 0 else len(text)]
        if op in (":", "：", "—", "–"):
            if value.lower() in _BUILTIN_TYPES or (
                    values.is_type_name(value) and rest.lstrip()[:1] in ("=", ",", ")", ";",
                                                                         "|", "]")):
                return False  # "password: str", "token: Optional[str] = None"
            if value.isalpha() and (rest.strip(" \t.!") or values.is_predicate(value)):
                return False  # "Password: please enter it below"
        if op == "=" and text[after.start("op") - 1:after.start("op")] in (" ", "\t"):
            # code: "secret = new_key", "token = await get_token()"; a value then ends the
            # statement, and a variable's name is not a secret
            return not (values.is_code_style(value)
                        or (rest.strip() and not _STATEMENT_END.match(rest.strip())))
        return True
