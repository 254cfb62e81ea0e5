"""Normalised views: values broken across lines, spaced out, regrouped or encoded are found,
with the exact original span, and masked whole; lists, tables and markup stay clean."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum import iban, luhn
from stdnum.us import ssn

from hybridai.config import PrivacySettings
from hybridai.policies.privacy import normalize
from hybridai.policies.privacy.redaction import Redactor, Restorer
from hybridai.policies.privacy.scanner import Scanner
from hybridai.policies.privacy.screening import PrivacyGuard
from hybridai.schema.privacy import Policy
from hybridai.schema.request import ChatRequest

SCANNER = Scanner.from_settings(PrivacySettings())


def with_check_digit(number: str) -> str:
    return number + luhn.calc_check_digit(number)


def with_iban_check(country: str, bban: str) -> str:
    return country + iban.calc_check_digits(country + "00" + bban) + bban


CARD = with_check_digit("453914880343646")          # Visa, 16 digits
AMEX = with_check_digit("37912345678901")           # 15 digits (not a test number)
IBAN_DE = with_iban_check("DE", "370400440532013100")
IBAN_GB = with_iban_check("GB", "WEST12345698765431")
SSN = "536-22-1234"
assert luhn.is_valid(CARD) and luhn.is_valid(AMEX) and iban.is_valid(IBAN_DE)
assert iban.is_valid(IBAN_GB) and ssn.is_valid(SSN)


def fours(number: str) -> str:
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))


def found(text: str) -> list[tuple[str, str]]:
    return [(f.kind, text[f.start:f.end]) for f in SCANNER.scan(text)]


def assert_found_exactly(text: str, value: str, kind: str) -> None:
    """One finding over the value, of its kind, with exactly the value's span."""
    start = text.index(value)
    end = start + len(value)
    over = [(f.kind, f.start, f.end) for f in SCANNER.scan(text)
            if f.start < end and start < f.end]
    assert over == [(kind, start, end)], (text, found(text))


# --- the offset map ----------------------------------------------------------------------

fragments = st.one_of(
    st.text(alphabet="abcXYZ019@.-_/ \n\t>#%&;", max_size=6),
    st.sampled_from(["%40", "%2B", "%C3%A9", "%E2%82", "&#64;", "&#x40;", "&commat;", "&amp;",
                     "&period;", "\\u0040", "\\x40", "\u200b", "\u00ad", "\u00a0", "\u2009",
                     "\u2013", "\uff14", "\uff20", "\U0001d423", "\r\n", "\n> ", "\n  ",
                     "\n// ", "4 5 3 9 1 4 8 8 0", "DE89-3704-0044-0532", "4539  1488",
                     "4539/1488/0343", "jane.doe@", "exam\nple.com", "\u2028"]))
texts = st.lists(fragments, max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(text=texts)
def test_every_view_index_maps_back_inside_the_original_in_order(text):
    for view in normalize.views(text):
        assert view.text != text or view.touched
        assert len(view.starts) == len(view.ends) == len(view.text)
        for i in range(len(view.text)):
            assert 0 <= view.starts[i] < view.ends[i] <= len(text)
            if i:
                assert view.starts[i - 1] <= view.starts[i]
                assert view.ends[i - 1] <= view.ends[i]
        for start, end in view.joins:
            assert 0 <= start < end <= len(text)
            assert any(c in text[start:end] for c in "\n\u2028\u2029\x85")


@settings(max_examples=200, deadline=None)
@given(text=texts)
def test_findings_stay_sorted_apart_and_inside_the_text(text):
    findings = SCANNER.scan(text)
    assert all(0 <= f.start < f.end <= len(text) for f in findings)
    assert all(a.end <= b.start for a, b in zip(findings, findings[1:], strict=False))


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="abcdefghij ABC,.;:!?'()0123456789", max_size=300))
def test_plain_text_has_no_views(text):
    # One line of ASCII prose, single spaces: nothing to undo, so nothing is scanned twice.
    text = " ".join(text.split())
    assert normalize.views(text) == []


