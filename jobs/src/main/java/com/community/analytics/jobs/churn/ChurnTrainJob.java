package com.community.analytics.jobs.churn;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import com.community.analytics.common.catalog.Catalog;
import com.community.analytics.common.catalog.SharedTables;
import com.community.analytics.common.cli.JobArgs;
import com.community.analytics.common.cli.JobOption;
import com.community.analytics.common.cli.ResultFormatter;
import com.community.analytics.common.cli.UsageException;
import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.config.CommonKeys;
import com.community.analytics.common.config.ConfigKey;
import com.community.analytics.common.job.Job;
import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.job.JobResult;
import com.community.analytics.common.spark.DateFrames;
import com.community.analytics.common.spark.Phases;
import com.community.analytics.common.spark.RowBuilder;
import com.community.analytics.common.time.DateRange;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.io.PrintStream;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code churn-train --date D}: builds the point-in-time training set from weekly cutoffs whose
 * horizon has passed by D, trains and calibrates the churn model, measures it on the newest
 * cutoff, saves it as a new version and applies the promotion rule. {@code --promote V} and
 * {@code --rollback} change the champion without training; every change is in the audit log
 * ml.churn_model_events, with {@code --requested-by} and {@code --reason}. {@code --history}
 * prints that log and {@code --champion-on D} the version that was champion on D.
 *
 * <p>Inputs: gold.user_state (on the cutoffs), gold.user_activity_daily (up to D). Outputs:
 * ml.churn_training_set (the cutoffs), ml.churn_models, ml.churn_model_events, the model under
 * {@code <lake>/models/churn/v<N>} (pipeline, calibrator, profile, feature means). Cost: one
 * feature build (a join and a shuffle), one fit per grid point, small metric aggregations, an
 * explanation pass over the test rows, a few collects of metrics (tens of rows).
 */
public final class ChurnTrainJob implements Job {
  private static final Logger LOG = LoggerFactory.getLogger(ChurnTrainJob.class);

  public static final ConfigKey<Integer> HORIZON = ConfigKey.integer("churn.horizon_days", 30,
      "churned = no activity in this many days after the cutoff").atLeast(1);
  public static final ConfigKey<Integer> CUTOFFS = ConfigKey.integer("churn.cutoffs", 6,
      "weekly cutoffs in the training set (newest: test, next: validation, rest: train)")
      .atLeast(3);
  public static final ConfigKey<Integer> STEP = ConfigKey.integer("churn.cutoff_step_days", 7,
      "days between cutoffs").atLeast(1);
  public static final ConfigKey<Double> TOLERANCE = ConfigKey.decimal(
      "churn.promotion_tolerance", 0.01,
      "a new model becomes champion when its test AUC-PR >= the champion's minus this");
  public static final ConfigKey<List<ChurnTrainer.Candidate>> GRID = ConfigKey.tree(
      "churn.grid", "candidates: [{algorithm: gbt|logistic_regression, params: {name: value}}]",
      new TypeReference<List<ChurnTrainer.Candidate>>() {})
      .check(candidates -> !candidates.isEmpty(), "with at least one candidate");

  @Override
  public String name() {
    return "churn-train";
  }

  @Override
  public String description() {
    return "train, calibrate and register a churn model; --promote V / --rollback";
  }

  private final PrintStream out;

  /** A churn-train job printing its registry answers (--history, --champion-on) to stdout. */
  public ChurnTrainJob() {
    this(System.out);
  }

  public ChurnTrainJob(PrintStream out) {
    this.out = out;
  }

  @Override
  public List<JobOption> options() {
    return List.of(JobOption.value("promote", "VERSION", "make this version the champion"),
        JobOption.flag("rollback", "restore the champion before the current one"),
        JobOption.value("requested-by", "NAME", "who asks for this change, for the audit log "
            + "(default: the OS user)"),
        JobOption.value("reason", "TEXT", "why, for the audit log (with --promote/--rollback)"),
        JobOption.flag("history", "print the registry's audit log (ml.churn_model_events)"),
        JobOption.value("champion-on", "DATE|INSTANT", "print the version that was champion at "
            + "the end of DATE (business time zone) or at an ISO instant"));
  }

