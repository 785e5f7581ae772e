"""Writing the county ledgers as Excel workbooks civil-affairs staff can open and work in:
frozen headers, filters, column widths, dates as dates, ID numbers and phones as text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import xlsxwriter

from linkage.config import Config
from linkage.publish.ledgers import Sheet, county_ledger, county_units, ledger_base
from linkage.publish.outputs import replaced_when_done
from linkage.register.care import care_gaps
from linkage.standardise.divisions import DivisionTable
from linkage.standardise.values import is_missing

MAX_WIDTH = 60
EXCEL_CELL_LIMIT = 32_767


def _width(header: str, values: pd.Series) -> float:
    """Characters wide, counting a Chinese character as two."""

    def wide(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    sample = values.dropna().astype(str).head(500)
    longest = max([wide(header)] + [wide(v) for v in sample])
    return min(MAX_WIDTH, longest + 2)


def write_workbook(sheets: list[Sheet], path: Path) -> Path:
    """Write `sheets` to one .xlsx file, atomically."""
    with replaced_when_done(path) as tmp:
        book = xlsxwriter.Workbook(
            str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
        )
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
        date = book.add_format({"num_format": "yyyy-mm-dd"})
        text = book.add_format({"num_format": "@"})
        for sheet in sheets:
            ws = book.add_worksheet(sheet.name)
            frame = sheet.frame
            for c, column in enumerate(frame.columns):
                ws.write_string(0, c, column, header)
                ws.set_column(c, c, _width(column, frame[column]), text if column in sheet.texts else None)
                for r, value in enumerate(frame[column].tolist(), start=1):
                    if is_missing(value) or value == "":
                        continue
                    if column in sheet.dates and isinstance(value, dt.date):
                        ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date)
                    elif column in sheet.texts or isinstance(value, str):
                        value = str(value)
                        if len(value) > EXCEL_CELL_LIMIT:  # Excel would cut it short without a word
                            raise ValueError(
                                f"{path.name}, sheet {sheet.name}, row {r + 1}, column {column}: "
                                f"{len(value)} characters, more than an Excel cell holds ({EXCEL_CELL_LIMIT})"
                            )
                        ws.write_string(r, c, value, text if column in sheet.texts else None)
                    else:
                        ws.write_number(r, c, float(value))
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, max(len(frame), 1), max(len(frame.columns) - 1, 0))
        book.close()
    return path


def ledger_file_name(code: str, name: str) -> str:
    """e.g. 410402_新华区_流动儿童台账.xlsx"""
    return f"{code}_{name}_流动儿童台账.xlsx"


def write_ledgers(
    register: pd.DataFrame,
    members: pd.DataFrame,
    config: Config,
    divisions: DivisionTable,
    as_of: dt.date,
    folder: Path,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """One workbook per county-level unit into `folder`. Returns one row per workbook: unit code
    and name, file, and the rows of its sheets. `progress(done, total)` is called after each
    workbook."""
    gaps = care_gaps(register, config.care)
    base = ledger_base(register, members, gaps, divisions, config, as_of)
    index = []
    units = county_units(config, base)
    for code, name in units:
        sheets = county_ledger(base, gaps, code, config.ledger.column_meanings)
        path = write_workbook(sheets, Path(folder) / ledger_file_name(code, name))
        rows = {sheet.name: len(sheet.frame) for sheet in sheets}
        index.append(
            {
                "code": code,
                "name": name,
                "file": path,
                "migrant_children": rows["流动儿童台账"],
                "to_verify": rows["待核实儿童"],
                "not_migrant": rows["非流动儿童"],
                "care_gaps": rows["关爱服务缺口"],
            }
        )
        if progress:
            progress(len(index), len(units))
    return pd.DataFrame(index)