def test_a_prompt_without_anything_to_undo_has_no_views():
    text = ("Summarize the customer's message below.\n\nCustomer message:\nHi, I ordered a "
            "desk (order 4829301847) on 2026-11-02. Reach me at jane.doe@example.org or "
            "call (415) 555-0132.\nVersion 2.1 of your guide has a typo on page 4. Thanks")
    assert normalize.views(text) == []


@pytest.mark.parametrize(("text", "view", "at", "span"), [
    ("jane%40example.com", "jane@example.com", 4, (4, 7)),
    ("jane&#64;example.com", "jane@example.com", 4, (4, 9)),
    ("caf%C3%A9!", "café!", 3, (3, 9)),
    ("\uff14\uff15\uff13\uff19", "4539", 2, (2, 3)),
    ("a\u200bb", "ab", 1, (2, 3)),
])
def test_what_a_view_character_stands_for(text, view, at, span):
    (first,) = normalize.views(text)
    assert first.text == view
    assert (first.starts[at], first.ends[at]) == span


def test_a_joined_span_covers_the_break_and_the_marker():
    text = "write to jane.doe@\r\n> example.com now"
    *_, joined = normalize.views(text)
    assert "jane.doe@example.com" in joined.text
    start = joined.text.index("jane.doe@")
    start, end = joined.span(start, start + len("jane.doe@example.com"))
    assert text[start:end] == "jane.doe@\r\n> example.com"


def test_a_long_text_is_scanned_again_only_around_what_changed():
    filler = "the quick brown fox jumps over the lazy dog again and again.\n" * 150
    text = f"{filler}write to jane.doe@\nexample.org or jane%40example.net now.\n{filler}"
    windows = [window for view in normalize.views(text) for window in view.windows(text)]
    assert windows and all(end - start < 600 for start, end in windows)
    assert_found_exactly(text, "jane.doe@\nexample.org", "email")
    assert_found_exactly(text, "jane%40example.net", "email")


# --- values broken across lines ---------------------------------------------------------

BREAKS = ["\n", "\r\n", "\n> ", "\n  ", "\n// ", "\n# ", " \n"]


def broken(value: str, at: int, line_break: str) -> str:
    return value[:at] + line_break + value[at:]


def split_at(value: str, piece: str) -> int:
    return value.index(piece) + len(piece)


@pytest.mark.parametrize("line_break", BREAKS)
@pytest.mark.parametrize(("kind", "value", "after"), [
    ("email", "jane.doe@example.org", "jane.doe@"),        # after the "@"
    ("email", "jane.doe@example.org", "jane.doe@exam"),    # inside the domain
    ("email", "jane.doe@example.org", "jane.doe@example."),
    ("email", "jane.doe@example.org", "jane.doe"),         # before the "@"
    ("email", "jane.doe@mail.example.org", "jane.doe@mail.exa"),
    ("phone", "+1 415 555 0132", "+1 415"),
    ("phone", "+1 415 555 0132", "+1 415 555"),
    ("phone", "+1 415 555 0132", "+1"),
    ("phone", "(415) 555-0132", "(415) 555-"),
    ("phone", "+44 20 7946 0958", "+44 20"),
    ("card", fours(CARD), fours(CARD)[:9]),                # between groups
    ("card", fours(CARD), fours(CARD)[:14]),
    ("card", fours(CARD), fours(CARD)[:7]),                # inside a group
    ("card", "-".join([CARD[:4], CARD[4:8], CARD[8:12], CARD[12:]]), CARD[:4] + "-"),
    ("card", CARD, CARD[:10]),                             # one unbroken run, hard-wrapped
    ("card", f"{AMEX[:4]} {AMEX[4:10]} {AMEX[10:]}", AMEX[:4]),
    ("iban", fours(IBAN_DE), fours(IBAN_DE)[:14]),
    ("iban", fours(IBAN_DE), fours(IBAN_DE)[:24]),         # only "00" on the next line
    ("iban", fours(IBAN_GB), fours(IBAN_GB)[:9]),
    ("iban", fours(IBAN_GB), fours(IBAN_GB)[:4]),
    ("iban", IBAN_DE, IBAN_DE[:12]),
    ("ssn", SSN, "536-22-"),
    ("ssn", SSN, "536-"),
    ("ssn", SSN.replace("-", " "), "536 22"),
    ("secret", "sk-proj-Q3x9TbL2mN8vR4kZ7yW1aH6cXpQ2", "sk-proj-Q3x9TbL2mN8vR4"),
    ("secret", "sk-proj-Q3x9TbL2mN8vR4kZ7yW1aH6cXpQ2", "sk-proj-"),
    ("secret", "ghp_" + "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6", "ghp_aB3dE6gH9jK2mN5p"),
])
def test_a_value_broken_across_lines_is_found_with_its_whole_span(kind, value, after,
                                                                  line_break):
    value = broken(value, split_at(value, after), line_break)
    for text in (f"please use {value} for it, thanks", f"{value}", f"note:\n{value}\nbye"):
        assert_found_exactly(text, value, kind)


