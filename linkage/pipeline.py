"""The chain of stages of a half-yearly run, written once.

`check_feeds` (ingest and standardise), `build_register` (link and register) and
`publish_run` (tables, ledgers, report) call the stages in order through a `StageRunner`.
The plain `StageRunner` calls each stage directly (the `check` command, tests, benchmarks); the
Prefect flow passes one that runs each stage as a task. Either way the runner times every stage
and tells its observer one line of counts per stage, never personal data.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from linkage.config import FEEDS, Config, FeedMapping
from linkage.errors import FeedError, FeedsUnusable
from linkage.link.clustering import cluster_records
from linkage.link.prediction import ScoredRecords, link_records
from linkage.link.scored_pairs import CORE
from linkage.memory import give_back_memory
from linkage.publish.city_summary import CITY_FILE
from linkage.publish.feedback import RECORD_COLUMNS
from linkage.publish.feedback_workbooks import write_feedback
from linkage.publish.ledger_workbook import write_ledgers
from linkage.publish.match_report import REPORT_COLUMNS, render_report
from linkage.publish.outputs import write_text
from linkage.publish.run_outputs import write_run_outputs
from linkage.register.assemble import Register, assemble_register
from linkage.register.changes import compare_registers
from linkage.standardise.checked import CheckedFeed, CheckedFeeds, check_feed, combine_checked
from linkage.standardise.divisions import DivisionTable, division_table
from linkage.workers import Submit, per_core, run_here, workers

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Stage:
    """One step of the run: what it is called, what it calls, and how its result is counted.

    `io` marks stages that read or write files (worth a retry on a passing I/O error);
    `item` names one item of a stage run per feed; `progress` marks stages that report
    their own progress through a `progress` keyword (ledgers, county by county)."""

    name: str
    run: Callable[..., Any]
    counts: Callable[[Any], str]
    io: bool = False
    item: Callable[[Any], str] | None = None
    progress: bool = False


def _cluster(scored: ScoredRecords, config: Config, decisions: pd.DataFrame | None = None) -> pd.DataFrame:
    model = config.model
    return cluster_records(
        scored.records,
        scored.pairs.frame(CORE),
        model.match_threshold,
        model.ambiguity_margin,
        decisions,
        model.corroborated_above,
    )


def _write_report(out: Path, checked: CheckedFeeds, register: Register, config: Config, as_of: dt.date) -> Path:
    return write_text(render_report(checked, register, config, as_of), out / "report.html")


def _write_ledgers(
    out: Path,
    register: Register,
    config: Config,
    divisions: DivisionTable,
    as_of: dt.date,
    previous_register: pd.DataFrame | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    return write_ledgers(
        register.register,
        register.members,
        config,
        divisions,
        as_of,
        out / "ledgers",
        progress=progress,
        possible_same=register.possible_same,
        changes=compare_registers(previous_register, register.register, config.policy),
    )


@dataclass
class FeedChecks:
    """The feeds' checks in worker processes, all started at once in the feeds' order (the stage
    calls, one thread each, would otherwise hand them to the workers in whatever order their
    threads ran, and a large feed could wait behind the others), each collected by its feed's
    stage call. A call with nothing started for its feed (a retry, or no workers) checks it then."""

    submit: Submit
    started: dict[str, Future] = field(default_factory=dict)

    def start(self, mappings: list[FeedMapping], folder: Path, *args: Any) -> None:
        """Start every feed's check now, in order."""
        for mapping in mappings:
            self.started[mapping.feed] = self.submit(check_feed, mapping, folder, *args)

    def result(self, mapping: FeedMapping, folder: Path, *args: Any) -> CheckedFeed:
        """The feed's check, started earlier or now."""
        future = self.started.pop(mapping.feed, None) or self.submit(check_feed, mapping, folder, *args)
        return future.result()


def _check_feed(
    mapping: FeedMapping, folder: Path, config: Config, divisions: DivisionTable, as_of: dt.date, checks: FeedChecks
) -> CheckedFeed:
    return checks.result(mapping, folder, config, divisions, as_of)


def _check_counts(f: CheckedFeed) -> str:
    counts = f"{f.prepared.rows_read} read, {f.prepared.rows_kept} kept, {f.prepared.rows_quarantined} quarantined"
    notes = len(f.raw.problems)
    # A mapping note can mean a column left blank for the whole feed: say so where the operator looks.
    return counts + (f", {notes} mapping note{'s' if notes > 1 else ''}" if notes else "")


