package com.community.analytics.jobs.kpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The A/B statistics against hand-computed values: the pooled two-proportion z-test, the
 * delta-method variance of a per-view rate, the lift interval, and the sample-ratio check.
 */
class ExperimentStatsTest {
  private static final LocalDate D = LocalDate.of(2026, 3, 10);

  /** The fixed-horizon read-out without CUPED, the plan as given. */
  private static KpiSettings settings(Map<String, Map<String, Double>> allocation) {
    return settings(allocation, rules(false, Map.of(), Map.of()));
  }

  static KpiSettings settings(Map<String, Map<String, Double>> allocation,
      KpiSettings.ExperimentRules rules) {
    return new KpiSettings(30, 7, 12, List.of("like"), Map.of(), 24, 120, 7, "control", 0.05,
        0.001, allocation, new KpiSettings.Alerts(50, 0.05, 0.02, 0.25, false, 7, 3, 0.5,
            2.0, 3, 6), rules);
  }

  static KpiSettings.ExperimentRules rules(boolean sequential,
      Map<String, KpiSettings.Guardrail> guardrails, Map<String, LocalDate> starts) {
    return new KpiSettings.ExperimentRules(0, sequential, 5000, 0.3,
        List.of("ctr", "share_rate", "conversion_rate"), guardrails, 0.01, starts);
  }

  @Test
  void pooledTwoProportionZTest() {
    // 250 of 1000 against 200 of 1000: pooled p 0.225, se sqrt(0.225 * 0.775 * 2 / 1000).
    ExperimentStats.Comparison c = ExperimentStats.compare(
        ExperimentStats.Estimate.proportion(1000, 250),
        ExperimentStats.Estimate.proportion(1000, 200), 0.05);
    double z = 0.05 / Math.sqrt(0.225 * 0.775 * 0.002);
    assertEquals(z, c.z(), 1e-9);
    assertEquals(2.6774, c.z(), 1e-4);
    assertEquals(0.00742, c.p(), 1e-5);
    assertEquals(0.25, c.lift(), 1e-12);
    // Lift se: sqrt(Vt / pc^2 + pt^2 Vc / pc^4) with V = p (1 - p) / n.
    double se = Math.sqrt(0.25 * 0.75 / 1000 / 0.04 + 0.0625 * 0.2 * 0.8 / 1000 / 0.0016);
    assertEquals(0.25 - 1.959964 * se, c.ciLow(), 1e-6);
    assertEquals(0.25 + 1.959964 * se, c.ciHigh(), 1e-6);
  }

  @Test
  void perViewRateVarianceCountsMembersNotViews() {
    // Columns views, clicks. One view per member: the delta method gives the binomial
    // variance with n - 1.
    Ratio ctr = new Ratio(1, 0);
    Moments single = Moments.of(members(100, 30, new double[] {1, 1}, new double[] {1, 0}));
    assertEquals(0.3, ctr.value(single), 1e-12);
    assertEquals(0.3 * 0.7 / 99, ctr.variance(single), 1e-12);
    // Ten views per member, each member clicking all or none: ten times the variance the
    // binomial formula over 1000 views would claim.
    Moments clustered = Moments.of(members(100, 30, new double[] {10, 10},
        new double[] {10, 0}));
    assertEquals(0.3, ctr.value(clustered), 1e-12);
    assertEquals(0.3 * 0.7 / 99, ctr.variance(clustered), 1e-12);
    assertEquals(10 * 100 / 99.0, ctr.variance(clustered) / (0.3 * 0.7 / 1000), 1e-9);
  }

