import pandas as pd

from linkage.ingest.validate import load_suite_config, quarantined_rows, run_suite


def _police(keys):
    return pd.DataFrame(
        {
            "feed": "police",
            "record_key": keys,
            "row_number": range(2, 2 + len(keys)),
            "name": ["李梓涵"] * len(keys),
            "birth_date": ["2015-01-01"] * len(keys),
            "sex": ["男", "女", "x", "男"][: len(keys)],
        },
        dtype=object,
    )


def test_missing_and_repeated_keys_are_quarantined_first_occurrence_kept():
    table = _police(["GA0000000001", None, "GA0000000001", "GA0000000004"])
    outcomes = run_suite(table, load_suite_config("police"))
    q = quarantined_rows(table, outcomes)
    assert sorted(q["row_number"]) == [3, 4]
    assert set(q["reason"]) == {"no record key", "duplicate record key"}


def test_report_expectations_count_without_quarantine():
    table = _police(["GA0000000001", "GA0000000002", "GA0000000003"])
    outcomes = {o.reason: o for o in run_suite(table, load_suite_config("police"))}
    assert outcomes["sex not 男/女"].unexpected_count == 1 and not outcomes["sex not 男/女"].success
    assert quarantined_rows(table, list(outcomes.values())).empty
