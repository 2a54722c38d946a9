package com.community.analytics.jobs.features.ltv;

import com.community.analytics.common.job.ModelApi;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.math3.exception.TooManyEvaluationsException;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.NonPositiveDefiniteMatrixException;
import org.apache.commons.math3.linear.NonSymmetricMatrixException;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.SingularMatrixException;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.MaxIter;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.NelderMeadSimplex;
import org.apache.commons.math3.optim.nonlinear.scalar.noderiv.SimplexOptimizer;

/**
 * Maximum-likelihood fits of BG/NBD and Gamma-Gamma on weighted summary rows, with Apache
 * Commons Math's Nelder-Mead simplex over log-parameters (so they stay positive) and an optional
 * L2 penalty on the parameters. The rows are the distinct (x, t_x, T) or (x, m) combinations with
 * their member counts as weights, so the cost depends on the number of distinct rows, not on the
 * number of members.
 */
@ModelApi
public final class LtvFitter {
  private static final int MAX_EVALUATIONS = 20_000;
  private static final int MAX_RESTARTS = 20;

  private LtvFitter() {}

  /** A summary row: x, t_x, T and the members sharing them. */
  public record BgNbdRow(double x, double tx, double T, double weight) {}

  /** A summary row: x repeat purchases, their mean spend m, and the members sharing them. */
  public record SpendRow(double x, double m, double weight) {}

  /**
   * Fits BG/NBD on summary rows in days. {@link BgNbdObservation#DAILY} (the pipeline's default)
   * treats x as distinct purchase days; {@link BgNbdObservation#CONTINUOUS} is the textbook
   * likelihood.
   */
  public static ModelFit fitBgNbd(List<BgNbdRow> rows, double penalizer,
      BgNbdObservation observation) {
    double total = rows.stream().mapToDouble(BgNbdRow::weight).sum();
    Function<double[], Double> meanLl;
    if (observation == BgNbdObservation.DAILY) {
      DailyBgNbd.Likelihood likelihood = new DailyBgNbd.Likelihood(
          rows.stream().mapToDouble(BgNbdRow::x).toArray(),
          rows.stream().mapToDouble(BgNbdRow::tx).toArray(),
          rows.stream().mapToDouble(BgNbdRow::T).toArray(),
          rows.stream().mapToDouble(BgNbdRow::weight).toArray());
      meanLl = p -> likelihood.mean(new DailyBgNbd(p[0], p[1], p[2], p[3]));
    } else {
      meanLl = p -> {
        BgNbd m = new BgNbd(p[0], p[1], p[2], p[3]);
        double ll = 0;
        for (BgNbdRow row : rows) {
          ll += row.weight() * m.logLikelihood(row.x(), row.tx(), row.T());
        }
        return ll / total;
      };
    }
    return fit("bgnbd", new String[] {"r", "alpha", "a", "b"}, new double[] {1, 1, 1, 1},
        meanLl, penalizer, total);
  }

  /**
   * Above this |r| between frequency and monetary value the Gamma-Gamma model's independence
   * assumption is in doubt (the threshold the lifetimes documentation advises).
   */
  public static final double MAX_INDEPENDENT_CORRELATION = 0.3;

  /**
   * Pearson's r between x and m over the members of the rows (each row weighted by its
   * members); NaN with fewer than two distinct values of either.
   */
  public static double frequencyMonetaryCorrelation(List<SpendRow> rows) {
    double n = 0;
    double sx = 0;
    double sm = 0;
    for (SpendRow r : rows) {
      n += r.weight();
      sx += r.weight() * r.x();
      sm += r.weight() * r.m();
    }
    double mx = sx / n;
    double mm = sm / n;
    double cov = 0;
    double vx = 0;
    double vm = 0;
    for (SpendRow r : rows) {
      cov += r.weight() * (r.x() - mx) * (r.m() - mm);
      vx += r.weight() * (r.x() - mx) * (r.x() - mx);
      vm += r.weight() * (r.m() - mm) * (r.m() - mm);
    }
    return vx > 0 && vm > 0 ? cov / Math.sqrt(vx * vm) : Double.NaN;
  }

