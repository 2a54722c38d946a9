package com.community.analytics.jobs.kpi;

import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The Bayesian read-out of a relative lift, with the normal approximation GrowthBook's Bayesian
 * engine uses: the estimate's sampling distribution N(lift, V) combined with a weak normal prior
 * N(0, priorSd^2) on the true lift (conjugate: posterior precision 1/V + 1/priorSd^2, posterior
 * mean (lift / V) / precision). Chance to win is P(true lift > 0); expected loss of shipping the
 * treatment is E[max(0, -true lift)] = s phi(m/s) - m Phi(-m/s) for posterior N(m, s^2), the
 * lift given up on average if it is in fact worse (Stucchio 2015, "Bayesian A/B testing at VWO").
 */
public final class BayesianLift {
  private BayesianLift() {}

  private static final NormalDistribution NORMAL = new NormalDistribution();

  /** Posterior chance to beat control and expected loss of shipping, as relative lifts. */
  public record Posterior(double mean, double sd, double chanceToWin, double expectedLoss) {}

  public static Posterior of(double lift, double variance, double priorSd) {
    if (!Double.isFinite(lift) || !(variance > 0)) {
      return new Posterior(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double precision = 1 / variance + 1 / (priorSd * priorSd);
    double mean = lift / variance / precision;
    double sd = Math.sqrt(1 / precision);
    double z = mean / sd;
    double loss = sd * NORMAL.density(z) - mean * NORMAL.cumulativeProbability(-z);
    return new Posterior(mean, sd, NORMAL.cumulativeProbability(z), loss);
  }
}
