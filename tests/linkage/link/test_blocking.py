"""Each configured blocking rule, case by case: the pair it exists to admit, and a near miss it
must not admit, run as Splink's DuckDB SQL on a two-row table."""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from linkage.link.blocking import blocking_rules, rule_parts

BASE = {
    "id_number": None,
    "birth_date": "2020-03-05",
    "residence_county": "410402",
    "name_pinyin": "li zi han",
    "birth_year": "2020",
    "guardian_phone": "13800001111",
    "name_shape": "李子涵",
    "household_county": "411302",
    "residence_address": "建设路1号院",
    "family_names": ["李丽", "王强"],
    "sex": "F",
    "is_placeholder": False,
    "birth_after_local": False,
}
OTHER = {
    "id_number": None,
    "birth_date": "2018-07-09",
    "residence_county": "410421",
    "name_pinyin": "wang hao",
    "birth_year": "2018",
    "guardian_phone": "13900002222",
    "name_shape": "王浩",
    "household_county": "410222",
    "residence_address": "矿工路8号",
    "family_names": ["赵敏"],
    "sex": "M",
    "is_placeholder": False,
    "birth_after_local": False,
}


def admitted_by(rules: list[list[str]], left: dict, right: dict) -> list[int]:
    """The positions of the rules that admit the pair (left, right). A rule on a list column
    joins the two rows exploded, one row per value, as Splink does."""
    found = []
    for n, rule in enumerate(blocking_rules(rules)):
        blocking = rule.get_blocking_rule("duckdb")
        exploded = getattr(blocking, "array_columns_to_explode", [])
        pair_l = pd.DataFrame([left]).explode(exploded) if exploded else pd.DataFrame([left])  # noqa: F841
        pair_r = pd.DataFrame([right]).explode(exploded) if exploded else pd.DataFrame([right])  # noqa: F841
        sql = blocking.blocking_rule_sql
        if duckdb.sql(f"SELECT count(*) FROM pair_l AS l, pair_r AS r WHERE {sql}").fetchall()[0][0]:
            found.append(n)
    return found


def test_each_rule_admits_a_pair_agreeing_on_its_columns_only(config):
    rules = config.model.prediction_blocking
    for n, marked in enumerate(rules):
        parts = rule_parts(marked)
        flags = dict.fromkeys(parts.flags, True)
        right = dict(OTHER, **{c: BASE[c] if BASE[c] is not None else "410402202003050011" for c in parts.columns})
        right.update(flags)
        left = dict(BASE, **{c: right[c] for c in parts.columns})
        assert n in admitted_by(rules, left, right), marked


def test_a_list_column_admits_a_pair_sharing_any_one_of_its_values(config):
    rule = [["family_names[]", "birth_year"]]
    father_and_mother = dict(OTHER, family_names=["王强", "李丽"], birth_year="2020")
    mother_only = dict(BASE, family_names=["李丽"])
    assert admitted_by(rule, father_and_mother, mother_only) == [0]
    assert admitted_by(rule, father_and_mother, dict(mother_only, birth_year="2019")) == []
    assert admitted_by(rule, father_and_mother, dict(mother_only, family_names=["李莉"])) == []


def test_a_flag_admits_only_pairs_where_one_side_at_least_has_it(config):
    rule = [["family_names[]", "birth_year", "either:is_placeholder"]]
    named = dict(BASE, family_names=["李丽"])
    placeholder = dict(named, is_placeholder=True)
    assert admitted_by(rule, named, placeholder) == [0] == admitted_by(rule, placeholder, placeholder)
    assert admitted_by(rule, named, named) == []


@pytest.mark.parametrize(
    "change, admitted",
    [
        ({}, True),
        ({"birth_date": "2020-03-06", "birth_year": "2020"}, True),  # name + birth year still agree
        ({"birth_date": "2020-03-06", "name_pinyin": "li zi xuan", "name_shape": "李子轩"}, True),  # phone
    ],
)
def test_near_misses_are_still_compared_through_another_rule(config, change, admitted):
    right = dict(BASE, **change)
    assert bool(admitted_by(config.model.prediction_blocking, BASE, right)) is admitted


def test_a_pair_agreeing_on_nothing_blocked_is_never_compared(config):
    assert admitted_by(config.model.prediction_blocking, BASE, OTHER) == []


def test_blank_values_never_admit_a_pair(config):
    blank = {k: [] if k == "family_names" else None for k in BASE} | {"is_placeholder": True}
    assert admitted_by(config.model.prediction_blocking, blank, blank) == []
