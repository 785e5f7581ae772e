"""Figures for the national-scale plan (docs/SCALE.md): how many comparisons each prediction
blocking rule generates as the input grows, counted by Splink's own blocking analysis on
generated feeds of several sizes; the growth exponent fitted between the sizes and extrapolated
to a province and to the country; and how many true pairs of records (one child's two records,
from the generator's truth) partitioning the work by county of residence would miss.

Usage: python -m benchmarks.scale_plan [--records 100000 300000 1000000]
"""

from __future__ import annotations

import argparse
import math
import time

import pandas as pd

from benchmarks.run import AS_OF, feeds_for
from linkage.config import load_config
from linkage.link.linkage_input import linkage_input
from linkage.link.model import count_comparisons
from linkage.pipeline import check_feeds

# Feed records a half-year brings, as the issue puts it: a city, a province (Henan: about
# 17 cities), the country (about 71 million migrant children, some 2.7 records each).
TARGETS = {"a city": 1_000_000, "a province": 17_000_000, "the country": 190_000_000}


def comparisons(records: pd.DataFrame, rules: list[list[str]]) -> list[int]:
    """Marginal comparisons each rule adds, in order (Splink's count, no pairs made)."""
    return [int(c["marginal_comparison_count"]) for c in count_comparisons(records, rules)]


def missed_by_partition(records: pd.DataFrame, truth: pd.DataFrame) -> tuple[int, int]:
    """(true pairs, true pairs whose two records a partition by county of residence puts apart).
    A record with no residence county goes to its household county's partition."""
    keyed = records.merge(truth, on=["feed", "record_key"])
    keyed["part"] = keyed["residence_county"].fillna(keyed["household_county"]).fillna("?")
    per_child = keyed.groupby("child_id")
    pairs = int((per_child.size() * (per_child.size() - 1) // 2).sum())
    by_part = keyed.groupby(["child_id", "part"]).size()
    within = int((by_part * (by_part - 1) // 2).sum())
    return pairs, pairs - within


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    args = parser.parse_args()
    config = load_config()
    rules = config.model.prediction_blocking
    table = []
    for size in args.records:
        folder = feeds_for(size, "default", 1)
        t = time.perf_counter()
        records = linkage_input(check_feeds(folder, config, AS_OF).standardised, config.model.lookalike_groups)
        truth = pd.read_csv(folder / "truth" / "records.csv", dtype=str, keep_default_na=False)
        counts = comparisons(records, rules)
        pairs, missed = missed_by_partition(records, truth[["feed", "record_key", "child_id"]])
        table.append((len(records), counts, pairs, missed))
        print(
            f"{len(records):>9,} records: {sum(counts):>12,} comparisons; true pairs {pairs:,}, "
            f"split by a county partition {missed:,} ({missed / max(pairs, 1):.2%}) [{time.perf_counter() - t:.0f} s]"
        )
        for columns, count in zip(rules, counts, strict=True):
            print(f"    {' + '.join(columns):34s} {count:>12,}")
    (n0, c0, _, _), (n1, c1, _, _) = table[0], table[-1]
    if n1 == n0:
        print("\none size only: give two or more --records sizes for the growth and the extrapolation")
        return
    print("\ngrowth exponent k (comparisons ~ records^k) between the smallest and largest size, and extrapolation:")
    for i, columns in enumerate(rules):
        k = math.log(max(c1[i], 1) / max(c0[i], 1)) / math.log(n1 / n0)
        extrapolated = ", ".join(f"{label} {c1[i] * (n / n1) ** k:,.0f}" for label, n in TARGETS.items())
        print(f"    {' + '.join(columns):34s} k={k:.2f}: {extrapolated}")
    k_all = math.log(sum(c1) / sum(c0)) / math.log(n1 / n0)
    extrapolated = ", ".join(f"{label} {sum(c1) * (n / n1) ** k_all:,.0f}" for label, n in TARGETS.items())
    print(f"    {'all rules':34s} k={k_all:.2f}: {extrapolated}")


if __name__ == "__main__":
    main()
