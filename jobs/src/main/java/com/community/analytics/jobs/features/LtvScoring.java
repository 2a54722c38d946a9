package com.community.analytics.jobs.features;

import static org.apache.spark.sql.functions.approx_count_distinct;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import com.community.analytics.common.job.ModelApi;
import com.community.analytics.common.spark.RowBuilder;
import com.community.analytics.jobs.features.ltv.BgNbdObservation;
import com.community.analytics.jobs.features.ltv.GammaGamma;
import com.community.analytics.jobs.features.ltv.LtvFitter;
import com.community.analytics.jobs.features.ltv.ModelFit;
import com.community.analytics.jobs.features.ltv.RepeatPurchaseModel;
import java.io.Serializable;
import java.math.BigDecimal;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * LTV from state snapshots: the BG/NBD inputs in days at date granularity (x = distinct repeat
 * purchase days, t_x = last - first purchase date, T = as_of - first purchase date), the weighted
 * summaries the models are fitted on, and per-member predictions. Cost: three small
 * aggregations collected to the driver per run (summary sizes, then the summaries, bounded by
 * {@code ltv.fit_max_summary_rows} and the monetary-value binning), one narrow map for the
 * predictions.
 */
@ModelApi
public final class LtvScoring {
  private LtvScoring() {}

  /** The fitted pair used for one as_of date, and the date whose fit it is. */
  public record Models(RepeatPurchaseModel purchases, GammaGamma gammaGamma, Date fittedAsOf)
      implements Serializable {}

  /** 30, 90 and 365 days, then the cumulative ends of the 12 months of the CLV. */
  private static final int[] HORIZONS = {30, 90, 365, 30, 60, 90, 120, 150, 180, 210, 240, 270,
      300, 330, 360};

  /** Bin widths in days tried for recency and age, finest first (1: the exact summary). */
  static final int[] BIN_DAYS = {1, 2, 3, 5, 7, 14, 28};

  /**
   * BG/NBD summary rows per as_of date: (x, tx, T, members). The fit's cost follows the number
   * of distinct (x, tx, T) rows, and those grow with members and history (430 thousand for a
   * million buyers over a year). Where a date's exact summary would exceed {@code maxRows},
   * recency and age are binned to the finest width of {@link #BIN_DAYS} that keeps it under,
   * and each bin is represented by its members' mean recency and age, so the fit's cost
   * stays flat; predictions still use each member's exact values. Cost: one aggregation with
   * approximate distinct counts per width, one small collect, then the summary's aggregation.
   */
  public static Map<Date, List<LtvFitter.BgNbdRow>> bgNbdSummary(Dataset<Row> state,
      int maxRows) {
    Dataset<Row> in = inputs(state).select("as_of_date", "frequency", "recency_days",
        "age_days");
    List<Column> sizes = new ArrayList<>();
    for (int w : BIN_DAYS) {
      sizes.add(approx_count_distinct(xxhash64(col("frequency"),
          floor(col("recency_days").divide(w)), floor(col("age_days").divide(w))))
          .as("rows_" + w));
    }
    List<Row> widths = new ArrayList<>();
    for (Row r : in.groupBy("as_of_date").agg(sizes.get(0), sizes.subList(1, sizes.size())
        .toArray(new Column[0])).collectAsList()) {
      int chosen = BIN_DAYS[BIN_DAYS.length - 1];
      for (int i = 0; i < BIN_DAYS.length; i++) {
        if (r.<Long>getAs("rows_" + BIN_DAYS[i]) <= maxRows) {
          chosen = BIN_DAYS[i];
          break;
        }
      }
      widths.add(RowFactory.create(r.<Date>getAs("as_of_date"), chosen));
    }
    Dataset<Row> width = in.sparkSession().createDataFrame(widths, new StructType()
        .add("as_of_date", DataTypes.DateType).add("bin_days", DataTypes.IntegerType));
    Map<Date, List<LtvFitter.BgNbdRow>> out = new HashMap<>();
    for (Row r : in.join(broadcast(width), "as_of_date")
        .groupBy(col("as_of_date"), col("bin_days"), col("frequency"),
            floor(col("recency_days").divide(col("bin_days"))).as("recency_bin"),
            floor(col("age_days").divide(col("bin_days"))).as("age_bin"))
        .agg(avg("recency_days").as("recency"), avg("age_days").as("age"),
            count(lit(1)).as("members"))
        .collectAsList()) {
      // Unbinned (width 1) rows are exact; a bin stands at its members' mean recency and age,
      // which keeps x <= tx <= T as every member does.
      out.computeIfAbsent(r.getAs("as_of_date"), k -> new ArrayList<>()).add(
          new LtvFitter.BgNbdRow(r.<Long>getAs("frequency"), r.<Double>getAs("recency"),
              r.<Double>getAs("age"), r.<Long>getAs("members")));
    }
    return out;
  }

