package com.community.analytics.jobs.features.ltv;

import static com.community.analytics.jobs.features.ltv.SpecialFunctions.lnGamma;

import java.io.Serializable;

/**
 * The Gamma-Gamma spend model (Fader, Hardie and Lee 2005): spend per purchase is Gamma(p, nu)
 * with nu ~ Gamma(q, gamma) across members. Inputs: x purchases and their average spend m.
 */
public record GammaGamma(double p, double q, double gamma) implements Serializable {

  /** Log-likelihood of a member's average spend m over x purchases (x >= 1). */
  public double logLikelihood(double x, double m) {
    return lnGamma(p * x + q) - lnGamma(p * x) - lnGamma(q) + q * Math.log(gamma)
        + (p * x - 1) * Math.log(m) + p * x * Math.log(x)
        - (p * x + q) * Math.log(gamma + m * x);
  }

  /** E[spend per purchase | x, m]; for x = 0 the population mean p gamma / (q - 1). */
  public double expectedSpend(double x, double m) {
    if (x <= 0) {
      return p * gamma / (q - 1);
    }
    return p * (gamma + x * m) / (p * x + q - 1);
  }
}
