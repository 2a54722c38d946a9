package com.community.analytics.jobs.churn;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.spark.DateFrames;
import com.community.analytics.common.spark.RowBuilder;
import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.jobs.features.FeaturesJob;
import com.community.analytics.jobs.support.JobFixture;
import com.community.analytics.jobs.support.SharedFixture;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model lifecycle on the shared generated community: the first model becomes champion, a
 * model that fails the promotion rule stays challenger, the ML team promotes and rolls back by
 * hand, and scoring uses whichever model is champion. Retention plays on consecutive days respect the
 * frequency cap.
 */
class ChurnRegistryTest {
  private final SparkSession spark = SparkTestSession.get();

  @TempDir
  Path tmp;

  private Map<Integer, String> statuses(JobFixture f) {
    return spark.read().format("delta").load(f.warehouse + "/ml/churn_models").collectAsList()
        .stream().collect(Collectors.toMap(r -> r.getInt(r.fieldIndex("version")),
            r -> r.getString(r.fieldIndex("status"))));
  }

  @Test
  void promotionRuleManualPromotionRollbackAndScoring() throws Exception {
    // The shared 1,500-member community (tags every week and on its last day, 2026-03-01), with
    // a lake of its own: churn-train saves its models there.
    JobFixture f = SharedFixture.copyWithLake(SharedFixture.COMMUNITY_60_DAYS, tmp);
    f.extraYaml = "churn:\n  grid:\n    - algorithm: gbt\n      params: {max_depth: 3, max_iter: 8}\n"
        + "    - algorithm: logistic_regression\n      params: {reg_param: 0.01}\n";
    Map<String, String> conf = new HashMap<>(SharedFixture.COMMUNITY_60_DAYS.conf());
    conf.put("churn.cutoffs", "4");
    String dayBefore = "2026-02-28";
    String end = "2026-03-01";
    // That day's night again, as production reruns a night: both days get tags, so both
    // scorings below plan plays and the frequency cap has work to do.
    f.run(new FeaturesJob(), conf, "--date", dayBefore);

    ChurnTrainJob.Result v1Result = f.run(new ChurnTrainJob(), conf, "--date", end)
        .result(ChurnTrainJob.Result.class);
    assertEquals(Map.of(1, "champion"), statuses(f), "the first model becomes champion");
    Row v1 = spark.read().format("delta").load(f.warehouse + "/ml/churn_models").first();
    Map<String, Double> metrics = v1.getJavaMap(v1.fieldIndex("metrics"));
    assertEquals(new ChurnTrainJob.Result("trained", 1, true, metrics), v1Result,
        "the result names the version, its promotion and the metrics the registry holds");
    for (String m : List.of("auc_roc", "auc_pr", "log_loss", "brier", "top_decile_precision",
        "top_decile_lift")) {
      assertTrue(metrics.containsKey(m), m + " in " + metrics);
    }
    assertTrue(metrics.get("auc_roc") > 0.5, "better than chance: " + metrics);
    List<Row> calibration = v1.getList(v1.fieldIndex("calibration"));
    assertEquals(10, calibration.size(), "deciles of the calibration table");

    // The challenger is the other algorithm, so both explainers are checked below.
    String other = v1.getString(v1.fieldIndex("algorithm")).equals("gbt")
        ? "logistic_regression\n      params: {reg_param: 0.01}"
        : "gbt\n      params: {max_depth: 3, max_iter: 8}";
    f.extraYaml = "churn:\n  grid:\n    - algorithm: " + other + "\n";
    Map<String, String> strict = new HashMap<>(conf);
    strict.put("churn.promotion_tolerance", "-1");
    ChurnTrainJob.Result second = f.run(new ChurnTrainJob(), strict, "--date", end,
        "--requested-by", "alice").result(ChurnTrainJob.Result.class);
    assertEquals(List.of(2L, false), List.of(second.version(), second.champion()));
    assertEquals(Map.of(1, "champion", 2, "challenger"), statuses(f),
        "a model must beat the champion's AUC-PR by 1 here: it stays challenger");

    f.run(new ChurnTrainJob(), conf, "--promote", "2", "--requested-by", "bob", "--reason",
        "ops asked for the new features");
    assertEquals(Map.of(1, "retired", 2, "champion"), statuses(f));
    assertEquals(new ChurnTrainJob.Result("rolled_back", 1, true, Map.of()),
        f.run(new ChurnTrainJob(), conf, "--rollback", "--requested-by", "carol").result());
    assertEquals(Map.of(1, "champion", 2, "retired"), statuses(f));
    assertAuditLog(f, conf);

    f.run(new ChurnScoreJob(), conf, "--date", dayBefore);
    f.run(new ChurnScoreJob(), conf, "--date", end);
    List<Row> versions = spark.read().format("delta").load(f.warehouse + "/gold/churn_scores")
        .select("model_version").distinct().collectAsList();
    assertEquals("[[1]]", versions.toString(), "scoring after the rollback uses v1");
    assertReasonsExplainEveryModel(f, end);

    Map<String, Timestamp> first = new HashMap<>();
    List<Row> actions = spark.read().format("delta").load(f.warehouse
        + "/gold/retention_actions").orderBy("as_of_date").collectAsList();
    assertFalse(actions.isEmpty());
    int contactedAgain = 0;
    for (Row a : actions) {
      String user = a.getString(a.fieldIndex("user_id"));
      Timestamp send = a.getTimestamp(a.fieldIndex("send_at"));
      if (first.containsKey(user)) {
        contactedAgain++;
        assertTrue(!send.toInstant().isBefore(first.get(user).toInstant()
            .plus(Duration.ofDays(3))), user + " contacted twice within the cap");
      }
      first.put(user, send);
    }
    assertTrue(contactedAgain > 0, "members with an action on both days, so the cap was "
        + "exercised: " + contactedAgain);
  }

