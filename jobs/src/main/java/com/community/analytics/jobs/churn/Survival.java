package com.community.analytics.jobs.churn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * Survival of members, pure (no Spark): the Kaplan-Meier estimator (Kaplan and Meier 1958)
 * with 95% intervals from Greenwood's variance on the log(-log) scale (the "exponential
 * Greenwood" interval of Kalbfleisch and Prentice 2002, section 1.4, lifelines' default, which
 * stays inside [0, 1]), the median lifetime, and the k-group log-rank test (Mantel 1966; the
 * hypergeometric covariance, as in lifelines' {@code multivariate_logrank_test}).
 *
 * <p>Input per group: for each distinct duration (days), the members who churned then and the
 * members censored then. Cost: linear in the distinct durations; the log-rank test solves one
 * (k-1) x (k-1) system.
 */
public final class Survival {
  private Survival() {}

  /** Members who churned and members censored at one duration. */
  public record Counts(long churned, long censored) {
    Counts plus(Counts o) {
      return new Counts(churned + o.churned, censored + o.censored);
    }
  }

  /** The curve at one duration: members at risk, churned, censored, S(t) and its interval. */
  public record Point(int day, long atRisk, long churned, long censored, double survival,
      double lower, double upper) {}

  /** The k-group log-rank statistic, its degrees of freedom (k - 1) and chi-square p-value. */
  public record LogRank(double statistic, int degreesOfFreedom, double pValue) {}

  private static final double Z = new NormalDistribution().inverseCumulativeProbability(0.975);

  /** The Kaplan-Meier curve at every duration of {@code counts} (day -> counts). */
  public static List<Point> kaplanMeier(SortedMap<Integer, Counts> counts) {
    long atRisk = counts.values().stream().mapToLong(c -> c.churned + c.censored).sum();
    double logSurvival = 0;
    double greenwood = 0;
    List<Point> out = new ArrayList<>();
    for (Map.Entry<Integer, Counts> e : counts.entrySet()) {
      long d = e.getValue().churned;
      // As lifelines: a sum of logs, and a time where everyone at risk churns adds no variance.
      logSurvival += Math.log(atRisk - d) - Math.log(atRisk);
      if (atRisk > d) {
        greenwood += d / ((double) atRisk * (atRisk - d));
      }
      double s = Math.exp(logSurvival);
      double[] ci = interval(s, greenwood);
      out.add(new Point(e.getKey(), atRisk, d, e.getValue().censored, s, ci[0], ci[1]));
      atRisk -= d + e.getValue().censored;
    }
    return out;
  }

  /** exp(-exp(log(-log S) -+ z sqrt(V) / log S)); [1, 1] before the first churn. */
  private static double[] interval(double s, double variance) {
    double v = Math.log(s);
    if (v == 0) {
      return new double[] {1, 1};
    }
    double centre = Math.log(-v);
    double spread = Z * Math.sqrt(variance) / v;
    return new double[] {Math.exp(-Math.exp(centre - spread)),
        Math.exp(-Math.exp(centre + spread))};
  }

  /** The first duration where S(t) <= 0.5; null when the curve never gets there. */
  public static Integer median(List<Point> curve) {
    return curve.stream().filter(p -> p.survival() <= 0.5).map(Point::day).findFirst()
        .orElse(null);
  }

  /**
   * The log-rank test that every group has the same survival: U = Z' V^-1 Z over the first
   * k - 1 groups (in name order), Z observed minus expected churns, V their hypergeometric
   * covariance; chi-square with k - 1 degrees of freedom. Only the {@link #informative} groups
   * count; null with fewer than two of them.
   */
  public static LogRank logRank(Map<String, SortedMap<Integer, Counts>> all) {
    Map<String, SortedMap<Integer, Counts>> groups = informative(all);
    List<String> names = new ArrayList<>(new TreeSet<>(groups.keySet()));
    int k = names.size();
    if (k < 2) {
      return null;
    }
    TreeSet<Integer> days = new TreeSet<>();
    groups.values().forEach(g -> days.addAll(g.keySet()));
    long[] atRisk = new long[k];
    for (int j = 0; j < k; j++) {
      atRisk[j] = groups.get(names.get(j)).values().stream()
          .mapToLong(c -> c.churned + c.censored).sum();
    }
    double[] z = new double[k];
    double[][] v = new double[k][k];
    for (int day : days) {
      long n = 0;
      long d = 0;
      Counts[] at = new Counts[k];
      for (int j = 0; j < k; j++) {
        at[j] = groups.get(names.get(j)).getOrDefault(day, new Counts(0, 0));
        n += atRisk[j];
        d += at[j].churned;
      }
      double factor = (n > 1 ? (n - d) / (double) (n - 1) : 1) * d / ((double) n * n);
      for (int j = 0; j < k; j++) {
        z[j] += at[j].churned - atRisk[j] * d / (double) n;
        for (int l = 0; l < k; l++) {
          v[j][l] += factor * ((j == l ? n * (double) atRisk[j] : 0)
              - atRisk[j] * (double) atRisk[l]);
        }
      }
      for (int j = 0; j < k; j++) {
        atRisk[j] -= at[j].churned + at[j].censored;
      }
    }
    RealMatrix cov = new Array2DRowRealMatrix(v).getSubMatrix(0, k - 2, 0, k - 2);
    RealVector observed = new ArrayRealVector(z).getSubVector(0, k - 1);
    // As lifelines, through the pseudo-inverse: V is singular when segments move in lockstep.
    double u = observed.dotProduct(new SingularValueDecomposition(cov).getSolver()
        .solve(observed));
    return new LogRank(u, k - 1, 1 - new ChiSquaredDistribution(k - 1)
        .cumulativeProbability(u));
  }

  /**
   * The groups with a member at risk at some churn time (their longest duration reaches the
   * first churn): the others (a cohort too new for anyone to have churned) add nothing to
   * the test but a degree of freedom, so they are left out.
   */
  static Map<String, SortedMap<Integer, Counts>> informative(
      Map<String, SortedMap<Integer, Counts>> groups) {
    int firstChurn = groups.values().stream().flatMap(g -> g.entrySet().stream())
        .filter(e -> e.getValue().churned > 0).mapToInt(Map.Entry::getKey).min()
        .orElse(Integer.MAX_VALUE);
    Map<String, SortedMap<Integer, Counts>> out = new TreeMap<>();
    groups.forEach((name, g) -> {
      if (!g.isEmpty() && g.lastKey() >= firstChurn) {
        out.put(name, g);
      }
    });
    return out;
  }

  /** Adds one member's outcome to a group's counts. */
  public static void add(SortedMap<Integer, Counts> group, int day, Counts c) {
    group.merge(day, c, Counts::plus);
  }

  /** An empty group. */
  public static SortedMap<Integer, Counts> group() {
    return new TreeMap<>();
  }
}