def test_a_key_wrapped_over_three_lines_is_found_whole():
    key = "sk-proj-Q3x9TbL2mN8vR4\n    kZ7yW1aH6cXpQ2Lm9\n    Rt5Uv8Wx1Yz4"
    assert_found_exactly(f"OPENAI_API_KEY={key}\nexport it", key, "secret")


def test_a_wrapped_value_in_a_quoted_reply():
    reply = "> On Monday Jane wrote:\n> my card is 4539 1488\n> 0343 6467 and my mail\n> " \
            "jane.doe@\n> example.org"
    findings = found(reply)
    assert ("card", "4539 1488\n> 0343 6467") in findings
    assert ("email", "jane.doe@\n> example.org") in findings


# --- spacing, separators, encodings ----------------------------------------------------

@pytest.mark.parametrize(("kind", "value"), [
    ("card", " ".join(CARD)),                                 # every digit on its own
    ("card", "  ".join(" ".join(CARD[i:i + 4]) for i in range(0, 16, 4))),
    ("ssn", "5 3 6 - 2 2 - 1 2 3 4"),
    ("ssn", "5 3 6  2 2  1 2 3 4"),
    ("iban", " ".join(IBAN_DE)),
    ("email", "j a n e @ e x a m p l e . c o m"),
    ("card", "  ".join([CARD[:4], CARD[4:8], CARD[8:12], CARD[12:]])),   # doubled spaces
    ("iban", "   ".join(fours(IBAN_DE).split())),
    ("card", "\u00a0".join([CARD[:4], CARD[4:8], CARD[8:12], CARD[12:]])),
    ("card", "\u2009".join([CARD[:4], CARD[4:8], CARD[8:12], CARD[12:]])),
    ("iban", "\u202f".join(fours(IBAN_GB).split())),
    ("phone", "+33\u00a06\u00a012\u00a034\u00a056\u00a078"),
    ("card", CARD[:8] + "\u200b" + CARD[8:]),                 # zero-width characters
    ("email", "jane\u200b.doe@exam\u00adple.org"),            # and a soft hyphen
    ("secret", "sk-proj-Q3x9TbL2\u200dmN8vR4kZ7yW1aH6c"),
    ("card", "\u2013".join([CARD[:4], CARD[4:8], CARD[8:12], CARD[12:]])),  # en dashes
])
def test_spaced_out_and_invisible_characters(kind, value):
    assert_found_exactly(f"here: {value} (for the order)", value, kind)


@pytest.mark.parametrize("separator", ["-", ".", "/", "_"])
def test_an_iban_grouped_by_any_separator(separator):
    for number in (IBAN_DE, IBAN_GB):
        value = separator.join(fours(number).split())
        assert_found_exactly(f"IBAN {value}, thanks", value, "iban")