  @Test
  void sampleRatioMismatchIsFlaggedAgainstThePlannedSplit() {
    double[] skewed = ExperimentStats.sampleRatio(new long[] {600, 400}, new double[] {.5, .5});
    assertEquals(40.0, skewed[0], 1e-9);
    assertTrue(skewed[1] < 1e-9, "p of chi-square 40 with 1 df: " + skewed[1]);
    double[] fine = ExperimentStats.sampleRatio(new long[] {510, 490}, new double[] {.5, .5});
    assertEquals(0.4, fine[0], 1e-9);
    assertEquals(0.5271, fine[1], 1e-4);

    ExperimentStats.VariantSums control = sums("control", 600, 60);
    ExperimentStats.VariantSums treatment = sums("treatment", 400, 44);
    List<Row> equalPlan = ExperimentStats.readOut(List.of(treatment, control), settings(Map.of()));
    assertEquals(6, equalPlan.size(), "2 variants x 3 metrics");
    for (Row r : equalPlan) {
      assertEquals(true, get(r, "srm_mismatch"), "600 vs 400 on a 50/50 plan: " + r);
    }
    List<Row> plannedSixtyForty = ExperimentStats.readOut(List.of(control, treatment),
        settings(Map.of("exp", Map.of("control", 0.6, "treatment", 0.4))));
    for (Row r : plannedSixtyForty) {
      assertEquals(false, get(r, "srm_mismatch"), "600 vs 400 on a 60/40 plan: " + r);
      assertEquals(0.0, (Double) get(r, "srm_chi_square"), 1e-12);
    }
  }

  @Test
  void readOutComparesEachVariantWithControl() {
    List<Row> rows = ExperimentStats.readOut(List.of(sums("control", 1000, 200),
        sums("treatment", 1000, 250)), settings(Map.of()));
    Row controlConversion = pick(rows, "control", "conversion_rate");
    assertNull(get(controlConversion, "lift"));
    assertEquals(0.2, (Double) get(controlConversion, "rate"), 1e-12);
    Row treatmentConversion = pick(rows, "treatment", "conversion_rate");
    assertEquals(0.25, (Double) get(treatmentConversion, "lift"), 1e-12);
    assertEquals(0.00742, (Double) get(treatmentConversion, "p_value"), 1e-5);
    assertEquals(3 * (Double) get(treatmentConversion, "p_value"),
        (Double) get(treatmentConversion, "p_value_adjusted"), 1e-12, "three metrics");
    assertEquals(true, get(treatmentConversion, "significant"));
    assertEquals(false, get(treatmentConversion, "srm_mismatch"));
    Row treatmentCtr = pick(rows, "treatment", "ctr");
    assertEquals(0.0, (Double) get(treatmentCtr, "lift"), 1e-12, "same CTR in both");
    assertFalse((Boolean) get(treatmentCtr, "significant"));
  }

  @Test
  void significanceIsCorrectedForTheExperimentsThreeMetrics() {
    // 237 of 1000 against 200 of 1000: p 0.045 alone, 0.136 as one of three comparisons.
    Row conversion = pick(ExperimentStats.readOut(List.of(sums("control", 1000, 200),
        sums("treatment", 1000, 237)), settings(Map.of())), "treatment", "conversion_rate");
    assertEquals(0.0453, (Double) get(conversion, "p_value"), 1e-4);
    assertEquals(0.136, (Double) get(conversion, "p_value_adjusted"), 1e-3);
    assertEquals(false, get(conversion, "significant"));
    assertTrue((Double) get(conversion, "lift_ci_low") < 0,
        "the interval at 1 - 0.05/3 holds no lift: " + conversion);
  }

  @Test
  void holmDeclaresWhatBonferroniWouldMiss() {
    // Conversion 250 vs 200 of 1000 (p 0.0074), CTR 348 vs 300 of 1000 views (p 0.0217):
    // Holm 3 x 0.0074 and max(that, 2 x 0.0217) = 0.043; Bonferroni would give 3 x 0.0217.
    List<Row> rows = ExperimentStats.readOut(List.of(sums("control", 1000, 200, 300),
        sums("treatment", 1000, 250, 348)), settings(Map.of()));
    Row ctr = pick(rows, "treatment", "ctr");
    double p = (Double) get(ctr, "p_value");
    assertEquals(0.02172, p, 1e-4);
    assertEquals(2 * p, (Double) get(ctr, "p_value_adjusted"), 1e-12);
    assertEquals(true, get(ctr, "significant"), "Bonferroni's 3p = " + 3 * p + " would not be");
    Row conversion = pick(rows, "treatment", "conversion_rate");
    assertEquals(3 * (Double) get(conversion, "p_value"),
        (Double) get(conversion, "p_value_adjusted"), 1e-12);
  }

