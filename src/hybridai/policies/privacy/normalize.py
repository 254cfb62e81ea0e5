"""Views of a text with the ways values get broken or disguised undone, mapped back to it.

A value is still the value when it is wrapped across lines, spaced out, written with other
separators or encoded: ``jane.doe@\\n> example.com``, ``4 5 3 9 1 4 8 8 …``,
``DE89-3704-0044-…``, ``jane%40example.com``, ``jane&#64;example.com``, ``４５３９ …``. A
``View`` is such a text put back into the form the detectors know, with, for each of its
characters, the range of the original it stands for; the scanner runs the detectors on it
unchanged (so Luhn, mod-97 and libphonenumber still decide) and maps what they find back to
the smallest original span that covers it, line breaks and separators inside included.

What is undone where:

- everywhere (the first view): URL percent-encoding, HTML character references, ``\\uXXXX``
  and ``\\xXX`` escapes; Unicode compatibility forms (fullwidth and mathematical letters and
  digits, via NFKC, when they stand for one ASCII character); inside a value, invisible
  format characters (zero-width, soft hyphen, bidi marks), other spaces and Unicode dashes;
  runs of nine or more characters each spaced out (``1 2 3 - 4 5 - 6 7 8 9``), doubled
  spaces next to a digit, and IBANs or numbers grouped by dashes, dots, slashes or
  underscores that the detectors read only with spaces or dashes. None of these reaches
  across a line, and each keeps to the characters of one value (a spaced-out run next to
  another number is a list, "1 2 3 4 5 6 7 8 9 10", and stays as it is).
- only in the second view: line breaks inside a value, with the indentation or quote marker
  (``> ``, ``// ``, ``# ``) that starts the next line. A break is joined only where the two
  sides look like parts of one value (a separator at the break, an address or a disguised
  one's words, a long token, a run of digit groups), never between lines that are each a
  number of a list (three or more such lines in a row: a column of numbers, a Fibonacci
  list, a table), and a finding across a join counts only when it completes something: not
  when both sides were already found alone (two phone numbers on consecutive lines), nor a
  found value plus the word or bare number on the next line, nor a house number and the
  postcode below it.

A finding in a view counts only where the view differs from the original inside it; the rest
the scan of the original found already.
"""

from __future__ import annotations

import codecs
import html
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache

from . import obfuscated_email
from .detectors import merge_spans

Span = tuple[int, int]
Edit = tuple[int, int, str]  # replace text[start:end] (never empty) by the string


