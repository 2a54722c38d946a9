package com.community.analytics.jobs.features.ltv;

import com.community.analytics.common.job.ModelApi;
import java.util.Locale;
import java.util.Map;

/**
 * How the BG/NBD likelihood reads the summary: {@code daily} takes frequency as distinct
 * purchase days ({@link DailyBgNbd}, exact for day-level data), {@code continuous} as a Poisson
 * count in continuous time ({@link BgNbd}, the textbook model, as in the lifetimes library).
 */
@ModelApi
public enum BgNbdObservation {
  DAILY,
  CONTINUOUS;

  /** The model with fitted parameters r, alpha, a, b. */
  public RepeatPurchaseModel model(Map<String, Double> p) {
    double r = p.get("r");
    double alpha = p.get("alpha");
    double a = p.get("a");
    double b = p.get("b");
    return this == DAILY ? new DailyBgNbd(r, alpha, a, b) : new BgNbd(r, alpha, a, b);
  }

  /** Parses a config value (daily or continuous). */
  public static BgNbdObservation parse(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
