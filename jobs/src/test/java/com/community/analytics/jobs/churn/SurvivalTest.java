package com.community.analytics.jobs.churn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Kaplan-Meier, Greenwood intervals, median and the k-group log-rank test against the values
 * lifelines 0.30.0 publishes for its own documentation example ({@code
 * multivariate_logrank_test}'s docstring: 12 members in 3 groups). notebooks/tests/
 * test_survival.py does the same on a whole warehouse's members.
 */
class SurvivalTest {
  private static final int[] T = {5, 3, 9, 8, 7, 4, 4, 3, 2, 5, 6, 7};
  private static final int[] E = {1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0};
  private static final int[] G = {0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2};

  private static Map<String, SortedMap<Integer, Survival.Counts>> groups(boolean pooled) {
    Map<String, SortedMap<Integer, Survival.Counts>> out = new TreeMap<>();
    for (int i = 0; i < T.length; i++) {
      Survival.add(out.computeIfAbsent(pooled ? "all" : "g" + G[i], k -> Survival.group()),
          T[i], new Survival.Counts(E[i], 1 - E[i]));
    }
    return out;
  }

  @Test
  void kaplanMeierGreenwoodAndMedianEqualLifelines() {
    List<Survival.Point> curve = Survival.kaplanMeier(groups(true).get("all"));
    double[][] lifelines = {
        {2, 0.91666666666666674, 0.53897718057074051, 0.98782556540045807},
        {3, 0.83333333333333348, 0.48171494219537864, 0.95550936572806500},
        {4, 0.74074074074074059, 0.39067612760778186, 0.90862386940406170},
        {5, 0.52910052910052896, 0.20509338256378892, 0.77431210614921397},
        {6, 0.42328042328042320, 0.13488216416536594, 0.69146627466060029},
        {7, 0.31746031746031744, 0.07719101184794933, 0.59811341997803891},
        {8, 0.15873015873015872, 0.01060743110075960, 0.47466083279868304},
        {9, 0, 0, 0}};
    assertEquals(lifelines.length, curve.size());
    for (int i = 0; i < curve.size(); i++) {
      Survival.Point p = curve.get(i);
      assertEquals((int) lifelines[i][0], p.day());
      assertEquals(lifelines[i][1], p.survival(), 1e-12, "S at " + p.day());
      assertEquals(lifelines[i][2], p.lower(), 1e-12, "lower at " + p.day());
      assertEquals(lifelines[i][3], p.upper(), 1e-12, "upper at " + p.day());
    }
    assertEquals(12, curve.get(0).atRisk());
    assertEquals(6, Survival.median(curve));
    assertNull(Survival.median(curve.subList(0, 3)), "not reached");
  }

  @Test
  void logRankEqualsLifelines() {
    Survival.LogRank test = Survival.logRank(groups(false));
    assertEquals(1.0800467314891906, test.statistic(), 1e-12);
    assertEquals(2, test.degreesOfFreedom());
    assertEquals(0.5827346361862382, test.pValue(), 1e-12);
    assertNull(Survival.logRank(groups(true)), "one group: nothing to compare");
  }
}
