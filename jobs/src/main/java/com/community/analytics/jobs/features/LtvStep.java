package com.community.analytics.jobs.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import com.community.analytics.common.catalog.SharedTables;
import com.community.analytics.common.config.ConfigKey;
import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.spark.Phases;
import com.community.analytics.common.spark.RowBuilder;
import com.community.analytics.common.time.DateRange;
import com.community.analytics.jobs.features.ltv.BgNbdObservation;
import com.community.analytics.jobs.features.ltv.LtvFitter;
import com.community.analytics.jobs.features.ltv.ModelFit;
import com.community.analytics.jobs.features.ltv.RepeatPurchaseModel;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LTV step of {@code features}: per snapshot date, BG/NBD and Gamma-Gamma fits on the
 * driver over Spark summaries of the members' state (gold.ltv_model_fits, a failed fit falling
 * back to the newest converged one), each member's prediction (gold.user_ltv, with its tier),
 * and on request the calibration/holdout check. Cost: three small collects per snapshot batch
 * (the two summaries and the previous converged fits);
 * the fits' time does not grow with members ({@code ltv.fit_max_summary_rows}).
 */
public final class LtvStep {
  private static final Logger LOG = LoggerFactory.getLogger(LtvStep.class);

  private LtvStep() {}

  public static final ConfigKey<Double> DISCOUNT = ConfigKey.decimal(
      "ltv.monthly_discount_rate", 0.01,
      "monthly discount rate of the predicted 12-month CLV");
  public static final ConfigKey<Double> PENALIZER = ConfigKey.decimal("ltv.penalizer", 0.0,
      "L2 penalty on the BG/NBD and Gamma-Gamma parameters");
  public static final ConfigKey<Integer> MAX_SUMMARY_ROWS = ConfigKey.integer(
      "ltv.fit_max_summary_rows", 50000, "the BG/NBD fit's summary is exact up to this many "
          + "distinct (x, t_x, T) rows; above, recency and age are binned (2 to 28 days) to stay "
          + "under it, so the fit's time does not grow with members and history");
  public static final ConfigKey<String> OBSERVATION = ConfigKey.oneOf(
      "ltv.bgnbd_observation", "daily",
      "daily: BG/NBD likelihood for purchases counted as distinct days (exact for this data); "
          + "continuous: the textbook likelihood", "daily", "continuous");

  static List<ConfigKey<?>> keys() {
    return List.of(DISCOUNT, PENALIZER, MAX_SUMMARY_ROWS, OBSERVATION);
  }

