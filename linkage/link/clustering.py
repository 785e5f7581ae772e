"""From scored pairs to children: constrained clustering.

Pairs at or above the threshold join records, strongest first (and so do pairs a little below it
whose name, date of birth and sex agree), but never so that one child holds records that
`same_child` says cannot be one child: two different valid IDs, two birth certificate numbers,
or two real names no ID or certificate vouches for. That keeps twins and siblings apart even when
everything else about them (parents, phone, address, household; for twins the date of birth too)
agrees and the model's score is high.

Then, in passes over the same strong pairs:
- records with placeholder names (李丽之子, 婴儿) join the child that fits clearly better than any
  other; one that fits two children about equally well (same-sex twins) joins neither and is
  listed for verification in the field, unless only one of the two is missing from the record's
  department. A placeholder whose strong pairs reach a child only through another placeholder
  follows it there; placeholders that match only each other are one infant. A twin's
  placeholder with a birth order (李丽之子1) is one twin with the placeholders of its order and
  never with the other order's; where its department already holds the named child it fits, it
  is the other twin: the one known by name if there is one (or, where the held twin is the only
  one of its sex, the held twin, written twice), else listed. Listed placeholders are placed
  again once the others are placed. A birth certificate number one digit off names its child
  unless it is as near a twin's number;
- two children under different real names become one renamed child when no department knows
  both names (a department that knows two names of one family born on one day knows twins);
  twins that no department holds together look the same, so each such join names the pair that
  made it (`renamed_with`), for the ledger to ask and a person to undo. Where the data's own
  coverage says such twins are as many as the renamed children (`twins_unseen`), none is joined,
  and each pair is named (`maybe_renamed_with`) for the report, the ledger noting both children;
- a named record strongly paired only with a placeholder that joined a child of its name joins
  that child.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from linkage.frames import positions, present_or_none
from linkage.link.same_child import (
    FAMILY,
    HEARD,
    IDENTITY,
    can_be_one_child,
    certificates_against,
    corroborated,
    one_name,
    orders_apart,
    renamed_one_child,
    same_certificate,
    typo_of_this_number,
    year_typed_one_off,
)
from linkage.link.twins_unseen import Coverage, renamed_or_twins

log = logging.getLogger(__name__)

_FACTS = (
    "id_number",
    "id_text",
    "birth_certificate",
    "name",
    "name_pinyin",
    "name_shape",
    "name_sounds",
    "surname_pinyin",
    "given_sorted",
    "birth_date",
    "number_birth_date",
    "sex",
    "placeholder_order",
)


class _Clusters:
    def __init__(self, records: pd.DataFrame, apart: dict[str, set[str]] | None = None):
        self.apart = apart or {}  # records people decided are not one child
        uids = records["unique_id"].tolist()
        columns = {c: present_or_none(records[c]) for c in _FACTS}
        columns["is_placeholder"] = records["is_placeholder"].astype(bool).tolist()
        columns["feed"] = [uid.split(":", 1)[0] for uid in uids]
        columns["birth_after_local"] = records["birth_after_local"].astype(bool).tolist()
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
        both could be the child an ID-bearing record of the two vouches for, or a record carrying
        a birth certificate number both hold (a renamed child's records are joined by the ID or the
        certificate, and a homophone of one of its names may join too). Records of one ID vouch
        together: one may vouch for a record of one cluster and another for a record of the other
        (a department holding a renamed child twice, once under each name). Only a record with a
        real name vouches: an ID on a placeholder record names no one."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if self.decided_apart(ra, rb):
            return False
        anchors = [self.facts[x] for x in self.members[ra] + self.members[rb] if self.facts[x]["id_number"]]
        if len({anchor["id_number"] for anchor in anchors}) > 1:
            return False
        # An ID or a certificate vouches for the name written beside it: on a placeholder
        # record (婴儿 with its ID) it vouches for no name, and any name would pass beside it.
        anchors = [a for a in anchors + self.sharing_certificate(ra, rb) if not a["is_placeholder"]]
        if orders_apart([self.facts[x] for x in self.members[ra]], [self.facts[x] for x in self.members[rb]]):
            return False

        def compatible(x: dict, y: dict) -> bool:
            # An ID vouches for a renamed child's names, not for two birth certificates; two
            # records of one ID (a department holding the child twice, under each name) vouch
            # for a name each.
            if can_be_one_child(x, y):
                return True
            if certificates_against(x, y):
                return False
            for_x = [anchor for anchor in anchors if can_be_one_child(x, anchor)]
            return bool(for_x) and any(
                can_be_one_child(y, anchor) and any(_one_number(anchor, other) for other in for_x) for anchor in anchors
            )

        return all(compatible(self.facts[x], self.facts[y]) for x in self.members[ra] for y in self.members[rb])

    def sharing_certificate(self, ra: str, rb: str) -> list[dict]:
        """The records of either cluster that carry a birth certificate number a record of each
        carries: like an ID, it vouches for a renamed child's names."""
        first = {self.facts[x]["birth_certificate"] for x in self.members[ra]} - {None}
        if not first:  # most records carry none: the common case costs one pass over one cluster
            return []
        shared = first & {self.facts[x]["birth_certificate"] for x in self.members[rb]}
        if not shared:
            return []
        records = [self.facts[x] for x in self.members[ra] + self.members[rb]]
        return [record for record in records if record["birth_certificate"] in shared]

    def renamed_or_twins(self, a: str, b: str) -> bool:
        """Two children under different real names that could be one renamed child but for the
        departments holding them: some record of each gives one date of birth, and every pair of
        their records could be one child apart from the name."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb or self.decided_apart(ra, rb) or not self.share_birth_date(ra, rb):
            return False
        return all(renamed_one_child(self.facts[x], self.facts[y]) for x in self.members[ra] for y in self.members[rb])

    def held_together(self, a: str, b: str) -> bool:
        """Some department holds both children (one that knows two names of one family and one
        date of birth knows twins)."""
        feeds = self.feeds(a)
        return any(self.facts[y]["feed"] in feeds for y in self.members[self.find(b)])

    def feeds(self, a: str) -> frozenset[str]:
        """The departments holding `a`'s child."""
        return frozenset(self.facts[x]["feed"] for x in self.members[self.find(a)])

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
        self.union(ra, rb)
        return None

    def holds_id(self, root: str, record: str) -> bool:
        """The record has a valid ID, or a birth certificate number, and some record of the
        cluster has the same one (a certificate number with one digit typed wrong is the same,
        unless it could as well be a twin's number so typed)."""
        fact, members = self.facts[record], self.members[self.find(root)]
        if fact["id_number"] and any(self.facts[x]["id_number"] == fact["id_number"] for x in members):
            return True
        mine = fact["birth_certificate"]
        theirs = (self.facts[x]["birth_certificate"] for x in members)
        return bool(mine) and any(c and (c == mine or typo_of_this_number(mine, c)) for c in theirs)

    def birth_dates(self, a: str) -> set[str]:
        """The dates of birth the records of `a`'s cluster give."""
        return {self.facts[x]["birth_date"] for x in self.members[self.find(a)]} - {None}

    def share_birth_date(self, a: str, b: str) -> bool:
        """Some record of each cluster gives the same date of birth."""
        return not self.birth_dates(a).isdisjoint(self.birth_dates(b))

    def born_close(self, a: str, b: str) -> bool:
        """Some record of each cluster gives the same date of birth, or the same day of a year
        before or after (a twin whose year was typed wrong: 2024-11-23 for 2025-11-23)."""
        others = self.birth_dates(b)
        return any(x in others or any(year_typed_one_off(x, y) for y in others) for x in self.birth_dates(a))

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
        self.union(ra, rb)
        return True

    def union(self, ra: str, rb: str) -> None:
        """Make the cluster rooted at `rb` part of the one rooted at `ra`, without asking the rules."""
        self.parent[rb] = ra
        self.members[ra].extend(self.members.pop(rb))


