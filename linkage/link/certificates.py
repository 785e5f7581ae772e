"""Birth certificate numbers (出生医学证明编号): which of an export's numbers the rules may trust.

A birth certificate is the child's, issued at birth, so one number is one child and two numbers
two children (`same_child.same_certificate`, `certificates_against`). No check digit guards the
number, though, and a department's export may carry numbers that are not the child's: drawn per
record, or a sibling's copied into the family's records. The export itself tells: the records of
one child carry one number, and one number is one child's.
"""

from __future__ import annotations

import logging
from itertools import combinations

import pandas as pd

from linkage.link.same_child import another_form_of_name, close_birth_dates, same_name

CERTIFICATE = r"[A-Z]\d{9}"  # a letter and nine digits
# The numbers are trusted unless at least this many children (or numbers) bear witness against them.
EVIDENCE = 5
# Records of one number that cannot be one child (two names, two dates of birth) are rare where the
# numbers are the child's (a renamed child, a date typed wrong twice: 0 to 2 % of the numbers held
# more than once, under every mix of the generator's noise); where a family's number is copied to
# its twins or siblings they are 11 to 38 %. Past this share, the numbers are not the child's.
SHARED_ACROSS_CHILDREN = 0.1
FACTS = ("name", "name_pinyin", "name_shape", "name_sounds", "surname_pinyin", "given_sorted", "birth_date")
log = logging.getLogger(__name__)


def well_formed_certificates(numbers: pd.Series) -> pd.Series:
    """The numbers written as the contract says (a letter and nine digits); None otherwise."""
    return numbers.where(numbers.str.fullmatch(CERTIFICATE).fillna(False))


def trusted_certificates(records: pd.DataFrame) -> pd.Series:
    """`records["birth_certificate"]` (linkage-input records: name, name_pinyin, name_shape,
    surname_pinyin, given_sorted, birth_date, sex), or all None where the export shows that its
    numbers are not the child's; that is logged, in counts only."""
    reason = numbers_not_the_childs(records)
    if reason:
        log.warning("birth certificate numbers not used to tell children apart: %s", reason)
        return pd.Series(None, index=records.index, dtype=object)
    return records["birth_certificate"]


def numbers_not_the_childs(records: pd.DataFrame) -> str | None:
    """Why the export's numbers are not the child's, in counts, or None. Drawn per record: most
    children held more than once under one real name, date of birth and sex (one child, since
    siblings and twins never share a name) carry different numbers. A family's: a tenth or more
    of the numbers held more than once are held by records that cannot be one child (two names
    of one family, or dates of birth apart: twins, siblings)."""
    certified = records.dropna(subset=["birth_certificate", "birth_date"])
    named = certified.dropna(subset=["name", "sex"])
    per_child = named.groupby(["name", "birth_date", "sex"])["birth_certificate"].agg(["size", "nunique"])
    per_child = per_child[per_child["size"] > 1]
    differing = int((per_child["nunique"] > 1).sum())
    if len(per_child) >= EVIDENCE and differing > len(per_child) / 2:
        return (
            f"{differing} of {len(per_child)} children whose records give one name, date of birth and sex "
            "carry different numbers"
        )
    held = certified["birth_certificate"].map(certified["birth_certificate"].value_counts())
    groups: dict[str, list[dict]] = {}
    for row in certified.loc[held > 1, ["birth_certificate", *FACTS]].to_dict("records"):
        facts = {c: (row[c] if isinstance(row[c], str | list) else None) for c in FACTS}
        groups.setdefault(row["birth_certificate"], []).append(facts)
    across = sum(any(not _one_child(a, b) for a, b in combinations(group, 2)) for group in groups.values())
    if len(groups) >= EVIDENCE and across >= SHARED_ACROSS_CHILDREN * len(groups):
        return (
            f"{across} of {len(groups)} numbers held by several records are held by two children "
            "(two names, or two dates of birth)"
        )
    return None


def _one_child(a: dict, b: dict) -> bool:
    """Two records one number may be: one date of birth (or a slip of it), and no two names."""
    if a["birth_date"] and b["birth_date"] and not close_birth_dates(a["birth_date"], b["birth_date"]):
        return False
    return not (a["name"] and b["name"]) or same_name(a, b) or another_form_of_name(a, b)
