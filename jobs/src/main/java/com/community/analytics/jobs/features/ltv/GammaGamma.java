package com.community.analytics.jobs.features.ltv;

import static com.community.analytics.jobs.features.ltv.SpecialFunctions.lnGamma;

import java.io.Serializable;

/**
 * The Gamma-Gamma spend model of Fader, Hardie and Lee (2005), "RFM and CLV: Using Iso-Value
 * Curves for Customer Base Analysis", Journal of Marketing Research 42(4), section "Adding
 * monetary value": the spend of each repeat transaction is Gamma(p, nu) with nu ~ Gamma(q,
 * gamma) across members, independent of the transaction process. Inputs, as in the paper and
 * in lifetimes' {@code GammaGammaFitter}: x = the number of repeat transactions (here repeat
 * purchase days, matching BG/NBD's x) and m = their mean spend, the first transaction left out;
 * the model is fitted on returning members only (x > 0).
 */
public record GammaGamma(double p, double q, double gamma) implements Serializable {

  /** Log-likelihood of a member's mean spend m over x repeat purchases (x >= 1). */
  public double logLikelihood(double x, double m) {
    return lnGamma(p * x + q) - lnGamma(p * x) - lnGamma(q) + q * Math.log(gamma)
        + (p * x - 1) * Math.log(m) + p * x * Math.log(x)
        - (p * x + q) * Math.log(gamma + m * x);
  }

  /**
   * E(M | x, m), the member's expected spend per purchase (equation 5 of the paper): a weighted
   * mean of the population mean and the member's own mean m; for x = 0 the population mean.
   */
  public double expectedSpend(double x, double m) {
    if (x <= 0) {
      return populationMean();
    }
    return p * (gamma + x * m) / (p * x + q - 1);
  }

  /** E(M) = p gamma / (q - 1), the expected spend per purchase of a member not yet seen. */
  public double populationMean() {
    return p * gamma / (q - 1);
  }
}
