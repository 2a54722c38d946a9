package com.community.analytics.jobs.features;

import com.community.analytics.common.catalog.SharedTables;
import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.config.ConfigException;
import com.community.analytics.common.config.ConfigKey;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tag rules of {@code conf/tags.yaml}. Each key's tree is bound into its record when the
 * config is loaded (unknown or missing fields fail naming their path), and each record checks
 * itself: bands listed from highest to lowest with distinct minimums, thresholds in order,
 * weights on counted event types. Persona rules, which name the other rules' values, are
 * checked here; a bad rule fails the run with a message naming it (exit 2).
 */
public record TagRules(Bands ltvTier, Bands activityLevel, Bands spendingPower,
    SocialCircle socialCircle, Lifecycle lifecycle, Interests interests, List<Persona> personas)
    implements Serializable {

  public static final ConfigKey<Bands> LTV_TIER = ConfigKey.tree("tags.ltv_tier",
      "bands on the percentile (0-1) of total LTV among buyers: {bands: {name: min}, otherwise}",
      Bands.class);
  public static final ConfigKey<Bands> ACTIVITY_LEVEL = ConfigKey.tree("tags.activity_level",
      "bands on active days in the last 30 days: {bands: {name: min}, otherwise}", Bands.class);
  public static final ConfigKey<Bands> SPENDING_POWER = ConfigKey.tree("tags.spending_power",
      "bands on the mean percentile of AOV and 90-day GMV among buyers", Bands.class);
  public static final ConfigKey<SocialCircle> SOCIAL_CIRCLE = ConfigKey.tree(
      "tags.social_circle", "follower thresholds of head KOL, waist KOL and KOC, and the KOC "
          + "share reach", SocialCircle.class);
  public static final ConfigKey<Lifecycle> LIFECYCLE = ConfigKey.tree("tags.lifecycle",
      "new_days, dormant_days and churned_days of the lifecycle stages", Lifecycle.class);
  public static final ConfigKey<Interests> INTERESTS = ConfigKey.tree("tags.interests",
      "engagement weights per event type, dwell weight, window, half-life and top_n",
      Interests.class);
  public static final ConfigKey<List<Persona>> PERSONAS = ConfigKey.tree("tags.personas",
      "ordered persona rules: [{name, when: {tag: value or [values]}}]; the first match wins",
      new TypeReference<List<Persona>>() {});

  public static List<ConfigKey<?>> keys() {
    return List.of(LTV_TIER, ACTIVITY_LEVEL, SPENDING_POWER, SOCIAL_CIRCLE, LIFECYCLE, INTERESTS,
        PERSONAS);
  }

  /** Named bands on one measure, highest first; below every band: {@code otherwise}. */
  public record Bands(LinkedHashMap<String, Double> bands, String otherwise)
      implements Serializable {
    public Bands {
      String previousName = null;
      double previous = Double.POSITIVE_INFINITY;
      for (Map.Entry<String, Double> e : bands.entrySet()) {
        if (e.getValue() >= previous) {
          throw new ConfigException("band '" + e.getKey() + "' (min " + e.getValue()
              + ") overlaps band '" + previousName + "' (min " + previous
              + "); list bands from highest to lowest with distinct minimums");
        }
        previous = e.getValue();
        previousName = e.getKey();
      }
      if (bands.containsKey(otherwise)) {
        throw new ConfigException("'otherwise' must name the value below every band, distinct "
            + "from the bands");
      }
    }

    public List<String> names() {
      List<String> names = new ArrayList<>(bands.keySet());
      names.add(otherwise);
      return names;
    }
  }

  /** Followers from which a member is a head KOL, waist KOL or KOC (or KOC by 30-day shares). */
  public record SocialCircle(long headKolMinFollowers, long waistKolMinFollowers,
      long kocMinFollowers, @JsonProperty("koc_min_shares_30") long kocMinShares30)
      implements Serializable {
    public SocialCircle {
      if (!(headKolMinFollowers > waistKolMinFollowers
          && waistKolMinFollowers > kocMinFollowers)) {
        throw new ConfigException("follower thresholds must fall from head KOL to waist KOL to "
            + "KOC, got " + headKolMinFollowers + ", " + waistKolMinFollowers + ", "
            + kocMinFollowers);
      }
    }
  }

  public record Lifecycle(int newDays, int dormantDays, int churnedDays) implements Serializable {
    public Lifecycle {
      if (dormantDays >= churnedDays) {
        throw new ConfigException("dormant_days (" + dormantDays + ") must be below "
            + "churned_days (" + churnedDays + ")");
      }
    }
  }

  public record Interests(Map<String, Double> weights, double dwellPerMinute, int windowDays,
      double halfLifeDays, int topN) implements Serializable {
    public Interests {
      for (String type : weights.keySet()) {
        if (!SharedTables.COUNTED_TYPES.contains(type)) {
          throw ConfigException.at("weights", "unknown event type '" + type + "'");
        }
      }
    }
  }

  /** A persona and the tag values a member needs for it ({@code when: {tag: [values]}}). */
  public record Persona(String name, Map<String, List<String>> when) implements Serializable {

    /** As written in YAML, where a tag's one value may stand without a list. */
    @JsonCreator
    static Persona of(@JsonProperty("name") String name,
        @JsonProperty("when") Map<String, Object> when) {
      Map<String, List<String>> values = new LinkedHashMap<>();
      when.forEach((tag, v) -> values.put(tag, v instanceof List<?> list
          ? list.stream().map(String::valueOf).toList() : List.of(String.valueOf(v))));
      return new Persona(name, values);
    }
  }

  /** The tags a persona rule may test, each with the values it can take (empty: any). */
  static final Set<String> PERSONA_TAGS = Set.of("ltv_tier", "activity_level", "spending_power",
      "social_circle", "lifecycle_stage", "membership_tier", "top_topic");

  public static TagRules from(AppConfig config) {
    TagRules rules = new TagRules(config.get(LTV_TIER), config.get(ACTIVITY_LEVEL),
        config.get(SPENDING_POWER), config.get(SOCIAL_CIRCLE), config.get(LIFECYCLE),
        config.get(INTERESTS), config.get(PERSONAS));
    rules.checkPersonas();
    return rules;
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

  /** Each persona rule names known tags and values those tags can take. */
  private void checkPersonas() {
    Map<String, List<String>> known = tagValues();
    for (Persona p : personas) {
      for (Map.Entry<String, List<String>> c : p.when().entrySet()) {
        if (!known.containsKey(c.getKey())) {
          throw new ConfigException("config key 'tags.personas." + p.name() + "': unknown tag '"
              + c.getKey() + "' (known: " + String.join(", ", known.keySet()) + ")");
        }
        List<String> allowed = known.get(c.getKey());
        for (String v : c.getValue()) {
          if (!allowed.isEmpty() && !allowed.contains(v)) {
            throw new ConfigException("config key 'tags.personas." + p.name() + "': "
                + c.getKey() + " has no value '" + v + "' (values: " + String.join(", ", allowed)
                + ")");
          }
        }
      }
    }
  }
}
