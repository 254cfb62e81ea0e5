"""Numeric secrets a word names: PINs, door and alarm codes, one-time and recovery codes.

"My PIN is 4821", "passcode 739104", "Türcode: 4471#", "backup codes: 48392017 93810274",
"recovery code: 8HJ2-KD9Q-PL3M-ZX7W". A password's name takes a value that looks like a
password (letters with a digit or a symbol: credentials.py); these names take what they
name, digits alone: a PIN is four digits.

The cue is the code's name: "PIN" in capitals (a lower-case "pin" is a connector's, "pin
13"), "PIN code", "passcode", "door code", "security code" (a card's CVV), "verification
code", "OTP", "TAN" in capitals, "Geheimzahl", "Türcode", "code PIN", "código PIN"… Then
"is", ":" or nothing, and the value: 3 to 12 digits (spaced or dashed as people type them,
``#`` or ``*`` at the end), or groups of four letters and digits (recovery codes); a list of
them after a plural name ("backup codes"). Not values: a count or a length ("a 4-digit PIN",
"PIN of 6 digits").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .detectors import Span

_NAMES = (
    r"(?:\bPIN(?:[ -]?(?:code|Code|CODE|number|Nummer|no\.?|nr\.?))?|\bTAN|\bOTP"
    r"|(?i:\b(?:pin[ -]?code|pincode|pin[ -]number|pass[ -]?code|door[ -]?code|gate code|"
    r"alarm code|entry code|access code|security code|recovery codes?|backup codes?|"
    r"verification code|confirmation code|one[- ]time (?:code|password|pin)|2fa codes?|"
    r"mfa codes?|otp code|sms code|geheimzahl|türcode|tuercode|zugangscode|sicherheitscode|"
    r"code pin|code d['’]accès|code de la porte|code secret|código pin|código de acceso|"
    r"código de seguridad|codice pin|codice di accesso|pincode|toegangscode|alarmcode|"
    r"alarmcodes|alarm(?:anlagen)?code|larmkod(?:en)?|alarmkode(?:n)?|hälytyskoodi|"
    r"kod alarmu|kod do alarmu|code (?:de l['’])?alarme|código de (?:la )?alarma|"
    r"codice (?:dell['’])?allarme|key ?safe code|lock ?box code|safe code|lock code|"
    r"kod pin|kod dostępu|(?:app|card|bank|sim|phone|debit|credit|atm|my) pin|"
    r"senha do (?:cartão|cartao|banco)|kart(?:ın|in)? şifresi|kart(?:ın|in)? sifresi|"
    r"pin (?:do|de|der|for|of|für) (?:karty|cartão|tarjeta|card|karte|carte))))(?![\w-])")
_VALUE = r"(?:\d(?:[ -]?\d){2,11}[#*]?|[A-Z0-9]{4}(?:-[A-Z0-9]{4}){1,5})(?![\w-])"
_CODE = re.compile(
    rf"{_NAMES}[ \t]*(?:\((?:[^)\n]{{0,30}})\)[ \t]*)?"
    # what the code is for ("kod PIN do karty", "PIN for the card"), then "is" in a language
    r"(?:(?:do|de|der|for|of|für|pour|para|till|til|voor)[ \t]+(?:the[ \t]+)?[^\W\d]{2,20}"
    r"[ \t]+)?(?:(?:is|was|ist|lautet|est|es|è|é|är|er|to|jest|je|:|=|-)[ \t]*)?"
    r"(?:(?:now|the)[ \t]+)?"
    rf"(?P<value>{_VALUE}(?:[ \t]*[,;/]?[ \t]+{_VALUE}){{0,15}})")
# "a 4-digit PIN", "PIN of 6 digits", "PIN 1234 times"? Counts, not values.
_COUNT_AFTER = re.compile(r"[ \t]*(?:-?digits?|-?stellig|chiffres|cifras|cifre|characters|"
                          r"chars|times|tries|attempts|mal|versuche|essais|intentos)\b",
                          re.IGNORECASE)
_HINT = re.compile(r"PIN|TAN|OTP|(?i:code|geheimzahl|passcode|pincode|kod|\bpin\b|senha|"
                   r"şifresi|sifresi|koodi)")


def codes(text: str) -> Iterator[Span]:
    """The values of the PINs and codes ``text`` names."""
    if _HINT.search(text) is None:
        return
    for m in _CODE.finditer(text):
        start, end = m.span("value")
        if _COUNT_AFTER.match(text, end):
            continue
        yield start, end
