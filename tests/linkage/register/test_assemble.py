import json

import pandas as pd

from linkage.accuracy import measure, read_truth
from linkage.pipeline import build_register
from tests.conftest import AS_OF


def test_register_links_noisy_records_and_keeps_children_apart(built, feeds_dir):
    records, children = read_truth(feeds_dir)
    acc = measure(built.register, built.members, records, children)
    assert acc.precision >= 0.99 and acc.recall >= 0.97, acc
    assert acc.migrant_precision >= 0.97 and acc.migrant_recall >= 0.97, acc


def test_twins_with_ids_never_share_a_master(built, feeds_dir):
    records, children = read_truth(feeds_dir)
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


def _renamed_in_health(feeds_dir, tmp_path) -> tuple[str, str]:
    """A copy of the feeds in which one child known to the police and the health centre under
    one name is renamed in the health record (a new given name): its two record references."""
    import shutil

    records = pd.read_csv(feeds_dir / "truth" / "records.csv", keep_default_na=False, dtype=str)
    health = pd.read_csv(feeds_dir / "health.csv", encoding="gb18030", dtype=str, keep_default_na=False)
    police = pd.read_csv(feeds_dir / "police.csv", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    two = records[records["child_id"].map(records["child_id"].value_counts()) == 2]
    pairs = two[two["feed"] == "health"].merge(two[two["feed"] == "police"], on="child_id", suffixes=("_h", "_p"))
    for key_h, key_p in zip(pairs["record_key_h"], pairs["record_key_p"], strict=True):
        h = health[health["档案编号"] == key_h].iloc[0]
        p = police[police["记录编号"] == key_p].iloc[0]
        same = h["儿童姓名"] == p["姓名"] and h["联系电话"] == p["监护人联系电话"] and not h["身份证号"]
        if same and len(h["儿童姓名"]) == 3 and h["儿童姓名"][1:] != "浩然":
            break
    else:
        raise AssertionError("no child known to the police and the health centre under one name")
    shutil.copytree(feeds_dir, tmp_path, dirs_exist_ok=True)
    text = (feeds_dir / "health.csv").read_bytes().decode("gb18030")
    line = next(row for row in text.splitlines() if row.startswith(key_h))
    renamed = line.replace(h["儿童姓名"], h["儿童姓名"][0] + "浩然")
    (tmp_path / "health.csv").write_bytes(text.replace(line, renamed).encode("gb18030"))
    return f"health:{key_h}", f"police:{key_p}"


def test_a_renamed_child_is_one_child_and_its_ledger_row_asks_whether_it_is_twins(feeds_dir, config, tmp_path):
    from linkage.pipeline import check_feeds
    from linkage.publish.ledgers import ledger_base
    from linkage.register.care import care_gaps
    from linkage.review import read_ledger
    from linkage.standardise.divisions import division_table

    health, police = _renamed_in_health(feeds_dir, tmp_path)
    reg = build_register(check_feeds(tmp_path, config, AS_OF).standardised, config, AS_OF)
    master = reg.members.set_index("unique_id")["master_id"]
    assert master[health] == master[police]
    row = reg.register.set_index("master_id").loc[master[health]]
    assert health in row["renamed_joins"] and police in row["renamed_joins"]
    gaps = care_gaps(reg.register, config.care)
    base = ledger_base(reg.register, reg.members, gaps, division_table(config), config, AS_OF, reg.possible_same)
    ledger_row = base[base["主索引号"] == master[health]]
    assert "也可能是双胞胎" in ledger_row["需核实事项"].iloc[0] and bool(ledger_row["_verify"].iloc[0])
    filled = ledger_row[["主索引号", "需核实事项", "来源记录"]].assign(核实结果="不是同一儿童")
    (decision,) = read_ledger(filled).decisions
    assert decision[0] == "different" and {decision[1], decision[2]} == {health, police}
