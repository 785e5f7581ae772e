"""Writing outputs: every file is written under a temporary name and then renamed, and a whole
run is built in a staging folder that replaces the output folder in one step, so that a reader
(or a rerun after a crash) never sees a half-written file or a mix of two runs."""

from __future__ import annotations

import ctypes
import fcntl
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from linkage.errors import OutputBusy


@contextmanager
def replaced_when_done(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it replaces `path`, on failure it is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_text(text: str, path: Path) -> Path:
    """Write UTF-8 text atomically."""
    with replaced_when_done(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    """A frame as Arrow with dates kept as dates and text as text."""
    return pa.Table.from_pandas(frame, preserve_index=False)


def write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    """Write a frame as Parquet, atomically."""
    with replaced_when_done(path) as tmp:
        pq.write_table(to_arrow(frame), tmp)
    return path


def write_parquet_batches(batches: Iterable[pa.RecordBatch], schema: pa.Schema, path: Path) -> Path:
    """Write record batches, each cast to `schema`, as one Parquet file, atomically: a large
    table goes to disk a batch at a time, never whole in memory."""
    with replaced_when_done(path) as tmp, pq.ParquetWriter(tmp, schema) as writer:
        for batch in batches:
            writer.write_batch(batch.cast(schema) if batch.schema != schema else batch)
    return path


def write_duckdb(tables: dict[str, Path], path: Path) -> Path:
    """The named Parquet files as tables of one DuckDB database file (DuckDB reads them itself:
    no second copy of the tables in Python)."""
    with replaced_when_done(path) as tmp:
        con = duckdb.connect(str(tmp))
        try:
            for name, parquet in tables.items():
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM read_parquet(?)', [str(parquet)])
        finally:
            con.close()
    return path


_RENAME_EXCHANGE = 2  # renameat2 flag (Linux 3.15+): swap two paths in one step


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically where the kernel and file system can; False where they cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return done == 0


def _stale_staging(out: Path) -> list[Path]:
    return sorted(out.parent.glob(f".{out.name}.staging-*"))


@dataclass
class StagedFolder:
    """A run's staging folder and, once it took the output folder's place, whether it replaced
    an earlier run's results there."""

    path: Path
    out: Path
    replaced_earlier: bool = False


@contextmanager
def staged_folder(out: Path) -> Iterator[StagedFolder]:
    """Yield an empty staging folder beside `out`. When the block succeeds the staging folder
    takes `out`'s place in one step (no moment shows a mix of two runs) and the earlier
    contents are deleted; when it fails, `out` is left as it was and the staging folder is
    removed. Staging folders left by a killed run are removed first."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    for stale in _stale_staging(out):
        shutil.rmtree(stale, ignore_errors=True)
    staging = StagedFolder(out.parent / f".{out.name}.staging-{os.getpid()}", out)
    staging.path.mkdir()
    try:
        yield staging
        staging.replaced_earlier = out.exists() and any(out.iterdir())
        if not out.exists():
            os.replace(staging.path, out)
        elif not _exchange(staging.path, out):  # after an exchange the earlier results sit at the staging path
            old = out.parent / f".{out.name}.staging-{os.getpid()}-old"
            os.replace(out, old)
            os.replace(staging.path, out)
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging.path, ignore_errors=True)


def _lock_file(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


@contextmanager
def output_lock(out: Path, holder: str) -> Iterator[None]:
    """Hold the lock of the output folder `out` for the block (a file beside it, locked with
    flock, so a killed run releases it). A second run into the same folder raises OutputBusy
    naming the run that holds it (`holder`: who, where, since when)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(_lock_file(out), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            held_by = os.pread(fd, 400, 0).decode("utf-8", errors="replace").strip() or "another run"
            raise OutputBusy(
                f"{out}: another run is writing this folder ({held_by}); wait for it to finish or stop it"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, holder.encode("utf-8"), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def check_output_free(out: Path) -> None:
    """Raise OutputBusy now if another run holds `out`, before this one starts any work."""
    if Path(out).parent.exists():
        with output_lock(out, "a check"):
            pass


@contextmanager
def owner_only_files() -> Iterator[None]:
    """Files and folders created in the block are readable by their owner only (children's
    data): the process's umask is 077 for the block."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)
