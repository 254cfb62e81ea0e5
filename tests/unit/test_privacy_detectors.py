"""Validators and detectors: real identifiers found, look-alikes left alone."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hybridai.config import PrivacySettings
from hybridai.policies.privacy import validators
from hybridai.policies.privacy.scanner import Scanner


def kinds_in(text: str, **settings: object) -> list[tuple[str, str]]:
    scanner = Scanner.from_settings(PrivacySettings(**settings))  # type: ignore[arg-type]
    return [(f.kind, text[f.start:f.end]) for f in scanner.scan(text)]


@pytest.mark.parametrize(("number", "valid"), [
    ("4539148803436467", True),       # Visa
    ("379123456789018", True),        # Amex, 15 digits
    ("5425233430109903", True),       # Mastercard
    ("4539148803436468", False),      # last digit off: Luhn fails
    ("1234567812345670", False),      # passes Luhn, but no card network starts with 1
    ("0000000000000000", False),      # passes Luhn, one digit repeated
    ("453914880343", False),          # 12 digits: too short
    ("45391488034364671234", False),  # 20 digits: too long
])
def test_card_numbers(number, valid):
    assert validators.is_card_number(number) is valid


@pytest.mark.parametrize(("iban", "valid"), [
    ("GB12WEST12345698765431", True),
    ("DE08370400440532013100", True),
    ("DE89370400440532013000", False),  # the German example IBAN: published, nobody's
    ("FR1420041010050500013M02606", False),  # the French example
    ("NL64ABNA0417164301", True),
    ("GB82WEST12345698765433", False),   # check digits wrong
    ("GB82WEST1234569876543", False),    # one short of GB's 22 characters
    ("DE8937040044053201300000", False),  # longer than Germany's 22
    ("XX82WEST12345698765432", False),   # no such country
])
def test_ibans(iban, valid):
    assert validators.is_iban(iban) is valid


@pytest.mark.parametrize(("groups", "printed"), [
    ([4, 4, 4, 4], True), ([4, 4, 4, 1], True), ([4, 4, 4, 4, 3], True),
    ([4, 6, 5], True), ([4, 6, 4], True),               # Amex, Diners
    ([1, 15], False), ([2, 14], False), ([4, 12], False),  # decimals
    ([4, 4, 8], False), ([4, 4, 4, 5], False), ([3, 4, 4, 4], False),
])
def test_card_groupings(groups, printed):
    assert validators.is_card_grouping(groups) is printed


@pytest.mark.parametrize(("ssn", "valid"), [
    ("536-22-1234", True),
    ("000-12-3456", False),   # area 000
    ("666-12-3456", False),   # area 666
    ("912-12-3456", False),   # area 9xx
    ("536-00-1234", False),   # group 00
    ("536-22-0000", False),   # serial 0000
    ("078-05-1120", False),   # the Woolworth wallet card number
])
def test_ssns(ssn, valid):
    assert validators.is_ssn(ssn) is valid


@pytest.mark.parametrize(("text", "expected"), [
    ("write to jane.doe@example.org today", [("email", "jane.doe@example.org")]),
    ("call (415) 555-0132 after six", [("phone", "(415) 555-0132")]),
    ("London office +44 20 7946 0958.", [("phone", "+44 20 7946 0958")]),
    ("card 4539 1488 0343 6467, exp 09/27", [("card", "4539 1488 0343 6467")]),
    ("IBAN GB12 WEST 1234 5698 7654 31 OK", [("iban", "GB12 WEST 1234 5698 7654 31")]),
    ("my SSN is 536-22-1234", [("ssn", "536-22-1234")]),
    ("ssn: 536221234", [("ssn", "536221234")]),
    ("my social is 536 22 1234", [("ssn", "536 22 1234")]),
    ("host 81.2.69.142:8080 is down", [("ip", "81.2.69.142")]),
    ("ping [2a00:1450:4001:82b::200e] now", [("ip", "2a00:1450:4001:82b::200e")]),
    ("OPENAI_API_KEY=sk-proj-Q3x9TbL2mN8vR4kZ7yW1aH6c", [("secret",
                                                        "sk-proj-Q3x9TbL2mN8vR4kZ7yW1aH6c")]),
    ("token ghp_" + "a1B2" * 9 + " leaked", [("secret", "ghp_" + "a1B2" * 9)]),
    ("aws AKIA4NQRZ7XW2Y6LPF3K key", [("secret", "AKIA4NQRZ7XW2Y6LPF3K")]),
    ('password = "hunter2hunter2"', [("secret", "hunter2hunter2")]),
])
def test_detectors_find(text, expected):
    assert kinds_in(text) == expected


@pytest.mark.parametrize(("text", "value"), [
    ("mail john dot smith at example dot com today", "john dot smith at example dot com"),
    ("mail john[at]example[dot]com today", "john[at]example[dot]com"),
    ("mail john (at) example.com today", "john (at) example.com"),
    ("mail john at example.com today", "john at example.com"),
    ("mail JOHN AT EXAMPLE DOT COM today", "JOHN AT EXAMPLE DOT COM"),
    ("mail jane.doe {at} mail.example.co.uk.", "jane.doe {at} mail.example.co.uk"),
    ("mail j_doe <at> example <dot> org", "j_doe <at> example <dot> org"),
    ("mail jane @ example.org please", "jane @ example.org"),
    ("mail jane@example dot org please", "jane@example dot org"),
    ("mail jane at example.com.Then call", "jane at example.com"),  # stops at the TLD
    ("reach me at omar at proton dot me", "omar at proton dot me"),
])
def test_disguised_emails_are_found_whole(text, value):
    assert kinds_in(text) == [("email", value)]


@pytest.mark.parametrize(("text", "value"), [
    ("iban de08 3704 0044 0532 0131 00 ok", "de08 3704 0044 0532 0131 00"),
    ("iban gb12west12345698765431 ok", "gb12west12345698765431"),
    ("iban gb12 west 1234 5698 7654 31 is mine", "gb12 west 1234 5698 7654 31"),
    ("iban Gb12 West 1234 5698 7654 31", "Gb12 West 1234 5698 7654 31"),
    ("iban fr3020041010 050500013m02706", "fr3020041010 050500013m02706"),
    ("card 4539.1488.0343.6467 exp 09/28", "4539.1488.0343.6467"),
    ("card 4539 1488-0343.6467 exp 09/28", "4539 1488-0343.6467"),
    ("amex 3791.234567.89018 please", "3791.234567.89018"),
    ("my card is 4539.1488.0343.6467.", "4539.1488.0343.6467"),  # the full stop is not in it
])
def test_lowercase_ibans_and_dotted_cards(text, value):
    kind = "iban" if text.startswith("iban") else "card"
    assert kinds_in(text) == [(kind, value)]


@pytest.mark.parametrize("text", [
    "order 4829301847 shipped",                                  # an ID, not a phone
    "ISBN 978-3-16-148410-0",
    "upgrade to version 1.2.3.4 first",                          # a release, not a host
    "commit 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b",          # a git SHA (hex)
    "id 123e4567-e89b-12d3-a456-426614174000",                   # a UUID
    "at 2024-01-15T12:30:45Z and 12:30:45",                      # timestamps
    "card 4539 1488 0343 6468",                                  # fails Luhn
    "IBAN GB82 WEST 1234 5698 7654 33",                          # fails mod-97
    "SSN 666-12-3456",                                           # area 666
    "see src/hybridai/privacy/detectors.py and AbstractFactoryBean",
    "x = api_key(); token = os.environ['TOKEN']",                # code, not values
    "std::vector<int> v; a::b::c",
    "MAC 00:1A:2B:3C:4D:5E",
    "total: 1,234,567.89 USD on 15/01/2024",
    # prose around "at" and "dot", domains and files: no disguised email
    "meet me at home dot",
    "meet me at home dot com is too vague",
    "Take a look at example.com for the docs.",
    "The traceback points at utils.py line 42.",
    "I wrote about the dot com bubble at school.",
    "Download Python 3.12 at python.org",
    "I met John at Starbucks.It was fun.",
    "email [at] noon [dot] later",
    "look at foo.bar.baz and at example.invalidtld",
    "mail john [at example.com",                                  # brackets must pair
    "Thanks @jane, look at @types/node",
    # IBANs in lowercase and cards with dots still need their checksums
    "iban gb82 west 1234 5698 7654 33",                           # fails mod-97
    "iban de89370400440532013001",
    "build py39 and cp311 wheels from ad1234567890abcdef1234567890abcdef123456",
    "card 4111.1111.1111.1112",                                   # fails Luhn
    "pi is 3.14159265358979 and 3.3698226336087962, e is 2.718281828459045",
    "logged 2024.09.28 20.18.35 at 4.5.6.7.8.9.10.11.12.13",  # dates, versions
])
def test_hard_negatives(text):
    assert kinds_in(text) == []


# -- passwords: in URLs, named in identifiers, stated in prose --------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("db postgres://app:S3cr3t!x@db.example.com/prod", [("secret", "S3cr3t!x")]),
    ("redis://:mypassword@cache.internal:6379/0", [("secret", "mypassword")]),
    ("mongodb+srv://reader:Tr0ub4dor3@cluster0.mongodb.net/db", [("secret", "Tr0ub4dor3")]),
    ("ftp://deploy:xK9mQ2pL@files.example.com", [("secret", "xK9mQ2pL")]),  # starts with x
    ("export PGPASSWORD=lemonade-Cart-91", [("secret", "lemonade-Cart-91")]),
    ("DB_PASS=correcthorsebatterystaple", [("secret", "correcthorsebatterystaple")]),
    ("smtp_pass = 'q7Vv-orange'", [("secret", "q7Vv-orange")]),
    ("the password for the wifi is Sunflower-Garden-42", [("secret", "Sunflower-Garden-42")]),
    ("login as bob with password Pa$$w0rd2024", [("secret", "Pa$$w0rd2024")]),
    ("token: nonexistent-but-real-9", [("secret", "nonexistent-but-real-9")]),
    # the address beside a URL's password is still an address
    ("mail jane@example.org, db postgres://app:Hq7-Lp2x@db/app",
     [("email", "jane@example.org"), ("secret", "Hq7-Lp2x")]),
])
def test_passwords_are_found_alone(text, expected):
    assert kinds_in(text) == expected


@pytest.mark.parametrize("text", [
    "clone ssh://git@github.com/org/repo.git",           # a URL's user, not an address
    "https://user@example.com/path needs a login",
    "postgres://app:${DB_PASSWORD}@db/app",               # placeholders
    "http://user:<password>@proxy.local:8080",
    "scheme://user:password@host:port/path",
    "connect to postgres://localhost:5432/app",           # a port
    "the password is incorrect, what now?",                # what it is, not the value
    "the token is rotated daily",
    "my boarding pass is expired",
    "password reset link sent",                            # no digit or symbol: a word
    "passwords are hashed with bcrypt",
    "password re-entry is required",                        # a hyphen is not a symbol here
    "the secret is patience",
    "the token is valid for an hour",
])
def test_password_look_alikes_are_not_secrets(text):
    assert kinds_in(text) == []


_PLACEHOLDER_WORDS = {"none", "null", "true", "false", "undefined", "password", "passwd",
                      "pass", "pwd", "secret", "token", "your_password", "your-password"}
_URL_PASSWORD = st.from_regex(r"[A-Za-z0-9!$&*+,;=~_-]{1,24}", fullmatch=True).filter(
    lambda value: value.lower() not in _PLACEHOLDER_WORDS and value.strip("xX") != ""
    and value.strip("*") != "" and value[0] != "$"
    and not value.lower().startswith(("env", "getenv")))


@given(user=st.from_regex(r"[a-z][a-z0-9._-]{0,11}", fullmatch=True), password=_URL_PASSWORD,
       scheme=st.sampled_from(["postgres", "mysql", "redis", "amqp", "https", "mongodb+srv"]))
def test_any_url_password_is_found_and_only_it(user, password, scheme):
    text = f"use {scheme}://{user}:{password}@db.example.com:5432/app today"
    assert kinds_in(text) == [("secret", password)]


def test_private_key_whole_block():
    key = ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo\n"
           "4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u\n"
           "-----END RSA PRIVATE KEY-----")
    assert kinds_in(f"here:\n{key}\nthanks") == [("private_key", key)]


def test_overlaps_are_merged_not_dropped():
    # The keyword sits inside the email: one span covers both, named by the keyword.
    found = kinds_in("mail falcon.team@example.org", keywords=["falcon"])
    assert found == [("keyword", "falcon.team@example.org")]


def test_owner_patterns_keywords_and_disabled_kinds():
    text = "EMP-123456 of Project Falcon at 81.2.69.142, jane@example.org"
    found = kinds_in(text, patterns={"employee_id": r"EMP-\d{6}"},
                     keywords=["project falcon"], detect=["email"])
    assert found == [("employee_id", "EMP-123456"), ("keyword", "Project Falcon"),
                     ("email", "jane@example.org")]


# -- the scanner's hint gate: a shortcut that must never change what is found ---------------

def _ungated(scanner: Scanner) -> Scanner:
    ungated = Scanner(scanner.detectors)
    ungated._gate = None  # every detector runs on every text
    return ungated


def test_hint_gate_finds_the_same_on_every_labeled_case() -> None:
    import json
    from pathlib import Path

    cases = Path(__file__).resolve().parents[1] / "data" / "privacy_cases.jsonl"
    texts = [json.loads(line)["text"] for line in cases.read_text("utf-8").splitlines()]
    gated = Scanner.from_settings(PrivacySettings())
    ungated = _ungated(gated)
    assert len(texts) > 400
    assert sum(bool(gated.scan(t)) for t in texts) > 200  # the cases do hold findings
    for text in texts:
        assert gated.scan(text) == ungated.scan(text), text


_PIECES = ["a@b.co", "jane.doe@example.org", "4539 1488 0343 6467", "123-45-6789",
           "DE89 3704 0044 0532 0130 00", "10.0.0.1", "fe80::1", "+1 415 555 0132",
           "sk-" + "A1b2" * 6, "xoxb-1234567890", "eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl",
           "password: hunter22", "Bearer abcdefghijklmnop1234", "-----BEGIN PRIVATE KEY-----",
           " ", "\n", "call ", "SSN ", "version ", "the", "Qx7Rt2Lm9Vb4Kp8Zw3Yn6Hs", ".",
           # disguised emails, in parts the gate's "at ... dot" hint must see through
           "jane dot doe at example dot org", "jane", " at ", "at", "[at]", " (at) ", "AT",
           "[dot]", " dot ", "dot", "example", ".com", "com", "@", " @ ", "gb12west12345698765431",
           "4111.1111.1111.1111", "de08 3704 0044 0532 0131 00"]


@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=12)), max_size=12))
@settings(max_examples=300, deadline=None)
def test_hint_gate_never_changes_what_is_found(pieces: list[str]) -> None:
    text = "".join(pieces)
    gated = _GATED
    assert gated.scan(text) == _ungated(gated).scan(text)


_GATED = Scanner.from_settings(PrivacySettings(keywords=["Project Falcon"]))


def test_owner_patterns_run_even_when_no_hint_matches() -> None:
    scanner = Scanner.from_settings(PrivacySettings(keywords=["falcon"],
                                                    patterns={"ticket": r"TKT-[A-Z]+"}))
    kinds = [f.kind for f in scanner.scan("about falcon and TKT-ABC, nothing else")]
    assert kinds == ["keyword", "ticket"]


# -- disguised emails, any spelling: found whole, whatever the names ------------------------

_NAME = st.from_regex(r"[a-z]{2,8}[0-9]{0,2}", fullmatch=True).filter(
    lambda name: name not in {"dot", "at"})


@given(first=_NAME, last=_NAME, host=_NAME,
       tld=st.sampled_from(["com", "org", "net", "de", "io", "co.uk", "fr"]),
       at=st.sampled_from([" [at] ", "[at]", " (at) ", " {at} ", " <at> ", " @ "]),
       dot=st.sampled_from([".", " dot ", "[dot]", " (dot) ", " DOT "]))
@settings(max_examples=200, deadline=None)
def test_bracketed_disguised_emails_are_found_whole(first, last, host, tld, at, dot):
    address = f"{first}{dot}{last}{at}{host}{dot}{dot.join(tld.split('.'))}"
    text = f"Please write to {address}, thanks."
    assert kinds_in(text) == [("email", address)]
