package com.community.analytics.jobs.kpi;

import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.config.ConfigException;
import com.community.analytics.common.config.ConfigKey;
import com.community.analytics.common.lake.EventContract;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.Serializable;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The cockpit rules of {@code conf/kpis.yaml}, checked when the config is loaded: KPI windows
 * and targets, the funnel window, the A/B read-out settings and the alert thresholds. A bad
 * value, an unknown field, or a target for a KPI that does not exist fails the run (exit 2) with
 * a message naming the key's path.
 */
public record KpiSettings(int mauDays, int trailingDays, int cohortWeeks,
    List<String> interactionTypes, Map<Kpi, KpiTarget> targets, int actionWindowHours,
    int experimentLookbackDays, int readoutEveryDays, String controlVariant, double alpha,
    double srmAlpha, Map<String, Map<String, Double>> allocation, Alerts alerts,
    ExperimentRules experiments) implements Serializable {

  /**
   * The A/B read-out's methods: CUPED's pre-exposure window (0: off), the inference method
   * (sequential or fixed), the confidence sequence's tuning, the Bayesian prior on a lift, the
   * goal metrics (corrected together with Holm), the guardrails, and the health limits.
   */
  public record ExperimentRules(int cupedPreDays, boolean sequential, long tuningMembers,
      double priorSd, List<String> goalMetrics, Map<String, Guardrail> guardrails,
      double maxSwitchedShare, Map<String, LocalDate> startDates) implements Serializable {}

  /** A metric that must not degrade by more than {@code tolerance} (relative). */
  public record Guardrail(String direction, double tolerance) implements Serializable {
    public Guardrail {
      if (!"higher".equals(direction) && !"lower".equals(direction)) {
        throw ConfigException.at("direction", "expected higher or lower, got " + direction);
      }
      if (!(tolerance >= 0)) {
        throw ConfigException.at("tolerance", "must be >= 0, got " + tolerance);
      }
    }

    public boolean higherIsBetter() {
      return "higher".equals(direction);
    }
  }

  /** The alert thresholds. */
  public record Alerts(long complaintsPerDay, double conversionDrop, double quarantineShare,
      double churnPsi, boolean failOnLevel3, int volumeWindowDays, int volumeMinDays,
      double volumeLow, double volumeHigh, long vanishMinRows, int arrivalDeadlineHours)
      implements Serializable {}

  /** A KPI's target as {@code conf/kpis.yaml} states it. */
  public record TargetRule(double target, String direction, double warningBand)
      implements Serializable {
    public TargetRule {
      if (!"higher".equals(direction) && !"lower".equals(direction)) {
        throw ConfigException.at("direction", "expected higher or lower, got " + direction);
      }
      if (warningBand < 0) {
        throw ConfigException.at("warning_band", "must be >= 0, got " + warningBand);
      }
    }

    KpiTarget toTarget() {
      return new KpiTarget(target, "higher".equals(direction), warningBand);
    }
  }

  public static final ConfigKey<Integer> MAU_DAYS = ConfigKey.integer("kpi.mau_days", 30,
      "MAU counts members active on any of the N days ending on the date").atLeast(1);
  public static final ConfigKey<Integer> TRAILING_DAYS = ConfigKey.integer("kpi.trailing_days",
      7, "each KPI is compared with its mean over the N days before the date").atLeast(1);
  public static final ConfigKey<Integer> COHORT_WEEKS = ConfigKey.integer("kpi.cohort_weeks",
      12, "gold.cohort_retention keeps the registration cohorts of the last N weeks").atLeast(1);
  public static final ConfigKey<List<String>> INTERACTION_TYPES = ConfigKey.list(
      "kpi.interaction_event_types", null, "event types counted as interactions (rate and "
          + "funnel)").validate(KpiSettings::knownEventTypes);
  public static final ConfigKey<Map<String, TargetRule>> TARGETS = ConfigKey.tree("kpi.targets",
      "{kpi: {target, direction: higher|lower, warning_band}}",
      new TypeReference<Map<String, TargetRule>>() {}).validate(KpiSettings::knownKpis);
  public static final ConfigKey<Integer> ACTION_WINDOW = ConfigKey.integer(
      "kpi.funnel.action_window_hours", 24,
      "funnel: a purchase within this many hours after the interaction is an action").atLeast(1);
  public static final ConfigKey<Integer> LOOKBACK = ConfigKey.integer(
      "kpi.experiments.lookback_days", 120, "A/B read-outs see exposures of the last N days")
      .atLeast(1);
  public static final ConfigKey<Integer> READOUT_EVERY = ConfigKey.integer(
      "kpi.experiments.readout_every_days", 7,
      "in a backfill, A/B read-outs are written for every Nth day and the last day").atLeast(1);
  public static final ConfigKey<String> CONTROL = ConfigKey.string(
      "kpi.experiments.control_variant",
      "control", "the variant lifts are measured against");
  public static final ConfigKey<Double> ALPHA = share(ConfigKey.decimal("kpi.experiments.alpha",
      0.05, "significance level of an experiment's read-out, Holm-corrected over its goal "
          + "metrics and treatment variants"));
  public static final ConfigKey<Integer> CUPED_PRE_DAYS = ConfigKey.integer(
      "kpi.experiments.cuped.pre_days", 14, "CUPED adjusts each metric by the member's value "
          + "over the N days before their first exposure; 0 turns CUPED off").atLeast(0);
  public static final ConfigKey<String> METHOD = ConfigKey.string("kpi.experiments.method",
      "sequential", "sequential (always-valid, read any day) or fixed (one planned look)")
      .check(m -> m.equals("sequential") || m.equals("fixed"), "sequential or fixed");
  public static final ConfigKey<Long> TUNING_MEMBERS = ConfigKey.longValue(
      "kpi.experiments.sequential.tuning_members", 5000L, "the confidence sequence is "
          + "tightest at this many exposed members (any value keeps its guarantee)").atLeast(1);
  public static final ConfigKey<Double> PRIOR_SD = ConfigKey.decimal(
      "kpi.experiments.bayesian.prior_sd", 0.3, "standard deviation of the weak normal prior "
          + "on a relative lift (chance to win, expected loss)").check(v -> v > 0, "> 0");
  public static final ConfigKey<List<String>> GOAL_METRICS = ConfigKey.list(
      "kpi.experiments.goal_metrics", List.of("ctr", "share_rate", "conversion_rate"),
      "metrics an experiment is judged on, Holm-corrected together")
      .validate(KpiSettings::knownMetrics);
  public static final ConfigKey<Map<String, Guardrail>> GUARDRAILS = ConfigKey.tree(
      "kpi.experiments.guardrails", "{metric: {direction: higher|lower, tolerance}}: a "
          + "treatment significantly worse by more than the tolerance (relative) breaches",
      new TypeReference<Map<String, Guardrail>>() {})
      .validate(g -> knownMetrics(List.copyOf(g.keySet())));
  public static final ConfigKey<Double> MAX_SWITCHED_SHARE = share(ConfigKey.decimal(
      "kpi.experiments.health.max_switched_share", 0.01,
      "unhealthy when more than this share of members was exposed to more than one variant"));
  public static final ConfigKey<Map<String, String>> START_DATES = ConfigKey.tree(
      "kpi.experiments.start_dates", "{experiment_id: yyyy-MM-dd}: exposures before it make "
          + "the experiment unhealthy", new TypeReference<Map<String, String>>() {})
      .validate(KpiSettings::checkDates);
  public static final ConfigKey<Double> SRM_ALPHA = share(ConfigKey.decimal(
      "kpi.experiments.srm_alpha", 0.001,
      "a sample-ratio mismatch is flagged when the method's p-value (chi-square, or the "
          + "sequential Dirichlet-multinomial test) is below this"));
  public static final ConfigKey<Map<String, LinkedHashMap<String, Double>>> ALLOCATION =
      ConfigKey.tree("kpi.experiments.allocation",
          "{experiment_id: {variant: share}} planned split; default equal shares",
          new TypeReference<Map<String, LinkedHashMap<String, Double>>>() {})
          .validate(KpiSettings::checkSplits);
  public static final ConfigKey<Long> COMPLAINTS = ConfigKey.longValue(
      "kpi.alerts.complaints_per_day", 50L, "level 1: complaints above this in a day");
  public static final ConfigKey<Double> CONVERSION_DROP = share(ConfigKey.decimal(
      "kpi.alerts.conversion_drop", 0.05,
      "level 2: conversion rate this far (relative) below its trailing mean"));
  public static final ConfigKey<Double> QUARANTINE_SHARE = share(ConfigKey.decimal(
      "kpi.alerts.quarantine_share", 0.02,
      "level 3: share of the day's raw event rows quarantined above this"));
  public static final ConfigKey<Double> CHURN_PSI = ConfigKey.decimal("kpi.alerts.churn_psi",
      0.25, "level 3: a churn feature's PSI at or above this");
  public static final ConfigKey<Integer> VOLUME_WINDOW = ConfigKey.integer(
      "kpi.alerts.volume_window_days", 7, "level 3: a day's raw event rows and each event "
          + "type's valid rows are compared with their median over the N days before")
      .atLeast(1);
  public static final ConfigKey<Integer> VOLUME_MIN_DAYS = ConfigKey.integer(
      "kpi.alerts.volume_min_days", 7, "the volume comparisons need at least this many of "
          + "those days ingested").atLeast(1);
  public static final ConfigKey<Long> VANISH_MIN_ROWS = ConfigKey.longValue(
      "kpi.alerts.vanish_min_rows", 20L, "level 3: an event type with no valid row on the day, "
          + "when its trailing median is at least this (a rarer type is often absent by "
          + "chance: P(0) = e^-median)").atLeast(1);
  public static final ConfigKey<Double> VOLUME_LOW = share(ConfigKey.decimal(
      "kpi.alerts.volume_low", 0.5,
      "level 3: fewer raw event rows than this times the trailing median"));
  public static final ConfigKey<Double> VOLUME_HIGH = ConfigKey.decimal("kpi.alerts.volume_high",
      2.0, "level 3: more raw event rows than this times the trailing median")
      .check(v -> v > 1, "> 1");
  public static final ConfigKey<Integer> ARRIVAL_DEADLINE = ConfigKey.integer(
      "kpi.alerts.arrival_deadline_hours", 6, "level 3: a raw event folder whose _SUCCESS was "
          + "written later than this many hours after its business day ended").atLeast(0);
  public static final ConfigKey<Boolean> FAIL_ON_LEVEL3 = ConfigKey.bool(
      "kpi.alerts.fail_on_level3", false,
      "the kpi job exits 1 after writing its tables when it raised a level-3 alert");

  public static List<ConfigKey<?>> keys() {
    return List.of(MAU_DAYS, TRAILING_DAYS, COHORT_WEEKS, INTERACTION_TYPES, TARGETS,
        ACTION_WINDOW, LOOKBACK, READOUT_EVERY, CONTROL, ALPHA, SRM_ALPHA, ALLOCATION,
        CUPED_PRE_DAYS, METHOD, TUNING_MEMBERS, PRIOR_SD, GOAL_METRICS, GUARDRAILS,
        MAX_SWITCHED_SHARE, START_DATES,
        COMPLAINTS, CONVERSION_DROP, QUARANTINE_SHARE, CHURN_PSI, FAIL_ON_LEVEL3, VOLUME_WINDOW,
        VOLUME_MIN_DAYS, VOLUME_LOW, VOLUME_HIGH, VANISH_MIN_ROWS, ARRIVAL_DEADLINE);
  }

  public static KpiSettings from(AppConfig c) {
    Alerts alerts = new Alerts(c.get(COMPLAINTS), c.get(CONVERSION_DROP),
        c.get(QUARANTINE_SHARE), c.get(CHURN_PSI), c.get(FAIL_ON_LEVEL3), c.get(VOLUME_WINDOW),
        c.get(VOLUME_MIN_DAYS), c.get(VOLUME_LOW), c.get(VOLUME_HIGH), c.get(VANISH_MIN_ROWS),
        c.get(ARRIVAL_DEADLINE));
    Map<Kpi, KpiTarget> targets = new EnumMap<>(Kpi.class);
    if (c.isSet(TARGETS)) {
      c.get(TARGETS).forEach((id, rule) -> targets.put(Kpi.byId(id).orElseThrow(),
          rule.toTarget()));
    }
    return new KpiSettings(c.get(MAU_DAYS), c.get(TRAILING_DAYS), c.get(COHORT_WEEKS),
        c.get(INTERACTION_TYPES), targets, c.get(ACTION_WINDOW), c.get(LOOKBACK),
        c.get(READOUT_EVERY), c.get(CONTROL), c.get(ALPHA), c.get(SRM_ALPHA),
        c.isSet(ALLOCATION) ? new LinkedHashMap<String, Map<String, Double>>(c.get(ALLOCATION))
            : Map.of(), alerts, experimentRules(c));
  }

  private static ExperimentRules experimentRules(AppConfig c) {
    Map<String, LocalDate> starts = new LinkedHashMap<>();
    if (c.isSet(START_DATES)) {
      c.get(START_DATES).forEach((id, d) -> starts.put(id, LocalDate.parse(d)));
    }
    return new ExperimentRules(c.get(CUPED_PRE_DAYS), c.get(METHOD).equals("sequential"),
        c.get(TUNING_MEMBERS), c.get(PRIOR_SD), c.get(GOAL_METRICS),
        c.isSet(GUARDRAILS) ? c.get(GUARDRAILS) : Map.of(), c.get(MAX_SWITCHED_SHARE), starts);
  }

  private static void knownMetrics(List<String> metrics) {
    for (String m : metrics) {
      if (!ExperimentStats.METRICS.containsKey(m)) {
        throw ConfigException.at(m, "no such A/B metric; known: "
            + ExperimentStats.METRICS.keySet());
      }
    }
  }

  private static void checkDates(Map<String, String> dates) {
    dates.forEach((id, d) -> {
      try {
        LocalDate.parse(d);
      } catch (java.time.format.DateTimeParseException e) {
        throw ConfigException.at(id, "expected a date yyyy-MM-dd, got " + d);
      }
    });
  }

  /** A share strictly between 0 and 1. */
  private static ConfigKey<Double> share(ConfigKey<Double> key) {
    return key.check(v -> v > 0 && v < 1, "in (0, 1)");
  }

  private static void knownEventTypes(List<String> types) {
    for (String type : types) {
      if (!EventContract.EVENT_TYPE_LIST.contains(type)) {
        throw new ConfigException("unknown event type '" + type + "'; known: "
            + EventContract.EVENT_TYPE_LIST);
      }
    }
  }

  private static void knownKpis(Map<String, TargetRule> targets) {
    for (String id : targets.keySet()) {
      if (Kpi.byId(id).isEmpty()) {
        throw ConfigException.at(id, "no such KPI; known: " + java.util.Arrays.stream(
            Kpi.values()).map(Kpi::id).toList());
      }
    }
  }

  /** Each experiment's planned shares are positive and sum to 1. */
  private static void checkSplits(Map<String, LinkedHashMap<String, Double>> allocation) {
    allocation.forEach((experiment, shares) -> {
      if (shares.isEmpty() || shares.values().stream().anyMatch(v -> v <= 0)) {
        throw ConfigException.at(experiment, "expected {variant: share} with shares > 0");
      }
      double total = shares.values().stream().mapToDouble(Double::doubleValue).sum();
      if (Math.abs(total - 1) > 1e-9) {
        throw ConfigException.at(experiment, "shares must sum to 1, got " + total);
      }
    });
  }
}
