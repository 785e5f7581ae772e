"""IDs and phones planted in every column of every feed: none reaches the analysts' report, the
pairs table, the run's log or `check`'s output unmasked."""

from __future__ import annotations

import csv
import io
import shutil

import pandas as pd
import xlsxwriter
from python_calamine import CalamineWorkbook

from flows.cli import main
from linkage.privacy import has_unmasked_number
from tests.conftest import AS_OF

PLANTED = ["410402201901020011", "13812345678", "+86 139-1234-5678", "41040219900101123X", "0375-1234567"]
CSV_FEEDS = {"police.csv": "utf-8-sig", "health.csv": "gb18030", "vaccination.csv": "utf-8"}


def _plant_csv(path, encoding):
    rows = list(csv.reader(io.StringIO(path.read_text(encoding=encoding), newline="")))
    for n, row in enumerate(rows[1:21], start=1):
        column = n % len(row)
        if column:  # keep the record key, which must stay unique
            row[column] = PLANTED[n % len(PLANTED)]
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding=encoding)


def _plant_excel(path):
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("随迁子女").to_python()
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("随迁子女")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if 1 <= r <= 20 and c == r % len(row) and c:
                value = PLANTED[r % len(PLANTED)]
            sheet.write(r, c, value)
    book.close()


def test_planted_numbers_are_masked_everywhere_analysts_look(prefect_harness, feeds_dir, tmp_path, capsys):
    feeds = tmp_path / "feeds"
    shutil.copytree(feeds_dir, feeds)
    for name, encoding in CSV_FEEDS.items():
        _plant_csv(feeds / name, encoding)
    _plant_excel(feeds / "education.xlsx")
    assert main(["check", str(feeds), "--as-of", AS_OF.isoformat()]) == 0
    checked_output = capsys.readouterr()
    assert not has_unmasked_number(checked_output.out + checked_output.err)

    out = tmp_path / "run"
    assert main(["run", str(feeds), "--as-of", AS_OF.isoformat(), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert not has_unmasked_number(captured.out + captured.err)
    report = (out / "report.html").read_text(encoding="utf-8")
    libraries = report[report.index("<script>!function") : report.index("</head>")]  # vega, inlined: no data
    assert not has_unmasked_number(report.replace(libraries, ""))
    assert not has_unmasked_number((out / "run.log").read_text(encoding="utf-8"))
    pairs = pd.read_parquet(out / "pairs.parquet")
    for column in pairs.columns:
        texts = pairs[column].dropna().astype(str)
        assert not any(has_unmasked_number(t) for t in texts), column
    for table in ("quarantine", "field_issues"):
        reasons = pd.read_parquet(out / f"{table}.parquet")["reason"].dropna()
        assert not any(has_unmasked_number(r) for r in reasons), table
