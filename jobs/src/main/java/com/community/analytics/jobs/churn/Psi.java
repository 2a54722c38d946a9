package com.community.analytics.jobs.churn;

/**
 * Population stability index of a feature: sum over bins of (a - e) * ln(a / e), where e and a
 * are the expected (training) and actual (scoring) shares of each bin. Empty bins are floored at
 * a small share so the logarithm stays finite.
 */
public final class Psi {
  private static final double FLOOR = 1e-4;

  private Psi() {}

  public static double of(double[] expected, double[] actual) {
    if (expected.length != actual.length) {
      throw new IllegalArgumentException("bins differ: " + expected.length + " vs "
          + actual.length);
    }
    double psi = 0;
    for (int i = 0; i < expected.length; i++) {
      double e = Math.max(expected[i], FLOOR);
      double a = Math.max(actual[i], FLOOR);
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }
}