  @Test
  void theSequentialMethodReadsTheAlwaysValidPValueAndCarriesBothIntervals() {
    List<ExperimentStats.VariantSums> sums = List.of(sums("control", 1000, 200, 300),
        sums("treatment", 1000, 250, 348));
    Row fixed = pick(ExperimentStats.readOut(sums, settings(Map.of())), "treatment", "ctr");
    Row sequential = pick(ExperimentStats.readOut(sums, settings(Map.of(),
        rules(true, Map.of(), Map.of()))), "treatment", "ctr");
    assertEquals("sequential", get(sequential, "method"));
    assertEquals(get(fixed, "p_value"), get(sequential, "p_value"), "the z-test is still shown");
    double pSequential = (Double) get(sequential, "p_value_sequential");
    assertTrue(pSequential > (Double) get(sequential, "p_value"),
        "looking any day costs evidence: " + sequential);
    assertEquals(false, get(sequential, "significant"), "0.0217 fixed is not enough any day");
    assertEquals(true, get(fixed, "significant"));
    assertTrue((Double) get(sequential, "lift_cs_low") < (Double) get(sequential, "lift_ci_low")
        && (Double) get(sequential, "lift_cs_high") > (Double) get(sequential, "lift_ci_high"),
        "the sequence contains the fixed interval: " + sequential);
    double chance = (Double) get(sequential, "chance_to_win");
    assertTrue(chance > 0.97 && chance < 1, "lift 0.16 with z 2.3: " + chance);
  }

  @Test
  void anUnhealthyExperimentDeclaresNothing() {
    ExperimentStats.VariantSums control = sums("control", 1000, 200, 300);
    ExperimentStats.VariantSums t = sums("treatment", 1000, 300, 300);
    ExperimentStats.VariantSums switching = new ExperimentStats.VariantSums(t.asOf(),
        t.experiment(), t.variant(), t.periodStart(), t.periodEnd(), t.members(), 50,
        t.moments());
    Row healthy = pick(ExperimentStats.readOut(List.of(control, t), settings(Map.of())),
        "treatment", "conversion_rate");
    assertEquals("healthy", get(healthy, "health"));
    assertEquals(true, get(healthy, "significant"));
    Row switched = pick(ExperimentStats.readOut(List.of(control, switching),
        settings(Map.of())), "treatment", "conversion_rate");
    assertEquals("unhealthy", get(switched, "health"));
    assertEquals("2.5% of members were exposed to more than one variant",
        get(switched, "health_reasons"));
    assertEquals(false, get(switched, "significant"));
    Row early = pick(ExperimentStats.readOut(List.of(control, t), settings(Map.of(),
        rules(false, Map.of(), Map.of("exp", D.minusDays(5))))), "control", "conversion_rate");
    assertEquals("exposures from " + D.minusDays(9) + ", before the start date "
        + D.minusDays(5), get(early, "health_reasons"));
  }

