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
