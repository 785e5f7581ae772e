"""The register store: decisions kept for good, runs remembered, nothing written by a failed run."""

import pandas as pd
import pytest

from linkage.errors import ConfigError
from linkage.store import latest_members, read_decisions, record_decision, record_run


def _manifest(period, started):
    return {
        "period": period,
        "reference_date": "2026-06-30",
        "started": started,
        "finished": started,
        "run_by": {"user": "u", "host": "h"},
        "model": {"version": "1"},
        "inputs": [],
        "rows": {},
    }


def test_decisions_are_numbered_kept_and_read_back(tmp_path):
    store = tmp_path / "register.duckdb"
    assert record_decision(store, "different", "police:GA1", "health:410402001001001", "张敏", "双胞胎") == 1
    assert record_decision(store, "same", "police:GA2", "education:JY2", "李华", "同一儿童") == 2
    decisions = read_decisions(store)
    assert list(decisions["verdict"]) == ["different", "same"] and list(decisions["decided_by"]) == ["张敏", "李华"]
    assert decisions["decided_at"].notna().all()


@pytest.mark.parametrize(
    "verdict, left, right, expected",
    [
        ("maybe", "police:GA1", "health:1", "'same' or 'different'"),
        ("same", "GA1", "health:1", "FEED:KEY"),
        ("same", "police:GA1", "police:GA1", "two different records"),
    ],
)
def test_a_bad_decision_is_refused_with_the_reason(tmp_path, verdict, left, right, expected):
    with pytest.raises(ConfigError, match=expected):
        record_decision(tmp_path / "s.duckdb", verdict, left, right, "张敏", "x")


def test_the_latest_earlier_run_gives_the_master_ids(tmp_path):
    store = tmp_path / "register.duckdb"
    record_run(
        store,
        _manifest("2025H2", "2026-01-01T02:00:00"),
        pd.DataFrame({"unique_id": ["police:GA1"], "master_id": ["M1"]}),
        tmp_path / "2025H2",
    )
    record_run(
        store,
        _manifest("2026H1", "2026-07-01T02:00:00"),
        pd.DataFrame({"unique_id": ["police:GA1"], "master_id": ["M2"]}),
        tmp_path / "2026H1",
    )
    assert list(latest_members(store, "2026H1")["master_id"]) == ["M1"]
    assert list(latest_members(store, "2026H2")["master_id"]) == ["M2"]
    assert latest_members(store, "2025H2") is None


def test_a_run_that_fails_while_being_stored_leaves_nothing_behind(tmp_path):
    store = tmp_path / "register.duckdb"
    record_decision(store, "same", "police:GA2", "education:JY2", "李华", "同一儿童")
    with pytest.raises(KeyError):
        record_run(store, {"period": "2026H1", "started": "x"}, pd.DataFrame(), tmp_path)
    assert latest_members(store, "2027H1") is None and len(read_decisions(store)) == 1


def test_issued_ids_are_those_of_earlier_periods(tmp_path):
    from linkage.store import issued_ids

    store = tmp_path / "register.duckdb"
    record_run(
        store,
        _manifest("2025H2", "2026-01-01T02:00:00"),
        pd.DataFrame({"unique_id": ["police:GA1"], "master_id": ["M1"]}),
        tmp_path,
    )
    record_run(
        store,
        _manifest("2026H1", "2026-07-01T02:00:00"),
        pd.DataFrame({"unique_id": ["police:GA2"], "master_id": ["M2"]}),
        tmp_path,
    )
    assert issued_ids(store, "2026H1") == {"M1"} and issued_ids(store, "2026H2") == {"M1", "M2"}


def test_any_earlier_runs_register_can_be_read_back(built, tmp_path):
    from linkage.store import read_register

    store = tmp_path / "register.duckdb"
    record_run(store, _manifest("2026H1", "2026-07-01T02:00:00"), built.members, tmp_path, None, built.register)
    extra = built.register.assign(new_column="x")  # a later version adds a column: still stored
    record_run(store, _manifest("2026H2", "2027-01-01T02:00:00"), built.members, tmp_path, None, extra)
    back = read_register(store, "2026H1-2026-07-01T02:00:00")
    assert len(back) == len(built.register) and set(built.register.columns) <= set(back.columns)
    assert "new_column" not in back.columns
    merged = back.set_index("master_id").loc[built.register["master_id"], "status"].tolist()
    assert merged == built.register["status"].tolist()
