"""What a run writes: the register tables as Parquet and as one DuckDB database."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from linkage.link.model import model_json
from linkage.publish.masking import masked
from linkage.publish.outputs import write_duckdb, write_parquet, write_text
from linkage.register.assemble import Register
from linkage.standardise.checked import CheckedFeeds


def output_tables(checked: CheckedFeeds, register: Register) -> dict[str, pd.DataFrame]:
    """The named tables of a run; the scored pairs, which analysts browse, with IDs and phones masked."""
    return {
        "register": register.register,
        "members": register.members,
        "quarantine": checked.quarantine,
        "field_issues": checked.issues,
        "pairs": masked(register.pairs),
        "reconciliation": checked.reconciliation,
        "possible_same": register.possible_same,
        "decisions": register.decisions,
        "id_history": register.id_history,
    }


def write_run_outputs(out: Path, checked: CheckedFeeds, register: Register, model_version: str) -> dict[str, Path]:
    """Write every table to `out` (Parquet, plus register.duckdb) and the model used (model.json)."""
    tables = output_tables(checked, register)
    written = {name: write_parquet(frame, out / f"{name}.parquet") for name, frame in tables.items()}
    written["duckdb"] = write_duckdb(dict(written), out / "register.duckdb")
    written["model"] = write_text(model_json(register.settings, model_version), out / "model.json")
    return written