  /**
   * Gamma-Gamma summary rows per as_of date, in the convention of Fader, Hardie and Lee (2005)
   * that lifetimes and PyMC-Marketing follow: returning buyers only, x = repeat purchase days,
   * m = mean spend per repeat purchase day (a day's orders summed, the first purchase day left
   * out), binned to three significant digits. Binning keeps the rows few; its effect on the
   * fit is far below the sampling error.
   */
  public static Map<Date, List<LtvFitter.SpendRow>> spendSummary(Dataset<Row> state) {
    Map<Date, List<LtvFitter.SpendRow>> out = new HashMap<>();
    Dataset<Row> returning = inputs(state).where(col("monetary_value").gt(0))
        .withColumn("m_bin", expr("round(monetary_value / pow(10, floor(log10(monetary_value))"
            + " - 2)) * pow(10, floor(log10(monetary_value)) - 2)"));
    for (Row r : returning.groupBy("as_of_date", "frequency", "m_bin")
        .agg(count(lit(1)).as("members")).collectAsList()) {
      out.computeIfAbsent(r.getAs("as_of_date"), k -> new ArrayList<>()).add(
          new LtvFitter.SpendRow(r.<Long>getAs("frequency"), r.<Double>getAs("m_bin"),
              r.<Long>getAs("members")));
    }
    return out;
  }

  /**
   * State rows of buyers with their BG/NBD inputs and their Gamma-Gamma monetary value (mean
   * gross spend per repeat purchase day; null without a repeat purchase, or where the state
   * predates {@code first_purchase_day_gmv}).
   */
  public static Dataset<Row> inputs(Dataset<Row> state) {
    return state.where(col("first_purchase_date").isNotNull())
        .withColumn("frequency", col("purchase_days").minus(1))
        .withColumn("monetary_value", when(col("purchase_days").gt(1),
            col("gmv").minus(col("first_purchase_day_gmv")).cast("double")
                .divide(col("purchase_days").minus(1))))
        .withColumn("recency_days", datediff(col("last_purchase_date"),
            col("first_purchase_date")).cast("long"))
        .withColumn("age_days", datediff(col("as_of_date"), col("first_purchase_date"))
            .cast("long"));
  }

  static final StructType PREDICTIONS = new StructType()
      .add("user_id", DataTypes.StringType)
      .add("as_of_date", DataTypes.DateType)
      .add("historical_gmv", DataTypes.createDecimalType(18, 2))
      .add("orders", DataTypes.LongType)
      .add("aov", DataTypes.DoubleType)
      .add("monetary_value", DataTypes.DoubleType)
      .add("first_purchase_date", DataTypes.DateType)
      .add("last_purchase_date", DataTypes.DateType)
      .add("frequency", DataTypes.LongType)
      .add("recency_days", DataTypes.LongType)
      .add("age_days", DataTypes.LongType)
      .add("probability_alive", DataTypes.DoubleType)
      .add("expected_purchases_30", DataTypes.DoubleType)
      .add("expected_purchases_90", DataTypes.DoubleType)
      .add("expected_purchases_365", DataTypes.DoubleType)
      .add("expected_spend", DataTypes.DoubleType)
      .add("predicted_clv_12m", DataTypes.DoubleType)
      .add("clv_by_month", DataTypes.createArrayType(DataTypes.DoubleType))
      .add("total_ltv", DataTypes.DoubleType)
      .add("model_as_of", DataTypes.DateType);

  /**
   * Per-member predictions for every state row, with the models of its as_of date. Members who
   * never bought have no BG/NBD history: their predicted value is 0. A date without models
   * (no fit has converged yet) gets no predictions: total LTV is the historical value.
   */
  public static Dataset<Row> predict(Dataset<Row> state, Map<Date, Models> models,
      double monthlyDiscount) {
    Dataset<Row> rows = state
        .withColumn("net_gmv", col("gmv").minus(col("refund_amount")))
        .select(col("user_id"), col("as_of_date"), col("net_gmv"), col("orders"),
            col("gmv").cast("double").as("gross"), col("first_purchase_day_gmv"),
            col("first_purchase_date"), col("last_purchase_date"), col("purchase_days"));
    return rows.mapPartitions((MapPartitionsFunction<Row, Row>) it -> {
      // Members share (as_of, x, t_x, T) a lot, and the daily model integrates numerically.
      Map<List<Object>, double[]> cache = new HashMap<>();
      return new Iterator<Row>() {
        @Override
        public boolean hasNext() {
          return it.hasNext();
        }

        @Override
        public Row next() {
          return predictRow(it.next(), models, monthlyDiscount, cache);
        }
      };
    }, Encoders.row(PREDICTIONS));
  }

