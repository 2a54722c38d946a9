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

  private static KpiSettings settings(Map<String, Map<String, Double>> allocation) {
    return new KpiSettings(30, 7, 12, List.of("like"), Map.of(), 24, 120, 7, "control", 0.05,
        0.001, allocation, new KpiSettings.Alerts(50, 0.05, 0.02, 0.25, false, 7, 3, 0.5,
            2.0, 3, 6));
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
    // One view per member: the delta method gives the binomial variance with n - 1.
    ExperimentStats.Estimate single = ExperimentStats.Estimate.ratio(100, 30, 100, 30, 100, 30);
    assertEquals(0.3, single.rate(), 1e-12);
    assertEquals(0.3 * 0.7 / 99, single.variance(), 1e-12);
    // Ten views per member, each member clicking all or none: ten times the variance the
    // binomial formula over 1000 views would claim.
    ExperimentStats.Estimate clustered =
        ExperimentStats.Estimate.ratio(100, 300, 1000, 30 * 100, 100 * 100, 30 * 100);
    assertEquals(0.3, clustered.rate(), 1e-12);
    assertEquals(0.3 * 0.7 / 99, clustered.variance(), 1e-12);
    assertEquals(10 * 100 / 99.0, clustered.variance() / (0.3 * 0.7 / 1000), 1e-9);
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

  /** n members with 5 views and 1 click each; k of them converted. */
  private static ExperimentStats.VariantSums sums(String variant, long n, long k) {
    return new ExperimentStats.VariantSums(D, "exp", variant, D.minusDays(9), D, n, 5.0 * n, n,
        0, k, 25.0 * n, n, 0, 5.0 * n, 0);
  }

  private static Object get(Row r, String column) {
    return r.get(KpiTables.EXPERIMENT_RESULTS.schema().fieldIndex(column));
  }

  private static Row pick(List<Row> rows, String variant, String metric) {
    return rows.stream().filter(r -> get(r, "variant").equals(variant)
        && get(r, "metric").equals(metric)).findFirst().orElseThrow();
  }
}
