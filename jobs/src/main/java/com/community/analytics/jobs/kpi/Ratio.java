package com.community.analytics.jobs.kpi;

import java.io.Serializable;

/**
 * A metric as a function of a group's per-member means: mean(numerator) / mean(denominator)
 * (clicks per view) or, without a denominator, mean(numerator) (the share of members who
 * converted). Indices are positions in {@link Moments}.
 */
public record Ratio(int numerator, int denominator) implements Serializable {
  public static final int NONE = -1;

  /** A per-member mean. */
  public static Ratio mean(int variable) {
    return new Ratio(variable, NONE);
  }

  public double value(Moments m) {
    return denominator == NONE ? m.mean(numerator) : m.mean(numerator) / m.mean(denominator);
  }

  /**
   * The gradient of {@link #value} in the group's means: its linearization, whose per-member
   * variance over n is the delta-method variance of the metric.
   */
  public double[] gradient(Moments m) {
    double[] a = new double[m.sums().length];
    if (denominator == NONE) {
      a[numerator] = 1;
    } else {
      double d = m.mean(denominator);
      a[numerator] = 1 / d;
      a[denominator] = -value(m) / d;
    }
    return a;
  }

  /** The delta-method variance of the group's estimate; NaN without two members or a base. */
  public double variance(Moments m) {
    if (m.n() < 2 || (denominator != NONE && m.sums()[denominator] <= 0)) {
      return Double.NaN;
    }
    return m.variance(gradient(m)) / m.n();
  }
}
