"""From scored pairs to children: constrained clustering.

Pairs at or above the threshold join records, strongest first, but never so that one child holds
two different valid IDs, or two clearly different real names that no ID vouches for: that is what
keeps twins and siblings apart even when everything else about them (parents, phone, address,
household; for twins the date of birth too) agrees and the model's score is high. Records with
placeholder names (李丽之子, 婴儿) join in a second pass, only where one child fits clearly better
than any other; a record that fits two children about equally well (same-sex twins) joins
neither and is listed for verification in the field, unless only one of the two is missing from
the record's department. A placeholder whose strong pairs reach a child only through another
placeholder follows it there; placeholders that match only each other are one infant.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from rapidfuzz.distance import Levenshtein
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def within_edits(a: str, b: str, edits: int) -> bool:
    """At most `edits` insertions, deletions or substitutions apart (rapidfuzz stops counting
    once the distance passes `edits`)."""
    return Levenshtein.distance(a, b, score_cutoff=edits) <= edits


def _given_syllables(record: dict) -> list[str]:
    syllables = (record["name_pinyin"] or "").split()
    return sorted(syllables[len((record["surname_pinyin"] or "").split()) :])


def same_name(a: dict, b: dict) -> bool:
    """Could these two real names be one child's? Equal, homophones, look-alike characters,
    given-name characters swapped (also when one is written with a homophone), or pinyin at
    most two letters apart."""
    if a["name"] == b["name"] or a["name_pinyin"] == b["name_pinyin"] or a["name_shape"] == b["name_shape"]:
        return True
    if a["surname_pinyin"] == b["surname_pinyin"] and a["given_sorted"] and a["given_sorted"] == b["given_sorted"]:
        return True
    if (
        a["surname_pinyin"]
        and a["surname_pinyin"] == b["surname_pinyin"]
        and _given_syllables(a) == _given_syllables(b)
    ):
        return True  # swapped and written with a homophone: 黄萱晨 / 黄晨轩
    return within_edits(a["name_pinyin"] or "", b["name_pinyin"] or "", 2)


def same_id(a: dict, b: dict) -> bool:
    """The same ID text, or one character apart where one side fails its check digit."""
    if not a["id_text"] or not b["id_text"]:
        return False
    if a["id_text"] == b["id_text"]:
        return True
    one_invalid = a["id_number"] is None or b["id_number"] is None
    return one_invalid and within_edits(a["id_text"], b["id_text"], 1)


def close_birth_dates(a: str, b: str, slips: int = 1) -> bool:
    """Dates of birth that one child's records can show: equal, or `slips` slips apart, a slip
    being month and day swapped, one digit off, the year typed one off (2019 for 2020), or a day
    within a month."""
    if a == b:
        return True
    if _one_slip(a, b):
        return True
    # Two slips never move the year by more than one.
    return (
        slips > 1 and abs(int(a[:4]) - int(b[:4])) <= 1 and any(close_birth_dates(v, b, slips - 1) for v in _slipped(a))
    )


def _one_slip(a: str, b: str) -> bool:
    if within_edits(a, b, 1):
        return True
    if a[4:] == b[4:] and abs(int(a[:4]) - int(b[:4])) == 1:
        return True
    if a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return True
    return abs((dt.date.fromisoformat(a) - dt.date.fromisoformat(b)).days) <= 31


def _slipped(a: str) -> list[str]:
    """`a` with one slip undone that another slip may then explain: the year one off, month and
    day swapped."""
    year = int(a[:4])
    candidates = [f"{year - 1:04d}{a[4:]}", f"{year + 1:04d}{a[4:]}", f"{a[:4]}-{a[8:10]}-{a[5:7]}"]
    return [v for v in candidates if _valid(v)]


def _valid(day: str) -> bool:
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        return False
    return True


def _one_name(a: dict, b: dict) -> bool:
    """The same real name, as written or as heard, or up to look-alike characters."""
    return bool(a["name"]) and (
        a["name"] == b["name"] or a["name_pinyin"] == b["name_pinyin"] or a["name_shape"] == b["name_shape"]
    )


def _given_part(record: dict) -> tuple[str, list[str]]:
    """The given name's characters and pinyin syllables."""
    name, surname = record["name"] or "", record["surname_pinyin"] or ""
    syllables = (record["name_pinyin"] or "").split()
    surname_syllables = len(surname.split())
    return name[surname_syllables:], syllables[surname_syllables:]


