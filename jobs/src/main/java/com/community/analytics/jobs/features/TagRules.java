package com.community.analytics.jobs.features;

import com.community.analytics.common.catalog.SharedTables;
import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.config.ConfigException;
import com.community.analytics.common.config.ConfigKey;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tag rules of {@code conf/tags.yaml}, checked when loaded: bands listed from highest to
 * lowest with distinct minimums, thresholds in order, persona rules naming known tags and
 * values. A bad rule fails the run with a message naming it.
 */
public record TagRules(Bands ltvTier, Bands activityLevel, Bands spendingPower,
    SocialCircle socialCircle, Lifecycle lifecycle, Interests interests, List<Persona> personas)
    implements Serializable {

  public static final ConfigKey LTV_TIER = ConfigKey.tree("tags.ltv_tier",
      "bands on the percentile (0-1) of total LTV among buyers: {bands: {name: min}, otherwise}");
  public static final ConfigKey ACTIVITY_LEVEL = ConfigKey.tree("tags.activity_level",
      "bands on active days in the last 30 days: {bands: {name: min}, otherwise}");
  public static final ConfigKey SPENDING_POWER = ConfigKey.tree("tags.spending_power",
      "bands on the mean percentile of AOV and 90-day GMV among buyers");
  public static final ConfigKey SOCIAL_CIRCLE = ConfigKey.tree("tags.social_circle",
      "follower thresholds of head KOL, waist KOL and KOC, and the KOC share reach");
  public static final ConfigKey LIFECYCLE = ConfigKey.tree("tags.lifecycle",
      "new_days, dormant_days and churned_days of the lifecycle stages");
  public static final ConfigKey INTERESTS = ConfigKey.tree("tags.interests",
      "engagement weights per event type, dwell weight, window, half-life and top_n");
  public static final ConfigKey PERSONAS = ConfigKey.tree("tags.personas",
      "ordered persona rules: [{name, when: {tag: value or [values]}}]; the first match wins");

  public static List<ConfigKey> keys() {
    return List.of(LTV_TIER, ACTIVITY_LEVEL, SPENDING_POWER, SOCIAL_CIRCLE, LIFECYCLE, INTERESTS,
        PERSONAS);
  }

  /** Named bands on one measure, highest first; below every band: {@code otherwise}. */
  public record Bands(String key, LinkedHashMap<String, Double> bands, String otherwise)
      implements Serializable {
    public List<String> names() {
      List<String> names = new ArrayList<>(bands.keySet());
      names.add(otherwise);
      return names;
    }
  }

  public record SocialCircle(long headKol, long waistKol, long kocFollowers, long kocShares30)
      implements Serializable {}

  public record Lifecycle(int newDays, int dormantDays, int churnedDays) implements Serializable {}

  public record Interests(Map<String, Double> weights, double dwellPerMinute, int windowDays,
      double halfLifeDays, int topN) implements Serializable {}

  public record Persona(String name, Map<String, List<String>> when) implements Serializable {}

  /** The tags a persona rule may test, each with the values it can take (empty: any). */
  static final Set<String> PERSONA_TAGS = Set.of("ltv_tier", "activity_level", "spending_power",
      "social_circle", "lifecycle_stage", "membership_tier", "top_topic");

  public static TagRules from(AppConfig config) {
    Bands ltv = bands(LTV_TIER, config);
    Bands activity = bands(ACTIVITY_LEVEL, config);
    Bands spending = bands(SPENDING_POWER, config);
    Map<String, Object> sc = map(SOCIAL_CIRCLE.name(), config.getTree(SOCIAL_CIRCLE));
    SocialCircle social = new SocialCircle(number(SOCIAL_CIRCLE, sc, "head_kol_min_followers")
        .longValue(), number(SOCIAL_CIRCLE, sc, "waist_kol_min_followers").longValue(),
        number(SOCIAL_CIRCLE, sc, "koc_min_followers").longValue(),
        number(SOCIAL_CIRCLE, sc, "koc_min_shares_30").longValue());
    if (!(social.headKol() > social.waistKol() && social.waistKol() > social.kocFollowers())) {
      throw new ConfigException("tags.social_circle: follower thresholds must fall from head "
          + "KOL to waist KOL to KOC, got " + social.headKol() + ", " + social.waistKol() + ", "
          + social.kocFollowers());
    }
    Map<String, Object> lc = map(LIFECYCLE.name(), config.getTree(LIFECYCLE));
    Lifecycle lifecycle = new Lifecycle(number(LIFECYCLE, lc, "new_days").intValue(),
        number(LIFECYCLE, lc, "dormant_days").intValue(),
        number(LIFECYCLE, lc, "churned_days").intValue());
    if (lifecycle.dormantDays() >= lifecycle.churnedDays()) {
      throw new ConfigException("tags.lifecycle: dormant_days (" + lifecycle.dormantDays()
          + ") must be below churned_days (" + lifecycle.churnedDays() + ")");
    }
    Map<String, Object> in = map(INTERESTS.name(), config.getTree(INTERESTS));
    Map<String, Object> w = map(INTERESTS.name() + ".weights", in.get("weights"));
    Map<String, Double> weights = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : w.entrySet()) {
      if (!SharedTables.COUNTED_TYPES.contains(e.getKey())) {
        throw new ConfigException("tags.interests.weights: unknown event type '" + e.getKey()
            + "'");
      }
      weights.put(e.getKey(), number(INTERESTS, w, e.getKey()).doubleValue());
    }
    Interests interests = new Interests(weights, number(INTERESTS, in, "dwell_per_minute")
        .doubleValue(), number(INTERESTS, in, "window_days").intValue(),
        number(INTERESTS, in, "half_life_days").doubleValue(),
        number(INTERESTS, in, "top_n").intValue());
    TagRules partial = new TagRules(ltv, activity, spending, social, lifecycle, interests,
        List.of());
    return new TagRules(ltv, activity, spending, social, lifecycle, interests,
        personas(config, partial));
  }

  /** The values each persona tag can take, to check persona rules against. */
  Map<String, List<String>> tagValues() {
    Map<String, List<String>> v = new LinkedHashMap<>();
    v.put("ltv_tier", ltvTier.names());
    v.put("activity_level", activityLevel.names());
    v.put("spending_power", spendingPower.names());
    v.put("social_circle", List.of("head_kol", "waist_kol", "koc", "ordinary"));
    v.put("lifecycle_stage", List.of("new", "active", "resurrected", "dormant", "churned"));
    v.put("membership_tier", List.of("basic", "growth", "vip"));
    v.put("top_topic", List.of());
    return v;
  }

  private static List<Persona> personas(AppConfig config, TagRules rules) {
    Object tree = config.getTree(PERSONAS);
    if (!(tree instanceof List<?> list)) {
      throw new ConfigException("tags.personas must be a list of {name, when}");
    }
    Map<String, List<String>> known = rules.tagValues();
    List<Persona> personas = new ArrayList<>();
    for (Object item : list) {
      Map<String, Object> p = map("tags.personas", item);
      String name = String.valueOf(p.get("name"));
      if (p.get("name") == null) {
        throw new ConfigException("tags.personas: a rule has no name");
      }
      Map<String, List<String>> when = new LinkedHashMap<>();
      Object cond = p.get("when");
      for (Map.Entry<String, Object> c : map("tags.personas." + name + ".when",
          cond == null ? Map.of() : cond).entrySet()) {
        if (!known.containsKey(c.getKey())) {
          throw new ConfigException("tags.personas." + name + ": unknown tag '" + c.getKey()
              + "' (known: " + String.join(", ", known.keySet()) + ")");
        }
        List<String> values = new ArrayList<>();
        if (c.getValue() instanceof List<?> vs) {
          vs.forEach(x -> values.add(String.valueOf(x)));
        } else {
          values.add(String.valueOf(c.getValue()));
        }
        List<String> allowed = known.get(c.getKey());
        for (String v : values) {
          if (!allowed.isEmpty() && !allowed.contains(v)) {
            throw new ConfigException("tags.personas." + name + ": " + c.getKey()
                + " has no value '" + v + "' (values: " + String.join(", ", allowed) + ")");
          }
        }
        when.put(c.getKey(), values);
      }
      personas.add(new Persona(name, when));
    }
    return personas;
  }

  private static Bands bands(ConfigKey key, AppConfig config) {
    Map<String, Object> tree = map(key.name(), config.getTree(key));
    Map<String, Object> raw = map(key.name() + ".bands", tree.get("bands"));
    LinkedHashMap<String, Double> bands = new LinkedHashMap<>();
    String previousName = null;
    double previous = Double.POSITIVE_INFINITY;
    for (Map.Entry<String, Object> e : raw.entrySet()) {
      double min = number(key, raw, e.getKey()).doubleValue();
      if (min >= previous) {
        throw new ConfigException(key.name() + ": band '" + e.getKey() + "' (min " + min
            + ") overlaps band '" + previousName + "' (min " + previous
            + "); list bands from highest to lowest with distinct minimums");
      }
      bands.put(e.getKey(), min);
      previous = min;
      previousName = e.getKey();
    }
    Object otherwise = tree.get("otherwise");
    if (otherwise == null || bands.containsKey(otherwise.toString())) {
      throw new ConfigException(key.name() + ": 'otherwise' must name the value below every "
          + "band, distinct from the bands");
    }
    return new Bands(key.name(), bands, otherwise.toString());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(String where, Object tree) {
    if (!(tree instanceof Map)) {
      throw new ConfigException(where + ": expected a map");
    }
    return (Map<String, Object>) tree;
  }

  private static Number number(ConfigKey key, Map<String, Object> m, String field) {
    Object v = m.get(field);
    if (!(v instanceof Number n)) {
      throw new ConfigException(key.name() + "." + field + ": expected a number, got '" + v
          + "'");
    }
    return n;
  }
}
