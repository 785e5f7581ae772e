"""The half-yearly flow end to end, under the session's Prefect test server."""

import hashlib
import json
import re
import shutil

import openpyxl
import pandas as pd

from flows.cli import main
from linkage import pipeline
from tests.conftest import AS_OF

STAGES = [stage.name for stage in pipeline.STAGES]


def _truth(feeds_dir):
    records = pd.read_csv(
        feeds_dir / "truth" / "records.csv", dtype={"row_number": int, "record_key": str}, keep_default_na=False
    )
    children = pd.read_csv(feeds_dir / "truth" / "children.csv", dtype=str)
    return records, children


def _migrant_sheet(path):
    rows = list(openpyxl.load_workbook(path, read_only=True)["流动儿童台账"].iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


def test_ledgers_hold_the_right_children_in_the_right_county(run_dir, feeds_dir, checked):
    records, children = _truth(feeds_dir)
    members = pd.read_parquet(run_dir / "members.parquet").merge(records, on=["feed", "row_number"])
    child_of_master = members.groupby("master_id")["child_id"].agg(lambda c: c.mode().iloc[0])
    truth = children.set_index("child_id")
    # Counties some record of the child shows: where no record shows the true county (a move no
    # department has heard of), no linkage can place the child there.
    std = checked.standardised.assign(county=checked.standardised["residence_county"])
    shown = std.merge(records, on=["feed", "row_number"]).groupby("child_id")["county"].agg(set)
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    found, wrong, knowable = set(), 0, 0
    for ledger in manifest["rows"]["ledgers"]:
        sheet = _migrant_sheet(run_dir / "ledgers" / ledger["file"])
        assert len(sheet) == ledger["migrant_children"]
        for kid in sheet["主索引号"].map(child_of_master):
            true_county = truth.loc[kid, "residence_county"]
            if true_county in shown.get(kid, set()):
                knowable += 1
                wrong += true_county != ledger["code"]
            if truth.loc[kid, "is_migrant"] == "True":
                found.add(kid)
    listed = sum(ledger["migrant_children"] for ledger in manifest["rows"]["ledgers"])
    migrants = set(children.loc[children["is_migrant"] == "True", "child_id"])
    assert knowable >= 0.95 * listed and wrong <= 0.01 * knowable, (wrong, knowable)
    assert len(found) / listed >= 0.97  # listed children are migrant children
    assert len(found & migrants) / len(migrants) >= 0.97  # migrant children are listed


def test_manifest_accounts_for_inputs_stages_and_software(run_dir, feeds_dir):
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    for item in manifest["inputs"]:
        data = (feeds_dir / item["file"].rsplit("/", 1)[-1]).read_bytes()
        assert item["sha256"] == hashlib.sha256(data).hexdigest()
    rows = manifest["rows"]
    assert rows["every_row_accounted_for"] is True
    assert rows["rows_read"] == sum(f["rows_kept"] + f["rows_quarantined"] for f in rows["feeds"])
    assert rows["children"] == sum(rows["children_by_status"].values())
    assert set(STAGES) <= set(manifest["timings_seconds"])
    assert manifest["model"]["version"] == "1" and manifest["model"]["trained_on_this_run"] is True
    assert manifest["packages"]["splink"].startswith("5")
    assert manifest["reference_date"] == AS_OF.isoformat() and manifest["period"] == "2026H1"


def test_run_publishes_summary_and_report_artifacts(run_dir):
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        keys = {a.key for a in client.read_artifacts()}
    assert {"childreg-2026h1-summary", "childreg-2026h1-report"} <= keys


def test_rerun_with_saved_model_and_previous_run_keeps_master_ids(run_dir, feeds_dir, tmp_path):
    out = tmp_path / "again"
    assert (
        main(
            [
                "run",
                str(feeds_dir),
                "--as-of",
                AS_OF.isoformat(),
                "--out",
                str(out),
                "--model",
                str(run_dir / "model.json"),
                "--previous",
                str(run_dir),
            ]
        )
        == 0
    )
    first = pd.read_parquet(run_dir / "members.parquet")[["unique_id", "master_id"]]
    second = pd.read_parquet(out / "members.parquet")[["unique_id", "master_id"]]
    both = first.merge(second, on="unique_id", suffixes=("_1", "_2"))
    assert len(both) == len(first) and (both["master_id_1"] == both["master_id_2"]).all()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"]["trained_on_this_run"] is False


class _FailedState:
    def __init__(self, exc):
        self.exc = exc

    def result(self):
        raise self.exc


def test_io_tasks_retry_io_errors_but_not_bad_input():
    from flows.half_yearly import _transient, stage_task
    from linkage.errors import FeedError

    assert stage_task(pipeline.CHECK).retries == 2 and stage_task(pipeline.WRITE_LEDGERS).retries == 2
    assert stage_task(pipeline.LINK).retries == 0
    assert _transient(None, None, _FailedState(OSError("share not mounted"))) is True
    assert _transient(None, None, _FailedState(FeedError("police.csv", "file not found"))) is False
    assert _transient(None, None, _FailedState(PermissionError(13, "Permission denied"))) is False


def test_rerun_replaces_earlier_outputs_whole_and_keeps_the_console_quiet(
    run_dir, feeds_dir, tmp_path, tmp_path_factory, capsys
):
    out = tmp_path / "rerun"
    shutil.copytree(run_dir, out)
    stale = out / "ledgers" / "410499_旧县_流动儿童台账.xlsx"
    stale.write_bytes(b"from an earlier run")
    # This time police.csv has a title above its header: a mapping note, which the operator must see.
    feeds = tmp_path_factory.mktemp("titled") / "feeds"
    shutil.copytree(feeds_dir, feeds)
    police = feeds / "police.csv"
    rows = police.read_text(encoding="utf-8-sig")
    police.write_text("\ufeff平顶山市公安局 居住证登记随行子女\n" + rows, encoding="utf-8")
    capsys.readouterr()
    assert main(["run", str(feeds), "--as-of", AS_OF.isoformat(), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert not stale.exists()
    assert f"replaced the earlier results in {out}" in captured.out
    # no staging folder left behind; the lock file stays, unlocked, beside the register store
    assert sorted(p.name for p in tmp_path.iterdir()) == [".rerun.lock", "register.duckdb", "rerun"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert all((out / item["file"]).exists() for item in manifest["outputs"].values())
    stage_lines = [line.strip() for line in captured.err.splitlines() if line.strip()]
    for stage in pipeline.STAGES:
        assert sum(line.startswith(f"{stage.name}: ") for line in stage_lines) == 1, stage.name
    assert len(stage_lines) == len(pipeline.STAGES), stage_lines  # nothing but one line per stage
    noted = [line for line in stage_lines if "mapping note" in line]
    assert len(noted) == 1 and re.search(r"police: \d+ read, \d+ kept, \d+ quarantined, 1 mapping note;", noted[0])
    log = (out / "run.log").read_text(encoding="utf-8")
    assert "unable to train m value" in log and "[link" in log  # Splink's warnings are in the log file
    assert re.search(r"WARNING .*mapping: police.csv: the header is on line 2", log)
    notes = {item["feed"]: item["mapping_notes"] for item in manifest["inputs"]}
    assert notes["police"] == ["police.csv: the header is on line 2; the 1 line(s) above it are not data"]
    assert notes["health"] == [] and notes["vaccination"] == []
    assert re.search(r"\d{17}[\dX]", log) is None  # and no ID number is


def test_run_log_holds_stage_counts_and_no_personal_data(run_dir):
    log = (run_dir / "run.log").read_text(encoding="utf-8")
    for stage in pipeline.STAGES:
        assert f"{stage.name}: " in log
    assert re.search(r"\d{17}[\dX]|1[3-9]\d{9}", log) is None


FEEDBACK = {"police": "公安", "education": "教育", "health": "卫健", "vaccination": "疾控"}


def test_each_department_gets_its_own_records_back_with_row_numbers_it_can_find(run_dir, feeds_dir):
    from linkage.ingest.csv_records import physical_lines

    raw_rows = {}
    for feed in ("police", "health", "vaccination"):
        encoding = {"police": "utf-8-sig", "health": "gb18030", "vaccination": "utf-8"}[feed]
        lines = physical_lines((feeds_dir / f"{feed}.csv").read_text(encoding=encoding))
        raw_rows[feed] = {n + 1: line for n, line in enumerate(lines)}
    for feed, department in FEEDBACK.items():
        path = run_dir / "feedback" / f"{department}_数据质量反馈.xlsx"
        book = openpyxl.load_workbook(path)
        assert book.sheetnames == ["问题清单", "汇总"]
        assert book["问题清单"].page_setup.orientation == "landscape"
        rows = pd.DataFrame(
            list(book["问题清单"].iter_rows(values_only=True))[1:], columns=[c.value for c in book["问题清单"][1]]
        )
        assert len(rows), feed
        for value in rows.to_numpy().ravel():
            assert not isinstance(value, str) or not re.search(r"(?<![A-Za-z0-9])[A-Za-z]{3,}(?![A-Za-z0-9])", value), (
                feed,
                value,
            )
        if feed in raw_rows:  # the line it names holds the record it names
            for line, key in zip(rows["行号"], rows["记录编号"], strict=True):
                if isinstance(key, str):
                    assert raw_rows[feed][line].startswith(key), (feed, line, key)


def test_feedback_compares_with_the_previous_run(run_dir, feeds_dir, tmp_path):
    out = tmp_path / "next"
    assert (
        main(
            [
                "run",
                str(feeds_dir),
                "--as-of",
                AS_OF.isoformat(),
                "--out",
                str(out),
                "--model",
                str(run_dir / "model.json"),
                "--previous",
                str(run_dir),
            ]
        )
        == 0
    )
    summary = pd.read_excel(out / "feedback" / "公安_数据质量反馈.xlsx", sheet_name="汇总", engine="openpyxl")
    assert list(summary.columns) == ["问题", "本期条数", "上期条数", "变化"]
    assert (summary["本期条数"] == summary["上期条数"]).all()  # the same feeds: nothing changed