  /** Fits Gamma-Gamma on returning members' rows (x repeat purchases, mean spend m). */
  public static ModelFit fitGammaGamma(List<SpendRow> rows, double penalizer) {
    double total = rows.stream().mapToDouble(SpendRow::weight).sum();
    Function<double[], Double> meanLl = p -> {
      GammaGamma m = new GammaGamma(p[0], p[1], p[2]);
      double ll = 0;
      for (SpendRow row : rows) {
        ll += row.weight() * m.logLikelihood(row.x(), row.m());
      }
      return ll / total;
    };
    ModelFit fit = fit("gamma_gamma", new String[] {"p", "q", "gamma"}, new double[] {1, 1, 1},
        meanLl, penalizer, total);
    if (fit.converged() && fit.parameter("q") <= 1) {
      // E(M) = p gamma / (q - 1) has no finite value: the fit cannot price one-time buyers.
      return new ModelFit(fit.model(), fit.parameters(), fit.standardErrors(),
          fit.logLikelihood(), fit.members(), false, fit.iterations(),
          "q <= 1: the population mean spend is not finite");
    }
    return fit;
  }

  private static ModelFit fit(String model, String[] names, double[] start,
      Function<double[], Double> meanLl, double penalizer, double members) {
    if (members <= 0) {
      return failed(model, names, members, 0, "no members to fit");
    }
    double[] guess = new double[start.length];
    for (int i = 0; i < start.length; i++) {
      guess[i] = Math.log(start[i]);
    }
    SimplexOptimizer optimizer = new SimplexOptimizer(1e-12, 1e-14);
    try {
      Optimum optimum = minimize(optimizer, penalized(meanLl, penalizer), guess);
      return result(model, names, optimum, meanLl, members);
    } catch (TooManyEvaluationsException e) {
      return failed(model, names, members, optimizer.getIterations(),
          "no convergence within " + MAX_EVALUATIONS + " evaluations");
    }
  }

  /** The negative mean log-likelihood plus the L2 penalty, over log-parameters. */
  private static ObjectiveFunction penalized(Function<double[], Double> meanLl,
      double penalizer) {
    return new ObjectiveFunction(logParams -> {
      double[] p = new double[logParams.length];
      double penalty = 0;
      for (int i = 0; i < p.length; i++) {
        p[i] = Math.exp(logParams[i]);
        penalty += p[i] * p[i];
      }
      double ll = meanLl.apply(p);
      return Double.isFinite(ll) ? -ll + penalizer * penalty : Double.MAX_VALUE;
    });
  }

  private record Optimum(double[] logParams, int iterations) {}

  /**
   * Nelder-Mead can stall on the flat ridge of the BG/NBD likelihood along (a, b): it is
   * restarted from its own optimum until a restart no longer improves the objective.
   */
  private static Optimum minimize(SimplexOptimizer optimizer, ObjectiveFunction objective,
      double[] guess) {
    PointValuePair best = null;
    int iterations = 0;
    for (int restart = 0; restart < MAX_RESTARTS; restart++) {
      PointValuePair next = optimizer.optimize(new MaxEval(MAX_EVALUATIONS),
          new MaxIter(MAX_EVALUATIONS), objective, GoalType.MINIMIZE,
          new InitialGuess(best == null ? guess : best.getPoint()),
          new NelderMeadSimplex(guess.length, 0.5));
      iterations += optimizer.getIterations();
      boolean improved = best == null || next.getValue() < best.getValue() - 1e-12;
      if (best == null || next.getValue() < best.getValue()) {
        best = next;
      }
      if (!improved) {
        break;
      }
    }
    return new Optimum(best.getPoint(), iterations);
  }

