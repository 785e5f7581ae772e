"""Training the Splink model on the run's own records, and what happens when a session cannot."""

import logging

import pytest

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
