package com.community.analytics.jobs.features.ltv;

import java.io.Serializable;
import java.util.Map;

/**
 * The outcome of one maximum-likelihood fit: parameters, mean log-likelihood per member,
 * members fitted (sum of weights), whether the optimizer converged, and its iterations.
 */
public record ModelFit(String model, Map<String, Double> parameters, double logLikelihood,
    double members, boolean converged, int iterations, String message) implements Serializable {

  public double parameter(String name) {
    Double v = parameters.get(name);
    if (v == null) {
      throw new IllegalArgumentException(model + " has no parameter " + name);
    }
    return v;
  }
}
