package com.community.analytics.jobs.generate;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.random.RandomGenerator;

/**
 * The simulated community: channels and content types with their planted conversion lifts,
 * topics, experiments with their true effects, the hour-of-day profile, and the content catalog.
 * Built on the driver from the seed; small enough to ship to every task.
 */
final class World implements Serializable {
  private static final long serialVersionUID = 1L;

  static final String[] CHANNELS = {"feed", "search", "push", "share_link", "group_chat", "kol",
      "ad", "direct"};
  /** How often each channel brings a view. */
  static final double[] CHANNEL_REACH = {0.38, 0.14, 0.08, 0.1, 0.08, 0.1, 0.07, 0.05};
  /** Planted conversion lift of each channel: a purchase's touches favour high-lift channels. */
  static final double[] CHANNEL_LIFT = {1.0, 2.2, 0.8, 1.6, 1.3, 3.0, 0.6, 1.0};

  static final String[] CONTENT_TYPES = {"article", "image_text", "short_video", "live", "qa",
      "knowledge_card", "poll", "challenge"};
  static final double[] TYPE_SHARE = {0.15, 0.25, 0.25, 0.06, 0.08, 0.08, 0.07, 0.06};
  static final double[] TYPE_LIFT = {0.8, 1.0, 1.5, 3.2, 0.9, 1.1, 0.5, 1.2};

  static final String[] TOPICS = {"skincare", "fitness", "parenting", "food", "travel", "tech",
      "fashion", "pets"};

  /** Local hour-of-day activity profile (business time zone): morning, lunch and evening peaks. */
  static final double[] HOUR_PROFILE = {1.0, 0.5, 0.3, 0.2, 0.2, 0.4, 1.0, 2.5, 3.0, 2.5, 2.0,
      2.5, 3.5, 2.5, 2.0, 2.0, 2.2, 2.5, 3.0, 3.8, 4.5, 4.8, 4.0, 2.5};

  /**
   * An A/B test: which days it runs and its true multiplicative effect on one behaviour; kind
   * is effect (a planted goal effect), null (no effect), aa (both variants identical by
   * design) or guardrail (it degrades a guardrail metric).
   */
  record Experiment(String id, int firstDay, int lastDay, String metric, double effect,
      String kind) implements Serializable {}

  final List<Experiment> experiments;

  // The catalog, sorted by publication day.
  final String[] contentIds;
  final int[] contentType;
  final int[] contentTopic;
  final int[] publishDay;
  final String[] authorIds;
  final boolean[] contentOriginal;
  final String[] contentOrigin;
  /** Catalog indexes of each content type, in publication order. */
  final int[][] byType;

  World(GeneratorSettings s) {
    experiments = List.of(
        new Experiment("exp_feed_ranking", s.days() / 3, (2 * s.days()) / 3, "click", 1.25,
            "effect"),
        new Experiment("exp_share_button", s.days() / 2, s.days() - 1, "share", 1.6, "effect"),
        new Experiment("exp_coupon_banner", s.days() / 4, (3 * s.days()) / 4, "none", 1.0,
            "null"),
        new Experiment("exp_aa_check", s.days() / 3, s.days() - 1, "none", 1.0, "aa"),
        new Experiment("exp_push_frequency", s.days() / 2, s.days() - 1, "complaint", 6.0,
            "guardrail"));
    RandomGenerator rng = Sampling.stream(s.seed(), -1);
    int n = Math.max(300, s.members() / 5);
    int[] day = new int[n];
    for (int i = 0; i < n; i++) {
      day[i] = Sampling.uniform(rng, -30, s.days());
    }
    java.util.Arrays.sort(day);
    contentIds = new String[n];
    contentType = new int[n];
    contentTopic = new int[n];
    publishDay = day;
    authorIds = new String[n];
    contentOriginal = new boolean[n];
    contentOrigin = new String[n];
    List<List<Integer>> types = new ArrayList<>();
    for (int t = 0; t < CONTENT_TYPES.length; t++) {
      types.add(new ArrayList<>());
    }
    for (int i = 0; i < n; i++) {
      contentIds[i] = String.format("c%07d", i);
      contentType[i] = Sampling.weighted(rng, TYPE_SHARE);
      contentTopic[i] = rng.nextInt(TOPICS.length);
      double o = rng.nextDouble();
      contentOrigin[i] = o < 0.3 ? "pgc" : o < 0.55 ? "kol" : "ugc";
      authorIds[i] = contentOrigin[i].equals("pgc") ? "brand"
          : MemberSimulator.userId(rng.nextInt(s.members()));
      contentOriginal[i] = rng.nextDouble() < 0.75;
      types.get(contentType[i]).add(i);
    }
    byType = new int[CONTENT_TYPES.length][];
    for (int t = 0; t < CONTENT_TYPES.length; t++) {
      byType[t] = types.get(t).stream().mapToInt(Integer::intValue).toArray();
    }
  }

  /** How many catalog items are published by day {@code d} (they are the prefix). */
  int publishedBy(int d) {
    int lo = 0;
    int hi = publishDay.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (publishDay[mid] <= d) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The planted truths, for ground_truth/summary.json. */
  Map<String, Object> truths() {
    Map<String, Object> m = new LinkedHashMap<>();
    Map<String, Double> ch = new LinkedHashMap<>();
    for (int i = 0; i < CHANNELS.length; i++) {
      ch.put(CHANNELS[i], CHANNEL_LIFT[i]);
    }
    Map<String, Double> ty = new LinkedHashMap<>();
    for (int i = 0; i < CONTENT_TYPES.length; i++) {
      ty.put(CONTENT_TYPES[i], TYPE_LIFT[i]);
    }
    List<Map<String, Object>> ex = new ArrayList<>();
    for (Experiment e : experiments) {
      Map<String, Object> em = new LinkedHashMap<>();
      em.put("experiment_id", e.id());
      em.put("metric", e.metric());
      em.put("true_effect", e.effect());
      em.put("has_effect", e.effect() != 1.0);
      em.put("kind", e.kind());
      ex.add(em);
    }
    m.put("channel_conversion_lift", ch);
    m.put("content_type_conversion_lift", ty);
    m.put("experiments", ex);
    m.put("content_items", contentIds.length);
    return m;
  }
}
