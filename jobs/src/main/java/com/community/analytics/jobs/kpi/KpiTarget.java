package com.community.analytics.jobs.kpi;

import java.io.Serializable;

/**
 * A KPI's target from {@code conf/kpis.yaml}: green when the value meets the target, yellow when
 * it misses by at most the warning band (relative to the target), red beyond.
 */
public record KpiTarget(double target, boolean higherIsBetter, double warningBand)
    implements Serializable {

  public static final String GREEN = "green";
  public static final String YELLOW = "yellow";
  public static final String RED = "red";
  /** The KPI has a target but no value on the day (e.g. no coupon was redeemed). */
  public static final String NO_DATA = "no_data";
  /** The KPI has no target. */
  public static final String NONE = "none";

  public String status(Double value) {
    if (value == null || value.isNaN()) {
      return NO_DATA;
    }
    if (higherIsBetter ? value >= target : value <= target) {
      return GREEN;
    }
    return value >= yellowFrom() && value <= yellowTo() ? YELLOW : RED;
  }

  /** Where red begins: the edge of the warning band on the bad side of the target. */
  public double redBeyond() {
    return higherIsBetter ? target * (1 - warningBand) : target * (1 + warningBand);
  }

  private double yellowFrom() {
    return higherIsBetter ? redBeyond() : target;
  }

  private double yellowTo() {
    return higherIsBetter ? target : redBeyond();
  }
}
