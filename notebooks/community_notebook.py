"""What every analyst notebook shares: a local Spark session with Delta, the curated tables
registered by name from the warehouse folder, and a helper that names each figure it shows."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib.pyplot as plt
from delta import configure_spark_with_delta_pip
from pyspark.sql import SparkSession

STATUS_COLOURS = {"green": "#2e7d32", "yellow": "#f9a825", "red": "#c62828",
                  "no_data": "#9e9e9e", "none": "#9e9e9e"}


def warehouse() -> str:
    """The warehouse root: $COMMUNITY_WAREHOUSE, else the demo's data/warehouse."""
    default = Path(__file__).resolve().parent.parent / "data" / "warehouse"
    return os.environ.get("COMMUNITY_WAREHOUSE", str(default))


def session(root: str | None = None) -> SparkSession:
    """A local[2] session with Delta whose catalog knows every table under the warehouse."""
    builder = (SparkSession.builder.master("local[2]").appName("community-notebook")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "4")
               # 4 tasks per table snapshot, not Delta's 50: these logs hold a few thousand files.
               .config("spark.databricks.delta.snapshotPartitions", "4")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
               .config("spark.sql.catalog.spark_catalog",
                       "org.apache.spark.sql.delta.catalog.DeltaCatalog"))
    spark = configure_spark_with_delta_pip(builder).getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    register(spark, root or warehouse())
    return spark


def register(spark: SparkSession, root: str) -> list[str]:
    """Registers <root>/<database>/<table> Delta folders as database.table; returns the names."""
    names = []
    for db in sorted(p for p in Path(root).iterdir() if p.is_dir()):
        for table in sorted(p for p in db.iterdir() if (p / "_delta_log").is_dir()):
            spark.sql(f"CREATE DATABASE IF NOT EXISTS {db.name}")
            spark.sql(f"CREATE TABLE IF NOT EXISTS {db.name}.{table.name} USING delta "
                      f"LOCATION '{table}'")
            names.append(f"{db.name}.{table.name}")
    if not names:
        raise FileNotFoundError(f"no Delta tables under {root}: run the demo or the pipeline")
    return names


def show(name: str, fig=None) -> None:
    """Shows the current figure and names it, so a reader (and the tests) can find it."""
    print(f"figure: {name}")
    (fig or plt.gcf()).tight_layout()
    plt.show()
