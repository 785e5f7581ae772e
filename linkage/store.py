"""The register store: one DuckDB file that remembers across half-years what each run was and
the decisions people made about records (these two records are, or are not, one child).

Tables (one row per ...):
- `runs`: run (run_id, period, reference date, when, who, model version, input hashes, counts);
- `run_members`: record of a run (run_id, unique_id, master_id), so that any earlier run's
  register membership can be read back and master IDs carried from it;
- `run_register`: child of a run: the whole register as it was written (read back with
  `read_register`); `id_history`: master IDs created, merged and split by each run;
- `decisions`: decision (decision_id, verdict same|different, left and right record references
  as FEED:KEY, who, when, why, where it came from). Decisions are never dropped.

A run is written in one transaction after its outputs are in place: a run that fails part-way
leaves the store as it was.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd

from linkage.errors import ConfigError
from linkage.publish.outputs import to_arrow

STORE_FILE = "register.duckdb"  # beside the run folders: runs/register.duckdb
VERDICTS = ("same", "different")
DECISION_COLUMNS = ["decision_id", "verdict", "left_ref", "right_ref", "decided_by", "decided_at", "reason", "source"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id VARCHAR PRIMARY KEY, period VARCHAR, reference_date DATE, started VARCHAR, finished VARCHAR,
    run_by VARCHAR, model_version VARCHAR, inputs JSON, counts JSON, out_dir VARCHAR
);
CREATE TABLE IF NOT EXISTS run_members (run_id VARCHAR, unique_id VARCHAR, master_id VARCHAR);
CREATE TABLE IF NOT EXISTS id_history (run_id VARCHAR, event VARCHAR, master_id VARCHAR, other_id VARCHAR);
CREATE TABLE IF NOT EXISTS run_register (run_id VARCHAR, master_id VARCHAR);
CREATE TABLE IF NOT EXISTS decisions (
    decision_id INTEGER PRIMARY KEY, verdict VARCHAR, left_ref VARCHAR, right_ref VARCHAR,
    decided_by VARCHAR, decided_at VARCHAR, reason VARCHAR, source VARCHAR
);
"""


def _connect(path: Path) -> duckdb.DuckDBPyConnection:
    path = Path(path)
    if path.exists() and not path.is_file():
        raise ConfigError(f"{path}: --store must name a DuckDB file, not a folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error as exc:
        raise ConfigError(f"{path}: not a register store ({exc})") from None
    con.execute(_SCHEMA)
    return con


def _check_ref(ref: str) -> str:
    feed, _, key = ref.partition(":")
    if feed not in ("police", "education", "health", "vaccination") or not key:
        raise ConfigError(f"{ref!r}: a record is named FEED:KEY, e.g. police:GA0000001234 (as in members.parquet)")
    return ref


def record_decision(path: Path, verdict: str, left: str, right: str, by: str, reason: str, source: str = "cli") -> int:
    """Store that records `left` and `right` are (`same`) or are not (`different`) one child.
    Returns the decision's number."""
    if verdict not in VERDICTS:
        raise ConfigError(f"{verdict!r}: a decision is 'same' or 'different'")
    left, right = _check_ref(left), _check_ref(right)
    if left == right:
        raise ConfigError(f"{left}: a decision names two different records")
    if not by.strip():
        raise ConfigError("--by: say who decided")
    con = _connect(path)
    try:
        number = con.execute("SELECT coalesce(max(decision_id), 0) + 1 FROM decisions").fetchall()[0][0]
        con.execute(
            "INSERT INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                number,
                verdict,
                left,
                right,
                by.strip(),
                dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                reason.strip(),
                source,
            ],
        )
    finally:
        con.close()
    return int(number)


def read_decisions(path: Path | None) -> pd.DataFrame:
    """Every decision ever recorded, oldest first (none without a store)."""
    if path is None or not Path(path).exists():
        return pd.DataFrame(columns=DECISION_COLUMNS)
    con = _connect(path)
    try:
        return con.execute("SELECT * FROM decisions ORDER BY decision_id").df()
    finally:
        con.close()


