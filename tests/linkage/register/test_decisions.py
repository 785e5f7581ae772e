"""What a run made of each decision: applied, unused (records absent, kept), or a conflict."""

import pandas as pd

from linkage.register.decisions import decision_outcomes

MEMBERS = pd.DataFrame(
    {"unique_id": ["police:1", "health:2", "health:3", "education:4"], "master_id": ["A", "A", "B", "C"]}
)
RECORDS = pd.DataFrame(
    {
        "unique_id": ["police:1", "health:2", "health:3", "education:4"],
        "id_number": ["410402202001010011", None, "410402202001010027", None],
    }
)


def test_each_decision_says_what_became_of_it():
    decisions = pd.DataFrame(
        {
            "decision_id": [1, 2, 3, 4, 5],
            "verdict": ["same", "different", "same", "same", "different"],
            "left_ref": ["police:1", "health:3", "police:1", "police:9", "police:1"],
            "right_ref": ["health:2", "education:4", "health:3", "health:2", "health:2"],
            "decided_by": ["甲"] * 5,
            "decided_at": ["t"] * 5,
            "reason": ["r"] * 5,
        }
    )
    out = decision_outcomes(decisions, MEMBERS, RECORDS).set_index("decision_id")
    assert list(out["status"]) == ["applied", "applied", "conflict", "unused", "conflict"]
    assert "two different valid ID" in out.loc[3, "note"] and "kept for later runs" in out.loc[4, "note"]
