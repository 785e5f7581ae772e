"""Benchmark: migrant accuracy under each choice of `first_date_feeds` (config/policy.toml), on two
ways a moved family's records may carry its addresses, since the register cannot tell from the
feeds which one a city's departments follow:
- as generated: any record may carry the new address, and health and vaccination records keep
  their first date (so a newer date elsewhere need not be a newer address);
- dated: every record carries the address of its date (before the move the old one, after it the
  new one), as if every department dated every address.

Usage: python benchmarks/residence_rules.py [--children N] [--noise default|hard] [--seeds 7,1,3]
       [--moved SHARE]"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from dataclasses import replace
from pathlib import Path

from linkage.accuracy import measure, read_truth
from linkage.config import Config, load_config
from linkage.pipeline import build_register, check_feeds
from linkage.synth import NoiseSettings, generate_feeds

RULES = {
    "most recent record (first_date_feeds = [])": frozenset(),
    "health, vaccination (the default)": frozenset({"health", "vaccination"}),
    "all four feeds (away always wins)": frozenset({"police", "education", "health", "vaccination"}),
}


def _with_rule(config: Config, feeds: frozenset[str]) -> Config:
    return config.model_copy(update={"policy": config.policy.model_copy(update={"first_date_feeds": feeds})})


def run(children: int, noise: NoiseSettings, seed: int, label: str) -> list[str]:
    """One generated population: migrant precision and recall under each rule."""
    config, as_of = load_config(), dt.date(2026, 6, 30)
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate_feeds(folder, children, seed=seed, noise=noise, as_of=as_of)
        truth, children_truth = read_truth(folder)
        checked = check_feeds(folder, config, as_of)
        for rule, feeds in RULES.items():
            reg = build_register(checked.standardised, _with_rule(config, feeds), as_of)
            acc = measure(reg.register, reg.members, truth, children_truth)
            lines.append(f"{label:<28} {rule:<44} migrant P {acc.migrant_precision:.4f} R {acc.migrant_recall:.4f}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=3000)
    parser.add_argument("--noise", choices=["default", "hard"], default="hard")
    parser.add_argument("--seeds", default="7,1,3")
    parser.add_argument("--moved", type=float, help="share of households that moved (default: the level's)")
    args = parser.parse_args()
    base = NoiseSettings.named(args.noise)
    if args.moved is not None:
        base = replace(base, household_moved=args.moved)
    for seed in (int(s) for s in args.seeds.split(",")):
        for dated in (False, True):
            label = f"{args.noise} seed {seed}, {'dated' if dated else 'as generated'}"
            for line in run(args.children, replace(base, moves_dated=dated), seed, label):
                print(line, flush=True)


if __name__ == "__main__":
    main()
