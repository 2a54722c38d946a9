package com.community.analytics.jobs.kpi;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;

import com.community.analytics.common.spark.JoinKeys;
import java.time.DayOfWeek;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Weekly registration cohorts x weeks since joining, as of each date of a range: of the members
 * who registered in a week (Monday to Sunday), how many were active in their k-th week. Pure:
 * gold.user_activity_daily rows in, rows of {@link KpiTables#COHORT_RETENTION} out.
 *
 * <p>Each member counts once per cohort week at the first day they were active in it, so the
 * rows for many as-of dates come from one small aggregate (cohort x week x day) crossed with the
 * dates, not from re-reading activity per date. Cost: two shuffles of the activity window
 * [{@link #activityFrom}, to]; no collect.
 */
public final class CohortRetention {
  private CohortRetention() {}

  /** The earliest activity date the cohorts as of {@code from} need. */
  public static LocalDate activityFrom(LocalDate from, int cohortWeeks) {
    return from.with(DayOfWeek.MONDAY).minusWeeks(cohortWeeks - 1L);
  }

  public static Dataset<Row> asOf(Dataset<Row> activity, Dataset<Row> asOfDates,
      int cohortWeeks) {
    Dataset<Row> members = activity.where(col("n_register").gt(0))
        .groupBy("user_id").agg(min("activity_date").as("registered"))
        .withColumn("cohort_week", expr("date_trunc('week', registered)").cast(
            DataTypes.DateType));
    Dataset<Row> firstActiveInWeek = members
        .join(activity.where(col("is_active")).select("user_id", "activity_date"), "user_id")
        .where(col("activity_date").geq(col("registered")))
        .withColumn("weeks_since_joining", floor(datediff(col("activity_date"),
            col("cohort_week")).divide(7)).cast(DataTypes.IntegerType))
        .groupBy("cohort_week", "user_id", "weeks_since_joining")
        .agg(min("activity_date").as("first_active"))
        .groupBy("cohort_week", "weeks_since_joining", "first_active")
        .agg(count(lit(1)).as("members"));
    Dataset<Row> registrations = members.groupBy("cohort_week", "registered")
        .agg(count(lit(1)).as("members"));

    Dataset<Row> sizes = registrations.crossJoin(asOfDates)
        .where(col("registered").leq(col("as_of_date"))
            .and(col("cohort_week").geq(date_sub(expr(
                "CAST(date_trunc('week', as_of_date) AS DATE)"), 7 * (cohortWeeks - 1)))))
        .groupBy("as_of_date", "cohort_week").agg(sum("members").as("cohort_size"))
        .withColumn("weeks_since_joining", explode(sequence(lit(0), floor(datediff(
            col("as_of_date"), col("cohort_week")).divide(7)).cast(DataTypes.IntegerType))));
    Dataset<Row> retained = firstActiveInWeek.crossJoin(asOfDates)
        .where(col("first_active").leq(col("as_of_date")))
        .groupBy("as_of_date", "cohort_week", "weeks_since_joining")
        .agg(sum("members").as("retained_members"));
    return sizes.join(retained, JoinKeys.on("as_of_date", "cohort_week", "weeks_since_joining"),
            "left")
        .withColumn("retained_members", coalesce(col("retained_members"), lit(0L)))
        .withColumn("retention_rate", col("retained_members").divide(col("cohort_size")))
        .withColumn("week_complete", date_add(col("cohort_week"),
            col("weeks_since_joining").multiply(7).plus(6)).leq(col("as_of_date")));
  }
}
