"""Context, not shape alone: look-alikes that the words around them rule out, and phone numbers
read for the countries a prompt implies."""

from __future__ import annotations

import pytest

from hybridai.config import PrivacySettings
from hybridai.policies.privacy.phones import implied_regions
from hybridai.policies.privacy.scanner import Scanner

SCANNER = Scanner.from_settings(PrivacySettings())


def found(text: str) -> list[tuple[str, str]]:
    return [(f.kind, text[f.start:f.end]) for f in SCANNER.scan(text)]


@pytest.mark.parametrize("text", [
    # four-part version numbers
    "Upgrade to 10.0.19045.3803 before Friday.",
    "Windows build 22621.2.3.4 is out",
    "User-Agent: Mozilla/5.0 Chrome/120.0.6099.109 Safari/537.36",
    "pin it: requests==2.31.0.1 and numpy>=1.26.4.2",
    "the changelog for v4.2.10.1 lists three fixes",
    "AssemblyVersion(\"1.0.0.0\") in the csproj",
    "install lib-2.3.1.7 from the mirror",
    # SSH and git remotes are logins at a host, not addresses
    "git clone git@github.com:acme/widgets.git",
    "git remote add origin git@gitlab.com:team/app.git",
    "ssh -T git@github.com to check the key",
    "then run ssh deploy@build.example.com and restart",
    "scp ./dump.sql backup@db.example.net:/var/backups/",
    # numbers that an order, ticket or part is named by
    "Order 415-555-0132 has shipped.",
    "Ticket #212-555-0187 was closed.",
    "tracking number 617-555-0144 (UPS)",
    "ORD-646-555-0199 is the reference",
    "invoice no. 4539 1488 0343 6467 is overdue",
    # a list of numbers is not a card
    "Fibonacci: 1 1 2 3 5 8 13 21 34 55 89 144 233",
    "the first terms are 0 1 1 2 3 5 8 13 21 34 55 89",
    "scores 40 12 7 31 88 2 19 4 60 3 21",
])
def test_look_alikes_ruled_out_by_context(text):
    assert found(text) == []


@pytest.mark.parametrize(("text", "kind", "value"), [
    # the same shapes when the words say what they are
    ("the server at 81.2.19.38 refuses connections", "ip", "81.2.19.38"),
    ("ping 91.198.1.20 after the firmware update", "ip", "91.198.1.20"),
    ("update the firewall rule for host 172.67.4.9", "ip", "172.67.4.9"),
    ("GET http://34.1.2.3/admin HTTP/1.1", "ip", "34.1.2.3"),  # a URL's host, not "Chrome/"
    ("client=185.51.100.23:51234 status=403", "ip", "185.51.100.23"),  # a key's "=", not "=="
    ("write to jane.doe@example.org", "email", "jane.doe@example.org"),
    ("call me about order 7731: 415-555-0132", "phone", "415-555-0132"),
    ("my card 4539 1488 0343 6467 for order 12", "card", "4539 1488 0343 6467"),
    ("card digits 4 5 3 9 1 4 8 8 0 3 4 3 6 4 6 7", "card",
     "4 5 3 9 1 4 8 8 0 3 4 3 6 4 6 7"),
])
def test_the_same_shapes_found_when_the_context_says_so(text, kind, value):
    assert found(text) == [(kind, value)]


@pytest.mark.parametrize(("text", "value"), [
    ("Our London office: 020 7946 0958.", "020 7946 0958"),
    ("Ring me on 0161 496 0753 — I'm in Manchester.", "0161 496 0753"),
    ("Telefon: 030 12345678, bitte zurückrufen", "030 12345678"),
    ("Rufnummer 0151 23456789 (Handy)", "0151 23456789"),
    ("Mon téléphone : 06 12 34 56 78, merci", "06 12 34 56 78"),
    ("bureau à Paris, 01 42 68 53 00", "01 42 68 53 00"),
    ("My number in Mumbai is 098765 43210", "098765 43210"),
    ("call 98765 43210 — I am in Bengaluru", "98765 43210"),
    ("mail raj@example.in or phone 080 2345 6789", "080 2345 6789"),
    ("Tel. 0412 345 678", "0412 345 678"),  # no country named: the phone word is enough
    ("Ring på 32 12 34 56. Med venlig hilsen, Anna", "32 12 34 56"),
    ("Soita 040 123 4567, terveisin Mikko", "040 123 4567"),
    ("Zadzwoń pod 512 345 678, pozdrawiam", "512 345 678"),
    ("puh. 09 123 4567", "09 123 4567"),
    ("Sími: 581 2345", "581 2345"),
    ("Office in Auckland: 09 379 4567", "09 379 4567"),
    # right after a phone word, printed as a phone, though no country's plan validates it
    ("Telephone: 21 321 3456 789", "21 321 3456 789"),
])
def test_national_formats_of_the_countries_a_prompt_implies(text, value):
    assert ("phone", value) in found(text)


@pytest.mark.parametrize("text", ["Order number: 4021 8812 3312", "Tel: 2024-01-15",
                                  "phone: 12 345"])
def test_an_unvalidated_number_needs_a_phone_word_and_a_phone_print(text):
    assert [v for k, v in found(text) if k == "phone"] == []


def test_a_national_number_without_any_cue_is_not_guessed():
    # Valid somewhere (it is a London number), but nothing says where: not a US number,
    # and no phone word, so it stays unread rather than tried in every country.
    assert found("reference 020 7946 0958 in the archive") == []


@pytest.mark.parametrize(("text", "first"), [
    ("Write to raj@example.in", "IN"),
    ("Prices in £, offices in Leeds", "GB"),
    ("Bonjour, merci pour votre aide", "FR"),
    ("Call +49 30 1234567 or the other one", "DE"),
    ("Med vänliga hälsningar, Sven", "SE"),
    ("Write to anna@firma.pl", "PL"),
    ("S pozdravem, Jana Nováková", "CZ"),
])
def test_implied_regions(text, first):
    assert implied_regions(text)[0] == first


def test_no_region_implied_by_plain_english():
    assert implied_regions("Please summarise the meeting notes for the team.") == []
