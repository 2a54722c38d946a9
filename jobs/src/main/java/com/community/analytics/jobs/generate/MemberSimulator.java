package com.community.analytics.jobs.generate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Simulates one member's whole life in the lake, deterministically from (seed, member): the
 * registration, daily sessions with views and interactions following the hour-of-day profile,
 * pushes, posts, complaints, experiment exposures, BG/NBD purchases with Gamma-Gamma spend
 * (each preceded by content touches favouring high-lift channels and content types), and an
 * activity dropout with activity decaying in the three weeks before it. Then renders the raw
 * rows the collector would deliver: late arrivals, re-deliveries and broken rows included, each
 * labelled with its kind for the ground truth.
 */
final class MemberSimulator implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] BROKEN_KINDS = {"malformed_json", "missing_required_field",
      "unknown_event_type", "negative_amount", "unparseable_time", "future_time"};
  private static final String[] PLATFORMS = {"ios", "android", "web", "miniapp"};
  private static final String[] TIERS = {"basic", "growth", "vip"};
  private static final String[] CITIES = {"shanghai", "beijing", "shenzhen", "hangzhou",
      "chengdu", "wuhan", "xian", "suzhou", "changsha", "kunming"};
  private static final int DECAY_DAYS = 21;

  private final GeneratorSettings s;
  private final World world;

  MemberSimulator(GeneratorSettings settings, World world) {
    this.s = settings;
    this.world = world;
  }

  static String userId(long member) {
    return String.format("u%07d", member);
  }

  /** One simulated raw event before delivery. */
  private static final class Ev {
    final double day;
    final Map<String, Object> fields = new LinkedHashMap<>();

    Ev(double day, String type) {
      this.day = day;
      fields.put("event_type", type);
    }

    Ev put(String k, Object v) {
      fields.put(k, v);
      return this;
    }
  }

  /**
   * Rows of {@link GenerateJob#RAW_ROWS}: events, users snapshots and the member's truth. An
   * event row also carries the id and type its text holds (null where the text has none), so
   * the job can select rows without parsing the JSON it has just written.
   */
  List<Row> simulate(long member) {
    RandomGenerator rng = Sampling.stream(s.seed(), member);
    String uid = userId(member);
    double regDay = rng.nextDouble() < 0.4 ? rng.nextDouble() * 7 : rng.nextDouble() * s.days();
    regDay = Math.floor(regDay) + hourFraction(rng);
    double engagement = Sampling.gamma(rng, 2, 2);
    double lifetime = Sampling.exponential(rng, 1 / s.meanLifetimeDays());
    rng.nextInt(PLATFORMS.length); // a draw kept so every member's later draws stay the same
    int favouriteTopic = rng.nextInt(World.TOPICS.length);
    long followers = followers(rng);

    // Purchases: BG/NBD from the first purchase; spend Gamma-Gamma.
    double lambda = Sampling.gamma(rng, s.bgR(), s.bgAlpha());
    double dropout = Sampling.beta(rng, s.bgA(), s.bgB());
    double spendRate = Sampling.gamma(rng, s.ggQ(), s.ggGamma());
    boolean buyer = rng.nextDouble() < s.buyerShare();
    Purchases purchases = buyer ? purchases(rng, regDay, lambda, dropout)
        : new Purchases(List.of(), Double.NaN);
    double lastPurchase = purchases.days().isEmpty() ? regDay
        : purchases.days().get(purchases.days().size() - 1);
    // From a hash: drawing it from the stream would move every later draw.
    double clickiness = 0.4 + 1.2 * Sampling.unit(Sampling.mix(~s.seed(), member));
    Life life = new Life(member, uid, regDay, engagement, clickiness, favouriteTopic,
        Math.max(regDay + lifetime, lastPurchase));
    life.evs.add(new Ev(regDay, "register").put("channel", pick(rng, World.CHANNELS)));
    for (int d = (int) regDay; d < s.days() && d <= life.activityEnd; d++) {
      day(rng, life, d);
    }
    for (int i = 0; i < purchases.days().size(); i++) {
      addPurchase(rng, life.evs, uid, i, purchases.days().get(i), spendRate);
    }

    List<Row> rows = new ArrayList<>();
    deliver(rng, uid, life.evs, rows);
    rows.add(RowFactory.create("users", date((int) regDay).toString(),
        userJson(uid, regDay, followers, rng), "valid", false, null, null));
    rows.add(RowFactory.create("truth", null, truthJson(uid, regDay, life.activityEnd, lambda,
        dropout, spendRate, purchases.days(), purchases.death(), engagement, followers), "truth",
        false, null, null));
    return rows;
  }

  /** A member's purchase times, and when it stopped buying (NaN: still buying at the end). */
  private record Purchases(List<Double> days, double death) {}

  /** The purchase process of a buyer: BG/NBD from a first purchase soon after registering. */
  private Purchases purchases(RandomGenerator rng, double regDay, double lambda,
      double dropout) {
    List<Double> purchases = new ArrayList<>();
    double t = regDay + Sampling.exponential(rng, 1 / 5.0);
    if (t >= s.days()) {
      return new Purchases(purchases, Double.NaN);
    }
    purchases.add(t);
    while (true) {
      // At most one purchase a day: a member who bought today buys again from tomorrow on
      // (the rate is memoryless, so the wait restarts at midnight). This keeps the process
      // measurable at date granularity: distinct purchase days are purchases.
      double next = t + Sampling.exponential(rng, lambda);
      t = Math.floor(next) == Math.floor(t)
          ? Math.floor(t) + 1 + Sampling.exponential(rng, lambda) : next;
      if (t >= s.days()) {
        return new Purchases(purchases, Double.NaN);
      }
      purchases.add(t);
      if (rng.nextDouble() < dropout) {
        return new Purchases(purchases, t);
      }
    }
  }

  /** One member's traits and what has happened so far, while its days are simulated. */
  private static final class Life {
    final long member;
    final String uid;
    final double regDay;
    final double engagement;
    /** The member's click propensity per view (mean 1), the same before and during tests. */
    final double clickiness;
    final int favouriteTopic;
    final double activityEnd;
    final List<Ev> evs = new ArrayList<>();
    final Map<String, String> variants = new LinkedHashMap<>();
    int sessionSeq;
    int tier;

    Life(long member, String uid, double regDay, double engagement, double clickiness,
        int favouriteTopic, double activityEnd) {
      this.member = member;
      this.uid = uid;
      this.regDay = regDay;
      this.engagement = engagement;
      this.clickiness = clickiness;
      this.favouriteTopic = favouriteTopic;
      this.activityEnd = activityEnd;
    }
  }

  /**
   * Day {@code d}: pushes (and their opens), then, if the member is active, its sessions and
   * the day's rare events; activity fades over the last {@code DECAY_DAYS} of the member's life.
   */
  private void day(RandomGenerator rng, Life life, int d) {
    double left = life.activityEnd - d;
    double decay = left < DECAY_DAYS ? Math.max(0.05, left / DECAY_DAYS) : 1.0;
    double pActive = Math.min(0.85, 0.45 * life.engagement) * decay;
    if (rng.nextDouble() < 0.3) {
      double at = d + (rng.nextBoolean() ? 10 : 19) / 24.0;
      if (at > life.regDay) {
        String pushContent = content(rng, d, life.favouriteTopic);
        life.evs.add(new Ev(at, "push_sent").put("content_id", pushContent)
            .put("channel", "push"));
        if (rng.nextDouble() < 0.25 * decay) {
          double open = at + rng.nextDouble() * 0.05;
          life.evs.add(new Ev(open, "push_open").put("content_id", pushContent)
              .put("channel", "push"));
          life.evs.add(view(rng, open + 0.001, pushContent, "push", null));
        }
      }
    }
    if (rng.nextDouble() >= pActive) {
      return;
    }
    int sessions = 1 + (rng.nextDouble() < 0.35 * life.engagement ? 1 : 0);
    for (int k = 0; k < sessions; k++) {
      double start = d + hourFraction(rng);
      if (start >= life.regDay) {
        session(rng, life, d, start);
      }
    }
    if (rng.nextDouble() < 0.004 * effect(life.variants, d, "complaint")) {
      life.evs.add(new Ev(d + hourFraction(rng), "complaint")
          .put("properties", Map.of("reason", pick(rng, new String[] {"delivery", "quality",
              "service", "spam"}))));
    }
    if (life.tier < 2 && rng.nextDouble() < 0.006) {
      life.tier++;
      life.evs.add(new Ev(d + hourFraction(rng), "membership_change")
          .put("properties", Map.of("tier", TIERS[life.tier])));
    }
  }

  /** A session from {@code start}: login, experiment exposures, views and what follows them. */
  private void session(RandomGenerator rng, Life life, int d, double start) {
    List<Ev> evs = life.evs;
    String sid = life.uid + "-s" + (++life.sessionSeq);
    evs.add(new Ev(start, "login").put("session_id", sid));
    double t = start;
    for (World.Experiment e : world.experiments) {
      // A hash, not the stream, decides exposure: adding an experiment moves nothing else.
      if (d >= e.firstDay() && d <= e.lastDay() && !life.variants.containsKey(e.id())
          && Sampling.unit(Sampling.mix(s.seed() + e.id().hashCode() + 31L * d, life.member))
              < 0.8) {
        String variant = (Sampling.mix(s.seed() + e.id().hashCode(), life.member) & 1) == 0
            ? "control" : "treatment";
        life.variants.put(e.id(), variant);
        evs.add(new Ev(t, "experiment_exposure").put("session_id", sid)
            .put("experiment_id", e.id()).put("variant", variant));
      }
    }
    double clickLift = effect(life.variants, d, "click");
    double shareLift = effect(life.variants, d, "share");
    int views = 1 + Sampling.poisson(rng, 2.5 * life.engagement);
    for (int v = 0; v < views; v++) {
      t += rng.nextDouble() * 0.004;
      String cid = content(rng, d, life.favouriteTopic);
      String channel = World.CHANNELS[Sampling.weighted(rng, World.CHANNEL_REACH)];
      evs.add(view(rng, t, cid, channel, sid));
      interact(rng, evs, t, cid, channel, sid, "click", 0.25 * life.clickiness * clickLift);
      interact(rng, evs, t, cid, channel, sid, "like", 0.15);
      interact(rng, evs, t, cid, channel, sid, "comment", 0.04);
      interact(rng, evs, t, cid, channel, sid, "collect", 0.05);
      interact(rng, evs, t, cid, channel, sid, "share", 0.03 * shareLift);
    }
    if (rng.nextDouble() < 0.06) {
      evs.add(new Ev(t + 0.001, "post").put("session_id", sid)
          .put("properties", Map.of("is_original", String.valueOf(rng.nextDouble() < 0.7))));
    }
    if (rng.nextDouble() < 0.2) {
      evs.add(new Ev(start + 0.0005, "checkin").put("session_id", sid));
    }
    if (rng.nextDouble() < 0.05) {
      evs.add(new Ev(t + 0.0007, "follow").put("session_id", sid)
          .put("properties", Map.of("followee_id", userId(rng.nextInt(s.members())))));
    }
  }

  private void addPurchase(RandomGenerator rng, List<Ev> evs, String uid, int n, double at,
      double spendRate) {
    // Touches before the purchase favour the channels and content types with higher lift.
    double[] channelWeights = new double[World.CHANNELS.length];
    for (int i = 0; i < channelWeights.length; i++) {
      channelWeights[i] = World.CHANNEL_REACH[i] * World.CHANNEL_LIFT[i];
    }
    double[] typeWeights = new double[World.CONTENT_TYPES.length];
    for (int i = 0; i < typeWeights.length; i++) {
      typeWeights[i] = World.TYPE_SHARE[i] * World.TYPE_LIFT[i];
    }
    int touches = 1 + rng.nextInt(3);
    String lastChannel = "direct";
    for (int k = touches; k >= 1; k--) {
      double t = at - k * rng.nextDouble() * 0.8;
      int type = Sampling.weighted(rng, typeWeights);
      String cid = contentOfType(rng, type, (int) Math.floor(Math.max(t, 0)));
      if (cid == null || t < 0) {
        continue;
      }
      lastChannel = World.CHANNELS[Sampling.weighted(rng, channelWeights)];
      evs.add(view(rng, t, cid, lastChannel, null));
      evs.add(new Ev(t + 0.0005, "click").put("content_id", cid).put("channel", lastChannel));
    }
    double amount = Math.max(0.01, Sampling.gamma(rng, s.ggP(), spendRate));
    amount = Math.round(amount * 100) / 100.0;
    String order = uid + "-o" + n;
    evs.add(new Ev(at, "purchase").put("order_id", order).put("amount", amount)
        .put("channel", lastChannel).put("currency", "CNY"));
    if (rng.nextDouble() < 0.2) {
      evs.add(new Ev(at + 0.0001, "coupon_redeem").put("order_id", order)
          .put("properties", Map.of("coupon_cost", String.valueOf(Math.round(amount * 0.1)))));
    }
    if (rng.nextDouble() < 0.05) {
      evs.add(new Ev(Math.min(at + 1 + rng.nextDouble() * 3, s.days() - 0.01), "refund")
          .put("order_id", order).put("amount", amount).put("currency", "CNY"));
    }
  }

  private Ev view(RandomGenerator rng, double t, String cid, String channel, String sid) {
    Ev e = new Ev(t, "content_view").put("content_id", cid).put("channel", channel)
        .put("properties", Map.of("dwell_ms", String.valueOf(
            (long) (1000 + Sampling.exponential(rng, 1 / 25000.0)))));
    if (sid != null) {
      e.put("session_id", sid);
    }
    return e;
  }

  private static void interact(RandomGenerator rng, List<Ev> evs, double t, String cid,
      String channel, String sid, String type, double p) {
    if (rng.nextDouble() < p) {
      evs.add(new Ev(t + 0.0003, type).put("content_id", cid).put("channel", channel)
          .put("session_id", sid));
    }
  }

  private double effect(Map<String, String> variants, int day, String metric) {
    double lift = 1;
    for (World.Experiment e : world.experiments) {
      if (e.metric().equals(metric) && "treatment".equals(variants.get(e.id()))
          && day >= e.firstDay() && day <= e.lastDay()) {
        lift *= e.effect();
      }
    }
    return lift;
  }

  /** A content item published by day d; 60% of the time one of the member's topic. */
  private String content(RandomGenerator rng, int d, int topic) {
    int n = Math.max(1, world.publishedBy(d));
    int pick = rng.nextInt(n);
    if (rng.nextDouble() < 0.6) {
      for (int tries = 0; tries < 4 && world.contentTopic[pick] != topic; tries++) {
        pick = rng.nextInt(n);
      }
    }
    return world.contentIds[pick];
  }

  private String contentOfType(RandomGenerator rng, int type, int d) {
    int[] items = world.byType[type];
    int n = 0;
    while (n < items.length && world.publishDay[items[n]] <= d) {
      n++;
    }
    return n == 0 ? null : world.contentIds[items[rng.nextInt(n)]];
  }

  private static double hourFraction(RandomGenerator rng) {
    int hour = Sampling.weighted(rng, World.HOUR_PROFILE);
    return (hour + rng.nextDouble()) / 24.0;
  }

  private static long followers(RandomGenerator rng) {
    double u = rng.nextDouble();
    if (u < 0.002) {
      return 500_000 + (long) Sampling.exponential(rng, 1 / 1_500_000.0);
    }
    if (u < 0.012) {
      return 100_000 + (long) (rng.nextDouble() * 400_000);
    }
    if (u < 0.07) {
      return 5_000 + (long) (rng.nextDouble() * 95_000);
    }
    return (long) Math.exp(rng.nextDouble() * 7);
  }

  private static String pick(RandomGenerator rng, String[] values) {
    return values[rng.nextInt(values.length)];
  }

  private LocalDate date(int day) {
    return s.startDate().plusDays(day);
  }

  private Instant instant(double day) {
    ZoneId zone = ZoneId.of(s.zone());
    int d = (int) Math.floor(day);
    long nanosOfDay = (long) ((day - d) * 86_400_000_000_000L);
    return date(d).atStartOfDay(zone).toInstant().plusNanos(nanosOfDay / 1_000_000 * 1_000_000);
  }

  /** Renders the events as delivered: times in mixed formats, late and repeated deliveries. */
  private void deliver(RandomGenerator rng, String uid, List<Ev> evs, List<Row> rows) {
    ZoneId zone = ZoneId.of(s.zone());
    String platform = PLATFORMS[(int) Math.floorMod(uid.hashCode(), PLATFORMS.length)];
    int seq = 0;
    for (Ev e : evs) {
      if (e.day < 0 || e.day >= s.days()) {
        continue;
      }
      Instant at = instant(e.day);
      int eventDay = (int) Math.floor(e.day);
      boolean late = rng.nextDouble() < s.lateShare();
      int arrival = late ? eventDay + 1 + rng.nextInt(s.maxLateDays()) : eventDay;
      if (arrival >= s.days()) {
        continue;
      }
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("event_id", uid + "-e" + (++seq));
      f.put("event_time", timeValue(rng, at, zone));
      f.put("user_id", uid);
      String type = (String) e.fields.get("event_type");
      f.put("event_type", rng.nextDouble() < 0.03 ? type.toUpperCase(Locale.ROOT) : type);
      for (Map.Entry<String, Object> x : e.fields.entrySet()) {
        if (!x.getKey().equals("event_type")) {
          f.put(x.getKey(), x.getValue());
        }
      }
      f.put("platform", platform);
      if (rng.nextDouble() < 0.05) {
        f.put("app_version", "5." + rng.nextInt(10));
      }
      String json = write(f);
      rows.add(eventRow(arrival, json, "valid", late, f));
      if (rng.nextDouble() < s.duplicateShare()) {
        int again = rng.nextBoolean() ? arrival : arrival + 1 + rng.nextInt(3);
        rows.add(eventRow(Math.min(again, s.days() - 1), json, "duplicate", false, f));
      }
      if (rng.nextDouble() < s.brokenShare()) {
        String kind = BROKEN_KINDS[rng.nextInt(BROKEN_KINDS.length)];
        Map<String, Object> b = new LinkedHashMap<>(f);
        String text = broken(rng, kind, b, arrival, zone);
        rows.add(eventRow(arrival, text, "broken:" + kind, false,
            kind.equals("malformed_json") ? Map.of() : b));
      }
    }
  }

  private Row eventRow(int arrival, String text, String kind, boolean late,
      Map<String, Object> fields) {
    return RowFactory.create("events", date(arrival).toString(), text, kind, late,
        fields.get("event_id"), fields.get("event_type"));
  }

  /** The text of a broken copy of {@code f}, which is changed to hold the fields written. */
  private String broken(RandomGenerator rng, String kind, Map<String, Object> f,
      int arrival, ZoneId zone) {
    f.put("event_id", f.get("event_id") + "-x");
    switch (kind) {
      case "malformed_json":
        String text = write(f);
        return text.substring(0, text.length() / 2) + ",\"";
      case "missing_required_field":
        f.remove(new String[] {"event_id", "event_time", "user_id", "event_type"}[rng.nextInt(4)]);
        return write(f);
      case "unknown_event_type":
        f.put("event_type", "teleport");
        return write(f);
      case "negative_amount":
        f.put("event_type", "purchase");
        f.put("order_id", f.get("event_id") + "-o");
        f.put("amount", -1 - Math.round(rng.nextDouble() * 100));
        return write(f);
      case "unparseable_time":
        f.put("event_time", "2026-13-45 25:61");
        return write(f);
      case "future_time":
        Instant future = date(arrival).plusDays(30 + rng.nextInt(300)).atStartOfDay(zone)
            .toInstant();
        f.put("event_time", future.toString());
        return write(f);
      default:
        throw new IllegalStateException(kind);
    }
  }

  private static Object timeValue(RandomGenerator rng, Instant at, ZoneId zone) {
    double u = rng.nextDouble();
    if (u < 0.1) {
      return at.toEpochMilli();
    }
    if (u < 0.2) {
      return at.toString();
    }
    return OffsetDateTime.ofInstant(at, zone).toString();
  }

  private String userJson(String uid, double regDay, long followers, RandomGenerator rng) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("user_id", uid);
    f.put("registered_at", OffsetDateTime.ofInstant(instant(regDay), ZoneOffset.UTC).toString());
    f.put("gender", pick(rng, new String[] {"female", "male", "unknown"}));
    f.put("birth_year", 1965 + rng.nextInt(45));
    int city = rng.nextInt(CITIES.length);
    f.put("city", CITIES[city]);
    f.put("city_tier", 1 + city / 3);
    f.put("follower_count", followers);
    f.put("membership_tier", "basic");
    return write(f);
  }

  private String truthJson(String uid, double regDay, double activityEnd, double lambda,
      double dropout, double spendRate, List<Double> purchases, double purchaseDeath,
      double engagement, long followers) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("user_id", uid);
    f.put("registered_day", regDay);
    f.put("activity_end_day", activityEnd);
    f.put("activity_end_date", date((int) Math.floor(activityEnd)).toString());
    f.put("purchase_rate_per_day", lambda);
    f.put("dropout_probability", dropout);
    f.put("spend_rate", spendRate);
    f.put("purchases", purchases.size());
    f.put("purchase_dead", !Double.isNaN(purchaseDeath));
    f.put("engagement", engagement);
    f.put("follower_count", followers);
    return write(f);
  }

  private static String write(Map<String, Object> fields) {
    try {
      return JSON.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
