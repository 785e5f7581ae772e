"""Reading the departments' exports into one canonical table per feed.

Every row keeps its feed, record key, and its number as a person opening the file counts it:
the line in a CSV file, the row on the sheet of a workbook (blank lines and title rows above the
header counted) and the raw values under canonical field names, so that anything
downstream can be traced to its source row. Nothing is parsed here beyond text: standardising
is a later stage.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from linkage.config import FeedMapping
from linkage.errors import FeedError
from linkage.ingest.csv_records import SourceRow, physical_lines, split_records, unaccounted_lines

# What the departments export CSV in (FEEDS.md): a file in the one its mapping does not name is
# still read, with a note, so that a department's new export does not stop a scheduled run.
_UTF8, _GB18030 = "utf-8-sig", "gb18030"


@dataclass
class RawFeed:
    """One feed as read: canonical raw columns plus the rows that could not be split into fields."""

    feed: str
    path: Path
    table: pd.DataFrame
    rows_read: int
    malformed: pd.DataFrame  # feed, record_key, row_number, field, reason
    problems: list[str] = field(default_factory=list)
    # The contract's header of each optional column the export lacks (its values are all blank),
    # and the line or row the header stands on: what the department is told to add.
    missing_columns: tuple[str, ...] = ()
    header_row: int = 1

    def without_rows(self) -> RawFeed:
        """The same feed's file, counts and problems without its raw rows (once standardised)."""
        return replace(self, table=self.table.iloc[:0])


def clean_header(text: object) -> str:
    """A header cell as compared with the mapping: NFKC-folded, spaces of every width removed."""
    folded = unicodedata.normalize("NFKC", str(text or "")).replace("\ufeff", "")
    return "".join(folded.split())


# What forms templates put around a header: a required-field mark (*姓名) and a hint in brackets
# (出生日期(YYYY-MM-DD), 性别【男/女】), after NFKC has made full-width marks half-width.
_HEADER_DECORATION = re.compile(r"^\*+|\*+$|[(\[【][^()\[\]【】]*[)\]】]$")


def bare_header(text: object) -> str:
    """A header without a template's decoration: *姓名 and 出生日期(YYYY-MM-DD) -> 姓名, 出生日期."""
    cleaned = clean_header(text)
    bare = _HEADER_DECORATION.sub("", cleaned)
    return _HEADER_DECORATION.sub("", bare) or cleaned


def _column_positions(
    mapping: FeedMapping, header: list[str], path: Path
) -> tuple[dict[str, int], list[str], tuple[str, ...]]:
    """Each mapped column's position, notes on the header, and the optional columns not found."""
    cleaned = [clean_header(h) for h in header]
    bare = [bare_header(h) for h in header]
    positions: dict[str, int] = {}
    problems: list[str] = []
    missing: list[str] = []
    for canonical, spellings in mapping.columns.items():
        wanted = [clean_header(s) for s in spellings]
        found = [i for i, h in enumerate(cleaned) if h in wanted]
        if not found:
            found = [i for i, h in enumerate(bare) if h in wanted]
            problems.extend(f"{path.name}: header {cleaned[i]} read as {bare[i]}" for i in found[:1])
        if found:
            positions[canonical] = found[0]
            if len(found) > 1:
                problems.append(f"{path.name}: header for {canonical} appears {len(found)} times; the first is used")
        elif canonical in mapping.required:
            raise FeedError(
                str(path),
                f"required column {canonical} is missing: expected a header spelled "
                f"{' or '.join(spellings)}; the file's headers are {', '.join(h for h in cleaned if h)}. "
                f"If this county spells it differently, add the spelling to config/feeds/{mapping.feed}.toml",
                field=canonical,
            )
        else:
            problems.append(f"{path.name}: optional column {canonical} ({'/'.join(spellings)}) not found; left blank")
            missing.append(spellings[0])
    return positions, problems, tuple(missing)


