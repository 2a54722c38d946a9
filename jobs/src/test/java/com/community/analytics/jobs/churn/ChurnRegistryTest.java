package com.community.analytics.jobs.churn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.jobs.features.FeaturesJob;
import com.community.analytics.jobs.support.JobFixture;
import com.community.analytics.jobs.support.SharedFixture;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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

    Map<String, String> strict = new HashMap<>(conf);
    strict.put("churn.promotion_tolerance", "-1");
    ChurnTrainJob.Result second = f.run(new ChurnTrainJob(), strict, "--date", end)
        .result(ChurnTrainJob.Result.class);
    assertEquals(List.of(2L, false), List.of(second.version(), second.champion()));
    assertEquals(Map.of(1, "champion", 2, "challenger"), statuses(f),
        "a model must beat the champion's AUC-PR by 1 here: it stays challenger");

    f.run(new ChurnTrainJob(), conf, "--promote", "2");
    assertEquals(Map.of(1, "retired", 2, "champion"), statuses(f));
    assertEquals(new ChurnTrainJob.Result("rolled_back", 1, true, Map.of()),
        f.run(new ChurnTrainJob(), conf, "--rollback").result());
    assertEquals(Map.of(1, "champion", 2, "retired"), statuses(f));

    f.run(new ChurnScoreJob(), conf, "--date", dayBefore);
    f.run(new ChurnScoreJob(), conf, "--date", end);
    List<Row> versions = spark.read().format("delta").load(f.warehouse + "/gold/churn_scores")
        .select("model_version").distinct().collectAsList();
    assertEquals("[[1]]", versions.toString(), "scoring after the rollback uses v1");

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
