package com.community.analytics.jobs.kpi;

import java.io.Serializable;
import java.util.Arrays;

/**
 * First and second moments of per-member variables over a group of members: the count, each
 * variable's sum and each pair's sum of products. Every read-out estimate is a smooth function
 * of group means, so its variance follows from these sums by the delta method: the variance of
 * the mean of a linear combination {@code a . X} is {@code a' S a / n} with S the sample
 * covariance. Groups add by summing (the pooled moments of all variants).
 */
public record Moments(long n, double[] sums, double[][] products) implements Serializable {

  /** Sums of the given per-member vectors (for tests and simulations). */
  public static Moments of(double[][] members) {
    int k = members.length == 0 ? 0 : members[0].length;
    double[] sums = new double[k];
    double[][] products = new double[k][k];
    for (double[] x : members) {
      for (int i = 0; i < k; i++) {
        sums[i] += x[i];
        for (int j = 0; j < k; j++) {
          products[i][j] += x[i] * x[j];
        }
      }
    }
    return new Moments(members.length, sums, products);
  }

  /** The moments of both groups together. */
  public Moments plus(Moments other) {
    double[] s = sums.clone();
    double[][] p = new double[s.length][];
    for (int i = 0; i < s.length; i++) {
      s[i] += other.sums[i];
      p[i] = products[i].clone();
      for (int j = 0; j < s.length; j++) {
        p[i][j] += other.products[i][j];
      }
    }
    return new Moments(n + other.n, s, p);
  }

  public double mean(int i) {
    return sums[i] / n;
  }

  /** Sample covariance of variables i and j (n - 1 in the denominator). */
  public double covariance(int i, int j) {
    return (products[i][j] - sums[i] * sums[j] / n) / (n - 1);
  }

  /** Sample variance of the per-member combination {@code a . X}. */
  public double variance(double[] a) {
    return Math.max(0, covariance(a, a));
  }

  /** Sample covariance of the combinations {@code a . X} and {@code b . X}. */
  public double covariance(double[] a, double[] b) {
    double v = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b.length; j++) {
        if (a[i] != 0 && b[j] != 0) {
          v += a[i] * b[j] * covariance(i, j);
        }
      }
    }
    return v;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Moments m && n == m.n && Arrays.equals(sums, m.sums)
        && Arrays.deepEquals(products, m.products);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(n) * 31 + Arrays.hashCode(sums);
  }

  @Override
  public String toString() {
    return "Moments[n=" + n + ", sums=" + Arrays.toString(sums) + "]";
  }
}
