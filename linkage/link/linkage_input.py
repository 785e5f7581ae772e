"""The columns the linkage model compares, derived from the standardised table."""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np
import pandas as pd

from linkage.frames import LINKAGE_RECORDS
from linkage.link.certificates import trusted_certificates, well_formed_certificates
from linkage.link.same_child import Readings, close_birth_dates, heard_forms, student_number_birth_date
from linkage.standardise.dates import born_after
from linkage.standardise.names import split_name
from linkage.standardise.values import map_unique

LINKAGE_COLUMNS = list(LINKAGE_RECORDS.columns)


def record_ref(frame: pd.DataFrame) -> pd.Series:
    """'feed:record_key', the reference that names a record everywhere downstream."""
    return frame["feed"] + ":" + frame["record_key"].astype(str)


def shape_key(name: str | None, lookalike_groups: tuple[str, ...]) -> str | None:
    """The name with every look-alike character replaced by its group's first character."""
    if not isinstance(name, str):
        return None
    return name.translate(_shape_table(lookalike_groups))


@cache
def _shape_table(lookalike_groups: tuple[str, ...]) -> dict[int, str]:
    return {ord(c): group[0] for group in lookalike_groups for c in group}


def _iso(day: object) -> str | None:
    return day.isoformat() if isinstance(day, dt.date) else None


def _birth_dates(s: pd.DataFrame) -> pd.Series:
    """Each record's date of birth as ISO text: as typed, or as its valid ID encodes it where the
    typed date is missing or a slip or two of typing from the ID's (2020-05-15 typed, the ID's
    2020-04-15): the ID's check digit vouches for its digits. A typed date far from the ID's (a
    parent's ID in the child's field) stays as typed."""
    typed = map_unique(s["birth_date"], _iso)
    from_id = map_unique(s["id_birth_date"].where(s["id_number"].notna()), _iso)
    differ = from_id.notna() & (typed.isna() | (typed != from_id))
    use_id = pd.Series(False, index=typed.index)
    if not differ.any():  # pandas refuses an empty list for a mask that selects nothing
        return typed
    use_id[differ] = [
        not isinstance(t, str) or close_birth_dates(t, i, slips=2)
        for t, i in zip(typed[differ], from_id[differ], strict=True)
    ]
    return from_id.where(use_id, typed)


def family_surnames(families: list[list[str]], compound_surnames: tuple[str, ...]) -> list[list[str] | None]:
    """Per record, the surnames among its family names (李丽, 欧阳明 -> ['李', '欧阳']), or None
    where it names no one. Each name is cut once, however many records name it."""
    names = {name for family in families for name in family}
    surname = {name: cut for name in names if (cut := split_name(name, compound_surnames)[0])}
    return [sorted({surname[name] for name in family if name in surname}) or None for family in families]


def linkage_input(
    standardised: pd.DataFrame,
    lookalike_groups: tuple[str, ...],
    name_readings: Readings = (),
    compound_surnames: tuple[str, ...] = (),
) -> pd.DataFrame:
    """One row per kept record with what the model compares. Placeholder names are blanked so
    that they neither help nor hurt; the parent a placeholder names joins the family names.
    `name_readings`: the characters names read more than one way, with their readings;
    `compound_surnames` (欧阳): how the family names' surnames are cut."""
    s = standardised
    placeholder = s["name_is_placeholder"].astype(bool)
    name = s["name"].where(~placeholder)
    given_sorted = map_unique(
        s["given_name"].where(~placeholder), lambda g: "".join(sorted(g)) if isinstance(g, str) else None
    )
    given_sounds = map_unique(
        s["given_pinyin"].where(~placeholder), lambda g: " ".join(sorted(g.split())) if isinstance(g, str) else None
    )
    family = [
        sorted({n for n in names if isinstance(n, str) and n})
        for names in zip(s["guardian_name"], s["mother_name"], s["father_name"], s["placeholder_parent"], strict=True)
    ]
    birth = _birth_dates(s)
    residence = s["residence_legal_county"].fillna(s["residence_county"])
    out = pd.DataFrame(
        {
            "unique_id": record_ref(s),
            "source_dataset": s["feed"],
            "feed": s["feed"],
            "record_key": s["record_key"].astype(str),
            "id_number": s["id_number"],
            "id_text": s["id_text"],
            "birth_certificate": well_formed_certificates(s["birth_certificate"]),
            "name": name,
            "name_pinyin": s["name_pinyin"].where(~placeholder),
            "name_shape": map_unique(name, lambda n: shape_key(n, lookalike_groups)),
            "surname": s["surname"].where(~placeholder),
            "surname_pinyin": s["surname_pinyin"].where(~placeholder),
            "given_sorted": given_sorted,
            # The given name's syllables in order: characters swapped and written with a homophone
            # (莫羽名 / 莫鸣羽: yu ming, ming yu) sound alike.
            "given_sounds": given_sounds,
            # Every way the name may be heard (多音字, 模糊音): 段柏菲 (bai or bo) and 段博菲 share one.
            "name_sounds": map_unique(name, lambda n: heard_forms(n, name_readings)),
            "birth_date": birth,
            "birth_year": birth.str[:4],
            "number_birth_date": map_unique(s["student_number"], student_number_birth_date),
            "sex": s["sex"],
            "guardian_phone": s["guardian_phone"],
            "family_names": [f or None for f in family],
            # The surnames the family bears: a placeholder record (李丽之子) names no child, but a
            # parent's surname is most often the child's. As written: 卢 and 陆 are two surnames.
            "family_surnames": family_surnames(family, compound_surnames),
            # A prefecture or province named without its county is not compared with counties.
            "household_county": s["household_county"].where(s["household_county_source"].ne("region")),
            "residence_county": residence,
            "residence_township": s["residence_township"],
            "residence_address": s["residence_address"],
            "is_placeholder": placeholder,
            # Registered, enrolled or vaccinated here before being born: the date of birth holds a slip.
            "birth_after_local": born_after(birth, s["local_date"]),
            "placeholder_order": s["placeholder_order"],
            "local_date": s["local_date"],
        }
    )
    out["birth_certificate"] = trusted_certificates(out)
    # Texts as Arrow strings: a third of the memory of Python strings, and DuckDB reads them as
    # they are. The family names and name sounds stay lists; the local date a date; a twin's birth
    # order a number.
    kept = (
        "is_placeholder",
        "birth_after_local",
        "placeholder_order",
        "family_names",
        "family_surnames",
        "name_sounds",
        "local_date",
    )
    texts = [c for c in out.columns if c not in kept]
    out = out.astype(dict.fromkeys(texts, pd.StringDtype("pyarrow", na_value=np.nan)))
    return out.assign(local_date=out["local_date"].astype(object).where(out["local_date"].notna(), None))
