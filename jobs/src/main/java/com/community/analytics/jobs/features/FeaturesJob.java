package com.community.analytics.jobs.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.community.analytics.common.catalog.Catalog;
import com.community.analytics.common.catalog.SharedTables;
import com.community.analytics.common.catalog.SilverTables;
import com.community.analytics.common.catalog.TableSpec;
import com.community.analytics.common.cli.JobArgs;
import com.community.analytics.common.cli.JobOption;
import com.community.analytics.common.cli.UsageException;
import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.config.CommonKeys;
import com.community.analytics.common.config.ConfigKey;
import com.community.analytics.common.job.Job;
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
import java.util.HashSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code features --date D} (or {@code --from/--to}): member features from silver.
 *
 * <p>Inputs: silver.events (the event dates whose events arrived in the run's dates, found by
 * arrival_date), silver.users, silver.content, and bounded windows of the gold tables below.
 * Outputs: gold.user_activity_daily (the touched dates), gold.user_state (every day from the
 * earliest touched date to D), and for the snapshot dates (D, and in a backfill every {@code
 * features.snapshot_every_days}-th day) gold.user_ltv, gold.ltv_model_fits and gold.user_tags.
 *
 * <p>Cost: nightly, state(D) = state(D-1) + day D (and the days late events touched, in the
 * same pass), reading four daily partitions per day; a date range without the previous day's
 * state is computed from history in one pass instead. LTV fits run on
 * the driver over summaries of at most {@code ltv.fit_max_summary_rows} rows; three small
 * collects per snapshot batch.
 */
public final class FeaturesJob implements Job {
  private static final Logger LOG = LoggerFactory.getLogger(FeaturesJob.class);

  public static final ConfigKey PASSIVE_TYPES = ConfigKey.tree("features.passive_event_types",
      "event types that do not make a member active (e.g. push_sent)");
  public static final ConfigKey SNAPSHOT_EVERY = ConfigKey.integer(
      "features.snapshot_every_days", 7, "in a backfill, LTV and tags are written for every "
          + "Nth day (by epoch day) and the last day").atLeast(1);
  public static final ConfigKey MAX_INCREMENTAL_DAYS = ConfigKey.integer(
      "features.max_incremental_days", 14, "state is rolled forward day by day for at most this "
          + "many days; longer ranges are computed from history in one pass");
  public static final ConfigKey DISCOUNT = ConfigKey.decimal("ltv.monthly_discount_rate", 0.01,
      "monthly discount rate of the predicted 12-month CLV");
  public static final ConfigKey PENALIZER = ConfigKey.decimal("ltv.penalizer", 0.0,
      "L2 penalty on the BG/NBD and Gamma-Gamma parameters");
  public static final ConfigKey MAX_SUMMARY_ROWS = ConfigKey.integer(
      "ltv.fit_max_summary_rows", 50000, "the BG/NBD fit's summary is exact up to this many "
          + "distinct (x, t_x, T) rows; above, recency and age are binned (2 to 28 days) to stay "
          + "under it, so the fit's time does not grow with members and history");
  public static final ConfigKey OBSERVATION = ConfigKey.oneOf("ltv.bgnbd_observation", "daily",
      "daily: BG/NBD likelihood for purchases counted as distinct days (exact for this data); "
          + "continuous: the textbook likelihood", "daily", "continuous");

  @Override
  public String name() {
    return "features";
  }

  @Override
  public String description() {
    return "member activity, cumulative state, LTV (BG/NBD + Gamma-Gamma) and tags";
  }

  @Override
  public List<JobOption> options() {
    return List.of(JobOption.value("holdout-days", "N",
        "also fit on data up to D-N and compare predicted with actual repeat purchases in the "
            + "last N days (gold.ltv_model_fits, segment holdout:*)"));
  }