def _decode(path: Path, mapping: FeedMapping) -> tuple[str, list[str]]:
    """The file's text, and a note where it is not in its mapping's encoding but in the other one
    the departments export (UTF-8 or GB18030). A file that is valid UTF-8 and not plain ASCII is
    UTF-8 whatever its mapping says: text in another encoding is valid UTF-8 only by a chance that
    a file of Chinese names does not meet, while GB18030 decodes most byte sequences, UTF-8's too.
    Raises FeedError naming the file and the line of the first bad byte when neither decodes it."""
    data = path.read_bytes()
    if not data.strip():
        raise FeedError(str(path), "the file is empty")
    wanted = mapping.encoding
    if not data.isascii() and _base(wanted) != "utf-8" and _decodes(data, _UTF8):
        return data.decode(_UTF8), [_read_as_note(path, mapping, _UTF8, "every byte decodes as UTF-8")]
    try:
        return data.decode(wanted), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
    if _base(wanted) != _GB18030 and _decodes(data, _GB18030):
        note = _read_as_note(path, mapping, _GB18030, f"bad bytes for {wanted} at line {line}")
        return data.decode(_GB18030), [note]
    tried = " nor ".join([wanted, *(e for e in (_UTF8, _GB18030) if _base(e) != _base(wanted))])
    raise FeedError(str(path), f"cannot be read as {tried} (bad bytes at line {line})", row=line)


def _base(encoding: str) -> str:
    return encoding.lower().replace("_", "-").removesuffix("-sig").replace("utf8", "utf-8")


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _read_as_note(path: Path, mapping: FeedMapping, used: str, why: str) -> str:
    return (
        f"{path.name}: read as {used}, not {mapping.encoding} as its mapping says ({why}); if the department "
        f'now exports so, set encoding = "{used}" in config/feeds/{mapping.feed}.toml'
    )


# Control characters (NUL and the like) never belong in a field; tab and line breaks are kept.
_CONTROL = dict.fromkeys(c for c in range(32) if chr(c) not in "\t\n\r") | {0x7F: None}
# No field of these feeds is near this long; a longer one is a broken row, not a value.
MAX_FIELD_CHARS = 1000
# How far down a header may stand below a title or notes.
HEADER_SEARCH_ROWS = 20


def _cell_text(value: object) -> str | None:
    if type(value) is str:  # nearly every cell: the fast path
        text = value if value.isprintable() else value.translate(_CONTROL)
        return text.strip() or None
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value).translate(_CONTROL).strip()
    return text or None


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _row_problem(row: SourceRow, width: int, header: list[str]) -> str | None:
    if row.problem:
        return row.problem
    cells = row.cells
    if len(cells) > width and any(str(v).strip() for v in cells[width:] if v is not None):
        return f"row has {len(cells)} fields but the header has {width} (a delimiter too many?)"
    if len(cells) < width:
        return f"row has {len(cells)} fields but the header has {width} (a delimiter lost, or the row cut short)"
    try:
        longest = max(map(len, cells), default=0)
    except TypeError:  # Excel cells: numbers and dates besides text
        longest = max((len(c) for c in cells if isinstance(c, str)), default=0)
    if longest > MAX_FIELD_CHARS:
        lengths = [len(c) if isinstance(c, str) else 0 for c in cells]
        at = lengths.index(max(lengths))
        name = clean_header(header[at]) if at < len(header) else f"column {at + 1}"
        return f"field {name} is {lengths[at]} characters long: a broken row, not a value"
    return None


def _assemble(
    mapping: FeedMapping, path: Path, header: list, header_row: int, rows: list[SourceRow], problems: list[str]
) -> RawFeed:
    positions, mapping_problems, missing = _column_positions(mapping, [str(h) for h in header], path)
    width = len(header)
    good: list[list] = []
    good_rows: list[int] = []
    malformed: list[dict] = []
    key_pos = positions["record_key"]
    names = [str(h) for h in header]
    for row in rows:
        problem = _row_problem(row, width, names)
        if problem:
            key = _cell_text(row.cells[key_pos]) if key_pos < len(row.cells) else None
            malformed.append(
                {
                    "feed": mapping.feed,
                    "record_key": key if key is None or len(key) <= 40 else None,
                    "row_number": row.number,
                    "field": None,
                    "reason": problem,
                }
            )
            continue
        good.append(row.cells)
        good_rows.append(row.number)
    columns: dict[str, list] = {}
    blank = mapping.blank_markers
    for canonical in mapping.columns:
        pos = positions.get(canonical)
        texts = [_cell_text(r[pos]) if pos < len(r) else None for r in good] if pos is not None else [None] * len(good)
        columns[canonical] = [None if t in blank else t for t in texts] if blank else texts
    table = pd.DataFrame(columns, dtype=object)
    table.insert(0, "row_number", pd.array(good_rows, dtype="int64"))
    table.insert(0, "feed", mapping.feed)
    for canonical in mapping.numeric_destroys:
        pos = positions.get(canonical)
        flags = [bool(pos is not None and pos < len(r) and _is_number(r[pos])) for r in good]
        table[f"{canonical}_was_number"] = flags
    malformed_df = pd.DataFrame(malformed, columns=["feed", "record_key", "row_number", "field", "reason"])
    return RawFeed(mapping.feed, path, table, len(rows), malformed_df, problems + mapping_problems, missing, header_row)