class View:
    """``text`` and, for each of its characters ``i``, the original range
    ``starts[i]:ends[i]`` it stands for (both never decrease with ``i``)."""

    __slots__ = ("text", "starts", "ends", "touched", "joins", "spaced")

    def __init__(self, text: str, starts: Sequence[int], ends: Sequence[int],
                 touched: tuple[Span, ...] = (), joins: tuple[Span, ...] = (),
                 spaced: frozenset[Span] = frozenset()) -> None:
        self.text = text
        self.starts = starts
        self.ends = ends
        self.touched = touched  # original ranges some edit replaced
        self.joins = joins      # original ranges of the line breaks this view joined
        self.spaced = spaced    # those of them joined by a space (between digit groups)

    @classmethod
    def of(cls, text: str) -> View:
        """The text as it is."""
        return cls(text, range(len(text)), range(1, len(text) + 1))

    def span(self, start: int, end: int) -> Span:
        """The smallest original span covering the view's characters ``start:end``."""
        return self.starts[start], self.ends[end - 1]

    def edited(self, edits: Iterable[Edit], *, joining: bool = False) -> View:
        """This view with ``edits`` (sorted, apart) applied; each new character stands for
        the original range of what it replaced."""
        parts: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        touched = list(self.touched)
        joins = list(self.joins)
        spaced = set(self.spaced)
        position = 0
        for start, end, new in edits:
            parts.append(self.text[position:start])
            starts += self.starts[position:start]
            ends += self.ends[position:start]
            low, high = self.starts[start], self.ends[end - 1]
            parts.append(new)
            starts += [low] * len(new)
            ends += [high] * len(new)
            touched.append((low, high))
            if joining:
                joins.append((low, high))
                if new == " ":
                    spaced.add((low, high))
            position = end
        if position == 0 and not parts:
            return self
        parts.append(self.text[position:])
        starts += self.starts[position:]
        ends += self.ends[position:]
        return View("".join(parts), starts, ends, tuple(touched), tuple(joins),
                    frozenset(spaced))

    def windows(self, original: str, margin: int = 200) -> list[Span]:
        """The parts of the view worth scanning: around every edit, ``margin`` characters
        either side (the context detectors read: a cue word, a URL's scheme, a country's
        name) widened to whole whitespace-separated tokens, so no value is cut; the whole
        view when that is most of it, as it is for a prompt of a few hundred characters."""
        merged: list[list[int]] = []
        for low, high in sorted(self.touched):
            start = _token_start(original, max(0, low - margin))
            end = _token_end(original, min(len(original), high + margin))
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        spans = [(bisect_left(self.starts, start), bisect_left(self.starts, end))
                 for start, end in merged]
        if 2 * sum(end - start for start, end in spans) >= len(self.text):
            return [(0, len(self.text))]
        return spans

    def pieces(self, original: str, start: int, end: int, found: Coverage) -> list[Span]:
        """What of the original span ``start:end``, found in this view, counts: cut at every
        joined line break across which it completes nothing (see ``_completes``), and only
        the parts that a join completes kept. A span across no join counts as it is."""
        first = bisect_right(self.joins, (start, end))
        inside = [(a, b) for a, b in self.joins[first:bisect_left(self.joins, (end, end))]
                  if start < a and b < end]
        if not inside:
            return [(start, end)]
        kept: list[Span] = []
        piece, completes = start, False
        bounds = [start, *(x for join in inside for x in join), end]
        for i, (a, b) in enumerate(inside):
            # Each side as far as the next join: the line before and the line after.
            if _completes(original, bounds[2 * i], (a, b), bounds[2 * i + 3], found,
                          spaced=(a, b) in self.spaced):
                completes = True
                continue
            if completes:
                kept.append((piece, a))
            piece, completes = b, False
        if completes:
            kept.append((piece, end))
        return kept


class Coverage:
    """Spans found so far, for asking whether a range lies inside them."""

    def __init__(self, spans: Iterable[Span]) -> None:
        merged = merge_spans(spans)
        self._starts = [start for start, _ in merged]
        self._ends = [end for _, end in merged]

    def covers(self, start: int, end: int) -> bool:
        return self.around(start, end) is not None

    def around(self, start: int, end: int) -> Span | None:
        """The found span that holds ``start:end``, if one does."""
        i = bisect_right(self._starts, start) - 1
        return (self._starts[i], self._ends[i]) if i >= 0 and self._ends[i] >= end else None


_LINE_BREAKS = "\n\r\u2028\u2029\x85"


def views(text: str) -> list[View]:
    """The views of ``text`` that differ from it: everywhere-safe undoing first, then that
    with line breaks joined. Empty, at the cost of a few searches, when there is nothing to
    undo."""
    clean = _unicode(_decoded(View.of(text)))
    first = clean.edited(_spacing(clean.text))
    # Only breaks written as such are joined: a "%0a" decoded into one stays a break.
    joins = [edit for edit in _joins(clean.text) if any(
        c in text[clean.starts[edit[0]]:clean.ends[edit[1] - 1]] for c in _LINE_BREAKS)]
    joined = clean.edited(joins, joining=True)
    result = [first] if first.touched else []
    if joined.joins:
        result.append(joined.edited(_spacing(joined.text)))
    return result


# --- encodings -----------------------------------------------------------------------------

_ENCODED = re.compile(r"(?P<percent>(?:%[0-9A-Fa-f]{2})+)"
                      r"|&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});?|&[A-Za-z][A-Za-z0-9]{1,31};"
                      r"|\\u(?P<u>[0-9A-Fa-f]{4})|\\x(?P<x>[0-9A-Fa-f]{2})")


