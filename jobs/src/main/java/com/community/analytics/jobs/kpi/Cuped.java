package com.community.analytics.jobs.kpi;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.MatrixUtils;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * CUPED (Deng, Xu, Kohavi and Walker 2013, "Improving the sensitivity of online controlled
 * experiments by utilizing pre-experiment data", WSDM): a metric's group estimate Y is replaced
 * by {@code Y - theta' (X_group - X_pooled)} with X the same metric over each member's
 * pre-exposure window, and theta the regression coefficient of the metric on its covariates
 * estimated on all variants pooled ({@code theta = Cov(X)^-1 Cov(X, Y)}; one covariate gives
 * the paper's {@code Cov(X, Y) / Var(X)}). The adjusted estimate stays unbiased because
 * assignment is independent of pre-exposure behaviour, and its variance shrinks by the share of
 * the metric's variance the covariates explain (1 - rho^2 for one covariate).
 *
 * <p>Ratio metrics (clicks per view) are linearized by the delta method, as the paper's section
 * 4.4 ("Handling non-user metrics") prescribes, so theta and the variances act on each member's influence on the ratio.
 * Members without pre-exposure data get a pre value of 0 and an indicator as a second covariate
 * (the paper's section 3.3): the indicator absorbs the difference between new and known members,
 * so a 0 does not pass for "did nothing". A covariate without variance in the pooled data (no
 * member lacks pre data) is dropped. Cost: a k x k solve per metric with k <= 2 covariates.
 */
public record Cuped(Ratio metric, List<Ratio> covariates) implements Serializable {

  /** A group's metric: plain and adjusted estimate, each with its variance. */
  public record Result(double rate, double variance, double adjustedRate,
      double adjustedVariance, boolean adjusted) {

    /** 1 - adjusted / plain variance: the share of the estimate's variance CUPED removed. */
    public double varianceReduction() {
      return 1 - adjustedVariance / variance;
    }
  }

  /** The coefficients per covariate (0 for a dropped one), from the pooled moments. */
  public double[] theta(Moments pooled) {
    double[] theta = new double[covariates.size()];
    if (pooled.n() < 3) {
      return theta;
    }
    double[] a = metric.gradient(pooled);
    List<Integer> kept = new ArrayList<>();
    for (int k = 0; k < covariates.size(); k++) {
      double[] b = covariates.get(k).gradient(pooled);
      if (java.util.Arrays.stream(b).allMatch(Double::isFinite) && pooled.variance(b) > 1e-12) {
        kept.add(k);
      }
    }
    while (!kept.isEmpty()) {
      RealMatrix xx = MatrixUtils.createRealMatrix(kept.size(), kept.size());
      double[] xy = new double[kept.size()];
      for (int i = 0; i < kept.size(); i++) {
        double[] bi = covariates.get(kept.get(i)).gradient(pooled);
        xy[i] = pooled.covariance(bi, a);
        for (int j = 0; j < kept.size(); j++) {
          xx.setEntry(i, j, pooled.covariance(bi, covariates.get(kept.get(j)).gradient(pooled)));
        }
      }
      LUDecomposition lu = new LUDecomposition(xx);
      if (lu.getSolver().isNonSingular()) {
        double[] solved = lu.getSolver().solve(MatrixUtils.createRealVector(xy)).toArray();
        for (int i = 0; i < kept.size(); i++) {
          theta[kept.get(i)] = solved[i];
        }
        return theta;
      }
      kept.remove(kept.size() - 1);
    }
    return theta;
  }

  /** The group's estimate, plain and adjusted with the pooled theta. */
  public Result estimate(Moments group, Moments pooled) {
    double rate = metric.value(group);
    double variance = metric.variance(group);
    double[] theta = theta(pooled);
    double adjusted = rate;
    double[] c = metric.gradient(group);
    for (int k = 0; k < theta.length; k++) {
      if (theta[k] != 0) {
        Ratio x = covariates.get(k);
        adjusted -= theta[k] * (x.value(group) - x.value(pooled));
        double[] b = x.gradient(group);
        for (int i = 0; i < c.length; i++) {
          c[i] -= theta[k] * b[i];
        }
      }
    }
    double adjustedVariance = group.n() < 2 ? Double.NaN : group.variance(c) / group.n();
    if (!Double.isFinite(adjusted) || !Double.isFinite(adjustedVariance)) {
      // A group without a pre-period base (no views before exposure) is read unadjusted.
      return new Result(rate, variance, rate, variance, false);
    }
    return new Result(rate, variance, adjusted, adjustedVariance,
        java.util.Arrays.stream(theta).anyMatch(t -> t != 0));
  }
}
