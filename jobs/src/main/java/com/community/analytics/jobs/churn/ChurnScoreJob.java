package com.community.analytics.jobs.churn;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import com.community.analytics.common.catalog.Catalog;
import com.community.analytics.common.catalog.SharedTables;
import com.community.analytics.common.catalog.SilverTables;
import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.config.CommonKeys;
import com.community.analytics.common.config.ConfigKey;
import com.community.analytics.common.job.Job;
import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.job.JobResult;
import com.community.analytics.common.spark.DateFrames;
import com.community.analytics.common.spark.JoinKeys;
import com.community.analytics.common.spark.Phases;
import com.community.analytics.common.spark.RowBuilder;
import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code churn-score --date D}: scores every member active in the 30 days to D with the
 * champion, measures feature drift against the champion's training data, and plans the
 * retention plays; and how long members stay ({@link RetentionCurves}: Kaplan-Meier curves by
 * registration cohort and persona, log-rank tests).
 *
 * <p>Inputs: ml.churn_models (the champion), gold.user_state and gold.user_activity_daily (to
 * D), gold.user_tags on D (lifecycle, persona), silver.events (push_sent in the cap window) and
 * earlier gold.retention_actions. Outputs: gold.churn_scores, ml.churn_drift,
 * gold.retention_actions, gold.retention_curves and gold.retention_tests for D. Each score
 * carries the member's top three reasons ({@link ChurnExplainer}: TreeSHAP on the executors,
 * trees x leaves x depth^2 per member). Cost: one feature build, one model transform with its
 * explanation, one aggregation for the drift of all features, one for the survival counts.
 */
public final class ChurnScoreJob implements Job {
  private static final Logger LOG = LoggerFactory.getLogger(ChurnScoreJob.class);

  public static final ConfigKey<Double> RISK_HIGH = ConfigKey.decimal("churn.risk_high", 0.5,
      "churn probability from which a member is high risk").between(0, 1);
  public static final ConfigKey<Double> RISK_MEDIUM = ConfigKey.decimal("churn.risk_medium",
      0.25, "churn probability from which a member is medium risk").between(0, 1);
  public static final ConfigKey<Double> PSI_WARNING = ConfigKey.decimal("churn.psi_warning",
      0.25, "PSI from which a feature's drift is flagged").check(v -> v > 0, "> 0");
  public static final ConfigKey<LocalTime> PLANNED = ConfigKey.time("retention.planned_time",
      "20:00", "local time plays are planned for, the day after scoring");
  public static final ConfigKey<LocalTime> QUIET_START = ConfigKey.time("retention.quiet_start",
      "22:00", "start of quiet hours (local)");
  public static final ConfigKey<LocalTime> QUIET_END = ConfigKey.time("retention.quiet_end",
      "08:00", "end of quiet hours (local)");
  public static final ConfigKey<Integer> CAP_DAYS = ConfigKey.integer("retention.cap_days", 3,
      "no member is contacted more than once within this many days").atLeast(0);
  public static final ConfigKey<String> OFFER_CHURN = ConfigKey.string(
      "retention.offer.churn_warning", "churn-warning coupon", "offer for high-risk members")
      .nonEmpty();
  public static final ConfigKey<String> OFFER_RECALL = ConfigKey.string(
      "retention.offer.recall", "recall task pack",
      "offer for dormant members (7-30 days inactive)").nonEmpty();
  public static final ConfigKey<String> OFFER_GROWTH = ConfigKey.string(
      "retention.offer.growth", "7-day growth gift", "offer for new members (0-7 days)")
      .nonEmpty();

  public static final ConfigKey<Map<String, String>> REASON_PHRASES = ConfigKey.tree(
      "churn.reason_phrases", "a churn reason in words per feature, {value} standing for the "
          + "member's value; other features read '<feature> = <value>'",
      new TypeReference<Map<String, String>>() {})
      .check(m -> m.values().stream().allMatch(p -> p.contains("{value}")),
          "with {value} in every phrase");

