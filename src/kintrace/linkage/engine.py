"""Which database Splink runs on: in-process DuckDB (default) or Spark (same model, a cluster).

Nothing is opened at import time; `open_engine` builds the connection for one run and
`Engine.close` releases it.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

EngineName = Literal["duckdb", "spark"]
ENGINES: tuple[str, ...] = ("duckdb", "spark")


class EngineError(RuntimeError):
    """The engine could not start (a missing extra, no Java ...)."""


@dataclass
class EngineConfig:
    """How to run Splink.

    `memory_limit` and `temp_dir` bound DuckDB's memory: at a million records the candidate pairs,
    not the time, are the wall. `spark_master` is `local[2]` by default; point it at a cluster
    (`spark://host:7077`, `yarn`) with `KINTRACE_SPARK_MASTER`.
    """

    name: EngineName = "duckdb"
    memory_limit: str | None = None
    temp_dir: Path | None = None
    threads: int | None = None
    spark_master: str = field(
        default_factory=lambda: os.environ.get("KINTRACE_SPARK_MASTER", "local[2]")
    )
    spark_conf: dict[str, str] = field(default_factory=dict)


@dataclass
class Engine:
    """An open engine: the Splink database API and whatever must be closed after the run."""

    name: EngineName
    db_api: Any
    _closers: list[Any] = field(default_factory=list)

    def close(self) -> None:
        for closer in reversed(self._closers):
            with contextlib.suppress(Exception):  # closing is best effort
                closer()
        self._closers.clear()


def open_engine(config: EngineConfig) -> Engine:
    if config.name == "duckdb":
        return _open_duckdb(config)
    if config.name == "spark":
        return _open_spark(config)
    raise EngineError(f"unknown engine {config.name!r}; expected one of {', '.join(ENGINES)}")


def _open_duckdb(config: EngineConfig) -> Engine:
    import duckdb
    from splink import DuckDBAPI

    con = duckdb.connect(":memory:")
    if config.memory_limit:
        con.execute(f"SET memory_limit = '{config.memory_limit}'")
    if config.temp_dir:
        config.temp_dir.mkdir(parents=True, exist_ok=True)
        con.execute(f"SET temp_directory = '{config.temp_dir.as_posix()}'")
    if config.threads:
        con.execute(f"SET threads = {int(config.threads)}")
    con.execute("SET preserve_insertion_order = false")
    db_api = DuckDBAPI(connection=con)
    return Engine(name="duckdb", db_api=db_api, _closers=[con.close])


def _open_spark(config: EngineConfig) -> Engine:
    try:
        from pyspark.sql import SparkSession
        from splink import SparkAPI
        from splink.backends.spark import similarity_jar_location
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise EngineError(
            "the Spark engine needs pyspark; install the extra: pip install 'kintrace[spark]'"
        ) from exc
    builder = (
        SparkSession.builder.master(config.spark_master)
        .appName("kintrace-link")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.driver.memory", "2g")
        # Splink's string-similarity UDFs (jaro_winkler ...), shipped inside the splink wheel.
        .config("spark.jars", similarity_jar_location())
    )
    if config.temp_dir:
        config.temp_dir.mkdir(parents=True, exist_ok=True)
        builder = builder.config("spark.local.dir", str(config.temp_dir))
    for key, value in config.spark_conf.items():
        builder = builder.config(key, value)
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # pragma: no cover - environment problem
        raise EngineError(
            f"Spark did not start ({type(exc).__name__}); is Java 17 installed?"
        ) from exc
    spark.sparkContext.setLogLevel("ERROR")
    checkpoint = (config.temp_dir or Path("/tmp")) / "kintrace-spark-checkpoints"
    spark.sparkContext.setCheckpointDir(str(checkpoint))
    db_api = SparkAPI(spark_session=spark, break_lineage_method="parquet")
    return Engine(name="spark", db_api=db_api, _closers=[])
