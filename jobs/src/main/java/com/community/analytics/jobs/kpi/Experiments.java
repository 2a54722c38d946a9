package com.community.analytics.jobs.kpi;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.community.analytics.common.spark.JoinKeys;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Per-member A/B metrics, summed per as-of date x experiment x variant for
 * {@link ExperimentStats}. A member belongs to the variant of their first exposure and counts
 * the content views, clicks, shares and purchases from that moment to the end of the
 * experiment's period (its last exposure date up to the as-of date). Pure: silver.events in.
 *
 * <p>Output columns: as_of_date, experiment_id, variant, period_start, period_end, members,
 * views, clicks, shares, converters, and the sums of squares and cross products the delta-method
 * variances need (views_sq, clicks_sq, shares_sq, views_clicks, views_shares). Cost: one join of
 * the exposed members' events with their first exposures (by member), aggregated per member and
 * day once; the as-of dates are crossed with those daily rows; the result is a few rows per
 * experiment.
 */
public final class Experiments {
  private Experiments() {}

  public static Dataset<Row> variantSums(Dataset<Row> events, Dataset<Row> asOfDates,
      int lookbackDays) {
    Dataset<Row> exposures = events.where(col("event_type").equalTo("experiment_exposure")
        .and(col("experiment_id").isNotNull()).and(col("variant").isNotNull()));
    Dataset<Row> first = exposures.groupBy("experiment_id", "user_id")
        .agg(min("event_time").as("first_time"), min("event_date").as("first_date"),
            expr("min_by(variant, event_time)").as("variant"));
    Dataset<Row> acts = events.where(col("event_type").isin("content_view", "click", "share",
            "purchase"))
        .select(col("user_id").as("actor"), col("event_time"), col("event_date"),
            col("event_type"));
    Dataset<Row> activeDays = first
        .join(acts, col("user_id").equalTo(col("actor"))
            .and(col("event_time").geq(col("first_time"))))
        .groupBy("experiment_id", "user_id", "variant", "first_date", "event_date")
        .agg(count(when(col("event_type").equalTo("content_view"), true)).as("views"),
            count(when(col("event_type").equalTo("click"), true)).as("clicks"),
            count(when(col("event_type").equalTo("share"), true)).as("shares"),
            count(when(col("event_type").equalTo("purchase"), true)).as("purchases"));
    // The exposure day with nothing done still makes the member count.
    Dataset<Row> memberDays = activeDays.unionByName(first.select(col("experiment_id"),
        col("user_id"), col("variant"), col("first_date"), col("first_date").as("event_date"),
        lit(0L).as("views"), lit(0L).as("clicks"), lit(0L).as("shares"),
        lit(0L).as("purchases")));

    Column inLookback = col("first_date").gt(date_sub(col("as_of_date"), lookbackDays))
        .and(col("first_date").leq(col("as_of_date")));
    Dataset<Row> periods = exposures.select(col("experiment_id"),
            col("event_date").as("exposure_date")).distinct()
        .crossJoin(asOfDates)
        .where(col("exposure_date").gt(date_sub(col("as_of_date"), lookbackDays))
            .and(col("exposure_date").leq(col("as_of_date"))))
        .groupBy("as_of_date", "experiment_id")
        .agg(min("exposure_date").as("period_start"), max("exposure_date").as("period_end"));
    Dataset<Row> members = memberDays.crossJoin(asOfDates).where(inLookback)
        .join(periods, JoinKeys.on("as_of_date", "experiment_id"))
        .where(col("event_date").leq(col("period_end")))
        .groupBy("as_of_date", "experiment_id", "variant", "period_start", "period_end",
            "user_id")
        .agg(sum("views").as("v"), sum("clicks").as("c"), sum("shares").as("s"),
            max(when(col("purchases").gt(0), 1L).otherwise(0L)).as("converted"));
    return members.groupBy("as_of_date", "experiment_id", "variant", "period_start",
            "period_end")
        .agg(count(lit(1)).as("members"), sum("v").as("views"), sum("c").as("clicks"),
            sum("s").as("shares"), sum("converted").as("converters"),
            sum(col("v").multiply(col("v"))).as("views_sq"),
            sum(col("c").multiply(col("c"))).as("clicks_sq"),
            sum(col("s").multiply(col("s"))).as("shares_sq"),
            sum(col("v").multiply(col("c"))).as("views_clicks"),
            sum(col("v").multiply(col("s"))).as("views_shares"));
  }
}