@pytest.mark.parametrize("separator", ["/", "_"])
def test_card_and_ssn_grouped_by_slashes_or_underscores(separator):
    card = separator.join([CARD[:4], CARD[4:8], CARD[8:12], CARD[12:]])
    assert_found_exactly(f"card {card} expires soon", card, "card")
    number = SSN.replace("-", separator)
    assert_found_exactly(f"my ssn is {number} ok", number, "ssn")


@pytest.mark.parametrize(("kind", "value"), [
    ("email", "jane%40example.org"),
    ("email", "jane%2Bnews%40example.org"),
    ("email", "jane%2540example.org"),                      # encoded twice
    ("email", "jane&#64;example.org"),
    ("email", "jane&#x40;example.org"),
    ("email", "jane&commat;example&period;org"),
    ("email", "jane&amp;#64;example.org"),
    ("email", "jane\\u0040example.org"),
    ("email", "jane\uff20example.org"),                     # fullwidth "@"
    ("email", "\uff4a\uff41\uff4e\uff45@example.org"),      # fullwidth letters
    ("card", fours("".join(chr(0xFF10 + int(d)) for d in CARD))),  # fullwidth digits
    ("phone", "%2B1%20415%20555%200132"),
    ("iban", "".join(chr(0x1D7CE + int(c)) if c.isdigit() else c for c in IBAN_DE)),
])
def test_encoded_and_compatibility_forms(kind, value):
    assert_found_exactly(f"see {value} today", value, kind)


# --- what stays clean ------------------------------------------------------------------

def assert_nothing_in(text: str, part: str) -> None:
    start = text.index(part)
    end = start + len(part)
    over = [(f.kind, text[f.start:f.end]) for f in SCANNER.scan(text)
            if f.start < end and start < f.end]
    assert over == [], over


@pytest.mark.parametrize("line_break", ["\n", "\r\n"])
@pytest.mark.parametrize("numbers", [
    # a column of order numbers, one per line
    ["4829301847", "5820193847", "3920194857", "1029384756", "4539148803", "4364671234"],
    ["45391488", "03436467", "88129910", "45391488", "03436467"],
    # a Fibonacci list, one per line and several per line
    [str(n) for n in (1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597)],
    ["1, 1, 2, 3, 5, 8, 13, 21, 34,", "55, 89, 144, 233, 377, 610,", "987, 1597, 2584, 4181"],
    # a table of numbers
    ["| a | b | c |", "|---|---|---|", "| 4539 | 1488 | 0343 |", "| 6467 | 2210 | 9981 |",
     "| 5555 | 4444 | 3333 |"],
    ["4539 1488", "0343 6467", "8812 9910", "4532 0151"],
    ["4539,1488,0343", "6467,2210,9981", "1234,5678,9012"],
])
def test_lists_and_tables_of_numbers_stay_clean(numbers, line_break):
    body = line_break.join(numbers)
    assert_nothing_in(f"values:{line_break}{body}{line_break}", body)


def test_line_numbered_code_stays_clean():
    code = ("1  def checksum(digits):\n2      total = 4539\n3      total += 1488\n"
            "4      total += 03436467\n5      return total % 10\n6\n7  print(checksum(0))\n")
    assert_nothing_in(code, code)
    numbered = "\n".join(f"{n:>4}  x{n} = {v}" for n, v in enumerate(
        ["4539", "1488", "0343", "6467", "4155", "5501", "3245"], start=100))
    assert_nothing_in(numbered, numbered)


def test_two_numbers_on_consecutive_lines_are_found_apart():
    for first, second in [("+1 415 555 0132", "+1 212 555 0187"),
                          ("415-555-0132", "212-555-0187"),
                          ("415 555 0132", "212 555 0187")]:
        text = f"call {first}\n{second} today"
        phones = [(f.kind, text[f.start:f.end]) for f in SCANNER.scan(text)]
        assert phones == [("phone", first), ("phone", second)], phones


