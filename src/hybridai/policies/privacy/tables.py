"""Tables pasted into prompts: each cell with the header of its column.

In a CSV export, a TSV from a spreadsheet or a Markdown table the word that says what a value
is stands in the header row, lines away from the value: ``name;email;mobile`` above
``Whitney P. Williams;whitney@…;541.522.5709``. The detectors read a value's cue in the text
just before it ("Phone: …", "DOB …"), so the scanner gives them each cell written after its
header (``mobile: 541.522.5709``) and keeps what they find inside the cell.

A table is two or more consecutive lines split by one delimiter (tab, ``|``, ``;`` or ``,``;
double quotes keep a delimiter inside a field) into the same number of fields, at least two,
whose first line reads as a header: every field a column's name (at most three words and
30 characters, a letter first, no more than two digits: ``address 2`` is a header, ``1040``
a row, "thanks for the notes" prose). A Markdown table's ``|---|`` line is
skipped. Everything else in the text is left to the detectors as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_DELIMITERS = ("\t", "|", ";", ",")
_RULE = re.compile(r"\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_HEADER_FIELD = re.compile(r"[^\W\d_][\w .()/#'’-]{0,29}(?<!\.)")
_MAX_ROWS = 2000  # a paste beyond this is a file, and its values are read without headers


@dataclass(frozen=True)
class Cell:
    """A cell's value ``start:end`` in the text, and its column's header."""

    header: str
    start: int
    end: int


def cells(text: str) -> Iterator[Cell]:
    """The cells of every table in ``text``, below its header row, trimmed of spaces and
    quotes (empty cells left out)."""
    if not any(d in text for d in _DELIMITERS) or "\n" not in text:
        return
    lines = list(_lines(text))
    i = 0
    while i < len(lines) - 1:
        table = _table_at(lines, i)
        if table is None:
            i += 1
            continue
        delimiter, headers, end = table
        for start, line in lines[i + 1:end]:
            if _RULE.fullmatch(line):
                continue
            for header, (a, b) in zip(headers, _fields(line, delimiter), strict=False):
                a, b = _trimmed(line, a, b)
                if b > a and header:
                    yield Cell(header, start + a, start + b)
        i = end


def _lines(text: str) -> Iterator[tuple[int, str]]:
    at = 0
    for line in text.split("\n"):
        yield at, line.rstrip("\r")
        at += len(line) + 1


def _table_at(lines: list[tuple[int, str]], i: int) -> tuple[str, list[str], int] | None:
    """``(delimiter, headers, index after the last row)`` of a table whose header is line
    ``i``, if one starts there."""
    head, following = lines[i][1], lines[i + 1][1]
    for delimiter in _DELIMITERS:
        if delimiter not in head or delimiter not in following:
            continue
        fields = [head[a:b] for a, b in _fields(head, delimiter)]
        headers = [_header(f) for f in fields]
        if len(fields) < 2 or any(h is None for h in headers if h != ""):
            continue
        if sum(1 for h in headers if h) < 2:
            continue
        end = i + 1
        while (end < len(lines) and end - i <= _MAX_ROWS
               and (_RULE.fullmatch(lines[end][1]) and delimiter == "|"
                    or _count(lines[end][1], delimiter) == len(fields))):
            end += 1
        rows = [line for _, line in lines[i + 1:end] if not _RULE.fullmatch(line)]
        if rows:
            return delimiter, [h or "" for h in headers], end
    return None


def _header(field: str) -> str | None:
    """The header a field names (lower case, ``_`` read as a space); "" for an empty field
    (a Markdown table's edge); None when it is no header."""
    name = field.strip().strip("\"'").strip()
    if not name:
        return ""
    if (not _HEADER_FIELD.fullmatch(name) or sum(c.isdigit() for c in name) > 2
            or len(name.split()) > 3):
        return None
    return name.replace("_", " ").lower()


def _count(line: str, delimiter: str) -> int:
    """How many fields ``line`` has."""
    if '"' not in line:
        return line.count(delimiter) + 1
    return sum(1 for _ in _fields(line, delimiter))


def _fields(line: str, delimiter: str) -> Iterator[tuple[int, int]]:
    """The ``(start, end)`` of each field of ``line``; a delimiter inside double quotes is
    part of its field."""
    start, quoted = 0, False
    for at, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            yield start, at
            start = at + 1
    yield start, len(line)


def _trimmed(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start] in " \t\"'":
        start += 1
    while end > start and line[end - 1] in " \t\"'":
        end -= 1
    return start, end
