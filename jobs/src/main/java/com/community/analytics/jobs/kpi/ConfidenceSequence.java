package com.community.analytics.jobs.kpi;

import java.io.Serializable;

/**
 * An always-valid two-sided confidence sequence for a difference of means, read as often as
 * one likes: the asymptotic confidence sequence of Waudby-Smith, Arnold, Wu, Ramdas et al.
 * ("Time-uniform central limit theory and asymptotic confidence sequences", Annals of
 * Statistics 2024, Theorem 2.2) with the normal-mixture boundary of Howard, Ramdas, McAuliffe
 * and Sekhon (2021, "Time-uniform, nonparametric, nonasymptotic confidence sequences", eq. 14),
 * the form GrowthBook and Eppo use. For an estimate over n units with variance V = sigma^2 / n:
 *
 * <pre>radius = sqrt(V * 2 (n rho^2 + 1) / (n rho^2) * ln(sqrt(n rho^2 + 1) / alpha))</pre>
 *
 * <p>rho tunes where the sequence is tightest: {@link #tunedFor} makes it tightest at n* units
 * ({@code rho^2 = (-2 ln alpha + ln(-2 ln alpha + 1)) / n*}); any fixed rho keeps the guarantee.
 * The matching always-valid p-value (the mixture SPRT of Johari, Koomen, Pekelis and Walsh
 * 2017, "Peeking at A/B tests", with mixing variance rho^2 sigma^2) is the smallest alpha whose
 * sequence excludes 0: {@code min(1, sqrt(n rho^2 + 1) exp(-d^2 n rho^2 / (2 V (n rho^2 + 1))))}.
 * Unlike a fixed-horizon z-test, the chance that the sequence ever excludes a true 0 over any
 * number of looks is at most alpha (asymptotically: the variance is estimated; measured by
 * simulation in ConfidenceSequenceTest).
 */
public record ConfidenceSequence(double rhoSquared) implements Serializable {

  /** rho^2 minimising the radius at n* units for the given alpha. */
  public static ConfidenceSequence tunedFor(double alpha, double nStar) {
    double l = -2 * Math.log(alpha);
    return new ConfidenceSequence((l + Math.log(l + 1)) / nStar);
  }

  /** Half-width at level 1 - alpha of an estimate with variance V over n units. */
  public double radius(double variance, long n, double alpha) {
    double nr = n * rhoSquared;
    return Math.sqrt(variance * 2 * (nr + 1) / nr * Math.log(Math.sqrt(nr + 1) / alpha));
  }

  /** The always-valid p-value of "the true difference is 0" given estimate d. */
  public double pValue(double estimate, double variance, long n) {
    if (variance == 0 && n >= 1) {
      // As the z-test: no spread and no difference is no evidence; a difference is undefined.
      return estimate == 0 ? 1 : Double.NaN;
    }
    if (!(variance > 0) || n < 1) {
      return Double.NaN;
    }
    double nr = n * rhoSquared;
    double log = 0.5 * Math.log(nr + 1) - estimate * estimate * nr / (2 * variance * (nr + 1));
    return Math.min(1, Math.exp(log));
  }
}