  @Test
  void aGuardrailIsBreachedBySignificantDegradationBeyondItsTolerance() {
    // Conversion as a guardrail that must not fall: 100 vs 200 of 1000 is -50%, z about -6.
    Map<String, KpiSettings.Guardrail> rule = Map.of("conversion_rate",
        new KpiSettings.Guardrail("higher", 0.05));
    List<ExperimentStats.VariantSums> worse = List.of(sums("control", 1000, 200),
        sums("treatment", 1000, 100));
    Row breached = ExperimentStats.readOut(worse, settings(Map.of(),
        rules(true, rule, Map.of()))).stream()
        .filter(r -> "guardrail".equals(get(r, "role")) && "treatment".equals(get(r, "variant")))
        .findFirst().orElseThrow();
    assertEquals(true, get(breached, "guardrail_breached"), breached.toString());
    Row controlRow = ExperimentStats.readOut(worse, settings(Map.of(),
        rules(true, rule, Map.of()))).stream().filter(r -> "control".equals(get(r, "variant")))
        .findFirst().orElseThrow();
    assertEquals("treatment/conversion_rate", get(controlRow, "guardrail_breaches"),
        "the breach marks the whole experiment");
    List<AlertRules.Alert> alerts = AlertRules.guardrailAlerts(List.of(breached));
    assertEquals(1, alerts.size());
    assertEquals(2, alerts.get(0).level());
    assertEquals("exp/treatment/conversion_rate", alerts.get(0).subject());
    Row tolerated = ExperimentStats.readOut(worse, settings(Map.of(), rules(true,
        Map.of("conversion_rate", new KpiSettings.Guardrail("higher", 0.6)), Map.of()))).stream()
        .filter(r -> "guardrail".equals(get(r, "role")) && "treatment".equals(get(r, "variant")))
        .findFirst().orElseThrow();
    assertEquals(false, get(tolerated, "guardrail_breached"), "within a 60% tolerance");
    assertNull(get(tolerated, "guardrail_breaches"));
    Row noise = ExperimentStats.readOut(List.of(sums("control", 1000, 200),
        sums("treatment", 1000, 185)), settings(Map.of(), rules(true, rule, Map.of()))).stream()
        .filter(r -> "guardrail".equals(get(r, "role")) && "treatment".equals(get(r, "variant")))
        .findFirst().orElseThrow();
    assertEquals(false, get(noise, "guardrail_breached"), "-7.5% but not significant: " + noise);
  }

  @Test
  void theSequentialSampleRatioTestMatchesItsBayesFactorAndStaysValidUnderDailyLooks() {
    // 1 / BF of a Dirichlet(50, 50) mixture against 50/50 (computed with lgamma).
    assertEquals(3.7499418e-8, ExperimentStats.sequentialSampleRatio(new long[] {600, 400},
        new double[] {.5, .5}), 1e-14);
    assertEquals(1.0, ExperimentStats.sequentialSampleRatio(new long[] {510, 490},
        new double[] {.5, .5}), 1e-12);
    java.util.Random random = new java.util.Random(20261207);
    int everSequential = 0;
    int everChiSquare = 0;
    for (int e = 0; e < 500; e++) {
      long[] counts = new long[2];
      boolean sequential = false;
      boolean chiSquare = false;
      for (int day = 0; day < 28; day++) {
        for (int m = 0; m < 200; m++) {
          counts[random.nextBoolean() ? 0 : 1]++;
        }
        double[] plan = {.5, .5};
        sequential |= ExperimentStats.sequentialSampleRatio(counts, plan) < 0.05;
        chiSquare |= ExperimentStats.sampleRatio(counts, plan)[1] < 0.05;
      }
      everSequential += sequential ? 1 : 0;
      everChiSquare += chiSquare ? 1 : 0;
    }
    assertTrue(everSequential / 500.0 <= 0.07, "sequential SRM ever flagged "
        + everSequential / 500.0);
    assertTrue(everChiSquare / 500.0 > 0.15, "the chi-square read daily flags a fair split "
        + everChiSquare / 500.0 + " of the time");
  }

  @Test
  void aPlannedVariantNobodyReachedIsAMismatchNotASmallerPlan() {
    Row only = ExperimentStats.readOut(List.of(sums("control", 600, 60),
        sums("treatment", 400, 40)), settings(Map.of("exp",
            Map.of("control", 0.3, "treatment", 0.2, "holdout", 0.5)))).get(0);
    assertEquals(true, get(only, "srm_mismatch"), "600 and 400 but no holdout: " + only);
    assertTrue(((String) get(only, "health_reasons")).contains("[600, 400, 0]"),
        only.toString());
  }