def another_form_of_name(a: dict, b: dict) -> bool:
    """One child's name as another department may write it: the same given name (or its
    homophone) under the other parent's surname; or a 小名 made of the given name, 小 and one of
    its characters or one character doubled (明明, 小明 for 王子明). Two twins' formal names are
    neither."""
    given_a, syllables_a = _given_part(a)
    given_b, syllables_b = _given_part(b)
    if syllables_a and syllables_a == syllables_b and a["surname_pinyin"] != b["surname_pinyin"]:
        return True
    for name, given in ((a["name"] or "", given_b), (b["name"] or "", given_a)):
        if (
            len(name) == 2
            and given
            and ((name[0] == "小" and name[1] in given) or (name[0] == name[1] and name[0] in given))
        ):
            return True
    return False


def can_be_one_child(a: dict, b: dict) -> bool:
    """False for two records that cannot be one child: different valid IDs, or ID texts more than
    two characters apart; or, with no ID agreement between them, different real names (other
    than another form of one name), different sexes under different names, or dates of birth
    far apart."""
    if a["id_number"] and b["id_number"] and a["id_number"] != b["id_number"]:
        return False
    if same_id(a, b):
        return True
    # A mistyped ID is one or two characters off its child's; further off, it is another child's.
    if a["id_text"] and b["id_text"] and not within_edits(a["id_text"], b["id_text"], 2):
        return False
    if a["name"] and b["name"] and not same_name(a, b) and not another_form_of_name(a, b):
        return False
    # A boy and a girl are two children unless they carry one name (a sex typed wrong).
    if (
        a["sex"]
        and b["sex"]
        and a["sex"] != b["sex"]
        and not (a["name_pinyin"] and a["name_pinyin"] == b["name_pinyin"])
    ):
        return False
    # One child's name with the same sex: two slips in the date of birth are still that child
    # (siblings never share a name).
    slips = 2 if _one_name(a, b) and a["sex"] == b["sex"] else 1
    if a["birth_date"] and b["birth_date"] and not close_birth_dates(a["birth_date"], b["birth_date"], slips):
        return False
    return True


_FACTS = (
    "id_number",
    "id_text",
    "name",
    "name_pinyin",
    "name_shape",
    "surname_pinyin",
    "given_sorted",
    "birth_date",
    "sex",
)


class _Clusters:
    def __init__(self, records: pd.DataFrame, apart: dict[str, set[str]] | None = None):
        self.apart = apart or {}  # records people decided are not one child
        uids = records["unique_id"].tolist()
        columns = {c: records[c].astype(object).where(records[c].notna(), None).tolist() for c in _FACTS}
        columns["is_placeholder"] = records["is_placeholder"].astype(bool).tolist()
        columns["feed"] = [uid.split(":", 1)[0] for uid in uids]
        names = ["unique_id", *columns]
        # One dict per record, built from the columns' lists (far faster than DataFrame.to_dict).
        self.facts = {row[0]: dict(zip(names, row, strict=True)) for row in zip(uids, *columns.values(), strict=True)}
        self.parent = {uid: uid for uid in self.facts}
        self.members = {uid: [uid] for uid in self.facts}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def can_join(self, a: str, b: str) -> bool:
        """Every record of one cluster could be the same child as every record of the other, or
        both could be the child an ID-bearing record of the two vouches for (a renamed child's
        records are joined by the ID, and a homophone of one of its names may join too)."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self.decided_apart(ra, rb):
            return False
        anchors = [self.facts[x] for x in self.members[ra] + self.members[rb] if self.facts[x]["id_number"]]
        if len({anchor["id_number"] for anchor in anchors}) > 1:
            return False

        def compatible(x: dict, y: dict) -> bool:
            return can_be_one_child(x, y) or any(
                can_be_one_child(x, anchor) and can_be_one_child(y, anchor) for anchor in anchors
            )

        return all(compatible(self.facts[x], self.facts[y]) for x in self.members[ra] for y in self.members[rb])

    def decided_apart(self, ra: str, rb: str) -> bool:
        """A person decided that a record of one cluster and a record of the other are two children."""
        if not self.apart:
            return False
        other = set(self.members[rb])
        return any(self.apart.get(x, set()) & other for x in self.members[ra])

    def force_join(self, a: str, b: str) -> str | None:
        """Join two records a person decided are one child; the reason it cannot be, or None."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        if self.decided_apart(ra, rb):
            return "another decision says records of these two children are different children"
        valid = {self.facts[x]["id_number"] for x in self.members[ra] + self.members[rb]} - {None}
        if len(valid) > 1:
            return "the two children hold two different valid ID numbers"
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        return None

    def holds_id(self, root: str, record: str) -> bool:
        """The record has a valid ID and some record of the cluster has the same one."""
        id_number = self.facts[record]["id_number"]
        return bool(id_number) and any(self.facts[x]["id_number"] == id_number for x in self.members[self.find(root)])

    def share_birth_date(self, a: str, b: str) -> bool:
        """Some record of each cluster gives the same date of birth."""
        births = {self.facts[x]["birth_date"] for x in self.members[self.find(a)]} - {None}
        return any(self.facts[y]["birth_date"] in births for y in self.members[self.find(b)])

    def identified(self, record: str) -> bool:
        """The record's cluster holds a real name, or a valid ID."""
        return any(
            not self.facts[x]["is_placeholder"] or self.facts[x]["id_number"] for x in self.members[self.find(record)]
        )

    def holds_feed_of(self, root: str, record: str) -> bool:
        """The cluster holds another record of the department `record` comes from."""
        feed = self.facts[record]["feed"]
        return any(self.facts[x]["feed"] == feed and x != record for x in self.members[self.find(root)])

    def sex_fits(self, record: str, root: str) -> bool:
        """The record states no sex, or a sex some record of the cluster states too."""
        sex = self.facts[record]["sex"]
        if not sex:
            return True
        stated = {self.facts[x]["sex"] for x in self.members[root]} - {None}
        return not stated or sex in stated

    def join(self, a: str, b: str) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if not self.can_join(a, b):
            return False
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))
        return True


