"""The half-yearly run as a Prefect flow. This module only wires the functions of `linkage`
into tasks; every decision lives there."""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from linkage.config import FEEDS, Config, FeedMapping, load_config
from linkage.data_path import PreparedFeed, division_table, prepare_feed
from linkage.divisions import DivisionTable
from linkage.errors import ConfigError, FeedError, FeedsUnusable
from linkage.feed_check import CheckedFeeds, combine_checked
from linkage.ledger_workbook import write_ledgers
from linkage.manifest import build_manifest, sha256_of, write_manifest
from linkage.match_report import render_report
from linkage.model import load_settings
from linkage.outputs import write_text
from linkage.periods import Period, half_year_just_ended, period_of
from linkage.read_feeds import RawFeed, read_feed
from linkage.register import Register, ScoredRecords, assemble_register, cluster_children, link_records
from linkage.run_outputs import write_run_outputs

IO_RETRIES = 2
IO_RETRY_DELAY_SECONDS = 10


def _transient(task, task_run, state) -> bool:
    """Retry I/O that may come back (a network share, a locked file), not bad input."""
    try:
        state.result()
    except (FeedError, ConfigError):
        return False
    except Exception:  # noqa: BLE001 - any other failure of an I/O task is worth one more try
        return True
    return False


io_task = task(retries=IO_RETRIES, retry_delay_seconds=IO_RETRY_DELAY_SECONDS, retry_condition_fn=_transient,
               cache_policy=NO_CACHE)
compute_task = task(cache_policy=NO_CACHE)


@dataclass(frozen=True)
class RunPlan:
    """Where a run reads and writes, and for which half-year."""

    period: Period
    as_of: dt.date
    feeds: Path
    out: Path
    previous: Path | None


def plan_run(feeds: str, as_of: dt.date | None, out: str | None, previous: str | None, runs_root: str,
             scheduled_for: dt.datetime | None) -> RunPlan:
    """Resolve a run's parameters. Without a reference date the run covers the half-year just
    ended (before the scheduled time, or now); without an output folder it writes to
    runs_root/<period>, keeping master IDs from runs_root/<previous period> when that exists.
    `{period}` in the feeds folder is replaced by the period's label."""
    period = period_of(as_of) if as_of else half_year_just_ended(scheduled_for or dt.datetime.now())
    as_of = as_of or period.last_day
    out_dir = Path(out) if out else Path(runs_root) / period.label
    prev = Path(previous) if previous else None
    if prev is None and out is None:
        candidate = Path(runs_root) / period.previous.label
        prev = candidate if (candidate / "members.parquet").exists() else None
    return RunPlan(period, as_of, Path(feeds.replace("{period}", period.label)), out_dir, prev)


@io_task(name="read feed", task_run_name="read {mapping.feed}")
def read_feed_task(mapping: FeedMapping, folder: Path) -> RawFeed:
    raw = read_feed(mapping, folder)
    get_run_logger().info("%s: %d rows read from %s", raw.feed, raw.rows_read, raw.path.name)
    return raw


@compute_task(name="validate and standardise", task_run_name="validate and standardise {raw.feed}")
def validate_and_standardise(raw: RawFeed, config: Config, divisions: DivisionTable, as_of: dt.date) -> PreparedFeed:
    prepared = prepare_feed(raw, config, divisions, as_of)
    get_run_logger().info("%s: kept %d, quarantined %d", prepared.feed, prepared.rows_kept, prepared.rows_quarantined)
    return prepared


@compute_task(name="combine feeds")
def combine_feeds(raws: list[RawFeed], prepared: list[PreparedFeed]) -> CheckedFeeds:
    return combine_checked(raws, prepared)


@io_task(name="load model")
def load_model(path: str) -> dict:
    return load_settings(Path(path))


@compute_task(name="link records")
def link(checked: CheckedFeeds, config: Config, settings: dict | None) -> ScoredRecords:
    scored = link_records(checked.standardised, config, settings)
    get_run_logger().info("%d records, %d pairs scored; model %s", len(scored.records), len(scored.pairs),
                          "trained on this run" if scored.trained else "loaded")
    return scored


@compute_task(name="cluster")
def cluster(scored: ScoredRecords, config: Config) -> pd.DataFrame:
    return cluster_children(scored, config)


@io_task(name="read previous members")
def read_previous_members(folder: Path) -> pd.DataFrame:
    return pd.read_parquet(folder / "members.parquet")


@compute_task(name="build register and decide status")
def build_register(checked: CheckedFeeds, scored: ScoredRecords, clusters: pd.DataFrame, config: Config,
                   as_of: dt.date, previous: pd.DataFrame | None) -> Register:
    register = assemble_register(checked.standardised, scored, clusters, config, as_of, previous)
    reg = register.register
    get_run_logger().info("%d children, %d migrant children", len(reg), int(reg["is_migrant"].sum()))
    return register


