"""Master IDs that stay the same from one run to the next.

A child keeps the master ID its records carried in the previous run's register (the ID most of
its records carried; on a tie, the smallest). A child new to the register gets an ID made from
its anchor record, a hash of its valid ID number if it has one, else of its smallest record
reference, so the same child found again without a previous register gets the same ID too.
"""

from __future__ import annotations

import hashlib

import pandas as pd


def mint_master_id(anchor: str) -> str:
    """A new master ID from a cluster's anchor: 'M' + 12 hex characters of its SHA-256."""
    return "M" + hashlib.sha256(anchor.encode("utf-8")).hexdigest()[:12].upper()


def assign_master_ids(
    clusters: pd.DataFrame,
    records: pd.DataFrame,
    previous: pd.DataFrame | None = None,
    issued: set[str] | frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """`clusters` (unique_id, cluster_key) and `records` (unique_id, id_number) -> (cluster_key,
    master_id). `previous` is the last run's members (unique_id, master_id), if there is one;
    `issued` every master ID ever given (the store's), none of which a new child gets again."""
    merged = _with_id_numbers(clusters, records)
    if previous is not None and len(previous):
        merged = merged.merge(
            previous[["unique_id", "master_id"]].rename(columns={"master_id": "previous_id"}),
            on="unique_id",
            how="left",
        )
    else:
        merged["previous_id"] = None
    votes = (
        merged.dropna(subset=["previous_id"])
        .groupby(["cluster_key", "previous_id"])
        .size()
        .reset_index(name="votes")
        .sort_values(["votes", "previous_id"], ascending=[False, True])
    )
    sizes = merged.groupby("cluster_key").size()
    wanted = votes.groupby("cluster_key", sort=False)["previous_id"].agg(list).to_dict() if len(votes) else {}
    inherited: dict[str, str] = {}
    taken: set[str] = set()
    # Biggest clusters choose first, so a child split in two keeps its ID in the larger part.
    if wanted:
        for key in _texts(sizes.sort_values(ascending=False).index):
            for previous_id in wanted.get(key, []):
                if previous_id not in taken:
                    inherited[key] = previous_id
                    taken.add(previous_id)
                    break
    anchors = merged.dropna(subset=["id_number"])
    id_anchor = dict(zip(*_texts_of(anchors.groupby("cluster_key")["id_number"].min()), strict=True))
    out = []
    for key in _texts(sizes.index):
        if key in inherited:
            out.append((key, inherited[key]))
            continue
        minted = mint_master_id("id:" + id_anchor[key] if key in id_anchor else "rec:" + key)
        while minted in taken or minted in issued:
            minted = mint_master_id(minted)
        taken.add(minted)
        out.append((key, minted))
    return pd.DataFrame(out, columns=["cluster_key", "master_id"])


def _with_id_numbers(clusters: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
    """(unique_id, cluster_key, id_number): without a join when the two come in one order, as
    the clustering returns them."""
    frame = clusters[["unique_id", "cluster_key"]]
    if len(clusters) == len(records) and (clusters["unique_id"].to_numpy() == records["unique_id"].to_numpy()).all():
        return frame.assign(id_number=records["id_number"].to_numpy())
    return frame.merge(records[["unique_id", "id_number"]], on="unique_id", how="left")


def _texts(values) -> list:
    """Values as a Python list (iterating Arrow-backed values one by one is slow)."""
    return pd.Index(values).to_numpy(object).tolist()


def _texts_of(series: pd.Series) -> tuple[list, list]:
    return _texts(series.index), _texts(series.to_numpy())


ID_EVENT_COLUMNS = ["event", "master_id", "other_id"]


def id_events(previous: pd.DataFrame | None, members: pd.DataFrame) -> pd.DataFrame:
    """What happened to master IDs since the previous run (both: unique_id, master_id): one row
    per ID `created` (a child new to the register), `merged` into another (two earlier children
    turned out to be one: master_id merged into other_id) or `split` from another (master_id is
    the smaller part of other_id's earlier records)."""
    current = members[["unique_id", "master_id"]]
    if previous is None or previous.empty:
        return pd.DataFrame({"event": "created", "master_id": sorted(current["master_id"].unique()), "other_id": None})
    joined = current.merge(previous[["unique_id", "master_id"]], on="unique_id", how="left", suffixes=("", "_before"))
    earlier, now = set(previous["master_id"]), set(current["master_id"])
    links = joined.dropna(subset=["master_id_before"])
    kept = links[links["master_id"].isin(earlier) & ~links["master_id_before"].isin(now)]
    merged = kept[["master_id_before", "master_id"]].drop_duplicates()
    fresh = links[~links["master_id"].isin(earlier)]
    split = (
        fresh.groupby(["master_id", "master_id_before"])
        .size()
        .rename("n")
        .reset_index()
        .sort_values(["master_id", "n", "master_id_before"], ascending=[True, False, True])
        .drop_duplicates("master_id")
    )
    created = sorted(set(current["master_id"]) - earlier - set(split["master_id"]))
    events = pd.concat(
        [
            pd.DataFrame({"event": "merged", "master_id": merged["master_id_before"], "other_id": merged["master_id"]}),
            pd.DataFrame({"event": "split", "master_id": split["master_id"], "other_id": split["master_id_before"]}),
            pd.DataFrame({"event": "created", "master_id": created, "other_id": None}),
        ],
        ignore_index=True,
    )
    return events.sort_values(["event", "master_id"], ignore_index=True)[ID_EVENT_COLUMNS]
