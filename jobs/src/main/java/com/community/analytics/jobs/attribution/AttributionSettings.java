package com.community.analytics.jobs.attribution;

import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.config.ConfigException;
import com.community.analytics.common.config.ConfigKey;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attribution rules of {@code conf/attribution.yaml}: touch event types, look-back window,
 * time-decay half-life, position-based shares, persona age, Markov period, state and order, and
 * time-slot bands that cover each hour of the day exactly once, each checked by its key when
 * the config is loaded; that the three shares sum to 1 is checked here. A bad value fails the
 * run (exit 2) with a message naming its key.
 */
public record AttributionSettings(List<String> touchTypes, int lookbackDays,
    double halfLifeHours, double firstShare, double middleShare, double lastShare,
    int personaMaxAgeDays, int topContent, int markovPeriodDays, String markovState,
    int markovOrder, int shapleyMaxChannels, Map<String, int[]> timeSlots)
    implements Serializable {

  public static final ConfigKey<List<String>> TOUCH_TYPES = ConfigKey.list(
      "attribution.touch_event_types", null, "event types that count as content touches");
  public static final ConfigKey<Integer> LOOKBACK = ConfigKey.integer(
      "attribution.lookback_days", 7,
      "touches within this many days before a purchase are its journey").atLeast(1);
  public static final ConfigKey<Double> HALF_LIFE = ConfigKey.decimal(
      "attribution.time_decay_half_life_hours", 24.0, "half-life of the time-decay model")
      .check(v -> v > 0, "> 0");
  public static final ConfigKey<Double> FIRST = ConfigKey.decimal(
      "attribution.position_based.first", 0.4, "position-based share of the first touch")
      .between(0, 1);
  public static final ConfigKey<Double> MIDDLE = ConfigKey.decimal(
      "attribution.position_based.middle", 0.2,
      "position-based share of the middle touches together").between(0, 1);
  public static final ConfigKey<Double> LAST = ConfigKey.decimal(
      "attribution.position_based.last", 0.4, "position-based share of the last touch")
      .between(0, 1);
  public static final ConfigKey<Integer> PERSONA_AGE = ConfigKey.integer(
      "attribution.persona_max_age_days", 14,
      "a touch takes the persona of the newest gold.user_tags snapshot at most this old")
      .atLeast(1);
  public static final ConfigKey<Integer> TOP_CONTENT = ConfigKey.integer(
      "attribution.top_content", 100, "content items per date in gold.top_content").atLeast(1);
  public static final ConfigKey<Integer> MARKOV_PERIOD = ConfigKey.integer(
      "attribution.markov.period_days", 30,
      "period of channel_attribution: the other models sum the conversions of the N days up to "
          + "D; the Markov chain of D takes the journeys whose last touch falls in the N days up "
          + "to D - (2 x lookback - 1), whose outcomes are all known on D")
      .atLeast(1);
  public static final ConfigKey<Integer> SHAPLEY_MAX_CHANNELS = ConfigKey.integer(
      "attribution.shapley.max_channels", 16, "the Shapley values are exact over all 2^n "
          + "channel sets; a period with more channels (or content types) than this fails "
          + "(exit 2) rather than run out of memory").between(1, 20);
  public static final ConfigKey<String> MARKOV_STATE = ConfigKey.oneOf(
      "attribution.markov.state", "channel", "what a Markov state is", "channel",
      "content_type");
  public static final ConfigKey<Integer> MARKOV_ORDER = ConfigKey.integer(
      "attribution.markov.order", 1, "1: first-order chain; N: states are the last N touches")
      .atLeast(1);
  public static final ConfigKey<LinkedHashMap<String, List<Integer>>> TIME_SLOTS =
      ConfigKey.tree("attribution.time_slots", "time-slot bands {name: [from_hour, to_hour)} "
          + "in the business zone, covering 24 hours",
          new TypeReference<LinkedHashMap<String, List<Integer>>>() {})
          .validate(AttributionSettings::timeSlots);

  public static List<ConfigKey<?>> keys() {
    return List.of(TOUCH_TYPES, LOOKBACK, HALF_LIFE, FIRST, MIDDLE, LAST, PERSONA_AGE,
        TOP_CONTENT, MARKOV_PERIOD, MARKOV_STATE, MARKOV_ORDER, SHAPLEY_MAX_CHANNELS, TIME_SLOTS);
  }

  public static AttributionSettings from(AppConfig c) {
    double first = c.get(FIRST);
    double middle = c.get(MIDDLE);
    double last = c.get(LAST);
    if (Math.abs(first + middle + last - 1) > 1e-9) {
      throw new ConfigException("config key 'attribution.position_based': shares must sum to "
          + "1, got " + first + " + " + middle + " + " + last);
    }
    return new AttributionSettings(c.get(TOUCH_TYPES), c.get(LOOKBACK), c.get(HALF_LIFE),
        first, middle, last, c.get(PERSONA_AGE), c.get(TOP_CONTENT), c.get(MARKOV_PERIOD),
        c.get(MARKOV_STATE), c.get(MARKOV_ORDER), c.get(SHAPLEY_MAX_CHANNELS),
        timeSlots(c.get(TIME_SLOTS)));
  }

  /** Bands [from, to) with to < from wrapping past midnight; every hour in exactly one band. */
  static Map<String, int[]> timeSlots(Map<String, List<Integer>> bands) {
    if (bands.isEmpty()) {
      throw new ConfigException("expected {name: [from_hour, to_hour]}");
    }
    Map<String, int[]> slots = new LinkedHashMap<>();
    String[] owner = new String[24];
    for (Map.Entry<String, List<Integer>> e : bands.entrySet()) {
      String name = e.getKey();
      List<Integer> band = e.getValue();
      if (band.size() != 2 || band.get(0) < 0 || band.get(0) > 23 || band.get(1) < 0
          || band.get(1) > 24 || band.get(0).equals(band.get(1))) {
        throw ConfigException.at(name, "expected [from_hour, to_hour) with hours 0-24, got "
            + band);
      }
      int from = band.get(0);
      int to = band.get(1);
      int h = from;
      do {
        if (owner[h] != null) {
          throw new ConfigException("hour " + h + " is in both " + owner[h] + " and " + name);
        }
        owner[h] = name;
        h = (h + 1) % 24;
      } while (h != to % 24);
      slots.put(name, new int[] {from, to % 24});
    }
    for (int h = 0; h < 24; h++) {
      if (owner[h] == null) {
        throw new ConfigException("hour " + h + " is in no time slot");
      }
    }
    return slots;
  }

  /** The time slot of each local hour 0-23. */
  public String[] slotOfHour() {
    String[] out = new String[24];
    timeSlots.forEach((name, band) -> {
      int h = band[0];
      do {
        out[h] = name;
        h = (h + 1) % 24;
      } while (h != band[1]);
    });
    return out;
  }
}
