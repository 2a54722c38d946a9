package com.community.analytics.jobs.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.spark.RowBuilder;
import com.community.analytics.common.testing.SparkTestSession;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Markov results only from journeys whose outcome is known. Every journey of this lake touches
 * on one day D0; a third of the members buy within the next six days. On the night of D0 only
 * the day's purchases are known, so a chain of that night would see every journey convert; the
 * period of D0 has no Markov result at all. A maturity later (2 x 7 - 1 days) every journey's
 * outcome is known, and the period's chain equals the absorbing chain solved here by a
 * different method (value iteration over the journeys' transition frequencies).
 */
class MarkovMaturityTest {
  private static final LocalDate D0 = LocalDate.of(2026, 3, 2);
  private static final int LOOKBACK = 7;
  private static final String[] CHANNELS = {"feed", "kol", "search", "push"};
  private static final StructType TOUCHES = new StructType()
      .add("touch_event_id", DataTypes.StringType).add("user_id", DataTypes.StringType)
      .add("touch_time", DataTypes.TimestampType).add("touch_date", DataTypes.DateType)
      .add("channel", DataTypes.StringType);
  private static final StructType CONVERSIONS = new StructType()
      .add("conversion_id", DataTypes.StringType).add("user_id", DataTypes.StringType)
      .add("conversion_time", DataTypes.TimestampType)
      .add("conversion_date", DataTypes.DateType).add("amount", DataTypes.DoubleType);

  /** Member i's channels, in touch order on D0. */
  private static List<String> path(int i) {
    List<String> path = new ArrayList<>(List.of(CHANNELS[i % 4]));
    if (i % 5 < 3) {
      path.add(CHANNELS[(i / 4) % 4]);
    }
    return path;
  }

  /** Member i buys (i % 6 days after D0) when its path includes kol, or for one in five others. */
  private static boolean converts(int i) {
    return path(i).contains("kol") || i % 5 == 0;
  }

  @Test
  void aPeriodIsFinalOnlyOnceEveryJourneyOfItsTouchesHasItsOutcome() {
    SparkSession spark = SparkTestSession.get();
    List<Row> touches = new ArrayList<>();
    List<Row> conversions = new ArrayList<>();
    for (int i = 0; i < 240; i++) {
      List<String> path = path(i);
      for (int k = 0; k < path.size(); k++) {
        touches.add(RowBuilder.of(TOUCHES).set("touch_event_id", "t" + i + "-" + k)
            .set("user_id", "m" + i).set("touch_time", at(D0, 9 + k)).set("touch_date",
                Date.valueOf(D0)).set("channel", path.get(k)).build());
      }
      if (converts(i)) {
        LocalDate day = D0.plusDays(i % 6);
        conversions.add(RowBuilder.of(CONVERSIONS).set("conversion_id", "c" + i)
            .set("user_id", "m" + i).set("conversion_time", at(day, 20))
            .set("conversion_date", Date.valueOf(day)).set("amount", 10.0).build());
      }
    }
    int maturity = ChannelAttribution.maturityDays(LOOKBACK);
    // The night of D0: purchases after D0 have not happened yet.
    ChannelAttribution night = periods(spark, touches, conversions, D0);
    assertTrue(night.chain(D0).solve().removalEffects().isEmpty(), "no Markov result on D0");
    assertTrue(night.rows(D0, night.solve(D0, 16), "channel").stream()
        .noneMatch(r -> List.of("markov", "shapley").contains(r.<String>getAs("model"))),
        "never a Markov or Shapley result from the converters alone");

    assertEquals(13, maturity, "2 x 7 - 1 days");
    LocalDate mature = D0.plusDays(maturity);
    ChannelAttribution later = periods(spark, touches, conversions, mature);
    MarkovChain.Result result = later.chain(mature).solve();
    Map<String, Double> exact = exactRemovalEffects(240);
    assertEquals(exact.get("(start)"), result.conversionProbability(), 1e-9);
    assertTrue(result.conversionProbability() < 0.9, "the non-converters are in the chain");
    for (String c : CHANNELS) {
      assertEquals(exact.get(c), result.removalEffects().get(c), 1e-9, c);
    }
    double shapleyConversions = 0;
    for (Row r : later.rows(mature, later.solve(mature, 16), "channel")) {
      if (List.of("markov", "shapley").contains(r.<String>getAs("model"))) {
        assertEquals(Date.valueOf(D0), r.getAs("touches_to"), "the window ends on D0");
        assertEquals(true, r.getAs("final"));
      }
      if ("shapley".equals(r.getAs("model"))) {
        shapleyConversions += r.<Double>getAs("conversions");
      }
    }
    long converters = IntStream.range(0, 240).filter(MarkovMaturityTest::converts).count();
    assertEquals(converters, shapleyConversions, 1e-9, "Shapley credits sum to the conversions");
  }

  /** The periods as the job builds them from the events known on the night of {@code night}. */
  private static ChannelAttribution periods(SparkSession spark, List<Row> touches,
      List<Row> conversions, LocalDate night) {
    Dataset<Row> known = spark.createDataFrame(conversions, CONVERSIONS)
        .where("conversion_date <= '" + night + "'");
    Dataset<Row> assigned = Journeys.assign(spark.createDataFrame(touches, TOUCHES), known,
        LOOKBACK);
    ChannelAttribution periods = new ChannelAttribution(30, LOOKBACK);
    Dataset<Row> journeys = Journeys.journeys(assigned, known, "channel", LOOKBACK)
        .where("end_date <= '" + night + "'");
    for (Row r : Journeys.transitions(journeys, 1).collectAsList()) {
      periods.addTransition(r.<Date>getAs("last_touch_date").toLocalDate(), r.getAs("from_state"),
          r.getAs("to_state"), r.<Long>getAs("n"), r.<Double>getAs("gmv"));
    }
    for (Row r : Journeys.channelSets(journeys).collectAsList()) {
      periods.addChannelSet(r.<Date>getAs("last_touch_date").toLocalDate(),
          r.getList(r.fieldIndex("channels")), r.<Long>getAs("journeys"),
          r.<Long>getAs("conversions"));
    }
    return periods;
  }

  /**
   * P(conversion) from the start ("(start)") and each channel's removal effect, by value
   * iteration: p(state) = sum over next states of P(next | state) p(next), conversion 1, null
   * and a removed channel 0, iterated to a fixed point.
   */
  private static Map<String, Double> exactRemovalEffects(int members) {
    Map<String, Map<String, Double>> counts = new HashMap<>();
    for (int i = 0; i < members; i++) {
      List<String> states = new ArrayList<>(List.of("(start)"));
      states.addAll(path(i));
      states.add(converts(i) ? "(conversion)" : "(null)");
      for (int k = 0; k + 1 < states.size(); k++) {
        counts.computeIfAbsent(states.get(k), s -> new HashMap<>())
            .merge(states.get(k + 1), 1.0, Double::sum);
      }
    }
    Map<String, Double> out = new HashMap<>();
    double base = iterate(counts, null);
    out.put("(start)", base);
    for (String c : CHANNELS) {
      out.put(c, 1 - iterate(counts, c) / base);
    }
    return out;
  }

  private static double iterate(Map<String, Map<String, Double>> counts, String removed) {
    Map<String, Double> p = new HashMap<>(Map.of("(conversion)", 1.0));
    for (int round = 0; round < 10_000; round++) {
      Map<String, Double> next = new HashMap<>(Map.of("(conversion)", 1.0));
      counts.forEach((from, to) -> {
        if (!from.equals(removed)) {
          double total = to.values().stream().mapToDouble(Double::doubleValue).sum();
          double value = 0;
          for (Map.Entry<String, Double> e : to.entrySet()) {
            value += e.getValue() / total * p.getOrDefault(e.getKey(), 0.0);
          }
          next.put(from, value);
        }
      });
      p.clear();
      p.putAll(next);
    }
    return p.getOrDefault("(start)", 0.0);
  }

  private static Timestamp at(LocalDate day, int hourUtc) {
    return Timestamp.valueOf(day.atTime(hourUtc, 0));
  }
}
