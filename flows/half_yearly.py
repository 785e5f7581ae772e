"""The half-yearly run as a Prefect flow. This module only wires the chain of stages in
`linkage.pipeline` into tasks; every decision lives in `linkage`."""

from __future__ import annotations

import datetime as dt
import getpass
import logging
import os
import socket
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
from prefect import Task, flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from flows.console import ProgressLog
from linkage.config import Config, load_config, with_backend
from linkage.errors import ConfigError, FeedError
from linkage.link.model import parse_model_json
from linkage.pipeline import Published, Stage, StageRunner, build_register, check_feeds, for_outputs, publish_run
from linkage.privacy import mask_text
from linkage.publish.manifest import build_manifest, sha256_of, write_manifest
from linkage.publish.outputs import output_lock, owner_only_files, staged_folder
from linkage.run_layout import RunPlan, check_plan, plan_run
from linkage.standardise.divisions import division_table
from linkage.store import (
    STORE_FILE,
    issued_ids,
    latest_members,
    latest_register,
    read_decisions,
    record_run,
    run_id,
)

IO_RETRIES = 2
IO_RETRY_DELAY_SECONDS = 10
RUN_LOG = "run.log"

# Failures that another try cannot mend: bad input, or a path that is wrong rather than busy.
_FINAL = (FeedError, ConfigError, PermissionError, IsADirectoryError, NotADirectoryError, FileNotFoundError)


def _transient(task, task_run, state) -> bool:
    """Retry I/O that may come back (a network share, a locked file), not bad input."""
    try:
        state.result()
    except _FINAL:
        return False
    except Exception:  # noqa: BLE001 - any other failure of an I/O task is worth one more try
        return True
    return False


def _logged(stage: Stage):
    """The stage's function, logging its counts from its task run."""

    def run(*args: Any, **kwargs: Any) -> Any:
        result = stage.run(*args, **kwargs)
        get_run_logger().info("%s", stage.counts(result))
        return result

    run.__name__ = run.__qualname__ = stage.name.replace(" ", "_")
    run.__doc__ = stage.run.__doc__
    return run


_TASKS: dict[str, Task] = {}


def stage_task(stage: Stage) -> Task:
    """The Prefect task of a stage, made once: I/O stages retry twice on passing errors."""
    if stage.name not in _TASKS:
        options: dict[str, Any] = {"name": stage.name, "cache_policy": NO_CACHE}
        if stage.io:
            options.update(
                retries=IO_RETRIES, retry_delay_seconds=IO_RETRY_DELAY_SECONDS, retry_condition_fn=_transient
            )
        _TASKS[stage.name] = task(**options)(_logged(stage))
    return _TASKS[stage.name]


class PrefectStages(StageRunner):
    """Runs each stage as a Prefect task; stages run per feed run as parallel tasks."""

    def call_stage(self, stage: Stage, args: tuple, kwargs: dict) -> Any:
        return stage_task(stage)(*args, **kwargs)

    def call_each(self, stage: Stage, items: Sequence[Any], args: tuple) -> list[Any]:
        base = stage_task(stage)
        futures = [
            base.with_options(task_run_name=f"{stage.name} {stage.item(item) if stage.item else n}").submit(item, *args)
            for n, item in enumerate(items)
        ]
        return self.collect(stage, futures)


class LoggedStages(ProgressLog):
    """Also tells the run's log, and so Prefect's UI, each stage's counts and seconds."""

    def finished(self, stage: str, counts: str, seconds: float) -> None:
        get_run_logger().info("%s: %s (%.1f s)", stage, counts, seconds)
        super().finished(stage, counts, seconds)


class _InputErrorWithoutTraceback(logging.Filter):
    """Bad input (a feed or a configuration file) is the operator's to fix, not a bug: log its
    message, not a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], (FeedError, ConfigError)):
            record.exc_info, record.exc_text = None, None
        return True


class _MaskNumbers(logging.Filter):
    """No ID number or phone reaches the log in full, whatever a message quotes."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class _NameTheTask(logging.Filter):
    """`prefect flow-run logs` prints flow and task lines alike: start each task line with the
    task run's name, so that every line says which task it comes from."""

    def filter(self, record: logging.LogRecord) -> bool:
        name = getattr(record, "task_run_name", None)
        if name and not str(record.msg).startswith("["):
            record.msg = f"[{name}] {record.msg}"
        return True


for _name in ("prefect.flow_runs", "prefect.task_runs"):
    logging.getLogger(_name).addFilter(_InputErrorWithoutTraceback())
logging.getLogger("prefect.task_runs").addFilter(_NameTheTask())


