package com.community.analytics.jobs.attribution;

import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.config.ConfigException;
import com.community.analytics.common.config.ConfigKey;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attribution rules of {@code conf/attribution.yaml}, checked when loaded: touch event types,
 * look-back window, time-decay half-life, position-based shares (summing to 1), persona age,
 * Markov period, state and order, and time-slot bands that cover each hour of the day exactly
 * once. A bad value fails the run with a message naming its key.
 */
public record AttributionSettings(List<String> touchTypes, int lookbackDays,
    double halfLifeHours, double firstShare, double middleShare, double lastShare,
    int personaMaxAgeDays, int topContent, int markovPeriodDays, String markovState,
    int markovOrder, Map<String, int[]> timeSlots) implements Serializable {

  public static final ConfigKey TOUCH_TYPES = ConfigKey.tree("attribution.touch_event_types",
      "event types that count as content touches");
  public static final ConfigKey LOOKBACK = ConfigKey.integer("attribution.lookback_days", 7,
      "touches within this many days before a purchase are its journey");
  public static final ConfigKey HALF_LIFE = ConfigKey.decimal(
      "attribution.time_decay_half_life_hours", 24.0, "half-life of the time-decay model");
  public static final ConfigKey FIRST = ConfigKey.decimal("attribution.position_based.first",
      0.4, "position-based share of the first touch");
  public static final ConfigKey MIDDLE = ConfigKey.decimal("attribution.position_based.middle",
      0.2, "position-based share of the middle touches together");
  public static final ConfigKey LAST = ConfigKey.decimal("attribution.position_based.last", 0.4,
      "position-based share of the last touch");
  public static final ConfigKey PERSONA_AGE = ConfigKey.integer(
      "attribution.persona_max_age_days", 14,
      "a touch takes the persona of the newest gold.user_tags snapshot at most this old");
  public static final ConfigKey TOP_CONTENT = ConfigKey.integer("attribution.top_content", 100,
      "content items per date in gold.top_content");
  public static final ConfigKey MARKOV_PERIOD = ConfigKey.integer("attribution.markov.period_days",
      30, "the Markov chain of D is built from the journeys that ended in the N days up to D");
  public static final ConfigKey MARKOV_STATE = ConfigKey.oneOf("attribution.markov.state",
      "channel", "what a Markov state is", "channel", "content_type");
  public static final ConfigKey MARKOV_ORDER = ConfigKey.integer("attribution.markov.order", 1,
      "1: first-order chain; N: states are the last N touches");
  public static final ConfigKey TIME_SLOTS = ConfigKey.tree("attribution.time_slots",
      "time-slot bands {name: [from_hour, to_hour)} in the business zone, covering 24 hours");

  public static List<ConfigKey> keys() {
    return List.of(TOUCH_TYPES, LOOKBACK, HALF_LIFE, FIRST, MIDDLE, LAST, PERSONA_AGE,
        TOP_CONTENT, MARKOV_PERIOD, MARKOV_STATE, MARKOV_ORDER, TIME_SLOTS);
  }

  public static AttributionSettings from(AppConfig c) {
    List<String> touchTypes = new ArrayList<>();
    if (!(c.getTree(TOUCH_TYPES) instanceof List<?> list) || list.isEmpty()) {
      throw new ConfigException("config key '" + TOUCH_TYPES.name()
          + "': expected a non-empty list of event types");
    }
    list.forEach(t -> touchTypes.add(String.valueOf(t)));
    double first = c.getDouble(FIRST);
    double middle = c.getDouble(MIDDLE);
    double last = c.getDouble(LAST);
    if (first < 0 || middle < 0 || last < 0 || Math.abs(first + middle + last - 1) > 1e-9) {
      throw new ConfigException("config key 'attribution.position_based': shares must be >= 0 "
          + "and sum to 1, got " + first + " + " + middle + " + " + last);
    }
    positive(c, LOOKBACK);
    positive(c, PERSONA_AGE);
    positive(c, TOP_CONTENT);
    positive(c, MARKOV_PERIOD);
    positive(c, MARKOV_ORDER);
    if (c.getDouble(HALF_LIFE) <= 0) {
      throw new ConfigException("config key '" + HALF_LIFE.name() + "': must be > 0");
    }
    return new AttributionSettings(touchTypes, c.getInt(LOOKBACK), c.getDouble(HALF_LIFE),
        first, middle, last, c.getInt(PERSONA_AGE), c.getInt(TOP_CONTENT),
        c.getInt(MARKOV_PERIOD), c.getString(MARKOV_STATE), c.getInt(MARKOV_ORDER),
        timeSlots(c.getTree(TIME_SLOTS)));
  }

  private static void positive(AppConfig c, ConfigKey key) {
    if (c.getInt(key) <= 0) {
      throw new ConfigException("config key '" + key.name() + "': must be > 0, got "
          + c.getInt(key));
    }
  }

  /** Bands [from, to) with to < from wrapping past midnight; every hour in exactly one band. */
  static Map<String, int[]> timeSlots(Object tree) {
    String key = TIME_SLOTS.name();
    if (!(tree instanceof Map<?, ?> map) || map.isEmpty()) {
      throw new ConfigException("config key '" + key + "': expected {name: [from_hour, to_hour]}");
    }
    Map<String, int[]> slots = new LinkedHashMap<>();
    String[] owner = new String[24];
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String name = String.valueOf(e.getKey());
      if (!(e.getValue() instanceof List<?> band) || band.size() != 2
          || !(band.get(0) instanceof Integer from) || !(band.get(1) instanceof Integer to)
          || from < 0 || from > 23 || to < 0 || to > 24 || from.equals(to)) {
        throw new ConfigException("config key '" + key + "." + name
            + "': expected [from_hour, to_hour) with hours 0-24, got " + e.getValue());
      }
      int h = from;
      do {
        if (owner[h] != null) {
          throw new ConfigException("config key '" + key + "': hour " + h + " is in both "
              + owner[h] + " and " + name);
        }
        owner[h] = name;
        h = (h + 1) % 24;
      } while (h != to % 24);
      slots.put(name, new int[] {from, to % 24});
    }
    for (int h = 0; h < 24; h++) {
      if (owner[h] == null) {
        throw new ConfigException("config key '" + key + "': hour " + h + " is in no time slot");
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
