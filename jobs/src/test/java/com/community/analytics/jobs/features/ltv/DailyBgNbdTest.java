package com.community.analytics.jobs.features.ltv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.math3.util.CombinatoricsUtils;
import org.junit.jupiter.api.Test;

/**
 * The day-granular BG/NBD checked against identities that hold exactly for a discrete model,
 * so each numerical part (the lambda grid, the closed-form p integral, the posterior used for
 * predictions) is checked by another.
 */
class DailyBgNbdTest {
  private static final DailyBgNbd DEMO = new DailyBgNbd(1.2, 8, 0.4, 1.6);
  /** Heavy daily buyers with little dropout: the grid's upper end and q near 1 matter. */
  private static final DailyBgNbd HEAVY = new DailyBgNbd(0.7, 0.6, 2, 1.2);

  /** Histories with x repeat purchase days, the last on day t_x, share one likelihood. */
  private static double arrangements(int x, int tx) {
    return x == 0 ? 1 : CombinatoricsUtils.binomialCoefficientDouble(tx - 1, x - 1);
  }

  @Test
  void probabilitiesOfAllHistoriesSumToOne() {
    for (DailyBgNbd m : new DailyBgNbd[] {DEMO, HEAVY}) {
      for (int T : new int[] {0, 1, 5, 20}) {
        double total = Math.exp(m.logLikelihood(0, 0, T));
        for (int x = 1; x <= T; x++) {
          for (int tx = x; tx <= T; tx++) {
            total += arrangements(x, tx) * Math.exp(m.logLikelihood(x, tx, T));
          }
        }
        assertEquals(1.0, total, 1e-9, m + " T=" + T);
      }
    }
  }

  @Test
  void summaryLikelihoodEqualsTheSumOverMembers() {
    double[] x = {0, 0, 1, 3, 3, 12, 40};
    double[] tx = {0, 0, 4, 9, 20, 30, 80};
    double[] T = {0, 30, 10, 25, 60, 30, 89};
    double[] w = {3, 10, 7, 1, 2, 5, 1};
    DailyBgNbd.Likelihood summary = new DailyBgNbd.Likelihood(x, tx, T, w);
    for (DailyBgNbd m : new DailyBgNbd[] {DEMO, HEAVY}) {
      double sum = 0;
      for (int i = 0; i < x.length; i++) {
        sum += w[i] * m.logLikelihood(x[i], tx[i], T[i]);
      }
      assertEquals(sum / 29, summary.mean(m), 1e-10, m.toString());
    }
  }

  /**
   * E[purchase days in the next t | history] equals the sum over every continuation of its
   * purchase days times P(history and continuation) / P(history), both from the likelihood.
   */
  @Test
  void conditionalExpectationAgreesWithTheLikelihoodOfContinuations() {
    int[][] histories = {{0, 0, 0}, {0, 0, 14}, {3, 7, 10}, {8, 9, 12}};
    int t = 9;
    for (DailyBgNbd m : new DailyBgNbd[] {DEMO, HEAVY}) {
      for (int[] h : histories) {
        double history = m.logLikelihood(h[0], h[1], h[2]);
        double expected = 0;
        for (int y = 1; y <= t; y++) {
          for (int ty = y; ty <= t; ty++) {
            expected += y * arrangements(y, ty)
                * Math.exp(m.logLikelihood(h[0] + y, h[2] + ty, h[2] + t) - history);
          }
        }
        double[] predicted = m.conditionalExpectedPurchases(new int[] {t}, h[0], h[1], h[2]);
        assertEquals(expected, predicted[0], 1e-6 * Math.max(1, expected),
            m + " history " + java.util.Arrays.toString(h));
      }
    }
  }

  @Test
  void horizonsInAnyOrderGiveTheSameCumulativeExpectations() {
    double[] sorted = DEMO.conditionalExpectedPurchases(new int[] {30, 90, 365}, 4, 20, 40);
    double[] shuffled = DEMO.conditionalExpectedPurchases(new int[] {365, 30, 90, 30}, 4, 20,
        40);
    assertEquals(sorted[0], shuffled[1], 1e-12);
    assertEquals(sorted[0], shuffled[3], 1e-12);
    assertEquals(sorted[1], shuffled[2], 1e-12);
    assertEquals(sorted[2], shuffled[0], 1e-12);
    assertTrue(sorted[0] < sorted[1] && sorted[1] < sorted[2]);
  }

  /**
   * When purchases are rare, two on one day almost never happen, and the daily model agrees
   * with the textbook one: the published CDNOW parameters (weeks) in days.
   */
  @Test
  void agreesWithTheContinuousModelWhenPurchasesAreRare() {
    BgNbd continuous = new BgNbd(0.243, 4.414 * 7, 0.793, 2.426);
    DailyBgNbd daily = new DailyBgNbd(0.243, 4.414 * 7, 0.793, 2.426);
    double textbook = continuous.conditionalExpectedPurchases(39 * 7, 2, 213, 272);
    double ours = daily.conditionalExpectedPurchases(new int[] {39 * 7}, 2, 213, 272)[0];
    assertEquals(textbook, ours, 0.01 * textbook);
    assertEquals(continuous.probabilityAlive(2, 213, 272), daily.probabilityAlive(2, 213, 272),
        0.005);
  }
}
