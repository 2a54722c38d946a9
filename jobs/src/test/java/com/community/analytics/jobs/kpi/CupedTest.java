package com.community.analytics.jobs.kpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.apache.commons.math3.stat.regression.OLSMultipleLinearRegression;
import org.junit.jupiter.api.Test;

/**
 * CUPED against hand-computed theta and variances, against an ordinary least-squares fit for
 * the two-covariate form (pre value and no-pre indicator), and by simulation: with a planted
 * pre-period correlation of 0.6 the adjusted interval is narrower by the 1 - sqrt(1 - 0.36) the
 * method promises and still covers the planted effect.
 */
class CupedTest {
  private static final Cuped ONE_COVARIATE = new Cuped(Ratio.mean(1), List.of(Ratio.mean(0)));

  @Test
  void thetaIsCovarianceOverVarianceOnPooledVariantsAndAdjustsEachGroup() {
    // Columns: pre value X, metric Y.
    Moments a = Moments.of(new double[][] {{1, 2}, {2, 4}});
    Moments b = Moments.of(new double[][] {{3, 5}, {4, 8}});
    Moments pooled = a.plus(b);
    // Cov(X, Y) = 9.5 / 3, Var(X) = 5 / 3 over the four members.
    assertArrayEquals(new double[] {1.9}, ONE_COVARIATE.theta(pooled), 1e-12);
    Cuped.Result result = ONE_COVARIATE.estimate(a, pooled);
    assertEquals(3.0, result.rate(), 1e-12);
    assertEquals(1.0, result.variance(), 1e-12, "Var(2, 4) / 2");
    assertEquals(3 - 1.9 * (1.5 - 2.5), result.adjustedRate(), 1e-12);
    // Y - 1.9 X = 0.1, 0.2: sample variance 0.005, over 2 members.
    assertEquals(0.0025, result.adjustedVariance(), 1e-12);
    assertEquals(1 - 0.0025, result.varianceReduction(), 1e-12);
  }

  @Test
  void membersWithoutPrePeriodDataGetAnIndicatorAsASecondCovariate() {
    Random random = new Random(7);
    double[][] members = new double[400][];
    double[] y = new double[members.length];
    double[][] x = new double[members.length][];
    for (int i = 0; i < members.length; i++) {
      boolean newMember = random.nextDouble() < 0.3;
      double pre = newMember ? 0 : 5 + 2 * random.nextGaussian();
      y[i] = (newMember ? 3 : 1 + 0.8 * pre) + random.nextGaussian();
      members[i] = new double[] {pre, newMember ? 1 : 0, y[i]};
      x[i] = new double[] {pre, newMember ? 1 : 0};
    }
    Cuped cuped = new Cuped(Ratio.mean(2), List.of(Ratio.mean(0), Ratio.mean(1)));
    OLSMultipleLinearRegression ols = new OLSMultipleLinearRegression();
    ols.newSampleData(y, x);
    double[] beta = ols.estimateRegressionParameters();
    assertArrayEquals(new double[] {beta[1], beta[2]}, cuped.theta(Moments.of(members)), 1e-9);
    assertTrue(cuped.theta(Moments.of(members))[1] > 1,
        "new members' mean is far above what a pre value of 0 predicts: " + beta[2]);
  }

  @Test
  void anIndicatorWithoutVarianceIsDropped() {
    Moments allKnown = Moments.of(new double[][] {{1, 0, 2}, {2, 0, 4}, {3, 0, 5}, {4, 0, 8}});
    Cuped cuped = new Cuped(Ratio.mean(2), List.of(Ratio.mean(0), Ratio.mean(1)));
    assertArrayEquals(new double[] {1.9, 0}, cuped.theta(allKnown), 1e-12);
  }

  @Test
  void aRatioMetricIsAdjustedThroughItsLinearization() {
    Random random = new Random(11);
    Moments related = clicksAndViews(random, true);
    Cuped ctr = new Cuped(new Ratio(2, 3), List.of(new Ratio(0, 1)));
    Cuped.Result r = ctr.estimate(related, related);
    assertEquals(related.sums()[2] / related.sums()[3], r.rate(), 1e-12);
    assertEquals(r.rate(), r.adjustedRate(), 1e-12, "a group equal to the pool is not moved");
    assertTrue(r.varianceReduction() > 0.1, "the pre CTR explains the CTR: "
        + r.varianceReduction());
    Moments independent = clicksAndViews(random, false);
    double unrelated = ctr.estimate(independent, independent).varianceReduction();
    assertTrue(Math.abs(unrelated) < 0.02, "an unrelated pre CTR explains nothing: " + unrelated);
  }

  /** Columns pre clicks, pre views, clicks, views; the same propensity before and after. */
  private static Moments clicksAndViews(Random random, boolean samePropensity) {
    double[][] members = new double[2000][];
    for (int i = 0; i < members.length; i++) {
      double propensity = 0.02 + 0.6 * Math.pow(random.nextDouble(), 2);
      double before = samePropensity ? propensity : 0.02 + 0.6 * Math.pow(random.nextDouble(), 2);
      double preViews = 10 + random.nextInt(20);
      double views = 10 + random.nextInt(20);
      members[i] = new double[] {binomial(random, preViews, before), preViews,
          binomial(random, views, propensity), views};
    }
    return Moments.of(members);
  }

