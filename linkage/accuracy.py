"""Measuring the register against synthetic ground truth, and the exact-ID baseline."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


@dataclass(frozen=True)
class Accuracy:
    """Pairwise linkage accuracy, cluster purity and migrant-status accuracy."""

    precision: float
    recall: float
    f1: float
    children_split: int
    masters_mixed: int
    migrant_precision: float
    migrant_recall: float

    def lines(self, label: str) -> list[str]:
        return [
            f"{label}: pairwise precision {self.precision:.4f}, recall {self.recall:.4f}, F1 {self.f1:.4f}",
            f"{label}: children split across masters {self.children_split}, "
            f"masters mixing children {self.masters_mixed}",
            f"{label}: migrant status precision {self.migrant_precision:.4f}, recall {self.migrant_recall:.4f}",
        ]


def read_truth(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ground truth the generator writes beside its feeds: records (feed, record_key,
    row_number -> child_id) and children (one row per child, all text)."""
    records = pd.read_csv(folder / "truth" / "records.csv", dtype={"row_number": int}, keep_default_na=False)
    return records, pd.read_csv(folder / "truth" / "children.csv", dtype=str)


def _with_child(members: pd.DataFrame, truth_records: pd.DataFrame, how: str = "inner") -> pd.DataFrame:
    """`members` with each record's true child_id."""
    return members.merge(truth_records[["feed", "row_number", "child_id"]], on=["feed", "row_number"], how=how)


def _relation(child_a: str, child_b: str, children: pd.DataFrame) -> str:
    """How two true children are related (`children` indexed by child_id): one child, twins,
    siblings or unrelated."""
    if child_a == child_b:
        return "one child"
    if children["twin_of"].get(child_a) == child_b:
        return "twins"
    return "siblings" if children["family_id"].get(child_a) == children["family_id"].get(child_b) else "unrelated"


