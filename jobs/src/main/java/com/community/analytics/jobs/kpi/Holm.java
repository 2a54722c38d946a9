package com.community.analytics.jobs.kpi;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Holm's step-down correction (Holm 1979, "A simple sequentially rejective multiple test
 * procedure", Scand. J. Statist.): with the m p-values sorted ascending, the i-th smallest gets
 * {@code max over j <= i of min(1, (m - j + 1) p_(j))}. Every hypothesis Bonferroni rejects,
 * Holm rejects too, and the family-wise error stays at most alpha.
 */
public final class Holm {
  private Holm() {}

  /** Adjusted p-values in the input's order; a NaN p-value is not a hypothesis (stays NaN). */
  public static double[] adjust(double[] p) {
    Integer[] order = IntStream.range(0, p.length).filter(i -> !Double.isNaN(p[i])).boxed()
        .sorted(Comparator.comparingDouble(i -> p[i])).toArray(Integer[]::new);
    double[] adjusted = new double[p.length];
    Arrays.fill(adjusted, Double.NaN);
    double running = 0;
    for (int rank = 0; rank < order.length; rank++) {
      running = Math.max(running, Math.min(1, (order.length - rank) * p[order[rank]]));
      adjusted[order[rank]] = running;
    }
    return adjusted;
  }
}
