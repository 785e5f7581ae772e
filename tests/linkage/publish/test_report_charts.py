import pandas as pd

from linkage.publish.report_charts import threshold_effect


def test_threshold_effect_counts_pairs_and_the_children_they_would_make():
    pairs = pd.DataFrame(
        {
            "unique_id_l": ["police:1", "police:2", "police:3", "police:9"],
            "unique_id_r": ["school:1", "police:3", "health:1", "police:1"],
            "match_probability": [0.995, 0.92, 0.6, 0.999],
        }
    )
    records = pd.Series(["police:1", "school:1", "police:2", "police:3", "health:1"])
    effect = threshold_effect(pairs, records).set_index("threshold")
    # police:9 is not among the records: its pair counts as a pair but joins nobody.
    assert effect.loc[0.5].tolist() == [4, 2]
    assert effect.loc[0.9].tolist() == [3, 3]
    assert effect.loc[0.99].tolist() == [2, 4]
    assert effect.loc[0.999].tolist() == [1, 5]
