"""Credentials where a syntax, not a name, says what they are: the password of a URL, the
``Authorization`` and ``Cookie`` headers, the password flags of command-line tools, and XML
elements or name/value pairs whose name is a secret's (``<password>…</password>``,
``<add key="ApiKey" value="…"/>``, Kubernetes' ``- name: DB_PASSWORD`` / ``value: …``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .credentials import Strength, classify, value_span
from .detectors import Span
from .secret_text import Lines
from .secret_values import SecretValues

# -- URLs ---------------------------------------------------------------------------------------

_SCHEME = re.compile(r"(?i)(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{1,30}://")
_URL_END = re.compile(r"[\s\"'`<>]|$")
# What follows the "@" that ends a URL's user part: a host (several, for MongoDB), then the
# path, query, fragment or the URL's end. An "@" followed by anything else is in the password.
_HOST = re.compile(r"(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(?::\d{1,5})?(?=[/?#,;)\]]|$)")
_PORT_AND_PATH = re.compile(r"\d{1,5}[/?#]")  # "host:8080/x@y": no password at all
# Templates and the words that stand for a URL's password in documentation.
_URL_PLACEHOLDER = re.compile(r"(?i)^(?:[$%{<\[].*|none|null|true|false|undefined|password|"
                              r"passwd|pass|pwd|secret|token|your[_-]?password|x+|\*+|"
                              r"env\b.*|getenv.*|changeme|placeholder)$")


def url_passwords(text: str, lines: Lines) -> Iterator[Span]:
    """``scheme://user:password@host``: the password, whatever it holds (``#``, ``?``, ``/``,
    ``@``, ``:`` written raw or percent-encoded); the user and host stay."""
    schemes = (m for start, end in lines.holding(text, ["://"])
               for m in _SCHEME.finditer(text, start, end))
    for scheme in schemes:
        start = scheme.end()
        url = text[start:_URL_END.search(text, start).start()]  # type: ignore[union-attr]
        colon = url.find(":")
        if colon < 0 or "@" not in url[colon:] or any(c in url[:colon] for c in "/?#@"):
            continue
        for at in (i for i, c in enumerate(url) if c == "@" and i > colon):
            if _HOST.match(url, at + 1):
                password = url[colon + 1:at]
                if password and not (_PORT_AND_PATH.match(password)
                                     or _URL_PLACEHOLDER.match(password)):
                    yield start + colon + 1, start + at
                break


# -- HTTP headers ---------------------------------------------------------------------------------

_AUTHORIZATION = re.compile(
    r"(?im)(?<![\w-])(?P<named>[\"']?)(?:proxy-)?authori[sz]ation(?P<closed>[\"']?)[ \t]*[:=][ \t]*"
    r"(?P<opened>[fbr]?[\"'`]?)"
    r"(?:(?P<scheme>[A-Za-z][\w-]*)[ \t]+)?(?P<value>[^\s\"'`]+)(?P<params>[^\n]*)")
_SCHEMES = frozenset({"basic", "bearer", "token", "digest", "negotiate", "ntlm", "oauth",
                      "apikey", "api-key", "key", "jwt", "hoba", "mutual", "vapid", "sso-key",
                      "ssws", "aws4-hmac-sha256"})
_ONE_TOKEN = frozenset({"basic", "bearer", "token"})
_COOKIE = re.compile(r"(?im)(?<![\w-])(?P<set>set-)?cookie[\"']?[ \t]*:[ \t]*[\"']?"
                     r"(?P<pairs>[^\n\"']+)")
_PAIR = re.compile(r"([^=;,\s]+)=([^;,\s\"']*)")
_SESSION = re.compile(r"(?i)sess|sid|auth|token|jwt|login|remember|csrf|xsrf|key|secret|pass")


def header_credentials(text: str, lowered: str, lines: Lines,
                       values: SecretValues) -> Iterator[Span]:
    """``Authorization: <scheme> <credentials>`` (the credentials; Digest's and AWS's
    parameters whole), and the values of ``Cookie`` / ``Set-Cookie`` that hold a session."""
    for match in (m for start, end in lines.holding(lowered, ["authori"])
                  for m in _AUTHORIZATION.finditer(text, start, end)):
        value = match.group("value")
        if match.group("closed") and not match.group("opened"):
            continue  # {"Authorization": authorization}: a quoted name, a variable's value
        if value.lower().rstrip(",;") in _SCHEMES or values.is_not_a_value(value.rstrip(",;")):
            continue  # "Authorization: Bearer <token>", "Bearer ${TOKEN}"
        start, end = match.span("value")
        scheme = (match.group("scheme") or "").lower()
        if scheme not in _ONE_TOKEN and re.match(r"[A-Za-z][\w-]*=", value):
            # Digest's and AWS's parameters (username="…", Signature=…): the rest of the
            # header, up to the quote it was written in
            quote = match.group("named")
            end = match.end("params")
            if quote in ("'", '"') and quote in text[start:end]:
                end = text.rindex(quote, start, end)
        yield start, start + len(text[start:end].rstrip(" \t,;"))
    for match in (m for start, end in lines.holding(lowered, ["cookie"])
                  for m in _COOKIE.finditer(text, start, end)):
        pairs = list(_PAIR.finditer(match.group("pairs")))[:1 if match.group("set") else None]
        for pair in pairs:
            name, value = pair.groups()
            if len(value) >= 4 and not values.is_not_a_value(value) and (
                    _SESSION.search(name) or len(value) >= 16 and not value.isalpha()):
                offset = match.start("pairs") + pair.start(2)
                yield offset, offset + len(value)


# -- command lines ---------------------------------------------------------------------------------

_ARG = r"'[^'\n]*'|\"[^\"\n]*\"|[^\s'\"]+"
# Tools (the words they start with, then a regex of their names) and the flags that take their
# password. Glued ("-pS3cret") where a space would make the next word something else: mysql's
# "-p dbname" prompts for the password of dbname.
_TOOL_FLAGS: list[tuple[tuple[str, ...], str, str, str]] = [
    (("sshpass",), r"sshpass", r"-p[ \t]*", _ARG),
    (("mysql", "mariadb"), r"mysql\w*|mariadb(?:-\w+)?", r"-p(?=[^\s-])", _ARG),
    (("docker", "podman", "nerdctl", "buildah", "skopeo", "helm", "oras"),
     r"(?:docker|podman|nerdctl|buildah|skopeo|helm(?:[ \t]+registry)?|oras)[ \t]+login",
     r"(?:-p|--password)[ \t=]+", _ARG),
    (("redis-cli",), r"redis-cli", r"-a[ \t]*", _ARG),
    (("sqlcmd", "bcp", "osql"), r"sqlcmd|bcp|osql", r"-P[ \t]*", _ARG),
    (("mongo",), r"mongo(?:sh|dump|restore|export|import|stat|top)?", r"-p[ \t]+", _ARG),
    (("zip", "unzip"), r"zip|unzip|zipcloak", r"-P[ \t]*", _ARG),
    (("7z", "rar", "unrar"), r"7z[ar]?|rar|unrar", r"-p(?=[^\s-])", _ARG),
    (("ldap",), r"ldap(?:search|add|modify|delete|whoami|passwd|compare|modrdn)", r"-w[ \t]*",
     _ARG),
    (("az",), r"az[ \t]+login", r"-p[ \t]+", _ARG),
    (("ssh-keygen",), r"ssh-keygen", r"-[NP][ \t]*", _ARG),
    (("xfreerdp", "wlfreerdp"), r"[xw]l?freerdp", r"/p:", _ARG),
    (("keytool", "jarsigner"), r"keytool|jarsigner", r"-(?:src|dest)?(?:store|key)pass[ \t]+",
     _ARG),
    (("openssl",), r"openssl", r"-(?:pass(?:in|out)?|k)[ \t]+(?:pass:)?", _ARG),
    (("curl",), r"curl", r"(?:-u|--user|-U|--proxy-user)[ \t=]*[^\s:'\"]*:", _ARG),
    (("smb", "rpcclient"), r"smbclient|rpcclient|smbmap", r"(?:-U|--user)[ \t=]*[^\s%'\"]*%",
     _ARG),
    (("lftp",), r"lftp", r"-u[ \t]+[^\s,'\"]*,", _ARG),
    (("sqlplus", "rman", "expdp", "impdp"), r"sqlplus|rman|expdp|impdp",
     r"(?:-\w+[ \t]+)*[\w$#]+/(?=\S)", r"[^\s'\"@]+"),  # user/password@database
    (("htpasswd",), r"htpasswd", r"-\w*b\w*[ \t]+\S+[ \t]+\S+[ \t]+", _ARG),
]
_COMMANDS = [(cues, re.compile(rf"(?<![\w./-])(?:{tool})(?=[ \t])[^\n|;&]*?(?<=[ \t]){flag}"
                               rf"(?P<value>{value})"))
             for cues, tool, flag, value in _TOOL_FLAGS]
_FILE_REFERENCE = re.compile(r"(?i)^(?:env|file|fd):|^stdin$")  # openssl's -passin env:VAR


def command_passwords(text: str, lowered: str, lines: Lines,
                      values: SecretValues) -> Iterator[Span]:
    """The value of a tool's password flag: ``sshpass -p '…'``, ``mysql -p…``,
    ``docker login -p …``, ``curl -u user:…``, ``openssl … -passin pass:…``."""
    if not (" -" in text or "\t-" in text or "/" in text):
        return  # every flag above is a dash after a space, or a slash (/p:, user/password)
    for cues, pattern in _COMMANDS:
        for line_start, line_end in lines.holding(lowered, cues):
            for match in pattern.finditer(text, line_start, line_end):
                value, start, end, _ = value_span(text, *match.span("value"))
                if value and not value.startswith("-") and not _FILE_REFERENCE.match(value) and (
                        not values.is_not_a_value(value, quoted=True)):
                    yield start, end


# -- XML and name/value pairs ---------------------------------------------------------------------

_ELEMENT = re.compile(r"<(?P<tag>[A-Za-z_][\w.:-]{0,60})(?:[ \t][^<>\n]*)?>"
                      r"(?P<value>[^<>\n]{1,200})</(?P=tag)>")
_NAME_THEN_VALUE = re.compile(
    r"(?i)(?<![\w-])(?:name|key)[\"']?[ \t]*[=:][ \t]*[\"']?(?P<name>[\w.:-]{2,80})[\"']?"
    r"(?:[ \t]*[,;]?[ \t]*\n?[ \t]*-?[ \t]*[\"']?value[\"']?[ \t]*[=:][ \t]*"
    r"(?P<value>\"[^\"\n]*\"|'[^'\n]*'|[^\s\"',;/>]+)"
    r"|[\"'][^<>\n]*>(?P<text>[^<>\n]{1,200})</)")
_SECRET_WORD = re.compile(
    r"(?i)(pass(?:word|wd|wort)?|pwd|kennwort|wachtwoord|contrase[ñn]a|senha|secret|token|"
    r"key|credentials?)$")


def _name_strength(name: str) -> Strength | None:
    word = _SECRET_WORD.search(name)
    if word is None:
        return None
    group = ("key" if word.group().lower() == "key"
             else "weak" if word.group().lower().startswith("cred") else "password")
    return classify(name, word.group(), group)


def named_elements(text: str, lowered: str, lines: Lines,
                   values: SecretValues) -> Iterator[Span]:
    """``<password>…</password>``, ``<entry key="password">…</entry>``, and a secret's name
    followed by its value (``<add key="ApiKey" value="…"/>``, ``{"name": "DB_PASSWORD",
    "value": "…"}``, Kubernetes' env lists)."""
    for match in (m for start, end in lines.holding(text, ["</"])
                  for m in _ELEMENT.finditer(text, start, end)):
        yield from _judged(text, match.group("tag"), match.span("value"), values)
    for match in (m for start, end in lines.holding(lowered, ["value", "</"], before=1)
                  for m in _NAME_THEN_VALUE.finditer(text, start, end)):
        group = "value" if match.group("value") is not None else "text"
        yield from _judged(text, match.group("name"), match.span(group), values)


def _judged(text: str, name: str, span: Span, values: SecretValues) -> Iterator[Span]:
    strength = _name_strength(name.split(":")[-1])
    if strength is None:
        return
    value, start, end, quoted = value_span(text, *span)
    value = value.strip()
    if not value or values.is_not_a_value(value, name, quoted=True):
        return
    if strength is Strength.STRONG or values.looks_like_credential(value):
        start = text.index(value, start)
        yield start, start + len(value)