def _decided(decisions: pd.DataFrame | None, present: set[str]) -> tuple[list[tuple[str, str]], dict[str, set[str]]]:
    """The "same" pairs and, per record, the records decided "different", among records present."""
    same: list[tuple[str, str]] = []
    apart: dict[str, set[str]] = {}
    if decisions is None or decisions.empty:
        return same, apart
    for verdict, left, right in zip(decisions["verdict"], decisions["left_ref"], decisions["right_ref"], strict=True):
        if left not in present or right not in present:
            continue
        if verdict == "same":
            same.append((left, right))
        else:
            apart.setdefault(left, set()).add(right)
            apart.setdefault(right, set()).add(left)
    return same, apart


def cluster_records(
    records: pd.DataFrame,
    pairs: pd.DataFrame,
    threshold: float,
    margin: float,
    decisions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Cluster `records` (unique_id, is_placeholder and the name and ID columns of
    `linkage_input`) using `pairs` (unique_id_l, unique_id_r, match_weight, match_probability).
    Returns one row per record: its cluster key
    (the smallest unique_id in the cluster), the probability of the strongest pair that put it
    there (1.0 for a record alone), and a verification note or None.

    Most groups of records the strong pairs connect hold nothing to decide: one name, one date of
    birth, one sex, one ID text, no placeholder, no person's decision. Every join among them
    would pass every rule, so they are one child each, found as plain connected components. The
    rules run, pair by pair, only on the groups that hold a difference."""
    pairs = pairs[["unique_id_l", "unique_id_r", "match_weight", "match_probability"]]
    strong = pairs[pairs["match_probability"] >= threshold]
    component = _components(records["unique_id"], strong["unique_id_l"], strong["unique_id_r"])
    decided = set()
    if decisions is not None and not decisions.empty:
        decided = set(decisions["left_ref"]) | set(decisions["right_ref"])
    plain = _plain_components(records, component, decided)
    in_plain = plain[component]
    simple = _connected(records[in_plain], component[in_plain], strong)
    rest = records[~in_plain]
    left_in_rest = strong["unique_id_l"].isin(rest["unique_id"])
    constrained = _cluster_constrained(rest, strong[left_in_rest], threshold, margin, decisions)
    out = pd.concat([simple, constrained], ignore_index=True)
    order = pd.Series(range(len(records)), index=records["unique_id"].to_numpy())
    return out.iloc[np.argsort(order[out["unique_id"]].to_numpy())].reset_index(drop=True)


def _components(uids: pd.Series, lefts: pd.Series, rights: pd.Series) -> np.ndarray:
    """Per record (in the order of `uids`): the number of its connected component in the graph
    the pairs make."""
    position = pd.Series(np.arange(len(uids)), index=uids.to_numpy())
    a, b = position[lefts].to_numpy(), position[rights].to_numpy()
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(len(uids), len(uids)))
    return connected_components(graph, directed=False)[1]


def _plain_components(records: pd.DataFrame, component: np.ndarray, decided: set[str]) -> np.ndarray:
    """Per component number: True where no rule has anything to decide (see `cluster_records`)."""
    facts = pd.DataFrame({"component": component})
    for column in ("name", "birth_date", "sex", "id_text"):
        facts[column] = records[column].to_numpy()
    facts["hard"] = (records["is_placeholder"].astype(bool) | records["unique_id"].isin(decided)).to_numpy()
    grouped = facts.groupby("component")
    plain = grouped[["name", "birth_date", "sex", "id_text"]].nunique().le(1).all(axis=1) & ~grouped["hard"].any()
    return plain.reindex(np.arange(component.max() + 1 if len(component) else 0), fill_value=False).to_numpy()


def _connected(records: pd.DataFrame, component: np.ndarray, strong: pd.DataFrame) -> pd.DataFrame:
    """Clusters of records whose component has nothing to decide: the component itself, keyed
    by its smallest unique_id; each record's link probability is its strongest pair's."""
    uids = records["unique_id"]
    frame = pd.DataFrame({"component": component, "uid": uids.to_numpy()})
    smallest = frame.sort_values("uid").drop_duplicates("component").set_index("component")["uid"]
    key = smallest.reindex(component)
    probability = pd.concat(
        [
            strong[["unique_id_l", "match_probability"]].set_axis(["uid", "p"], axis=1),
            strong[["unique_id_r", "match_probability"]].set_axis(["uid", "p"], axis=1),
        ]
    )
    best = probability.groupby("uid")["p"].max()
    return pd.DataFrame(
        {
            "unique_id": uids.to_numpy(),
            "cluster_key": key.to_numpy(),
            "link_probability": uids.map(best).fillna(1.0).astype(float).to_numpy(),
            "verification": pd.Series([None] * len(uids), dtype=object),
        }
    )


def _join_placeholders(
    clusters: _Clusters,
    strong: pd.DataFrame,
    placeholder: dict[str, bool],
    ids: dict[str, str | None],
    margin: float,
    note_link,
    notes: dict[str, str],
) -> None:
    """Placeholder records join the best-fitting identified child (one holding a real name, or a
    valid ID that a placeholder record carries), unless two fit about equally well. A placeholder
    whose strong pairs reach an identified child only through another placeholder follows it
    there, in a later round; placeholders that match only each other become one child."""
    options: dict[str, dict[str, tuple[float, float]]] = {}
    for a, b, w, p in zip(
        strong["unique_id_l"], strong["unique_id_r"], strong["match_weight"], strong["match_probability"], strict=True
    ):
        for baby, other in ((a, b), (b, a)):
            if placeholder[baby] and not (placeholder[other] and ids[baby] and ids[baby] != ids[other]):
                by_record = options.setdefault(baby, {})
                if other not in by_record or by_record[other][0] < w:
                    by_record[other] = (w, p)
    waiting = [baby for baby in options if clusters.find(baby) == baby]
    while waiting:
        joined_any, still = False, []
        for baby in waiting:
            outcome = _place(clusters, baby, options[baby], margin, notes)
            if outcome is None:
                still.append(baby)
            elif isinstance(outcome, tuple):
                root, p = outcome
                if clusters.join(root, baby):
                    note_link(root, baby, p)
                    joined_any = True
        waiting = still
        if not joined_any:
            break
    # Placeholder records that only match each other (an infant known to no named record).
    for baby in waiting:
        for other, (_, p) in sorted(options[baby].items(), key=lambda kv: kv[1][0], reverse=True):
            if baby in notes or other in notes or not placeholder[other]:
                continue
            if not (clusters.identified(baby) or clusters.identified(other)) and clusters.sex_fits(
                baby, clusters.find(other)
            ):
                if clusters.join(other, baby):
                    note_link(other, baby, p)


def _place(
    clusters: _Clusters,
    baby: str,
    by_record: dict[str, tuple[float, float]],
    margin: float,
    notes: dict[str, str],
) -> tuple[str, float] | bool | None:
    """Where one placeholder record goes: (the root of the child it joins, the pair's
    probability); False when it joins none and is listed for verification; None when no
    identified child it could be is among its partners (yet)."""
    by_child: dict[str, tuple[float, float]] = {}
    own = clusters.find(baby)
    for other, (w, p) in by_record.items():
        root = clusters.find(other)
        if root != own and clusters.identified(root) and (root not in by_child or by_child[root][0] < w):
            by_child[root] = (w, p)
    # A child the record cannot be (a sibling born years apart) is no candidate.
    by_child = {root: wp for root, wp in by_child.items() if clusters.can_join(root, baby)}
    if not by_child:
        return None
    ranked = sorted(by_child.items(), key=lambda kv: kv[1][0], reverse=True)
    # A boy and a girl twin: a placeholder record joins only a child of its stated sex.
    ranked = [kv for kv in ranked if clusters.sex_fits(baby, kv[0])]
    # An ID the placeholder record carries decides outright.
    vouched = [kv for kv in ranked if clusters.holds_id(kv[0], baby)][:1]
    if vouched:
        return vouched[0][0], vouched[0][1][1]
    if not ranked:
        return False
    # Two near-equal candidates are a real ambiguity only if they cannot be one child;
    # candidates that could be one child are a split the placeholder does not decide. Twins
    # of one sex (two children born the same day) are always ambiguous: the phone or the
    # parent a record names is the family's, not the child's.
    rivals = [
        kv
        for kv in ranked[1:]
        if not clusters.can_join(ranked[0][0], kv[0])
        and (ranked[0][1][0] - kv[1][0] < margin or clusters.share_birth_date(ranked[0][0], kv[0]))
    ]
    if rivals:
        # A department seldom holds one child twice: of twins, the placeholder is more likely
        # the one its department does not already hold.
        fitting = [kv for kv in [ranked[0], *rivals] if not clusters.holds_feed_of(kv[0], baby)]
        if len(fitting) != 1:
            notes[baby] = "placeholder name fits two children about equally well (twins?): check in the field"
            return False
        ranked = fitting
    root, (_, p) = ranked[0]
    return root, p


def _cluster_constrained(
    records: pd.DataFrame,
    pairs: pd.DataFrame,
    threshold: float,
    margin: float,
    decisions: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The rules, join by join, for the records of components that hold something to decide."""
    same, apart = _decided(decisions, set(records["unique_id"]))
    clusters = _Clusters(records, apart)
    ids = {uid: fact["id_number"] for uid, fact in clusters.facts.items()}
    placeholder = {uid: fact["is_placeholder"] for uid, fact in clusters.facts.items()}
    strong = pairs[pairs["match_probability"] >= threshold].sort_values("match_weight", ascending=False)
    best_link: dict[str, float] = {}
    notes: dict[str, str] = {}

    def note_link(a: str, b: str, p: float) -> None:
        best_link[a] = max(best_link.get(a, 0.0), p)
        best_link[b] = max(best_link.get(b, 0.0), p)

    lefts, rights = strong["unique_id_l"], strong["unique_id_r"]
    # Masks as arrays: a plain empty list would select no columns rather than no rows.
    named = strong[np.array([not (placeholder[a] or placeholder[b]) for a, b in zip(lefts, rights, strict=True)], bool)]
    for a, b, p in zip(named["unique_id_l"], named["unique_id_r"], named["match_probability"], strict=True):
        if clusters.join(a, b):
            note_link(a, b, p)

    _join_placeholders(clusters, strong, placeholder, ids, margin, note_link, notes)

    # People's decisions last, over the model and its rules: "same" joins where it can.
    for a, b in same:
        if clusters.force_join(a, b) is None:
            note_link(a, b, 1.0)
    roots = {uid: clusters.find(uid) for uid in ids}
    key_of_root: dict[str, str] = {}
    for uid, root in roots.items():
        key_of_root[root] = min(key_of_root.get(root, uid), uid)
    return pd.DataFrame(
        {
            "unique_id": list(ids),
            "cluster_key": [key_of_root[roots[uid]] for uid in ids],
            "link_probability": [best_link.get(uid, 1.0) for uid in ids],
            "verification": [notes.get(uid) for uid in ids],
        }
    )
