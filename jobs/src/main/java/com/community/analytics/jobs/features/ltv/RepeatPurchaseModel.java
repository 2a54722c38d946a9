package com.community.analytics.jobs.features.ltv;

import java.io.Serializable;

/**
 * A fitted BG/NBD-family model as the LTV scoring uses it: per member history (x repeat
 * purchases, the last at t_x, observed for T, all from the first purchase, in days) to the
 * probability of being alive and the expected repeat purchases over future horizons.
 */
public interface RepeatPurchaseModel extends Serializable {

  /** Log-likelihood of one member's history. */
  double logLikelihood(double x, double tx, double T);

  /** Probability the member is still alive at T. */
  double probabilityAlive(double x, double tx, double T);

  /**
   * Expected repeat purchases in the next {@code horizons[i]} days for each horizon, given the
   * member's history. Computing all horizons at once lets the models share the expensive part.
   */
  double[] conditionalExpectedPurchases(int[] horizons, double x, double tx, double T);
}
