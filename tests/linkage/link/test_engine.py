"""The engine Splink runs on: DuckDB held to its memory limit, Spark chosen per run, one model
written for either dialect."""

from __future__ import annotations

import sys

import pytest

from linkage.config import EngineConfig, with_backend
from linkage.errors import ConfigError
from linkage.link import comparisons as C
from linkage.link.engine import check_backend, database_api


def test_duckdb_is_held_to_the_configured_memory_limit():
    api = database_api(EngineConfig(duckdb_memory_limit="1GB"))
    limit = api._execute_sql_against_backend("SELECT current_setting('memory_limit')").fetchall()[0][0]
    assert limit.replace(" ", "") in {"1GB", "953.6MiB", "1.0GiB", "953.6MB"}


def test_spark_without_pyspark_is_one_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyspark", None)  # as if not installed
    with pytest.raises(ConfigError, match=r"\[spark\]"):
        check_backend("spark")
    check_backend("duckdb")


def test_a_run_can_choose_its_backend(config):
    assert config.model.engine.backend == "duckdb"
    spark = with_backend(config, "spark")
    assert spark.model.engine.backend == "spark"
    assert spark.model.engine.duckdb_memory_limit == config.model.engine.duckdb_memory_limit
    assert with_backend(config, None) is config


def test_a_model_is_rewritten_for_the_other_dialect_and_back():
    settings = {"link_type": "link_and_dedupe", "comparisons": C.all_comparisons(C.DUCKDB)}
    for comparison in settings["comparisons"]:  # trained parameters stay as they are
        comparison["comparison_levels"][1]["m_probability"] = 0.9
    spark = C.in_dialect(settings, C.SPARK)
    sql = [level["sql_condition"] for c in spark["comparisons"] for level in c["comparison_levels"]]
    assert not any('"' in s for s in sql) and any("array_intersect" in s for s in sql)
    assert all(c["comparison_levels"][1]["m_probability"] == 0.9 for c in spark["comparisons"])
    back = C.in_dialect(spark, C.DUCKDB)
    assert back["comparisons"] == settings["comparisons"]