  @Test
  void cupedNarrowsTheReadOutAndTheSequenceAgreesWithItsPValue() {
    java.util.Random random = new java.util.Random(5);
    ExperimentStats.VariantSums control = clickers(random, "control", 1500, 1.0);
    ExperimentStats.VariantSums treatment = clickers(random, "treatment", 1500, 1.1);
    KpiSettings.ExperimentRules ctrOnly = new KpiSettings.ExperimentRules(14, true, 5000, 0.3,
        List.of("ctr"), Map.of(), 0.01, Map.of());
    Row ctr = pick(ExperimentStats.readOut(List.of(control, treatment),
        settings(Map.of(), ctrOnly)), "treatment", "ctr");
    double reduction = (Double) get(ctr, "cuped_variance_reduction");
    assertTrue(reduction > 0.2, "each member's pre-period CTR explains the CTR: " + ctr);
    double plainWidth = (Double) get(ctr, "lift_ci_high") - (Double) get(ctr, "lift_ci_low");
    double cupedWidth = (Double) get(ctr, "lift_cuped_ci_high")
        - (Double) get(ctr, "lift_cuped_ci_low");
    assertEquals(Math.sqrt(1 - reduction), cupedWidth / plainWidth, 1e-9);
    double lift = (Double) get(ctr, "lift_cuped");
    assertTrue(lift > 0.04 && lift < 0.16, "near the planted 10%: " + ctr);
    for (double level : new double[] {0.05, 0.01, 0.001}) {
      KpiSettings.ExperimentRules r = new KpiSettings.ExperimentRules(14, true, 5000, 0.3,
          List.of("ctr"), Map.of(), 0.01, Map.of());
      KpiSettings at = new KpiSettings(30, 7, 12, List.of("like"), Map.of(), 24, 120, 7,
          "control", level, 0.001, Map.of(), settings(Map.of()).alerts(), r);
      Row row = pick(ExperimentStats.readOut(List.of(control, treatment), at), "treatment",
          "ctr");
      boolean excludesZero = (Double) get(row, "lift_cs_low") > 0;
      assertEquals(excludesZero, (Double) get(row, "p_value_sequential") < level,
          "the sequence at " + level + " excludes 0 exactly when p is below it: " + row);
    }
  }

  /** Members with a click propensity each, 10 views before and after; clicks x lift after. */
  private static ExperimentStats.VariantSums clickers(java.util.Random random, String variant,
      int n, double lift) {
    double[][] rows = new double[n][Experiments.VARIABLES.size()];
    for (double[] row : rows) {
      double p = 0.1 + 0.4 * random.nextDouble();
      for (int v = 0; v < 10; v++) {
        row[Experiments.index("pre_clicks")] += random.nextDouble() < p ? 1 : 0;
        row[Experiments.index("clicks")] += random.nextDouble() < p * lift ? 1 : 0;
      }
      row[Experiments.index("pre_views")] = 10;
      row[Experiments.index("views")] = 10;
    }
    return new ExperimentStats.VariantSums(D, "exp", variant, D.minusDays(9), D, n, 0,
        Moments.of(rows));
  }

  /** n members with 1 view and 1 click each; k of them converted. */
  private static ExperimentStats.VariantSums sums(String variant, int n, int k) {
    return sums(variant, n, k, n);
  }

  /** n members with 1 view each, {@code clickers} of them with a click, k converted. */
  static ExperimentStats.VariantSums sums(String variant, int n, int k, int clickers) {
    double[][] rows = new double[n][Experiments.VARIABLES.size()];
    for (int i = 0; i < n; i++) {
      rows[i][Experiments.index("views")] = 1;
      rows[i][Experiments.index("clicks")] = i < clickers ? 1 : 0;
      rows[i][Experiments.index("converted")] = i < k ? 1 : 0;
    }
    return new ExperimentStats.VariantSums(D, "exp", variant, D.minusDays(9), D, n, 0,
        Moments.of(rows));
  }

  /** n rows, the first k like {@code first}, the others like {@code rest}. */
  private static double[][] members(int n, int k, double[] first, double[] rest) {
    double[][] rows = new double[n][];
    for (int i = 0; i < n; i++) {
      rows[i] = (i < k ? first : rest).clone();
    }
    return rows;
  }

  private static Object get(Row r, String column) {
    return r.get(KpiTables.EXPERIMENT_RESULTS.schema().fieldIndex(column));
  }

  private static Row pick(List<Row> rows, String variant, String metric) {
    return rows.stream().filter(r -> get(r, "variant").equals(variant)
        && get(r, "metric").equals(metric)).findFirst().orElseThrow();
  }
}
