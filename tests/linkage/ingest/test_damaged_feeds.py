"""A corpus of damaged feed folders, each made from small generated feeds by one kind of damage,
with its expected outcome. In every case every physical data line is accounted for: kept, or
quarantined with its line number and a reason."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import xlsxwriter

from linkage.errors import FeedError
from linkage.pipeline import check_feeds
from linkage.privacy import has_unmasked_number
from linkage.standardise.checked import format_check_report
from linkage.synth import generate_feeds

AS_OF = dt.date(2026, 6, 30)
POLICE = "police.csv"


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("clean")
    generate_feeds(folder, 60, seed=5, as_of=AS_OF)
    return folder


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8-sig").split("\n")


def _write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("\ufeff" + "\n".join(lines), encoding="utf-8")


def _edit_line(n: int, change: Callable[[str], str]) -> Callable[[Path], None]:
    """Damage physical line `n` (1-based) of police.csv."""

    def damage(folder: Path) -> None:
        lines = _lines(folder / POLICE)
        lines[n - 1] = change(lines[n - 1])
        _write_lines(folder / POLICE, lines)

    return damage


def _unclosed_quote(folder: Path) -> None:
    _edit_line(5, lambda line: line.replace(",", ',"', 1))(folder)


def _cut_mid_row(folder: Path) -> None:
    text = (folder / POLICE).read_text(encoding="utf-8-sig").rstrip("\n")
    (folder / POLICE).write_text("\ufeff" + text[: len(text) - 30], encoding="utf-8")


def _blank_lines(folder: Path) -> None:
    lines = _lines(folder / POLICE)
    lines[8] = lines[8].replace(lines[8].split(",")[4], "2019-13-45")  # a bad date on line 9 ...
    _write_lines(folder / POLICE, lines[:3] + ["", "  "] + lines[3:6] + [""] + lines[6:])  # ... now line 12


def _delimiter_rows(folder: Path) -> None:
    """Rows of delimiters only, as Excel saves rows that were formatted once, mid-file and at the end."""
    lines = _lines(folder / POLICE)
    empty = "," * (lines[0].count(","))
    _write_lines(folder / POLICE, lines[:5] + [empty] + lines[5:] + [empty, empty])


def _title_above_header(folder: Path) -> None:
    _write_lines(folder / POLICE, ["平顶山市公安局 居住证登记随行子女 2026年上半年", ""] + _lines(folder / POLICE))


@dataclass(frozen=True)
class Case:
    name: str
    damage: Callable[[Path], None]
    quarantined_lines: tuple[int, ...] = ()  # police.csv lines expected in quarantine
    reason: str = ""
    check: Callable[[object], None] | None = None


def _no_control_characters(checked) -> None:
    names = checked.standardised["name"].dropna()
    assert not names.str.contains(r"[\x00-\x08\x0b-\x1f\x7f]").any()
    assert names.str.len().max() < 40


def _row_numbers_count_blank_lines(checked) -> None:
    issue = checked.issues[(checked.issues["feed"] == "police") & (checked.issues["field"] == "birth_date")]
    assert 12 in set(issue["row_number"])


def _header_found(checked) -> None:
    assert any("header is on line 3" in p for p in checked.mapping_problems)
    assert checked.standardised.loc[checked.standardised["feed"] == "police", "row_number"].min() == 4


CASES = [
    Case("unclosed quote swallows no rows", _unclosed_quote, (5,), "a quote opens a field", _no_control_characters),
    Case("a row that lost a delimiter", _edit_line(7, lambda s: s.replace(",", "", 1)), (7,), "fields but the header"),
    Case("a row missing its last fields", _edit_line(9, lambda s: ",".join(s.split(",")[:6])), (9,), "cut short"),
    Case("a file cut mid-row", _cut_mid_row, (-1,), "fields but the header"),
    Case("NUL bytes in a name", _edit_line(6, lambda s: s.replace(",", ",\x00\x01", 1)), check=_no_control_characters),
    Case(
        "a cell longer than Excel holds",
        _edit_line(8, lambda s: s.replace(",", "," + "张" * 40000, 1)),
        (8,),
        "characters long",
    ),
    Case("blank lines: numbers as the file counts them", _blank_lines, (), "", _row_numbers_count_blank_lines),
    Case("a title above the header", _title_above_header, (), "", _header_found),
    Case("rows of delimiters only are blank", _delimiter_rows),
]


def _data_lines(path: Path) -> int:
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("记录编号"))
    return sum(1 for line in lines[header + 1 :] if line.replace(",", "").strip())


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_damaged_police_feed(clean, tmp_path, config, case):
    folder = tmp_path / "feeds"
    shutil.copytree(clean, folder)
    case.damage(folder)
    checked = check_feeds(folder, config, AS_OF)
    police = next(p for p in checked.prepared if p.feed == "police")
    assert police.rows_read == _data_lines(folder / POLICE)  # counted from the file's lines
    assert bool(checked.reconciliation["balanced"].all())
    quarantined = police.quarantine
    last = len((folder / POLICE).read_text(encoding="utf-8-sig").splitlines())
    for line in case.quarantined_lines:
        line = last if line == -1 else line
        row = quarantined[quarantined["row_number"] == line]
        assert len(row) == 1 and case.reason in row["reason"].iloc[0], (line, quarantined.to_dict("records"))
    if case.check:
        case.check(checked)


def test_numbers_in_the_wrong_columns_are_never_echoed(clean, tmp_path, config):
    folder = tmp_path / "feeds"
    shutil.copytree(clean, folder)
    lines = _lines(folder / POLICE)
    cells = lines[3].split(",")
    cells[2] = "13812345678"  # a phone in the sex column
    cells[8] = "410402201901020011"  # an ID in the residence-code column
    cells[10] = "+86 139-1234-5678"  # a phone in the registration date
    lines[3] = ",".join(cells)
    _write_lines(folder / POLICE, lines)
    checked = check_feeds(folder, config, AS_OF)
    report = format_check_report(checked)
    assert not has_unmasked_number(report), report
    reasons = " ".join(checked.issues["reason"]) + " ".join(checked.quarantine["reason"])
    assert not has_unmasked_number(reasons)
    assert "138****5678" in report or "138****5678" in reasons


def test_excel_rows_are_numbered_as_the_sheet_shows_them(clean, tmp_path, config):
    folder = tmp_path / "feeds"
    shutil.copytree(clean, folder)
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(clean / "education.xlsx")).get_sheet_by_name("随迁子女").to_python()
    book = xlsxwriter.Workbook(str(folder / "education.xlsx"))
    sheet = book.add_worksheet("随迁子女")
    sheet.write(0, 0, "平顶山市教育局 随迁子女名单")  # a title on row 1, the header on row 3
    out = 2
    for n, row in enumerate(rows):
        if n == 5:
            out += 2  # two blank rows in the middle
        for c, value in enumerate(row):
            sheet.write(out, c, value)
        out += 1
    book.close()
    checked = check_feeds(folder, config, AS_OF)
    education = checked.standardised[checked.standardised["feed"] == "education"].sort_values("row_number")
    numbers = list(education["row_number"])
    assert numbers[:6] == [4, 5, 6, 7, 10, 11]  # rows 8 and 9 are blank
    prepared = next(p for p in checked.prepared if p.feed == "education")
    assert prepared.rows_read == len(rows) - 1 and bool(checked.reconciliation["balanced"].all())


@pytest.mark.parametrize(
    "damage, expected",
    [
        (lambda f: ((f / POLICE).unlink(), (f / POLICE).mkdir()), "is a folder"),
        (lambda f: (f / POLICE).write_text("记录编号,姓名\n", encoding="utf-16"), "UTF-16"),
        (lambda f: shutil.copy(f / "education.xlsx", f / POLICE), "Excel workbook"),
    ],
)
def test_unusable_files_are_errors_naming_the_file(clean, tmp_path, config, damage, expected):
    folder = tmp_path / "feeds"
    shutil.copytree(clean, folder)
    damage(folder)
    with pytest.raises(FeedError, match=expected) as caught:
        check_feeds(folder, config, AS_OF)
    assert POLICE in str(caught.value)
