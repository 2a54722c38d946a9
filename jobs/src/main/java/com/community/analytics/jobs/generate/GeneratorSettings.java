package com.community.analytics.jobs.generate;

import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.config.CommonKeys;
import com.community.analytics.common.config.ConfigKey;
import java.io.Serializable;
import java.time.LocalDate;
import java.util.List;

/**
 * The generator's knobs and planted truths, from the {@code generator.*} config keys. The
 * purchase process is BG/NBD (rates per day) and spend Gamma-Gamma, with exactly these
 * parameters, so the LTV fit can be checked against them.
 */
public record GeneratorSettings(int members, int days, LocalDate startDate, long seed,
    String zone, int partitions, double brokenShare, double duplicateShare, double lateShare,
    int maxLateDays, int corruptFiles, int outageDays, int lateFolders, double buyerShare, double meanLifetimeDays,
    double bgR, double bgAlpha, double bgA, double bgB, double ggP, double ggQ, double ggGamma)
    implements Serializable {

  public static final ConfigKey<Integer> MEMBERS = ConfigKey.integer("generator.members", 5000,
      "members to simulate").atLeast(1);
  public static final ConfigKey<Integer> DAYS = ConfigKey.integer("generator.days", 90,
      "days of events, starting at generator.start_date").atLeast(1);
  public static final ConfigKey<LocalDate> START_DATE = ConfigKey.date("generator.start_date",
      "2026-08-24", "first business date of the generated lake");
  public static final ConfigKey<Long> SEED = ConfigKey.longValue("generator.seed", 20261121L,
      "random seed; the same seed gives the same lake");
  public static final ConfigKey<Integer> PARTITIONS = ConfigKey.integer("generator.partitions",
      0, "Spark partitions to generate with (0: 2 per core, more for large lakes)").atLeast(0);
  public static final ConfigKey<Double> BROKEN_SHARE = ConfigKey.decimal(
      "generator.broken_share", 0.004,
      "broken raw rows per valid event, spread over every broken kind").between(0, 1);
  public static final ConfigKey<Double> DUPLICATE_SHARE = ConfigKey.decimal(
      "generator.duplicate_share", 0.01,
      "share of events re-delivered (same event_id), in the same or a later folder")
      .between(0, 1);
  public static final ConfigKey<Double> LATE_SHARE = ConfigKey.decimal("generator.late_share",
      0.02, "share of events arriving days after they happened").between(0, 1);
  public static final ConfigKey<Integer> MAX_LATE_DAYS = ConfigKey.integer(
      "generator.max_late_days", 5, "most days an event arrives late").atLeast(1);
  public static final ConfigKey<Integer> CORRUPT_FILES = ConfigKey.integer(
      "generator.corrupt_files", 1, "raw files written as corrupt gzip, spread over the folders")
      .atLeast(0);
  public static final ConfigKey<Integer> OUTAGE_DAYS = ConfigKey.integer("generator.outage_days",
      0, "days of a tracker outage, spread over the folders: every checkin and nine in ten "
          + "content views and clicks of the day are lost (the cockpit's volume alerts should "
          + "fire)").atLeast(0);
  public static final ConfigKey<Integer> LATE_FOLDERS = ConfigKey.integer(
      "generator.late_folders", 0, "events folders completed nine hours after their day ended "
          + "(the others half an hour after; the cockpit's arrival alert should fire)")
      .atLeast(0);
  public static final ConfigKey<Double> BUYER_SHARE = ConfigKey.decimal("generator.buyer_share",
      0.8, "share of members who make a first purchase").between(0, 1);
  public static final ConfigKey<Double> MEAN_LIFETIME = positive(ConfigKey.decimal(
      "generator.mean_lifetime_days", 45.0, "mean days from registration to activity dropout"));
  public static final ConfigKey<Double> BG_R = positive(ConfigKey.decimal("generator.bgnbd.r",
      1.2, "BG/NBD r: shape of the Gamma over purchase rates"));
  public static final ConfigKey<Double> BG_ALPHA = positive(ConfigKey.decimal(
      "generator.bgnbd.alpha", 8.0, "BG/NBD alpha (days): rate of the Gamma over purchase rates"));
  public static final ConfigKey<Double> BG_A = positive(ConfigKey.decimal("generator.bgnbd.a",
      0.4, "BG/NBD a: Beta over dropout probability"));
  public static final ConfigKey<Double> BG_B = positive(ConfigKey.decimal("generator.bgnbd.b",
      1.6, "BG/NBD b: Beta over dropout probability"));
  public static final ConfigKey<Double> GG_P = positive(ConfigKey.decimal(
      "generator.gamma_gamma.p", 6.0, "Gamma-Gamma p: shape of spend per purchase"));
  public static final ConfigKey<Double> GG_Q = positive(ConfigKey.decimal(
      "generator.gamma_gamma.q", 4.0, "Gamma-Gamma q: shape of the Gamma over spend rates"));
  public static final ConfigKey<Double> GG_GAMMA = positive(ConfigKey.decimal(
      "generator.gamma_gamma.gamma", 150.0, "Gamma-Gamma gamma: rate of the Gamma over spend "
          + "rates"));

  private static ConfigKey<Double> positive(ConfigKey<Double> key) {
    return key.check(v -> v > 0, "> 0");
  }

  public static List<ConfigKey<?>> keys() {
    return List.of(MEMBERS, DAYS, START_DATE, SEED, PARTITIONS, BROKEN_SHARE, DUPLICATE_SHARE,
        LATE_SHARE, MAX_LATE_DAYS, CORRUPT_FILES, OUTAGE_DAYS, LATE_FOLDERS, BUYER_SHARE,
        MEAN_LIFETIME, BG_R, BG_ALPHA, BG_A, BG_B, GG_P, GG_Q, GG_GAMMA);
  }

  public static GeneratorSettings from(AppConfig c, int defaultPartitions) {
    int partitions = c.get(PARTITIONS) > 0 ? c.get(PARTITIONS) : defaultPartitions;
    return new GeneratorSettings(c.get(MEMBERS), c.get(DAYS), c.get(START_DATE),
        c.get(SEED), c.get(CommonKeys.TIME_ZONE), partitions, c.get(BROKEN_SHARE),
        c.get(DUPLICATE_SHARE), c.get(LATE_SHARE), c.get(MAX_LATE_DAYS),
        c.get(CORRUPT_FILES), c.get(OUTAGE_DAYS), c.get(LATE_FOLDERS),
        c.get(BUYER_SHARE), c.get(MEAN_LIFETIME),
        c.get(BG_R), c.get(BG_ALPHA), c.get(BG_A), c.get(BG_B),
        c.get(GG_P), c.get(GG_Q), c.get(GG_GAMMA));
  }

  public LocalDate endDate() {
    return startDate.plusDays(days - 1L);
  }

  /**
   * {@code n} dates spread evenly over the lake, shifted by {@code offset} days so that planted
   * defects of different kinds fall on different folders.
   */
  public List<LocalDate> spread(int n, int offset) {
    List<LocalDate> dates = new java.util.ArrayList<>();
    for (int k = 0; k < n; k++) {
      dates.add(startDate.plusDays(Math.min(days - 1L, (long) (k + 1) * days / (n + 1) + offset)));
    }
    return dates;
  }
}