  @Override
  public String name() {
    return "churn-score";
  }

  @Override
  public String description() {
    return "score members with the champion churn model, measure drift, plan retention plays";
  }

  @Override
  public List<Catalog.Table> tables() {
    return List.of(Catalog.members(ChurnTables.SCORES, "user_id", Catalog.Erasure.DELETE_ROWS),
        Catalog.aggregate(SharedTables.CHURN_DRIFT),
        Catalog.members(ChurnTables.ACTIONS, "user_id", Catalog.Erasure.DELETE_ROWS),
        Catalog.aggregate(ChurnTables.RETENTION_CURVES),
        Catalog.aggregate(ChurnTables.RETENTION_TESTS));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return List.of(RISK_HIGH, RISK_MEDIUM, PSI_WARNING, PLANNED, QUIET_START, QUIET_END,
        CAP_DAYS, OFFER_CHURN, OFFER_RECALL, OFFER_GROWTH, REASON_PHRASES,
        ChurnTrainJob.HORIZON);
  }

  @Override
  public void check(com.community.analytics.common.cli.JobArgs args) {
    args.requireDates();
  }

  @Override
  public Result run(JobContext ctx) throws java.io.IOException {
    SparkSession spark = ctx.spark();
    AppConfig config = ctx.config();
    LocalDate day = ctx.args().requireDates().to();
    ChurnRegistry registry = new ChurnRegistry(ctx, config.get(CommonKeys.LAKE_ROOT),
        System.getProperty("user.name"));
    Row champion = registry.champion().orElseThrow(() -> new IllegalStateException(
        "no champion churn model: run churn-train first (or churn-train --promote VERSION)"));
    int version = ChurnRegistry.version(champion);
    List<String> expected = champion.getList(champion.fieldIndex("features"));
    List<String> missing = new ArrayList<>(expected);
    missing.removeAll(ChurnFeatures.numericFeatures());
    if (!missing.isEmpty()) {
      throw new IllegalStateException("champion v" + version + " expects features this build "
          + "does not produce: " + missing);
    }

    Date d = Date.valueOf(day);
    Dataset<Row> state = ctx.warehouse().read(SharedTables.USER_STATE)
        .where(col("as_of_date").equalTo(lit(d)));
    if (state.isEmpty()) {
      throw new IllegalStateException("gold.user_state has no snapshot for " + day
          + ": run features --date " + day + " first");
    }
    // Bounded by the partition column: the features' own 90-day condition is a non-equi join
    // that Spark cannot prune partitions with, so without it every night read all history.
    Dataset<Row> activity = ctx.warehouse().read(SharedTables.ACTIVITY_DAILY)
        .where(col("activity_date").between(lit(Date.valueOf(day.minusDays(
            ChurnFeatures.LOOKBACK_DAYS - 1))), lit(d)));
    Dataset<Row> cutoff = DateFrames.of(spark, "cutoff", List.of(day));
    Dataset<Row> features = ChurnFeatures.build(state, activity, cutoff).cache();
    double high = config.get(RISK_HIGH);
    double medium = config.get(RISK_MEDIUM);
    PipelineModel pipeline = registry.pipeline(champion);
    Dataset<Row> scores = explained(registry.explainer(champion, pipeline),
        ChurnTrainer.calibrate(pipeline, registry.calibrator(champion), features))
        .select(col("user_id"), col("cutoff").as("as_of_date"), col("churn_probability"),
            when(col("churn_probability").geq(high), "high")
                .when(col("churn_probability").geq(medium), "medium").otherwise("low")
                .as("risk_tier"), lit(version).as("model_version"), col("reasons"),
            col("log_odds"), col("expected_log_odds"));
    long scored = ctx.replace(ChurnTables.SCORES, scores, "as_of_date = '" + day + "'");

    List<Row> drift = Phases.run(spark, name(), "measure drift", () ->
        drift(registry.profile(champion), features, d, version, config.get(PSI_WARNING)));
    ctx.replace(SharedTables.CHURN_DRIFT, spark.createDataFrame(drift,
        SharedTables.CHURN_DRIFT.schema()), "as_of_date = '" + day + "'");
    long warnings = drift.stream().filter(r -> r.<Boolean>getAs("warning")).count();
    if (warnings > 0) {
      LOG.warn("churn-score {}: {} features drifted (PSI >= {})", day, warnings,
          config.get(PSI_WARNING));
    }
    features.unpersist();

    Dataset<Row> actions = actions(ctx, day, ctx.warehouse().read(ChurnTables.SCORES)
        .where(col("as_of_date").equalTo(lit(d))));
    long planned = ctx.replace(ChurnTables.ACTIONS, actions, "as_of_date = '" + day + "'");
    survival(ctx, state, d);
    return new Result(version, scored, warnings, planned);
  }