  static Row predictRow(Row r, Map<Date, Models> models, double monthlyDiscount,
      Map<List<Object>, double[]> cache) {
    Date asOf = r.getAs("as_of_date");
    long orders = r.<Long>getAs("orders");
    Date first = r.getAs("first_purchase_date");
    Date last = r.getAs("last_purchase_date");
    BigDecimal netGmv = r.getAs("net_gmv");
    double historical = netGmv.doubleValue();
    RowBuilder out = RowBuilder.of(PREDICTIONS).set("user_id", r.getAs("user_id"))
        .set("as_of_date", asOf).set("historical_gmv", netGmv).set("orders", orders)
        .set("total_ltv", historical);
    if (first == null) {
      return out.set("expected_purchases_30", 0.0).set("expected_purchases_90", 0.0)
          .set("expected_purchases_365", 0.0).set("predicted_clv_12m", 0.0)
          .set("clv_by_month", seq(Collections.nCopies(12, 0.0))).build();
    }
    long x = r.<Long>getAs("purchase_days") - 1;
    long tx = days(first, last);
    long t = days(first, asOf);
    double aov = r.<Double>getAs("gross") / orders;
    BigDecimal firstDay = r.getAs("first_purchase_day_gmv");
    Double monetary = x > 0 && firstDay != null
        ? (r.<Double>getAs("gross") - firstDay.doubleValue()) / x : null;
    out.set("aov", aov).set("monetary_value", monetary).set("first_purchase_date", first)
        .set("last_purchase_date", last)
        .set("frequency", x).set("recency_days", tx).set("age_days", t);
    Models m = models.get(asOf);
    if (m == null) {
      // No converged fit for this date (recorded in gold.ltv_model_fits): no prediction.
      return out.build();
    }
    // [P(alive), then the expected repeat purchase days over each of HORIZONS]
    double[] p = cache.computeIfAbsent(List.of(asOf, x, tx, t), k -> {
      double[] e = m.purchases().conditionalExpectedPurchases(HORIZONS, x, tx, t);
      double[] alive = new double[e.length + 1];
      alive[0] = m.purchases().probabilityAlive(x, tx, t);
      System.arraycopy(e, 0, alive, 1, e.length);
      return alive;
    });
    // Per purchase day, as BG/NBD counts purchases: one-time buyers get the population mean.
    double spend = monetary == null ? m.gammaGamma().populationMean()
        : m.gammaGamma().expectedSpend(x, monetary);
    double clv = 0;
    double previous = 0;
    List<Double> byMonth = new ArrayList<>(12);
    for (int month = 1; month <= 12; month++) {
      double cumulative = p[3 + month];
      byMonth.add((cumulative - previous) * spend / Math.pow(1 + monthlyDiscount, month));
      clv += byMonth.get(month - 1);
      previous = cumulative;
    }
    return out.set("probability_alive", p[0]).set("expected_purchases_30", p[1])
        .set("expected_purchases_90", p[2]).set("expected_purchases_365", p[3])
        .set("expected_spend", spend).set("predicted_clv_12m", clv)
        .set("clv_by_month", seq(byMonth))
        .set("total_ltv", historical + clv).set("model_as_of", m.fittedAsOf()).build();
  }

  /** An array column's value as Spark's row encoder takes it. */
  private static scala.collection.Seq<Double> seq(List<Double> values) {
    return scala.collection.JavaConverters.asScalaBuffer(values).toSeq();
  }

  private static long days(Date from, Date to) {
    return to.toLocalDate().toEpochDay() - from.toLocalDate().toEpochDay();
  }

  /** Models from a converged pair of fits. */
  public static Models models(BgNbdObservation observation, ModelFit bg, ModelFit gg,
      Date asOf) {
    return new Models(observation.model(bg.parameters()), new GammaGamma(gg.parameter("p"),
        gg.parameter("q"), gg.parameter("gamma")), asOf);
  }
}
