package com.community.analytics.jobs.features.ltv;

import com.community.analytics.common.job.ModelApi;
import java.io.Serializable;
import java.util.Map;

/**
 * The outcome of one maximum-likelihood fit: parameters and their asymptotic standard errors
 * (empty when not computed), mean log-likelihood per member, members fitted (sum of weights),
 * whether the optimizer converged, and its iterations.
 */
@ModelApi
public record ModelFit(String model, Map<String, Double> parameters,
    Map<String, Double> standardErrors, double logLikelihood, double members, boolean converged,
    int iterations, String message) implements Serializable {

  /** The standard error of a parameter (NaN where the information matrix is singular). */
  public double standardError(String name) {
    Double v = standardErrors.get(name);
    if (v == null) {
      throw new IllegalArgumentException(model + " has no standard error for " + name);
    }
    return v;
  }

  public double parameter(String name) {
    Double v = parameters.get(name);
    if (v == null) {
      throw new IllegalArgumentException(model + " has no parameter " + name);
    }
    return v;
  }
}