  /**
   * One event per status change, in order, with who asked and why; --champion-on replays them
   * for moments before, between and after the changes, and --history prints them.
   */
  private void assertAuditLog(JobFixture f, Map<String, String> conf) throws Exception {
    List<Row> events = spark.read().format("delta").load(f.warehouse + "/ml/churn_model_events")
        .orderBy("event_time", "version").collectAsList();
    String me = System.getProperty("user.name");
    List<String> expected = List.of("train 1 null challenger " + me,
        "promote 1 challenger champion " + me, "train 2 null challenger alice",
        "retire 1 champion retired bob", "promote 2 challenger champion bob",
        "rollback 1 retired champion carol", "rollback 2 champion retired carol");
    assertEquals(expected, events.stream().map(e -> e.get(e.fieldIndex("action")) + " "
        + e.get(e.fieldIndex("version")) + " " + e.get(e.fieldIndex("from_status")) + " "
        + e.get(e.fieldIndex("to_status")) + " " + e.get(e.fieldIndex("requested_by")))
        .toList());
    assertTrue(reason(events.get(2)).contains("kept as challenger"), reason(events.get(2)));
    assertEquals("promoted by hand: ops asked for the new features", reason(events.get(4)));
    assertTrue(events.get(4).getJavaMap(events.get(4).fieldIndex("metrics"))
        .containsKey("auc_pr"), "the metrics at the time");

    Instant trained = time(events.get(1));
    Instant promoted = time(events.get(4));
    Instant rolledBack = time(events.get(5));
    Map<Instant, Integer> championAt = new java.util.LinkedHashMap<>();
    championAt.put(trained.minusSeconds(1), null);
    championAt.put(trained, 1);
    championAt.put(time(events.get(2)), 1);
    championAt.put(promoted, 2);
    championAt.put(rolledBack.minusNanos(1000), 2);
    championAt.put(rolledBack, 1);
    championAt.forEach((t, v) -> assertEquals(java.util.Optional.ofNullable(v),
        ChurnRegistry.championAt(events, t), "champion at " + t));
    // The command line: a date before every change, and the end of tomorrow, after them all.
    Map<String, String> answers = Map.of(
        "2026-03-01", "no churn model was champion on 2026-03-01",
        java.time.LocalDate.now().plusDays(1).toString(), "v1 was the churn champion on ");
    for (Map.Entry<String, String> a : answers.entrySet()) {
      java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
      f.run(new ChurnTrainJob(new java.io.PrintStream(printed, true)), conf, "--champion-on",
          a.getKey());
      assertTrue(printed.toString().startsWith(a.getValue()), a + ": " + printed);
    }
    java.io.ByteArrayOutputStream history = new java.io.ByteArrayOutputStream();
    f.run(new ChurnTrainJob(new java.io.PrintStream(history, true)), conf, "--history");
    assertTrue(history.toString().contains("ops asked for the new features")
        && history.toString().contains("carol"), history.toString());
  }

