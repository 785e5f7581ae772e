import pandas as pd
from python_calamine import CalamineWorkbook

from linkage.synth import NoiseSettings, generate_feeds


def test_formats_and_encodings(feeds_dir):
    assert (feeds_dir / "police.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    (feeds_dir / "health.csv").read_bytes().decode("gb18030")
    text = (feeds_dir / "vaccination.csv").read_bytes()
    assert not text.startswith(b"\xef\xbb\xbf") and text.decode("utf-8")
    assert CalamineWorkbook.from_path(str(feeds_dir / "education.xlsx")).sheet_names == ["随迁子女"]


def test_truth_covers_every_row_and_every_status(feeds_dir):
    records = pd.read_csv(feeds_dir / "truth" / "records.csv", dtype=str)
    children = pd.read_csv(feeds_dir / "truth" / "children.csv", dtype=str)
    assert set(records["child_id"]) <= set(children["child_id"])
    assert {"migrant", "local_household", "exempt_move", "aged_16_or_over", "under_six_months"} <= set(
        children["status"]
    )
    assert children["twin_of"].notna().any()


def test_same_seed_same_feeds(tmp_path):
    generate_feeds(tmp_path / "a", 50, seed=5)
    generate_feeds(tmp_path / "b", 50, seed=5)
    assert (tmp_path / "a" / "police.csv").read_bytes() == (tmp_path / "b" / "police.csv").read_bytes()


def test_hard_setting_has_more_of_everything():
    easy, hard = NoiseSettings.default(), NoiseSettings.hard()
    assert hard.homophone > easy.homophone and hard.twins > easy.twins
    assert hard.id_missing["health"] >= 0.9 and hard.id_missing["education"] >= 0.5


def test_two_half_years_of_one_population(tmp_path):
    import datetime as dt

    import pandas as pd

    from linkage.synth.feeds import generate_half_years

    generate_half_years(tmp_path / "h1", tmp_path / "h2", 600, seed=4, as_of=dt.date(2026, 6, 30))
    first = pd.read_csv(tmp_path / "h1" / "truth" / "children.csv", dtype=str).set_index("child_id")
    second = pd.read_csv(tmp_path / "h2" / "truth" / "children.csv", dtype=str).set_index("child_id")
    both = first.index.intersection(second.index)
    assert len(first.index.difference(second.index)) > 0  # children left
    assert len(second.index.difference(first.index)) > 0  # children arrived or were born
    born = second.loc[second.index.difference(first.index), "birth_date"] > "2026-06-30"
    assert born.any()  # babies born in the second half-year
    assert (first.loc[both, "residence_county"] != second.loc[both, "residence_county"]).any()  # moved county
    assert ((first.loc[both, "status"] != "aged_16_or_over") & (second.loc[both, "status"] == "aged_16_or_over")).any()
    records = {h: pd.read_csv(tmp_path / h / "truth" / "records.csv", dtype=str) for h in ("h1", "h2")}
    clean = {h: r[r["spoiled"].isna()] for h, r in records.items()}  # spoiled rows repeat or lose keys
    kept = clean["h1"].merge(clean["h2"], on=["feed", "record_key"], suffixes=("_1", "_2"))
    assert len(kept) > 0.8 * len(records["h1"]) and (kept["child_id_1"] == kept["child_id_2"]).all()


def test_siblings_who_are_not_twins_are_born_ten_months_apart_or_more():
    import datetime as dt
    import random

    from linkage.config import load_config
    from linkage.synth.world import SIBLING_SPACING, World

    world = World(load_config(), dt.date(2026, 6, 30), NoiseSettings.hard(), random.Random(3))
    world.populate(3000)
    by_family: dict[str, list] = {}
    for child in world.children:
        by_family.setdefault(child.family.family_id, []).append(child)
    siblings = [
        (a, b)
        for family in by_family.values()
        for i, a in enumerate(family)
        for b in family[i + 1 :]
        if a.twin_of != b.child_id
    ]
    assert len(siblings) > 100
    assert min(abs((a.birth_date - b.birth_date).days) for a, b in siblings) >= SIBLING_SPACING


def test_a_birth_certificate_is_the_childs_and_twins_have_the_next_numbers(tmp_path):
    generate_feeds(tmp_path, 1500, seed=4, noise=NoiseSettings.hard())
    health = pd.read_csv(tmp_path / "health.csv", encoding="gb18030", dtype=str, keep_default_na=False)
    records = pd.read_csv(tmp_path / "truth" / "records.csv", dtype=str)
    children = pd.read_csv(tmp_path / "truth" / "children.csv", dtype=str, keep_default_na=False)
    rows = health.reset_index(names="row").assign(
        row_number=lambda f: (f["row"] + 2).astype(str), record_key=lambda f: f["档案编号"]
    )
    certified = rows[rows["出生医学证明编号"] != ""].merge(
        records[records["feed"] == "health"], on=["row_number", "record_key"]
    )
    per_child = certified.groupby("child_id")["出生医学证明编号"].agg(["size", "nunique"])
    held_twice = per_child[per_child["size"] > 1]
    # Most children's records carry one number; a few carry a number typed wrong.
    assert len(held_twice) > 5 and (held_twice["nunique"] == 1).mean() > 0.75
    number = certified.groupby("child_id")["出生医学证明编号"].agg(lambda v: v.mode()[0])
    twins = children[(children["twin_of"] != "") & children["child_id"].isin(number.index)]
    pairs = [(a, b) for a, b in zip(twins["child_id"], twins["twin_of"], strict=True) if a < b and b in number.index]
    assert pairs and all(abs(int(number[a][1:]) - int(number[b][1:])) == 1 for a, b in pairs)


def test_with_moves_dated_each_record_of_a_moved_family_carries_the_address_of_its_date():
    import datetime as dt
    import random
    from dataclasses import replace

    from linkage.config import load_config
    from linkage.synth.feeds import draw_records
    from linkage.synth.world import World

    noise = replace(NoiseSettings.hard(), household_moved=1.0, moves_dated=True)
    world = World(load_config(), dt.date(2026, 6, 30), noise, random.Random(3))
    world.populate(500)
    records = [r for r in draw_records(world, noise, random.Random(4)) if r.child.family.moved_on]
    assert len(records) > 300
    for r in records:
        family = r.child.family
        assert (r.place is family.moved_to) == (r.local_date >= family.moved_on)