def _one_number(a: dict, b: dict) -> bool:
    """Two records that carry one valid ID, or one birth certificate number (or are one record)."""
    return a is b or bool(a["id_number"] and a["id_number"] == b["id_number"]) or same_certificate(a, b)


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
    floor: float = 1.0,
) -> pd.DataFrame:
    """Cluster `records` (unique_id, is_placeholder and the name and ID columns of
    `linkage_input`) using `pairs` (unique_id_l, unique_id_r, match_weight, match_probability).
    Returns one row per record: its cluster key
    (the smallest unique_id in the cluster), the probability of the strongest pair that put it
    there (1.0 for a record alone), a verification note or None, and the record it was joined to
    as one renamed child (`renamed_with`) or None, and the record it was not joined to because
    twins are as likely (`maybe_renamed_with`) or None.

    Most groups of records the strong pairs connect hold nothing to decide: one name, one date of
    birth, one sex, one ID text, no placeholder, no person's decision. Every join among them
    would pass every rule, so they are one child each, found as plain connected components. The
    rules run, pair by pair, only on the groups that hold a difference."""
    probability = pairs["match_probability"].to_numpy()
    joins = probability >= threshold
    near = (probability >= floor) & ~joins
    if near.any():  # identities looked up only for the pairs in question
        joins[near] = corroborated(_with_identity(pairs[near], records), threshold, floor)
    strong = pairs.loc[joins, ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]]
    uids = records["unique_id"]
    left, right = _positions(uids, strong["unique_id_l"], strong["unique_id_r"])
    component = _components(len(uids), left, right)
    decided = set()
    if decisions is not None and not decisions.empty:
        decided = set(decisions["left_ref"]) | set(decisions["right_ref"])
    plain = _plain_components(records, component, decided)
    in_plain = plain[component]
    strongest = _strongest(len(uids), left, right, strong["match_probability"].to_numpy(float))
    simple = _connected(uids[in_plain], component[in_plain], strongest[in_plain])
    # Positions break ties between pairs of equal weight, so the rules see the pairs in one order
    # whatever order the engine returned them in.
    strong = strong.assign(_left=left, _right=right)
    held = _held(uids[in_plain], component[in_plain], records["birth_date"][in_plain])
    constrained = _cluster_constrained(records[~in_plain], strong[~in_plain[left]], margin, decisions, held)
    # Both parts keep the records' order: put them back in it.
    out = pd.concat([simple, constrained], ignore_index=True)
    position = np.concatenate([np.flatnonzero(in_plain), np.flatnonzero(~in_plain)])
    return out.iloc[np.argsort(position, kind="stable")].reset_index(drop=True)


