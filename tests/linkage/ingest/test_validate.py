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


def test_an_import_that_exits_is_an_error_not_a_silent_end(tmp_path):
    """pyspark 4 without grpc calls sys.exit(0) inside `import great_expectations`: here a stand-in
    package that does the same, imported in a fresh interpreter."""
    import os
    import subprocess
    import sys

    fake = tmp_path / "great_expectations"
    fake.mkdir()
    (fake / "__init__.py").write_text("import sys\nsys.exit(0)\n", encoding="utf-8")
    code = "from linkage.ingest.validate import _great_expectations; _great_expectations(); print('imported')"
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode != 0 and "imported" not in done.stdout
    assert "RuntimeError: importing great_expectations ended the process" in done.stderr
    assert "pyspark" in done.stderr
