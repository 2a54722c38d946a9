package com.community.analytics.jobs.kpi;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * The value of every {@link Kpi} per business date, from gold.user_activity_daily (activity,
 * registrations, counts per event type, GMV) and, for coupon ROI, the purchase and
 * coupon_redeem events of silver.events. Pure: Datasets in, rows (date, kpi, value) out.
 *
 * <p>The activity rows must cover [from - max(mau_days - 1, 7), to]: MAU looks back mau_days
 * and day-7 retention 7 days. Cost: a few aggregations of that window (MAU explodes each active
 * member-day into the dates of [from, to] it counts for); no collect.
 */
public final class DailyKpis {
  private DailyKpis() {}

  /** The earliest activity date the KPIs of {@code from} need. */
  public static LocalDate activityFrom(LocalDate from, KpiSettings s) {
    return from.minusDays(Math.max(s.mauDays() - 1L, 7L));
  }

  public static Dataset<Row> values(Dataset<Row> activity, Dataset<Row> events, KpiSettings s,
      LocalDate from, LocalDate to) {
    SparkSession spark = activity.sparkSession();
    Column inRange = col("date").between(Date.valueOf(from), Date.valueOf(to));
    Dataset<Row> dates = spark.sql("SELECT explode(sequence(DATE'" + from + "', DATE'" + to
        + "')) AS date");
    Dataset<Row> wide = dates.join(daily(activity, s, inRange), "date", "left")
        .join(mau(activity, s, from, to), "date", "left")
        .join(retention(activity, 1, inRange), "date", "left")
        .join(retention(activity, 7, inRange), "date", "left")
        .join(couponRoi(events, inRange), "date", "left");
    return stacked(wide);
  }

  /** The day's sums and counts of members: the numerators and denominators of the board. */
  private static Dataset<Row> daily(Dataset<Row> activity, KpiSettings s, Column inRange) {
    Column interactions = s.interactionTypes().stream().map(t -> col("n_" + t))
        .reduce(Column::plus).orElseThrow();
    return activity.withColumnRenamed("activity_date", "date").where(inRange)
        .groupBy("date").agg(
            count(when(col("is_active"), true)).as("dau"),
            count(when(col("n_register").gt(0), true)).as("new_members"),
            sum("n_content_view").as("views"),
            sum(interactions).as("interactions"),
            sum("n_post").as("posts"),
            sum("original_posts").as("original_posts"),
            sum("n_push_sent").as("push_sent"),
            sum("n_push_open").as("push_open"),
            count(when(col("is_active").and(col("n_purchase").gt(0)), true)).as("buyers"),
            sum("gmv").cast(DataTypes.DoubleType).as("gmv"),
            sum("n_complaint").as("complaints"));
  }

  /**
   * Members active in the mau_days up to each date. Each active member-day counts for the
   * dates [day, day + mau_days - 1]; only those in [from, to] are generated (a nightly board
   * needs 8 dates, not 30 per member-day).
   */
  private static Dataset<Row> mau(Dataset<Row> activity, KpiSettings s, LocalDate from, LocalDate to) {
    Column lastCounted = date_add(col("activity_date"), s.mauDays() - 1);
    return activity.where(col("is_active")
            .and(lastCounted.geq(lit(Date.valueOf(from))))
            .and(col("activity_date").leq(lit(Date.valueOf(to)))))
        .select(col("user_id"), explode(sequence(greatest(col("activity_date"),
            lit(Date.valueOf(from))), least(lastCounted, lit(Date.valueOf(to))))).as("date"))
        .groupBy("date").agg(countDistinct("user_id").as("mau"));
  }

