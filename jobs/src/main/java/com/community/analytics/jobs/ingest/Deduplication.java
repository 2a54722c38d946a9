package com.community.analytics.jobs.ingest;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import com.community.analytics.common.spark.JoinKeys;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Removes re-delivered events. Within a batch the first delivery wins (earliest folder, then
 * file, then line), so the choice is deterministic; across runs an event already in silver is a
 * duplicate. Cost: ranking every row is one shuffle and sort of whole rows by event_id; ranking
 * only the re-delivered ids' rows costs a shuffle of the ids alone (to find them) and one of
 * those few rows, and a join against silver for the silver check.
 */
public final class Deduplication {
  private Deduplication() {}

  /** One row per event_id: its first delivery. Needs arrival_date, source_file, line_number. */
  public static Dataset<Row> firstDeliveries(Dataset<Row> events) {
    return events
        .withColumn("delivery_rank", row_number().over(Window.partitionBy("event_id")
            .orderBy(col("arrival_date"), col("source_file"), col("line_number"))))
        .where(col("delivery_rank").equalTo(1))
        .drop("delivery_rank");
  }

  /** The event ids delivered more than once (an aggregation that shuffles the ids alone). */
  public static Dataset<Row> repeatedIds(Dataset<Row> events) {
    return events.groupBy("event_id").count().where(col("count").gt(1)).select("event_id");
  }

  /**
   * As {@link #firstDeliveries(Dataset)}, given the ids delivered more than once ({@link
   * #repeatedIds}, broadcast: keep them few): the rows of every other id pass through as they
   * are, and only the repeated ids' rows are ranked, so a batch's rows are not shuffled whole.
   */
  public static Dataset<Row> firstDeliveries(Dataset<Row> events, Dataset<Row> repeatedIds) {
    Dataset<Row> repeated = broadcast(repeatedIds);
    return events.join(repeated, JoinKeys.on("event_id"), "left_anti")
        .unionByName(firstDeliveries(events.join(repeated, JoinKeys.on("event_id"),
            "left_semi")));
  }

  /** The events whose id is not in {@code existingIds} (a one-column event_id dataset). */
  public static Dataset<Row> notIn(Dataset<Row> events, Dataset<Row> existingIds) {
    return events.join(existingIds, events.col("event_id").equalTo(existingIds.col("event_id")),
        "left_anti");
  }

  /** The events whose id is in {@code existingIds}. */
  public static Dataset<Row> in(Dataset<Row> events, Dataset<Row> existingIds) {
    return events.join(existingIds, events.col("event_id").equalTo(existingIds.col("event_id")),
        "left_semi");
  }
}
