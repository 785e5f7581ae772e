import pandas as pd

from linkage.accuracy import migrant_misses, misses, pairwise, renamed_joins, twin_placeholder_records

# Child A (records a1, a2, a3: a3 a placeholder), its same-sex twin B (b1), a sibling C (c1).
TRUTH_RECORDS = pd.DataFrame(
    {
        "feed": ["police", "health", "vaccination", "police", "police"],
        "row_number": [1, 1, 1, 2, 3],
        "child_id": ["A", "A", "A", "B", "C"],
    }
)
TRUTH_CHILDREN = pd.DataFrame(
    {
        "child_id": ["A", "B", "C"],
        "family_id": ["F", "F", "F"],
        "twin_of": ["B", "A", None],
        "sex": ["M", "M", "F"],
    }
)
UIDS = ["police:1", "health:1", "vaccination:1", "police:2", "police:3"]
RECORDS = pd.DataFrame({"unique_id": UIDS, "is_placeholder": [False, False, True, False, False]})


def _members(masters, verification=None):
    return pd.DataFrame(
        {
            "feed": TRUTH_RECORDS["feed"],
            "row_number": TRUTH_RECORDS["row_number"],
            "unique_id": UIDS,
            "master_id": masters,
            "verification": verification or [None] * 5,
        }
    )


def _pairs(*rows):
    frame = pd.DataFrame(rows, columns=["unique_id_l", "unique_id_r", "match_probability"])
    placeholder = RECORDS.set_index("unique_id")["is_placeholder"]
    return frame.assign(
        is_placeholder_l=frame["unique_id_l"].map(placeholder), is_placeholder_r=frame["unique_id_r"].map(placeholder)
    )


def test_lost_pairs_are_counted_by_why_they_did_not_join():
    # a1 and a2 kept apart by a rule above the threshold; a3 listed for verification; a2-a3 never scored.
    members = _members(["M1", "M2", "M3", "M4", "M5"], [None, None, "twins?", None, None])
    pairs = _pairs(("police:1", "health:1", 0.99), ("police:1", "vaccination:1", 0.99))
    lost, false = misses(members, pairs, TRUTH_RECORDS, TRUTH_CHILDREN, 0.95)
    assert lost == {"listed": 2, "unscored": 0, "below": 0, "rule": 1}
    assert false == {}
    members = _members(["M1", "M2", "M2", "M4", "M5"])
    lost, _ = misses(members, _pairs(("police:1", "health:1", 0.4)), TRUTH_RECORDS, TRUTH_CHILDREN, 0.95)
    assert lost == {"listed": 0, "unscored": 1, "below": 1, "rule": 0}


def test_false_pairs_are_counted_by_how_the_children_are_related():
    # The placeholder a3 joined twin B; the sibling C joined A's named records.
    members = _members(["M1", "M1", "M2", "M2", "M1"])
    pairs = _pairs(("vaccination:1", "police:2", 0.99), ("police:1", "police:3", 0.99))
    _, false = misses(members, pairs, TRUTH_RECORDS, TRUTH_CHILDREN, 0.95)
    assert false == {"twins, a placeholder record": 1, "siblings": 2}


def test_the_placeholder_records_of_same_sex_twins_are_found_and_can_be_left_out():
    members = _members(["M1", "M1", "M2", "M2", "M3"])  # a3 joined its twin
    twins = twin_placeholder_records(members, RECORDS, TRUTH_RECORDS, TRUTH_CHILDREN)
    assert twins.tolist() == [False, False, True, False, False]
    assert pairwise(members, TRUTH_RECORDS)[0] < 1.0
    assert pairwise(members[~twins], TRUTH_RECORDS)[:3] == (1.0, 1.0, 1.0)
    # A placeholder of a child whose twin is of the other sex is not one of them.
    children = TRUTH_CHILDREN.assign(sex=["M", "F", "F"])
    assert not twin_placeholder_records(members, RECORDS, TRUTH_RECORDS, children).any()


def test_unfound_migrant_children_are_counted_by_why():
    # A, B and C are all migrant children. A's master is marked migrant; B's records are mostly
    # under A's master (B's twin placeholder went there, B has no master of its own); C's master
    # chose a residence in C's household county.
    truth_children = TRUTH_CHILDREN.assign(is_migrant=["True", "True", "True"])
    members = _members(["M1", "M1", "M1", "M1", "M3"])
    register = pd.DataFrame({"master_id": ["M1", "M3"], "status": ["migrant", "local_household"]})
    reasons = migrant_misses(register, members, TRUTH_RECORDS, truth_children)
    assert reasons == {"absorbed by another child's master": 1, "own master's status local_household": 1}
    register = register.assign(status=["migrant", "migrant"])
    assert migrant_misses(register, members, TRUTH_RECORDS, truth_children) == {"absorbed by another child's master": 1}


def test_renamed_joins_are_counted_by_what_the_two_records_truly_are():
    # police:1 (A) joined health:1 (A) as renamed: one child; police:2 (B) joined police:1 (A): twins.
    members = _members(["M1", "M1", "M2", "M1", "M5"]).assign(renamed_with=["health:1", "police:1", None, None, None])
    assert renamed_joins(members, TRUTH_RECORDS, TRUTH_CHILDREN) == {"one child": 1}
    members["renamed_with"] = [None, None, None, "police:3", "police:2"]
    assert renamed_joins(members, TRUTH_RECORDS, TRUTH_CHILDREN) == {"siblings": 1}
    members["renamed_with"] = ["police:2", None, None, "police:1", None]
    assert renamed_joins(members, TRUTH_RECORDS, TRUTH_CHILDREN) == {"twins": 1}
