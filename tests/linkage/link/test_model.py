"""Training the Splink model on the run's own records, and what happens when a session cannot."""

import logging

import pytest

from linkage.accuracy import read_truth
from linkage.errors import ModelError
from linkage.link.linkage_input import linkage_input
from linkage.link.model import m_probabilities, train_linker


def _records(checked, config):
    return linkage_input(checked.standardised, config.model.lookalike_groups)


def test_an_em_session_that_cannot_train_is_logged_and_the_others_stand(checked, config, caplog):
    # No two records share a unique_id: Splink finds no pairs to train on in that session.
    model = config.model.model_copy(update={"em_blocking": [["unique_id"], ["name_pinyin", "birth_year"]]})
    with caplog.at_level(logging.WARNING, logger="linkage.link.model"):
        linker = train_linker(_records(checked, config), model)
    assert "blocked on ['unique_id'] not used: no two records agree on it" in caplog.text
    trained = m_probabilities(linker.misc.save_model_to_json())
    assert 0 < trained[("birth_date", "exact")] <= 1  # from the session that trained


def test_a_model_no_session_can_train_is_a_clear_error(checked, config):
    model = config.model.model_copy(update={"em_blocking": [["unique_id"]]})
    with pytest.raises(ModelError, match="could not be trained on these records.*--model"):
        train_linker(_records(checked, config), model)


def _prior(records, config) -> float:
    return train_linker(records, config.model).misc.save_model_to_json()["probability_two_random_records_match"]


def test_the_prior_is_near_the_true_share_of_matching_pairs_whether_or_not_records_carry_ids(
    feeds_dir, checked, config
):
    # Counted from exact IDs alone, the prior fell 45-fold on feeds where no one had typed an ID,
    # and pairs with one name, one date of birth and one sex fell below every threshold.
    records = _records(checked, config)
    truth, _ = read_truth(feeds_dir)
    children = records.merge(truth.assign(unique_id=truth["feed"] + ":" + truth["record_key"]), on="unique_id")
    per_child = children.groupby("child_id").size()
    true_share = (per_child * (per_child - 1) / 2).sum() / (len(records) * (len(records) - 1) / 2)
    without_ids = records.assign(id_number=None)
    for prior in (_prior(records, config), _prior(without_ids, config)):
        assert true_share / 2 < prior < true_share * 2


def test_records_that_give_no_pair_to_count_the_prior_from_are_a_clear_error(checked, config):
    records = _records(checked, config)
    strangers = records.assign(id_number=None, name_pinyin=records["unique_id"])
    with pytest.raises(ModelError, match=r"no two of them agree on any rule the prior is counted from.*--model"):
        train_linker(strangers, config.model)


def test_too_few_records_for_the_prior_are_a_clear_error(checked, config):
    records = _records(checked, config)
    one_child = records[records["id_number"] == records["id_number"].dropna().mode()[0]].head(2)
    with pytest.raises(ModelError, match=r"too few records for the prior.*--model"):
        train_linker(one_child, config.model)
