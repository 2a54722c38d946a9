package com.community.analytics.jobs.kpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Chance to win, expected loss and Holm's adjusted p-values against hand-computed values. */
class BayesianLiftAndHolmTest {

  @Test
  void chanceToWinAndExpectedLossFollowTheConjugateNormalPosterior() {
    // lift 0.05 with standard error 0.02, prior N(0, 0.3^2): precision 2500 + 11.111.
    BayesianLift.Posterior p = BayesianLift.of(0.05, 0.0004, 0.3);
    assertEquals(0.0497787611, p.mean(), 1e-9);
    assertEquals(0.0199557032, p.sd(), 1e-9);
    assertEquals(0.9936926043, p.chanceToWin(), 1e-9);
    assertEquals(4.06855e-5, p.expectedLoss(), 1e-9);
    BayesianLift.Posterior none = BayesianLift.of(0, 0.0004, 0.3);
    assertEquals(0.5, none.chanceToWin(), 1e-12, "no evidence either way");
    assertTrue(BayesianLift.of(-0.05, 0.0004, 0.3).expectedLoss() > 0.04,
        "shipping a loser loses about its lift");
  }

  @Test
  void holmStepsDownThroughTheSortedPValues() {
    // Sorted: 0.005 x 4 = 0.02; 0.01 x 3 = 0.03; 0.03 x 2 = 0.06; 0.04 x 1 = 0.04 -> 0.06.
    assertArrayEquals(new double[] {0.03, 0.06, 0.06, 0.02},
        Holm.adjust(new double[] {0.01, 0.04, 0.03, 0.005}), 1e-12);
    double[] withMissing = Holm.adjust(new double[] {0.02, Double.NaN, 0.5});
    assertEquals(0.04, withMissing[0], 1e-12, "two hypotheses, not three");
    assertTrue(Double.isNaN(withMissing[1]));
    assertEquals(0.5, withMissing[2], 1e-12);
    assertEquals(1.0, Holm.adjust(new double[] {0.9, 0.8})[0], 1e-12, "capped at 1");
  }

  @Test
  void holmRejectsWhatBonferroniRejectsAndMore() {
    double[] p = {0.012, 0.013, 0.2};
    double[] holm = Holm.adjust(p);
    assertTrue(p[0] * 3 < 0.05 && p[1] * 3 < 0.05, "Bonferroni: both below 0.05 / 3");
    assertTrue(holm[0] < 0.05 && holm[1] < 0.05);
    double[] second = Holm.adjust(new double[] {0.01, 0.024, 0.3});
    assertTrue(0.024 * 3 > 0.05 && second[1] < 0.05, "Holm alone rejects 0.024: "
        + second[1]);
  }
}
