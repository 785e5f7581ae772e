"""Benchmark: read, validate and standardise about a million feed rows; prints rows per second
per stage and peak memory. Usage: python benchmarks/data_path.py [--records N] [--feeds DIR]"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
from pathlib import Path

from linkage.config import load_config
from linkage.ingest.read_feeds import read_feed
from linkage.standardise.divisions import division_table
from linkage.standardise.prepare import combine, prepare_feed
from linkage.synth import generate_feeds
from linkage.synth.feeds import RECORDS_PER_CHILD


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--feeds", type=Path, default=Path("data/bench_1m"))
    args = parser.parse_args()
    as_of = dt.date(2026, 6, 30)
    if not (args.feeds / "police.csv").exists():
        t = time.perf_counter()
        counts = generate_feeds(args.feeds, int(args.records / RECORDS_PER_CHILD), seed=1, as_of=as_of)
        print(f"generate: {sum(counts.values())} rows in {time.perf_counter() - t:.1f} s")
    config = load_config()
    divisions = division_table(config)
    total_read = total_prep = 0.0
    prepared, rows = [], 0
    for name in config.feeds:
        t = time.perf_counter()
        raw = read_feed(config.feeds[name], args.feeds)
        t_read = time.perf_counter() - t
        t = time.perf_counter()
        prepared.append(prepare_feed(raw, config, divisions, as_of))
        t_prep = time.perf_counter() - t
        total_read += t_read
        total_prep += t_prep
        rows += raw.rows_read
        print(
            f"{name:12s} {raw.rows_read:>8d} rows  read {raw.rows_read / t_read:>9.0f} rows/s  "
            f"validate+standardise {raw.rows_read / t_prep:>8.0f} rows/s"
        )
    t = time.perf_counter()
    combine(prepared)
    t_combine = time.perf_counter() - t
    whole = total_read + total_prep + t_combine
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2
    print(
        f"all feeds    {rows:>8d} rows  read {total_read:.1f} s, validate+standardise {total_prep:.1f} s, "
        f"standardised suite {t_combine:.1f} s"
    )
    print(f"data path: {whole:.1f} s for {rows} rows ({rows / whole:.0f} rows/s); peak memory {peak:.2f} GiB")


if __name__ == "__main__":
    main()