def latest_run(path: Path | None, before_period: str) -> str | None:
    """The store's latest run of a period before `before_period`, or None."""
    if path is None or not Path(path).exists():
        return None
    con = _connect(path)
    try:
        found = con.execute(
            "SELECT run_id FROM runs WHERE period < ? ORDER BY period DESC, finished DESC LIMIT 1", [before_period]
        ).fetchall()
    finally:
        con.close()
    return found[0][0] if found else None


def latest_register(path: Path | None, before_period: str) -> pd.DataFrame | None:
    """The register of the store's latest run before `before_period`, or None."""
    run = latest_run(path, before_period)
    return read_register(Path(path), run) if path is not None and run else None


def latest_members(path: Path | None, before_period: str) -> pd.DataFrame | None:
    """The members (unique_id, master_id) of the store's latest run before `before_period`, or None."""
    run = latest_run(path, before_period)
    if path is None or run is None:
        return None
    con = _connect(path)
    try:
        return con.execute("SELECT unique_id, master_id FROM run_members WHERE run_id = ?", [run]).df()
    finally:
        con.close()


def run_id(manifest: dict) -> str:
    """A run's name in the store: its period and when it started."""
    return f"{manifest['period']}-{manifest['started']}"


def _insert_register(con: duckdb.DuckDBPyConnection, register: pd.DataFrame) -> None:
    """The whole register of a run, by column name: a column a later version adds is added."""
    con.register("new_register", to_arrow(register))
    have = {row[0] for row in con.execute("DESCRIBE run_register").fetchall()}
    for column, kind, *_ in con.execute("DESCRIBE new_register").fetchall():
        if column not in have:
            con.execute(f'ALTER TABLE run_register ADD COLUMN "{column}" {kind}')
    con.execute("INSERT INTO run_register BY NAME SELECT * FROM new_register")


def read_register(path: Path, run: str) -> pd.DataFrame:
    """The register of any earlier run (one row per child), as it was written."""
    con = _connect(path)
    try:
        frame = con.execute("SELECT * FROM run_register WHERE run_id = ?", [run]).df()
    finally:
        con.close()
    return frame.drop(columns=["run_id"]).dropna(axis=1, how="all")


def issued_ids(path: Path | None, before_period: str) -> frozenset[str]:
    """Every master ID the store's runs of earlier periods gave: none is given to another child
    again. (A rerun of a period replaces that period's run, so its IDs are not counted.)"""
    if path is None or not Path(path).exists():
        return frozenset()
    con = _connect(path)
    try:
        rows = con.execute(
            "SELECT DISTINCT m.master_id FROM run_members m JOIN runs r USING (run_id) WHERE r.period < ?",
            [before_period],
        ).fetchall()
        return frozenset(row[0] for row in rows)
    finally:
        con.close()


def record_run(
    path: Path,
    manifest: dict,
    members: pd.DataFrame,
    out_dir: Path,
    history: pd.DataFrame | None = None,
    register: pd.DataFrame | None = None,
) -> str:
    """Store a finished run: what it was, which master ID each record had, and what happened to
    master IDs (created, merged, split). One transaction."""
    name = run_id(manifest)
    con = _connect(path)
    try:
        con.execute("BEGIN")
        con.execute(
            "INSERT OR REPLACE INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                name,
                manifest["period"],
                manifest["reference_date"],
                manifest["started"],
                manifest["finished"],
                json.dumps(manifest.get("run_by", {}), ensure_ascii=False),
                manifest["model"]["version"],
                json.dumps(manifest["inputs"], ensure_ascii=False),
                json.dumps(manifest["rows"], ensure_ascii=False),
                str(out_dir),
            ],
        )
        con.execute("DELETE FROM run_members WHERE run_id = ?", [name])
        rows = members[["unique_id", "master_id"]].assign(run_id=name)[["run_id", "unique_id", "master_id"]]
        con.register("new_members", to_arrow(rows))
        con.execute("INSERT INTO run_members SELECT * FROM new_members")
        con.execute("DELETE FROM run_register WHERE run_id = ?", [name])
        con.execute("DELETE FROM id_history WHERE run_id = ?", [name])
        if register is not None and len(register):
            _insert_register(con, register.assign(run_id=name))
        if history is not None and len(history):
            con.register(
                "new_history", to_arrow(history.assign(run_id=name)[["run_id", "event", "master_id", "other_id"]])
            )
            con.execute("INSERT INTO id_history SELECT * FROM new_history")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    finally:
        con.close()
    return name