  /** The fit at the optimum: converged, or why its parameters are not an estimate. */
  private static ModelFit result(String model, String[] names, Optimum optimum,
      Function<double[], Double> meanLl, double members) {
    Map<String, Double> params = new LinkedHashMap<>();
    double[] p = new double[names.length];
    for (int i = 0; i < names.length; i++) {
      p[i] = Math.exp(optimum.logParams()[i]);
      params.put(names[i], p[i]);
    }
    double ll = meanLl.apply(p);
    if (!Double.isFinite(ll) || !params.values().stream().allMatch(Double::isFinite)) {
      return new ModelFit(model, params, Map.of(), ll, members, false, optimum.iterations(),
          "non-finite likelihood at the optimum");
    }
    // Too little data drives the optimizer to the edge of the parameter space (e.g. b -> 1e7
    // when nobody has dropped out yet); such a fit is not an estimate.
    boolean degenerate = params.values().stream().anyMatch(v -> v < 1e-4 || v > 1e4);
    return new ModelFit(model, params, standardErrors(names, optimum.logParams(), meanLl,
        members), ll, members, !degenerate, optimum.iterations(),
        degenerate ? "degenerate: parameters at the edge of the space (too little data)"
            : "converged");
  }

  /** Step of the central differences, in log-parameters. */
  private static final double STEP = 1e-4;

  /**
   * Asymptotic standard errors from the observed information: the Hessian of the total
   * log-likelihood at the optimum by central differences in log-parameters, inverted to their
   * covariance, then se(theta) = theta * se(log theta) (the delta method). The penalty is left
   * out: these are the likelihood's errors. NaN where the information is not positive definite.
   * Cost: 1 + 2k + 2k(k - 1) likelihood evaluations for k parameters.
   */
  static Map<String, Double> standardErrors(String[] names, double[] logParams,
      Function<double[], Double> meanLl, double members) {
    int k = logParams.length;
    Function<double[], Double> total = lp -> {
      double[] p = new double[k];
      for (int i = 0; i < k; i++) {
        p[i] = Math.exp(lp[i]);
      }
      return members * meanLl.apply(p);
    };
    double centre = total.apply(logParams);
    RealMatrix information = new Array2DRowRealMatrix(k, k);
    for (int i = 0; i < k; i++) {
      for (int j = i; j < k; j++) {
        double h;
        if (i == j) {
          h = (total.apply(shifted(logParams, i, STEP, j, 0))
              - 2 * centre + total.apply(shifted(logParams, i, -STEP, j, 0))) / (STEP * STEP);
        } else {
          h = (total.apply(shifted(logParams, i, STEP, j, STEP))
              - total.apply(shifted(logParams, i, STEP, j, -STEP))
              - total.apply(shifted(logParams, i, -STEP, j, STEP))
              + total.apply(shifted(logParams, i, -STEP, j, -STEP))) / (4 * STEP * STEP);
        }
        information.setEntry(i, j, -h);
        information.setEntry(j, i, -h);
      }
    }
    Map<String, Double> errors = new LinkedHashMap<>();
    RealMatrix covariance = null;
    try {
      covariance = new CholeskyDecomposition(information).getSolver().getInverse();
    } catch (SingularMatrixException | NonPositiveDefiniteMatrixException
        | NonSymmetricMatrixException e) {
      // not an interior maximum: no standard errors
    }
    for (int i = 0; i < k; i++) {
      errors.put(names[i], covariance == null ? Double.NaN
          : Math.exp(logParams[i]) * Math.sqrt(covariance.getEntry(i, i)));
    }
    return errors;
  }

  private static double[] shifted(double[] point, int i, double di, int j, double dj) {
    double[] p = point.clone();
    p[i] += di;
    p[j] += dj;
    return p;
  }

  private static ModelFit failed(String model, String[] names, double members, int iterations,
      String message) {
    Map<String, Double> params = new LinkedHashMap<>();
    for (String n : names) {
      params.put(n, Double.NaN);
    }
    return new ModelFit(model, params, Map.of(), Double.NaN, members, false, iterations,
        message);
  }
}
