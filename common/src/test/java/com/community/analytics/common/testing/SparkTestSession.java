package com.community.analytics.common.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.spark.SparkSessions;
import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;

/**
 * The one SparkSession of a test JVM: {@code local[2]}, UI off, two shuffle partitions, Delta
 * enabled through the same defaults the jobs use. Never stopped by tests; the JVM ends it.
 */
public final class SparkTestSession {
  private static SparkSession spark;
  private static final JavaDataFrameSuiteBase COMPARE = new JavaDataFrameSuiteBase();

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (spark == null) {
      SparkConf conf = new SparkConf()
          .setMaster("local[2]")
          .set("spark.ui.enabled", "false")
          .set("spark.sql.shuffle.partitions", "2")
          .set("spark.default.parallelism", "2")
          .set("spark.databricks.delta.snapshotPartitions", "2")
          // Delta's VACUUM lists files with this many tasks (default 10000).
          .set("spark.sql.sources.parallelPartitionDiscovery.parallelism", "2")
          .set("spark.sql.warehouse.dir", tempDir("spark-warehouse"));
      SparkSessions.applyDefaults(conf, "community-tests", null);
      spark = SparkSession.builder().config(conf).getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
    }
    return spark;
  }

  /**
   * Asserts two DataFrames hold the same rows in the same order, with spark-testing-base. Map
   * columns are compared as sorted key/value arrays (maps have no order of their own).
   */
  public static void assertDataFrameEquals(Dataset<Row> expected, Dataset<Row> actual) {
    COMPARE.assertDataFrameEquals(comparable(expected), comparable(actual),
        COMPARE.assertDataFrameEquals$default$3());
  }

  /**
   * As {@link #assertDataFrameEquals}, but numbers may differ by {@code tol}: for tables built
   * by different runs, where sums of doubles may add up in another order.
   */
  public static void assertDataFrameApproximateEquals(Dataset<Row> expected, Dataset<Row> actual,
      double tol) {
    COMPARE.assertDataFrameApproximateEquals(comparable(expected), comparable(actual), tol);
  }

  /**
   * Asserts two DataFrames hold the same rows, as multisets (order ignored), with the same
   * columns; map columns are compared as sorted key/value arrays.
   */
  public static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual, String what) {
    assertEquals(List.of(expected.columns()),
        List.of(actual.columns()), what + ": columns");
    Dataset<Row> e = comparable(expected).cache();
    Dataset<Row> a = comparable(actual).cache();
    try {
      List<Row> missing = e.exceptAll(a).limit(5).collectAsList();
      List<Row> extra = a.exceptAll(e).limit(5).collectAsList();
      assertTrue(missing.isEmpty() && extra.isEmpty(),
          what + ": rows missing " + missing + ", rows not expected " + extra);
    } finally {
      e.unpersist();
      a.unpersist();
    }
  }

  private static Dataset<Row> comparable(Dataset<Row> df) {
    List<Column> cols = new ArrayList<>();
    for (StructField f : df.schema().fields()) {
      Column c = functions.col(f.name());
      cols.add(f.dataType() instanceof MapType
          ? functions.array_sort(functions.map_entries(c)).as(f.name()) : c);
    }
    return df.select(cols.toArray(new Column[0]));
  }

  private static String tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix).toString();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
