"""The half-yearly flow with the linkage on Splink's Spark backend (local mode): the same children
as on DuckDB. Skipped where pyspark is not installed (the project's spark extra)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from linkage.config import DEFAULT_CONFIG_DIR
from tests.conftest import AS_OF

pytest.importorskip("pyspark")


def _children(members: pd.DataFrame) -> dict[str, frozenset[str]]:
    """Each record's child, as the set of records the register puts together."""
    groups = members.groupby("master_id")["unique_id"].agg(frozenset)
    return {uid: group for group in groups for uid in group}


@pytest.fixture(scope="module")
def spark_config(tmp_path_factory) -> Path:
    """The project's configuration, with Spark set for a small local run (one shuffle partition)."""
    folder = tmp_path_factory.mktemp("config") / "config"
    shutil.copytree(DEFAULT_CONFIG_DIR, folder)
    model = folder / "model.toml"
    text = model.read_text(encoding="utf-8")
    text = text.replace('spark_master = "local[*]"', 'spark_master = "local[2]"')
    text = text.replace("spark_shuffle_partitions = 8", "spark_shuffle_partitions = 1")
    model.write_text(text, encoding="utf-8")
    return folder


def test_spark_backend_run_finds_the_same_children_as_duckdb(run_dir, feeds_dir, spark_config, tmp_path):
    import json

    from flows.cli import main

    out = tmp_path / "spark_run"
    argv = ["--config", str(spark_config), "run", str(feeds_dir), "--as-of", AS_OF.isoformat(), "--out", str(out)]
    assert main([*argv, "--backend", "spark"]) == 0
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["model"]["backend"] == "spark"
    spark = _children(pd.read_parquet(out / "members.parquet"))
    duck = _children(pd.read_parquet(run_dir / "members.parquet"))
    assert spark.keys() == duck.keys()
    same = sum(spark[uid] == duck[uid] for uid in duck)
    assert same / len(duck) >= 0.999, f"{len(duck) - same} of {len(duck)} records with another child on Spark"
    assert len(list((out / "ledgers").glob("*.xlsx"))) == len(list((run_dir / "ledgers").glob("*.xlsx")))
