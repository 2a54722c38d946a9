package com.community.analytics.jobs.production;

import static com.community.analytics.common.testing.SparkTestSession.assertDataFrameApproximateEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;

/** Compares two warehouses table by table, wherever they live (local folders, s3a). */
final class Warehouses {
  /**
   * Columns that differ between two correct runs: where a row was read from or a model saved,
   * and when it was trained or promoted.
   */
  static final Set<String> RUN_SPECIFIC_COLUMNS = Set.of("source_file", "path", "trained_at",
      "promoted_at");

  private Warehouses() {}

  /** The Delta tables under a warehouse root, as {@code database/table}, sorted. */
  static List<String> tables(SparkSession spark, String root) {
    Path base = new Path(root);
    try {
      FileSystem fs = base.getFileSystem(spark.sparkContext().hadoopConfiguration());
      List<String> tables = new ArrayList<>();
      for (FileStatus db : fs.listStatus(base)) {
        if (db.isDirectory()) {
          for (FileStatus t : fs.listStatus(db.getPath())) {
            if (fs.exists(new Path(t.getPath(), "_delta_log"))) {
              tables.add(db.getPath().getName() + "/" + t.getPath().getName());
            }
          }
        }
      }
      tables.sort(null);
      return tables;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Dataset<Row> read(SparkSession spark, String root, String table) {
    return spark.read().format("delta").load(root + "/" + table);
  }

  /**
   * Asserts both warehouses hold the same tables with the same rows (numbers within 1e-6),
   * leaving out {@link #RUN_SPECIFIC_COLUMNS} and the tables in {@code skip}.
   */
  static void assertSameTables(SparkSession spark, String expectedRoot, String actualRoot,
      Set<String> skip) {
    List<String> expected = tables(spark, expectedRoot).stream().filter(t -> !skip.contains(t))
        .toList();
    assertEquals(expected, tables(spark, actualRoot).stream().filter(t -> !skip.contains(t))
        .toList(), "the same tables");
    for (String table : expected) {
      Dataset<Row> want = sorted(read(spark, expectedRoot, table));
      Dataset<Row> got = sorted(read(spark, actualRoot, table));
      assertEquals(want.count(), got.count(), table + " row count");
      try {
        assertDataFrameApproximateEquals(want, got, 1e-6);
      } catch (AssertionError e) {
        throw new AssertionError(table + " differs: " + e.getMessage(), e);
      }
    }
  }

  /** Without run-specific columns, in one order: every column that can be sorted on. */
  private static Dataset<Row> sorted(Dataset<Row> df) {
    Dataset<Row> kept = df.drop(RUN_SPECIFIC_COLUMNS.toArray(new String[0]));
    Column[] order = Arrays.stream(kept.schema().fields())
        .filter(f -> !(f.dataType() instanceof MapType)).map(StructField::name)
        .map(functions::col).toArray(Column[]::new);
    return kept.orderBy(order);
  }
}
