package com.community.analytics.jobs.churn;

import com.community.analytics.common.job.ModelApi;
import com.community.analytics.common.spark.JoinKeys;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Point-in-time churn features per member and cutoff C, from gold.user_state on C and the
 * gold.user_activity_daily rows in (C - 90, C]: nothing after C is read, so events that arrive
 * later cannot change a cutoff's features (a test holds this). Labels come separately from the
 * activity in (C, C + horizon].
 *
 * <p>Cost: one join of activity with the cutoffs (range condition, cutoffs broadcast) and one
 * shuffle by (member, cutoff).
 */
@ModelApi
public final class ChurnFeatures {
  private ChurnFeatures() {}

  /** Event types counted over each window. */
  static final List<String> WINDOW_TYPES = List.of("login", "content_view", "click", "like",
      "comment", "share", "collect", "post", "checkin", "purchase", "push_open");
  static final int[] WINDOWS = {7, 14, 30, 90};
  /** Days of activity a cutoff's features look back over (the longest window). */
  public static final int LOOKBACK_DAYS = 90;

  /** The numeric features, in the order the model assembles them. */
  public static List<String> numericFeatures() {
    List<String> f = new ArrayList<>(List.of("recency_days", "tenure_days", "active_days_7",
        "active_days_30", "active_days_90", "events_30", "interactions_30", "shares_30",
        "push_open_rate_30", "gmv_90", "orders", "purchase_days", "gmv", "refunds", "complaints",
        "posts", "log_followers", "events_7", "events_prev_7", "trend_7", "dwell_minutes_30",
        "sessions_30", "days_since_purchase"));
    for (String t : WINDOW_TYPES) {
      for (int w : WINDOWS) {
        f.add("n_" + t + "_" + w);
      }
    }
    return f;
  }

  public static final List<String> CATEGORICAL = List.of("membership_tier");

  /**
   * Features of members active in the 30 days up to each cutoff.
   *
   * @param state gold.user_state rows whose as_of_date is a cutoff
   * @param activity gold.user_activity_daily rows up to the newest cutoff
   * @param cutoffs one column {@code cutoff} (date)
   */
  public static Dataset<Row> build(Dataset<Row> state, Dataset<Row> activity,
      Dataset<Row> cutoffs) {
    Dataset<Row> s = state.withColumnRenamed("as_of_date", "cutoff")
        .where(col("active_days_30").gt(0));
    Dataset<Row> windowed = activity
        .join(org.apache.spark.sql.functions.broadcast(cutoffs),
            col("activity_date").leq(col("cutoff"))
                .and(datediff(col("cutoff"), col("activity_date")).lt(LOOKBACK_DAYS)))
        .withColumn("age", datediff(col("cutoff"), col("activity_date")));
    List<Column> aggs = new ArrayList<>();
    for (String t : WINDOW_TYPES) {
      for (int w : WINDOWS) {
        aggs.add(sum(when(col("age").lt(w), col("n_" + t)).otherwise(0L)).as("n_" + t + "_"
            + w));
      }
    }
    aggs.add(sum(when(col("age").lt(7), col("events")).otherwise(0L)).as("events_7"));
    aggs.add(sum(when(col("age").geq(7).and(col("age").lt(14)), col("events")).otherwise(0L))
        .as("events_prev_7"));
    aggs.add(sum(when(col("age").lt(30), col("dwell_ms")).otherwise(0L)).divide(60_000.0)
        .as("dwell_minutes_30"));
    aggs.add(sum(when(col("age").lt(30), col("sessions")).otherwise(0L)).as("sessions_30"));
    aggs.add(max(lit(1)).as("has_activity"));
    Dataset<Row> counts = windowed.groupBy("user_id", "cutoff")
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0]));

    Column c = col("cutoff");
    Dataset<Row> joined = s.join(counts, JoinKeys.on("user_id", "cutoff"), "left");
    List<Column> out = new ArrayList<>(List.of(col("user_id"), c,
        datediff(c, col("last_active_date")).cast("double").as("recency_days"),
        datediff(c, coalesce(col("registered_date"), col("first_seen_date"))).cast("double")
            .as("tenure_days"),
        col("membership_tier")));
    for (String n : List.of("active_days_7", "active_days_30", "active_days_90", "events_30",
        "interactions_30", "shares_30", "orders", "purchase_days", "refunds", "complaints",
        "posts")) {
      out.add(col(n).cast("double").as(n));
    }
    out.add(when(col("push_sent_30").gt(0), col("push_open_30").divide(col("push_sent_30")))
        .otherwise(lit(0.0)).as("push_open_rate_30"));
    out.add(col("gmv_90").cast("double").as("gmv_90"));
    out.add(col("gmv").cast("double").as("gmv"));
    out.add(log1p(coalesce(col("follower_count"), lit(0L))).as("log_followers"));
    out.add(coalesce(datediff(c, col("last_purchase_date")), lit(999)).cast("double")
        .as("days_since_purchase"));
    for (String n : List.of("events_7", "events_prev_7", "dwell_minutes_30", "sessions_30")) {
      out.add(coalesce(col(n), lit(0)).cast("double").as(n));
    }
    out.add(coalesce(col("events_7"), lit(0)).plus(1).divide(
        coalesce(col("events_prev_7"), lit(0)).plus(1)).cast("double").as("trend_7"));
    for (String t : WINDOW_TYPES) {
      for (int w : WINDOWS) {
        out.add(coalesce(col("n_" + t + "_" + w), lit(0)).cast("double").as("n_" + t + "_" + w));
      }
    }
    return joined.select(out.toArray(new Column[0]));
  }

  /**
   * Labels: 1.0 when the member has no activity in (C, C + horizon]. Cutoffs must have matured
   * (C + horizon on or before the last day of data).
   */
  public static Dataset<Row> label(Dataset<Row> features, Dataset<Row> activity, int horizon) {
    Dataset<Row> later = activity.where(col("is_active"))
        .select(col("user_id").as("a_user"), col("activity_date"));
    Dataset<Row> activeAfter = features.select("user_id", "cutoff")
        .join(later, col("user_id").equalTo(col("a_user"))
            .and(col("activity_date").gt(col("cutoff")))
            .and(datediff(col("activity_date"), col("cutoff")).leq(horizon)))
        .select("user_id", "cutoff").distinct().withColumn("stayed", lit(true));
    return features.join(activeAfter, JoinKeys.on("user_id", "cutoff"), "left")
        .withColumn("label", when(col("stayed"), 0.0).otherwise(1.0))
        .drop("stayed");
  }
}