def _header_index(candidates: list[list], mapping: FeedMapping) -> int:
    """The index of the header among the first rows: the first that names the record key."""
    wanted = {clean_header(s) for s in mapping.columns["record_key"]}
    for index, cells in enumerate(candidates[:HEADER_SEARCH_ROWS]):
        if wanted & {bare_header(c) for c in cells if c is not None}:
            return index
    return 0


def _header_note(path: Path, index: int, unit: str) -> list[str]:
    if index == 0:
        return []
    return [f"{path.name}: the header is on {unit} {index + 1}; the {index} {unit}(s) above it are not data"]


def _read_csv(mapping: FeedMapping, path: Path) -> RawFeed:
    text, notes = _decode(path, mapping)
    try:
        return _read_csv_text(mapping, path, physical_lines(text), notes)
    except FeedError as err:
        # Read in another encoding than its mapping's, a file whose header is not found may be
        # in neither: say which one was used.
        if notes:
            raise FeedError(err.file, f"{err.problem} ({notes[0]})", row=err.row, field=err.field) from None
        raise


def _read_csv_text(mapping: FeedMapping, path: Path, lines: list[str], notes: list[str]) -> RawFeed:
    delimiter = mapping.delimiter
    try:
        heads = [next(csv.reader([line], delimiter=delimiter), []) for line in lines[:HEADER_SEARCH_ROWS]]
    except csv.Error as exc:
        raise FeedError(str(path), f"not a readable CSV file: {exc}") from None
    at = _header_index(heads, mapping)
    header = heads[at] if at < len(heads) else []
    _check_delimiter(mapping, path, header)
    try:
        records = list(split_records(lines, at + 1, len(header), delimiter))
    except csv.Error as exc:
        raise FeedError(str(path), f"not a readable CSV file: {exc}") from None
    lost = unaccounted_lines(lines, at + 1, records, delimiter)
    if lost:
        raise FeedError(str(path), f"{len(lost)} lines could not be read as rows (first: line {lost[0]})", row=lost[0])
    if not records:
        raise FeedError(str(path), "the file has a header but no rows")
    return _assemble(mapping, path, header, at + 1, records, notes + _header_note(path, at, "line"))


_OTHER_DELIMITERS = {"\t": "\\t", ";": ";", "|": "|"}


def _check_delimiter(mapping: FeedMapping, path: Path, header: list[str]) -> None:
    """A header that is one field, but several split at a tab, semicolon or bar: the file is
    delimited otherwise than its mapping says."""
    if len(header) != 1:
        return
    for other, spelled in _OTHER_DELIMITERS.items():
        if other != mapping.delimiter and len(header[0].split(other)) >= 3:
            raise FeedError(
                str(path),
                f"the header is one field, but {len(header[0].split(other))} split at {spelled}: the file is "
                f'delimited by {spelled}. Set delimiter = "{spelled}" in config/feeds/{mapping.feed}.toml',
            )


