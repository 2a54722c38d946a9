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

  public static final ConfigKey MEMBERS = ConfigKey.integer("generator.members", 5000,
      "members to simulate");
  public static final ConfigKey DAYS = ConfigKey.integer("generator.days", 90,
      "days of events, starting at generator.start_date");
  public static final ConfigKey START_DATE = ConfigKey.date("generator.start_date", "2026-08-24",
      "first business date of the generated lake");
  public static final ConfigKey SEED = ConfigKey.longValue("generator.seed", 20261121L,
      "random seed; the same seed gives the same lake");
  public static final ConfigKey PARTITIONS = ConfigKey.integer("generator.partitions", 0,
      "Spark partitions to generate with (0: 2 per core, more for large lakes)");
  public static final ConfigKey BROKEN_SHARE = ConfigKey.decimal("generator.broken_share", 0.004,
      "broken raw rows per valid event, spread over every broken kind");
  public static final ConfigKey DUPLICATE_SHARE = ConfigKey.decimal("generator.duplicate_share",
      0.01, "share of events re-delivered (same event_id), in the same or a later folder");
  public static final ConfigKey LATE_SHARE = ConfigKey.decimal("generator.late_share", 0.02,
      "share of events arriving days after they happened");
  public static final ConfigKey MAX_LATE_DAYS = ConfigKey.integer("generator.max_late_days", 5,
      "most days an event arrives late");
  public static final ConfigKey CORRUPT_FILES = ConfigKey.integer("generator.corrupt_files", 1,
      "raw files written as corrupt gzip, spread over the folders");
  public static final ConfigKey OUTAGE_DAYS = ConfigKey.integer("generator.outage_days", 0,
      "days of a tracker outage, spread over the folders: every checkin and nine in ten "
          + "content views and clicks of the day are lost (the cockpit's volume alerts should fire)")
      .atLeast(0);
  public static final ConfigKey LATE_FOLDERS = ConfigKey.integer("generator.late_folders", 0,
      "events folders completed nine hours after their day ended (the others half an hour "
          + "after; the cockpit's arrival alert should fire)").atLeast(0);
  public static final ConfigKey BUYER_SHARE = ConfigKey.decimal("generator.buyer_share", 0.8,
      "share of members who make a first purchase");
  public static final ConfigKey MEAN_LIFETIME = ConfigKey.decimal(
      "generator.mean_lifetime_days", 45.0, "mean days from registration to activity dropout");
  public static final ConfigKey BG_R = ConfigKey.decimal("generator.bgnbd.r", 1.2,
      "BG/NBD r: shape of the Gamma over purchase rates");
  public static final ConfigKey BG_ALPHA = ConfigKey.decimal("generator.bgnbd.alpha", 8.0,
      "BG/NBD alpha (days): rate of the Gamma over purchase rates");
  public static final ConfigKey BG_A = ConfigKey.decimal("generator.bgnbd.a", 0.4,
      "BG/NBD a: Beta over dropout probability");
  public static final ConfigKey BG_B = ConfigKey.decimal("generator.bgnbd.b", 1.6,
      "BG/NBD b: Beta over dropout probability");
  public static final ConfigKey GG_P = ConfigKey.decimal("generator.gamma_gamma.p", 6.0,
      "Gamma-Gamma p: shape of spend per purchase");
  public static final ConfigKey GG_Q = ConfigKey.decimal("generator.gamma_gamma.q", 4.0,
      "Gamma-Gamma q: shape of the Gamma over spend rates");
  public static final ConfigKey GG_GAMMA = ConfigKey.decimal("generator.gamma_gamma.gamma", 150.0,
      "Gamma-Gamma gamma: rate of the Gamma over spend rates");

  public static List<ConfigKey> keys() {
    return List.of(MEMBERS, DAYS, START_DATE, SEED, PARTITIONS, BROKEN_SHARE, DUPLICATE_SHARE,
        LATE_SHARE, MAX_LATE_DAYS, CORRUPT_FILES, OUTAGE_DAYS, LATE_FOLDERS, BUYER_SHARE, MEAN_LIFETIME, BG_R, BG_ALPHA, BG_A,
        BG_B, GG_P, GG_Q, GG_GAMMA);
  }

  public static GeneratorSettings from(AppConfig c, int defaultPartitions) {
    int partitions = c.getInt(PARTITIONS) > 0 ? c.getInt(PARTITIONS) : defaultPartitions;
    return new GeneratorSettings(c.getInt(MEMBERS), c.getInt(DAYS), c.getDate(START_DATE),
        c.getLong(SEED), c.getString(CommonKeys.TIME_ZONE), partitions, c.getDouble(BROKEN_SHARE),
        c.getDouble(DUPLICATE_SHARE), c.getDouble(LATE_SHARE), c.getInt(MAX_LATE_DAYS),
        c.getInt(CORRUPT_FILES), c.getInt(OUTAGE_DAYS), c.getInt(LATE_FOLDERS),
        c.getDouble(BUYER_SHARE), c.getDouble(MEAN_LIFETIME),
        c.getDouble(BG_R), c.getDouble(BG_ALPHA), c.getDouble(BG_A), c.getDouble(BG_B),
        c.getDouble(GG_P), c.getDouble(GG_Q), c.getDouble(GG_GAMMA));
  }

  public void validate() {
    if (members <= 0 || days <= 0) {
      throw new com.community.analytics.common.config.ConfigException(
          "generator.members and generator.days must be positive");
    }
    for (double share : new double[] {brokenShare, duplicateShare, lateShare, buyerShare}) {
      if (share < 0 || share > 1) {
        throw new com.community.analytics.common.config.ConfigException(
            "generator shares must be between 0 and 1, got " + share);
      }
    }
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