def _decoded(view: View) -> View:
    # Twice, for what was encoded twice ("%2540", "&amp;#64;").
    for _ in range(2):
        text = view.text
        if "%" not in text and "&" not in text and "\\" not in text:
            break
        edits = list(_decodings(text))
        if not edits:
            break
        view = view.edited(edits)
    return view


def _decodings(text: str) -> Iterator[Edit]:
    for match in _ENCODED.finditer(text):
        start, end = match.span()
        if match.group("percent"):
            yield from _percent(text, start, end)
            continue
        if match.group("u") or match.group("x"):
            code = int(match.group("u") or match.group("x"), 16)
            if not 0xD800 <= code <= 0xDFFF:  # half of a surrogate pair is no character
                yield start, end, chr(code)
            continue
        value = html.unescape(match.group())
        if value != match.group() and "\ufffd" not in value:
            yield start, end, value


def _percent(text: str, start: int, end: int) -> Iterator[Edit]:
    """Each character that a run of ``%XX`` encodes in UTF-8, with the ``%XX`` it came from;
    what does not decode is left as it is."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    first = start
    for at in range(start, end, 3):
        try:
            char = decoder.decode(bytes([int(text[at + 1:at + 3], 16)]))
        except UnicodeDecodeError:
            decoder.reset()
            first = at + 3
            continue
        if char:
            yield first, at + 3, char
            first = at + 3


# --- Unicode -------------------------------------------------------------------------------

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Dashes people (and word processors) put between the groups of a number.
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63")
_VALUE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@.+-_()")


def _unicode(view: View) -> View:
    text = view.text
    if text.isascii():
        return view
    edits: list[Edit] = []
    for match in _NON_ASCII.finditer(text):
        at = match.start()
        char = text[at]
        form = _ascii_form(char)
        if form is None:
            continue
        if form in ("", " ", "-"):
            # Invisible characters, other spaces and dashes are undone only inside a value
            # ("4539\u200b1488", "06\u00a012\u00a034", "4539\u20131488"): elsewhere they are
            # typography ("100\u00a0€", "word\u2014word"), and undoing them would only cost
            # a second scan.
            before, after = _neighbour(text, at, -1), _neighbour(text, at, 1)
            if not (before in _VALUE_CHARS and after in _VALUE_CHARS):
                continue
            if form == "-" and not (before.isdigit() or after.isdigit()):
                continue
        edits.append((at, at + 1, form))
    return view.edited(edits) if edits else view


@lru_cache(maxsize=2048)
def _ascii_form(char: str) -> str | None:
    """What a non-ASCII character dresses up, if anything: nothing for an invisible format
    character (zero-width, soft hyphen, bidi marks), a space for a space, a line break for a
    line or paragraph separator, "-" for a dash, and the ASCII letter, digit or symbol that a
    fullwidth, halfwidth or mathematical form stands for ("４", "＠", "𝐣", by NFKC); else
    ``None``. Superscripts, circled digits and ligatures are left alone: they are how
    people write units and lists, not how they hide values."""
    category = unicodedata.category(char)
    if category == "Cf":
        return ""
    if category == "Zs":
        return " "
    if category in ("Zl", "Zp") or char == "\x85":
        return "\n"
    if char in _DASHES:
        return "-"
    if not unicodedata.decomposition(char).startswith(("<wide>", "<narrow>", "<font>")):
        return None
    form = unicodedata.normalize("NFKC", char)
    return form if len(form) == 1 and (form.isascii() and form.isalnum()
                                       or form in "@.+-_%") else None


def _neighbour(text: str, at: int, step: int) -> str:
    """The nearest character before (``step`` -1) or after ``at`` that is not invisible, as
    the ASCII it stands for."""
    at += step
    while 0 <= at < len(text):
        char = text[at]
        form = char if char.isascii() else _ascii_form(char)
        if form != "":
            return form or char
        at += step
    return ""


# --- spacing and separators ----------------------------------------------------------------

# Characters each on its own: "4 5 3 9 1 4 8 8 …", "1 2 3 - 4 5 - 6 7 8 9", one space
# between characters and two between groups. The hint (three of them, a literal first) is
# what spares the full pattern almost every text.
_SPACED_HINT = re.compile(r" [A-Za-z0-9@.+_-] [A-Za-z0-9@.+_-] ")
_SPACED = re.compile(r"(?<![^\s(\[:'\"])[A-Za-z0-9@.+_-](?: {1,2}[A-Za-z0-9@.+_-]){8,}"
                     r"(?![^\s.,;:!?)\]'\"])")
# A number next to such a run makes it part of a list ("1 2 3 4 5 6 7 8 9 10", a matrix's
# rows), not one value written digit by digit.
_NUMBER_BEFORE = re.compile(r"\d[^\s]*\s+\Z")
_NUMBER_AFTER = re.compile(r"\s+[^\s\d]{0,2}\d")
# Two spaces or more between the groups of a number: "4539  1488".
_GAP = re.compile(r"(?<=\d) {2,}(?=[A-Za-z0-9])|(?<=[A-Za-z0-9]) {2,}(?=\d)")
# An IBAN grouped by dashes, dots, slashes or underscores ("DE89-3704-0044-…"), which its
# detector reads only with spaces; a number grouped by slashes or underscores
# ("4539/1488/0343/6467", "123_45_6789"), which the card and SSN detectors read only with
# dashes or spaces. Each is a whole run of such characters (not a piece of a path).
_GROUPED_HINT = re.compile(r"[0-9][-./_][A-Za-z0-9]{1,6}[-./_][A-Za-z0-9]")  # three groups
_GROUPED_RUN = re.compile(r"[A-Za-z0-9./_-]+")
_IBAN_GROUPED = re.compile(r"[A-Za-z]{2}\d{2}(?P<sep>[-./_])[A-Za-z0-9]{1,6}"
                           r"(?:(?P=sep)[A-Za-z0-9]{1,6})+")
_NUMBER_GROUPED = re.compile(r"\d{1,6}(?P<sep>[/_])\d{1,6}(?:(?P=sep)\d{1,6})+")


def _spacing(text: str) -> list[Edit]:
    """Spaced-out characters closed up (two spaces between groups kept as one), doubled
    spaces in numbers made single, and regrouped IBANs and numbers."""
    edits: list[Edit] = []
    if _SPACED_HINT.search(text):
        for match in _SPACED.finditer(text):
            if (any(c.isdigit() or c == "@" for c in match.group())  # not spaced-out words
                    and not _NUMBER_BEFORE.search(text, max(0, match.start() - 24),
                                                  match.start())
                    and not _NUMBER_AFTER.match(text, match.end())):
                at = match.start()
                edits += [(at + gap.start(), at + gap.end(), " " * (len(gap.group()) - 1))
                          for gap in re.finditer(" {1,2}", match.group())]
    if "  " in text:
        edits += [(m.start(), m.end(), " ") for m in _GAP.finditer(text)]
    runs: set[Span] = set()
    for hint in _GROUPED_HINT.finditer(text):
        at = hint.start()  # the first group's last digit: "DE8[9]-3704-…", "4539/…"
        if text[at + 1] not in "/_" and not text[max(0, at - 3):at - 1].isalpha():
            continue  # only an IBAN is regrouped on dashes and dots
        start = at - len(_before(_GROUPED_RUN, text, at, 64))
        end = at + len(_after(_GROUPED_RUN, text, at, 64))
        runs.add((start, end - 1 if text[end - 1] == "." else end))  # a sentence's full stop
    for start, end in runs:
        edits += _regrouped(text, start, end)
    kept: list[Edit] = []
    for edit in sorted(edits):
        if not kept or edit[0] >= kept[-1][1]:
            kept.append(edit)
    return kept


def _regrouped(text: str, start: int, end: int) -> list[Edit]:
    value = text[start:end]
    match = _IBAN_GROUPED.fullmatch(value) or _NUMBER_GROUPED.fullmatch(value)
    if match is None:
        return []
    separator = match.group("sep")
    compact = value.replace(separator, "")
    if match.re is _IBAN_GROUPED:
        if len(compact) < 15:  # the shortest IBAN (Norway's)
            return []
        new = " "
    else:
        if len(compact) < 9:  # a date ("02/11/2026"); an SSN has nine digits
            return []
        new = "-"
    return [(start + i, start + i + 1, new) for i, c in enumerate(value) if c == separator]


# --- line breaks ---------------------------------------------------------------------------

# What may pad a line break inside a value: trailing spaces, and the next line's indentation
# and a quote or comment marker (a reply's "> ", "// ", "# "). Bullets ("- ", "* ", "1. ")
# start a new item and are not stripped.
_CONTINUATION = re.compile(r"[ \t]*(?:(?:>[ \t]*)+|//+[ \t]*|#+[ \t]*)?")
_ALNUM = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_ENDS = frozenset(_ALNUM + "@._-+()")
_STARTS = frozenset(_ALNUM + "@._-([{<")
# An address's domain at the start of a line; not a decorator ("@app.route(").
_DOMAIN_AFTER = re.compile(r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}(?![\w(.-])")
# Matched forwards after a break, and on the reversed text before it (a search anchored at
# the end would try every start).
_TOKEN = re.compile(r"[A-Za-z0-9@._%+/=-]+")
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+")
_SEPARATORS = re.compile(r"[@._%+/=-]")
_COUNTRY_CODE = re.compile(r"\+\d{1,3}")
# The spelled "at" or "dot" of a disguised address, last on a line or first on the next,
# where the two lines read as one could hold such an address.
_DISGUISED = re.compile(obfuscated_email.HINT)
_SPELLED_END = re.compile(r"(?i)(?<![^\s])[\[({<]?(?:at|dot)[\])}>]?\Z")
_SPELLED_START = re.compile(r"(?i)[\[({<]?(?:at|dot)[\])}>]?(?=\s)")
_COUNTRY_CODE_END = re.compile(r"(?:^|[^\w+])(?:\+|00)\d{1,3}$")
# Digit groups and what an IBAN or a phone number puts between them.
_RUN = re.compile(r"[A-Za-z0-9()+]+(?:[ .-][A-Za-z0-9()+]+)*")
_GROUP_SEPARATOR = re.compile(r"[ .-]")
# A line of a list of numbers: digits and what lists and tables put around them.
_NUMBER_LINE = re.compile(r"[\s\d().,:;+/#|*>=$%€£-]*\d[\s\d().,:;+/#|*>=$%€£-]*")


def _joins(text: str) -> list[Edit]:
    """The line breaks inside values: removed where the value runs on without a space
    (an address, a token, after a separator), a space where its groups were apart anyway."""
    edits: list[Edit] = []
    at = text.find("\n")
    while at >= 0:
        start = at
        while start > 0 and text[start - 1] in " \t\r":
            start -= 1
        if start > 0 and text[start - 1] in _ENDS:
            match = _CONTINUATION.match(text, at + 1)
            end = match.end() if match else at + 1
            if end < len(text) and text[end] in _STARTS:
                join = _join(text, start, end)
                if join is not None:
                    edits.append((start, end, join))
        at = text.find("\n", at + 1)
    return edits


def _join(text: str, start: int, end: int) -> str | None:
    """What the break ``text[start:end]`` stands for inside a value ("" or " "), or ``None``
    when it ends one line and starts another."""
    last, first = text[start - 1], text[end]
    before, after = _before(_TOKEN, text, start, 256), _after(_TOKEN, text, end, 256)
    follows = text[end + 1:end + 2]
    if (last in "@_-" and first.isalnum()) or (last in "+(" and first.isdigit()):
        return ""  # "jane.doe@", "123-45-", "sk-proj-", "+", "(" at the end of a line
    if last == "." and first.isalnum() and (
            "@" in after or (first.isdigit() and "." in before[:-1])
            or ("@" in before and not _ends_in_tld(before[:-1]))):
        # "jane.doe@mail.example.\ncom", "jane.\ndoe@…", "DE89.3704.\n0044"; not a full stop
        # after an address or a number ("jane@example.com.\nThanks", "555-0132.\n12 more").
        return ""
    if first in "@._-" and last.isalnum() and follows.isalnum() and (
            first != "@" or _DOMAIN_AFTER.match(text, end)):
        return ""  # "\n@example.com", "\n.com", "\n-6789", "\n_wei@…"
    if (_SPELLED_END.search(text, max(0, start - 8), start) or _SPELLED_START.match(text, end)
            ) and _DISGUISED.search(f"{text[max(0, start - 64):start]} {text[end:end + 64]}"):
        return " "  # "jane (at)\nexample (dot) org": a disguised address's words
    if not (last.isalnum() or last == ")") or not first.isalnum():
        return None
    if "@" in before and ("." not in before.rsplit("@", 1)[1] or _continues(after)):
        return ""  # "jane@exam\nple.com"
    if "@" in after and _continues(before):
        return ""  # "jane.d\noe@example.com"
    if (max(len(before), len(after)) >= 12 and _continues(before) and _continues(after)
            and "@" not in before + after):
        return ""  # a key or token wrapped
    left_run, right_run = _before(_RUN, text, start, 48), _after(_RUN, text, end, 48)
    left, right = _groups(left_run, before=True), _groups(right_run, before=False)
    if not left or not right or sum(left) + sum(right) < 7 or _in_number_list(text, start, end):
        return None  # a number next to a word ends a line; short ones are not values
    if _COUNTRY_CODE_END.search(left_run):
        return " "  # "+45\n21-21-71-75": a country code is a group of its own
    # The separator next to the break on each side, if that side has more than one group.
    nearest = {match.group() if match and len(groups) > 1 else "" for match, groups in (
        (_GROUP_SEPARATOR.search(left_run[::-1]), left),
        (_GROUP_SEPARATOR.search(right_run), right))}
    if nearest <= {"-", ""} and nearest != {""}:
        # Groups joined by dashes ("733-2\n7-0742", "(617) 850-8\n816"): a wrap there keeps
        # the dash at the line's end, so a break without one is inside a group. (Not dots:
        # a number next to an IP address or a version on the next line is no such group.)
        return ""
    return _between_groups(left, right)


def _ends_in_tld(address: str) -> bool:
    """Whether an address (or its start) already ends in a known top-level domain."""
    domain = address.rsplit("@", 1)[-1]
    return "." in domain and domain.rsplit(".", 1)[1].lower() in obfuscated_email.TLDS


def _groups(run: str, *, before: bool) -> list[int]:
    """The lengths of the groups of a number on one side of a break, in text order: those
    next to the break that hold a digit, or are four capitals (an IBAN's bank code, "GB82
    WEST 1234"); "my card 4539" before a break gives [4]."""
    groups = _GROUP_SEPARATOR.split(run)
    lengths: list[int] = []
    for group in reversed(groups) if before else groups:
        core = group.strip("()+")
        if not (any(c.isdigit() for c in core) or (len(core) == 4 and core.isupper())):
            break
        lengths.append(len(core))
    return lengths[::-1] if before else lengths


def _between_groups(left: list[int], right: list[int]) -> str:
    """A break in a grouped number stands for a space between groups ("4539 1488\\n0343
    6467", "+1 415\\n555 0132"), or for nothing inside one: where the two pieces it parts add
    up to the length of the groups around them ("4539 14\\n88 0343 6467"), or where neither
    side is grouped at all and together they are long (one number, hard-wrapped)."""
    if len(left) <= 1 and len(right) <= 1:
        return "" if sum(left) + sum(right) >= 12 else " "
    return "" if left[-1] + right[0] in left[:-1] + right[1:] else " "


def _in_number_list(text: str, start: int, end: int) -> bool:
    """Whether the lines either side of a break, and one more next to them, each hold only
    numbers: a list or a table, whose lines are items of their own."""
    lines = [_line(text, start, back=True), _line(text, end, back=False)]
    if not all(_NUMBER_LINE.fullmatch(line) for line in lines):
        return False
    head = text.rfind("\n", 0, start)
    above = _line(text, head, back=True) if head > 0 else ""
    tail = text.find("\n", end)
    below = _line(text, tail + 1, back=False) if 0 <= tail < len(text) - 1 else ""
    return any(line and _NUMBER_LINE.fullmatch(line) for line in (above, below))


def _line(text: str, at: int, *, back: bool) -> str:
    """The line that ends (``back``) or starts at ``at``."""
    if back:
        return text[text.rfind("\n", 0, at) + 1:at].strip()
    tail = text.find("\n", at)
    return text[at:tail if tail >= 0 else len(text)].strip()


def _wordlike(token: str) -> bool:
    """A plain word ("Thanks", "the", "NOTE"), which a value rarely continues with."""
    return bool(_WORD.fullmatch(token))


def _completes(original: str, start: int, join: Span, end: int, found: Coverage, *,
               spaced: bool) -> bool:
    """Whether a finding ``start:end`` in the joined view completes something across the
    line break ``join``. Not when both sides were already found alone (two numbers on
    consecutive lines); always when a separator at the break says the value runs on
    ("jane.doe@", "123-45-", "\\n.com"). Otherwise, next to a side already found, only a
    continuation of it: not a plain word or a bare number (an address and "Thanks" below it),
    and across a break between digit groups not fewer than four characters of groups. And a
    short number is not completed by a few characters from the other line ("Main St
    86\\n48209 Springfield": a house number and a postcode)."""
    a, b = join
    # A side found already, the full stop after it aside ("203.0.113.42.\n12").
    before = found.around(start, a - 1 if original[a - 1] == "." and a - 1 > start else a)
    after = found.around(b, end)
    if (before and after) or (before and before[0] < start) or (after and after[1] > end):
        return False  # two values, or the end of one glued to what follows it
    left, right = before is not None, after is not None
    if original[a - 1] in "@_-+(" or original[b] in "@._-" or (
            original[a - 1] == "." and not left):
        return True
    sides = [sum(_groups(_before(_RUN, original, a, a - start), before=True)),
             sum(_groups(_after(_RUN, original, b, end - b), before=False))]
    if spaced and all(sides):  # between digit groups
        if left or right:
            uncovered = sides[0] if right else sides[1]
            return uncovered >= 4 or (right and bool(_COUNTRY_CODE.fullmatch(
                _before(_TOKEN, original, a, a - start))))
        return min(sides) >= 3 or sum(sides) >= 13 or original[start] == "+"
    if left:
        return _continues(_after(_TOKEN, original, b, end - b))
    if right:
        token = _before(_TOKEN, original, a, a - start)
        return _continues(token) or bool(_COUNTRY_CODE.fullmatch(token))  # "+1\n415 555…"
    return True


def _continues(token: str) -> bool:
    """Whether a token can be part of an address or a key: not a plain word, not a number."""
    core = token.strip("@._%+/=-")
    return (bool(core) and not _wordlike(core)
            and not _SEPARATORS.sub("", core).isdigit())



# --- helpers -------------------------------------------------------------------------------

def _after(pattern: re.Pattern[str], text: str, at: int, limit: int) -> str:
    """What ``pattern`` matches at ``at``, within ``limit`` characters."""
    match = pattern.match(text, at, at + limit)
    return match.group() if match else ""


def _before(pattern: re.Pattern[str], text: str, at: int, limit: int) -> str:
    """What ``pattern`` (a symmetric one) matches ending at ``at``, within ``limit``."""
    match = pattern.match(text[max(0, at - limit):at][::-1])
    return match.group()[::-1] if match else ""


def _token_start(text: str, at: int) -> int:
    return max(text.rfind(c, 0, at) for c in " \t\n\r") + 1


def _token_end(text: str, at: int) -> int:
    ends = [i for i in (text.find(c, at) for c in " \t\n\r") if i >= 0]
    return min(ends) if ends else len(text)
