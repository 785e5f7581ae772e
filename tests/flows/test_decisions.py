"""People's decisions through the command line: recorded, obeyed by every later run over the
model, reported when unused or impossible, and kept; master IDs carried through the store."""

from __future__ import annotations

import pandas as pd

from flows.cli import main
from tests.conftest import AS_OF


def test_decisions_are_obeyed_reported_and_kept(run_dir, feeds_dir, checked, tmp_path, capsys):
    store = tmp_path / "register.duckdb"
    members = pd.read_parquet(run_dir / "members.parquet")
    sizes = members.groupby("master_id").size()
    child = members[members["master_id"] == sizes[sizes >= 2].index[0]]["unique_id"].tolist()
    # two children whose records carry no valid ID at all: nothing makes "same" impossible
    std = checked.standardised.assign(unique_id=checked.standardised["feed"] + ":" + checked.standardised["record_key"])
    with_master = std.merge(members[["unique_id", "master_id"]], on="unique_id")
    has_id = with_master.groupby("master_id")["id_number"].agg(lambda ids: ids.notna().any())
    no_id = with_master[
        with_master["master_id"].map(has_id).eq(False) & ~with_master["name_is_placeholder"].astype(bool)
    ]
    left = no_id.iloc[0]["unique_id"]
    right = no_id[no_id["master_id"] != no_id.iloc[0]["master_id"]].iloc[0]["unique_id"]
    said = [
        ["different", child[0], child[1]],
        ["same", left, right],
        ["same", "police:GA9999999999", child[0]],
    ]
    for verdict, a, b in said:
        assert main(["decide", verdict, a, b, "--by", "张敏", "--reason", "入户核实", "--store", str(store)]) == 0
    out = tmp_path / "run"
    args = [
        "run",
        str(feeds_dir),
        "--as-of",
        AS_OF.isoformat(),
        "--out",
        str(out),
        "--store",
        str(store),
        "--model",
        str(run_dir / "model.json"),
    ]
    assert main(args) == 0
    assert "people's decisions: 2 applied, 1 unused" in capsys.readouterr().out
    new = pd.read_parquet(out / "members.parquet").set_index("unique_id")["master_id"]
    assert new[child[0]] != new[child[1]]  # "different" over the model
    assert new[left] == new[right]  # "same" over the model and its rules
    outcomes = pd.read_parquet(out / "decisions.parquet").set_index("decision_id")
    assert list(outcomes["status"]) == ["applied", "applied", "unused"]
    assert list(outcomes["decided_by"].unique()) == ["张敏"]

    # The next half-year, with the same store and no --previous: the same master IDs, and the
    # decisions obeyed again.
    later = tmp_path / "later"
    assert (
        main(
            [
                "run",
                str(feeds_dir),
                "--as-of",
                "2026-12-31",
                "--out",
                str(later),
                "--store",
                str(store),
                "--model",
                str(run_dir / "model.json"),
            ]
        )
        == 0
    )
    again = pd.read_parquet(later / "members.parquet").set_index("unique_id")["master_id"]
    assert (again.reindex(new.index) == new).all()
    assert list(pd.read_parquet(later / "decisions.parquet")["status"]) == ["applied", "applied", "unused"]