  /** Promote and rollback are registry actions, not a night's training: a chain trains. */
  @Override
  public List<JobOption> stepOptions() {
    return List.of();
  }

  @Override
  public List<Catalog.Table> tables() {
    return List.of(
        Catalog.members(ChurnTables.TRAINING_SET, "user_id", Catalog.Erasure.DELETE_ROWS),
        Catalog.aggregate(ChurnTables.MODELS), Catalog.aggregate(ChurnTables.MODEL_EVENTS));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return List.of(HORIZON, CUTOFFS, STEP, TOLERANCE, GRID);
  }

  @Override
  public void check(JobArgs args) {
    long actions = java.util.stream.Stream.of(args.flag("rollback"),
        args.option("promote").isPresent(), args.flag("history"),
        args.option("champion-on").isPresent()).filter(b -> b).count();
    if (actions > 1) {
      throw new UsageException("give one of --promote, --rollback, --history, --champion-on");
    }
    args.option("champion-on").ifPresent(ChurnTrainJob::parseMoment);
    if (args.option("reason").isPresent() && !args.flag("rollback")
        && args.option("promote").isEmpty()) {
      throw new UsageException("--reason goes with --promote or --rollback (a training run's "
          + "reason is the promotion rule's outcome)");
    }
    if (args.flag("history") || args.option("champion-on").isPresent()) {
      return;
    }
    args.option("promote").ifPresent(v -> {
      if (!v.matches("[1-9][0-9]*")) {
        throw new UsageException("--promote takes a version number, got '" + v + "'");
      }
    });
    if (!args.flag("rollback") && args.option("promote").isEmpty()) {
      args.requireDates();
    }
  }

  @Override
  public Result run(JobContext ctx) throws IOException {
    JobArgs args = ctx.args();
    ChurnRegistry registry = new ChurnRegistry(ctx, ctx.config().get(CommonKeys.LAKE_ROOT),
        args.option("requested-by").orElse(System.getProperty("user.name")));
    String reason = args.option("reason").orElse(null);
    if (args.flag("history")) {
      Dataset<Row> events = ctx.warehouse().read(ChurnTables.MODEL_EVENTS)
          .orderBy("event_time", "version").select(date_format(col("event_time"),
              "yyyy-MM-dd HH:mm:ss'Z'").as("event_time_utc"), col("action"), col("version"),
              col("from_status"), col("to_status"), col("requested_by"), col("reason"));
      out.print(ResultFormatter.format(events.columns(), events.collectAsList(), "table"));
      return new Result("history", 0, false, Map.of());
    }
    if (args.option("champion-on").isPresent()) {
      String asked = args.option("champion-on").get();
      Instant at = parseMoment(asked).apply(ZoneId.of(ctx.config().get(CommonKeys.TIME_ZONE)));
      Optional<Integer> v = ChurnRegistry.championAt(registry.events(), at);
      out.println(v.map(n -> "v" + n + " was the churn champion on " + asked)
          .orElse("no churn model was champion on " + asked));
      return new Result("champion_on", v.orElse(0), v.isPresent(), Map.of());
    }
    if (args.flag("rollback")) {
      int restored = registry.rollback(reason);
      LOG.info("churn-train: rolled back; champion is v{}", restored);
      return new Result("rolled_back", restored, true, Map.of());
    }
    if (args.option("promote").isPresent()) {
      int v = Integer.parseInt(args.option("promote").get());
      registry.promote(v, "promoted by hand" + (reason == null ? "" : ": " + reason));
      LOG.info("churn-train: v{} promoted by hand", v);
      return new Result("promoted", v, true, Map.of());
    }
    return train(ctx, registry);
  }

