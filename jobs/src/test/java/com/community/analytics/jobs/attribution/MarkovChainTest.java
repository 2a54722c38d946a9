package com.community.analytics.jobs.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** The absorbing-chain solution against the published three-journey example. */
class MarkovChainTest {
  private static MarkovChain threeJourneys() {
    return new MarkovChain()
        .addJourney(List.of("C1", "C2", "C3"), true, 1)
        .addJourney(List.of("C1"), false, 1)
        .addJourney(List.of("C2", "C3"), false, 1);
  }

  @Test
  void threeJourneyExample() {
    MarkovChain.Result r = threeJourneys().solve();
    assertEquals(1.0 / 3, r.conversionProbability(), 1e-12);
    assertEquals(0.5, r.removalEffects().get("C1"), 1e-12);
    assertEquals(1.0, r.removalEffects().get("C2"), 1e-12);
    assertEquals(1.0, r.removalEffects().get("C3"), 1e-12);
    assertEquals(0.2, r.shares().get("C1"), 1e-12);
    assertEquals(0.4, r.shares().get("C2"), 1e-12);
    assertEquals(0.4, r.shares().get("C3"), 1e-12);
    // From C3 half the journeys convert; from C1 a quarter (C1 -> C2 half the time).
    assertEquals(0.5, r.channelConversionProbabilities().get("C3"), 1e-12);
    assertEquals(0.25, r.channelConversionProbabilities().get("C1"), 1e-12);
  }

  /**
   * The chain's one conversion of value 1000 splits 200 / 400 / 400 in the channel table; its
   * journeys are those whose last touch is a maturity (2 x 7 - 1 days) before the period's end.
   */
  @Test
  void attributedConversionsAndValue() {
    LocalDate day = LocalDate.of(2026, 11, 21);
    ChannelAttribution periods = new ChannelAttribution(30, 7);
    LocalDate lastTouch = day.minusDays(13);
    assertEquals(List.of(lastTouch.minusDays(29), lastTouch),
        List.of(periods.touchWindow(day)));
    for (List<String> j : List.of(List.of("C1", "C2", "C3"), List.of("C1"), List.of("C2", "C3"))) {
      for (MarkovChain.Transition t : MarkovChain.transitions(j, j.size() == 3, 1)) {
        periods.addTransition(lastTouch, t.from(), t.to(), 1,
            t.to().equals(MarkovChain.CONVERSION) ? 1000 : 0);
      }
    }
    for (String c : List.of("C1", "C2", "C3")) {
      periods.addCredits(day, c, "linear", 1.0 / 3, 1000.0 / 3);
    }
    Map<String, double[]> markov = new HashMap<>();
    for (Row r : periods.rows(day, periods.solve(day, 16), "channel")) {
      if (r.getAs("model").equals("markov")) {
        markov.put(r.getAs("channel"), new double[] {r.getAs("conversions"), r.getAs("gmv")});
        assertEquals(Date.valueOf(lastTouch), r.getAs("touches_to"));
        assertEquals(true, r.getAs("final"));
      }
    }
    assertEquals(0.2, markov.get("C1")[0], 1e-12);
    assertEquals(0.4, markov.get("C2")[0], 1e-12);
    assertEquals(0.4, markov.get("C3")[0], 1e-12);
    assertEquals(200, markov.get("C1")[1], 1e-9);
    assertEquals(400, markov.get("C2")[1], 1e-9);
    assertEquals(400, markov.get("C3")[1], 1e-9);
  }

  @Test
  void secondOrderStatesAreChannelPairsAndRemovalTakesEveryStateWithTheChannel() {
    assertEquals(List.of(new MarkovChain.Transition("(start)", "A"),
            new MarkovChain.Transition("A", "A>B"), new MarkovChain.Transition("A>B", "B>C"),
            new MarkovChain.Transition("B>C", "(conversion)")),
        MarkovChain.transitions(List.of("A", "B", "C"), true, 2));
    MarkovChain chain = new MarkovChain()
        .addJourney(List.of("A", "B", "C"), true, 2)
        .addJourney(List.of("A", "C"), false, 2);
    MarkovChain.Result r = chain.solve();
    assertEquals(0.5, r.conversionProbability(), 1e-12);
    assertEquals(1.0, r.removalEffects().get("B"), 1e-12, "every conversion passed B");
    assertEquals(1.0, r.removalEffects().get("A"), 1e-12);
  }

  /**
   * A chain over the periods: with a one-day look-back (maturity 1 day) and two-day periods, the
   * chain of d holds the journeys whose last touch was on d-2 or d-1.
   */
  @Test
  void periodsUseOnlyTheirOwnDays() {
    ChannelAttribution periods = new ChannelAttribution(2, 1);
    LocalDate d = LocalDate.of(2026, 1, 10);
    for (MarkovChain.Transition t : MarkovChain.transitions(List.of("A"), true, 1)) {
      periods.addTransition(d.minusDays(3), t.from(), t.to(), 1, 0);
    }
    for (MarkovChain.Transition t : MarkovChain.transitions(List.of("A"), false, 1)) {
      periods.addTransition(d.minusDays(1), t.from(), t.to(), 1, 0);
    }
    assertEquals(0.0, periods.chain(d).solve().conversionProbability(), 1e-12,
        "last touches on d-2 and d-1: the journey that did not convert");
    assertEquals(1.0, periods.chain(d.minusDays(2)).solve().conversionProbability(), 1e-12,
        "last touches on d-4 and d-3: the journey that converted");
  }
}