def test_a_decision_that_names_no_record_is_one_line_error(tmp_path, capsys):
    assert (
        main(
            [
                "decide",
                "same",
                "GA1",
                "health:1",
                "--by",
                "张敏",
                "--reason",
                "x",
                "--store",
                str(tmp_path / "s.duckdb"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "FEED:KEY" in err and "Traceback" not in err


def test_the_next_half_year_says_what_changed(run_dir, feeds_dir, tmp_path):
    """A second half-year with one child's records gone: that child is on 离开儿童 of its county,
    the rest keep their IDs, and the city summary counts it."""
    import json
    import shutil

    import openpyxl

    from linkage.ingest.csv_records import physical_lines

    members = pd.read_parquet(run_dir / "members.parquet")
    register = pd.read_parquet(run_dir / "register.parquet")
    only_police = members.groupby("master_id")["feed"].agg(set)
    migrant = register.set_index("master_id")["is_migrant"]
    leaver = next(m for m, feeds in only_police.items() if feeds == {"police"} and migrant[m])
    keys = set(members.loc[members["master_id"] == leaver, "record_key"])
    feeds = tmp_path / "feeds"
    shutil.copytree(feeds_dir, feeds)
    lines = physical_lines((feeds / "police.csv").read_text(encoding="utf-8-sig"))
    kept = [line for line in lines if line.split(",", 1)[0] not in keys]
    (feeds / "police.csv").write_text("\ufeff" + "".join(kept), encoding="utf-8")
    out = tmp_path / "2026H2"
    assert (
        main(
            [
                "run",
                str(feeds),
                "--as-of",
                "2026-12-31",
                "--out",
                str(out),
                "--previous",
                str(run_dir),
                "--model",
                str(run_dir / "model.json"),
                "--store",
                str(tmp_path / "s.duckdb"),
            ]
        )
        == 0
    )
    county = register.set_index("master_id").at[leaver, "residence_county"]
    ledger = next((out / "ledgers").glob(f"{county}_*.xlsx"))
    gone = list(openpyxl.load_workbook(ledger, read_only=True)["离开儿童"].iter_rows(values_only=True))
    assert any(row[1] == leaver and "各部门名单中均已没有该儿童" in row[3] for row in gone[1:])
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert next(r for r in manifest["rows"]["ledgers"] if r["code"] == county)["gone_children"] >= 1
    city = list(
        openpyxl.load_workbook(out / "ledgers" / "全市汇总.xlsx", read_only=True)["本期变化"].iter_rows(
            values_only=True
        )
    )
    assert city[0][:3] == ("县（市、区）", "新增儿童", "离开儿童") and city[-1][2] >= 1


def test_same_decisions_teach_the_model_and_the_manifest_says_how(run_dir, feeds_dir, checked, tmp_path):
    import json

    members = pd.read_parquet(run_dir / "members.parquet")
    groups = members.groupby("master_id")["unique_id"].agg(list)
    pairs = [refs[:2] for refs in groups if len(refs) >= 2][:25]
    store = tmp_path / "register.duckdb"
    for left, right in pairs:
        assert main(["decide", "same", left, right, "--by", "张敏", "--reason", "核实", "--store", str(store)]) == 0
    out = tmp_path / "taught"
    assert main(["run", str(feeds_dir), "--as-of", AS_OF.isoformat(), "--out", str(out), "--store", str(store)]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    changes = manifest["model"]["changed_by_decisions"]
    assert changes and all(c["m_before"] != c["m_after"] for c in changes)
    assert {"comparison", "level", "m_before", "m_after"} <= set(changes[0])


def test_a_run_that_fails_part_way_leaves_the_store_as_it_was(run_dir, feeds_dir, tmp_path, monkeypatch, capsys):
    import duckdb

    import linkage.pipeline

    store = tmp_path / "register.duckdb"
    assert (
        main(["decide", "different", "police:GA1", "health:1", "--by", "张敏", "--reason", "x", "--store", str(store)])
        == 0
    )

    def broken(*args, **kwargs):
        raise PermissionError(13, "permission denied while writing feedback")

    stage = linkage.pipeline.WRITE_FEEDBACK
    monkeypatch.setattr(linkage.pipeline, "WRITE_FEEDBACK", type(stage)(stage.name, broken, stage.counts))
    import flows.half_yearly

    flows.half_yearly._TASKS.pop(stage.name, None)
    out = tmp_path / "out"
    assert (
        main(
            [
                "run",
                str(feeds_dir),
                "--as-of",
                AS_OF.isoformat(),
                "--out",
                str(out),
                "--store",
                str(store),
                "--model",
                str(run_dir / "model.json"),
            ]
        )
        == 1
    )
    assert "failed unexpectedly" in capsys.readouterr().err
    flows.half_yearly._TASKS.pop(stage.name, None)
    con = duckdb.connect(str(store), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM runs").fetchall()[0][0] == 0
        assert con.execute("SELECT count(*) FROM decisions").fetchall()[0][0] == 1
    finally:
        con.close()
    assert not out.exists()
