package com.community.analytics.jobs.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Exact Shapley values against the definition: the average marginal worth over all orders. */
class ShapleyGameTest {
  /** Journeys by channel set: {channels, journeys, conversions}. */
  private static final List<Object[]> JOURNEYS = List.of(
      new Object[] {Set.of("feed"), 100.0, 10.0},
      new Object[] {Set.of("kol"), 40.0, 12.0},
      new Object[] {Set.of("search"), 60.0, 9.0},
      new Object[] {Set.of("feed", "kol"), 30.0, 12.0},
      new Object[] {Set.of("feed", "search"), 20.0, 5.0},
      new Object[] {Set.of("feed", "kol", "search"), 10.0, 6.0});

  /** v(S): conversions over journeys of the channel sets contained in S. */
  private static double worth(Set<String> coalition) {
    double journeys = 0;
    double conversions = 0;
    for (Object[] j : JOURNEYS) {
      if (coalition.containsAll((Set<?>) j[0])) {
        journeys += (double) j[1];
        conversions += (double) j[2];
      }
    }
    return journeys > 0 ? conversions / journeys : 0;
  }

  /** Every order of the players, each player credited with what it adds when it joins. */
  private static void orders(List<String> prefix, List<String> rest, Map<String, double[]> sums) {
    if (rest.isEmpty()) {
      Set<String> joined = new HashSet<>();
      for (String p : prefix) {
        double before = worth(joined);
        joined.add(p);
        sums.get(p)[0] += worth(joined) - before;
        sums.get(p)[1] += 1;
      }
      return;
    }
    for (String p : rest) {
      List<String> next = new ArrayList<>(prefix);
      next.add(p);
      List<String> left = new ArrayList<>(rest);
      left.remove(p);
      orders(next, left, sums);
    }
  }

  @Test
  void threeChannelsMatchTheAverageOverAllOrdersAndAChannelOnNoPathGetsZero() {
    TreeSet<String> players = new TreeSet<>(List.of("feed", "kol", "search", "ad"));
    ShapleyGame game = new ShapleyGame(players, 16);
    for (Object[] j : JOURNEYS) {
      @SuppressWarnings("unchecked")
      Set<String> set = (Set<String>) j[0];
      game.add(set, (double) j[1], (double) j[2]);
    }
    Map<String, Double> values = game.values();

    Map<String, double[]> sums = new java.util.HashMap<>();
    players.forEach(p -> sums.put(p, new double[2]));
    orders(List.of(), new ArrayList<>(players), sums);
    for (String p : players) {
      assertEquals(24, sums.get(p)[1], "every order of four players");
      assertEquals(sums.get(p)[0] / sums.get(p)[1], values.get(p), 1e-12, p);
    }
    assertEquals(0.0, values.get("ad"), 0, "on no path: adds nothing to any coalition");
    assertEquals(worth(players), values.values().stream().mapToDouble(Double::doubleValue).sum(),
        1e-12, "the values add up to the conversion rate of all journeys");
  }

  @Test
  void moreChannelsThanTheCapFail() {
    TreeSet<String> players = new TreeSet<>(List.of("a", "b", "c"));
    assertThrows(IllegalArgumentException.class, () -> new ShapleyGame(players, 2));
  }
}