  @Override
  public List<Catalog.Table> tables() {
    return List.of(
        Catalog.members(SharedTables.ACTIVITY_DAILY, "user_id", Catalog.Erasure.DELETE_ROWS),
        Catalog.members(SharedTables.USER_STATE, "user_id", Catalog.Erasure.DELETE_ROWS),
        Catalog.members(FeatureTables.USER_LTV, "user_id", Catalog.Erasure.DELETE_ROWS),
        Catalog.members(SharedTables.USER_TAGS, "user_id", Catalog.Erasure.DELETE_ROWS),
        Catalog.aggregate(FeatureTables.LTV_MODEL_FITS));
  }

  @Override
  public List<ConfigKey> configKeys() {
    List<ConfigKey> keys = new ArrayList<>(List.of(PASSIVE_TYPES, SNAPSHOT_EVERY,
        MAX_INCREMENTAL_DAYS, DISCOUNT, PENALIZER, MAX_SUMMARY_ROWS, OBSERVATION));
    keys.addAll(TagRules.keys());
    return keys;
  }

  @Override
  public void check(JobArgs args) {
    args.requireDates();
    args.option("holdout-days").ifPresent(v -> {
      if (!v.matches("[1-9][0-9]*")) {
        throw new UsageException("--holdout-days must be a positive number of days, got '" + v
            + "'");
      }
    });
  }

  @Override
  public void run(JobContext ctx) {
    SparkSession spark = ctx.spark();
    AppConfig config = ctx.config();
    TagRules rules = TagRules.from(config);
    DateRange range = ctx.args().requireDates();
    Set<String> passive = new HashSet<>();
    ((List<?>) config.getTree(PASSIVE_TYPES)).forEach(t -> passive.add(String.valueOf(t)));

    Dataset<Row> events = ctx.warehouse().read(SilverTables.EVENTS);
    TreeSet<LocalDate> activityDates = Phases.run(spark, name(), "find touched dates", () ->
        touchedDates(events, range));
    Dataset<Row> activity = ActivityDaily.aggregate(
        events.where(col("event_date").isin(DateRange.sqlValues(activityDates))),
        ctx.warehouse().read(SilverTables.CONTENT), passive, rules.interests());
    ctx.replace(SharedTables.ACTIVITY_DAILY, activity,
        "activity_date IN (" + DateRange.sqlList(activityDates) + ")");
    ctx.metrics().count("activity_dates", activityDates.size());

    LocalDate first = activityDates.first();
    Dataset<Row> users = UserState.users(ctx.warehouse().read(SilverTables.USERS),
        config.getString(CommonKeys.TIME_ZONE));
    writeState(ctx, users, first, range.to());

    List<LocalDate> snapshots = DateRange.of(first, range.to())
        .snapshotDays(config.getInt(SNAPSHOT_EVERY));
    Dataset<Row> state = ctx.warehouse().read(SharedTables.USER_STATE)
        .where(col("as_of_date").isin(DateRange.sqlValues(snapshots)));
    Dataset<Row> ltv = writeLtv(ctx, state, snapshots, rules);
    Dataset<Row> tags = Tags.tag(state, ltv, ctx.warehouse().read(SharedTables.ACTIVITY_DAILY)
        .where(col("activity_date").geq(lit(Date.valueOf(first.minusDays(
            rules.interests().windowDays())))).and(col("activity_date").leq(
            lit(Date.valueOf(range.to()))))), rules);
    ctx.replace(SharedTables.USER_TAGS, tags,
        "as_of_date IN (" + DateRange.sqlList(snapshots) + ")");
    ctx.metrics().count("snapshot_dates", snapshots.size());

    ctx.args().option("holdout-days").ifPresent(n ->
        holdout(ctx, range.to(), Integer.parseInt(n)));
  }

  /** Event dates whose events arrived in the run's dates, plus the run's dates themselves. */
  private static TreeSet<LocalDate> touchedDates(Dataset<Row> events, DateRange range) {
    TreeSet<LocalDate> dates = new TreeSet<>(range.days());
    for (Row r : events.where(col("arrival_date").between(Date.valueOf(range.from()),
        Date.valueOf(range.to()))).select("event_date").distinct().collectAsList()) {
      LocalDate d = r.<Date>getAs("event_date").toLocalDate();
      if (!d.isAfter(range.to())) {
        dates.add(d);
      }
    }
    return dates;
  }

