"""Worker processes for the pieces of a stage that do not depend on each other (the four feeds,
the county workbooks). Reading, standardising and writing cells are pure Python, so threads
would share one core; a process per core uses them all."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from typing import Any

Submit = Callable[..., Future]


def run_here(fn: Callable[..., Any], *args: Any) -> Future:
    """`fn(*args)` run here and now, as a finished future."""
    future: Future = Future()
    try:
        future.set_result(fn(*args))
    except Exception as exc:  # noqa: BLE001 - handed to whoever asks for the result, as a pool would
        future.set_exception(exc)
    return future


def per_core(most: int = 2) -> int:
    """One worker per core, at most `most`."""
    return min(most, os.cpu_count() or 1)


@contextmanager
def workers(parallel: bool, count: int) -> Iterator[Submit]:
    """A `submit(fn, *args)` returning a future: in `count` worker processes when `parallel` (the
    work is large enough to be worth starting them) and `count` is two or more, else here and now."""
    if not parallel or count < 2:
        yield run_here
        return
    # spawn, not fork: the run holds DuckDB's and Prefect's threads, which a fork would not carry over
    with ProcessPoolExecutor(
        max_workers=count, mp_context=get_context("spawn"), initializer=exit_with_parent, initargs=(os.getpid(),)
    ) as pool:
        yield pool.submit


def exit_with_parent(parent: int, every: float = 0.5) -> None:
    """Worker initializer: end this worker as soon as the run's process (`parent`) is gone. A run
    killed by its operator (kill, a scheduler's timeout) would otherwise leave its workers running,
    orphaned, until their work was done."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
