"""Every table passed between stages holds what linkage.frames says: its columns, one row per grain."""

import pandas as pd
import pytest

from linkage import frames
from linkage.publish.ledger_workbook import write_ledgers
from linkage.standardise.divisions import division_table
from tests.conftest import AS_OF


@pytest.fixture(scope="module")
def outputs(checked, built, config, feeds_dir, tmp_path_factory):
    from linkage.ingest.read_feeds import read_feed
    from linkage.link.clustering import cluster_records

    clusters = cluster_records(
        built.records, built.pairs.frame(), config.model.match_threshold, config.model.ambiguity_margin
    )
    ledgers = write_ledgers(
        built.register, built.members, config, division_table(config), AS_OF, tmp_path_factory.mktemp("ledgers")
    )
    return {
        frames.RAW_FEED: pd.concat([read_feed(m, feeds_dir).table for m in config.feeds.values()], ignore_index=True),
        frames.QUARANTINE: checked.quarantine,
        frames.FIELD_ISSUES: checked.issues,
        frames.RECONCILIATION: checked.reconciliation,
        frames.STANDARDISED: checked.standardised,
        frames.LINKAGE_RECORDS: built.records,
        frames.SCORED_PAIRS: built.pairs.frame(),
        frames.CLUSTERS: clusters,
        frames.MEMBERS: built.members,
        frames.REGISTER: built.register,
        frames.POSSIBLE_SAME: built.possible_same,
        frames.LEDGER_INDEX: ledgers,
    }


def test_every_contract_is_checked(outputs):
    assert set(outputs) == set(frames.CONTRACTS)


@pytest.mark.parametrize("contract", frames.CONTRACTS, ids=[c.name for c in frames.CONTRACTS])
def test_stage_output_conforms_to_its_contract(outputs, contract):
    assert len(outputs[contract]), contract.name
    assert frames.conforms(outputs[contract], contract) == []


def test_a_frame_that_breaks_its_contract_is_named():
    twice = pd.DataFrame({"master_id": ["C1", "C1"]})
    assert frames.conforms(twice, frames.REGISTER)[0].startswith("register: missing columns")
    members = pd.DataFrame({c: ["x", "x"] for c in frames.MEMBERS.columns})
    assert "more than one row per unique_id" in frames.conforms(members, frames.MEMBERS)[0]


def test_positions_find_each_value_among_the_keys_or_say_it_is_absent():
    from linkage.frames import positions

    keys = pd.Series(["police:1", "health:2", "education:3"])
    found, none, again = positions(keys, pd.Series(["education:3", "police:9"]), pd.Series([], dtype=object), keys)
    assert found.tolist() == [2, -1] and none.tolist() == [] and again.tolist() == [0, 1, 2]
    with pytest.raises(ValueError, match="not unique"):
        positions(pd.Series(["a", "b", "a"]), pd.Series(["a"]))
