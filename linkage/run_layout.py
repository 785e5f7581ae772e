"""Where a run reads and writes: the feeds folder, the output folder and the previous run, for
one half-year. Resolved and checked before any heavy work starts, so that a wrong path is one
line of error in a second, not a traceback after minutes of linkage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from linkage.errors import RunLayoutError
from linkage.periods import Period, half_year_just_ended, period_of

# A folder holding this file is a run's output folder: `--previous` must name one.
RUN_MARKER = "members.parquet"


@dataclass(frozen=True)
class RunPlan:
    """Where a run reads and writes, and for which half-year."""

    period: Period
    as_of: dt.date
    feeds: Path
    out: Path
    previous: Path | None


def plan_run(
    feeds: str,
    as_of: dt.date | None,
    out: str | None,
    previous: str | None,
    runs_root: str,
    scheduled_for: dt.datetime | None,
) -> RunPlan:
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
        prev = candidate if (candidate / RUN_MARKER).exists() else None
    return RunPlan(period, as_of, Path(feeds.replace("{period}", period.label)), out_dir, prev)


def check_feeds_folder(folder: Path) -> None:
    """The feeds folder exists and is a folder. Raises RunLayoutError saying what to give instead."""
    if not folder.exists():
        raise RunLayoutError(
            f"{folder}: no such folder; give the folder that holds the four feeds "
            "(police.csv, education.xlsx, health.csv, vaccination.csv)"
        )
    if not folder.is_dir():
        raise RunLayoutError(
            f"{folder}: is a file, not a folder; give the folder that holds it ({folder.parent}), not the file itself"
        )


def check_output_folder(out: Path) -> None:
    """`out` is a folder or does not exist yet (a file there would only be found after all the work)."""
    if out.exists() and not out.is_dir():
        raise RunLayoutError(f"{out}: is a file; --out must name a folder (it is created if missing)")


def check_previous_run(previous: Path) -> None:
    """`previous` is an earlier run's output folder (it holds members.parquet)."""
    if not previous.exists():
        raise RunLayoutError(
            f"{previous}: no such folder; --previous takes the output folder of the "
            "previous half-year's run (e.g. runs/2025H2)"
        )
    if not previous.is_dir():
        raise RunLayoutError(
            f"{previous}: is a file; --previous takes the previous run's output folder, not one of its files"
        )
    if not (previous / RUN_MARKER).is_file():
        raise RunLayoutError(
            f"{previous}: not a run's output folder (no {RUN_MARKER} in it); --previous "
            "takes the folder a previous `childreg run` wrote"
        )


def check_plan(plan: RunPlan) -> None:
    """Every path of the plan, checked before any work starts."""
    check_feeds_folder(plan.feeds)
    check_output_folder(plan.out)
    if plan.previous is not None:
        check_previous_run(plan.previous)
