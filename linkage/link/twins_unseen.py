"""How many twins no department holds together the data should hold, from its own coverage.

Two children under different real names, one date of birth and one family, whom no department
holds together, are one renamed child or twins, and nothing in the records tells which. Twins a
department holds together are known (that department knows both names). How many twins escape
every department together depends on how much of each age the departments cover: few where
coverage is full, most where it is sparse. Counting, for each year of birth, which departments
hold the register's children (taking the departments to hold each twin independently) gives the
chance that two children of that year share no department; each twin pair a department does hold
together then stands for that many pairs (odds) no department does. Where those expected twins
are as many as the pairs that could be renamed children, a join would be a twin as often as not.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

# A year of birth with fewer children than this borrows every year's coverage.
_FEW_CHILDREN = 20
# The chance of sharing no department is capped, so that a year where almost no child is held
# twice does not make one known twin pair stand for a hundred unseen ones.
_MOST_UNSEEN = 0.9


@dataclass(frozen=True)
class RenamedOrTwins:
    """The pairs of children that could be one renamed child (`candidates`), and how many of them
    twins would make (`expected_twins`), from the twin pairs departments hold together."""

    candidates: int
    known_twins: int
    expected_twins: float

    @property
    def join(self) -> bool:
        """Join the candidates as renamed children: they are more often one child than twins."""
        return self.expected_twins < self.candidates / 2


class Coverage:
    """Which departments hold the register's children, by year of birth."""

    def __init__(self, children: Iterable[tuple[str, frozenset[str], int]]) -> None:
        """`children`: (year of birth, departments (feeds) holding them, how many children)."""
        self.by_year: dict[str, Counter[frozenset[str]]] = {}
        self.every_year: Counter[frozenset[str]] = Counter()
        for year, feeds, count in children:
            self.by_year.setdefault(year, Counter())[feeds] += count
            self.every_year[feeds] += count

    def share_none(self, year: str) -> float:
        """The chance that two children born in `year`, each held as the year's children are,
        share no department."""
        counts = self.by_year.get(year)
        if counts is None or sum(counts.values()) < _FEW_CHILDREN:
            counts = self.every_year
        total = sum(counts.values())
        if not total:
            return 0.0
        apart = sum(n * m for s, n in counts.items() for t, m in counts.items() if not s & t)
        return min(apart / total / total, _MOST_UNSEEN)


def renamed_or_twins(candidates: int, known_twin_years: list[str], coverage: Coverage) -> RenamedOrTwins:
    """How many of the `candidates` (pairs no department holds together) twins would make, given
    the years of birth of the twin pairs some department holds together."""
    expected = 0.0
    for year in known_twin_years:
        unseen = coverage.share_none(year)
        expected += unseen / (1 - unseen)
    return RenamedOrTwins(candidates, len(known_twin_years), expected)