def _held(uids: pd.Series, component: np.ndarray, birth_dates: pd.Series) -> list[tuple[str, frozenset[str], int]]:
    """How many children found as plain components were born in each year and held by each set of
    departments: (year, departments, children)."""
    code, feeds = pd.factorize(uids.str.split(":", n=1).str[0].to_numpy())
    held = pd.DataFrame({"component": component, **{str(i): code == i for i in range(len(feeds))}})
    held = held.groupby("component").max()
    mask = np.zeros(len(held), np.int64)
    for i in range(len(feeds)):
        mask |= held[str(i)].to_numpy().astype(np.int64) << i
    years = pd.Series(birth_dates.fillna("").astype(str).str[:4].to_numpy()).groupby(component).first()
    counts = pd.DataFrame({"year": years.to_numpy(), "mask": mask}).value_counts()
    return [
        (year, frozenset(feed for i, feed in enumerate(feeds) if bits >> i & 1), int(n))
        for (year, bits), n in counts.items()
    ]


def _positions(uids: pd.Series, lefts: pd.Series, rights: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each pair's two records as positions in `uids`."""
    left, right = positions(uids, lefts, rights)
    if (left < 0).any() or (right < 0).any():
        raise ValueError("cluster_records: a pair names a record that is not among the records")
    return left, right


def _strongest(n: int, left: np.ndarray, right: np.ndarray, probability: np.ndarray) -> np.ndarray:
    """Per record: the probability of its strongest pair; 1.0 for a record with none."""
    best = np.full(n, -np.inf)
    np.maximum.at(best, left, probability)
    np.maximum.at(best, right, probability)
    return np.where(np.isinf(best), 1.0, best)


def _with_identity(pairs: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """`pairs` with each record's name, pinyin, date of birth and sex as _l and _r columns."""
    wanted = (*IDENTITY, *(c for c in (HEARD, *FAMILY) if c in records))
    missing = [c for c in wanted if c + "_l" not in pairs]
    if not missing:
        return pairs
    facts = records.set_index("unique_id")[missing]
    extra = {}
    for side in ("l", "r"):
        values = facts.reindex(pairs["unique_id_" + side].to_numpy())
        extra.update({f"{c}_{side}": values[c].to_numpy(object) for c in missing})
    return pairs.assign(**extra)


def _components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Per record (of `n`): the number of its connected component in the graph the pairs (as
    positions) make."""
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
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


def _connected(uids: pd.Series, component: np.ndarray, strongest: np.ndarray) -> pd.DataFrame:
    """Clusters of records whose component has nothing to decide: the component itself, keyed
    by its smallest unique_id; each record's link probability is its strongest pair's."""
    rank, ordered = pd.factorize(uids, sort=True)
    smallest = pd.Series(rank).groupby(component).transform("min").to_numpy()
    return pd.DataFrame(
        {
            "unique_id": uids.to_numpy(),
            "cluster_key": np.asarray(ordered)[smallest] if len(uids) else uids.to_numpy(),
            "link_probability": strongest,
            "verification": pd.Series([None] * len(uids), dtype=object),
            "renamed_with": pd.Series([None] * len(uids), dtype=object),
            "maybe_renamed_with": pd.Series([None] * len(uids), dtype=object),
        }
    )


Pair = tuple[str, str, float, float]  # unique_id_l, unique_id_r, match_weight, match_probability


@dataclass(frozen=True)
class _Placement:
    """What the passes that place placeholder records work with: the clusters, which records are
    placeholders and which carry a valid ID, the margin within which two children fit a record
    about equally well, how a join is noted, and the verification notes the passes write."""

    clusters: _Clusters
    placeholder: dict[str, bool]
    ids: dict[str, str | None]
    margin: float
    note_link: Callable[[str, str, float], None]
    notes: dict[str, str]


def _join_placeholders(placement: _Placement, strong: list[Pair]) -> None:
    """Placeholder records join the best-fitting identified child (one holding a real name, or a
    valid ID that a placeholder record carries), unless two fit about equally well. A placeholder
    whose strong pairs reach an identified child only through another placeholder follows it
    there, in a later round; placeholders that match only each other become one child."""
    clusters, placeholder, ids, notes = placement.clusters, placement.placeholder, placement.ids, placement.notes
    options: dict[str, dict[str, tuple[float, float]]] = {}
    for a, b, w, p in strong:
        for baby, other in ((a, b), (b, a)):
            if placeholder[baby] and not (placeholder[other] and ids[baby] and ids[baby] != ids[other]):
                by_record = options.setdefault(baby, {})
                if other not in by_record or by_record[other][0] < w:
                    by_record[other] = (w, p)
    # Placeholders carrying a valid ID are placed first: the ID decides where they go, and what
    # they bring (a twin's birth order) then constrains where the others may go.
    waiting = sorted((baby for baby in options if clusters.find(baby) == baby), key=lambda baby: ids[baby] is None)
    while waiting:
        joined_any, still = False, []
        for baby in waiting:
            outcome = _place(clusters, baby, options[baby], placement.margin, notes)
            if outcome is None:
                still.append(baby)
            elif isinstance(outcome, tuple):
                root, p = outcome
                if clusters.join(root, baby):
                    placement.note_link(root, baby, p)
                    joined_any = True
        waiting = still
        if not joined_any:
            break
    _join_twin_orders(placement, options)
    # Placeholder records that only match each other (an infant known to no named record).
    for baby in waiting:
        for other, (_, p) in sorted(options[baby].items(), key=lambda kv: kv[1][0], reverse=True):
            if baby in notes or other in notes or not placeholder[other]:
                continue
            if not (clusters.identified(baby) or clusters.identified(other)) and clusters.sex_fits(
                baby, clusters.find(other)
            ):
                if clusters.join(other, baby):
                    placement.note_link(other, baby, p)


def _join_twin_orders(placement: _Placement, options: dict[str, dict[str, tuple[float, float]]]) -> None:
    """Twins' placeholder records of one birth order (李丽之子1, 李丽之大子) strongly paired are
    one twin, even where which twin is not known; one whose partner is a twin an ID named joins
    that twin."""
    clusters = placement.clusters
    for baby, by_record in options.items():
        order = clusters.facts[baby]["placeholder_order"]
        if order is None:
            continue
        for other in sorted(by_record, key=lambda o: by_record[o][0], reverse=True):
            same_order = placement.placeholder[other] and clusters.facts[other]["placeholder_order"] == order
            if same_order and clusters.join(other, baby):
                placement.note_link(other, baby, by_record[other][1])
        if clusters.identified(baby):
            for record in clusters.members[clusters.find(baby)]:
                placement.notes.pop(record, None)


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
    partners = list(by_child)  # every child it is paired with, for `_known_twin`
    # A child the record cannot be (a sibling born years apart) is no candidate.
    by_child = {root: wp for root, wp in by_child.items() if clusters.can_join(root, baby)}
    if not by_child:
        return None
    ranked = sorted(by_child.items(), key=lambda kv: kv[1][0], reverse=True)
    # A boy and a girl twin: a placeholder record joins only a child of its stated sex.
    ranked = [kv for kv in ranked if clusters.sex_fits(baby, kv[0])]
    # An ID or a birth certificate number the placeholder record carries decides outright.
    vouched = [kv for kv in ranked if clusters.holds_id(kv[0], baby)][:1]
    if vouched:
        return vouched[0][0], vouched[0][1][1]
    if not ranked:
        return False
    order = clusters.facts[baby]["placeholder_order"]
    if order is not None:
        # The record says it is a twin. If its department (or that of a placeholder of the same
        # birth order) already holds the child it fits best, it is more likely the other twin:
        # the one known by name, where there is one (`_known_twin`); else it is listed.
        same_twin = [baby, *(o for o in by_record if clusters.facts[o]["placeholder_order"] == order)]

        def holds(root: str) -> bool:
            return any(clusters.holds_feed_of(root, record) for record in same_twin)

        if holds(ranked[0][0]):
            twin = _known_twin(clusters, ranked[0][0], partners, ranked, holds)
            if twin is not None:
                return twin
            notes[baby] = (
                f"placeholder name of a twin (birth order {order}): which twin is not known: check in the field"
            )
            return False
    # Two near-equal candidates are a real ambiguity only if they cannot be one child;
    # candidates that could be one child are a split the placeholder does not decide. Twins
    # of one sex (two children born the same day) are always ambiguous: the phone or the
    # parent a record names is the family's, not the child's.
    rivals = [
        kv
        for kv in ranked[1:]
        if not clusters.can_join(ranked[0][0], kv[0])
        and (ranked[0][1][0] - kv[1][0] < margin or clusters.born_close(ranked[0][0], kv[0]))
    ]
    rivals += _unnamed_twins(clusters, baby, by_record, ranked[0][0], own)
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


def _unnamed_twins(
    clusters: _Clusters, baby: str, by_record: dict[str, tuple[float, float]], best: str, own: str
) -> list[tuple[str, tuple[float, float]]]:
    """The twins of `best` known only by placeholders, among the children `baby` is paired with:
    born the same day, and told from `best` by a birth order (周红之女(二) beside 蔡丽, whose
    record 周红之大女 is the first-born), a birth certificate number (林凤之子 with the number
    after 曹杰鹏's) or an ID. A child `baby` could be as well as `best`, though no name identifies it."""
    found: dict[str, tuple[float, float]] = {}
    for other, wp in by_record.items():
        root = clusters.find(other)
        if root in (own, best) or root in found or clusters.identified(root):
            continue
        marked = any(
            clusters.facts[x]["placeholder_order"] is not None
            or clusters.facts[x]["birth_certificate"]
            or clusters.facts[x]["id_number"]
            for x in clusters.members[root]
        )
        if (
            marked
            and clusters.share_birth_date(best, root)
            and not clusters.can_join(best, root)
            and clusters.can_join(root, baby)
            and clusters.sex_fits(baby, root)
        ):
            found[root] = wp
    return list(found.items())


def _known_twin(
    clusters: _Clusters,
    best: str,
    partners: list[str],
    ranked: list[tuple[str, tuple[float, float]]],
    holds: Callable[[str], bool],
) -> tuple[str, float] | None:
    """For a twin's placeholder whose department already holds `best`, the child it fits best:
    where the other twin is known by name too (among its `partners`, a child born the same day
    that cannot be `best`), the placeholder is one of the two, not a third child. It is the one
    of its sex (in `ranked`, its candidates) its department does not hold; or, where `best` is
    the only one of its sex, `best` (the department holds that twin twice). (child's root, the
    pair's probability), or None."""
    others = [root for root in partners if root != best and clusters.share_birth_date(best, root)]
    if all(clusters.can_join(best, root) for root in others):
        return None
    twins = [kv for kv in ranked if kv[0] == best or kv[0] in others]
    free = [kv for kv in twins if not holds(kv[0])]
    if len(free) == 1:
        return free[0][0], free[0][1][1]
    if not free and len(twins) == 1:
        return twins[0][0], twins[0][1][1]
    return None


def _place_listed_again(placement: _Placement, pairs: list[Pair]) -> None:
    """The placeholder records listed for verification (`notes`), placed again over their pairs
    now that the clusters have grown; one that still joins no named child keeps its note."""
    notes = placement.notes
    listed = dict(notes)
    notes.clear()
    _join_placeholders(placement, [pair for pair in pairs if pair[0] in listed or pair[1] in listed])
    for record, note in listed.items():
        if record not in notes and not placement.clusters.identified(record):
            notes[record] = note


def _join_through_placeholders(clusters: _Clusters, mixed: list[Pair], placeholder: dict[str, bool], note_link) -> None:
    """A named record strongly paired (`mixed`: one side a placeholder) with a placeholder record
    that joined a child of the same name (the named record's own pairs with that child fell
    below the threshold) joins that child, if the rules allow."""
    for a, b, _, p in mixed:
        baby, named = (a, b) if placeholder[a] else (b, a)
        root = clusters.find(baby)
        if (
            root != clusters.find(named)
            and any(one_name(clusters.facts[named], clusters.facts[x]) for x in clusters.members[root])
            and clusters.join(root, named)
        ):
            note_link(baby, named, p)


def _join_renamed(
    clusters: _Clusters,
    named: list[Pair],
    note_link,
    held: list[tuple[str, frozenset[str], int]],
    not_joined: dict[str, str],
) -> int:
    """A second look, once every child has all the records the rules give it, at the strong pairs
    between two real names that are not one name: a renamed child (a new given name, a 小名 the
    rules do not know) is known to each department under one of them, where no department holds
    both. Twins no department holds together look the same: the joins are made only where the
    data's coverage (`held`, with the rules' children) says such twins are the fewer
    (`twins_unseen`); else each pair goes into `not_joined`. Returns how many joined."""
    candidates: list[Pair] = []
    pairs: set[tuple[str, str]] = set()
    known_twins: dict[tuple[str, str], str] = {}
    for pair in named:
        a, b = pair[0], pair[1]
        if one_name(clusters.facts[a], clusters.facts[b]) or not clusters.renamed_or_twins(a, b):
            continue
        ra, rb = sorted((clusters.find(a), clusters.find(b)))
        roots = (ra, rb)
        if clusters.held_together(a, b):
            known_twins[roots] = _year(clusters, a)
        else:
            candidates.append(pair)
            pairs.add(roots)
    if not candidates:
        return 0
    coverage = Coverage([*held, *((_year(clusters, root), clusters.feeds(root), 1) for root in clusters.members)])
    verdict = renamed_or_twins(len(pairs), list(known_twins.values()), coverage)
    counts = (
        f"{verdict.candidates} pairs of children under two names no department holds together, "
        f"of which twins would make {verdict.expected_twins:.1f} (from {verdict.known_twins} twin pairs one holds)"
    )
    if verdict.join:
        log.info("renamed children joined: %s", counts)
    else:
        log.warning("renamed children not joined, for staff to check (可能为同一儿童): %s", counts)
        for a, b, _, _ in candidates:
            not_joined.setdefault(a, b)
            not_joined.setdefault(b, a)
        return 0
    joined = 0
    for a, b, _, p in candidates:
        if clusters.renamed_or_twins(a, b) and not clusters.held_together(a, b):
            clusters.union(clusters.find(a), clusters.find(b))
            note_link(a, b, p)
            joined += 1
    return joined


def _year(clusters: _Clusters, root: str) -> str:
    """The year of birth of the child at `root` ('' where no record gives one)."""
    dates = clusters.birth_dates(root)
    return min(dates)[:4] if dates else ""


def _cluster_constrained(
    records: pd.DataFrame,
    strong: pd.DataFrame,
    margin: float,
    decisions: pd.DataFrame | None = None,
    held: list[tuple[str, frozenset[str], int]] | None = None,
) -> pd.DataFrame:
    """The rules, join by join, over the `strong` pairs (strongest first, ties by the records'
    positions `_left`, `_right`), for the records of components that hold something to decide."""
    same, apart = _decided(decisions, set(records["unique_id"]))
    clusters = _Clusters(records, apart)
    ids = {uid: fact["id_number"] for uid, fact in clusters.facts.items()}
    placeholder = {uid: fact["is_placeholder"] for uid, fact in clusters.facts.items()}
    ordered = strong.iloc[np.lexsort((strong["_right"], strong["_left"], -strong["match_weight"].to_numpy(float)))]
    # Python lists: iterating Arrow-backed columns value by value is several times slower.
    pairs: list[Pair] = list(
        zip(
            ordered["unique_id_l"].to_numpy(object).tolist(),
            ordered["unique_id_r"].to_numpy(object).tolist(),
            ordered["match_weight"].to_numpy(float).tolist(),
            ordered["match_probability"].to_numpy(float).tolist(),
            strict=True,
        )
    )
    best_link: dict[str, float] = {}
    notes: dict[str, str] = {}
    renamed_with: dict[str, str] = {}
    maybe_renamed_with: dict[str, str] = {}

    def note_link(a: str, b: str, p: float) -> None:
        best_link[a] = max(best_link.get(a, 0.0), p)
        best_link[b] = max(best_link.get(b, 0.0), p)

    def note_renamed(a: str, b: str, p: float) -> None:
        note_link(a, b, p)
        renamed_with.setdefault(a, b)
        renamed_with.setdefault(b, a)

    named = [pair for pair in pairs if not (placeholder[pair[0]] or placeholder[pair[1]])]
    for a, b, _, p in named:
        if clusters.join(a, b):
            note_link(a, b, p)

    placement = _Placement(clusters, placeholder, ids, margin, note_link, notes)
    _join_placeholders(placement, pairs)
    if notes:
        # A placeholder that fitted two twins equally may fit one now that the other twin's
        # placeholders have joined it (its department now holds that twin).
        _place_listed_again(placement, pairs)
    if _join_renamed(clusters, named, note_renamed, held or [], maybe_renamed_with) and notes:
        # A placeholder that fitted two children equally may fit one now that they are one.
        _place_listed_again(placement, pairs)
    mixed = [pair for pair in pairs if placeholder[pair[0]] != placeholder[pair[1]]]
    _join_through_placeholders(clusters, mixed, placeholder, note_link)

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
            "renamed_with": [renamed_with.get(uid) for uid in ids],
            "maybe_renamed_with": [maybe_renamed_with.get(uid) for uid in ids],
        }
    )