  /**
   * Fits per snapshot date, predictions, and their tables (fits, frequency x recency grids,
   * member LTV). Returns LTV rows with their tier.
   */
  static Dataset<Row> write(JobContext ctx, Dataset<Row> state, List<LocalDate> snapshots,
      TagRules rules) {
    SparkSession spark = ctx.spark();
    Map<Date, List<LtvFitter.BgNbdRow>> bgRows = Phases.run(spark, ctx.args().job(),
        "summarise BG/NBD inputs", () -> LtvScoring.bgNbdSummary(state,
            ctx.config().get(MAX_SUMMARY_ROWS)));
    Map<Date, List<LtvFitter.SpendRow>> spendRows = Phases.run(spark, ctx.args().job(),
        "summarise spend", () -> LtvScoring.spendSummary(state));
    double penalizer = ctx.config().get(PENALIZER);
    BgNbdObservation observation = observation(ctx);
    Map<Date, LtvScoring.Models> models = new LinkedHashMap<>();
    List<Row> fitRows = new ArrayList<>();
    List<Row> diagnostics = new ArrayList<>();
    LtvScoring.Models lastGood = previousGoodModels(ctx, snapshots.get(0), observation);
    for (LocalDate day : snapshots) {
      Date d = Date.valueOf(day);
      List<LtvFitter.BgNbdRow> bg = bgRows.getOrDefault(d, List.of());
      List<LtvFitter.SpendRow> sp = spendRows.getOrDefault(d, List.of());
      ModelFit bgFit = LtvFitter.fitBgNbd(bg, penalizer, observation);
      ModelFit ggFit = LtvFitter.fitGammaGamma(sp, penalizer);
      String used = "converged";
      if (bgFit.converged() && ggFit.converged()) {
        lastGood = LtvScoring.models(observation, bgFit, ggFit, d);
      } else if (lastGood != null) {
        used = "fit failed (" + (bgFit.converged() ? ggFit.message() : bgFit.message())
            + "); predictions use the fit of " + lastGood.fittedAsOf();
        LOG.warn("features {}: LTV {}", day, used);
      } else {
        used = "fit failed (" + (bgFit.converged() ? ggFit.message() : bgFit.message())
            + ") and no earlier fit converged: no predictions for this date";
        LOG.warn("features {}: LTV {}", day, used);
      }
      if (lastGood != null) {
        models.put(d, lastGood);
        diagnostics.addAll(LtvDiagnostics.frequencyRecency(d, lastGood.purchases(), bg));
      }
      fitRows.add(fitRow(d, bgFit, bg.size(), bgFit.converged() ? bgFit.message() : used)
          .build());
      fitRows.add(spendFitRow(d, ggFit, sp, ggFit.converged() ? ggFit.message() : used));
      LOG.info("features {}: BG/NBD {} ({}), Gamma-Gamma {} ({})", day, bgFit.parameters(),
          bgFit.message(), ggFit.parameters(), ggFit.message());
    }
    writeFits(ctx, snapshots, fitRows, diagnostics);

    Dataset<Row> ltv = Tags.withLtvTier(LtvScoring.predict(state, models,
        ctx.config().get(DISCOUNT)), rules);
    ctx.replace(FeatureTables.USER_LTV, ltv,
        "as_of_date IN (" + DateRange.sqlList(snapshots) + ")");
    return ctx.warehouse().read(FeatureTables.USER_LTV)
        .where(col("as_of_date").isin(DateRange.sqlValues(snapshots)));
  }

  /** The fits' rows and their frequency x recency grids, replacing those of the snapshots. */
  private static void writeFits(JobContext ctx, List<LocalDate> snapshots, List<Row> fitRows,
      List<Row> diagnostics) {
    String dates = "as_of_date IN (" + DateRange.sqlList(snapshots) + ")";
    ctx.replace(FeatureTables.LTV_MODEL_FITS, ctx.spark().createDataFrame(fitRows,
        FeatureTables.LTV_MODEL_FITS.schema()), dates + " AND segment = 'fit'");
    ctx.replace(FeatureTables.LTV_DIAGNOSTICS, ctx.spark().createDataFrame(diagnostics,
        FeatureTables.LTV_DIAGNOSTICS.schema()), dates + " AND kind = 'frequency_recency'");
  }

  /**
   * The holdout's predictions and outcomes: per bucket ({@code holdout:all} and {@code
   * holdout:x=0..3, 4+} by calibration frequency) predicted and actual repeat purchase days and
   * members; and the predicted repeat purchase days of all members cumulated to each day.
   */
  record Holdout(Map<String, double[]> buckets, double[] predictedByDay) {}

  /**
   * The {@link Holdout} of the {@code days} after calibration. {@code compared} has each
   * member's frequency, recency_days, age_days and purchase_days at calibration and
   * purchase_days_end at its end. Members are summed in Spark per purchase history; the model
   * predicts each distinct history once, on the driver.
   */
  static Holdout holdoutBuckets(Dataset<Row> compared, RepeatPurchaseModel model, int days) {
    Map<String, double[]> buckets = new LinkedHashMap<>();
    double[] byDay = new double[days];
    int[] horizons = IntStream.rangeClosed(1, days).toArray();
    for (Row h : compared.groupBy("frequency", "recency_days", "age_days")
        .agg(count(lit(1)).as("members"),
            sum(col("purchase_days_end").minus(col("purchase_days"))).as("actual"))
        .collectAsList()) {
      long x = h.<Long>getAs("frequency");
      long members = h.<Long>getAs("members");
      double[] expected = model.conditionalExpectedPurchases(horizons, x,
          h.<Long>getAs("recency_days"), h.<Long>getAs("age_days"));
      for (int k = 0; k < days; k++) {
        byDay[k] += members * expected[k];
      }
      double predicted = members * expected[days - 1];
      for (String b : List.of("holdout:all", "holdout:x=" + (x >= 4 ? "4+" : String.valueOf(x)))) {
        double[] acc = buckets.computeIfAbsent(b, k -> new double[3]);
        acc[0] += predicted;
        acc[1] += h.<Long>getAs("actual");
        acc[2] += members;
      }
    }
    return new Holdout(buckets, byDay);
  }

