"""The run manifest: what went in (files, hashes, rows), rows at every stage, the model and the
software used, and how long each stage took. Holds no personal data."""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import importlib.metadata
import json
import platform
import socket
from pathlib import Path

import pandas as pd

from linkage.privacy import mask_text
from linkage.publish.outputs import write_text
from linkage.register.assemble import Register
from linkage.standardise.checked import CheckedFeeds

PACKAGES = (
    "childreg",
    "pandas",
    "pyarrow",
    "duckdb",
    "splink",
    "prefect",
    "great-expectations",
    "xlsxwriter",
    "python-calamine",
    "pypinyin",
    "opencc-python-reimplemented",
)


def sha256_of(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def package_versions() -> dict[str, str]:
    """Installed versions of the packages a run depends on, and Python's."""
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def stage_rows(checked: CheckedFeeds, register: Register, ledger_counts: pd.DataFrame) -> dict:
    """Row counts from input to ledgers, with the per-feed reconciliation."""
    reg = register.register
    return {
        "feeds": checked.reconciliation.to_dict("records"),
        "rows_read": int(checked.reconciliation["rows_read"].sum()),
        "rows_quarantined": int(len(checked.quarantine)),
        "records_linked": int(len(register.records)),
        "pairs_scored": int(len(register.pairs)),
        "children": int(len(reg)),
        "children_by_status": {k: int(v) for k, v in reg["status"].value_counts().items()},
        "migrant_children": int(reg["is_migrant"].sum()),
        "decisions": {k: int(v) for k, v in register.decisions["status"].value_counts().items()},
        "master_ids": {k: int(v) for k, v in register.id_history["event"].value_counts().items()},
        # For engineers: why children could not be decided (a zone township whose legal county is
        # not in config/divisions.toml [zone_townships], say); staff see them on 待核实儿童.
        "undecided_by_reason": {
            k: int(v) for k, v in reg.loc[reg["status"] == "undecided", "status_reason"].value_counts().items()
        },
        "ledgers": ledger_counts.to_dict("records"),
        "every_row_accounted_for": bool(checked.reconciliation["balanced"].all())
        and int(register.members["unique_id"].nunique()) == int(len(checked.standardised)),
    }


def build_manifest(
    *,
    period: str,
    as_of: dt.date,
    checked: CheckedFeeds,
    register: Register,
    ledger_counts: pd.DataFrame,
    model: dict,
    outputs: dict[str, Path],
    timings: dict[str, float],
    started: dt.datetime,
    folder: Path,
) -> dict:
    """The manifest as a JSON-ready dict. Output files are named relative to the run's `folder`,
    so that the manifest stays true wherever the folder is moved."""
    return {
        "period": period,
        "reference_date": as_of.isoformat(),
        "run_by": {"user": getpass.getuser(), "host": socket.gethostname()},
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "inputs": [
            {
                "feed": raw.feed,
                "file": str(raw.path),
                "sha256": sha256_of(raw.path),
                "bytes": raw.path.stat().st_size,
                "rows": raw.rows_read,
                # a header found below a title, read past its marks, or a column not found
                "mapping_notes": [mask_text(note) for note in raw.problems],
            }
            for raw in checked.raw
        ],
        "rows": stage_rows(checked, register, ledger_counts),
        "model": model,
        "packages": package_versions(),
        "timings_seconds": {k: round(v, 2) for k, v in timings.items()},
        "outputs": {
            name: {"file": Path(path).relative_to(folder).as_posix(), "sha256": sha256_of(path)}
            for name, path in sorted(outputs.items())
        },
    }


def write_manifest(manifest: dict, path: Path) -> Path:
    """Write the manifest as indented JSON."""
    return write_text(json.dumps(manifest, ensure_ascii=False, indent=2), path)
