package com.community.analytics.jobs.kpi;

import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.config.ConfigException;
import com.community.analytics.common.config.ConfigKey;
import com.community.analytics.common.lake.EventContract;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cockpit rules of {@code conf/kpis.yaml}, checked when loaded: KPI windows and targets, the
 * funnel window, the A/B read-out settings and the alert thresholds. A bad value, or a target for
 * a KPI that does not exist, fails the run with a message naming the key.
 */
public record KpiSettings(int mauDays, int trailingDays, int cohortWeeks,
    List<String> interactionTypes, Map<Kpi, KpiTarget> targets, int actionWindowHours,
    int experimentLookbackDays, int readoutEveryDays, String controlVariant, double alpha,
    double srmAlpha, Map<String, Map<String, Double>> allocation, Alerts alerts)
    implements Serializable {

  /** The alert thresholds. */
  public record Alerts(long complaintsPerDay, double conversionDrop, double quarantineShare,
      double churnPsi, boolean failOnLevel3, int volumeWindowDays, int volumeMinDays,
      double volumeLow, double volumeHigh, long vanishMinRows, int arrivalDeadlineHours)
      implements Serializable {}

  public static final ConfigKey MAU_DAYS = ConfigKey.integer("kpi.mau_days", 30,
      "MAU counts members active on any of the N days ending on the date");
  public static final ConfigKey TRAILING_DAYS = ConfigKey.integer("kpi.trailing_days", 7,
      "each KPI is compared with its mean over the N days before the date");
  public static final ConfigKey COHORT_WEEKS = ConfigKey.integer("kpi.cohort_weeks", 12,
      "gold.cohort_retention keeps the registration cohorts of the last N weeks");
  public static final ConfigKey INTERACTION_TYPES = ConfigKey.tree(
      "kpi.interaction_event_types", "event types counted as interactions (rate and funnel)");
  public static final ConfigKey TARGETS = ConfigKey.tree("kpi.targets",
      "{kpi: {target, direction: higher|lower, warning_band}}");
  public static final ConfigKey ACTION_WINDOW = ConfigKey.integer(
      "kpi.funnel.action_window_hours", 24,
      "funnel: a purchase within this many hours after the interaction is an action");
  public static final ConfigKey LOOKBACK = ConfigKey.integer("kpi.experiments.lookback_days",
      120, "A/B read-outs see exposures of the last N days");
  public static final ConfigKey READOUT_EVERY = ConfigKey.integer(
      "kpi.experiments.readout_every_days", 7,
      "in a backfill, A/B read-outs are written for every Nth day and the last day");
  public static final ConfigKey CONTROL = ConfigKey.string("kpi.experiments.control_variant",
      "control", "the variant lifts are measured against");
  public static final ConfigKey ALPHA = ConfigKey.decimal("kpi.experiments.alpha", 0.05,
      "significance level of an experiment's read-out, Bonferroni-corrected over its metrics "
          + "and treatment variants");
  public static final ConfigKey SRM_ALPHA = ConfigKey.decimal("kpi.experiments.srm_alpha", 0.001,
      "a sample-ratio mismatch is flagged when the chi-square p-value is below this");
  public static final ConfigKey ALLOCATION = ConfigKey.tree("kpi.experiments.allocation",
      "{experiment_id: {variant: share}} planned split; default equal shares");
  public static final ConfigKey COMPLAINTS = ConfigKey.longValue(
      "kpi.alerts.complaints_per_day", 50L, "level 1: complaints above this in a day");
  public static final ConfigKey CONVERSION_DROP = ConfigKey.decimal(
      "kpi.alerts.conversion_drop", 0.05,
      "level 2: conversion rate this far (relative) below its trailing mean");
  public static final ConfigKey QUARANTINE_SHARE = ConfigKey.decimal(
      "kpi.alerts.quarantine_share", 0.02,
      "level 3: share of the day's raw event rows quarantined above this");
  public static final ConfigKey CHURN_PSI = ConfigKey.decimal("kpi.alerts.churn_psi", 0.25,
      "level 3: a churn feature's PSI at or above this");
  public static final ConfigKey VOLUME_WINDOW = ConfigKey.integer(
      "kpi.alerts.volume_window_days", 7, "level 3: a day's raw event rows and each event "
          + "type's valid rows are compared with their median over the N days before")
      .atLeast(1);
  public static final ConfigKey VOLUME_MIN_DAYS = ConfigKey.integer(
      "kpi.alerts.volume_min_days", 7, "the volume comparisons need at least this many of "
          + "those days ingested").atLeast(1);
  public static final ConfigKey VANISH_MIN_ROWS = ConfigKey.longValue(
      "kpi.alerts.vanish_min_rows", 20L, "level 3: an event type with no valid row on the day, "
          + "when its trailing median is at least this (a rarer type is often absent by "
          + "chance: P(0) = e^-median)").atLeast(1);
  public static final ConfigKey VOLUME_LOW = ConfigKey.decimal("kpi.alerts.volume_low", 0.5,
      "level 3: fewer raw event rows than this times the trailing median");
  public static final ConfigKey VOLUME_HIGH = ConfigKey.decimal("kpi.alerts.volume_high", 2.0,
      "level 3: more raw event rows than this times the trailing median");
  public static final ConfigKey ARRIVAL_DEADLINE = ConfigKey.integer(
      "kpi.alerts.arrival_deadline_hours", 6, "level 3: a raw event folder whose _SUCCESS was "
          + "written later than this many hours after its business day ended").atLeast(0);
  public static final ConfigKey FAIL_ON_LEVEL3 = ConfigKey.bool("kpi.alerts.fail_on_level3",
      false, "the kpi job exits 1 after writing its tables when it raised a level-3 alert");

  public static List<ConfigKey> keys() {
    return List.of(MAU_DAYS, TRAILING_DAYS, COHORT_WEEKS, INTERACTION_TYPES, TARGETS,
        ACTION_WINDOW, LOOKBACK, READOUT_EVERY, CONTROL, ALPHA, SRM_ALPHA, ALLOCATION,
        COMPLAINTS, CONVERSION_DROP, QUARANTINE_SHARE, CHURN_PSI, FAIL_ON_LEVEL3, VOLUME_WINDOW,
        VOLUME_MIN_DAYS, VOLUME_LOW, VOLUME_HIGH, VANISH_MIN_ROWS, ARRIVAL_DEADLINE);
  }

  public static KpiSettings from(AppConfig c) {
    for (ConfigKey k : List.of(MAU_DAYS, TRAILING_DAYS, COHORT_WEEKS, ACTION_WINDOW, LOOKBACK,
        READOUT_EVERY)) {
      if (c.getInt(k) <= 0) {
        throw new ConfigException("config key '" + k.name() + "': must be > 0, got "
            + c.getInt(k));
      }
    }
    for (ConfigKey k : List.of(ALPHA, SRM_ALPHA, CONVERSION_DROP, QUARANTINE_SHARE,
        VOLUME_LOW)) {
      double v = c.getDouble(k);
      if (!(v > 0 && v < 1)) {
        throw new ConfigException("config key '" + k.name() + "': must be in (0, 1), got " + v);
      }
    }
    if (!(c.getDouble(VOLUME_HIGH) > 1)) {
      throw new ConfigException("config key '" + VOLUME_HIGH.name() + "': must be > 1, got "
          + c.getDouble(VOLUME_HIGH));
    }
    Alerts alerts = new Alerts(c.getLong(COMPLAINTS), c.getDouble(CONVERSION_DROP),
        c.getDouble(QUARANTINE_SHARE), c.getDouble(CHURN_PSI), c.getBoolean(FAIL_ON_LEVEL3),
        c.getInt(VOLUME_WINDOW), c.getInt(VOLUME_MIN_DAYS), c.getDouble(VOLUME_LOW),
        c.getDouble(VOLUME_HIGH), c.getLong(VANISH_MIN_ROWS), c.getInt(ARRIVAL_DEADLINE));
    return new KpiSettings(c.getInt(MAU_DAYS), c.getInt(TRAILING_DAYS), c.getInt(COHORT_WEEKS),
        interactionTypes(c.getTree(INTERACTION_TYPES)), targets(c.getTree(TARGETS)),
        c.getInt(ACTION_WINDOW), c.getInt(LOOKBACK), c.getInt(READOUT_EVERY),
        c.getString(CONTROL), c.getDouble(ALPHA), c.getDouble(SRM_ALPHA),
        allocation(c.getTree(ALLOCATION)), alerts);
  }

  static List<String> interactionTypes(Object tree) {
    String key = INTERACTION_TYPES.name();
    if (!(tree instanceof List<?> list) || list.isEmpty()) {
      throw new ConfigException("config key '" + key + "': expected a non-empty list");
    }
    List<String> types = new ArrayList<>();
    for (Object t : list) {
      if (!EventContract.EVENT_TYPE_LIST.contains(String.valueOf(t))) {
        throw new ConfigException("config key '" + key + "': unknown event type '" + t
            + "'; known: " + EventContract.EVENT_TYPE_LIST);
      }
      types.add(String.valueOf(t));
    }
    return List.copyOf(types);
  }

  static Map<Kpi, KpiTarget> targets(Object tree) {
    Map<Kpi, KpiTarget> targets = new EnumMap<>(Kpi.class);
    if (tree == null) {
      return targets;
    }
    if (!(tree instanceof Map<?, ?> map)) {
      throw new ConfigException("config key '" + TARGETS.name()
          + "': expected {kpi: {target, direction, warning_band}}");
    }
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = TARGETS.name() + "." + e.getKey();
      Kpi kpi = Kpi.byId(String.valueOf(e.getKey())).orElseThrow(() -> new ConfigException(
          "config key '" + key + "': no such KPI; known: " + java.util.Arrays.stream(
              Kpi.values()).map(Kpi::id).toList()));
      if (!(e.getValue() instanceof Map<?, ?> t)) {
        throw new ConfigException("config key '" + key
            + "': expected {target, direction, warning_band}");
      }
      for (Object field : t.keySet()) {
        if (!List.of("target", "direction", "warning_band").contains(String.valueOf(field))) {
          throw new ConfigException("config key '" + key + "." + field
              + "': unknown; expected target, direction, warning_band");
        }
      }
      double target = number(t.get("target"), key + ".target");
      double band = number(t.get("warning_band"), key + ".warning_band");
      if (band < 0) {
        throw new ConfigException("config key '" + key + ".warning_band': must be >= 0");
      }
      Object direction = t.get("direction");
      if (!"higher".equals(direction) && !"lower".equals(direction)) {
        throw new ConfigException("config key '" + key
            + ".direction': expected higher or lower, got " + direction);
      }
      targets.put(kpi, new KpiTarget(target, "higher".equals(direction), band));
    }
    return targets;
  }

  static Map<String, Map<String, Double>> allocation(Object tree) {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    if (tree == null) {
      return out;
    }
    if (!(tree instanceof Map<?, ?> map)) {
      throw new ConfigException("config key '" + ALLOCATION.name()
          + "': expected {experiment_id: {variant: share}}");
    }
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = ALLOCATION.name() + "." + e.getKey();
      if (!(e.getValue() instanceof Map<?, ?> shares) || shares.isEmpty()) {
        throw new ConfigException("config key '" + key + "': expected {variant: share}");
      }
      Map<String, Double> split = new LinkedHashMap<>();
      double total = 0;
      for (Map.Entry<?, ?> s : shares.entrySet()) {
        double share = number(s.getValue(), key + "." + s.getKey());
        if (share <= 0) {
          throw new ConfigException("config key '" + key + "." + s.getKey() + "': must be > 0");
        }
        split.put(String.valueOf(s.getKey()), share);
        total += share;
      }
      if (Math.abs(total - 1) > 1e-9) {
        throw new ConfigException("config key '" + key + "': shares must sum to 1, got " + total);
      }
      out.put(String.valueOf(e.getKey()), split);
    }
    return out;
  }

  private static double number(Object value, String key) {
    if (!(value instanceof Number n)) {
      throw new ConfigException("config key '" + key + "': expected a number, got " + value);
    }
    return n.doubleValue();
  }
}
