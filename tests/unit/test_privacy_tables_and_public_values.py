"""Values whose cue is a table's header (CSV, TSV, Markdown), and values that look like
personal data or secrets but are public: published test card numbers, OpenSSH public keys,
data: URIs, Stripe publishable keys, the placeholder people of forms and manuals."""

from __future__ import annotations

import pytest

from hybridai.policies.privacy.scanner import Scanner
from hybridai.policies.privacy.tables import Cell, cells


def found(scanner: Scanner, text: str) -> list[tuple[str, str]]:
    return [(f.kind, text[f.start:f.end]) for f in scanner.scan(text)]


def values(text: str) -> list[tuple[str, str]]:
    return [(c.header, text[c.start:c.end]) for c in cells(text)]


def test_a_csv_row_gives_each_cell_its_columns_header() -> None:
    text = 'Dedupe:\nfull_name;email;mobile\nAnna Berg;"a@b.se";070-123 45 67\n'
    assert values(text) == [("full name", "Anna Berg"), ("email", "a@b.se"),
                            ("mobile", "070-123 45 67")]


def test_a_quoted_delimiter_stays_in_its_field() -> None:
    text = 'name,address,city\n"Berg, Anna","Storgatan 4, 2 tr",Lund'
    assert values(text) == [("name", "Berg, Anna"), ("address", "Storgatan 4, 2 tr"),
                            ("city", "Lund")]


def test_a_markdown_table_skips_its_rule_and_edges() -> None:
    text = "| Name | Phone |\n|---|:---:|\n| Jo Lind | 0412 734 881 |"
    assert values(text) == [("name", "Jo Lind"), ("phone", "0412 734 881")]


def test_tab_separated_rows_after_prose() -> None:
    text = "Sort these:\nid\tdob\n1040\t1968-02-02\n1041\t1997-10-21"
    assert values(text) == [("id", "1040"), ("dob", "1968-02-02"), ("id", "1041"),
                            ("dob", "1997-10-21")]


@pytest.mark.parametrize("text", [
    "Hi Anna, thanks for the notes, see you Monday.\nBest, Tom, and the team",
    "Costs: 12,50 and 13,20\n14,10 and 15,00",   # a header needs words, not numbers
    "one line only; no rows; here",
])
def test_prose_and_numbers_are_no_table(text: str) -> None:
    assert list(cells(text)) == []


def test_a_cells_offsets_are_the_texts() -> None:
    text = "x\r\nname|phone\r\nJo Lind|+46 70 123 45 67\r\n"
    for cell in cells(text):
        assert isinstance(cell, Cell) and text[cell.start:cell.end] == text[
            cell.start:cell.end].strip()
    assert values(text) == [("name", "Jo Lind"), ("phone", "+46 70 123 45 67")]


@pytest.mark.parametrize(("text", "expected"), [
    ("Turn this into a CSV:\n\n| Name | Phone | Team |\n|---|---|---|\n"
     "| Sharon Moore | 0412 734 881 | Sales |",
     [("person", "Sharon Moore"), ("phone", "0412 734 881")]),
    ("Dedupe these rows:\nfull_name;email;mobile\n"
     "Whitney P. Williams;whitney.w@outlook.com;541.522.5709",
     [("person", "Whitney P. Williams"), ("email", "whitney.w@outlook.com"),
      ("phone", "541.522.5709")]),
    ("emp_id,name,birth_date,dept\n1040,Louise Veenendaal,1968-02-02,Sales",
     [("person", "Louise Veenendaal"), ("date_of_birth", "1968-02-02")]),
])
def test_the_header_is_the_cells_cue(scanner: Scanner, text: str,
                                     expected: list[tuple[str, str]]) -> None:
    assert found(scanner, text) == expected


def test_a_header_names_no_kind_finds_nothing_new(scanner: Scanner) -> None:
    text = "sku,qty,price\nA-1040,3,12.50\nB-2231,1,8.00"
    assert found(scanner, text) == []


@pytest.mark.parametrize("number", [
    "4242 4242 4242 4242", "4000 0566 5566 5556", "4111-1111-1111-1111", "5555555555554444",
    "3782 822463 10005"])
def test_published_test_cards_are_nobodys(scanner: Scanner, number: str) -> None:
    assert found(scanner, f"Use the test card {number} with any future date.") == []


def test_a_real_looking_card_is_still_found(scanner: Scanner) -> None:
    assert found(scanner, "my card 4539 1488 0343 6467 was declined") == [
        ("card", "4539 1488 0343 6467")]


@pytest.mark.parametrize("text", [
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl deploy@ci"
    " where do I put this public key?",
    'public_key = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7vbqajDhA8kPq2Zx9 me@laptop"',
    '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQV'
    'R42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==">',
    "const stripe = Stripe('pk_live_51HxQ2nKp8aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcdEFGH');",
])
def test_public_material_is_no_secret(scanner: Scanner, text: str) -> None:
    assert found(scanner, text) == []


def test_a_stripe_secret_key_beside_a_publishable_one_is_found(scanner: Scanner) -> None:
    secret = "sk_live_51HxQ2nKp8aBcDeFgHiJkLmNoPqRsTuVwXyZ01234567"
    text = f"STRIPE_PUBLISHABLE=pk_live_51HxQ2nKp8aBcDeFgHiJk\nSTRIPE_SECRET={secret}"
    assert ("secret", secret) in found(scanner, text)


@pytest.mark.parametrize("text", [
    "Is John Doe the usual placeholder name in US legal documents?",
    "Wer ist Max Mustermann auf dem Muster des Personalausweises?",
    "Name: Jane Doe (example applicant)",
])
def test_placeholder_people_are_nobody(scanner: Scanner, text: str) -> None:
    assert [kind for kind, _ in found(scanner, text)] == []


def test_a_real_name_beside_a_placeholder_is_found(scanner: Scanner) -> None:
    assert ("person", "Anna Lindqvist") in found(
        scanner, "Replace John Doe with my name: Anna Lindqvist.")


def test_a_placeholder_name_given_as_ones_own_is_found(scanner: Scanner) -> None:
    assert found(scanner, "My name is John Doe and I can't log in.") == [
        ("person", "John Doe")]


@pytest.mark.parametrize(("text", "date"), [
    ("name\tdob\tcity\nA. K.\tMarch 22, 1953\tLeeds", "March 22, 1953"),
    ("| Name | DOB |\n|---|---|\n| Ann | 1970-01-02 |", "1970-01-02"),
    ("id;Geburtsdatum;Ort\n7;14.03.1985;Köln", "14.03.1985"),
])
def test_a_birth_date_column(scanner: Scanner, text: str, date: str) -> None:
    start = text.index(date)
    spans = [(f.start, f.end) for f in scanner.scan(text)]
    assert any(a <= start and start + len(date) <= b for a, b in spans), found(scanner, text)


def test_a_date_column_that_is_no_birth_date(scanner: Scanner) -> None:
    assert found(scanner, "order,shipped\nA-1,2024-03-14\nA-2,2024-03-15") == []