@io_task(name="write tables")
def write_tables(out: Path, checked: CheckedFeeds, register: Register, version: str) -> dict[str, Path]:
    return write_run_outputs(out, checked, register, version)


@io_task(name="write ledgers")
def write_ledger_workbooks(out: Path, register: Register, config: Config, divisions: DivisionTable,
                           as_of: dt.date) -> pd.DataFrame:
    return write_ledgers(register.register, register.members, config, divisions, as_of, out / "ledgers")


@io_task(name="write report")
def write_report(out: Path, checked: CheckedFeeds, register: Register, config: Config, as_of: dt.date) -> Path:
    return write_text(render_report(checked, register, config, as_of), out / "report.html")


def publish_artifacts(plan: RunPlan, ledgers: pd.DataFrame, report: Path) -> None:
    """A summary table per county and a link to the match report, as Prefect artifacts."""
    key = f"childreg-{plan.period.label.lower()}"
    rows = ledgers.drop(columns=["file"]).to_dict("records")
    create_table_artifact(table=rows, key=f"{key}-summary",
                          description=f"Migrant children by county, reference date {plan.as_of}")
    create_link_artifact(link=report.resolve().as_uri(), link_text="match report", key=f"{key}-report",
                         description=f"Match report of the {plan.period.label} run (opens offline)")


def _all_results(futures) -> list:
    """Every future's result; feeds that cannot be read are reported together, one line each."""
    results, problems = [], []
    for future in futures:
        try:
            results.append(future.result())
        except FeedError as exc:
            problems.append(exc)
    if problems:
        raise problems[0] if len(problems) == 1 else FeedsUnusable(problems)
    return results


class _InputErrorWithoutTraceback(logging.Filter):
    """Bad input (a feed or a configuration file) is the operator's to fix, not a bug: log its
    message, not a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], (FeedError, ConfigError)):
            record.exc_info, record.exc_text = None, None
        return True


for _name in ("prefect.flow_runs", "prefect.task_runs"):
    logging.getLogger(_name).addFilter(_InputErrorWithoutTraceback())


class _Stopwatch:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def __call__(self, stage: str, fn, *args, **kwargs):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - start
        return result


@flow(name="half-yearly-run", log_prints=False)
def half_yearly_run(feeds: str, as_of: dt.date | None = None, out: str | None = None, model: str | None = None,
                    previous: str | None = None, config_dir: str | None = None, runs_root: str = "runs") -> dict:
    """One half-yearly run: read and validate the four feeds in parallel, standardise, link,
    cluster, build the register and decide status, then write the tables, the county ledgers,
    the match report and the manifest. Returns the manifest."""
    from prefect.runtime import flow_run

    started = dt.datetime.now(dt.timezone.utc)
    plan = plan_run(feeds, as_of, out, previous, runs_root, flow_run.scheduled_start_time)
    logger = get_run_logger()
    logger.info("period %s, reference date %s, feeds %s, output %s", plan.period.label, plan.as_of, plan.feeds, plan.out)
    config = load_config(config_dir)
    divisions = division_table(config)
    watch = _Stopwatch()

    def read_and_prepare() -> CheckedFeeds:
        raws = {f: read_feed_task.submit(config.feeds[f], plan.feeds) for f in FEEDS}
        prepared = [validate_and_standardise.submit(raws[f], config, divisions, plan.as_of) for f in FEEDS]
        return combine_feeds(_all_results(raws.values()), [p.result() for p in prepared])

    checked = watch("read, validate, standardise", read_and_prepare)
    settings = load_model(model) if model else None
    scored = watch("link", link, checked, config, settings)
    clusters = watch("cluster", cluster, scored, config)
    prev_members = read_previous_members(plan.previous) if plan.previous else None
    register = watch("register and status", build_register, checked, scored, clusters, config, plan.as_of, prev_members)
    outputs = watch("write tables", write_tables, plan.out, checked, register, config.model.version)
    ledgers = watch("write ledgers", write_ledger_workbooks, plan.out, register, config, divisions, plan.as_of)
    report = watch("write report", write_report, plan.out, checked, register, config, plan.as_of)
    outputs.update({f"ledger_{row.code}": row.file for row in ledgers.itertuples()}, report=report)
    model_info = {"version": config.model.version, "trained_on_this_run": scored.trained, "loaded_from": model,
                  "sha256": sha256_of(outputs["model"]), "previous_run": str(plan.previous) if plan.previous else None}
    manifest = build_manifest(period=plan.period.label, as_of=plan.as_of, checked=checked, register=register,
                              ledger_counts=ledgers.assign(file=ledgers["file"].map(lambda p: Path(p).name)),
                              model=model_info, outputs=outputs, timings=watch.timings, started=started)
    write_manifest(manifest, plan.out / "manifest.json")
    publish_artifacts(plan, ledgers, report)
    logger.info("done: %d children, %d migrant children, outputs in %s", manifest["rows"]["children"],
                manifest["rows"]["migrant_children"], plan.out)
    return manifest