  private static BgNbdObservation observation(JobContext ctx) {
    return BgNbdObservation.parse(ctx.config().get(OBSERVATION));
  }

  /** The newest converged fits before {@code day}, from gold.ltv_model_fits, if any. */
  private static LtvScoring.Models previousGoodModels(JobContext ctx, LocalDate day,
      BgNbdObservation observation) {
    List<Row> rows = ctx.warehouse().read(FeatureTables.LTV_MODEL_FITS)
        .where(col("segment").equalTo("fit").and(col("converged"))
            .and(col("as_of_date").lt(lit(Date.valueOf(day)))))
        .orderBy(col("as_of_date").desc()).limit(2).collectAsList();
    Map<String, ModelFit> byModel = new LinkedHashMap<>();
    Date asOf = null;
    for (Row r : rows) {
      if (asOf == null) {
        asOf = r.getAs("as_of_date");
      }
      if (r.getAs("as_of_date").equals(asOf)) {
        Map<String, Double> params = r.getJavaMap(r.fieldIndex("parameters"));
        String model = r.getAs("model");
        byModel.put(model, new ModelFit(model, params, Map.of(), 0, 0, true, 0, ""));
      }
    }
    if (byModel.containsKey("bgnbd") && byModel.containsKey("gamma_gamma")) {
      return LtvScoring.models(observation, byModel.get("bgnbd"), byModel.get("gamma_gamma"),
          asOf);
    }
    return null;
  }

  /** The Gamma-Gamma fit's row, with the frequency-monetary correlation of its sample. */
  private static Row spendFitRow(Date asOf, ModelFit fit, List<LtvFitter.SpendRow> rows,
      String message) {
    double r = LtvFitter.frequencyMonetaryCorrelation(rows);
    String checked = message;
    if (Math.abs(r) > LtvFitter.MAX_INDEPENDENT_CORRELATION) {
      checked = message + "; warning: frequency and monetary value correlate (r = "
          + String.format("%.2f", r) + "), the model assumes they do not";
      LOG.warn("features {}: Gamma-Gamma {}", asOf, checked);
    }
    return fitRow(asOf, fit, rows.size(), checked)
        .set("frequency_monetary_correlation", Double.isNaN(r) ? null : r).build();
  }

  private static RowBuilder fitRow(Date asOf, ModelFit fit, long summaryRows,
      String message) {
    return RowBuilder.of(FeatureTables.LTV_MODEL_FITS.schema()).set("as_of_date", asOf)
        .set("model", fit.model()).set("segment", "fit")
        .set("parameters", scala.collection.JavaConverters.mapAsScalaMap(fit.parameters()))
        .set("standard_errors", scala.collection.JavaConverters.mapAsScalaMap(
            fit.standardErrors()))
        .set("log_likelihood", Double.isFinite(fit.logLikelihood()) ? fit.logLikelihood() : null)
        .set("members", fit.members()).set("summary_rows", summaryRows)
        .set("converged", fit.converged()).set("iterations", fit.iterations())
        .set("message", message);
  }

