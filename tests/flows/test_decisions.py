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
    no_id = with_master[with_master["master_id"].map(has_id).eq(False) & ~with_master["name_is_placeholder"]]
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
