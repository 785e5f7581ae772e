"""Writing tables: Parquet and DuckDB, each written under a temporary name and then renamed."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


def to_arrow(frame: pd.DataFrame) -> pa.Table:
    """A frame as Arrow with dates kept as dates and text as text."""
    return pa.Table.from_pandas(frame, preserve_index=False)


def write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    """Write atomically: a reader never sees a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(to_arrow(frame), tmp)
    os.replace(tmp, path)
    return path


def write_duckdb(tables: dict[str, pd.DataFrame], path: Path) -> Path:
    """All tables into one DuckDB database file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        for name, frame in tables.items():
            arrow = to_arrow(frame)  # noqa: F841 - read by DuckDB's replacement scan
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM arrow')
    finally:
        con.close()
    os.replace(tmp, path)
    return path