  /**
   * What a night's scoring did: the champion version used, members scored, features whose
   * drift reached the warning PSI, and retention actions planned.
   */
  public record Result(long modelVersion, long membersScored, long driftWarnings,
      long actionsPlanned) implements JobResult {}

  private static List<Row> drift(Dataset<Row> profile, Dataset<Row> features, Date day,
      int version, double threshold) {
    Map<String, double[]> edges = new LinkedHashMap<>();
    Map<String, double[]> expected = new LinkedHashMap<>();
    for (Row p : profile.collectAsList()) {
      String feature = p.getString(p.fieldIndex("feature"));
      edges.put(feature, doubles(p.getList(p.fieldIndex("edges"))));
      expected.put(feature, doubles(p.getList(p.fieldIndex("shares"))));
    }
    Map<String, double[]> actual = FeatureProfile.shares(features, edges);
    List<Row> out = new ArrayList<>();
    expected.forEach((feature, shares) -> {
      double psi = Psi.of(shares, actual.get(feature));
      out.add(RowBuilder.of(SharedTables.CHURN_DRIFT.schema()).set("as_of_date", day)
          .set("feature", feature).set("psi", psi).set("warning", psi >= threshold)
          .set("model_version", version).build());
    });
    return out;
  }

  /**
   * gold.retention_curves and gold.retention_tests on D, personas from the newest tags on or
   * before D (a backfill writes tags weekly and on its last day).
   */
  private void survival(JobContext ctx, Dataset<Row> state, Date d) {
    Dataset<Row> allTags = ctx.warehouse().read(SharedTables.USER_TAGS)
        .where(col("as_of_date").leq(lit(d)));
    Date tagged = allTags.agg(max("as_of_date").as("latest")).first().getAs("latest");
    Dataset<Row> tags = allTags.where(col("as_of_date").equalTo(lit(tagged)));
    var groups = Phases.run(ctx.spark(), name(), "retention curves", () ->
        RetentionCurves.grouped(RetentionCurves.counts(RetentionCurves.lifetimes(state, tags, d,
            ctx.config().get(ChurnTrainJob.HORIZON))).collectAsList()));
    String where = "as_of_date = '" + d + "'";
    ctx.replace(ChurnTables.RETENTION_CURVES, ctx.spark().createDataFrame(
        RetentionCurves.curves(groups, d), ChurnTables.RETENTION_CURVES.schema()), where);
    ctx.replace(ChurnTables.RETENTION_TESTS, ctx.spark().createDataFrame(
        RetentionCurves.tests(groups, d), ChurnTables.RETENTION_TESTS.schema()), where);
  }

  /** The scored rows with each member's reasons, or null reasons when none can be given. */
  private static Dataset<Row> explained(Optional<ChurnExplainer> explainer, Dataset<Row> rows) {
    if (explainer.isPresent()) {
      return explainer.get().withReasons(rows);
    }
    LOG.warn("churn-score: the champion has no SHAP baseline saved (a logistic model trained "
        + "before reasons existed): members are scored without reasons");
    return rows.withColumn("reasons", lit(null).cast(ChurnExplainer.REASONS))
        .withColumn("log_odds", lit(null).cast("double"))
        .withColumn("expected_log_odds", lit(null).cast("double"));
  }

