"""Benchmark: accuracy under other mixes of mess than the generator's two levels, since the data
the register meets will not be mixed like ours. One line per mix: pairwise and migrant accuracy,
the renamed-child joins by what they truly are, and any training session the data did not allow.
Usage: python benchmarks/noise_mixes.py [--children N] [--seed S] [--mixes name,name,...]"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import tempfile
from dataclasses import replace
from pathlib import Path

from linkage.accuracy import measure, pairwise, read_truth, renamed_joins, twin_placeholder_records
from linkage.config import load_config
from linkage.pipeline import build_register, check_feeds
from linkage.synth import NoiseSettings, generate_feeds

DEFAULT, HARD = NoiseSettings.default(), NoiseSettings.hard()
SPARSE = {"police": 0.4, "education": 0.5, "health": 0.4, "vaccination": 0.4}
FULL = {"police": 0.95, "education": 0.98, "health": 0.95, "vaccination": 0.95}
FEW_IDS = {"police": 0.5, "education": 0.9, "health": 1.0, "vaccination": 1.0}
MIXES = {
    "default": DEFAULT,
    "few IDs": replace(DEFAULT, id_missing=FEW_IDS),
    "no IDs typed": replace(DEFAULT, id_missing=dict.fromkeys(FEW_IDS, 1.0)),
    "duplicates": replace(DEFAULT, within_feed_duplicate=dict.fromkeys(FEW_IDS, 0.3)),
    "sparse": replace(DEFAULT, coverage=SPARSE),
    "full coverage": replace(DEFAULT, coverage=FULL),
    "name noise": replace(DEFAULT, homophone=0.4, lookalike=0.1, swapped_given=0.1, traditional=0.1, stray_space=0.2),
    "date noise": replace(DEFAULT, digit_off=0.1, day_month_swap=0.1, year_off=0.05),
    "moves": replace(DEFAULT, household_moved=0.5, phone_changed=0.5),
    "twins": replace(DEFAULT, twins=0.15, siblings=0.5),
    "renamed": replace(DEFAULT, renamed=0.1),
    "household prefecture only": replace(DEFAULT, household_county_omitted=0.3),
    "hard": HARD,
    "hard + few IDs": replace(HARD, id_missing=FEW_IDS),
    "hard + no IDs typed": replace(HARD, id_missing=dict.fromkeys(FEW_IDS, 1.0)),
    "hard + sparse": replace(HARD, coverage=SPARSE),
    "hard + full coverage": replace(HARD, coverage=FULL),
}


class _Skipped(logging.Handler):
    """Counts the EM sessions `train_linker` logs as not used."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += "not used" in record.getMessage()


def run(name: str, children: int, seed: int) -> str:
    """One mix, end to end on generated feeds; its line."""
    config, as_of = load_config(), dt.date(2026, 6, 30)
    skipped = _Skipped()
    logging.getLogger("linkage.link.model").addHandler(skipped)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate_feeds(folder, children, seed=seed, noise=MIXES[name], as_of=as_of)
        truth, children_truth = read_truth(folder)
        checked = check_feeds(folder, config, as_of)
        reg = build_register(checked.standardised, config, as_of)
    logging.getLogger("linkage.link.model").removeHandler(skipped)
    acc = measure(reg.register, reg.members, truth, children_truth)
    twins = twin_placeholder_records(reg.members, reg.records, truth, children_truth)
    _, _, f1_without, _, _ = pairwise(reg.members[~twins], truth)
    renamed = renamed_joins(reg.members, truth, children_truth)
    return (
        f"{name:<20} {len(checked.standardised):>6} records | P {acc.precision:.4f} R {acc.recall:.4f} "
        f"F1 {acc.f1:.4f} | F1 w/o twins' placeholders {f1_without:.4f} | migrant P {acc.migrant_precision:.4f} "
        f"R {acc.migrant_recall:.4f} | renamed joins: {renamed.get('one child', 0)} one child, "
        f"{sum(renamed.values()) - renamed.get('one child', 0)} not | EM sessions skipped {skipped.count}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--mixes", default=",".join(MIXES), help=f"comma-separated, of: {', '.join(MIXES)}")
    args = parser.parse_args()
    for name in args.mixes.split(","):
        if name not in MIXES:
            parser.error(f"unknown mix {name!r}; the mixes are: {', '.join(MIXES)}")
        print(run(name, args.children, args.seed), flush=True)


if __name__ == "__main__":
    main()
