"""Checks that tell a real identifier from a number that merely looks like one.

Checksums and registries come from python-stdnum (Luhn, IBAN mod-97 with each country's
length and format, the SSA's rules for SSNs); the rest is what stdnum does not cover.
"""

from __future__ import annotations

import ipaddress
import math
from collections import Counter

from stdnum import iban, luhn
from stdnum.us import ssn

# First digits of the card networks (Visa 4, Mastercard 51-55/22-27, Amex 34/37, Discover 6,
# Diners 30/36/38, JCB 35, UnionPay 62): other numbers that pass Luhn are rarely cards.
_CARD_PREFIXES = ("2", "3", "4", "5", "6")


_TEST_CARDS = """
4242424242424242 4000056655665556 4111111111111111 4012888888881881 4222222222222
4000000000000002 4000000000009995 4000000000000077 4000002500003155 4000000000003220
5555555555554444 2223003122003222 5200828282828210 5105105105105100 5454545454545454
378282246310005 371449635398431 378734493671000 6011111111111117 6011000990139424
3056930009020004 36227206271667 30569309025904 38520000023237 3566002020360505
3530111333300000 6200000000000005"""
TEST_CARD_NUMBERS = frozenset(_TEST_CARDS.split())
"""Card numbers that payment processors and networks publish for testing (Stripe's, the
networks' classic ones): public, nobody's card, and what developers ask about."""


def is_card_number(digits: str) -> bool:
    """A 13-19 digit number with a card network's first digit that passes the Luhn check,
    and is not one of the published test numbers."""
    return (digits.isdigit() and 13 <= len(digits) <= 19 and digits.startswith(_CARD_PREFIXES)
            and len(set(digits)) > 1 and luhn.is_valid(digits)
            and digits not in TEST_CARD_NUMBERS)


def is_card_grouping(group_lengths: list[int]) -> bool:
    """Groups as card numbers are printed: fours (the last may be shorter, for 13-19 digits),
    or Amex's and Diners' 4-6-5 and 4-6-4."""
    *fours, last = group_lengths
    return (group_lengths in ([4, 6, 5], [4, 6, 4])
            or (len(fours) >= 3 and all(n == 4 for n in fours) and 1 <= last <= 4))


EXAMPLE_IBANS = frozenset({
    "DE89370400440532013000", "GB29NWBK60161331926819", "GB82WEST12345698765432",
    "FR1420041010050500013M02606", "NL91ABNA0417164300", "ES9121000418450200051332",
    "CH9300762011623852957", "AT611904300234573201", "IT60X0542811101000000123456",
    "PL61109010140000071219812874", "SE4550000000058398257466", "DK5000400440116243",
    "NO9386011117947", "FI2112345600000785", "PT50000201231234567890154", "IE29AIBK93115212345678",
    "LU280019400644750000", "CZ6508000000192000145399",
})
"""IBANs that the SWIFT registry, banks and standards print as their countries' examples
("DE89 3704 0044 0532 0130 00"): public, nobody's account, and what developers ask about."""


def is_iban(compact: str) -> bool:
    """Country code, mod-97 check digits, and the country's own length and BBAN format; not
    one of the published examples."""
    return iban.is_valid(compact) and compact.upper() not in EXAMPLE_IBANS


def is_ssn(number: str) -> bool:
    """A US SSN that could be issued: area not 000/666/9xx, group not 00, serial not 0000,
    and none of the numbers known from advertising."""
    return ssn.is_valid(number)


def is_ipv4(text: str) -> bool:
    try:
        ipaddress.IPv4Address(text)
    except ValueError:
        return False
    return True


def is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return sum(c in "0123456789abcdefABCDEF" for c in text) >= 3  # not "::" or "a::b"


def shannon_entropy(text: str) -> float:
    """Bits per character."""
    if not text:
        return 0.0
    counts = Counter(text)
    return -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())