  private static double[] doubles(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * The play per member: a churn-warning coupon for high risk, else the recall pack for dormant
   * members, else the growth gift for new members; sent at the next allowed moment.
   */
  private Dataset<Row> actions(JobContext ctx, LocalDate day, Dataset<Row> scores) {
    AppConfig c = ctx.config();
    RetentionPlanner planner = new RetentionPlanner(ZoneId.of(c.get(CommonKeys.TIME_ZONE)),
        c.get(PLANNED), c.get(QUIET_START), c.get(QUIET_END), c.get(CAP_DAYS));
    Date d = Date.valueOf(day);
    Dataset<Row> tags = ctx.warehouse().read(SharedTables.USER_TAGS)
        .where(col("as_of_date").equalTo(lit(d))).select("user_id", "lifecycle_stage");
    Date capStart = Date.valueOf(day.minusDays(c.get(CAP_DAYS) + 1L));
    Dataset<Row> pushes = ctx.warehouse().read(SilverTables.EVENTS)
        .where(col("event_date").geq(lit(capStart)).and(col("event_date").leq(lit(d)))
            .and(col("event_type").equalTo("push_sent")))
        .groupBy("user_id").agg(max("event_time").as("last_push"));
    Dataset<Row> earlier = ctx.warehouse().read(ChurnTables.ACTIONS)
        .where(col("as_of_date").geq(lit(capStart)).and(col("as_of_date").lt(lit(d))))
        .groupBy("user_id").agg(max("send_at").as("last_action"));
    Dataset<Row> candidates = tags.join(scores.select("user_id", "risk_tier",
            "churn_probability", "reasons"), JoinKeys.on("user_id"), "left")
        .withColumn("play", when(col("risk_tier").equalTo("high"), "churn_warning")
            .when(col("lifecycle_stage").equalTo("dormant"), "recall")
            .when(col("lifecycle_stage").equalTo("new"), "growth"))
        .where(col("play").isNotNull())
        .join(pushes, JoinKeys.on("user_id"),
            "left")
        .join(earlier, JoinKeys.on("user_id"),
            "left");
    String churnOffer = c.get(OFFER_CHURN);
    String recallOffer = c.get(OFFER_RECALL);
    String growthOffer = c.get(OFFER_GROWTH);
    Map<String, String> phrases = new LinkedHashMap<>(c.get(REASON_PHRASES));
    return candidates.map((MapFunction<Row, Row>) r -> {
      String play = r.getString(r.fieldIndex("play"));
      Timestamp push = r.getTimestamp(r.fieldIndex("last_push"));
      Timestamp action = r.getTimestamp(r.fieldIndex("last_action"));
      Timestamp last = push == null ? action : action == null ? push
          : (push.after(action) ? push : action);
      java.time.Instant send = planner.sendTime(d.toLocalDate(), last == null ? null
          : last.toInstant());
      String offer = play.equals("churn_warning") ? churnOffer
          : play.equals("recall") ? recallOffer : growthOffer;
      String reason = play.equals("churn_warning") ? "high churn risk"
          : play.equals("recall") ? "dormant 7-30 days" : "registered in the last 7 days";
      List<Row> why = r.isNullAt(r.fieldIndex("reasons")) ? List.of()
          : r.getList(r.fieldIndex("reasons"));
      if (play.equals("churn_warning") && !why.isEmpty()) {
        reason += "; churn risk driven most by " + ChurnExplainer.inWords(why.get(0), phrases);
      }
      Object p = r.get(r.fieldIndex("churn_probability"));
      return RowFactory.create(r.getString(r.fieldIndex("user_id")), d, play, offer, reason,
          Timestamp.from(send), p);
    }, Encoders.row(ChurnTables.ACTIONS.schema()));
  }
}
