"""The golden record: one row per master child, each value chosen by a written rule, with the
record it came from and the disagreements among the child's records kept.

Rules (ties broken by feed: police, education, health, vaccination, then record key):
- id_number: the valid ID most of the child's records carry; two different valid IDs are a conflict.
- birth_date and sex: those the chosen ID encodes; without an ID, the most common stated value,
  a date after the record's own local date only where no record gives another.
- name: the most common real name; a placeholder only when no record has a real name.
- residence: from the record with the most recent local date (the household may have moved);
  but where a health or vaccination record (`first_date_feeds` in config/policy.toml, which says
  why) places the child away from home (outside its household county, and for a household in the
  exempt urban group outside that group), from the most recent record placing it away;
  a statistical zone's coding of the same legal county is kept over the bare county, and a zone
  named without a township takes its legal county from another record's township in that zone;
  a zone township's code not in config/divisions.toml takes the legal county that other records
  of that code name (a health record's 现住址乡镇街道).
- household_county: a code over text over the ID's first six digits over a prefecture or
  province named without its county; the most common within the best source. A prefecture or
  province that holds the chosen county does not disagree with it.
- guardian and phone: the most recent record's. School and grade: the most recent school record.
- earliest_local_date: the earliest local date of any record; away_since: the earliest of a
  record placing the child outside its household county (what the six months count from).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from linkage.config import FEEDS, Policy
from linkage.link.linkage_input import record_ref
from linkage.standardise.dates import born_after
from linkage.standardise.divisions import region_prefix
from linkage.standardise.places import legal_counties_shared_by_code

FEED_RANK = {feed: rank for rank, feed in enumerate(FEEDS)}
SOURCE_RANK = {"code": 0, "text": 1, "id_prefix": 2, "region": 3}


def _first_per_master(masters: np.ndarray, *keys: np.ndarray) -> np.ndarray:
    """Positions of each master's first row when its rows are ordered by `keys`, most significant
    first (ties keep the rows' order). Integer sorting: much faster than sorting frames by texts."""
    order = np.lexsort((*reversed(keys), masters))
    ordered = masters[order]
    return order[np.r_[True, ordered[1:] != ordered[:-1]]] if len(order) else order


def _most_common(
    members: pd.DataFrame, column: str, extra_rank: str | None = None, carry: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Per master_id: the most common non-null value of `column`, the record it came from (and
    that record's `carry` columns), and how many distinct values there are."""
    keep = list(dict.fromkeys(["master_id", column, "tiebreak", "ref", *carry] + ([extra_rank] if extra_rank else [])))
    present = members.loc[members[column].notna(), keep]  # only the columns used: far less to copy
    masters = present["master_id"].to_numpy()
    codes = pd.factorize(present[column])[0].astype(np.int64)
    pairs = masters.astype(np.int64) * (int(codes.max()) + 1 if len(codes) else 1) + codes
    distinct_pairs, inverse, counts = np.unique(pairs, return_inverse=True, return_counts=True)
    ranks = [present[extra_rank].astype(float).fillna(np.inf).to_numpy()] if extra_rank else []
    best = present.iloc[_first_per_master(masters, *ranks, -counts[inverse], present["tiebreak"].to_numpy())]
    divisor = int(codes.max()) + 1 if len(codes) else 1
    distinct = pd.Series(distinct_pairs // divisor).value_counts().rename(f"{column}_distinct")
    chosen = best.set_index("master_id")[[column, "ref", *carry]].rename(columns={"ref": f"{column}_source"})
    return chosen.join(distinct)


def _most_recent(members: pd.DataFrame, columns: list[str], where: pd.Series, label: str) -> pd.DataFrame:
    """Per master_id: `columns` of its most recent record where `where` holds (no local date
    counts as the oldest; on the same date, by feed)."""
    rows = members.loc[where, list(dict.fromkeys(["master_id", "local_date", "feed_rank", "ref", *columns]))]
    dates = rows["local_date"].to_numpy().view(np.int64)
    newest_first = np.where(rows["local_date"].isna().to_numpy(), np.iinfo(np.int64).max, -dates)
    chosen = rows.iloc[_first_per_master(rows["master_id"].to_numpy(), newest_first, rows["feed_rank"].to_numpy())]
    return chosen.set_index("master_id")[columns + ["ref"]].rename(columns={"ref": f"{label}_source"})


def golden_records(members: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """`members`: standardised records with master_id. Returns one row per master_id."""
    # Grouped by integer codes in master ID order, not by the ID texts: much faster to group,
    # sort and join on; the IDs are put back at the end.
    codes, master_ids = pd.factorize(members["master_id"], sort=True)
    m = members.assign(
        master_id=codes,
        ref=record_ref(members),
        feed_rank=members["feed"].map(FEED_RANK),
        real_name=members["name"].where(~members["name_is_placeholder"].astype(bool)),
        source_rank=members["household_county_source"].map(SOURCE_RANK),
        local_date=pd.to_datetime(members["local_date"]),
        residence_legal_county=legal_counties_shared_by_code(members, policy.zones),
    )
    # Ties are broken by feed, then record key: one integer per record, in that order (sorting by
    # it is much faster than by the keys' texts).
    key_codes = pd.factorize(members["record_key"].astype(str), sort=True)[0]
    m["tiebreak"] = np.argsort(np.lexsort((key_codes, m["feed_rank"].to_numpy())))
    out = pd.DataFrame(index=pd.RangeIndex(len(master_ids), name="master_id"))
    ids = _most_common(m, "id_number", carry=("id_birth_date", "id_sex"))  # what the chosen ID encodes
    out = out.join(ids.rename(columns={"id_number_distinct": "ids_distinct"}))
    names = _most_common(m, "real_name").rename(columns={"real_name": "name", "real_name_source": "name_source"})
    out = out.join(names[["name", "name_source"]])
    pinyin = m[m["real_name"].notna()].groupby("master_id")["name_pinyin"].nunique().rename("name_pinyin_distinct")
    out = out.join(pinyin)
    placeholder = _most_common(m[m["name_is_placeholder"].astype(bool)], "name")
    out["name_is_placeholder"] = out["name"].isna() & out.index.isin(placeholder.index)
    out["name"] = out["name"].fillna(placeholder["name"])
    out["name_source"] = out["name_source"].fillna(placeholder["name_source"])
    # A date of birth after the record's own local date (registered, enrolled or vaccinated here
    # before being born) is a typing slip: any other date the records give is preferred to it.
    m["born_after_local"] = born_after(m["birth_date"], m["local_date"]).astype(float)
    births = _most_common(m, "birth_date", extra_rank="born_after_local")
    out = out.join(births)
    out["birth_date"] = out["id_birth_date"].where(out["id_birth_date"].notna(), out["birth_date"])
    sexes = _most_common(m, "sex")
    out = out.join(sexes[["sex", "sex_source"]])
    out["sex"] = out["id_sex"].where(out["id_sex"].notna(), out["sex"])
    household = _most_common(m, "household_county", extra_rank="source_rank")
    out = out.join(household)
    source = (
        m.loc[m["household_county"].notna(), ["master_id", "source_rank", "household_county_source"]]
        .sort_values("source_rank")
        .drop_duplicates("master_id")
        .set_index("master_id")
    )
    out["household_county_source_kind"] = source["household_county_source"]
    home = m["master_id"].map(out["household_county"])  # each record's child's household county
    outside = _outside_household_county(m, home, policy)
    residence = _most_recent(
        m,
        [
            "residence_county",
            "residence_legal_county",
            "residence_township",
            "residence_township_name",
            "residence_address",
        ],
        _residence_candidates(m, home, outside, policy),
        "residence",
    )
    out = out.join(residence)
    zoned = _in_zone_townships(m, policy.zones)
    out = _prefer_zone_coding(out, zoned, policy.zones)
    out = _zone_legal_county(out, zoned, policy.zones)
    # The township, from the most recent record that has it and places the child in the same
    # county as the chosen residence (a school roster has no township; the police record may).
    for column in ("residence_township", "residence_township_name"):
        out[column] = out[column].fillna(_in_residence_county(out, m, column))
    # A township known only by its code is named from the records of this run that give both.
    both = m.dropna(subset=["residence_township", "residence_township_name"])
    code_names = (
        both.groupby(["residence_township", "residence_township_name"])
        .size()
        .rename("n")
        .reset_index()
        .sort_values(["n", "residence_township_name"], ascending=[False, True])
        .drop_duplicates("residence_township")
        .set_index("residence_township")["residence_township_name"]
    )
    out["residence_township_name"] = out["residence_township_name"].fillna(out["residence_township"].map(code_names))
    guardian = _most_recent(
        m, ["guardian_name", "guardian_phone"], m["guardian_phone"].notna() | m["guardian_name"].notna(), "guardian"
    )
    out = out.join(guardian)
    # A guardian's name or phone missing from the chosen record, from the most recent record that has it.
    for column in ("guardian_name", "guardian_phone"):
        latest = _most_recent(m, [column], m[column].notna(), column)[column]
        out[column] = out[column].fillna(latest)
    school = _most_recent(m, ["school_name", "grade"], m["feed"] == "education", "school")
    out = out.join(school)
    for parent in ("mother_name", "father_name"):
        out = out.join(_most_common(m, parent)[[parent]])
    grouped = m.groupby("master_id")
    listed = pd.Series("", index=out.index, dtype=object)
    for feed in FEEDS:
        held = out.index.isin(m.loc[m["feed"] == feed, "master_id"].unique())
        listed = listed.where(~held, listed + feed + ",")
    out["feeds"] = listed.str.rstrip(",")
    out["n_records"] = grouped.size()
    out["earliest_local_date"] = grouped["local_date"].min().dt.date
    out["away_since"] = _away_since(m, outside, out.index)
    within = _region_holding(m["household_county"], m["household_county_source"], home)
    out["household_counties_distinct"] = m["household_county"].where(~within).groupby(m["master_id"]).nunique()
    legal = m["residence_legal_county"].fillna(m["residence_county"])
    out["residence_counties_distinct"] = legal.groupby(m["master_id"]).nunique()
    out["residence_counties_by_feed"] = _counties_by_feed(m, legal, out["residence_counties_distinct"])
    out["conflicts"] = _conflicts(out)
    out = out.drop(columns=["id_birth_date", "id_sex"])
    out.index = pd.Index(master_ids, name="master_id")
    return out.reset_index()


def _in_residence_county(out: pd.DataFrame, m: pd.DataFrame, column: str) -> pd.Series:
    """Per child: `column` from its most recent record that has it and lies in the legal county of
    the chosen residence (a zone township counts for its legal county)."""
    chosen = out["residence_legal_county"].fillna(out["residence_county"])
    county = m["residence_legal_county"].fillna(m["residence_county"])
    fits = m[column].notna() & county.eq(m["master_id"].map(chosen))
    latest = m.loc[fits, ["master_id", "local_date", "feed_rank", column]].sort_values(
        ["master_id", "local_date", "feed_rank"], ascending=[True, False, True]
    )
    return latest.drop_duplicates("master_id").set_index("master_id")[column]


def _region_holding(codes: pd.Series, sources: pd.Series, home: pd.Series) -> pd.Series:
    """Per record: its household is a prefecture or province (source 'region') that holds `home`,
    the child's chosen household code (or is it)."""
    region = sources.eq("region").to_numpy() & home.notna().to_numpy()
    out = np.zeros(len(codes), dtype=bool)
    out[region] = [
        str(h).startswith(region_prefix(c))
        for c, h in zip(codes.to_numpy()[region], home.to_numpy()[region], strict=True)
    ]
    return pd.Series(out, index=codes.index)


def _outside_household_county(m: pd.DataFrame, home: pd.Series, policy: Policy) -> pd.Series:
    """Per record: whether it places its child outside `home`, the child's household county. A
    zone township of unknown legal county is no evidence for a household in a county it may
    belong to."""
    county, legal = m["residence_county"], m["residence_legal_county"]
    residence = legal.fillna(county)
    unsure = county.isin(policy.zones) & legal.isna() & home.isin(policy.zone_legal_counties)
    return residence.notna() & home.notna() & (residence != home) & (county != home) & ~unsure


def _residence_candidates(m: pd.DataFrame, home: pd.Series, outside: pd.Series, policy: Policy) -> pd.Series:
    """Per record: whether it may give its child's residence. A record places its child away from
    home where the policy counts the child as away: `outside` its household county and, for a
    household in the exempt urban group, outside that group. Where a record of a first-date feed
    (`policy.first_date_feeds`) places the child away, only the records placing it away may give
    the residence; otherwise every record with a county of residence may."""
    exempt = policy.exempt_group
    within_exempt = home.isin(exempt) & (m["residence_county"].isin(exempt) | m["residence_legal_county"].isin(exempt))
    away = outside & ~within_exempt
    anchored = (away & m["feed"].isin(policy.first_date_feeds)).groupby(m["master_id"]).transform("any")
    return m["residence_county"].notna() & (away | ~anchored)


def _away_since(m: pd.DataFrame, outside: pd.Series, children: pd.Index) -> pd.Series:
    """Per child: the earliest local date of a record placing it `outside` its household county
    (a family that lived in its own county and moved is away only since its first record elsewhere)."""
    away = m.loc[outside, ["master_id", "local_date"]]
    return away.groupby("master_id")["local_date"].min().dt.date.reindex(children)


def _in_zone_townships(m: pd.DataFrame, zones: frozenset[str]) -> pd.DataFrame:
    """Records placing the child in a township of a statistical zone whose legal county is known
    (from the township), most recent first."""
    zoned = m[m["residence_county"].isin(zones) & m["residence_legal_county"].notna()]
    return zoned.sort_values("local_date", ascending=False)


def _prefer_zone_coding(out: pd.DataFrame, zoned: pd.DataFrame, zones: frozenset[str]) -> pd.DataFrame:
    """Where the chosen residence names only a legal county (a school's county by name, say) and
    another record of the child places it in a statistical zone's township of that same county
    (`zoned`: see `_in_zone_townships`), keep the zone: it is the county-level unit whose staff
    look after the child."""
    zoned = zoned.drop_duplicates("master_id").set_index("master_id")
    same = out.index.isin(zoned.index)
    candidates = out[same]
    fits = (~candidates["residence_county"].isin(zones)) & (
        candidates["residence_county"] == zoned.loc[candidates.index, "residence_legal_county"]
    )
    chosen = candidates.index[fits]
    for column in ("residence_county", "residence_township", "residence_township_name"):
        out.loc[chosen, column] = zoned.loc[chosen, column].where(
            zoned.loc[chosen, column].notna(), out.loc[chosen, column]
        )
    return out


def _zone_legal_county(out: pd.DataFrame, zoned: pd.DataFrame, zones: frozenset[str]) -> pd.DataFrame:
    """Where the chosen residence is a statistical zone with no township (a school in 高新区 by
    name), so that its legal county is unknown, and another record of the child places it in a
    township of that same zone (`zoned`), that township's legal county (from the most recent such
    record)."""
    known = zoned.drop_duplicates(["master_id", "residence_county"])
    unsure = out["residence_county"].isin(zones) & out["residence_legal_county"].isna()
    if not unsure.any() or known.empty:
        return out
    legal = known.set_index(["master_id", "residence_county"])["residence_legal_county"]
    keys = pd.MultiIndex.from_arrays([out.index[unsure], out.loc[unsure, "residence_county"]])
    out.loc[unsure, "residence_legal_county"] = legal.reindex(keys).to_numpy()
    return out


def _counties_by_feed(m: pd.DataFrame, legal: pd.Series, distinct: pd.Series) -> pd.Series:
    """Per child whose records place it in more than one county: each department's counties, in
    feed order ("police:410421,health:410402"), for staff to know where else to look."""
    several = m["master_id"].map(distinct).gt(1) & legal.notna()
    rows = pd.DataFrame({"master_id": m["master_id"], "rank": m["feed_rank"], "feed": m["feed"], "county": legal})
    rows = rows[several].drop_duplicates(["master_id", "feed", "county"]).sort_values(["master_id", "rank", "county"])
    return (rows["feed"] + ":" + rows["county"]).groupby(rows["master_id"]).agg(",".join).reindex(distinct.index)


def _conflicts(out: pd.DataFrame) -> pd.Series:
    parts = {
        "two valid IDs": out["ids_distinct"].fillna(0) > 1,
        "names differ": out["name_pinyin_distinct"].fillna(0) > 1,
        "dates of birth differ": out["birth_date_distinct"].fillna(0) > 1,
        "born after a local date": born_after(out["birth_date"], out["earliest_local_date"]),
        "household counties differ": out["household_counties_distinct"].fillna(0) > 1,
        "residence counties differ": out["residence_counties_distinct"].fillna(0) > 1,
    }
    text = pd.Series("", index=out.index)
    for label, mask in parts.items():
        text = text.where(~mask, text + (text.ne("").map({True: "; ", False: ""})) + label)
    return text.where(text != "", None)