  /**
   * {@code --champion-on}'s moment: the end of a date in the business time zone, or an ISO
   * instant; a usage error (exit 2) otherwise.
   */
  static java.util.function.Function<ZoneId, Instant> parseMoment(String text) {
    try {
      LocalDate d = LocalDate.parse(text);
      return zone -> d.plusDays(1).atStartOfDay(zone).toInstant().minusNanos(1);
    } catch (java.time.format.DateTimeParseException notADate) {
      try {
        Instant t = Instant.parse(text);
        return zone -> t;
      } catch (java.time.format.DateTimeParseException e) {
        throw new UsageException("--champion-on takes a date (2026-03-01) or an instant "
            + "(2026-03-01T08:00:00Z), got '" + text + "'");
      }
    }
  }

  /**
   * What a run did: {@code action} trained, promoted, rolled_back, history or champion_on; the
   * version it trained or made champion (for champion_on, the answer, 0 for none); whether
   * that version is (was) the champion; a trained model's test metrics.
   */
  public record Result(String action, long version, boolean champion,
      Map<String, Double> testMetrics) implements JobResult {}

  /** Weekly cutoffs ending at D - horizon, newest first. */
  static List<LocalDate> cutoffs(LocalDate dataUntil, int horizon, int count, int step) {
    List<LocalDate> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(dataUntil.minusDays(horizon + (long) i * step));
    }
    return out;
  }

  private Result train(JobContext ctx, ChurnRegistry registry) throws IOException {
    AppConfig config = ctx.config();
    LocalDate until = ctx.args().requireDates().to();
    List<LocalDate> cutoffs = cutoffs(until, config.get(HORIZON), config.get(CUTOFFS),
        config.get(STEP));
    writeTrainingSet(ctx, cutoffs, until);
    Dataset<Row> set = ctx.warehouse().read(ChurnTables.TRAINING_SET)
        .where(col("cutoff").isin(cutoffs.stream().map(Date::valueOf).toArray())).cache();
    Dataset<Row> trainRows = set.where(col("split").equalTo("train"));
    Dataset<Row> testRows = set.where(col("split").equalTo("test"));
    ChurnTrainer.Trained trained = Phases.run(ctx.spark(), name(), "train and calibrate", () ->
        ChurnTrainer.train(trainRows, set.where(col("split").equalTo("validation")), testRows,
            config.get(GRID)));
    LOG.info("churn-train: {} {} test metrics {}", trained.candidate().algorithm(),
        trained.candidate().params(), trained.metrics());

    int version = registry.nextVersion();
    String path = registry.path(version);
    trained.pipeline().write().overwrite().save(path + "/pipeline");
    trained.calibrator().write().overwrite().save(path + "/calibrator");
    FeatureProfile.of(trainRows).write().mode("overwrite").parquet(path + "/profile");
    registry.saveFeatureMeans(version, trained.featureMeans());
    Decision decision = decide(registry, trained, testRows, config.get(TOLERANCE));
    set.unpersist();
    List<Row> all = registry.versions();
    all.add(entry(version, until, cutoffs, trained, decision.text(), path));
    registry.write(all, ChurnRegistry.TRAIN, Timestamp.from(Instant.now()));
    if (decision.promote()) {
      registry.promote(version, decision.text());
    }
    LOG.info("churn-train: v{} {}: {}", version, decision.promote() ? ChurnRegistry.CHAMPION
        : ChurnRegistry.CHALLENGER, decision.text());
    ctx.metrics().addWritten(ChurnTables.MODELS.name(), 1);
    return new Result("trained", version, decision.promote(), trained.metrics());
  }

  /**
   * Point-in-time features and labels of every member on each cutoff, split by cutoff: the
   * newest is the test set, the next the validation set, the rest train.
   */
  private static void writeTrainingSet(JobContext ctx, List<LocalDate> cutoffs,
      LocalDate until) {
    int horizon = ctx.config().get(HORIZON);
    Dataset<Row> state = ctx.warehouse().read(SharedTables.USER_STATE)
        .where(col("as_of_date").isin(cutoffs.stream().map(Date::valueOf).toArray()));
    // Features look back LOOKBACK_DAYS from the oldest cutoff; labels look ahead to until.
    LocalDate earliest = java.util.Collections.min(cutoffs)
        .minusDays(ChurnFeatures.LOOKBACK_DAYS - 1);
    Dataset<Row> activity = ctx.warehouse().read(SharedTables.ACTIVITY_DAILY)
        .where(col("activity_date").between(lit(Date.valueOf(earliest)),
            lit(Date.valueOf(until))));
    Dataset<Row> labelled = ChurnFeatures.label(ChurnFeatures.build(state, activity,
            DateFrames.of(ctx.spark(), "cutoff", cutoffs)), activity, horizon)
        .withColumn("split", when(col("cutoff").equalTo(lit(Date.valueOf(cutoffs.get(0)))),
            "test").when(col("cutoff").equalTo(lit(Date.valueOf(cutoffs.get(1)))),
            "validation").otherwise("train"));
    long rows = ctx.replace(ChurnTables.TRAINING_SET, labelled, "cutoff IN ("
        + DateRange.sqlList(cutoffs) + ")");
    if (rows == 0) {
      throw new IllegalStateException("no training rows: gold.user_state has no members on the "
          + "cutoffs " + cutoffs + " (run features over those dates first)");
    }
  }

  /** Whether the new model becomes champion, and why. */
  private record Decision(boolean promote, String text) {}

  /**
   * The first model is champion; a later one is promoted when its test AUC-PR is at least the
   * champion's on the same test rows, less the tolerance.
   */
  private static Decision decide(ChurnRegistry registry, ChurnTrainer.Trained trained,
      Dataset<Row> testRows, double tolerance) throws IOException {
    Optional<Row> champion = registry.champion();
    if (champion.isEmpty()) {
      return new Decision(true, "first model");
    }
    Row c = champion.get();
    double newPr = trained.metrics().get("auc_pr");
    double championPr = ChurnTrainer.metrics(ChurnTrainer.calibrate(registry.pipeline(c),
        registry.calibrator(c), testRows)).get("auc_pr");
    boolean promote = newPr >= championPr - tolerance;
    return new Decision(promote, String.format("test AUC-PR %.4f vs champion v%d %.4f on the "
        + "same test set (tolerance %.3f): %s", newPr, ChurnRegistry.version(c), championPr,
        tolerance, promote ? "promoted" : "kept as challenger"));
  }

  /** The registry row of a new version, entered as a challenger. */
  private static Row entry(int version, LocalDate until, List<LocalDate> cutoffs,
      ChurnTrainer.Trained trained, String decision, String path) {
    return RowBuilder.of(ChurnTables.MODELS.schema()).set("version", version)
        .set("trained_at", Timestamp.from(Instant.now())).set("data_until", Date.valueOf(until))
        .set("train_cutoffs", scala.collection.JavaConverters.asScalaBuffer(
            cutoffs.subList(2, cutoffs.size()).stream().map(Date::valueOf).toList()).toList())
        .set("validation_cutoff", Date.valueOf(cutoffs.get(1)))
        .set("test_cutoff", Date.valueOf(cutoffs.get(0)))
        .set("algorithm", trained.candidate().algorithm())
        .set("params", scala.collection.JavaConverters.mapAsScalaMap(trained.candidate().params()))
        .set("metrics", scala.collection.JavaConverters.mapAsScalaMap(
            new LinkedHashMap<>(trained.metrics())))
        .set("features", scala.collection.JavaConverters.asScalaBuffer(
            ChurnFeatures.numericFeatures()).toList())
        .set("importances", scala.collection.JavaConverters.mapAsScalaMap(trained.importances()))
        .set("mean_abs_shap", scala.collection.JavaConverters.mapAsScalaMap(
            trained.meanAbsShap()))
        .set("calibration", scala.collection.JavaConverters.asScalaBuffer(trained.calibration())
            .toList())
        .set("status", ChurnRegistry.CHALLENGER).set("decision", decision).set("path", path)
        .build();
  }
}
