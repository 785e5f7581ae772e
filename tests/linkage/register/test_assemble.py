import json

import pandas as pd

from linkage.accuracy import measure
from linkage.pipeline import build_register
from tests.conftest import AS_OF


def _truth(feeds_dir):
    records = pd.read_csv(feeds_dir / "truth" / "records.csv", dtype={"row_number": int}, keep_default_na=False)
    children = pd.read_csv(feeds_dir / "truth" / "children.csv", dtype=str)
    return records, children


def test_register_links_noisy_records_and_keeps_children_apart(built, feeds_dir):
    records, children = _truth(feeds_dir)
    acc = measure(built.register, built.members, records, children)
    assert acc.precision >= 0.99 and acc.recall >= 0.97, acc
    assert acc.migrant_precision >= 0.97 and acc.migrant_recall >= 0.97, acc


def test_twins_with_ids_never_share_a_master(built, feeds_dir):
    records, children = _truth(feeds_dir)
    twins = children[children["twin_of"].notna()]
    m = built.members.merge(records, on=["feed", "row_number"])
    for _, twin in twins.iterrows():
        a = set(m.loc[m["child_id"] == twin["child_id"], "master_id"])
        b = set(m.loc[m["child_id"] == twin["twin_of"], "master_id"])
        ids = built.register[built.register["master_id"].isin(a & b)]
        assert ids["ids_distinct"].fillna(0).le(1).all()


def test_every_kept_record_is_in_exactly_one_master(built, checked):
    assert len(built.members) == len(checked.standardised)
    assert built.members["unique_id"].is_unique
    assert set(built.members["master_id"]) == set(built.register["master_id"])


def test_statuses_have_reasons(built):
    assert built.register["status"].notna().all() and built.register["status_reason"].notna().all()
    assert built.register["is_migrant"].dtype == bool


def test_saved_and_reloaded_model_gives_the_same_clusters(built, checked, config, tmp_path):
    from linkage.link.model import model_json, parse_model_json

    path = tmp_path / "model.json"
    path.write_text(model_json(built.settings, config.model.version), encoding="utf-8")
    assert json.loads(path.read_text())["linker_uid"] == "childreg-model-v1"
    again = build_register(
        checked.standardised, config, AS_OF, settings=parse_model_json(path.read_text(encoding="utf-8"), str(path))
    )
    a = built.members.set_index("unique_id")["master_id"]
    b = again.members.set_index("unique_id")["master_id"].reindex(a.index)
    assert (a == b).all()


def test_master_ids_are_stable_from_one_run_to_the_next(built, checked, config):
    half = checked.standardised.sample(frac=0.8, random_state=1)
    later = build_register(half, config, AS_OF, settings=built.settings, previous_members=built.members)
    before = built.members.set_index("unique_id")["master_id"]
    after = later.members.set_index("unique_id")["master_id"]
    common = after.index.intersection(before.index)
    assert (after[common] == before[common]).mean() >= 0.99


def test_townships_known_only_by_code_are_named_from_other_records(built, checked):
    std = checked.standardised.dropna(subset=["residence_township", "residence_township_name"])
    named_codes = set(std["residence_township"])
    reg = built.register
    coded = reg[reg["residence_township"].isin(named_codes)]
    assert len(coded) and coded["residence_township_name"].notna().all()
