package com.community.analytics.jobs.features.ltv;

import org.apache.commons.math3.special.Gamma;

/** Log-gamma, log-beta, log-sum-exp and the Gauss hypergeometric function 2F1. */
final class SpecialFunctions {
  private SpecialFunctions() {}

  static double lnGamma(double x) {
    return Gamma.logGamma(x);
  }

  static double lnBeta(double a, double b) {
    return lnGamma(a) + lnGamma(b) - lnGamma(a + b);
  }

  /** log(exp(x) + exp(y)) without overflow. */
  static double logSumExp(double x, double y) {
    double m = Math.max(x, y);
    if (m == Double.NEGATIVE_INFINITY) {
      return m;
    }
    return m + Math.log(Math.exp(x - m) + Math.exp(y - m));
  }

  /**
   * 2F1(a, b; c; z) for 0 <= z < 1 by its power series, summed until the terms stop mattering.
   * BG/NBD only needs z = t / (alpha + T + t) < 1, where the series converges.
   */
  static double hyp2f1(double a, double b, double c, double z) {
    if (z < 0 || z >= 1) {
      throw new IllegalArgumentException("hyp2f1 needs 0 <= z < 1, got " + z);
    }
    double term = 1;
    double sum = 1;
    for (int n = 0; n < 1_000_000; n++) {
      term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
      sum += term;
      if (Math.abs(term) < 1e-15 * Math.abs(sum)) {
        return sum;
      }
    }
    throw new ArithmeticException("hyp2f1 did not converge for z=" + z);
  }
}
