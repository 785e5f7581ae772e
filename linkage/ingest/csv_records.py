"""Splitting CSV text into records, each with the physical lines it came from.

A lenient CSV parser lets one unclosed quote swallow every line up to the next quote into one
field. Here a record may span several lines only where a properly quoted field allows it (the
record then has the header's number of fields and no field holding delimiters across a line
break); otherwise the record's first line is reported as broken and the lines after it are
read again on their own. Every non-blank physical line is accounted for.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\n|\r|$)")


@dataclass(frozen=True)
class SourceRow:
    """One row as found in a file: its number as a person counts it (a CSV record's first
    physical line, 1-based; a sheet's row), its cells, what is wrong with it (None when it can be
    used as it is), and for a CSV record spanning lines, its last line."""

    number: int
    cells: list
    problem: str | None = None
    last_line: int = 0


def physical_lines(text: str) -> list[str]:
    """The file's lines as a text editor counts them (CR, LF or CRLF), line ends kept."""
    return [m.group(0) for m in _LINE.finditer(text) if m.group(0)]


def _blank(fields: list[str]) -> bool:
    return not "".join(fields).strip()


def _blank_line(line: str, delimiter: str) -> bool:
    return _blank(next(csv.reader([line], delimiter=delimiter), []))


def _swallows(fields: list[str], width: int, delimiter: str) -> bool:
    """A multi-line record that is not one properly quoted field with line breaks: it has the
    wrong number of fields, or a field holding delimiters across a line break."""
    if len(fields) != width:
        return True
    return any(("\n" in f or "\r" in f) and delimiter in f for f in fields)


def split_records(lines: list[str], start: int, width: int, delimiter: str = ",") -> Iterator[SourceRow]:
    """Records from `lines[start:]` (0-based index of the first data line), for a header of
    `width` fields. Blank lines yield nothing."""
    position = start
    while position < len(lines):
        restart = None
        reader = csv.reader(lines[position:], delimiter=delimiter)
        consumed = 0
        for fields in reader:
            first, consumed = position + consumed, reader.line_num
            last = position + consumed - 1
            if _blank(fields):
                continue
            if last > first and _swallows(fields, width, delimiter):
                yield SourceRow(
                    first + 1,
                    fields,
                    f"a quote opens a field that is not closed on line {first + 1}: it would swallow lines "
                    f"{first + 2}-{last + 1}; this line is quarantined and the lines after it are read on their own",
                    first + 1,
                )
                restart = first + 1
                break
            yield SourceRow(first + 1, fields, None, last + 1)
        if restart is None:
            return
        position = restart


def unaccounted_lines(lines: list[str], start: int, records: list[SourceRow], delimiter: str = ",") -> list[int]:
    """Non-blank physical lines (1-based) after `start` that no record covers: none, unless the
    splitting above has a fault. A run stops rather than lose them."""
    covered: set[int] = set()
    for record in records:
        covered.update(range(record.number, record.last_line + 1))
    return [n + 1 for n in range(start, len(lines)) if n + 1 not in covered and not _blank_line(lines[n], delimiter)]
