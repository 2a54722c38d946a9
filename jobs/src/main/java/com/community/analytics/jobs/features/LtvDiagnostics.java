package com.community.analytics.jobs.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import com.community.analytics.common.spark.RowBuilder;
import com.community.analytics.jobs.features.ltv.LtvFitter;
import com.community.analytics.jobs.features.ltv.RepeatPurchaseModel;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The rows of {@link FeatureTables#LTV_DIAGNOSTICS}: the charts LTV users look at (lifetimes'
 * plotting module draws the same three). Cost: the frequency x recency grid is at most 31 x 41
 * model evaluations per fit on the driver; the tracking actuals are one aggregation of the
 * holdout's state rows.
 */
final class LtvDiagnostics {
  private LtvDiagnostics() {}

  private static final StructType SCHEMA = FeatureTables.LTV_DIAGNOSTICS.schema();
  /** The grid's largest frequency, and about how many recency columns it has. */
  private static final int MAX_FREQUENCY = 30;
  private static final int RECENCY_STEPS = 40;

  /**
   * Expected purchase days in the next 30 days and P(alive) for each (frequency, recency) of a
   * grid at the age of the oldest buyer of the fit's summary: frequency 0 to the largest seen
   * (at most 30), recency on the same columns for every frequency (0 to that age in about 40
   * steps, and the age itself), from the frequency on (a day holds one purchase day).
   */
  static List<Row> frequencyRecency(Date asOf, RepeatPurchaseModel model,
      List<LtvFitter.BgNbdRow> summary) {
    List<Row> rows = new ArrayList<>();
    if (summary.isEmpty()) {
      return rows;
    }
    long age = Math.round(summary.stream().mapToDouble(LtvFitter.BgNbdRow::T).max()
        .orElseThrow());
    long maxX = Math.min(MAX_FREQUENCY, Math.round(summary.stream()
        .mapToDouble(LtvFitter.BgNbdRow::x).max().orElseThrow()));
    long step = Math.max(1, (age + RECENCY_STEPS - 1) / RECENCY_STEPS);
    List<Long> columns = new ArrayList<>();
    for (long r = 0; r < age; r += step) {
      columns.add(r);
    }
    columns.add(age);
    for (long x = 0; x <= maxX; x++) {
      for (long recency : columns) {
        if (x == 0 ? recency > 0 : recency < x) {
          continue;
        }
        rows.add(RowBuilder.of(SCHEMA).set("as_of_date", asOf).set("kind", "frequency_recency")
            .set("frequency", x).set("recency_days", recency).set("age_days", age)
            .set("expected_purchases_30",
                model.conditionalExpectedPurchases(new int[] {30}, x, recency, age)[0])
            .set("probability_alive", model.probabilityAlive(x, recency, age)).build());
      }
    }
    return rows;
  }

  /** Predicted vs actual repeat purchase days by calibration frequency bucket. */
  static List<Row> calibration(Date end, Map<String, double[]> buckets) {
    List<Row> rows = new ArrayList<>();
    buckets.forEach((bucket, v) -> {
      if (bucket.startsWith("holdout:x=")) {
        String x = bucket.substring("holdout:x=".length());
        rows.add(RowBuilder.of(SCHEMA).set("as_of_date", end).set("kind", "calibration")
            .set("frequency", Long.parseLong(x.replace("+", ""))).set("predicted", v[0])
            .set("actual", v[1]).set("members", v[2]).build());
      }
    });
    return rows;
  }

  /**
   * Cumulative expected and actual repeat purchase days of the calibration buyers on each day
   * of the holdout (an actual is null for a day without a state snapshot).
   */
  static List<Row> tracking(Date end, double[] predicted, double[] actual, double members) {
    List<Row> rows = new ArrayList<>();
    for (int day = 1; day <= predicted.length; day++) {
      rows.add(RowBuilder.of(SCHEMA).set("as_of_date", end).set("kind", "tracking")
          .set("day", day).set("predicted", predicted[day - 1])
          .set("actual", Double.isNaN(actual[day - 1]) ? null : actual[day - 1])
          .set("members", members).build());
    }
    return rows;
  }

  /**
   * The calibration buyers' repeat purchase days since calibration, summed, on each of the
   * {@code days} after {@code calibrationEnd}: {@code buyers} (user_id, purchase_days at
   * calibration) against {@code later} state rows (user_id, as_of_date, purchase_days). NaN
   * for a day with no state rows.
   */
  static double[] actualByDay(Dataset<Row> buyers, Dataset<Row> later, LocalDate calibrationEnd,
      int days) {
    double[] out = new double[days];
    Arrays.fill(out, Double.NaN);
    for (Row r : later.join(buyers.withColumnRenamed("purchase_days", "calibration_days"),
            "user_id")
        .groupBy("as_of_date")
        .agg(sum(col("purchase_days").minus(col("calibration_days"))).as("repeat"))
        .collectAsList()) {
      long day = r.<Date>getAs("as_of_date").toLocalDate().toEpochDay()
          - calibrationEnd.toEpochDay();
      if (day >= 1 && day <= days) {
        out[(int) day - 1] = r.<Long>getAs("repeat");
      }
    }
    return out;
  }
}
