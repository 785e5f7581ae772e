"""Writing the county ledgers as Excel workbooks civil-affairs staff can open and work in:
frozen headers, filters, column widths, dates as dates, ID numbers and phones as text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from concurrent.futures import Future, as_completed
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from linkage.config import Config
from linkage.frames import present_or_none
from linkage.publish.city_summary import CITY_FILE, city_sheets
from linkage.publish.ledgers import Chart, Sheet, county_ledger, county_units, ledger_base
from linkage.publish.outputs import replaced_when_done
from linkage.register.care import care_gaps
from linkage.register.changes import Changes
from linkage.standardise.divisions import DivisionTable
from linkage.workers import per_core, workers

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


def _all_texts(values: pd.Series) -> bool:
    """Whether every present value is a text."""
    if isinstance(values.dtype, pd.StringDtype):
        return True
    return values.dtype == object and all(isinstance(v, str) for v in values.dropna())


def _too_long(sheet: Sheet, column: str, row: int, text: str, path: Path) -> ValueError:
    return ValueError(
        f"{path.name}, sheet {sheet.name}, row {row + 1}, column {column}: "
        f"{len(text)} characters, more than an Excel cell holds ({EXCEL_CELL_LIMIT})"
    )


def _column_cells(ws, sheet: Sheet, column: str, date_format, text_format, path: Path) -> tuple[Callable, Any, list]:
    """How one column is written, prepared for the whole column at once: the worksheet method,
    the cell format, and each row's value (None where the cell stays empty). Dates as dates,
    texts (IDs and phones among them) as text, other values as numbers. A text longer than a
    cell holds is an error, since Excel would cut it short without a word."""
    values = sheet.frame[column]
    present = present_or_none(values)
    text_style = text_format if column in sheet.texts else None
    if column in sheet.dates and all(isinstance(v, dt.date) for v in present if v is not None and v != ""):
        days = [dt.datetime(v.year, v.month, v.day) if isinstance(v, dt.date) else None for v in present]
        return ws.write_datetime, date_format, days
    if column in sheet.texts or _all_texts(values):
        texts = [str(v) if v is not None else None for v in present]
        texts = [t if t is not None and t.strip() else None for t in texts]
        for r, t in enumerate(texts, start=1):
            if t is not None and len(t) > EXCEL_CELL_LIMIT:
                raise _too_long(sheet, column, r, t, path)
        return ws.write_string, text_style, texts

    def any_value(r: int, c: int, value: Any, _style: Any) -> None:
        if isinstance(value, dt.date) and column in sheet.dates:
            ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date_format)
        elif not isinstance(value, str):
            ws.write_number(r, c, float(value))
        elif value.strip():
            if len(value) > EXCEL_CELL_LIMIT:
                raise _too_long(sheet, column, r, value, path)
            ws.write_string(r, c, value, text_style)

    return any_value, None, [v if v != "" else None for v in present]


def write_workbook(sheets: list[Sheet], path: Path, title: str = "", charts: list[Chart] | None = None) -> Path:
    """Write `sheets` (and a 图表 sheet with `charts`) to one .xlsx file, atomically. `title`
    heads every printed page."""
    with replaced_when_done(path) as tmp:
        book = xlsxwriter.Workbook(
            str(tmp),
            {
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "constant_memory": True,
            },
        )
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"})
        date = book.add_format({"num_format": "yyyy-mm-dd"})
        text = book.add_format({"num_format": "@"})
        for sheet in sheets:
            ws = book.add_worksheet(sheet.name)
            frame = sheet.frame
            for c, column in enumerate(frame.columns):
                ws.set_column(c, c, _width(column, frame[column]), text if column in sheet.texts else None)
            ws.write_row(0, 0, list(frame.columns), header)
            writes, styles, columns = (
                zip(*(_column_cells(ws, sheet, column, date, text, path) for column in frame.columns), strict=True)
                if len(frame.columns)
                else ((), (), ())
            )
            # Row by row, as the constant-memory writer needs: each row goes to disk when done.
            for r, values in enumerate(zip(*columns, strict=True), start=1):
                for c, value in enumerate(values):
                    if value is not None:
                        writes[c](r, c, value, styles[c])
            ws.freeze_panes(1, 0)
            ws.autofilter(0, 0, max(len(frame), 1), max(len(frame.columns) - 1, 0))
            _print_setup(ws, f"{title}　{sheet.name}" if title else sheet.name)
            _drop_downs(ws, sheet, len(frame))
        if charts:
            _add_charts(book, charts, sheets)
        book.close()
    return path


# Below this many cells, starting worker processes costs more than writing in parallel saves.
PARALLEL_FROM_CELLS = 500_000


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
    units = county_units(config, base)
    written: dict[str, Future] = {}
    index: dict[str, dict] = {}
    with workers(len(base) * len(base.columns) >= PARALLEL_FROM_CELLS, per_core()) as submit:
        for code, name in units:
            sheets = county_ledger(base, gaps, code, config.ledger.column_meanings, config.ledger.fill_in, changes)
            title = f"{name}流动儿童工作台账　参考日{as_of:%Y年%m月%d日}"
            written[code] = submit(write_workbook, sheets, Path(folder) / ledger_file_name(code, name), title)
            counts = {sheet.name: len(sheet.frame) for sheet in sheets}
            index[code] = {
                "code": code,
                "name": name,
                "file": None,
                "migrant_children": counts["流动儿童台账"],
                "to_verify": counts["待核实儿童"],
                "not_migrant": counts["非流动儿童"],
                "care_gaps": counts["关爱服务缺口"],
                "new_children": counts["新增儿童"],
                "gone_children": counts["离开儿童"],
                "changed_details": counts["信息变化"],
            }
        for done, future in enumerate(as_completed(written.values()), start=1):
            future.result()
            if progress:
                progress(done, len(units))
    for code, future in written.items():
        index[code]["file"] = future.result()
    rows = list(index.values())
    sheets, charts = city_sheets(base, gaps, units, [g.label for g in config.care.gaps], pd.DataFrame(rows))
    write_workbook(
        sheets, Path(folder) / CITY_FILE, f"平顶山市流动儿童工作台账汇总　参考日{as_of:%Y年%m月%d日}", charts
    )
    return pd.DataFrame(rows)