def test_a_value_is_not_glued_to_what_starts_the_next_line():
    for text in ("mail: jane.doe@example.org\nthanks a lot",
                 "write to jane.doe@example.org.\nThanks a lot"):
        assert ("email", "jane.doe@example.org") in found(text)
    text = f"card {fours(CARD)}\n12 items"
    assert ("card", fours(CARD)) in found(text)
    text = "m: 0523-3518941\nchristine.e@example.org"
    assert ("email", "christine.e@example.org") in found(text)


def test_a_house_number_and_a_postcode_are_not_joined_into_a_number():
    for text in ("lives at ringstrasse 86\n48209 kornburg", "flat 4\n1204 5th avenue"):
        joined = [(f.kind, text[f.start:f.end]) for f in SCANNER.scan(text)
                  if f.kind in ("phone", "card", "ssn", "iban") and "\n" in text[f.start:f.end]]
        assert joined == []


@pytest.mark.parametrize("text", [
    "see https://example.com/my%20file%20v2.pdf?page=3&lang=en",
    "download from https://cdn.example.com/a%2Fb/c%3Fd%3D1 now",
    "<p>fish &amp; chips &mdash; &pound;12 &copy; 2024 &#8364;5 &lt;b&gt;</p>",
    "prix\u00a0: 100\u00a0\u20ac \u2014 tr\u00e8s bien",
    "steps 1 2 3 4 5 6 7 8 9 10 and more",
    "matrix:\n1 0 0 1 0 1 1 0 1\n0 1 1 0 1 0 0 1 1\n1 1 0 0 1 0 1 1 0",
    "dates 02/11/2026, 2026_11_05 and /var/log/2024/11/05/1234.log",
])
def test_urls_markup_and_typography_stay_clean(text):
    assert found(text) == []


# --- redaction masks the whole span -----------------------------------------------------

def test_redaction_masks_a_broken_value_with_its_line_break():
    text = ("Hi,\nplease charge 4539 1488\r\n0343 6467 and mail the receipt to jane.doe@\n> "
            "example.org or call +1 415\n  555 0132.\nIBAN DE89-3704-0044-0532-0130-00.")
    text = text.replace("4539 1488\r\n0343 6467", fours(CARD)[:9] + "\r\n" + fours(CARD)[10:])
    text = text.replace("DE89-3704-0044-0532-0130-00", "-".join(fours(IBAN_DE).split()))
    redactor = Redactor()
    redacted = redactor.redact(text, SCANNER.scan(text))
    fragments = [*fours(CARD).split(), "jane.doe", "example.org", "415", "555", "0132",
                 *fours(IBAN_DE).split()]
    for fragment in fragments:
        assert fragment not in redacted, (fragment, redacted)
    assert "[CARD_1]" in redacted and "[EMAIL_1]" in redacted and "[PHONE_1]" in redacted
    assert "[IBAN_1]" in redacted
    assert Restorer(redactor.values).restore(redacted) == text


def test_the_guard_sends_no_fragment_of_a_broken_or_encoded_value():
    text = (f"my card: {fours(CARD)[:14]}\n{fours(CARD)[15:]}\nssn 536-22-\n1234\n"
            "mail jane%40example.org or jane&#64;example.net, key sk-proj-Q3x9TbL2mN8vR4\n"
            "kZ7yW1aH6cXpQ2")
    request = ChatRequest.parse({"messages": [{"role": "user", "content": text}]})
    screening = PrivacyGuard(SCANNER, Policy.REDACT).screen(request)
    sent = screening.cloud_request().messages[0].content
    for fragment in [*fours(CARD).split(), "536", "1234", "jane", "example.org",
                     "example.net", "Q3x9TbL2", "kZ7yW1aH6cXpQ2"]:
        assert fragment not in sent, (fragment, sent)
    restorer = screening.restorer()
    assert restorer.feed(sent) + restorer.flush() == text
