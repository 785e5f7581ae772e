"""Giving memory back to the system between stages.

A stage's temporaries are freed when it ends, but the allocators keep the pages for reuse:
glibc's malloc (pandas, Python objects) and Arrow's pool. The next stages, and the worker
processes the outputs start, then count on top of them. At a million records this was about
0.6 GiB held for nothing while the outputs were written."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import signal
import threading
from functools import cache
from types import FrameType

import pyarrow as pa


@cache
def _malloc_trim():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to call
        return None


_STOPS = (signal.SIGINT, signal.SIGTERM)


def collect_garbage() -> None:
    """A full garbage collection that loses no Ctrl-C or SIGTERM. A signal's exception raised
    while the collection runs some object's `__del__` is reported and dropped by Python: the run
    would go on as if never stopped. In the main thread, a signal that comes during the
    collection is held, and handed to the handler it was for once the collection is over."""
    if threading.current_thread() is not threading.main_thread():
        gc.collect()  # signals are handled in the main thread only
        return
    held: list[tuple[int, FrameType | None]] = []
    previous = {s: signal.signal(s, lambda signum, frame: held.append((signum, frame))) for s in _STOPS}
    try:
        gc.collect()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    for signum, frame in held[:1]:
        handler = previous[signal.Signals(signum)]
        if callable(handler):
            handler(signum, frame)
        elif handler == signal.SIG_DFL:
            signal.raise_signal(signum)


def give_back_memory() -> None:
    """Collect unreachable objects, then hand the free pages of Arrow's pool and of malloc back
    to the system (where the platform allows)."""
    collect_garbage()
    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