  private static String reason(Row event) {
    return event.getString(event.fieldIndex("reason"));
  }

  private static Instant time(Row event) {
    return event.getTimestamp(event.fieldIndex("event_time")).toInstant();
  }

  /**
   * For every member scored on {@code day} and each version (one GBT, one logistic): the
   * expected log-odds plus every feature's contribution equal the model's own log-odds (2 x
   * MLlib's GBT margin, or the logistic margin) within 1e-9; the scoring version's stored
   * log-odds and top reason match; a feature the GBT never splits on has mean |SHAP| 0.
   */
  private void assertReasonsExplainEveryModel(JobFixture f, String day) {
    java.sql.Date d = java.sql.Date.valueOf(day);
    Map<String, Row> stored = spark.read().format("delta").load(f.warehouse
            + "/gold/churn_scores").where(col("as_of_date").equalTo(lit(d))).collectAsList()
        .stream().collect(Collectors.toMap(r -> r.getString(r.fieldIndex("user_id")), r -> r));
    Dataset<Row> features = ChurnFeatures.build(
        spark.read().format("delta").load(f.warehouse + "/gold/user_state")
            .where(col("as_of_date").equalTo(lit(d))),
        spark.read().format("delta").load(f.warehouse + "/gold/user_activity_daily"),
        DateFrames.of(spark, "cutoff", List.of(d.toLocalDate())));
    java.util.Set<String> algorithms = new java.util.HashSet<>();
    for (Row model : spark.read().format("delta").load(f.warehouse + "/ml/churn_models")
        .collectAsList()) {
      String path = model.getString(model.fieldIndex("path"));
      boolean gbt = model.getString(model.fieldIndex("algorithm")).equals("gbt");
      algorithms.add(model.getString(model.fieldIndex("algorithm")));
      PipelineModel pipeline = PipelineModel.load(path + "/pipeline");
      Row saved = spark.read().parquet(path + "/feature_means").first();
      double[] means = saved.<Double>getList(saved.fieldIndex("means")).stream()
          .mapToDouble(Double::doubleValue).toArray();
      ChurnExplainer explainer = ChurnExplainer.of(pipeline, means);
      List<Row> rows = pipeline.transform(features).select("user_id", "features",
          "rawPrediction").collectAsList();
      assertEquals(stored.size(), rows.size(), "every scored member explained");
      for (Row r : rows) {
        Vector x = r.getAs("features");
        double margin = ((Vector) r.getAs("rawPrediction")).apply(1);
        double logOdds = gbt ? 2 * margin : margin;
        double[] c = explainer.contributions(x);
        String user = r.getString(r.fieldIndex("user_id"));
        assertEquals(logOdds, explainer.expectedValue() + java.util.Arrays.stream(c).sum(),
            1e-9, "additivity for " + user);
        Row score = stored.get(user);
        if (model.getInt(model.fieldIndex("version")) == score.getInt(score.fieldIndex(
            "model_version"))) {
          assertEquals(logOdds, score.getDouble(score.fieldIndex("log_odds")), 1e-9);
          double top = java.util.Arrays.stream(c).max().getAsDouble();
          List<Row> reasons = score.getList(score.fieldIndex("reasons"));
          if (top > 0) {
            assertEquals(top, reasons.get(0).getDouble(reasons.get(0).fieldIndex(
                "contribution")), 1e-12, "the top reason first");
          }
        }
      }
      Map<String, Double> meanAbs = model.getJavaMap(model.fieldIndex("mean_abs_shap"));
      assertEquals(explainer.features().size(), meanAbs.size());
      if (gbt) {
        Map<String, Double> gain = model.getJavaMap(model.fieldIndex("importances"));
        meanAbs.forEach((feature, v) -> {
          if (!gain.containsKey(feature) && !feature.equals(ChurnExplainer.TIER)) {
            assertEquals(0.0, v, feature + " is never split on");
          }
        });
      }
    }
    assertEquals(java.util.Set.of("gbt", "logistic_regression"), algorithms);
    assertChurnWarningsSayWhy(f, d);
  }