  private void writeState(JobContext ctx, Dataset<Row> users, LocalDate from, LocalDate to) {
    SparkSession spark = ctx.spark();
    TableSpec table = SharedTables.USER_STATE;
    LocalDate before = from.minusDays(1);
    long days = to.toEpochDay() - from.toEpochDay() + 1;
    boolean havePrevious = ctx.warehouse().exists(table) && !ctx.warehouse().read(table)
        .where(col("as_of_date").equalTo(lit(Date.valueOf(before)))).limit(1).isEmpty();
    if (havePrevious && days <= ctx.config().getInt(MAX_INCREMENTAL_DAYS)) {
      Dataset<Row> next = UserState.advance(stateOn(ctx, before),
          ctx.warehouse().read(SharedTables.ACTIVITY_DAILY).where(col("activity_date")
              .isin(DateRange.sqlValues(UserState.advanceReads(from, to)))), users, from, to);
      ctx.replace(table, next, DateRange.of(from, to).sqlBetween("as_of_date"));
      ctx.metrics().count("state_days_incremental", days);
    } else {
      LOG.info("features: state {}..{} computed from history ({})", from, to,
          havePrevious ? "range longer than features.max_incremental_days"
              : "no state for " + before);
      Dataset<Row> full = UserState.fromHistory(ctx.warehouse().read(
          SharedTables.ACTIVITY_DAILY), users, from, to);
      ctx.replace(table, full, DateRange.of(from, to).sqlBetween("as_of_date"));
      ctx.metrics().count("state_days_from_history", days);
    }
  }

  private static Dataset<Row> stateOn(JobContext ctx, LocalDate day) {
    return ctx.warehouse().read(SharedTables.USER_STATE)
        .where(col("as_of_date").equalTo(lit(Date.valueOf(day))));
  }

