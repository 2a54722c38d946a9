package com.community.analytics.jobs.features.ltv;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rule a simulation test applies to a fitted parameter: the planted value lies within three
 * of the fit's standard errors (a 99.7% interval under the fit's asymptotic normality), and
 * those errors are small enough for that to mean something (at most a sixth of the planted
 * value, so the interval is narrower than +-50%).
 */
public final class Recovery {
  private Recovery() {}

  public static void assertRecovered(double planted, ModelFit fit, String parameter) {
    double fitted = fit.parameter(parameter);
    double se = fit.standardError(parameter);
    String what = fit.model() + " " + parameter + ": planted " + planted + ", fitted " + fitted
        + " (se " + se + ")";
    assertTrue(se > 0 && se <= planted / 6, what + ": the data do not identify it");
    assertTrue(Math.abs(fitted - planted) <= 3 * se, what + ": outside 3 standard errors");
  }
}
