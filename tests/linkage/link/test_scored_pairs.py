import pickle
from concurrent.futures import ThreadPoolExecutor

import pandas as pd
import pyarrow as pa

from linkage.link.scored_pairs import CORE, ScoredPairs


def _frame(n: int = 7) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "match_weight": [float(i) for i in range(n)],
            "match_probability": [i / n for i in range(n)],
            "unique_id_l": [f"police:{i}" for i in range(n)],
            "unique_id_r": [f"school:{i}" for i in range(n)],
            "name_l": ["王芳" if i % 2 else None for i in range(n)],
            "family_names_l": [["李丽", "王强"] for _ in range(n)],
        }
    )


def test_a_frame_holds_only_the_columns_asked_for_indexed_by_position():
    pairs = ScoredPairs.from_frame(_frame())
    core = pairs.frame(CORE)
    assert list(core.columns) == list(CORE)
    assert list(core.index) == list(range(7))
    assert core["unique_id_l"].tolist() == [f"police:{i}" for i in range(7)]
    assert len(pairs) == 7 and "name_l" in pairs and "gamma_name" not in pairs


def test_a_condition_chooses_pairs_and_keeps_their_positions():
    chosen = ScoredPairs.from_frame(_frame()).frame(["match_weight"], where="match_weight >= 5")
    assert list(chosen.index) == [5, 6]


def test_rows_gives_every_column_of_the_pairs_asked_for_in_that_order():
    pairs = ScoredPairs.from_frame(_frame())
    rows = pairs.rows([4, 1])
    assert list(rows.index) == [4, 1]
    assert list(rows.columns) == list(_frame().columns)
    assert rows.loc[1, "name_l"] == "王芳" and pd.isna(rows.loc[4, "name_l"])
    assert list(rows.loc[4, "family_names_l"]) == ["李丽", "王强"]


def test_batches_cover_the_table_in_order():
    pairs = ScoredPairs.from_frame(_frame(10))
    batches = list(pairs.batches(3))
    assert len(batches) == 4
    assert pa.Table.from_batches(batches)["unique_id_r"].to_pylist() == [f"school:{i}" for i in range(10)]


def test_pairs_survive_pickling_and_reads_from_several_threads():
    pairs = pickle.loads(pickle.dumps(ScoredPairs.from_frame(_frame(50))))
    with ThreadPoolExecutor(4) as threads:
        sums = list(threads.map(lambda _: pairs.frame(["match_weight"])["match_weight"].sum(), range(20)))
    assert sums == [sum(range(50))] * 20


def test_scored_pairs_from_splink_keep_its_columns(built):
    pairs = built.pairs
    assert len(pairs) > 0
    assert {"gamma_name", "mw_name", "tf_name_l", "name_l", "name_r"} <= set(pairs.columns)
    whole, core = pairs.frame(), pairs.frame(CORE)
    pd.testing.assert_frame_equal(whole[list(CORE)], core)
    assert (core["match_probability"] >= 0.01).all()


def test_pairs_are_read_back_from_a_runs_parquet(tmp_path):
    path = tmp_path / "pairs.parquet"
    _frame().to_parquet(path)
    back = ScoredPairs.read_parquet(path)
    pd.testing.assert_frame_equal(back.frame(CORE), ScoredPairs.from_frame(_frame()).frame(CORE))
