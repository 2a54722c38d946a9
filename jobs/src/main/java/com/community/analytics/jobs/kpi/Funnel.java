package com.community.analytics.jobs.kpi;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.grouping;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import com.community.analytics.common.spark.JoinKeys;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The daily conversion funnel per channel and content type: members reached by content (viewed
 * it), members who then interacted with content of the same channel and type that day, and of
 * those the members who purchased within the action window after their first interaction. Rows
 * for every date x channel x content type, plus '(all)' roll-ups over either or both. Pure:
 * silver.events and silver.content in, rows of {@link KpiTables#FUNNEL_DAILY} out.
 *
 * <p>A date's actions are only final once its window has passed, so a run for D rewrites the
 * funnel of the dates whose window reaches D and marks whether each is complete. Cost: one
 * shuffle per step by member, a range join of interactions with purchases by member, and one
 * aggregation with the roll-ups (count distinct).
 */
public final class Funnel {
  private Funnel() {}

  public static final String UNKNOWN = "unknown";

  /** Days before D whose action window is still open on D: the dates a run for D rewrites. */
  public static int openDays(int windowHours) {
    return (windowHours + 23) / 24;
  }

  /**
   * The funnel of [from, to]; {@code events} must hold the views and interactions of those dates
   * and the purchases up to {@code to}.
   */
  public static Dataset<Row> daily(Dataset<Row> events, Dataset<Row> content,
      List<String> interactionTypes, int windowHours, LocalDate from, LocalDate to) {
    Dataset<Row> touches = events
        .where(col("event_date").between(Date.valueOf(from), Date.valueOf(to))
            .and(col("content_id").isNotNull())
            .and(col("event_type").equalTo("content_view")
                .or(col("event_type").isin(interactionTypes.toArray()))))
        .join(broadcast(content.select("content_id", "content_type")), "content_id", "left")
        .select(col("event_date").as("date"), col("user_id"), col("event_type"),
            col("event_time"), coalesce(col("channel"), lit(UNKNOWN)).as("channel"),
            coalesce(col("content_type"), lit(UNKNOWN)).as("content_type"));
    String[] cell = {"date", "channel", "content_type", "user_id"};
    Dataset<Row> reached = touches.where(col("event_type").equalTo("content_view"))
        .groupBy(cell[0], cell[1], cell[2], cell[3]).agg(min("event_time").as("reached_at"));
    Dataset<Row> interacted = touches.where(col("event_type").notEqual("content_view"))
        .groupBy(cell[0], cell[1], cell[2], cell[3])
        .agg(min("event_time").as("interacted_at"))
        .join(reached.select(cell[0], cell[1], cell[2], cell[3]), JoinKeys.on(cell), "inner");
    Dataset<Row> purchases = events.where(col("event_type").equalTo("purchase"))
        .select(col("user_id").as("buyer"), col("event_time").as("purchased_at"));
    Column withinWindow = col("user_id").equalTo(col("buyer"))
        .and(col("purchased_at").gt(col("interacted_at")))
        .and(col("purchased_at").leq(col("interacted_at")
            .plus(org.apache.spark.sql.functions.expr("INTERVAL " + windowHours + " HOURS"))));
    Dataset<Row> acted = interacted.join(purchases, withinWindow, "left_semi")
        .select(cell[0], cell[1], cell[2], cell[3]).withColumn("acted", lit(true));

    Dataset<Row> members = reached
        .join(interacted.select(cell[0], cell[1], cell[2], cell[3])
            .withColumn("interacted", lit(true)), JoinKeys.on(cell), "left")
        .join(acted, JoinKeys.on(cell), "left");
    Dataset<Row> counts = members.cube("date", "channel", "content_type")
        .agg(grouping("date").as("g_date"), grouping("channel").as("g_channel"),
            grouping("content_type").as("g_type"),
            countDistinct("user_id").as("reach"),
            countDistinct(when(col("interacted"), col("user_id"))).as("interaction"),
            countDistinct(when(col("acted"), col("user_id"))).as("action"))
        .where(col("g_date").equalTo(0))
        .select(col("date"),
            when(col("g_channel").equalTo(1), lit(KpiTables.ALL)).otherwise(col("channel"))
                .as("channel"),
            when(col("g_type").equalTo(1), lit(KpiTables.ALL)).otherwise(col("content_type"))
                .as("content_type"),
            col("reach"), col("interaction"), col("action"));
    return counts.selectExpr("date", "channel", "content_type",
            "stack(3, 'reach', 1, reach, CAST(NULL AS DOUBLE), "
                + "'interaction', 2, interaction, interaction / reach, "
                + "'action', 3, action, CASE WHEN interaction > 0 THEN action / interaction END)"
                + " AS (step, step_order, members, step_rate)", "reach")
        .withColumn("reach_rate", col("members").divide(col("reach")))
        .withColumn("window_complete", date_add(col("date"), openDays(windowHours))
            .leq(lit(Date.valueOf(to))))
        .drop("reach");
  }
}
