"""Writing outputs: every file is written under a temporary name and then renamed, so that a
reader (or a rerun after a crash) never sees a half-written file."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


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


def write_duckdb(tables: dict[str, pd.DataFrame], path: Path) -> Path:
    """All tables into one DuckDB database file."""
    with replaced_when_done(path) as tmp:
        con = duckdb.connect(str(tmp))
        try:
            for name, frame in tables.items():
                arrow = to_arrow(frame)  # noqa: F841 - read by DuckDB's replacement scan
                con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM arrow')
        finally:
            con.close()
    return path