  private void assertChurnWarningsSayWhy(JobFixture f, java.sql.Date d) {
    List<Row> warnings = spark.read().format("delta").load(f.warehouse
        + "/gold/retention_actions").where(col("as_of_date").equalTo(lit(d))
        .and(col("play").equalTo("churn_warning"))).collectAsList();
    assertFalse(warnings.isEmpty());
    for (Row w : warnings) {
      assertTrue(w.getString(w.fieldIndex("reason")).startsWith(
          "high churn risk; churn risk driven most by "), w.toString());
    }
  }

  /**
   * A registry written before the audit log and before mean_abs_shap (v1, v2 champions in turn,
   * v3 the champion): changing it adds the new column in place and seeds the log from the
   * versions as they stood; two rollbacks lead from v3 to v2 and then to v1, not back to v3.
   */
  @Test
  void aRegistryOlderThanItsAuditLogIsMigratedAndRollsBackTwice() throws Exception {
    JobFixture f = new JobFixture(tmp);
    StructType old = new StructType(java.util.Arrays.stream(ChurnTables.MODELS.schema()
        .fields()).filter(c -> !c.name().equals("mean_abs_shap")).toArray(StructField[]::new));
    Instant t0 = Instant.parse("2026-01-05T00:00:00Z");
    List<Row> rows = new java.util.ArrayList<>();
    for (int v = 1; v <= 3; v++) {
      rows.add(RowBuilder.of(old).set("version", v).set("algorithm", "gbt")
          .set("trained_at", Timestamp.from(t0.plus(Duration.ofDays(7L * v))))
          .set("promoted_at", Timestamp.from(t0.plus(Duration.ofDays(7L * v + 1))))
          .set("status", v == 3 ? "champion" : "retired").set("decision", "by the rule")
          .set("path", f.lakeRoot + "/models/churn/v" + v).build());
    }
    spark.createDataFrame(rows, old).write().format("delta")
        .save(f.warehouse + "/ml/churn_models");

    f.run(new ChurnTrainJob(), Map.of(), "--rollback", "--reason", "v3 over-flags VIPs");
    assertEquals(Map.of(1, "retired", 2, "champion", 3, "retired"), statuses(f));
    assertEquals(1L, f.run(new ChurnTrainJob(), Map.of(), "--rollback")
        .result(ChurnTrainJob.Result.class).version(), "the second rollback restores v1");
    assertEquals(Map.of(1, "champion", 2, "retired", 3, "retired"), statuses(f));
    List<Row> events = spark.read().format("delta").load(f.warehouse + "/ml/churn_model_events")
        .orderBy("event_time", "version").collectAsList();
    assertEquals(List.of("import 1 retired", "import 2 retired", "import 3 champion",
        "rollback 2 champion", "rollback 3 retired", "rollback 1 champion",
        "rollback 2 retired"), events.stream().map(e -> e.get(e.fieldIndex("action")) + " "
        + e.get(e.fieldIndex("version")) + " " + e.get(e.fieldIndex("to_status"))).toList());
    assertEquals("rolled back to v2: v3 over-flags VIPs", reason(events.get(4)));
    assertEquals(java.util.Optional.of(3), ChurnRegistry.championAt(events,
        t0.plus(Duration.ofDays(23))), "v3 between its promotion and the first rollback");
    assertTrue(spark.read().format("delta").load(f.warehouse + "/ml/churn_models")
        .schema().getFieldIndex("mean_abs_shap").isDefined());
    IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
        () -> f.run(new ChurnTrainJob(), Map.of(), "--promote", "1"));
    assertEquals("v1 is already the champion", again.getMessage());
  }

  @Test
  void rollbackWithoutAnEarlierChampionFailsClearly() throws Exception {
    JobFixture f = new JobFixture(tmp);
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> f.run(new ChurnTrainJob(), Map.of(), "--rollback"));
    assertEquals("no champion to roll back", e.getMessage());
    IllegalStateException score = assertThrows(IllegalStateException.class,
        () -> f.run(new ChurnScoreJob(), Map.of(), "--date", "2026-03-16"));
    assertTrue(score.getMessage().startsWith("no champion churn model"), score.getMessage());
  }
}
