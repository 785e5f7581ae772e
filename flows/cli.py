"""`childreg`: the command line of the migrant-children register."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path

from linkage.errors import ConfigError, FeedError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD: {text!r}") from None


def _synth(args: argparse.Namespace) -> int:
    from linkage.synth import NoiseSettings, generate_feeds
    from linkage.synth.feeds import RECORDS_PER_CHILD

    children = args.children or max(1, int(args.records / RECORDS_PER_CHILD))
    counts = generate_feeds(args.out, children, seed=args.seed, noise=NoiseSettings.named(args.noise), as_of=args.as_of)
    print(f"wrote synthetic feeds for {children} children to {args.out}: "
          + ", ".join(f"{feed} {n} rows" for feed, n in counts.items()) + "; truth in truth/")
    return 0


def _check(args: argparse.Namespace) -> int:
    from linkage.config import load_config
    from linkage.feed_check import check_feeds, format_check_report
    from linkage.outputs import write_parquet

    checked = check_feeds(args.feeds, load_config(args.config), args.as_of)
    print(format_check_report(checked))
    if args.out:
        out = Path(args.out)
        write_parquet(checked.standardised, out / "standardised.parquet")
        write_parquet(checked.quarantine, out / "quarantine.parquet")
        write_parquet(checked.issues, out / "field_issues.parquet")
        print(f"wrote standardised.parquet, quarantine.parquet and field_issues.parquet to {out}")
    return 0


def _run(args: argparse.Namespace) -> int:
    from flows.half_yearly import half_yearly_run

    manifest = half_yearly_run(
        feeds=str(args.feeds), as_of=args.as_of, out=str(args.out), model=str(args.model) if args.model else None,
        previous=str(args.previous) if args.previous else None,
        config_dir=str(args.config) if args.config else None,
    )
    rows = manifest["rows"]
    print(f"{rows['children']} children in the register, {rows['migrant_children']} migrant children; "
          f"{rows['rows_quarantined']} rows quarantined.\n"
          f"Results in {args.out}/: ledgers/ (one workbook per county for civil-affairs staff), "
          f"report.html (match report for analysts), register.parquet, members.parquet, register.duckdb, "
          f"manifest.json")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from linkage.synth import generate_feeds

    feeds = Path(args.feeds)
    generate_feeds(feeds, args.children, seed=args.seed, as_of=args.as_of)
    print(f"synthetic feeds for {args.children} children written to {feeds}")
    run_args = argparse.Namespace(config=args.config, feeds=feeds, as_of=args.as_of, out=args.out, model=None, previous=None)
    return _run(run_args)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(prog="childreg", description="Migrant-children register (流动儿童台账)")
    parser.add_argument("--config", type=Path, default=None, help="configuration folder (default: the project's config/)")
    sub = parser.add_subparsers(dest="command", required=True)

    synth = sub.add_parser("synth", help="write synthetic feeds with ground truth")
    synth.add_argument("out", type=Path)
    size = synth.add_mutually_exclusive_group()
    size.add_argument("--children", type=int)
    size.add_argument("--records", type=int, default=4000, help="about this many feed rows in all")
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument("--noise", choices=["default", "hard"], default="default")
    synth.add_argument("--as-of", type=_date, default=dt.date(2026, 6, 30))
    synth.set_defaults(handler=_synth)

    check = sub.add_parser("check", help="read, validate and standardise a folder of feeds")
    check.add_argument("feeds", type=Path)
    check.add_argument("--out", type=Path)
    check.add_argument("--as-of", type=_date, default=dt.date.today(), help="reference date (default today)")
    check.set_defaults(handler=_check)

    run = sub.add_parser("run", help="the half-yearly run: check, link, register, decide status")
    run.add_argument("feeds", type=Path)
    run.add_argument("--as-of", type=_date, required=True, help="reference date of the run")
    run.add_argument("--out", type=Path, required=True)
    run.add_argument("--model", type=Path, help="a saved model (model.json) to load instead of training")
    run.add_argument("--previous", type=Path, help="the previous run's output folder, to keep master IDs")
    run.set_defaults(handler=_run)

    demo = sub.add_parser("demo", help="generate synthetic feeds and run the half-yearly run on them")
    demo.add_argument("--feeds", type=Path, default=Path("data/demo"))
    demo.add_argument("--out", type=Path, default=Path("runs/demo"))
    demo.add_argument("--children", type=int, default=2000)
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--as-of", type=_date, default=dt.date(2026, 6, 30))
    demo.set_defaults(handler=_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs a subcommand; bad input ends with a one-line error, never a traceback."""
    args = build_parser().parse_args(argv)
    # Nothing leaves the machine: no telemetry from the temporary Prefect server.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    try:
        return args.handler(args)
    except (FeedError, ConfigError) as exc:
        for line in str(exc).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
