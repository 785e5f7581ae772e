"""Blocking analysis: how many comparisons each prediction blocking rule (config/model.toml)
adds, counted by Splink's own blocking analysis, and how many of the true pairs (from the
generator's truth) the rules let through. Usage: python benchmarks/blocking.py [--children N] [--noise default|hard]"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import tempfile
from pathlib import Path

import pandas as pd

from linkage.config import load_config
from linkage.link.blocking import rule_parts
from linkage.link.linkage_input import linkage_input
from linkage.link.model import count_comparisons
from linkage.pipeline import check_feeds
from linkage.synth import NoiseSettings, generate_feeds


def true_pairs(records: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    """Every pair of records of one child, with both records' linkage columns."""
    keyed = records.merge(truth, on=["feed", "record_key"])
    pairs = []
    for _, group in keyed.groupby("child_id"):
        rows = group.to_dict("records")
        pairs += [(a, b) for a, b in itertools.combinations(rows, 2)]
    return pairs


def _shared(a, b) -> bool:
    """Equal values, or (for a list column) a value in common."""
    if a is None or b is None:
        return False
    if isinstance(a, (list, tuple)) or hasattr(a, "tolist"):
        return bool(set(list(a)) & set(list(b)))
    return a == b


def admitted(pair: tuple[dict, dict], columns: list[str]) -> bool:
    """Does the rule (see `linkage.link.blocking`) admit the pair?"""
    a, b = pair
    parts = rule_parts(columns)
    return all(_shared(a[c], b[c]) for c in parts.columns) and all(a[f] or b[f] for f in parts.flags)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--noise", choices=["default", "hard"], default="default")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    config = load_config()
    as_of = dt.date(2026, 6, 30)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate_feeds(folder, args.children, seed=args.seed, noise=NoiseSettings.named(args.noise), as_of=as_of)
        truth = pd.read_csv(folder / "truth" / "records.csv", dtype=str, keep_default_na=False)[
            ["feed", "record_key", "child_id"]
        ]
        checked = check_feeds(folder, config, as_of)
    records = linkage_input(checked.standardised, config.model.lookalike_groups)
    rules = config.model.prediction_blocking
    counts = count_comparisons(records, rules)
    pairs = true_pairs(records, truth)
    n = len(records)
    print(f"noise={args.noise}: {n} records, {n * (n - 1) // 2} possible pairs, {len(pairs)} true pairs")
    covered: set[int] = set()
    for columns, count in zip(rules, counts, strict=True):
        hits = {i for i, pair in enumerate(pairs) if admitted(pair, columns)}
        new = hits - covered
        covered |= hits
        print(
            f"  block on {' + '.join(columns):32s} adds {count['marginal_comparison_count']:>9d} comparisons "
            f"(cumulative {count['cumulative_comparison_count']:>9d}); true pairs: {len(hits):>6d} admitted, "
            f"{len(new):>5d} new, recall so far {len(covered) / max(1, len(pairs)):.4f}"
        )


if __name__ == "__main__":
    main()
