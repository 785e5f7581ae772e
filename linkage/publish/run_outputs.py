"""What a run writes: the register tables as Parquet and as one DuckDB database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa

from linkage.link.model import model_json
from linkage.link.scored_pairs import BATCH_ROWS, ScoredPairs
from linkage.publish.masking import masked
from linkage.publish.outputs import write_duckdb, write_parquet, write_parquet_batches, write_text
from linkage.register.assemble import Register
from linkage.standardise.checked import CheckedFeeds


def output_tables(checked: CheckedFeeds, register: Register) -> dict[str, pd.DataFrame]:
    """The named tables of a run, but the scored pairs (see `write_masked_pairs`)."""
    return {
        "register": register.register,
        "members": register.members,
        "quarantine": checked.quarantine,
        "field_issues": checked.issues,
        "reconciliation": checked.reconciliation,
        "possible_same": register.possible_same,
        "decisions": register.decisions,
        "id_history": register.id_history,
    }


def write_masked_pairs(pairs: ScoredPairs, path: Path, batch_rows: int = BATCH_ROWS) -> Path:
    """The scored pairs, which analysts browse, with IDs and phones masked, as Parquet: a batch
    of pairs at a time out of DuckDB, masked and written."""
    schema = pairs.schema

    def masked_batches() -> Iterator[pa.RecordBatch]:
        for batch in pairs.batches(batch_rows):
            yield from pa.Table.from_pandas(masked(batch.to_pandas()), schema=schema, preserve_index=False).to_batches()

    return write_parquet_batches(masked_batches(), schema, path)


def write_run_outputs(out: Path, checked: CheckedFeeds, register: Register, model_version: str) -> dict[str, Path]:
    """Write every table to `out` (Parquet, plus register.duckdb) and the model used (model.json)."""
    tables = output_tables(checked, register)
    written = {name: write_parquet(frame, out / f"{name}.parquet") for name, frame in tables.items()}
    written["pairs"] = write_masked_pairs(register.pairs, out / "pairs.parquet")
    written["duckdb"] = write_duckdb(dict(written), out / "register.duckdb")
    written["model"] = write_text(model_json(register.settings, model_version), out / "model.json")
    return written
