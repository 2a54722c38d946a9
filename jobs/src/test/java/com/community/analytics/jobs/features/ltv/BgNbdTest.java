package com.community.analytics.jobs.features.ltv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.ExponentialDistribution;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/** Published values of Fader, Hardie and Lee (2005), CDNOW sample, time unit weeks. */
class BgNbdTest {
  private final BgNbd cdnow = new BgNbd(0.243, 4.414, 0.793, 2.426);

  /**
   * The paper's E[X(t)] figures were computed with its four-decimal estimates (r = 0.2426,
   * alpha = 4.4136, a = 0.7931, b = 2.4258); the three-decimal ones shift them by about 0.15%.
   */
  private final BgNbd cdnowFourDecimals = new BgNbd(0.2426, 4.4136, 0.7931, 2.4258);

  @Test
  void matchesPublishedValues() {
    assertEquals(0.5737864, cdnow.probabilityNoPurchase(39), 1e-7);
    assertEquals(1.226, cdnow.conditionalExpectedPurchases(39, 2, 30.43, 38.86), 5e-4);
    assertEquals(1.226, cdnowFourDecimals.conditionalExpectedPurchases(39, 2, 30.43, 38.86),
        5e-4);
    assertEquals(0.0532, cdnowFourDecimals.expectedPurchases(1), 1e-4);
    assertEquals(0.1506, cdnowFourDecimals.expectedPurchases(3), 1e-4);
    assertEquals(1.0437, cdnowFourDecimals.expectedPurchases(32), 1e-4);
    assertEquals(1.8576, cdnowFourDecimals.expectedPurchases(78), 2e-4);
    // With the three-decimal parameters the same figures agree within 0.2%.
    assertEquals(1.8576, cdnow.expectedPurchases(78), 0.002 * 1.8576);
  }

  @Test
  void aliveProbabilityFallsWithTimeSinceTheLastPurchase() {
    assertEquals(1.0, cdnow.probabilityAlive(0, 0, 30));
    double recent = cdnow.probabilityAlive(3, 29, 30);
    double lapsed = cdnow.probabilityAlive(3, 5, 30);
    assertTrue(recent > lapsed && lapsed > 0, recent + " > " + lapsed);
  }

  @Test
  void recoversParametersFromSimulatedData() {
    BgNbd truth = new BgNbd(0.9, 20, 1.2, 3.5);
    RandomGenerator rng = new Well19937c(7);
    java.util.Map<String, Integer> counts = new java.util.HashMap<>();
    for (int i = 0; i < 60_000; i++) {
      double lambda = new GammaDistribution(rng, truth.r(), 1 / truth.alpha()).sample();
      double p = new BetaDistribution(rng, truth.a(), truth.b()).sample();
      double age = 30 + rng.nextInt(150);
      double t = 0;
      double last = 0;
      int x = 0;
      while (true) {
        t += new ExponentialDistribution(rng, 1 / lambda).sample();
        if (t > age) {
          break;
        }
        x++;
        last = t;
        if (rng.nextDouble() < p) {
          break;
        }
      }
      counts.merge(x + ":" + Math.round(last) + ":" + age, 1, Integer::sum);
    }
    List<LtvFitter.BgNbdRow> rows = new ArrayList<>();
    counts.forEach((k, w) -> {
      String[] s = k.split(":");
      rows.add(new LtvFitter.BgNbdRow(Double.parseDouble(s[0]), Double.parseDouble(s[1]),
          Double.parseDouble(s[2]), w));
    });
    ModelFit fit = LtvFitter.fitBgNbd(rows, 0, BgNbdObservation.CONTINUOUS);
    assertTrue(fit.converged(), fit.message());
    Recovery.assertRecovered(truth.r(), fit, "r");
    Recovery.assertRecovered(truth.alpha(), fit, "alpha");
    Recovery.assertRecovered(truth.a(), fit, "a");
    Recovery.assertRecovered(truth.b(), fit, "b");
  }
}
