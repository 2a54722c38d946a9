package com.community.analytics.jobs.attribution;

import com.community.analytics.common.job.ModelApi;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.commons.math3.util.CombinatoricsUtils;

/**
 * Exact Shapley values of the channel coalition game of Zhao et al. (2018), "Shapley Value
 * Methods for Attribution Modeling in Online Advertising": the worth v(S) of a set of channels
 * S is the conversion rate of the journeys whose set of channels is contained in S (v of the
 * empty set is 0), and a channel's value is its marginal worth averaged over every order in
 * which the channels could join, phi_i = sum over S not holding i of |S|! (n - |S| - 1)! / n!
 * (v(S + i) - v(S)). The values sum to v(all channels), the conversion rate of all journeys; a
 * channel on no journey adds nothing to any coalition and gets 0. A channel whose journeys
 * convert less than those it joins lowers the rate of the coalitions it enters, and its value
 * is negative. Deterministic.
 *
 * <p>Inputs: journeys summed by their channel set (journeys, conversions). Cost: exact over the
 * 2^n coalitions, O(n 2^n) time and O(2^n) memory: 65,536 coalitions for 16 channels.
 */
@ModelApi
public final class ShapleyGame {
  /** More players than the exact computation was allowed. */
  public static final class TooManyPlayers extends IllegalArgumentException {
    TooManyPlayers(String message) {
      super(message);
    }
  }

  private final List<String> players;
  private final double[] journeys;
  private final double[] conversions;

  /**
   * A game over {@code players} (each a channel; sorted, at most {@code maxPlayers}), to which
   * journey counts are added by channel set.
   *
   * @throws TooManyPlayers with more players than {@code maxPlayers}
   */
  public ShapleyGame(TreeSet<String> players, int maxPlayers) {
    if (players.size() > maxPlayers) {
      throw new TooManyPlayers(players.size() + " channels " + players
          + ", more than the exact Shapley values' cap of " + maxPlayers);
    }
    this.players = new ArrayList<>(players);
    this.journeys = new double[1 << players.size()];
    this.conversions = new double[1 << players.size()];
  }

  /** Adds {@code n} journeys through exactly the channels of {@code set}, some converting. */
  public ShapleyGame add(Iterable<String> set, double n, double converted) {
    int mask = 0;
    for (String channel : set) {
      int i = players.indexOf(channel);
      if (i < 0) {
        throw new IllegalArgumentException(channel + " is not a player of the game " + players);
      }
      mask |= 1 << i;
    }
    journeys[mask] += n;
    conversions[mask] += converted;
    return this;
  }

  /** Each player's Shapley value, in player order. */
  public Map<String, Double> values() {
    int n = players.size();
    double[] worth = worth();
    // weight[k] = k! (n - k - 1)! / n!, the share of orders in which a player joins k others.
    double[] weight = new double[Math.max(n, 1)];
    for (int k = 0; k < n; k++) {
      weight[k] = Math.exp(CombinatoricsUtils.factorialLog(k)
          + CombinatoricsUtils.factorialLog(n - k - 1) - CombinatoricsUtils.factorialLog(n));
    }
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      int bit = 1 << i;
      double phi = 0;
      for (int s = 0; s < worth.length; s++) {
        if ((s & bit) == 0) {
          phi += weight[Integer.bitCount(s)] * (worth[s | bit] - worth[s]);
        }
      }
      out.put(players.get(i), phi);
    }
    return out;
  }

  /**
   * v(S) for every coalition: the conversions over the journeys of the channel sets contained
   * in S, summed over subsets by the zeta transform (n passes over the 2^n coalitions).
   */
  private double[] worth() {
    double[] n = journeys.clone();
    double[] c = conversions.clone();
    for (int i = 0; i < players.size(); i++) {
      int bit = 1 << i;
      for (int s = 0; s < n.length; s++) {
        if ((s & bit) != 0) {
          n[s] += n[s ^ bit];
          c[s] += c[s ^ bit];
        }
      }
    }
    double[] v = new double[n.length];
    for (int s = 1; s < v.length; s++) {
      v[s] = n[s] > 0 ? c[s] / n[s] : 0;
    }
    return v;
  }
}
