"""Benchmark: linkage accuracy against ground truth at the default and the hard noise level,
beside the exact-ID baseline. Usage: python benchmarks/accuracy.py [--children N] [--noise default|hard]"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import pandas as pd

from linkage.accuracy import (
    LOST_REASONS,
    MISS_COLUMNS,
    exact_id_members,
    measure,
    migrant_misses,
    misses,
    pairwise,
    read_truth,
    renamed_joins,
    true_child_of_masters,
    twin_placeholder_records,
)
from linkage.config import load_config
from linkage.pipeline import build_register, check_feeds
from linkage.publish.ledgers import ledger_base
from linkage.register.care import care_gaps
from linkage.register.eligibility import decide_statuses
from linkage.register.golden_record import golden_records
from linkage.standardise.divisions import division_table
from linkage.synth import NoiseSettings, generate_feeds


def run(children: int, noise: str, seed: int) -> None:
    config = load_config()
    as_of = dt.date(2026, 6, 30)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate_feeds(folder, children, seed=seed, noise=NoiseSettings.named(noise), as_of=as_of)
        truth_records, truth_children = read_truth(folder)
        t = time.perf_counter()
        checked = check_feeds(folder, config, as_of)
        t_check = time.perf_counter() - t
        t = time.perf_counter()
        reg = build_register(checked.standardised, config, as_of)
        t_link = time.perf_counter() - t
    rows = len(checked.standardised)
    print(f"noise={noise} children={children} records kept={rows}: data path {t_check:.1f} s, linkage {t_link:.1f} s")
    for line in measure(reg.register, reg.members, truth_records, truth_children).lines("splink model"):
        print("  " + line)
    listed = int(reg.members["verification"].notna().sum())
    print(f"  splink model: {listed} placeholder records listed for verification in the field (counted as split)")
    twins = twin_placeholder_records(reg.members, reg.records, truth_records, truth_children)
    p, r, f1, _, _ = pairwise(reg.members[~twins], truth_records)
    print(
        f"  splink model without the {int(twins.sum())} placeholder records of same-sex twins: "
        f"pairwise precision {p:.4f}, recall {r:.4f}, F1 {f1:.4f}"
    )
    lost, false = misses(
        reg.members, reg.pairs.frame(MISS_COLUMNS), truth_records, truth_children, config.model.match_threshold
    )
    print(
        f"  still missed: {sum(lost.values())} true pairs lost; "
        + "; ".join(f"{n} {LOST_REASONS[k]}" for k, n in lost.items())
    )
    print(
        f"  wrongly joined: {sum(false.values())} false pairs; "
        + "; ".join(f"{n} {k}" for k, n in sorted(false.items()))
    )
    renamed = renamed_joins(reg.members, truth_records, truth_children)
    print(
        f"  joined as one renamed child (each asked about in the ledger): {sum(renamed.values())} pairs; "
        + "; ".join(f"{n} {k}" for k, n in sorted(renamed.items(), key=lambda kv: -kv[1]))
    )
    unfound = migrant_misses(reg.register, reg.members, truth_records, truth_children)
    print(
        f"  migrant children not found: {sum(unfound.values())}; "
        + "; ".join(f"{n} {k}" for k, n in sorted(unfound.items(), key=lambda kv: -kv[1]))
    )
    ledger_figures(reg, config, as_of, truth_records)
    baseline = exact_id_members(checked.standardised)
    joined = checked.standardised.merge(baseline[["feed", "row_number", "master_id"]], on=["feed", "row_number"])
    base_register = decide_statuses(golden_records(joined, config.policy), as_of, config.policy)
    for line in measure(base_register, baseline, truth_records, truth_children).lines("exact-ID baseline"):
        print("  " + line)


def ledger_figures(reg, config, as_of: dt.date, truth_records: pd.DataFrame) -> None:
    """Children listed twice in the ledgers without a 可能为同一儿童 note, and each column's blank rate."""
    gaps = care_gaps(reg.register, config.care)
    base = ledger_base(reg.register, reg.members, gaps, division_table(config), config, as_of, reg.possible_same)
    rows = base[base["_is_migrant"]]
    child_of = true_child_of_masters(reg.members, truth_records)
    rows = rows.assign(child=rows["主索引号"].map(child_of))
    twice = rows[rows["child"].notna() & rows["child"].duplicated(keep=False)]
    masters_of = twice.groupby("child")["主索引号"].agg(set)
    unnoted = sum(
        not any(other in note for other in masters_of[child] - {master})
        for master, child, note in zip(twice["主索引号"], twice["child"], twice["需核实事项"], strict=True)
    )
    print(
        f"  ledgers: {len(twice)} of {len(rows)} migrant rows are a child listed more than once; "
        f"{unnoted} of them without a 可能为同一儿童 note ({unnoted / max(len(rows), 1):.2%} of rows)"
    )
    shown = [c for c in rows.columns if not c.startswith("_") and c != "child"]
    blank = {c: rows[c].isna().mean() + (rows[c].astype(str) == "").mean() for c in shown}
    print("  ledger blank rate: " + ", ".join(f"{c} {v:.1%}" for c, v in blank.items()))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--noise", choices=["default", "hard", "both"], default="both")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    for noise in ["default", "hard"] if args.noise == "both" else [args.noise]:
        run(args.children, noise, args.seed)


if __name__ == "__main__":
    main()