  /** One row per date and KPI from the wide per-date columns. */
  private static Dataset<Row> stacked(Dataset<Row> wide) {
    List<String> stack = new ArrayList<>();
    stack.add(kpi(Kpi.DAU, "dau"));
    stack.add(kpi(Kpi.MAU, "mau"));
    stack.add(kpi(Kpi.STICKINESS, ratio("dau", "mau")));
    stack.add(kpi(Kpi.NEW_MEMBERS, "new_members"));
    stack.add(kpi(Kpi.DAY1_RETENTION, "day1_retention"));
    stack.add(kpi(Kpi.DAY7_RETENTION, "day7_retention"));
    stack.add(kpi(Kpi.INTERACTION_RATE, ratio("interactions", "views")));
    stack.add(kpi(Kpi.ORIGINALITY_RATE, ratio("original_posts", "posts")));
    stack.add(kpi(Kpi.PUSH_OPEN_RATE, ratio("push_open", "push_sent")));
    stack.add(kpi(Kpi.CONVERSION_RATE, ratio("buyers", "dau")));
    stack.add(kpi(Kpi.GMV, "coalesce(gmv, 0)"));
    stack.add(kpi(Kpi.ARPU, ratio("coalesce(gmv, 0)", "dau")));
    stack.add(kpi(Kpi.COMPLAINTS, "coalesce(complaints, 0)"));
    stack.add(kpi(Kpi.COUPON_ROI, ratio("coupon_gmv", "coupon_cost")));
    // Every KPI of Kpi.values() must be stacked above, once.
    if (stack.size() != Kpi.values().length) {
      throw new IllegalStateException("DailyKpis computes " + stack.size() + " KPIs of "
          + Kpi.values().length);
    }
    return wide.selectExpr("date", "stack(" + stack.size() + ", "
        + stack.stream().collect(Collectors.joining(", ")) + ") AS (kpi, value)");
  }

  /**
   * Day-N retention by date D: of the members who registered on D - N, the share active on D.
   * Null on dates without such a cohort.
   */
  static Dataset<Row> retention(Dataset<Row> activity, int n, Column inRange) {
    Dataset<Row> cohort = activity.where(col("n_register").gt(0))
        .groupBy("user_id").agg(min("activity_date").as("registered"))
        .withColumn("date", date_add(col("registered"), n))
        .where(inRange);
    Dataset<Row> active = activity.where(col("is_active"))
        .select(col("user_id").as("active_user"), col("activity_date").as("active_date"));
    return cohort.join(active, col("user_id").equalTo(col("active_user"))
            .and(col("date").equalTo(col("active_date"))), "left")
        .groupBy("date")
        .agg(count(col("active_user")).divide(count(lit(1))).as("day" + n + "_retention"));
  }

  /**
   * Coupon ROI by redemption date: the GMV of the orders a coupon was redeemed on over the
   * coupons' cost (properties.coupon_cost). Redemptions without a readable cost are left out.
   */
  static Dataset<Row> couponRoi(Dataset<Row> events, Column inRange) {
    Dataset<Row> coupons = events.where(col("event_type").equalTo("coupon_redeem"))
        .withColumn("cost", expr("try_cast(properties['coupon_cost'] AS DOUBLE)"))
        .where(col("cost").isNotNull().and(col("order_id").isNotNull()))
        .groupBy("order_id").agg(min("event_date").as("date"), sum("cost").as("cost"))
        .where(inRange);
    Dataset<Row> orders = events.where(col("event_type").equalTo("purchase"))
        .groupBy(col("order_id").as("purchase_order"))
        .agg(first("amount").cast(DataTypes.DoubleType).as("amount"));
    return coupons.join(orders, col("order_id").equalTo(col("purchase_order")), "left")
        .groupBy("date").agg(sum(expr("coalesce(amount, 0)")).as("coupon_gmv"),
            sum("cost").as("coupon_cost"));
  }

  private static String kpi(Kpi kpi, String expression) {
    return "'" + kpi.id() + "', CAST(" + expression + " AS DOUBLE)";
  }

  private static String ratio(String numerator, String denominator) {
    return "CASE WHEN " + denominator + " > 0 THEN " + numerator + " / " + denominator + " END";
  }
}