def _read_excel(mapping: FeedMapping, path: Path) -> RawFeed:
    from python_calamine import CalamineWorkbook

    if path.stat().st_size == 0:
        raise FeedError(str(path), "the file is empty")
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own types for zip and format errors
        raise FeedError(str(path), f"not a readable Excel workbook ({type(exc).__name__}: {exc})") from None
    sheet_name = mapping.sheet or book.sheet_names[0]
    notes = []
    if sheet_name not in book.sheet_names and len(book.sheet_names) == 1:
        # One sheet, named otherwise (Sheet1): it can only be that one.
        notes.append(f"{path.name}: no sheet {sheet_name}; read the workbook's only sheet, {book.sheet_names[0]}")
        sheet_name = book.sheet_names[0]
    if sheet_name not in book.sheet_names:
        raise FeedError(
            str(path),
            f"sheet {sheet_name} not found; the workbook has {', '.join(book.sheet_names)}. "
            f"Set sheet in config/feeds/{mapping.feed}.toml",
        )
    raw_values = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    values: list[list[Any]] = [[None if v == "" else v for v in row] for row in raw_values]
    # With the empty area kept, values[0] is the sheet's row 1: rows numbered as the sheet shows them.
    at = _header_index(values, mapping)
    rows = [
        SourceRow(n + 1, cells)
        for n, cells in enumerate(values)
        if n > at and any(v is not None and str(v).strip() for v in cells)
    ]
    if not values or not rows:
        raise FeedError(str(path), f"sheet {sheet_name} has no rows")
    return _assemble(mapping, path, values[at], at + 1, rows, notes + _header_note(path, at, "row"))


def read_feed(mapping: FeedMapping, folder: Path | str) -> RawFeed:
    """Read the feed described by `mapping` from `folder` into canonical raw columns.

    Raises FeedError naming the file for a missing, empty, undecodable or unreadable file, or a
    missing required column. Rows that cannot be split into fields are returned in `malformed`.
    """
    path = Path(folder) / mapping.file
    check_feed_file(path, Path(folder), mapping)
    try:
        if mapping.format == "excel":
            return _read_excel(mapping, path)
        return _read_csv(mapping, path)
    except PermissionError:
        raise _unreadable(path) from None


# What a file really is, by its first bytes, when it is not what its mapping expects.
_SIGNATURES = (
    (b"PK\x03\x04", "an Excel workbook (.xlsx) or another zip file"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls); save it as .xlsx"),
    (b"\xff\xfe", "UTF-16 text; save it as UTF-8 (CSV UTF-8 in Excel)"),
    (b"\xfe\xff", "UTF-16 text; save it as UTF-8 (CSV UTF-8 in Excel)"),
    (b"%PDF", "a PDF document"),
)
_NOT_CSV = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF")
_UTF16 = (b"\xff\xfe", b"\xfe\xff")


def _unreadable(path: Path) -> FeedError:
    return FeedError(str(path), "cannot be read: permission denied (ask for the file to be made readable)")


def check_feed_file(path: Path, folder: Path, mapping: FeedMapping) -> None:
    """The feed's file exists, is a regular file inside the feeds folder (a link out of it is not
    followed) and is of the format its mapping names. Raises FeedError saying what it is instead;
    never quotes the file's content."""
    where = f"config/feeds/{mapping.feed}.toml"
    if not path.exists() and not path.is_symlink():
        raise FeedError(
            str(path), f"file not found (the {mapping.feed} feed is expected here; its name is set in {where})"
        )
    if path.is_symlink() and not path.resolve().is_relative_to(folder.resolve()):
        raise FeedError(
            str(path), "is a link to a file outside the feeds folder, which is not followed; copy the file itself in"
        )
    if path.is_dir():
        raise FeedError(str(path), "is a folder, not a file; put the department's file itself here")
    if not path.is_file():
        raise FeedError(str(path), "is not a regular file (a pipe or a device?); put the department's file here")
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except PermissionError:
        raise _unreadable(path) from None
    if mapping.format == "excel" and head and not head.startswith(b"PK\x03\x04"):
        raise FeedError(str(path), f"is not an Excel workbook (.xlsx){_what_it_is(head)}; {where} says format excel")
    utf16 = head.startswith(_UTF16) and "16" not in mapping.encoding
    if mapping.format == "csv" and (head.startswith(_NOT_CSV) or utf16):
        raise FeedError(
            str(path), f"is not CSV text in {mapping.encoding}{_what_it_is(head)}; export it as CSV or set {where}"
        )


def _what_it_is(head: bytes) -> str:
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            return f": it is {what}"
    return ""