@contextmanager
def run_log(path: Path) -> Iterator[None]:
    """Everything logged during the run (Prefect's lines, Splink's warnings, the stages' counts)
    also goes to `path`, in full, whatever the console shows."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s | %(levelname)-7s | %(name)s - %(message)s"))
    handler.addFilter(_InputErrorWithoutTraceback())
    handler.addFilter(_MaskNumbers())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
        handler.close()


def publish_artifacts(plan: RunPlan, ledgers: pd.DataFrame, report: Path) -> None:
    """A summary table per county and a link to the match report, as Prefect artifacts. Prefect
    keeps artifact keys in lower case: childreg-2026h1-summary, childreg-2026h1-report."""
    key = f"childreg-{plan.period.label.lower()}"
    rows = ledgers.drop(columns=["file"]).to_dict("records")
    create_table_artifact(
        table=rows, key=f"{key}-summary", description=f"Migrant children by county, reference date {plan.as_of}"
    )
    create_link_artifact(
        link=report.resolve().as_uri(),
        link_text="match report",
        key=f"{key}-report",
        description=f"Match report of the {plan.period.label} run (opens offline)",
    )


def read_model(path: str | None) -> dict | None:
    """A saved model's settings, checked, or None to train on the run's records."""
    if not path:
        return None
    file = Path(path)
    if not file.is_file():
        raise ConfigError(f"{file}: no such model file; --model takes a model.json written by an earlier run")
    return parse_model_json(file.read_text(encoding="utf-8", errors="replace"), str(file))


def _previous_register(plan: RunPlan, store: Path) -> pd.DataFrame | None:
    """The previous run's register: the folder given, else what the store kept of its latest run."""
    if plan.previous:
        return pd.read_parquet(plan.previous / "register.parquet")
    return latest_register(store, plan.period.label)


def _previous_members(plan: RunPlan, store: Path) -> pd.DataFrame | None:
    """The previous run's members: the folder given, else the store's latest earlier run."""
    if plan.previous:
        return pd.read_parquet(plan.previous / "members.parquet")
    return latest_members(store, plan.period.label)


@flow(name="half-yearly-run", log_prints=False)
def half_yearly_run(
    feeds: str,
    as_of: dt.date | None = None,
    out: str | None = None,
    model: str | None = None,
    previous: str | None = None,
    config_dir: str | None = None,
    runs_root: str = "runs",
    store: str | None = None,
    backend: str | None = None,
) -> dict:
    """One half-yearly run: read and validate the four feeds in parallel, standardise, link,
    cluster, build the register and decide status, then write the tables, the county ledgers,
    the match report and the manifest into a staging folder that replaces the output folder
    whole. Returns the manifest."""
    from prefect.runtime import flow_run

    started = dt.datetime.now(dt.timezone.utc)
    plan = plan_run(feeds, as_of, out, previous, runs_root, flow_run.scheduled_start_time)
    check_plan(plan)
    config = with_backend(load_config(config_dir), backend)
    settings = read_model(model)
    logger = get_run_logger()
    logger.info("period %s, reference date %s, output %s", plan.period.label, plan.as_of, plan.out)
    divisions = division_table(config)
    runner = PrefectStages(LoggedStages())
    store_path = Path(store) if store else plan.out.parent / STORE_FILE
    decisions = read_decisions(store_path)
    holder = f"pid {os.getpid()}, {getpass.getuser()}@{socket.gethostname()}, since {started:%Y-%m-%d %H:%M:%S} UTC"
    with (
        owner_only_files(),
        output_lock(plan.out, holder),
        staged_folder(plan.out) as staging,
        run_log(staging.path / RUN_LOG),
    ):
        checked = check_feeds(plan.feeds, config, plan.as_of, runner, divisions)
        for note in checked.mapping_problems:
            logger.warning("mapping: %s", note)
        register = build_register(
            checked.standardised,
            config,
            plan.as_of,
            settings,
            _previous_members(plan, store_path),
            runner,
            decisions,
            issued_ids(store_path, plan.period.label),
        )
        checked = for_outputs(checked)
        published = publish_run(
            staging.path,
            checked,
            register,
            config,
            divisions,
            plan.as_of,
            runner,
            previous=plan.previous,
            previous_register=_previous_register(plan, store_path),
        )
        manifest = _manifest(
            plan, config, model, checked, register, published, runner, started, staging.path, store_path
        )
    if staging.replaced_earlier:
        logger.info("replaced the earlier results in %s", plan.out)
    manifest["replaced_earlier_results"] = staging.replaced_earlier
    # after the outputs are in place
    record_run(store_path, manifest, register.members, plan.out, register.id_history, register.register)
    publish_artifacts(plan, published.ledgers, plan.out / "report.html")
    logger.info(
        "done: %d children, %d migrant children, outputs in %s",
        manifest["rows"]["children"],
        manifest["rows"]["migrant_children"],
        plan.out,
    )
    return manifest


def _manifest(
    plan: RunPlan,
    config: Config,
    model: str | None,
    checked,
    register,
    published: Published,
    runner: StageRunner,
    started: dt.datetime,
    folder: Path,
    store: Path,
) -> dict:
    model_info = {
        "version": config.model.version,
        "trained_on_this_run": model is None,
        "backend": config.model.engine.backend,
        "loaded_from": model,
        "sha256": sha256_of(published.files["model"]),
        "previous_run": str(plan.previous) if plan.previous else None,
        # How people's "same" decisions, used as labelled pairs, moved the trained m probabilities.
        "changed_by_decisions": register.model_changes,
    }
    ledgers = published.ledgers
    manifest = build_manifest(
        period=plan.period.label,
        as_of=plan.as_of,
        checked=checked,
        register=register,
        ledger_counts=ledgers.assign(file=ledgers["file"].map(lambda p: Path(p).name)),
        model=model_info,
        outputs=published.files,
        timings=runner.timings,
        started=started,
        folder=folder,
    )
    manifest["store"] = {"file": str(store), "run_id": run_id(manifest)}
    write_manifest(manifest, folder / "manifest.json")
    return manifest
