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


def is_card_number(digits: str) -> bool:
    """A 13-19 digit number with a card network's first digit that passes the Luhn check."""
    return (digits.isdigit() and 13 <= len(digits) <= 19 and digits.startswith(_CARD_PREFIXES)
            and len(set(digits)) > 1 and luhn.is_valid(digits))


def is_card_grouping(group_lengths: list[int]) -> bool:
    """Groups as card numbers are printed: fours (the last may be shorter, for 13-19 digits),
    or Amex's and Diners' 4-6-5 and 4-6-4."""
    *fours, last = group_lengths
    return (group_lengths in ([4, 6, 5], [4, 6, 4])
            or (len(fours) >= 3 and all(n == 4 for n in fours) and 1 <= last <= 4))


def is_iban(compact: str) -> bool:
    """Country code, mod-97 check digits, and the country's own length and BBAN format."""
    return iban.is_valid(compact)


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