  @Test
  void withAPlantedCorrelationOf06TheIntervalNarrowsAndStillCoversTheEffect() {
    Random random = new Random(20261207);
    int runs = 400;
    int covered = 0;
    int coveredPlain = 0;
    double widthRatio = 0;
    double trueLift = 0.3 / 10;
    for (int run = 0; run < runs; run++) {
      Moments control = correlated(random, 1500, 0);
      Moments treatment = correlated(random, 1500, 0.3);
      Moments pooled = control.plus(treatment);
      Cuped.Result c = ONE_COVARIATE.estimate(control, pooled);
      Cuped.Result t = ONE_COVARIATE.estimate(treatment, pooled);
      ExperimentStats.Comparison adjusted = ExperimentStats.compare(
          estimate(t.adjustedRate(), t.adjustedVariance()),
          estimate(c.adjustedRate(), c.adjustedVariance()), 0.05);
      ExperimentStats.Comparison plain = ExperimentStats.compare(
          estimate(t.rate(), t.variance()), estimate(c.rate(), c.variance()), 0.05);
      covered += adjusted.ciLow() <= trueLift && trueLift <= adjusted.ciHigh() ? 1 : 0;
      coveredPlain += plain.ciLow() <= trueLift && trueLift <= plain.ciHigh() ? 1 : 0;
      widthRatio += (adjusted.ciHigh() - adjusted.ciLow()) / (plain.ciHigh() - plain.ciLow());
    }
    double reduction = 1 - widthRatio / runs;
    // Theory: the width shrinks by 1 - sqrt(1 - 0.6^2) = 0.20 exactly; theta is estimated, so
    // a seeded run lands within sampling error of it.
    assertEquals(0.20, reduction, 0.01, "mean width reduction");
    assertTrue(covered >= 0.93 * runs, "adjusted coverage " + covered + " of " + runs);
    assertTrue(coveredPlain >= 0.93 * runs, "plain coverage " + coveredPlain + " of " + runs);
  }

  @Test
  void aRatioMetricsAdjustedIntervalCoversAPlantedLift() {
    // Columns pre clicks, pre views, clicks, views; the member's propensity persists and views
    // vary, so the per-view rate is a ratio of member sums.
    Random random = new Random(99);
    Cuped ctr = new Cuped(new Ratio(2, 3), List.of(new Ratio(0, 1)));
    int runs = 300;
    int covered = 0;
    double widthRatio = 0;
    for (int run = 0; run < runs; run++) {
      Moments control = propensities(random, 800, 1.0);
      Moments treatment = propensities(random, 800, 1.2);
      Moments pooled = control.plus(treatment);
      Cuped.Result c = ctr.estimate(control, pooled);
      Cuped.Result t = ctr.estimate(treatment, pooled);
      ExperimentStats.Comparison adjusted = ExperimentStats.compare(
          estimate(t.adjustedRate(), t.adjustedVariance()),
          estimate(c.adjustedRate(), c.adjustedVariance()), 0.05);
      covered += adjusted.ciLow() <= 0.2 && 0.2 <= adjusted.ciHigh() ? 1 : 0;
      widthRatio += adjusted.liftSe() / ExperimentStats.compare(estimate(t.rate(), t.variance()),
          estimate(c.rate(), c.variance()), 0.05).liftSe();
    }
    assertTrue(covered >= 0.93 * runs, "adjusted coverage of the planted +20%: " + covered);
    assertTrue(widthRatio / runs < 0.95, "and narrower (seeded: 0.92): " + widthRatio / runs);
  }

  private static Moments propensities(Random random, int members, double lift) {
    double[][] rows = new double[members][];
    for (int i = 0; i < members; i++) {
      double p = 0.05 + 0.3 * random.nextDouble();
      double preViews = 1 + random.nextInt(30);
      double views = 1 + random.nextInt(30);
      rows[i] = new double[] {binomial(random, preViews, p), preViews,
          binomial(random, views, p * lift), views};
    }
    return Moments.of(rows);
  }

  /** Members with pre value X ~ N(10, 2^2) and metric Y, Corr(X, Y) = 0.6, mean 10 + effect. */
  private static Moments correlated(Random random, int members, double effect) {
    double[][] rows = new double[members][];
    for (int i = 0; i < members; i++) {
      double zx = random.nextGaussian();
      double zy = 0.6 * zx + 0.8 * random.nextGaussian();
      rows[i] = new double[] {10 + 2 * zx, 10 + effect + 2 * zy};
    }
    return Moments.of(rows);
  }

  private static ExperimentStats.Estimate estimate(double rate, double variance) {
    return new ExperimentStats.Estimate(rate, 1, rate, variance, false);
  }

  private static double binomial(Random random, double trials, double p) {
    int k = 0;
    for (int i = 0; i < trials; i++) {
      k += random.nextDouble() < p ? 1 : 0;
    }
    return k;
  }
}
