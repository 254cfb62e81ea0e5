"""Street addresses as other countries write them: Nordic streets with the type as a word of
its own ("Karl Johans gate"), the town before its postcode (Greece, Russia), Austrian stair
and door numbers (77/3/12), a street-first address whose neighbourhood reads like an English
street type ("Avenida Paulista 1578, Bela Vista"), and Mexico's colonia on the street's line."""

from __future__ import annotations

import pytest

from hybridai.policies.privacy.scanner import Scanner


@pytest.mark.parametrize("address", [
    "Karl Johans gate 22, 0159 Oslo",
    "Bygdøy allé 5, 0257 Oslo",
    "Nevsky Prospekt 28, St Petersburg 191186",
    "Ermou 15, Athina 105 63",
    "Mariahilfer Straße 77/3/12, 1060 Wien",
    "Avenida Paulista 1578, Bela Vista, São Paulo - SP, 01310-200",
    "Av. Insurgentes Sur 1602, Col. Crédito Constructor, 03940 Ciudad de México, CDMX",
])
@pytest.mark.parametrize("sentence", ["Ship it to {} please.", "My address: {}"])
def test_the_whole_address_is_found(scanner: Scanner, address: str, sentence: str) -> None:
    text = sentence.format(address)
    start = text.index(address)
    assert [(f.kind, f.start, f.end) for f in scanner.scan(text)] == [
        ("address", start, start + len(address))]


@pytest.mark.parametrize("text", [
    "Boarding at gate 22, 0159 passengers waited",
    "Take the Kings Road gate 22, then turn left.",
    "Chapter 12, Moscow 191186 copies were printed",
    "Version 3, Build 22631",
])
def test_gates_chapters_and_builds_are_no_address(scanner: Scanner, text: str) -> None:
    assert scanner.scan(text) == []


@pytest.mark.parametrize("street", [
    "Kralická 1023", "Hlíðarhjalli 87", "Kossuth Lajos út 12", "Prešernova ulica 12",
    "ul. Tverskaya 7", "Am Schlossberg 7", "Via Santa Lucia, 42", "C/ Rosales, 31",
    "94, rue Banaudon"])
@pytest.mark.parametrize("sentence", [
    "Address: {}", '{{"street_address": "{}"}}', "I live at {} and need a plumber.",
    "Please send the parcel to {}.", "Ship to: {}", "Anschrift: {}", "Ich wohne in der {}.",
    "Dirección: {}"])
def test_after_an_address_cue_a_street_needs_no_type_word(scanner: Scanner, street: str,
                                                           sentence: str) -> None:
    text = sentence.format(street)
    start = text.index(street)
    spans = [(f.start, f.end) for f in scanner.scan(text) if f.kind == "address"]
    assert any(a <= start and start + len(street) <= b for a, b in spans), (text, spans)


def test_a_cued_streets_postcode_and_town_come_with_it(scanner: Scanner) -> None:
    text = "I live at Kralická 1023, 110 00 Praha 1"
    assert [(f.kind, text[f.start:f.end]) for f in scanner.scan(text)] == [
        ("address", "Kralická 1023, 110 00 Praha 1")]


@pytest.mark.parametrize("text", [
    "I live in Texas, 5 miles from Austin.",
    "I live in Berlin since 2019.",
    "I live at Chapter 12 of my life, honestly.",
    "Address: see section 4.2",
    "I live on Windows 11 basically.",
    "send it to Windows 11 users",
    "forward it to Team 2 please",
    "We ship to EU 27 countries.",
])
def test_a_cue_before_a_count_or_a_product_is_no_address(scanner: Scanner, text: str) -> None:
    assert [f for f in scanner.scan(text) if f.kind == "address"] == []


@pytest.mark.parametrize(("text", "address"), [
    ("Ship it to 3-17-1 Shinjuku, Shinjuku-ku, Tokyo 160-0022 please.",
     "3-17-1 Shinjuku, Shinjuku-ku, Tokyo 160-0022"),
    ("Guest: Sato Yui\nSunny Coat 808\n5-1-4 Motomachi\nNaka-ku, Yokohama 231-0882",
     "5-1-4 Motomachi\nNaka-ku, Yokohama 231-0882"),
    ("Adres: Fenerbahçe Mah. Halaskargazi Cad. No: 135 D: 17\n07105 Muratpaşa/Antalya",
     "Fenerbahçe Mah. Halaskargazi Cad. No: 135 D: 17\n07105 Muratpaşa/Antalya"),
    ("Levent Mah. Dumanlı Sok. No: 7 D: 9", "Levent Mah. Dumanlı Sok. No: 7 D: 9"),
])
def test_japanese_and_turkish_addresses(scanner: Scanner, text: str, address: str) -> None:
    assert ("address", address) in [(f.kind, text[f.start:f.end]) for f in scanner.scan(text)]


def test_a_version_before_a_ward_like_word_is_no_address(scanner: Scanner) -> None:
    assert scanner.scan("Version 3-17-1 Release, Build-ku") == []


@pytest.mark.parametrize("address", [
    "ул. Пушкина, д. 9, кв. 9, 420163, г. Казань",
    "ул. Ленина, д. 50, кв. 127, 630663, г. Новосибирск",
    "вул. Хрещатик, 22, м. Київ",
    "проспект Мира 12",
])
def test_cyrillic_addresses(scanner: Scanner, address: str) -> None:
    text = f"Адрес: {address}"
    assert ("address", address) in [(f.kind, text[f.start:f.end]) for f in scanner.scan(text)]
