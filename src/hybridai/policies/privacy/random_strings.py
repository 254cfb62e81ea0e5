"""Long random-looking strings, named or not: keys nobody labelled.

Quoted strings are judged as detect-secrets' Base64HighEntropyString judges them (its regex
and its 4.5-bit limit); bare runs must also mix cases and digits (``looks_random``), since
prose and code hold far more bare runs than quoted ones. Both must be gibberish to the
library's gibberish filter (a character-bigram model trained on RFCs, shipped with
detect-secrets, run by ``gibberish-detector``): "PLATLIB/pywin32_system32" has entropy but
is made of words. Not secrets either, whatever their entropy: hex (git SHAs, digests,
UUIDs), sequential strings, public material (the body of a public key or certificate, an
OpenSSH public key line, a ``data:`` URI's payload, a Stripe publishable key, which Stripe
means for web pages), base64 of prose, file paths, lock files' hashes, values named as IDs and
typed object IDs (``call_…``, ``msg_…``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from .detectors import Span
from .secret_text import Lines
from .secret_values import SecretValues, encodes_text, looks_random

_LONG = re.compile(r"\S{24}")
_BARE = re.compile(r"(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{24,}={0,2}(?![A-Za-z0-9+/_=-])")
_PUBLIC_BLOCK = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*(?:PUBLIC KEY|CERTIFICATE)-----"
                           r"[\s\S]*?-----END [A-Z0-9 ]+-----")
# Public by design: an OpenSSH public key line ("ssh-ed25519 AAAAC3Nza… user@host"), the
# payload of a data: URI (an inlined image or font), a Stripe publishable key.
_PUBLIC_INLINE = re.compile(
    r"(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp\d{3}|sk-(?:ssh-ed25519|ecdsa-sha2-nistp256)"
    r"@openssh\.com)[ \t]+AAAA[A-Za-z0-9+/]+={0,3}"
    r"|data:[\w.+-]+/[\w.+-]+(?:;[\w.+-]+=[\w.+-]+)*;base64,[A-Za-z0-9+/]+={0,2}"
    r"|(?<![A-Za-z0-9_])pk_(?:live|test)_[A-Za-z0-9]{16,}")
# Lock files and manifests pin packages by hash ("integrity": "sha512-…", hash = "sha256:…").
_HASH_CONTEXT = re.compile(r"(?i)(?:sha\d{1,3}|md5|blake2b?)[-:]$|(?:integrity|checksum|hash|"
                           r"digest|etag)[\"']?\s*[:=]\s*[\"']?$")
_HEX = re.compile(r"[0-9a-fA-F-]+")
# Named as an identifier: "id": "…", request_id=…, traceId: …
_ID_NAME = re.compile(r"(?:(?<![A-Za-z])(?:id|ids|uuid|guid)|_id|Id|ID)[\"']?\s*[:=]\s*[\"'`]?$")
# A typed object ID: a lowercase type, then the random part ("call_6Xsw…", "msg_01…",
# "cus_Nffr…"). Vendors' secret keys with such prefixes are vendor_keys' (sk_live_, whsec_…).
_OBJECT_ID = re.compile(r"[a-z]{2,12}[_-][A-Za-z0-9]{16,}")
_GIBBERISH_LIMIT = 3.7  # the library's own, "obtained through trial and error"


@cache
def gibberish_score() -> Callable[[str], float]:
    """How far from words a string is, by detect-secrets' RFC model: above 3.7, gibberish."""
    from detect_secrets.filters import gibberish
    from gibberish_detector import serializer
    from gibberish_detector.detector import Detector

    with open(os.path.join(gibberish.__path__[0], "rfc.model")) as model:
        detector: Any = Detector(serializer.deserialize(model.read()), _GIBBERISH_LIMIT)
    return lambda text: float(detector.calculate_probability_of_being_gibberish(text.lower()))


class RandomStrings:
    def __init__(self, values: SecretValues) -> None:
        from detect_secrets.filters import heuristic

        self.values = values
        self._quoted = values.base64.regex  # the plugin's own: a quoted run of base64 characters
        self._likely_id: Callable[[str, str], bool] = heuristic.is_likely_id_string
        self._gibberish = gibberish_score()

    def find(self, text: str, lines: Lines, longest_word: int) -> Iterator[Span]:
        """``longest_word``: the text's longest run without whitespace. A bare run needs 24
        characters; a quoted one above 4.5 bits a character needs 23 and its quotes."""
        if longest_word < 24:
            return
        public = [m.span() for m in _PUBLIC_BLOCK.finditer(text)] if "-----" in text else []
        public += [m.span() for m in _PUBLIC_INLINE.finditer(text)]
        for start, end in lines.around(m.start() for m in _LONG.finditer(text)):
            for match in self._quoted.finditer(text, start, end):
                a, b = match.span(2)
                if (self.values.base64.calculate_shannon_entropy(match.group(2))
                        > self.values.base64.entropy_limit
                        and self._plausible(text, a, b, public)):
                    yield a, b
            for match in _BARE.finditer(text, start, end):
                a, b = match.span()
                if looks_random(match.group()) and self._plausible(text, a, b, public):
                    yield a, b

    def _plausible(self, text: str, start: int, end: int, public: list[Span]) -> bool:
        token = text[start:end]
        line_start = text.rfind("\n", 0, start) + 1
        return not (
            _HEX.fullmatch(token)
            or _OBJECT_ID.fullmatch(token)
            or self.values.is_sequential(token.rstrip("="))
            or any(a <= start < b for a, b in public)
            or encodes_text(token)
            or _is_path(text, start, end)
            or _HASH_CONTEXT.search(text, max(line_start, start - 40), start)
            or _ID_NAME.search(text, max(line_start, start - 40), start)
            or self._likely_id(token, text[line_start:end])
            or self._gibberish(token) <= _GIBBERISH_LIMIT)


def _is_path(text: str, start: int, end: int) -> bool:
    """"/usr/lib/x86_64-linux-gnu/libQt5Core" (.so.5): slashes between names, a file's
    extension after them."""
    token = text[start:end]
    if "/" not in token.strip("/"):
        return False
    extension = re.match(r"\.[A-Za-z][A-Za-z0-9]{0,5}\b", text[end:end + 8]) is not None
    return extension or token.startswith(("/", "~/", "./")) and token.count("/") >= 2