  /** The holdout's calibration and tracking rows of gold.ltv_diagnostics. */
  private static void writeHoldoutDiagnostics(JobContext ctx, LocalDate day, int days,
      Holdout holdout, Dataset<Row> calibration) {
    LocalDate calibrationEnd = day.minusDays(days);
    Dataset<Row> buyers = LtvScoring.inputs(calibration).select("user_id", "purchase_days");
    Dataset<Row> laterStates = ctx.warehouse().read(SharedTables.USER_STATE)
        .where(col("as_of_date").gt(lit(Date.valueOf(calibrationEnd)))
            .and(col("as_of_date").leq(lit(Date.valueOf(day)))))
        .select("user_id", "as_of_date", "purchase_days");
    double[] actual = LtvDiagnostics.actualByDay(buyers, laterStates, calibrationEnd, days);
    List<Row> rows = new ArrayList<>(LtvDiagnostics.calibration(Date.valueOf(day),
        holdout.buckets()));
    double[] all = holdout.buckets().getOrDefault("holdout:all", new double[3]);
    rows.addAll(LtvDiagnostics.tracking(Date.valueOf(day), holdout.predictedByDay(), actual,
        all[2]));
    ctx.replace(FeatureTables.LTV_DIAGNOSTICS, ctx.spark().createDataFrame(rows,
        FeatureTables.LTV_DIAGNOSTICS.schema()), "as_of_date = '" + day
        + "' AND kind IN ('calibration', 'tracking')");
  }

  /**
   * Calibration/holdout: fit on the state of D-N, predict each member's repeat purchase days in
   * (D-N, D], compare with what happened, overall and by frequency bucket. The members are
   * summed in Spark per purchase history (x, t_x, T); only the distinct histories reach the
   * driver, where the model predicts each once.
   */
  static void holdout(JobContext ctx, LocalDate day, int days) {
    LocalDate calibrationEnd = day.minusDays(days);
    Dataset<Row> calibration = StateStep.stateOn(ctx, calibrationEnd);
    if (calibration.isEmpty()) {
      throw new IllegalStateException("holdout needs gold.user_state for " + calibrationEnd
          + "; run features over that date first");
    }
    BgNbdObservation observation = observation(ctx);
    ModelFit fit = LtvFitter.fitBgNbd(LtvScoring.bgNbdSummary(calibration,
            ctx.config().get(MAX_SUMMARY_ROWS)).getOrDefault(Date.valueOf(calibrationEnd),
            List.of()), ctx.config().get(PENALIZER), observation);
    if (!fit.converged()) {
      throw new IllegalStateException("holdout BG/NBD fit failed: " + fit.message());
    }
    RepeatPurchaseModel model = observation.model(fit.parameters());
    Dataset<Row> later = StateStep.stateOn(ctx, day).select(col("user_id"),
        col("purchase_days").as("purchase_days_end"));
    Holdout holdout = holdoutBuckets(LtvScoring.inputs(calibration).join(later, "user_id"),
        model, days);
    Map<String, double[]> buckets = holdout.buckets();
    writeHoldoutDiagnostics(ctx, day, days, holdout, calibration);
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, double[]> b : buckets.entrySet()) {
      rows.add(RowBuilder.of(FeatureTables.LTV_MODEL_FITS.schema())
          .set("as_of_date", Date.valueOf(day)).set("model", "bgnbd").set("segment", b.getKey())
          .set("parameters", scala.collection.JavaConverters.mapAsScalaMap(fit.parameters()))
          .set("log_likelihood", fit.logLikelihood()).set("members", b.getValue()[2])
          .set("converged", true).set("iterations", fit.iterations())
          .set("message", "fitted on data up to " + calibrationEnd).set("holdout_days", days)
          .set("predicted_repeat", b.getValue()[0]).set("actual_repeat", b.getValue()[1])
          .build());
      LOG.info("features holdout {} {} days {}: predicted {} actual {} repeat purchase days",
          day, days, b.getKey(), String.format("%.1f", b.getValue()[0]),
          String.format("%.0f", b.getValue()[1]));
    }
    ctx.replace(FeatureTables.LTV_MODEL_FITS, ctx.spark().createDataFrame(rows,
        FeatureTables.LTV_MODEL_FITS.schema()), "as_of_date = '" + day
        + "' AND segment LIKE 'holdout:%'");
  }
}