CHECK = Stage("read, validate and standardise", _check_feed, _check_counts, io=True, item=lambda m: m.feed)
COMBINE = Stage(
    "combine feeds",
    combine_checked,
    lambda c: f"{len(c.standardised)} records, {len(c.quarantine)} quarantined, {len(c.issues)} fields set to blank",
)
LINK = Stage(
    "link",
    link_records,
    lambda s: f"{len(s.records)} records, {len(s.pairs)} pairs scored, model {'trained' if s.trained else 'loaded'}",
)
CLUSTER = Stage("cluster", _cluster, lambda c: f"{c['cluster_key'].nunique()} clusters")
REGISTER = Stage(
    "register and status",
    assemble_register,
    lambda r: f"{len(r.register)} children, {int(r.register['is_migrant'].sum())} migrant children",
)
WRITE_TABLES = Stage("write tables", write_run_outputs, lambda w: f"{len(w)} files", io=True)
WRITE_LEDGERS = Stage("write ledgers", _write_ledgers, lambda led: f"{len(led)} workbooks", io=True, progress=True)
WRITE_REPORT = Stage("write report", _write_report, lambda p: p.name, io=True)
WRITE_FEEDBACK = Stage(
    "write feedback",
    write_feedback,
    lambda files: f"{sum(p.suffix == '.xlsx' for p in files.values())} workbooks",
    io=True,
)

STAGES: tuple[Stage, ...] = (
    CHECK,
    COMBINE,
    LINK,
    CLUSTER,
    REGISTER,
    WRITE_TABLES,
    WRITE_LEDGERS,
    WRITE_REPORT,
    WRITE_FEEDBACK,
)


class StageObserver:
    """Told when each stage starts, advances and finishes. This one does nothing; the command
    line shows progress and the flow logs, each with an observer of its own."""

    def started(self, stage: str) -> None:
        """`stage` has started."""

    def advanced(self, stage: str, done: int, total: int) -> None:
        """`done` of the stage's `total` items are done."""

    def finished(self, stage: str, counts: str, seconds: float) -> None:
        """`stage` finished in `seconds`; `counts` says what it produced, in numbers only."""


@dataclass
class StageRunner:
    """Runs stages directly, one after another, timing each and telling `observer` about it.

    Subclasses change how one call runs (`call_stage`, `call_each`), never the chain."""

    observer: StageObserver = field(default_factory=StageObserver)
    timings: dict[str, float] = field(default_factory=dict)

    def __call__(self, stage: Stage, *args: Any) -> Any:
        """Run one stage on `args`."""
        start = self._start(stage)
        kwargs = {"progress": partial(self.observer.advanced, stage.name)} if stage.progress else {}
        result = self.call_stage(stage, args, kwargs)
        self._done(stage, stage.counts(result), start)
        return result

    def each(self, stage: Stage, items: Sequence[Any], *args: Any) -> list[Any]:
        """Run one stage once per item (`stage.run(item, *args)`). A FeedError on any item is
        collected; all of them are raised together once every item has been tried."""
        start = self._start(stage)
        outcomes = self.call_each(stage, items, args)
        errors = [o for o in outcomes if isinstance(o, FeedError)]
        if errors:
            raise errors[0] if len(errors) == 1 else FeedsUnusable(errors)
        named = [stage.item(i) if stage.item else str(n) for n, i in enumerate(items)]
        counts = "; ".join(f"{name}: {stage.counts(o)}" for name, o in zip(named, outcomes, strict=True))
        self._done(stage, counts, start)
        return outcomes

    def together(self, *chains: Sequence[tuple[Stage, tuple]]) -> list[Any]:
        """Run independent chains of stages at once, one thread per chain (with this thread's
        context, so that under a flow each stage is a task of the flow), each chain's stages in
        order, each stage timed and told as if alone. Every stage's result, in the order given;
        the first error, once every chain has ended."""

        def chain(calls: Sequence[tuple[Stage, tuple]]) -> list[Any]:
            return [self(stage, *args) for stage, args in calls]

        with ThreadPoolExecutor(max_workers=len(chains)) as threads:
            futures = [threads.submit(contextvars.copy_context().run, chain, calls) for calls in chains]
        return [result for future in futures for result in future.result()]

    def call_stage(self, stage: Stage, args: tuple, kwargs: dict) -> Any:
        """Run one stage call; here, directly."""
        return stage.run(*args, **kwargs)

    def call_each(self, stage: Stage, items: Sequence[Any], args: tuple) -> list[Any]:
        """Run the stage on every item at once, one thread each (as the flow runs them as parallel
        tasks), returning each result or the FeedError it raised."""
        with ThreadPoolExecutor(max_workers=max(1, len(items))) as threads:
            return self.collect(stage, [threads.submit(stage.run, item, *args) for item in items])

    def collect(self, stage: Stage, futures: Sequence[Any]) -> list[Any]:
        """Each future's result, or the FeedError it raised, in order, telling the observer as
        each one is in (any future with `result()`: a thread's, or a Prefect task's)."""
        outcomes: list[Any] = []
        for future in futures:
            try:
                outcomes.append(future.result())
            except FeedError as exc:
                outcomes.append(exc)
            self.observer.advanced(stage.name, len(outcomes), len(futures))
        return outcomes

    def _start(self, stage: Stage) -> float:
        give_back_memory()  # what earlier stages freed, before this one and its workers take more
        self.observer.started(stage.name)
        return time.perf_counter()

    def _done(self, stage: Stage, counts: str, start: float) -> None:
        seconds = time.perf_counter() - start
        self.timings[stage.name] = self.timings.get(stage.name, 0.0) + seconds
        self.observer.finished(stage.name, counts, seconds)


