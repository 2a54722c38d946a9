package com.community.analytics.jobs.features.ltv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/**
 * Gamma-Gamma: its conditional expectation against published values (lifetimes' fit of the
 * CDNOW returning customers, p = 6.2488, q = 3.7446, gamma = 15.4477, and its {@code
 * conditional_expected_average_profit} for three of them), and its fit and standard errors on
 * members simulated from the model.
 */
class GammaGammaTest {
  private static final GammaGamma CDNOW = new GammaGamma(6.2488, 3.7446, 15.4477);

  @Test
  void conditionalExpectedSpendMatchesThePublishedValues() {
    assertEquals(24.6586, CDNOW.expectedSpend(2, 22.35), 1e-4);
    assertEquals(18.9115, CDNOW.expectedSpend(1, 11.77), 1e-4);
    assertEquals(71.4629, CDNOW.expectedSpend(7, 73.74), 1e-4);
    // The parameters are published to 4 decimals; E(M) moves by 12.8 per unit of q, so their
    // rounding alone (q +- 5e-5) moves it by up to 6e-4.
    assertEquals(35.1710, CDNOW.populationMean(), 1e-3);
    assertEquals(CDNOW.populationMean(), CDNOW.expectedSpend(0, 0), 0,
        "a member without a repeat purchase gets the population mean");
  }

  @Test
  void frequencyMonetaryCorrelationWeighsRowsByTheirMembers() {
    List<LtvFitter.SpendRow> independent = List.of(new LtvFitter.SpendRow(1, 10, 2),
        new LtvFitter.SpendRow(1, 20, 2), new LtvFitter.SpendRow(3, 10, 1),
        new LtvFitter.SpendRow(3, 20, 1));
    assertEquals(0, LtvFitter.frequencyMonetaryCorrelation(independent), 1e-12);
    // Members as rows: (1,10) (1,10) (2,20) (3,30), all on m = 10 x: r = 1.
    List<LtvFitter.SpendRow> linked = List.of(new LtvFitter.SpendRow(1, 10, 2),
        new LtvFitter.SpendRow(2, 20, 1), new LtvFitter.SpendRow(3, 30, 1));
    assertEquals(1.0, LtvFitter.frequencyMonetaryCorrelation(linked), 1e-12);
    assertTrue(Double.isNaN(LtvFitter.frequencyMonetaryCorrelation(List.of(
        new LtvFitter.SpendRow(2, 10, 5)))), "one point: undefined");
  }

  /**
   * The standard errors mean what they say: over seeded replicate samples of 400 members, the
   * 95% interval fitted +- 1.96 se holds the planted q (the least identified parameter) about
   * 95% of the time.
   */
  @Test
  void standardErrorsCoverThePlantedParameters() {
    GammaGamma truth = new GammaGamma(6, 4, 150);
    RandomGenerator rng = new Well19937c(20261207);
    int replicates = 120;
    int covered = 0;
    for (int rep = 0; rep < replicates; rep++) {
      List<LtvFitter.SpendRow> rows = sample(truth, 400, rng);
      ModelFit fit = LtvFitter.fitGammaGamma(rows, 0);
      if (Math.abs(fit.parameter("q") - truth.q()) <= 1.96 * fit.standardError("q")) {
        covered++;
      }
    }
    double coverage = covered / (double) replicates;
    assertTrue(coverage >= 0.88 && coverage <= 0.99, "95% interval coverage " + coverage);
  }

  @Test
  void recoversPlantedParametersFromSimulatedMembers() {
    GammaGamma truth = new GammaGamma(6, 4, 150);
    ModelFit fit = LtvFitter.fitGammaGamma(sample(truth, 20_000, new Well19937c(11)), 0);
    assertTrue(fit.converged(), fit.message());
    // p, q and gamma are strongly correlated (the likelihood is a long ridge), so each is
    // judged by its own standard error; the population mean they imply is pinned down closely.
    Recovery.assertRecovered(truth.p(), fit, "p");
    Recovery.assertRecovered(truth.q(), fit, "q");
    Recovery.assertRecovered(truth.gamma(), fit, "gamma");
    GammaGamma fitted = new GammaGamma(fit.parameter("p"), fit.parameter("q"),
        fit.parameter("gamma"));
    assertEquals(truth.populationMean(), fitted.populationMean(), 0.02 * truth.populationMean());
  }

  /**
   * Spend whose population mean is not finite (q <= 1) cannot price one-time buyers: the fit
   * says so and counts as not converged, so the LTV falls back instead of using it.
   */
  @Test
  void aFitWithQAtMostOneIsNotConverged() {
    GammaGamma truth = new GammaGamma(3, 0.7, 20);
    ModelFit fit = LtvFitter.fitGammaGamma(sample(truth, 20_000, new Well19937c(12)), 0);
    assertTrue(fit.parameter("q") <= 1, "q " + fit.parameter("q"));
    assertFalse(fit.converged());
    assertEquals("q <= 1: the population mean spend is not finite", fit.message());
  }

  /** Returning members of the model: 1 to 6 repeat purchases each, their mean spend. */
  static List<LtvFitter.SpendRow> sample(GammaGamma truth, int members, RandomGenerator rng) {
    List<LtvFitter.SpendRow> rows = new ArrayList<>();
    for (int i = 0; i < members; i++) {
      double nu = new GammaDistribution(rng, truth.q(), 1 / truth.gamma()).sample();
      GammaDistribution spend = new GammaDistribution(rng, truth.p(), 1 / nu);
      int x = 1 + rng.nextInt(6);
      double sum = 0;
      for (int k = 0; k < x; k++) {
        sum += spend.sample();
      }
      rows.add(new LtvFitter.SpendRow(x, sum / x, 1));
    }
    return rows;
  }
}
