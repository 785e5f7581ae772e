import pandas as pd

from linkage.register.master_ids import assign_master_ids, mint_master_id


def test_new_children_get_ids_from_their_anchor_and_keep_them_without_history():
    clusters = pd.DataFrame({"unique_id": ["p:1", "h:2", "v:3"], "cluster_key": ["h:2", "h:2", "v:3"]})
    records = pd.DataFrame({"unique_id": ["p:1", "h:2", "v:3"], "id_number": ["410402201501010011", None, None]})
    first = assign_master_ids(clusters, records)
    again = assign_master_ids(clusters, records)
    assert first.equals(again)
    assert dict(zip(first["cluster_key"], first["master_id"], strict=True))["h:2"] == mint_master_id(
        "id:410402201501010011"
    )


def test_previous_ids_are_inherited_and_a_split_keeps_it_in_the_larger_part():
    clusters = pd.DataFrame({"unique_id": ["a", "b", "c", "d"], "cluster_key": ["a", "a", "a", "d"]})
    records = pd.DataFrame({"unique_id": list("abcd"), "id_number": [None] * 4})
    previous = pd.DataFrame({"unique_id": list("abcd"), "master_id": ["M1"] * 4})
    out = dict(zip(*assign_master_ids(clusters, records, previous).T.values, strict=True))
    assert out["a"] == "M1" and out["d"] != "M1"


def test_ids_are_never_given_again():
    from linkage.register.master_ids import assign_master_ids, mint_master_id

    clusters = pd.DataFrame({"unique_id": ["p:1"], "cluster_key": ["p:1"]})
    records = pd.DataFrame({"unique_id": ["p:1"], "id_number": ["410402201501010011"]})
    once = mint_master_id("id:410402201501010011")
    again = assign_master_ids(clusters, records, None, issued={once})["master_id"].iloc[0]
    assert again != once


def test_the_history_says_created_merged_and_split():
    from linkage.register.master_ids import id_events

    previous = pd.DataFrame({"unique_id": ["a", "b", "c", "d", "e"], "master_id": ["M1", "M2", "M3", "M3", "M3"]})
    members = pd.DataFrame(
        {"unique_id": ["a", "b", "c", "d", "e", "f"], "master_id": ["M1", "M1", "M3", "M3", "N1", "N2"]}
    )
    events = set(map(tuple, id_events(previous, members).fillna("").to_numpy()))
    assert events == {("merged", "M2", "M1"), ("split", "N1", "M3"), ("created", "N2", "")}