  /** Fits per snapshot date, predictions, and both tables. Returns LTV rows with their tier. */
  private Dataset<Row> writeLtv(JobContext ctx, Dataset<Row> state, List<LocalDate> snapshots,
      TagRules rules) {
    SparkSession spark = ctx.spark();
    Map<Date, List<LtvFitter.BgNbdRow>> bgRows = Phases.run(spark, name(),
        "summarise BG/NBD inputs", () -> LtvScoring.bgNbdSummary(state,
            ctx.config().getInt(MAX_SUMMARY_ROWS)));
    Map<Date, List<LtvFitter.SpendRow>> spendRows = Phases.run(spark, name(),
        "summarise spend", () -> LtvScoring.spendSummary(state));
    double penalizer = ctx.config().getDouble(PENALIZER);
    BgNbdObservation observation = observation(ctx);
    Map<Date, LtvScoring.Models> models = new LinkedHashMap<>();
    List<Row> fitRows = new ArrayList<>();
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
      }
      fitRows.add(fitRow(d, bgFit, bg.size(), bgFit.converged() ? bgFit.message() : used));
      fitRows.add(fitRow(d, ggFit, sp.size(), ggFit.converged() ? ggFit.message() : used));
      LOG.info("features {}: BG/NBD {} ({}), Gamma-Gamma {} ({})", day, bgFit.parameters(),
          bgFit.message(), ggFit.parameters(), ggFit.message());
    }
    ctx.replace(FeatureTables.LTV_MODEL_FITS,
        spark.createDataFrame(fitRows, FeatureTables.LTV_MODEL_FITS.schema()),
        "as_of_date IN (" + DateRange.sqlList(snapshots) + ") AND segment = 'fit'");

    Dataset<Row> ltv = Tags.withLtvTier(LtvScoring.predict(state, models,
        ctx.config().getDouble(DISCOUNT)), rules);
    ctx.replace(FeatureTables.USER_LTV, ltv,
        "as_of_date IN (" + DateRange.sqlList(snapshots) + ")");
    return ctx.warehouse().read(FeatureTables.USER_LTV)
        .where(col("as_of_date").isin(DateRange.sqlValues(snapshots)));
  }

  private static BgNbdObservation observation(JobContext ctx) {
    return BgNbdObservation.parse(ctx.config().getString(OBSERVATION));
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
        byModel.put(model, new ModelFit(model, params, 0, 0, true, 0, ""));
      }
    }
    if (byModel.containsKey("bgnbd") && byModel.containsKey("gamma_gamma")) {
      return LtvScoring.models(observation, byModel.get("bgnbd"), byModel.get("gamma_gamma"),
          asOf);
    }
    return null;
  }

  private static Row fitRow(Date asOf, ModelFit fit, long summaryRows, String message) {
    return RowBuilder.of(FeatureTables.LTV_MODEL_FITS.schema()).set("as_of_date", asOf)
        .set("model", fit.model()).set("segment", "fit")
        .set("parameters", scala.collection.JavaConverters.mapAsScalaMap(fit.parameters()))
        .set("log_likelihood", Double.isFinite(fit.logLikelihood()) ? fit.logLikelihood() : null)
        .set("members", fit.members()).set("summary_rows", summaryRows)
        .set("converged", fit.converged()).set("iterations", fit.iterations())
        .set("message", message).build();
  }

  /**
   * Calibration/holdout: fit on the state of D-N, predict each member's repeat purchase days in
   * (D-N, D], compare with what happened, overall and by frequency bucket.
   */
  private void holdout(JobContext ctx, LocalDate day, int days) {
    SparkSession spark = ctx.spark();
    LocalDate calibrationEnd = day.minusDays(days);
    Dataset<Row> calibration = stateOn(ctx, calibrationEnd);
    if (calibration.isEmpty()) {
      throw new IllegalStateException("holdout needs gold.user_state for " + calibrationEnd
          + "; run features over that date first");
    }
    Dataset<Row> later = stateOn(ctx, day).select(col("user_id"),
        col("purchase_days").as("purchase_days_end"));
    BgNbdObservation observation = observation(ctx);
    ModelFit fit = LtvFitter.fitBgNbd(LtvScoring.bgNbdSummary(calibration,
            ctx.config().getInt(MAX_SUMMARY_ROWS)).getOrDefault(Date.valueOf(calibrationEnd),
            List.of()), ctx.config().getDouble(PENALIZER), observation);
    if (!fit.converged()) {
      throw new IllegalStateException("holdout BG/NBD fit failed: " + fit.message());
    }
    RepeatPurchaseModel model = observation.model(fit.parameters());
    int[] horizon = {days};
    List<Row> compared = LtvScoring.inputs(calibration).join(later, "user_id")
        .select("frequency", "recency_days", "age_days", "purchase_days", "purchase_days_end")
        .collectAsList();
    Map<String, double[]> buckets = new LinkedHashMap<>();
    // Members share histories, and the daily model integrates numerically: once per history.
    Map<List<Long>, Double> byHistory = new HashMap<>();
    for (Row r : compared) {
      long x = r.<Long>getAs("frequency");
      double predicted = byHistory.computeIfAbsent(List.of(x, r.<Long>getAs("recency_days"),
              r.<Long>getAs("age_days")),
          h -> model.conditionalExpectedPurchases(horizon, h.get(0), h.get(1), h.get(2))[0]);
      double actual = r.<Long>getAs("purchase_days_end") - r.<Long>getAs("purchase_days");
      for (String b : List.of("holdout:all", "holdout:x=" + (x >= 4 ? "4+" : String.valueOf(x)))) {
        double[] acc = buckets.computeIfAbsent(b, k -> new double[3]);
        acc[0] += predicted;
        acc[1] += actual;
        acc[2] += 1;
      }
    }
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
    ctx.replace(FeatureTables.LTV_MODEL_FITS, spark.createDataFrame(rows,
        FeatureTables.LTV_MODEL_FITS.schema()), "as_of_date = '" + day
        + "' AND segment LIKE 'holdout:%'");
  }
}
