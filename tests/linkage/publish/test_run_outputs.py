import pandas as pd

from linkage.link.scored_pairs import ScoredPairs
from linkage.publish.run_outputs import write_masked_pairs


def test_masked_pairs_are_written_batch_by_batch_with_every_row(tmp_path):
    frame = pd.DataFrame(
        {
            "unique_id_l": [f"police:{i}" for i in range(5)],
            "id_number_l": ["410402201503121234", None, "41040220150312123X", None, "410402201503121234"],
            "guardian_phone_r": ["13812345678"] * 5,
            "name_r": ["王芳", "13812345678", None, "李四", "王五"],
        }
    )
    path = write_masked_pairs(ScoredPairs.from_frame(frame), tmp_path / "pairs.parquet", batch_rows=2)
    back = pd.read_parquet(path)
    assert back["unique_id_l"].tolist() == frame["unique_id_l"].tolist()
    assert back["id_number_l"].fillna("").tolist() == [
        "410402********1234",
        "",
        "410402********123X",
        "",
        "410402********1234",
    ]
    assert "13812345678" not in set(back["guardian_phone_r"]) | set(back["name_r"].dropna())
    assert back["name_r"].tolist()[0] == "王芳"
