"""Writing the county ledgers as Excel workbooks civil-affairs staff can open and work in:
frozen headers, filters, column widths, dates as dates, ID numbers and phones as text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import xlsxwriter

from linkage.config import Config
from linkage.publish.city_summary import CITY_FILE, city_sheets
from linkage.publish.ledgers import Chart, Sheet, county_ledger, county_units, ledger_base
from linkage.publish.outputs import replaced_when_done
from linkage.register.care import care_gaps
from linkage.register.changes import Changes
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


def _print_setup(ws, title: str) -> None:
    """Landscape A4, one page wide, the header row on every page, the unit and period on top and
    page numbers below: a ledger prints as it is, in Excel and in WPS."""
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
    ws.set_header(f"&C&12{title.replace('&', '&&')}")
    ws.set_footer("&C第 &P 页，共 &N 页")


def _drop_downs(ws, sheet: Sheet, rows: int) -> None:
    """A list to choose from in each column staff fill in, down to well below the last row."""
    for column, options in sheet.choices.items():
        c = list(sheet.frame.columns).index(column)
        ws.data_validation(
            1,
            c,
            max(rows, 1) + 200,
            c,
            {
                "validate": "list",
                "source": list(options),
                "error_title": column,
                "error_message": "请从下拉列表中选择：" + "、".join(options),
            },
        )


def _add_charts(book, charts: list[Chart], sheets: list[Sheet]) -> None:
    """A 图表 sheet with each chart, drawn from its sheet's cells (so it follows any edit)."""
    ws = book.add_worksheet("图表")
    frames = {s.name: s.frame for s in sheets}
    for n, spec in enumerate(charts):
        frame = frames[spec.sheet]
        last = len(frame) - 1  # the total row is not charted
        chart = book.add_chart({"type": "column", **({"subtype": "stacked"} if spec.stacked else {})})
        for c in range(1, len(frame.columns)):
            chart.add_series(
                {
                    "name": [spec.sheet, 0, c],
                    "categories": [spec.sheet, 1, 0, last, 0],
                    "values": [spec.sheet, 1, c, last, c],
                }
            )
        chart.set_title({"name": spec.title})
        chart.set_x_axis({"num_font": {"rotation": -45}})
        chart.set_y_axis({"name": "人数", "major_gridlines": {"visible": True}})
        chart.set_size({"width": 900, "height": 380})
        ws.insert_chart(n * 20, 0, chart)


def write_workbook(sheets: list[Sheet], path: Path, title: str = "", charts: list[Chart] | None = None) -> Path:
    """Write `sheets` (and a 图表 sheet with `charts`) to one .xlsx file, atomically. `title`
    heads every printed page."""
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
            _print_setup(ws, f"{title}　{sheet.name}" if title else sheet.name)
            _drop_downs(ws, sheet, len(frame))
        if charts:
            _add_charts(book, charts, sheets)
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
    possible_same: pd.DataFrame | None = None,
    changes: Changes | None = None,
) -> pd.DataFrame:
    """One workbook per county-level unit into `folder`. Returns one row per workbook: unit code
    and name, file, and the rows of its sheets. `progress(done, total)` is called after each
    workbook."""
    gaps = care_gaps(register, config.care)
    base = ledger_base(register, members, gaps, divisions, config, as_of, possible_same)
    index = []
    units = county_units(config, base)
    for code, name in units:
        sheets = county_ledger(base, gaps, code, config.ledger.column_meanings, config.ledger.fill_in, changes)
        title = f"{name}流动儿童工作台账　参考日{as_of:%Y年%m月%d日}"
        path = write_workbook(sheets, Path(folder) / ledger_file_name(code, name), title)
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
                "new_children": rows["新增儿童"],
                "gone_children": rows["离开儿童"],
                "changed_details": rows["信息变化"],
            }
        )
        if progress:
            progress(len(index), len(units))
    sheets, charts = city_sheets(base, gaps, units, [g.label for g in config.care.gaps], pd.DataFrame(index))
    write_workbook(
        sheets, Path(folder) / CITY_FILE, f"平顶山市流动儿童工作台账汇总　参考日{as_of:%Y年%m月%d日}", charts
    )
    return pd.DataFrame(index)
