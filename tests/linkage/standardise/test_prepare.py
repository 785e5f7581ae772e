import pandas as pd

from linkage.pipeline import check_feeds
from linkage.standardise.checked import format_check_report
from tests.conftest import AS_OF


def test_every_row_is_accounted_for(feeds_dir, config):
    checked = check_feeds(feeds_dir, config, AS_OF)
    rec = checked.reconciliation
    assert rec["balanced"].all()
    truth = pd.read_csv(feeds_dir / "truth" / "records.csv", dtype=str)
    assert rec["rows_read"].sum() == len(truth)
    kept_and_quarantined = len(checked.standardised) + len(checked.quarantine)
    assert kept_and_quarantined == len(truth)


def test_spoiled_rows_are_quarantined_with_reasons(feeds_dir, config):
    checked = check_feeds(feeds_dir, config, AS_OF)
    truth = pd.read_csv(feeds_dir / "truth" / "records.csv", dtype=str, keep_default_na=False)
    spoiled = truth[truth["spoiled"] != ""]
    assert len(spoiled) > 0
    q = checked.quarantine.assign(row_number=checked.quarantine["row_number"].astype(str))
    merged = spoiled.merge(q, on=["feed", "row_number"], how="left")
    assert merged["reason"].notna().all()


def test_report_lists_each_feed(feeds_dir, config):
    report = format_check_report(check_feeds(feeds_dir, config, AS_OF))
    for feed in ("police", "education", "health", "vaccination"):
        assert report.count(f"{feed} (") == 1
    assert "every row accounted for: True" in report


def test_a_run_whose_rows_do_not_add_up_stops_loudly(feeds_dir, config, monkeypatch):
    """A stage that lost a row (here, standardising that drops one) fails the feed, named."""
    import pytest

    from linkage.errors import RowsLost
    from linkage.standardise import prepare
    from linkage.standardise.assemble import standardise_feed
    from linkage.standardise.divisions import division_table
    from tests.conftest import AS_OF

    monkeypatch.setattr(prepare, "standardise_feed", lambda table, *args: standardise_feed(table.iloc[1:], *args))
    from linkage.ingest.read_feeds import read_feed

    raw = read_feed(config.feeds["police"], feeds_dir)
    with pytest.raises(RowsLost, match="the run stops rather than lose a row") as caught:
        prepare.prepare_feed(raw, config, division_table(config), AS_OF)
    assert str(raw.path) in str(caught.value)


def test_a_name_field_without_a_letter_is_no_name_and_is_reported(feeds_dir, config, tmp_path):
    import shutil

    folder = tmp_path / "feeds"
    shutil.copytree(feeds_dir, folder)
    police = pd.read_csv(folder / "police.csv", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    police.loc[0, "姓名"], police.loc[1, "姓名"] = "1", "NULL"
    police.to_csv(folder / "police.csv", index=False, encoding="utf-8-sig")
    keys = police.loc[[0, 1], "记录编号"].tolist()
    checked = check_feeds(folder, config, AS_OF)
    rows = checked.standardised[checked.standardised["feed"] == "police"].set_index("record_key").loc[keys]
    assert rows["name"].isna().all() and not rows["name_is_placeholder"].any()
    issues = checked.issues[(checked.issues["feed"] == "police") & (checked.issues["field"] == "name")]
    reason = issues.set_index("record_key").loc[keys[0], "reason"]
    assert reason == "name has no letters" and "姓名栏没有姓名" in config.texts.explain(reason).problem
    assert keys[1] not in set(issues["record_key"])  # NULL is read as blank: reported as a blank name instead
    assert checked.reconciliation["balanced"].all()
