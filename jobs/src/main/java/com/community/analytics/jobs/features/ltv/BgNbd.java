package com.community.analytics.jobs.features.ltv;

import static com.community.analytics.jobs.features.ltv.SpecialFunctions.hyp2f1;
import static com.community.analytics.jobs.features.ltv.SpecialFunctions.lnBeta;
import static com.community.analytics.jobs.features.ltv.SpecialFunctions.lnGamma;
import static com.community.analytics.jobs.features.ltv.SpecialFunctions.logSumExp;

/**
 * The BG/NBD model (Fader, Hardie and Lee 2005) with parameters r, alpha (Gamma over purchase
 * rates), a, b (Beta over the dropout probability). Inputs per member: x repeat purchases, t_x
 * the time of the last one and T the age, both from the first purchase, in one time unit (the
 * pipeline uses days). All formulas are in log space where they can overflow.
 */
public record BgNbd(double r, double alpha, double a, double b) implements RepeatPurchaseModel {

  /** Log-likelihood of one member with x repeat purchases, last at tx, observed for T. */
  @Override
  public double logLikelihood(double x, double tx, double T) {
    double a1 = lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha);
    double a2 = lnBeta(a, b + x) - lnBeta(a, b);
    double a3 = -(r + x) * Math.log(alpha + T);
    if (x <= 0) {
      return a1 + a2 + a3;
    }
    double a4 = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx);
    return a1 + a2 + logSumExp(a3, a4);
  }

  /** Probability the member is still alive at T. */
  @Override
  public double probabilityAlive(double x, double tx, double T) {
    if (x <= 0) {
      return 1.0;
    }
    double logRatio = Math.log(a) - Math.log(b + x - 1)
        + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
    return 1.0 / (1.0 + Math.exp(logRatio));
  }

  /** E[X(t)]: expected repeat purchases in (0, t] for a new customer. */
  public double expectedPurchases(double t) {
    double z = t / (alpha + t);
    double hyp = hyp2f1(r, b, a + b - 1, z);
    return (a + b - 1) / (a - 1) * (1 - Math.pow(alpha / (alpha + t), r) * hyp);
  }

  /** P(X(t) = 0) for a new customer. */
  public double probabilityNoPurchase(double t) {
    return Math.pow(alpha / (alpha + t), r);
  }

  /** E[Y(t) | x, tx, T]: expected purchases in the next t given the member's history. */
  public double conditionalExpectedPurchases(double t, double x, double tx, double T) {
    double z = t / (alpha + T + t);
    double hyp = hyp2f1(r + x, b + x, a + b + x - 1, z);
    double numerator = (a + b + x - 1) / (a - 1)
        * (1 - Math.exp((r + x) * Math.log((alpha + T) / (alpha + T + t))) * hyp);
    if (x <= 0) {
      return numerator;
    }
    double denominator = 1 + a / (b + x - 1)
        * Math.exp((r + x) * Math.log((alpha + T) / (alpha + tx)));
    return numerator / denominator;
  }

  @Override
  public double[] conditionalExpectedPurchases(int[] horizons, double x, double tx, double T) {
    double[] out = new double[horizons.length];
    for (int i = 0; i < horizons.length; i++) {
      out[i] = conditionalExpectedPurchases(horizons[i], x, tx, T);
    }
    return out;
  }
}
