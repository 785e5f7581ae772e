"""The SQL engine Splink runs on: DuckDB on one machine, or Spark through Splink's Spark backend
when one machine is not enough. The same model, comparisons and blocking run on either."""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb
from splink import DuckDBAPI

from linkage.config import EngineConfig
from linkage.errors import ConfigError
from linkage.link.comparisons import DIALECTS, Dialect

log = logging.getLogger(__name__)


def dialect(engine: EngineConfig) -> Dialect:
    """The SQL dialect of the engine's backend."""
    return DIALECTS[engine.backend]


def database_api(engine: EngineConfig):
    """A fresh Splink database API on the configured backend."""
    if engine.backend == "spark":
        from splink.backends.spark import SparkAPI

        return SparkAPI(
            spark_session=spark_session(engine), num_partitions_on_repartition=engine.spark_shuffle_partitions
        )
    return DuckDBAPI(connection=bounded_duckdb(engine))


def bounded_duckdb(engine: EngineConfig) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB database with a bound on its memory: past it, joins, sorts and
    tables spill to a temporary folder instead of growing the process (a million records'
    prediction otherwise takes several GiB)."""
    connection = duckdb.connect()
    connection.execute(f"SET memory_limit = '{engine.duckdb_memory_limit}'")
    connection.execute(f"SET temp_directory = '{Path(tempfile.gettempdir()) / 'childreg-duckdb'}'")
    return connection


def check_backend(backend: str) -> None:
    """Raise ConfigError, saying what to install, when `backend` cannot run here."""
    if backend != "spark":
        return
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise ConfigError(_NO_PYSPARK) from None
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise ConfigError("--backend spark needs Java (17): install it, or set JAVA_HOME")


_NO_PYSPARK = (
    "--backend spark needs pyspark: install the project with its spark extra "
    "(pip install -e '.[spark]'), or run with --backend duckdb"
)


def spark_session(engine: EngineConfig):
    """The active Spark session (spark-submit's), or a new one on `engine.spark_master`, with
    Splink's similarity functions (jaro_winkler) from the jar Splink ships."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ConfigError(_NO_PYSPARK) from None
    from splink.backends.spark import similarity_jar_location
    from splink.internals.spark.jar_location import get_scala_udfs

    active = SparkSession.getActiveSession()
    if active is not None:
        return active
    # Spark's Python workers must be this Python, not whichever `python3` is first on PATH.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master(engine.spark_master)
        .appName("childreg")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", engine.spark_driver_memory)
        .config("spark.sql.shuffle.partitions", str(engine.spark_shuffle_partitions))
        .config("spark.default.parallelism", str(engine.spark_shuffle_partitions))
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    for udf in get_scala_udfs():  # SparkAPI registers them too; a bare session needs them here
        session.udf.registerJavaFunction(*udf)
    checkpoints = engine.spark_checkpoint_dir or tempfile.mkdtemp(prefix="childreg-spark-")
    session.sparkContext.setCheckpointDir(checkpoints)
    log.info("Spark session on %s, checkpoints in %s", engine.spark_master, checkpoints)
    return session