def check_feeds(
    folder: Path | str,
    config: Config,
    as_of: dt.date,
    runner: StageRunner | None = None,
    divisions: DivisionTable | None = None,
) -> CheckedFeeds:
    """Read, validate and standardise every feed in `folder`. Raises FeedError (FeedsUnusable
    for several) naming every feed that cannot be read at all."""
    runner = runner or StageRunner()
    divisions = divisions or division_table(config)
    mappings: list[FeedMapping] = [config.feeds[f] for f in FEEDS]
    folder = Path(folder)
    with workers(sum(_file_bytes(folder / m.file) for m in mappings) >= PARALLEL_FROM_BYTES, per_core()) as submit:
        checks = FeedChecks(submit)
        if submit is not run_here:
            checks.start(mappings, folder, config, divisions, as_of)
        feeds: list[CheckedFeed] = runner.each(CHECK, mappings, folder, config, divisions, as_of, checks)
    return runner(COMBINE, feeds)


# Below this much feed data, starting worker processes costs more than checking feeds in parallel saves.
PARALLEL_FROM_BYTES = 20_000_000


def _file_bytes(path: Path) -> int:
    return path.stat().st_size if path.is_file() else 0


def build_register(
    standardised: pd.DataFrame,
    config: Config,
    as_of: dt.date,
    settings: dict | None = None,
    previous_members: pd.DataFrame | None = None,
    runner: StageRunner | None = None,
    decisions: pd.DataFrame | None = None,
    issued: frozenset[str] = frozenset(),
) -> Register:
    """Link the records (training the model on them unless `settings` is given), cluster them
    obeying people's `decisions` over the model, keep master IDs from `previous_members`, build
    golden records and decide each child's status. No new child gets an ID in `issued`."""
    runner = runner or StageRunner()
    scored = runner(LINK, standardised, config, settings, decisions)
    clusters = runner(CLUSTER, scored, config, decisions)
    return runner(REGISTER, standardised, scored, clusters, config, as_of, previous_members, decisions, issued)


def for_outputs(checked: CheckedFeeds) -> CheckedFeeds:
    """`checked` with only the standardised columns the outputs read, to keep instead of the
    whole once the register is built: at a million records that lets about 1.5 GiB go before
    the outputs, which are written side by side, are written."""
    return checked.keeping(list(dict.fromkeys([*RECORD_COLUMNS, *REPORT_COLUMNS])))


@dataclass
class Published:
    """What a run wrote: file paths by name, and the ledger counts per county."""

    files: dict[str, Path]
    ledgers: pd.DataFrame


def publish_run(
    out: Path,
    checked: CheckedFeeds,
    register: Register,
    config: Config,
    divisions: DivisionTable,
    as_of: dt.date,
    runner: StageRunner | None = None,
    previous: Path | None = None,
    previous_register: pd.DataFrame | None = None,
) -> Published:
    """Write the tables and the model, one ledger workbook per county (with what changed since
    `previous_register`) and the city's, the match report, and one feedback workbook per
    department (compared with the `previous` run's)."""
    runner = runner or StageRunner()
    # The ledgers' writers keep both cores busy but for a third of one; the other outputs, one
    # after another beside them, fill it. All four at once gained little and took a GiB more.
    ledgers, tables, report, feedback = runner.together(
        [(WRITE_LEDGERS, (out, register, config, divisions, as_of, previous_register))],
        [
            (WRITE_TABLES, (out, checked, register, config.model.version)),
            (WRITE_REPORT, (out, checked, register, config, as_of)),
            (WRITE_FEEDBACK, (out, checked, register, config, previous)),
        ],
    )
    files = {**tables, "report": report}
    files.update({f"ledger_{row.code}": row.file for row in ledgers.itertuples()})
    files["city_summary"] = out / "ledgers" / CITY_FILE
    files.update(feedback)
    return Published(files, ledgers)
