package com.community.analytics.jobs.kpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

/**
 * The always-valid confidence sequence: its radius and p-value against hand-computed values,
 * and, by simulation, that reading an A/A experiment every day keeps the chance of ever
 * declaring a difference within alpha, where the fixed-horizon z-test read the same way does
 * not.
 */
class ConfidenceSequenceTest {
  private static final double ALPHA = 0.05;

  @Test
  void radiusAndPValueMatchTheNormalMixtureFormula() {
    ConfidenceSequence cs = ConfidenceSequence.tunedFor(ALPHA, 5000);
    // rho^2 = (-2 ln 0.05 + ln(1 - 2 ln 0.05)) / 5000 = (5.99146 + 1.94470) / 5000
    assertEquals(0.0015872309, cs.rhoSquared(), 1e-10);
    // n rho^2 = 1.58723; sqrt(0.001 * 2 * 2.58723 / 1.58723 * ln(sqrt(2.58723) / 0.05))
    assertEquals(0.1063754701, cs.radius(0.001, 1000, ALPHA), 1e-9);
    // sqrt(2.58723) * exp(-0.01 * 1.58723 / (2 * 0.001 * 2.58723))
    assertEquals(0.0748598337, cs.pValue(0.1, 0.001, 1000), 1e-9);
    // The p-value is the alpha at which the sequence just reaches the estimate.
    double p = cs.pValue(0.15, 0.001, 1000);
    assertEquals(0.15, cs.radius(0.001, 1000, p), 1e-9);
    assertTrue(cs.radius(0.001, 1000, ALPHA) > 1.959964 * Math.sqrt(0.001),
        "wider than the fixed-horizon interval: the price of looking any time");
  }

  @Test
  void dailyLooksAtAaExperimentsStayWithinAlphaOnlyWithTheSequence() {
    Random random = new Random(20261207);
    ConfidenceSequence cs = ConfidenceSequence.tunedFor(ALPHA, 5000);
    NormalDistribution normal = new NormalDistribution();
    int experiments = 1000;
    int everSequential = 0;
    int everFixed = 0;
    for (int e = 0; e < experiments; e++) {
      Moments treatment = conversions(random, 100, 0.1);
      Moments control = conversions(random, 100, 0.1);
      boolean sequential = false;
      boolean fixed = false;
      for (int day = 1; day <= 28; day++) {
        if (day > 1) {
          treatment = treatment.plus(conversions(random, 100, 0.1));
          control = control.plus(conversions(random, 100, 0.1));
        }
        Ratio rate = Ratio.mean(0);
        double d = rate.value(treatment) - rate.value(control);
        double v = rate.variance(treatment) + rate.variance(control);
        sequential |= cs.pValue(d, v, treatment.n() + control.n()) < ALPHA;
        fixed |= 2 * (1 - normal.cumulativeProbability(Math.abs(d) / Math.sqrt(v))) < ALPHA;
      }
      everSequential += sequential ? 1 : 0;
      everFixed += fixed ? 1 : 0;
    }
    double sequentialShare = (double) everSequential / experiments;
    double fixedShare = (double) everFixed / experiments;
    assertTrue(sequentialShare <= ALPHA + 0.02, "sequential ever significant " + sequentialShare);
    assertTrue(fixedShare > 3 * ALPHA, "the fixed test read daily, ever significant "
        + fixedShare + ": peeking inflates its error well above alpha");
  }

  /** A day's members converting with probability p: one 0/1 variable. */
  private static Moments conversions(Random random, int members, double p) {
    double[][] x = new double[members][1];
    for (double[] member : x) {
      member[0] = random.nextDouble() < p ? 1 : 0;
    }
    return Moments.of(x);
  }
}
