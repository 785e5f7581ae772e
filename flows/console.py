"""What the command line shows while a command works: by default one line per stage with its
counts and seconds, and a progress bar while a long stage runs; with --verbose, every log line.

Stages tell their progress through the `childreg.progress` logger (see `ProgressLog`), so the
same run shows progress here, logs in Prefect's UI, and shows nothing extra under a worker."""

from __future__ import annotations

import logging
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from rich.progress import TaskID

from linkage.pipeline import StageObserver

PROGRESS_LOGGER = "childreg.progress"


class ProgressLog(StageObserver):
    """Tells the progress logger every stage's start, steps and end, counts only."""

    def __init__(self) -> None:
        self.log = logging.getLogger(PROGRESS_LOGGER)

    def started(self, stage: str) -> None:
        self.log.debug("%s started", stage, extra={"stage": stage, "event": "started"})

    def advanced(self, stage: str, done: int, total: int) -> None:
        self.log.debug(
            "%s: %d of %d",
            stage,
            done,
            total,
            extra={"stage": stage, "event": "advanced", "done": done, "total": total},
        )

    def finished(self, stage: str, counts: str, seconds: float) -> None:
        self.log.info("%s: %s (%.1f s)", stage, counts, seconds, extra={"stage": stage, "event": "finished"})


class _StageLines(logging.Handler):
    """Prints each finished stage as one line; on a terminal, a live bar for the running stages."""

    def __init__(self, live: bool) -> None:
        super().__init__(logging.DEBUG)
        self.bars = None
        self.tasks: dict[str, TaskID] = {}
        if live:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            self.bars = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=sys.stderr),
                transient=True,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self.bars.start()

    def emit(self, record: logging.LogRecord) -> None:
        event, stage = getattr(record, "event", None), getattr(record, "stage", "")
        if self.bars is None:
            if event == "finished":
                print(f"  {record.getMessage()}", file=sys.stderr, flush=True)
            return
        if event == "started":
            self.tasks[stage] = self.bars.add_task(stage, total=None)
        elif event == "advanced" and stage in self.tasks:
            self.bars.update(self.tasks[stage], total=record.__dict__["total"], completed=record.__dict__["done"])
        elif event == "finished":
            if stage in self.tasks:
                self.bars.remove_task(self.tasks.pop(stage))
            self.bars.console.print(f"  {record.getMessage()}", highlight=False)

    def close(self) -> None:
        if self.bars is not None:
            self.bars.stop()
        super().close()


class _Silence(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return False


class _ServerLines(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.INFO


_SERVER_LINES = _ServerLines()


@contextmanager
def stage_display(verbose: bool) -> Iterator[StageObserver]:
    """Show stage lines (and bars on a terminal) for the block; unless `verbose`, keep Prefect's
    and Splink's log lines and Python warnings off the console (the run's log file has them).
    Yields an observer for stages run outside a flow."""
    from prefect.logging.configuration import ensure_logging_setup

    ensure_logging_setup()  # Prefect's console handler now exists, to be quieted below

    progress = logging.getLogger(PROGRESS_LOGGER)
    lines = _StageLines(live=not verbose and sys.stderr.isatty())
    silence = _Silence()
    consoles = [
        h
        for h in logging.getLogger().handlers
        if isinstance(h, logging.StreamHandler) and getattr(h, "stream", None) in (sys.stderr, sys.stdout)
    ]
    saved = (progress.level, progress.propagate)
    progress.setLevel(logging.DEBUG)
    progress.propagate = False
    progress.addHandler(lines)
    if not verbose:
        for handler in consoles:
            handler.addFilter(silence)
        logging.captureWarnings(True)
        # The temporary server's start and stop lines come from the `prefect` logger itself,
        # the stop line at exit, after this block.
        logging.getLogger("prefect").addFilter(_SERVER_LINES)
    quiet_root = logging.NullHandler()
    logging.getLogger().addHandler(quiet_root)  # no last-resort printing of warnings when quiet
    try:
        with warnings.catch_warnings():
            if not verbose:
                warnings.simplefilter("default")
            yield ProgressLog()
    finally:
        progress.removeHandler(lines)
        lines.close()
        progress.setLevel(saved[0])
        progress.propagate = saved[1]
        logging.getLogger().removeHandler(quiet_root)
        for handler in consoles:
            handler.removeFilter(silence)
        logging.captureWarnings(False)
