"""Scored pairs kept in DuckDB: every pair above the probability floor, with all the columns Splink
gives (the report's waterfall charts need them), held in a table of the run's own DuckDB database.
A stage pulls into pandas only the columns it uses: at a million records the whole table as a
pandas frame took about a GiB, and the clustering needs four of its sixty-odd columns."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from linkage.config import EngineConfig
from linkage.link.engine import bounded_duckdb

TABLE = "scored_pairs"
CORE = ("unique_id_l", "unique_id_r", "match_weight", "match_probability")
BATCH_ROWS = 200_000


class ScoredPairs:
    """Scored pairs in a DuckDB table, each with a `pair_id` (its position) that frames pulled from
    it carry as their index, so rows chosen in one frame can be fetched whole with `rows`.

    Safe to read from several threads at once: each read has a cursor of its own."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self._con = connection
        self._schema = self._read(f"SELECT * FROM {TABLE} LIMIT 0").to_arrow_table().schema
        self._columns = self._schema.names
        self._count = int(self._read(f"SELECT count(*) FROM {TABLE}").fetchall()[0][0])

    @classmethod
    def load(cls, source: Any, engine: EngineConfig | None = None) -> ScoredPairs:
        """Pairs from Arrow data: a table, a record batch reader (read batch by batch, never whole
        in memory) or anything else DuckDB scans (a pandas frame)."""
        con = bounded_duckdb(engine or EngineConfig())
        con.register("incoming", source)
        con.execute(f"CREATE TABLE {TABLE} AS SELECT * FROM incoming")
        con.unregister("incoming")
        return cls(con)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, engine: EngineConfig | None = None) -> ScoredPairs:
        """Pairs from a pandas frame (tests; a run's pairs.parquet is `read_parquet`'s)."""
        return cls.load(pa.Table.from_pandas(frame, preserve_index=False), engine)

    @classmethod
    def read_parquet(cls, path: Path, engine: EngineConfig | None = None) -> ScoredPairs:
        """Pairs from a run's pairs.parquet (read by DuckDB, not through pandas)."""
        con = bounded_duckdb(engine or EngineConfig())
        con.execute(f"CREATE TABLE {TABLE} AS SELECT * FROM read_parquet(?)", [str(path)])
        return cls(con)

    def __len__(self) -> int:
        return self._count

    def __reduce__(self) -> tuple:  # pickled (a worker process, a saved state) as its Arrow table
        return (ScoredPairs.load, (self.arrow(),))

    @property
    def columns(self) -> list[str]:
        """The table's columns, in Splink's order."""
        return list(self._columns)

    @property
    def schema(self) -> pa.Schema:
        """The table's Arrow schema."""
        return self._schema

    def __contains__(self, column: object) -> bool:
        return column in self._columns

    def frame(self, columns: Sequence[str] | None = None, where: str | None = None) -> pd.DataFrame:
        """The pairs (those meeting the SQL condition `where`, if given) with only `columns` (all
        when None), indexed by pair_id, in the table's order."""
        chosen = self._columns if columns is None else [c for c in columns if c in self._columns]
        listed = ", ".join(f'"{c}"' for c in chosen)
        sql = f"SELECT rowid AS pair_id{', ' if listed else ''}{listed} FROM {TABLE}"
        if where:
            sql += f" WHERE {where}"
        return self._frame(sql + " ORDER BY pair_id")

    def rows(self, pair_ids: Sequence[int] | pd.Index) -> pd.DataFrame:
        """Every column of the given pairs, indexed by pair_id, in the order asked for."""
        wanted = pa.table({"pair_id": pa.array(list(pair_ids), pa.int64())})
        cursor = self._con.cursor()
        try:
            cursor.register("wanted", wanted)
            found = self._frame(
                f"SELECT rowid AS pair_id, * FROM {TABLE} WHERE rowid IN (SELECT pair_id FROM wanted)", cursor
            )
        finally:
            cursor.close()
        return found.reindex(wanted["pair_id"].to_pylist())

    def arrow(self) -> pa.Table:
        """The whole table as Arrow (for pickling; prefer `batches`)."""
        return self._read(f"SELECT * FROM {TABLE}").to_arrow_table()

    def batches(self, rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
        """The whole table, `rows` at a time, in the table's order."""
        cursor = self._con.cursor()
        try:
            yield from cursor.sql(f"SELECT * FROM {TABLE}").to_arrow_reader(rows)
        finally:
            cursor.close()

    def _read(self, sql: str) -> duckdb.DuckDBPyRelation:
        return self._con.cursor().sql(sql)

    def _frame(self, sql: str, cursor: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
        table = (cursor or self._con.cursor()).sql(sql).to_arrow_table()
        frame = table.to_pandas()
        return frame.set_index("pair_id").rename_axis(None)
