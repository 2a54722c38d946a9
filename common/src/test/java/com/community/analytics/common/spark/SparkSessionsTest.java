package com.community.analytics.common.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The application defaults every session gets, and that a launcher's settings win over them. */
class SparkSessionsTest {
  private static final String SNAPSHOT_PARTITIONS = "spark.databricks.delta.snapshotPartitions";

  @Test
  void defaultsSizeDeltaSnapshotsForTheseTablesUnlessTheLauncherSetsThem() {
    SparkConf submitted = new SparkConf(false);
    SparkSessions.applyDefaults(submitted, "community-test", null);
    assertEquals("8", submitted.get(SNAPSHOT_PARTITIONS, "Delta's default"),
        "spark-submit without the setting: not Delta's 50 tasks per snapshot");
    assertEquals("true", submitted.get("spark.databricks.delta.optimizeWrite.enabled"));
    assertEquals("UTC", submitted.get("spark.sql.session.timeZone"));
    assertEquals("false", submitted.get("spark.sql.inMemoryColumnarStorage.compressed"),
        "cached Datasets stored plain: read back once or twice, compressing cost more");
    assertEquals("2000", submitted.get("spark.sql.codegen.cache.maxEntries"),
        "compiled plan code kept for a night's jobs, not Spark's 100");
    assertEquals("false", submitted.get("spark.hadoop.parquet.enable.dictionary#event_id"));

    SparkConf launched = new SparkConf(false).set(SNAPSHOT_PARTITIONS, "2")
        .set("spark.app.name", "given");
    SparkSessions.applyDefaults(launched, "community-test", null);
    assertEquals("2", launched.get(SNAPSHOT_PARTITIONS));
    assertEquals("given", launched.get("spark.app.name"));
  }
}