def _pair_count(groups: pd.Series) -> int:
    sizes = groups.value_counts()
    return int((sizes * (sizes - 1) // 2).sum())


def pairwise(members: pd.DataFrame, truth_records: pd.DataFrame) -> tuple[float, float, float, int, int]:
    """members (feed, row_number, master_id) against truth (feed, row_number, child_id)."""
    m = members.merge(truth_records, on=["feed", "row_number"])
    predicted = _pair_count(m["master_id"])
    actual = _pair_count(m["child_id"])
    both = _pair_count(m["master_id"] + "|" + m["child_id"])
    precision = both / predicted if predicted else 1.0
    recall = both / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    split = int((m.groupby("child_id")["master_id"].nunique() > 1).sum())
    mixed = int((m.groupby("master_id")["child_id"].nunique() > 1).sum())
    return precision, recall, f1, split, mixed


def true_child_of_masters(members: pd.DataFrame, truth_records: pd.DataFrame) -> pd.Series:
    """Per master ID, the true child most of its records belong to (feed, row_number -> child_id)."""
    joined = members.merge(truth_records, on=["feed", "row_number"])
    return joined.groupby("master_id")["child_id"].agg(lambda s: s.mode().iloc[0]).rename("child_id")


def status_accuracy(
    register: pd.DataFrame, members: pd.DataFrame, truth_records: pd.DataFrame, truth_children: pd.DataFrame
) -> tuple[float, float]:
    """Migrant-status precision and recall per true child: a migrant child counts as found when a
    master holding most of its records is marked migrant; every master marked migrant must be
    one whose records are mostly a migrant child's."""
    m = members.merge(truth_records, on=["feed", "row_number"])
    majority = true_child_of_masters(members, truth_records)
    flagged = register.set_index("master_id")["is_migrant"].astype(bool)
    is_migrant = truth_children.set_index("child_id")["is_migrant"].astype(str).eq("True")
    flagged_children = set(majority[flagged.reindex(majority.index, fill_value=False)].values)
    migrant_children = set(is_migrant[is_migrant].index) & set(m["child_id"])
    true_flags = flagged.reindex(majority.index, fill_value=False) & majority.map(is_migrant).fillna(False).astype(bool)
    precision = true_flags.sum() / max(1, flagged.reindex(majority.index, fill_value=False).sum())
    recall = len(flagged_children & migrant_children) / max(1, len(migrant_children))
    return float(precision), float(recall)


def measure(
    register: pd.DataFrame, members: pd.DataFrame, truth_records: pd.DataFrame, truth_children: pd.DataFrame
) -> Accuracy:
    """All figures for one register."""
    p, r, f1, split, mixed = pairwise(members, truth_records)
    mp, mr = status_accuracy(register, members, truth_records, truth_children)
    return Accuracy(p, r, f1, split, mixed, mp, mr)


def exact_id_members(standardised: pd.DataFrame) -> pd.DataFrame:
    """What a clerk's lookup by ID number gives: records with the same valid ID are one child,
    every other record a child of its own."""
    key = standardised["id_number"].where(
        standardised["id_number"].notna(), "rec:" + standardised["feed"] + ":" + standardised["record_key"].astype(str)
    )
    return pd.DataFrame(
        {
            "feed": standardised["feed"],
            "record_key": standardised["record_key"],
            "row_number": standardised["row_number"],
            "master_id": key.astype(str),
        }
    )


LOST_REASONS = {
    "listed": "a placeholder record listed for verification (fits two same-sex twins)",
    "unscored": "never compared (no blocking rule pairs them)",
    "below": "scored below the threshold",
    "rule": "kept apart by a rule (two names a department knows, two IDs, dates of birth)",
}


# What `misses` reads of each scored pair.
MISS_COLUMNS = ("unique_id_l", "unique_id_r", "match_probability", "is_placeholder_l", "is_placeholder_r")


def misses(
    members: pd.DataFrame,
    pairs: pd.DataFrame,
    truth_records: pd.DataFrame,
    truth_children: pd.DataFrame,
    threshold: float,
) -> tuple[dict[str, int], dict[str, int]]:
    """Why the register misses what it misses. Lost pairs (two records of one child under two
    masters) counted by the reason their pair did not join: see LOST_REASONS. False pairs (two
    children's records under one master) counted by how the two children are related (twins,
    siblings, unrelated) and whether a placeholder-named record made the join."""
    m = _with_child(members, truth_records)
    listed = set(m.loc[m["verification"].notna(), "unique_id"])
    score = {}
    for a, b, p in zip(pairs["unique_id_l"], pairs["unique_id_r"], pairs["match_probability"], strict=True):
        score[(a, b)] = score[(b, a)] = p
    lost: dict[str, int] = dict.fromkeys(LOST_REASONS, 0)
    for a, b, _, _ in _pairs_across(m, "child_id", "master_id"):
        p = score.get((a, b))
        reason = (
            "listed"
            if a in listed or b in listed
            else "unscored"
            if p is None
            else "below"
            if p < threshold
            else "rule"
        )
        lost[reason] += 1
    children = truth_children.set_index("child_id")
    placeholder = set(pairs.loc[pairs["is_placeholder_l"].astype(bool), "unique_id_l"]) | set(
        pairs.loc[pairs["is_placeholder_r"].astype(bool), "unique_id_r"]
    )
    false: dict[str, int] = {}
    for a, b, child_a, child_b in _pairs_across(m, "master_id", "child_id"):
        kind = _relation(child_a, child_b, children)
        if a in placeholder or b in placeholder:
            kind += ", a placeholder record"
        false[kind] = false.get(kind, 0) + 1
    return lost, false


def migrant_misses(
    register: pd.DataFrame, members: pd.DataFrame, truth_records: pd.DataFrame, truth_children: pd.DataFrame
) -> dict[str, int]:
    """Why migrant children go unfound (see `status_accuracy`), per child: its records are mostly
    under masters of other children ("absorbed by another child's master", a twin's placeholder
    or a renamed-child join gone wrong), or its own master holds a status other than migrant
    (by that status: the residence or household county chosen, the earliest local date)."""
    m = _with_child(members, truth_records)
    majority = true_child_of_masters(members, truth_records)
    status = register.set_index("master_id")["status"].reindex(majority.index)
    is_migrant = truth_children.set_index("child_id")["is_migrant"].astype(str).eq("True")
    migrant = set(is_migrant[is_migrant].index) & set(m["child_id"])
    by_child = status.groupby(majority.to_numpy()).agg(set)
    reasons: dict[str, int] = {}
    for child in sorted(migrant):
        statuses = by_child.get(child)
        if statuses and "migrant" in statuses:
            continue
        reason = (
            f"own master's status {'/'.join(sorted(statuses))}" if statuses else "absorbed by another child's master"
        )
        reasons[reason] = reasons.get(reason, 0) + 1
    return reasons


def renamed_joins(members: pd.DataFrame, truth_records: pd.DataFrame, truth_children: pd.DataFrame) -> dict[str, int]:
    """The pairs the clustering joined as one renamed child (`renamed_with`), by what the two
    records truly are: one child, twins, siblings or unrelated children. Each is listed in the
    ledger for staff to confirm; the wrong ones are twins no department holds together."""
    if "renamed_with" not in members:
        return {}
    child = _with_child(members, truth_records)
    child_of = child.set_index("unique_id")["child_id"]
    children = truth_children.set_index("child_id")
    joined = child.dropna(subset=["renamed_with"])
    joined = joined[joined["unique_id"] < joined["renamed_with"]]
    kinds: dict[str, int] = {}
    for a, b in zip(joined["child_id"], joined["renamed_with"].map(child_of), strict=True):
        kind = _relation(a, b, children)
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds


def _pairs_across(m: pd.DataFrame, within: str, across: str) -> Iterator[tuple[str, str, str, str]]:
    """Each two records (unique_id) that share `within` but not `across`, with their `across`
    values: (a, b, across of a, across of b)."""
    mixed = m.groupby(within)[across].transform("nunique") > 1
    for _, group in m[mixed].groupby(within):
        rows = list(zip(group["unique_id"], group[across], strict=True))
        for i, (a, value_a) in enumerate(rows):
            for b, value_b in rows[i + 1 :]:
                if value_a != value_b:
                    yield a, b, value_a, value_b


def twin_placeholder_records(
    members: pd.DataFrame, records: pd.DataFrame, truth_records: pd.DataFrame, truth_children: pd.DataFrame
) -> pd.Series:
    """Per member row: True for a placeholder-named record (李丽之子, 婴儿) of a child with a twin
    of the same sex. Nothing in such a record tells the twins apart, so no register can place it
    better than a coin would: the figures without these records show what the rules decide."""
    children = truth_children.set_index("child_id")
    sex = children["sex"]
    twin = children["twin_of"].where(children["twin_of"].astype(bool) & children["twin_of"].notna())
    same_sex_twin = twin.notna() & (sex == sex.reindex(twin.fillna("")).to_numpy())
    child = _with_child(members, truth_records, how="left")
    placeholder = child["unique_id"].map(records.set_index("unique_id")["is_placeholder"]).fillna(False).astype(bool)
    return pd.Series(
        (placeholder & child["child_id"].map(same_sex_twin).fillna(False).astype(bool)).to_numpy(), index=members.index
    )
