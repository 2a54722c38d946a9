package com.community.analytics.common.catalog;

import static com.community.analytics.common.catalog.TableSpec.column;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.config.CommonKeys;
import com.community.analytics.common.config.ConfigSchema;
import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.common.testing.TestConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the one table writer lays out a write of many partitions (a backfill): one file per
 * partition, written by a task per core rather than by a task per partition value. (A test of
 * common's writer kept in this module, whose test JVM already has the shared SparkSession.)
 */
class TableWriterTest {
  private static final TableSpec DAILY = new TableSpec("gold.daily", "a partitioned table",
      TableSpec.schema(column("day", DataTypes.DateType, "partition"),
          column("n", DataTypes.LongType, "a value")), "day");
  private static final int DAYS = 40;

  /** Counts the tasks that wrote rows, wherever they ran. */
  private static final class WritingTasks extends SparkListener {
    final AtomicInteger count = new AtomicInteger();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.taskMetrics() != null && end.taskMetrics().outputMetrics().recordsWritten() > 0) {
        count.incrementAndGet();
      }
    }
  }

  @Test
  void aWriteOfManyPartitionsAddsOneFilePerPartitionFromATaskPerCore(@TempDir Path tmp)
      throws Exception {
    SparkSession spark = SparkTestSession.get();
    AppConfig config = TestConfigs.load(new ConfigSchema().add(CommonKeys.all()),
        TestConfigs.write(tmp, "lake:\n  root: " + tmp.resolve("lake") + "\nwarehouse:\n  root: "
            + tmp.resolve("warehouse") + "\n"), Map.of());
    Warehouse warehouse = Warehouse.attach(spark, config);
    // Rows of every day spread over all input partitions, as a backfill's are.
    Dataset<Row> rows = spark.range(0, 4000, 1, 8).selectExpr(
        "date_add(DATE'2026-01-01', CAST(id % " + DAYS + " AS INT)) AS day", "id AS n");
    WritingTasks tasks = new WritingTasks();
    spark.sparkContext().addSparkListener(tasks);
    long written;
    try {
      written = new TableWriter(warehouse).replace(DAILY, rows, "day >= '2026-01-01'");
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(tasks);
    }

    assertEquals(4000, written);
    assertEquals(4000, warehouse.read(DAILY).count());
    List<Path> partitions;
    try (Stream<Path> listing = Files.list(Path.of(warehouse.path(DAILY)))) {
      partitions = listing.filter(p -> p.getFileName().toString().startsWith("day=")).toList();
    }
    assertEquals(DAYS, partitions.size());
    for (Path partition : partitions) {
      try (Stream<Path> files = Files.list(partition)) {
        assertEquals(1, files.filter(p -> p.toString().endsWith(".parquet")).count(),
            "one file in " + partition.getFileName());
      }
    }
    int cores = spark.sparkContext().defaultParallelism();
    assertTrue(tasks.count.get() <= cores, tasks.count.get() + " tasks wrote the " + DAYS
        + " partitions; a task per core (" + cores + ") packs them");
  }
}
