"""`childreg`: the command line of the migrant-children register.

Every path and file a command is given is checked before any heavy work starts; bad input ends
with one `error:` line naming the file (and the key or row) and what to do, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import logging
import os
import sys
import textwrap
from pathlib import Path

from linkage.errors import ConfigError, FeedError
from linkage.privacy import mask_text

# Set before Prefect is imported: nothing leaves the machine, and a busy machine gets time to
# start the temporary local Prefect server (20 s by default, which a loaded machine can miss).
LOCAL_PREFECT = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180",
}

SYNTH_LAYOUT = """\
folder layout written (the four feeds as the departments export them, and the truth):
  OUT/police.csv          公安 residence registrations, UTF-8 with BOM
  OUT/education.xlsx      教育 migrant-student roster, sheet 随迁子女
  OUT/health.csv          卫健 0-6 child health records, GB18030
  OUT/vaccination.csv     疾控 children from other counties vaccinated here, UTF-8
  OUT/truth/records.csv   every row (feed, record_key, row_number) -> its child
  OUT/truth/children.csv  every child: true county of residence and migrant status

example:
  childreg synth data/try --children 500 --noise hard --seed 3
"""

RUN_EPILOG = """\
examples:
  childreg run data/incoming/2026H1 --as-of 2026-06-30 --out runs/2026H1
  childreg run data/incoming/2026H2 --as-of 2026-12-31 --out runs/2026H2 --previous runs/2026H1
  childreg run data/incoming/2026H2 --as-of 2026-12-31 --out runs/try --model runs/2026H1/model.json

