package com.community.analytics.common.catalog;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/**
 * The one table writer: every Delta write goes through here. Each write first makes sure the
 * table exists with its declared schema and comments, conforms the data to that schema (a
 * missing or extra column is a bug and fails), and commits atomically, so a rerun replaces
 * exactly what it wrote before. Returns the rows the commit wrote, read from Delta's metrics.
 */
public final class TableWriter {
  /**
   * Buckets a partitioned write's rows are hashed into: as many as a half-year backfill has
   * dates, and no more than Spark's shuffle writes without sorting (200).
   */
  static final int REBALANCE_BUCKETS = 200;

  private final Warehouse warehouse;

  public TableWriter(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /**
   * Atomically replaces the rows matching {@code condition} (a SQL predicate, e.g. {@code
   * event_date = '2026-11-21'}) with {@code rows}; every written row must match it.
   */
  public long replace(TableSpec spec, Dataset<Row> rows, String condition) {
    long before = ensureAndVersion(spec);
    laidOut(spec, rows).mode("overwrite").option("replaceWhere", condition)
        .save(warehouse.path(spec));
    return rowsCommittedSince(spec, before, "numOutputRows");
  }

  /** Replaces the whole table content (small dimension or snapshot tables). */
  public long overwrite(TableSpec spec, Dataset<Row> rows) {
    long before = ensureAndVersion(spec);
    laidOut(spec, rows).mode("overwrite").save(warehouse.path(spec));
    return rowsCommittedSince(spec, before, "numOutputRows");
  }

  /** Appends rows (logs such as ops.job_runs). */
  public long append(TableSpec spec, Dataset<Row> rows) {
    long before = ensureAndVersion(spec);
    laidOut(spec, rows).mode("append").save(warehouse.path(spec));
    return rowsCommittedSince(spec, before, "numOutputRows");
  }

  /**
   * Upserts by key: a source row replaces the target row with the same key when {@code
   * replaceWhen} (over {@code s.} and {@code t.}) holds, and is inserted when the key is new.
   * Returns rows inserted plus rows updated.
   */
  public long upsert(TableSpec spec, Dataset<Row> rows, List<String> keys, String replaceWhen) {
    long before = ensureAndVersion(spec);
    List<String> on = new ArrayList<>();
    for (String k : keys) {
      on.add("t.`" + k + "` = s.`" + k + "`");
    }
    DeltaTable.forPath(warehouse.spark(), warehouse.path(spec)).as("t")
        .merge(conform(spec, rows).as("s"), String.join(" AND ", on))
        .whenMatched(replaceWhen).updateAll()
        .whenNotMatched().insertAll()
        .execute();
    return rowsCommittedSince(spec, before, "numTargetRowsInserted")
        + rowsCommittedSince(spec, before, "numTargetRowsUpdated");
  }

  /**
   * What a delete or update changed: the rows it affected and the table version it wrote, or a
   * null version when nothing matched and Delta made no commit.
   */
  public record Change(long rows, Long version) {}

  /**
   * Deletes the rows matching {@code condition} from an existing table. Delta rewrites only the
   * files holding matching rows (or marks them in deletion vectors where the table has them);
   * the old files stay on storage for time travel until VACUUM removes them.
   */
  public Change delete(TableSpec spec, Column condition) {
    long before = warehouse.lastCommit(spec).version();
    DeltaTable.forPath(warehouse.spark(), warehouse.path(spec)).delete(condition);
    return changeSince(spec, before, "numDeletedRows");
  }

  /** Sets columns ({@code set}: column to new value) on the rows matching {@code condition}. */
  public Change update(TableSpec spec, Column condition, Map<String, Column> set) {
    long before = warehouse.lastCommit(spec).version();
    DeltaTable.forPath(warehouse.spark(), warehouse.path(spec)).update(condition, set);
    return changeSince(spec, before, "numUpdatedRows");
  }

  /**
   * A Delta writer of the conformed rows. A partitioned table's rows are rebalanced by its
   * partition column (Spark's adaptive REBALANCE) in place of Delta's optimized write: both
   * shuffle so that a write adds about one file per touched partition, but Delta's gives each
   * partition value a task of its own (a 90-day backfill wrote 349 thousand events with 86
   * tasks, each paying to deserialize the write's Hadoop configuration and set up a Parquet
   * writer). The rebalance hashes the partition values into {@link #REBALANCE_BUCKETS} buckets,
   * so most values have one to themselves; adaptive execution then packs whole buckets into a
   * few tasks, and splits only a bucket larger than {@code
   * spark.sql.adaptive.advisoryPartitionSizeInBytes} (a night's single busy date). Unpartitioned
   * tables, and merges, keep the session's optimized writes.
   */
  private static DataFrameWriter<Row> laidOut(TableSpec spec, Dataset<Row> rows) {
    Dataset<Row> conformed = conform(spec, rows);
    if (spec.partitionColumn() == null) {
      return conformed.write().format("delta");
    }
    return conformed.hint("rebalance", REBALANCE_BUCKETS, col(spec.partitionColumn()).expr())
        .write().format("delta").option("optimizeWrite", "false");
  }

  private long ensureAndVersion(TableSpec spec) {
    warehouse.ensure(spec);
    return warehouse.lastCommit(spec).version();
  }

  /**
   * A metric of the commit this writer just made; 0 when the write committed nothing (Delta
   * skips the commit of an empty replace), so an older commit's figures are never reported.
   */
  private long rowsCommittedSince(TableSpec spec, long before, String metric) {
    return changeSince(spec, before, metric).rows();
  }

  private Change changeSince(TableSpec spec, long before, String metric) {
    Warehouse.Commit last = warehouse.lastCommit(spec);
    if (last.version() == before) {
      return new Change(0, null);
    }
    return new Change(Long.parseLong(last.metrics().getOrDefault(metric, "0")), last.version());
  }

  static Dataset<Row> conform(TableSpec spec, Dataset<Row> rows) {
    List<String> have = Arrays.asList(rows.columns());
    List<String> want = Arrays.asList(spec.schema().fieldNames());
    for (String c : have) {
      if (!want.contains(c)) {
        throw new IllegalStateException("column " + c + " is not in table " + spec.name());
      }
    }
    List<Column> select = new ArrayList<>();
    for (StructField f : spec.schema().fields()) {
      if (!have.contains(f.name())) {
        throw new IllegalStateException("table " + spec.name() + " needs column " + f.name());
      }
      select.add(col(f.name()).cast(f.dataType()).as(f.name()));
    }
    return rows.select(select.toArray(new Column[0]));
  }
}
