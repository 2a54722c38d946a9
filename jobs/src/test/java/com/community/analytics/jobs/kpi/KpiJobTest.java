package com.community.analytics.jobs.kpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.catalog.SharedTables;
import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.runlog.JobRunLog;
import com.community.analytics.common.runlog.RunMetrics;
import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.common.time.DateRange;
import com.community.analytics.jobs.support.JobFixture;
import com.community.analytics.jobs.support.SharedFixture;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cockpit end to end on a generated lake: the A/B read-outs agree with the effects the
 * generator planted (recorded in its ground truth), DAU and MAU agree with silver.events, the
 * board is printed, and a level-3 alert fails the job only when configured to.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KpiJobTest {
  private static final String END = "2026-03-01";
  private final SparkSession spark = SparkTestSession.get();

  @TempDir
  static Path tmp;
  private JobFixture f;
  private Map<String, String> conf;
  private String printed;
  private KpiJob.Result result;

  @BeforeAll
  void lake() throws Exception {
    f = SharedFixture.copy(SharedFixture.COMMUNITY_60_DAYS, tmp);
    conf = new HashMap<>(SharedFixture.COMMUNITY_60_DAYS.conf());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    result = f.run(new KpiJob(new PrintStream(out, true, StandardCharsets.UTF_8)), conf,
        "--from", "2026-02-27", "--to", END, "--color", "never").result(KpiJob.Result.class);
    printed = out.toString(StandardCharsets.UTF_8);
  }

  private Dataset<Row> table(String name) {
    return spark.read().format("delta").load(f.warehouse + "/" + name.replace('.', '/'));
  }

  @Test
  void experimentsWithAPlantedEffectAreSignificantAndTheNullAndAaOnesAreNot() throws Exception {
    JsonNode truth = new ObjectMapper().readTree(f.lake.resolve("ground_truth/summary.json")
        .toFile()).get("experiments");
    Map<String, String> metricOf = Map.of("click", "ctr", "share", "share_rate");
    Dataset<Row> results = table("gold.experiment_results")
        .where("as_of_date = '" + END + "' AND variant = 'treatment' AND role = 'goal'");
    assertEquals(5, truth.size());
    for (JsonNode e : truth) {
      String id = e.get("experiment_id").asText();
      List<Row> rows = results.where("experiment_id = '" + id + "'")
          .select("metric", "significant", "lift", "lift_cs_low", "p_value_sequential",
              "health", "method", "chance_to_win", "lift_cuped", "cuped_variance_reduction")
          .collectAsList();
      assertEquals(3, rows.size(), id + " has a row per goal metric");
      for (Row r : rows) {
        assertEquals("healthy", r.getString(5), "fair 50/50 randomisation: " + id + " " + r);
        assertEquals("sequential", r.getString(6));
        boolean planted = "effect".equals(e.get("kind").asText())
            && r.getString(0).equals(metricOf.get(e.get("metric").asText()));
        assertEquals(planted, r.getBoolean(1), id + " " + r + " truth " + e);
        if (planted) {
          assertTrue(r.getDouble(3) > 0, "confidence sequence above 0: " + r);
          assertTrue(r.getDouble(2) < e.get("true_effect").asDouble() - 1 + 0.15,
              "lift near the planted " + e.get("true_effect") + ": " + r);
          assertTrue(r.getDouble(7) > 0.99, "chance to win: " + r);
        }
        assertTrue(!r.isNullAt(8), "CUPED applied: " + r);
        if (!r.getString(0).equals("share_rate")) {
          // Clicks and purchases follow each member's persistent propensities; shares do not.
          assertTrue(r.getDouble(9) > 0.02, "CUPED reduces the variance: " + r);
        }
      }
    }
  }

  @Test
  void theGuardrailBreachingExperimentRaisesItsAlertAndNoOtherDoes() {
    List<Row> breaches = table("gold.experiment_results")
        .where("as_of_date = '" + END + "' AND guardrail_breached")
        .select("experiment_id", "metric").collectAsList();
    assertEquals(List.of(RowFactory.create("exp_push_frequency", "complaints_per_member")),
        breaches, "the generator multiplied complaints by 6 in exp_push_frequency's treatment only");
    List<Row> marked = table("gold.experiment_results").where("as_of_date = '" + END + "'")
        .groupBy("experiment_id", "guardrail_breaches").count().orderBy("experiment_id")
        .select("experiment_id", "guardrail_breaches").collectAsList();
    assertEquals(5, marked.size(), "one mark per experiment, on all its rows: " + marked);
    for (Row r : marked) {
      assertEquals(r.getString(0).equals("exp_push_frequency")
          ? "treatment/complaints_per_member" : null, r.getString(1), r.toString());
    }
    List<Row> alerts = table("gold.alerts").where("date = '" + END
        + "' AND rule = 'experiment_guardrail'").select("level", "subject").collectAsList();
    assertEquals(List.of(RowFactory.create(2,
        "exp_push_frequency/treatment/complaints_per_member")), alerts);
  }

  @Test
  void dauAndMauAgreeWithSilverEvents() {
    Row silver = spark.sql("SELECT count(DISTINCT CASE WHEN event_date = DATE'" + END
        + "' THEN user_id END), count(DISTINCT user_id) FROM delta.`" + f.warehouse
        + "/silver/events` WHERE event_type <> 'push_sent' AND event_date BETWEEN DATE'" + END
        + "' - 29 AND DATE'" + END + "'").first();
    Dataset<Row> board = table("gold.kpi_daily").where("date = '" + END + "'");
    assertEquals(Kpi.values().length, board.count());
    assertEquals((double) silver.getLong(0), board.where("kpi = 'dau'").first()
        .<Double>getAs("value"));
    assertEquals((double) silver.getLong(1), board.where("kpi = 'mau'").first()
        .<Double>getAs("value"));
    assertTrue(silver.getLong(0) > 100, "a lake with activity: " + silver);
  }

  @Test
  void theBoardIsPrintedAndANormalDayHasNoDataAlerts() {
    assertTrue(printed.contains("KPI board for " + END), printed);
    for (Kpi kpi : Kpi.values()) {
      assertTrue(printed.contains("\n" + kpi.id() + " "), kpi.id() + " in " + printed);
    }
    assertEquals(0, table("gold.alerts").where("level = 3 AND date >= '2026-02-27'").count(),
        "complete folders, little quarantine, no failed job");
    assertEquals(3, table("gold.kpi_daily").select("date").distinct().count());
    assertTrue(table("gold.cohort_retention").where("as_of_date = '" + END + "'").count() > 8);
    assertTrue(table("gold.funnel_daily").where("date = '" + END + "' AND channel = '(all)' "
        + "AND content_type = '(all)' AND step = 'reach'").first().<Long>getAs("members") > 100);
    Map<String, Long> statuses = new TreeMap<>();
    table("gold.kpi_daily").where("date = '" + END + "'").groupBy("status").count()
        .collectAsList().forEach(r -> statuses.put(r.getAs("status"), r.<Long>getAs("count")));
    Dataset<Row> alerts = table("gold.alerts").where("date BETWEEN '2026-02-27' AND '" + END
        + "'");
    assertEquals(new KpiJob.Result(statuses, alerts.where("level = 1").count(),
        alerts.where("level = 2").count(), 0), result, "the result holds what the tables do");
  }

  @Test
  void anUnresolvedJobFailureAndChurnDriftOfTheDateAreLevelThreeAlerts() throws Exception {
    String day = "2026-02-20";
    JobContext ctx = JobContext.of(spark, f.config(conf), null);
    DateRange date = DateRange.of(LocalDate.parse(day), LocalDate.parse(day));
    Instant t = Instant.parse("2026-02-21T01:00:00Z");
    record(ctx, "attribution", date, "failed", t, "disk full");
    record(ctx, "features", DateRange.of(LocalDate.parse("2026-02-15"),
        LocalDate.parse("2026-02-25")), "failed", t, "out of memory");
    record(ctx, "features", date, "succeeded", t.plusSeconds(3600), null);
    ctx.writer().append(SharedTables.CHURN_DRIFT, spark.createDataFrame(List.of(
        RowFactory.create(Date.valueOf(day), "tenure_days", 0.31, true, 1),
        RowFactory.create(Date.valueOf(day), "orders", 0.05, false, 1)),
        SharedTables.CHURN_DRIFT.schema()));

    f.run(new KpiJob(new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8)), conf, "--date", day);
    List<String> alerts = table("gold.alerts").where("date = '" + day + "' AND level = 3")
        .orderBy("rule").selectExpr("concat_ws(' ', rule, subject, observed, threshold)")
        .collectAsList().stream().map(r -> r.getString(0)).toList();
    assertEquals(List.of("churn_drift tenure_days 0.31 0.25", "job_failed attribution"),
        alerts, "the features failure was rerun successfully");
  }

  private void record(JobContext ctx, String job, DateRange dates, String status, Instant at,
      String error) {
    JobRunLog.record(spark, ctx.writer(), new JobRunLog.JobRun(job + "-" + at, job, "test",
        dates, status, at, at.plusSeconds(60), new RunMetrics(), Map.of(), error, "test.yaml"));
  }

  @Test
  void aMissingRawFolderIsALevelThreeAlertThatFailsTheJobOnlyWhenConfigured() throws Exception {
    String next = "2026-03-02";
    Map<String, String> failing = new HashMap<>(conf);
    failing.put("kpi.alerts.fail_on_level3", "true");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.run(
        new KpiJob(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)),
        failing, "--date", next));
    assertTrue(e.getMessage().contains("raw_folder_missing"), e.getMessage());
    List<Row> alerts = table("gold.alerts").where("date = '" + next + "' AND level = 3")
        .select("rule").collectAsList();
    assertEquals("[[raw_folder_missing]]", alerts.toString());

    f.run(new KpiJob(new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8)), conf, "--date", next);
  }
}