The run builds its outputs in a staging folder beside --out and puts them in place only when
all are written: an earlier run's files in --out are replaced whole, never mixed with new ones.
"""


def _version() -> str:
    try:
        return importlib.metadata.version("childreg")
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed)"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD (e.g. 2026-06-30): {text!r}") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"not a whole number of at least 1: {text!r}")
    return value


def _synth(args: argparse.Namespace) -> int:
    from linkage.synth import NoiseSettings, generate_feeds
    from linkage.synth.feeds import RECORDS_PER_CHILD

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"{out}: is a file; synth writes a folder")
    if out.is_dir() and any(out.iterdir()) and not args.force:
        raise ConfigError(
            f"{out}: the folder is not empty; add --force to write the synthetic feeds into it "
            "(files of the same names are overwritten)"
        )
    children = args.children or max(1, int(args.records / RECORDS_PER_CHILD))
    counts = generate_feeds(out, children, seed=args.seed, noise=NoiseSettings.named(args.noise), as_of=args.as_of)
    print(
        f"wrote synthetic feeds for {children} children to {out}: "
        + ", ".join(f"{feed} {n} rows" for feed, n in counts.items())
        + "; truth in truth/"
    )
    return 0


def _check(args: argparse.Namespace) -> int:
    from flows.console import stage_display
    from linkage.config import load_config
    from linkage.pipeline import StageRunner, check_feeds
    from linkage.publish.outputs import write_parquet
    from linkage.run_layout import check_feeds_folder, check_output_folder
    from linkage.standardise.checked import format_check_report

    check_feeds_folder(args.feeds)
    if args.out:
        check_output_folder(args.out)
    config = load_config(args.config)
    with stage_display(args.verbose) as observer:
        checked = check_feeds(args.feeds, config, args.as_of, StageRunner(observer))
    print(format_check_report(checked))
    if args.out:
        out = Path(args.out)
        write_parquet(checked.standardised, out / "standardised.parquet")
        write_parquet(checked.quarantine, out / "quarantine.parquet")
        write_parquet(checked.issues, out / "field_issues.parquet")
        print(f"wrote standardised.parquet, quarantine.parquet and field_issues.parquet to {out}")
    return 0


def _check_run_inputs(args: argparse.Namespace) -> None:
    """Everything a run is given, checked in a second before Prefect and the linkage start."""
    from flows.half_yearly import read_model
    from flows.prefect_api import check_prefect_api
    from linkage.config import load_config
    from linkage.link.engine import check_backend
    from linkage.publish.outputs import check_output_free
    from linkage.run_layout import check_feeds_folder, check_output_folder, check_previous_run

    check_feeds_folder(args.feeds)
    check_output_folder(args.out)
    check_output_free(args.out)
    if args.previous:
        check_previous_run(args.previous)
    config = load_config(args.config)
    read_model(str(args.model) if args.model else None)
    check_backend(args.backend or config.model.engine.backend)
    check_prefect_api()


def _run(args: argparse.Namespace) -> int:
    _check_run_inputs(args)
    from flows.console import stage_display
    from flows.half_yearly import RUN_LOG, half_yearly_run

    with stage_display(args.verbose):
        manifest = half_yearly_run(
            feeds=str(args.feeds),
            as_of=args.as_of,
            out=str(args.out),
            model=str(args.model) if args.model else None,
            previous=str(args.previous) if args.previous else None,
            config_dir=str(args.config) if args.config else None,
            store=str(args.store) if args.store else None,
            backend=args.backend,
        )
    rows = manifest["rows"]
    if rows.get("decisions"):
        told = ", ".join(f"{n} {status}" for status, n in rows["decisions"].items())
        print(f"people's decisions: {told} (see decisions.parquet; a conflict needs a new decision)")
    if manifest["model"].get("changed_by_decisions"):
        moved = manifest["model"]["changed_by_decisions"]
        print(f"the model learned from people's decisions: {len(moved)} m probabilities moved (manifest.json, model)")
    if manifest.get("replaced_earlier_results"):
        print(f"replaced the earlier results in {args.out}/ (none of their files is left beside the new ones)")
    print(
        f"{rows['children']} children in the register, {rows['migrant_children']} migrant children; "
        f"{rows['rows_quarantined']} rows quarantined.\n"
        f"Results in {args.out}/: ledgers/ (one workbook per county for civil-affairs staff), "
        f"report.html (match report for analysts), register.parquet, members.parquet, register.duckdb, "
        f"manifest.json; the full log in {RUN_LOG}"
    )
    return 0


def _decide(args: argparse.Namespace) -> int:
    from linkage.store import record_decision

    number = record_decision(args.store, args.verdict, args.left, args.right, args.by, args.reason)
    said = "the same child" if args.verdict == "same" else "different children"
    print(
        f"decision {number} recorded in {args.store}: {args.left} and {args.right} are {said}; every later run obeys it"
    )
    return 0


def _review_export(args: argparse.Namespace) -> int:
    from linkage.config import load_config
    from linkage.review import export_review

    model = load_config(args.config).model
    n = export_review(
        args.run_dir, args.out, model.match_threshold, model.possibly_same_above, model.corroborated_above
    )
    print(
        f"wrote {n} pairs to judge to {args.out}: fill in 判定 (同一儿童 / 不是同一儿童 / 无法判断), then "
        f"childreg review import {args.out} --by NAME"
    )
    return 0


def _review_import(args: argparse.Namespace) -> int:
    from linkage.review import read_filled_workbook
    from linkage.store import record_decision

    found = read_filled_workbook(args.workbook)
    recorded = 0
    for verdict, left, right, note in found.decisions:
        try:
            record_decision(args.store, verdict, left, right, args.by, note or "review", source=str(args.workbook))
            recorded += 1
        except ConfigError as exc:
            found.rejected.append(str(exc))
    print(
        f"{args.workbook}: {recorded} decisions recorded in {args.store}, {found.skipped} rows skipped "
        f"(blank, 无法判断, or not about two records), {len(found.rejected)} rejected"
    )
    for reason in found.rejected:
        print(f"  rejected: {reason}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from linkage.synth import generate_feeds

    feeds = Path(args.feeds)
    generate_feeds(feeds, args.children, seed=args.seed, as_of=args.as_of)
    print(f"synthetic feeds for {args.children} children written to {feeds}")
    # The run's arguments parsed as `childreg run` parses them, so that none is ever missing.
    globals_ = [*(["--config", str(args.config)] if args.config else []), *(["--verbose"] if args.verbose else [])]
    run_args = build_parser().parse_args(
        [*globals_, "run", str(feeds), "--as-of", args.as_of.isoformat(), "--out", str(args.out)]
    )
    return _run(run_args)


def _add_decider_arguments(parser: argparse.ArgumentParser) -> None:
    """Who records decisions, and the store that keeps them: `decide` and `review import` alike."""
    parser.add_argument("--by", required=True, metavar="NAME", help="who decided, e.g. --by 张敏")
    parser.add_argument(
        "--store",
        type=Path,
        default=Path("runs") / "register.duckdb",
        metavar="FILE",
        help="the register store (default runs/register.duckdb), e.g. --store runs/register.duckdb",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand; every argument says its format, with an example."""
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="childreg",
        formatter_class=formatter,
        description="Migrant-children register (流动儿童台账): links four departments' exports into one "
        "register of children and writes the county ledgers.",
        epilog="start with: childreg demo   (synthetic feeds for 2,000 children, then a whole run)",
    )
    parser.add_argument("--version", action="version", version=f"childreg {_version()}")
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="DIR",
        help="configuration folder (default: the project's config/), e.g. --config config/",
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="show every log line (Prefect's, Splink's) instead of one line per stage",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    synth = sub.add_parser(
        "synth",
        help="write synthetic feeds with ground truth",
        formatter_class=formatter,
        description="Write synthetic feeds for made-up children, with ground truth.",
        epilog=SYNTH_LAYOUT,
    )
    synth.add_argument("out", type=Path, metavar="OUT", help="folder to write, e.g. data/try (created if missing)")
    size = synth.add_mutually_exclusive_group()
    size.add_argument("--children", type=_positive, metavar="N", help="this many children, e.g. --children 500")
    size.add_argument(
        "--records",
        type=_positive,
        default=4000,
        metavar="N",
        help="about this many feed rows in all (default 4000), e.g. --records 1000000",
    )
    synth.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0), e.g. --seed 7")
    synth.add_argument(
        "--noise",
        choices=["default", "hard"],
        default="default",
        help="how messy the feeds are (default: default), e.g. --noise hard",
    )
    synth.add_argument(
        "--as-of",
        type=_date,
        default=dt.date(2026, 6, 30),
        metavar="DATE",
        help="reference date the feeds are exported for, YYYY-MM-DD (default 2026-06-30), e.g. --as-of 2026-12-31",
    )
    synth.add_argument("--force", action="store_true", help="write into a folder that is not empty")
    synth.set_defaults(handler=_synth)

    check = sub.add_parser(
        "check",
        help="read, validate and standardise a folder of feeds",
        formatter_class=formatter,
        description="Read, validate and standardise the four feeds; report per feed what was "
        "kept, quarantined and set to blank. Links nothing.",
        epilog="example:\n  childreg check data/incoming/2026H1 --as-of 2026-06-30 --out check/",
    )
    check.add_argument(
        "feeds",
        type=Path,
        metavar="FEEDS_DIR",
        help="folder holding police.csv, education.xlsx, health.csv, vaccination.csv, e.g. data/incoming/2026H1",
    )
    check.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="also write standardised.parquet, quarantine.parquet, field_issues.parquet here, e.g. --out check/2026H1",
    )
    check.add_argument(
        "--as-of",
        type=_date,
        default=dt.date.today(),
        metavar="DATE",
        help="reference date, YYYY-MM-DD (default today), e.g. --as-of 2026-06-30",
    )
    check.set_defaults(handler=_check)

    run = sub.add_parser(
        "run",
        help="the half-yearly run: check, link, register, status, ledgers, report",
        formatter_class=formatter,
        description="The half-yearly run as a local Prefect flow: check the feeds, link the "
        "records into children, decide who is a migrant child, and write the "
        "county ledgers, the match report and the manifest.",
        epilog=RUN_EPILOG,
    )
    run.add_argument(
        "feeds", type=Path, metavar="FEEDS_DIR", help="folder holding the four feeds, e.g. data/incoming/2026H1"
    )
    run.add_argument(
        "--as-of",
        type=_date,
        required=True,
        metavar="DATE",
        help="reference date of the run, YYYY-MM-DD, the last day of the half-year, e.g. --as-of 2026-06-30",
    )
    run.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        help="output folder, e.g. --out runs/2026H1 (an earlier run's results there are replaced)",
    )
    run.add_argument(
        "--model",
        type=Path,
        metavar="FILE",
        help="a model.json written by an earlier run, to load instead of training, e.g. --model runs/2026H1/model.json",
    )
    run.add_argument(
        "--previous",
        type=Path,
        metavar="DIR",
        help="the previous half-year's output folder, to keep master IDs, e.g. --previous runs/2025H2",
    )
    run.add_argument(
        "--backend",
        choices=["duckdb", "spark"],
        help="where Splink's linkage runs: duckdb (one machine) or spark (Splink's Spark backend; needs "
        "the spark extra and Java 17; settings in config/model.toml [engine]); default from that file, "
        "e.g. --backend spark",
    )
    run.add_argument(
        "--store",
        type=Path,
        metavar="FILE",
        help="the register store that remembers runs and decisions (default: register.duckdb beside "
        "the output folder), e.g. --store runs/register.duckdb",
    )
    run.set_defaults(handler=_run)

    decide = sub.add_parser(
        "decide",
        help="record that two records are, or are not, the same child; every later run obeys it",
        formatter_class=formatter,
        description="Record a person's decision about two records, named FEED:KEY as in members.parquet. "
        "Every later run obeys it over the model and its rules; a 'same' that cannot be (two different "
        "valid IDs) is reported as a conflict. Decisions are kept for good, used or not.",
        epilog="example:\n  childreg decide different police:GA0000001234 health:41040200100100001 "
        "--by 张敏 --reason 入户核实为双胞胎",
    )
    decide.add_argument("verdict", choices=["same", "different"], help="same or different, e.g. same")
    decide.add_argument("left", metavar="FEED:KEY", help="a record, e.g. police:GA0000001234")
    decide.add_argument("right", metavar="FEED:KEY", help="another record, e.g. health:41040200100100001")
    decide.add_argument("--reason", required=True, metavar="TEXT", help="why, e.g. --reason 入户核实为双胞胎")
    _add_decider_arguments(decide)
    decide.set_defaults(handler=_decide)

    review = sub.add_parser(
        "review",
        help="export a run's uncertain pairs to a workbook; import filled workbooks as decisions",
        formatter_class=formatter,
        description="Review in Excel or WPS: `export` writes the pairs the model and the rules disagree on "
        "with a 判定 column to fill in; `import` records every filled row of that workbook, or of a "
        "ledger's 待核实儿童 sheet (核实结果), as a decision.",
        epilog="examples:\n  childreg review export runs/2026H1 --out review_2026H1.xlsx\n"
        "  childreg review import review_2026H1.xlsx --by 张敏",
    )
    actions = review.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = actions.add_parser("export", help="write the run's uncertain pairs, e.g. export runs/2026H1 --out r.xlsx")
    export.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="a run's output folder, e.g. runs/2026H1")
    export.add_argument(
        "--out", type=Path, required=True, metavar="FILE", help="the workbook to write, e.g. --out review_2026H1.xlsx"
    )
    export.set_defaults(handler=_review_export)
    imports = actions.add_parser("import", help="record a filled workbook's rows as decisions")
    imports.add_argument(
        "workbook", type=Path, metavar="FILE", help="a filled review workbook or county ledger, e.g. review_2026H1.xlsx"
    )
    _add_decider_arguments(imports)
    imports.set_defaults(handler=_review_import)

    demo = sub.add_parser(
        "demo",
        help="generate synthetic feeds and run the half-yearly run on them",
        formatter_class=formatter,
        description="Write synthetic feeds, then run the half-yearly run on them.",
        epilog="example:\n  childreg demo --children 500 --out runs/small",
    )
    demo.add_argument(
        "--feeds",
        type=Path,
        default=Path("data/demo"),
        metavar="DIR",
        help="where to write the synthetic feeds (default data/demo), e.g. --feeds data/try",
    )
    demo.add_argument(
        "--out",
        type=Path,
        default=Path("runs/demo"),
        metavar="DIR",
        help="output folder of the run (default runs/demo), e.g. --out runs/small",
    )
    demo.add_argument(
        "--children",
        type=_positive,
        default=2000,
        metavar="N",
        help="number of synthetic children (default 2000), e.g. --children 500",
    )
    demo.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1), e.g. --seed 7")
    demo.add_argument(
        "--as-of",
        type=_date,
        default=dt.date(2026, 6, 30),
        metavar="DATE",
        help="reference date, YYYY-MM-DD (default 2026-06-30), e.g. --as-of 2026-12-31",
    )
    demo.set_defaults(handler=_demo)
    return parser


def _print_error(message: str) -> None:
    for line in mask_text(message).splitlines():
        print(f"error: {line}", file=sys.stderr)


def _stopped_by(exc: BaseException) -> int | None:
    """The exit status of a stop asked for, however deep it surfaced: 143 for SIGTERM, 130 for
    Ctrl-C (a KeyboardInterrupt, or DuckDB's query interrupted by it); None for any other failure."""
    seen: BaseException | None = exc
    while seen is not None:
        if type(seen).__name__ == "TerminationSignal":
            return 143
        if isinstance(seen, KeyboardInterrupt) or type(seen).__name__ == "InterruptException":
            return 130
        if isinstance(seen, RuntimeError) and str(seen) == "Query interrupted":  # DuckDB's, on Ctrl-C
            return 130
        seen = seen.__cause__ or seen.__context__
    return None


def _quiet_stragglers() -> None:
    """After a stop asked for and said, nothing more is printed. A task thread still finishing (a
    feed being read) logs, or emits an event to the run's Prefect server, once that server is
    gone, while the interpreter waits for it to end: those failures are of no use to anyone and
    must not print tracebacks after the one line that says what happened."""
    sys.stderr.flush()
    logging.disable(logging.CRITICAL)
    logging.raiseExceptions = False
    sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - open until the process ends


def main(argv: list[str] | None = None) -> int:
    """Entry point: runs a subcommand; bad input ends with a one-line error, never a traceback."""
    args = build_parser().parse_args(argv)
    for name, value in LOCAL_PREFECT.items():
        os.environ.setdefault(name, value)
    try:
        return args.handler(args)
    except (FeedError, ConfigError) as exc:
        _print_error(str(exc))
        return 2
    except KeyboardInterrupt:
        _print_error("interrupted; nothing was replaced in the output folder")
        _quiet_stragglers()
        return 130
    except Exception as exc:  # noqa: BLE001 - a bug: one line here, the traceback with --verbose
        stopped = _stopped_by(exc)
        if stopped is not None:
            how = "interrupted (terminated)" if stopped == 143 else "interrupted"
            _print_error(f"{how}; nothing was replaced in the output folder")
            _quiet_stragglers()
            return stopped
        if args.verbose:
            raise
        detail = textwrap.shorten(str(exc), 300) or "no message"
        _print_error(
            f"the run failed unexpectedly ({type(exc).__name__}: {detail}); "
            "nothing was replaced in the output folder. Run again with --verbose for the full "
            "traceback, and report it with the run's log"
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
