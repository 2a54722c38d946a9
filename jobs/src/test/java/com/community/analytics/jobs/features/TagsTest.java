package com.community.analytics.jobs.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.community.analytics.common.catalog.SharedTables;
import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.common.testing.TestConfigs;
import com.community.analytics.jobs.Main;
import com.community.analytics.jobs.support.JobFixture;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TagsTest {
  private static final LocalDate D = LocalDate.of(2026, 3, 31);
  private final SparkSession spark = SparkTestSession.get();

  @TempDir
  Path dir;

  private TagRules rules(String override) {
    Path file = TestConfigs.write(dir, "include: [" + JobFixture.TAGS + "]\n" + override);
    return TagRules.from(TestConfigs.load(Main.runner().schema(), file, Map.of()));
  }

  /** A state row: defaults for a quiet basic member, then the given columns. */
  private static Row state(String user, Map<String, Object> values) {
    Map<String, Object> v = new TreeMap<>();
    v.put("user_id", user);
    v.put("as_of_date", Date.valueOf(D));
    v.put("registered_date", Date.valueOf(D.minusDays(100)));
    v.put("first_seen_date", Date.valueOf(D.minusDays(100)));
    v.put("last_active_date", Date.valueOf(D));
    v.put("previous_active_gap_days", 1);
    for (String c : List.of("active_days", "active_days_7", "active_days_30", "active_days_90",
        "events_30", "interactions_30", "shares_30", "push_sent_30", "push_open_30",
        "purchase_days", "orders", "refunds", "complaints", "posts", "original_posts",
        "follower_count")) {
      v.put(c, 0L);
    }
    for (String c : List.of("gmv_90", "gmv", "refund_amount")) {
      v.put(c, BigDecimal.ZERO.setScale(2));
    }
    v.put("membership_tier", "basic");
    v.putAll(values);
    List<Object> row = new ArrayList<>();
    for (StructField f : SharedTables.USER_STATE.schema().fields()) {
      row.add(v.get(f.name()));
    }
    return RowFactory.create(row.toArray());
  }

  private Map<String, Row> tag(List<Row> states, List<Row> activity, TagRules rules) {
    Dataset<Row> state = spark.createDataFrame(states, SharedTables.USER_STATE.schema());
    Dataset<Row> ltv = spark.createDataFrame(List.of(), FeatureTables.USER_LTV.schema());
    Dataset<Row> act = spark.createDataFrame(activity, SharedTables.ACTIVITY_DAILY.schema());
    return Tags.tag(state, ltv, act, rules).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r));
  }

  private static String tagOf(Map<String, Row> tags, String user, String column) {
    Row r = tags.get(user);
    return r.getString(r.fieldIndex(column));
  }

  private static Row activity(String user, LocalDate day, Map<String, Double> topics) {
    List<Object> row = new ArrayList<>();
    for (StructField f : SharedTables.ACTIVITY_DAILY.schema().fields()) {
      switch (f.name()) {
        case "user_id" -> row.add(user);
        case "activity_date" -> row.add(Date.valueOf(day));
        case "is_active" -> row.add(true);
        case "gmv", "refund_amount" -> row.add(BigDecimal.ZERO.setScale(2));
        case "topic_engagement" -> row.add(scala.collection.JavaConverters.mapAsScalaMap(topics));
        case "content_type_engagement" -> row.add(scala.collection.JavaConverters.mapAsScalaMap(
            Map.<String, Double>of()));
        case "membership_tier_set" -> row.add(null);
        default -> row.add(0L);
      }
    }
    return RowFactory.create(row.toArray());
  }

  @Test
  void lifecycleSocialCircleAndInterestsFollowTheRules() {
    List<Row> states = List.of(
        state("new", Map.of("registered_date", Date.valueOf(D.minusDays(3)))),
        state("active", Map.of()),
        state("back", Map.of("previous_active_gap_days", 12)),
        state("dormant", Map.of("last_active_date", Date.valueOf(D.minusDays(10)))),
        state("gone", Map.of("last_active_date", Date.valueOf(D.minusDays(40)))),
        state("star", Map.of("follower_count", 600_000L)),
        state("waist", Map.of("follower_count", 200_000L)),
        state("sharer", Map.of("shares_30", 20L)));
    List<Row> activity = List.of(
        activity("active", D, Map.of("food", 10.0)),
        activity("active", D.minusDays(20), Map.of("tech", 30.0)),
        activity("active", D.minusDays(40), Map.of("pets", 1000.0)));
    Map<String, Row> tags = tag(states, activity, rules(""));
    assertEquals("new", tagOf(tags, "new", "lifecycle_stage"));
    assertEquals("active", tagOf(tags, "active", "lifecycle_stage"));
    assertEquals("resurrected", tagOf(tags, "back", "lifecycle_stage"));
    assertEquals("dormant", tagOf(tags, "dormant", "lifecycle_stage"));
    assertEquals("churned", tagOf(tags, "gone", "lifecycle_stage"));
    assertEquals("head_kol", tagOf(tags, "star", "social_circle"));
    assertEquals("core_kol", tagOf(tags, "star", "persona"));
    assertEquals("waist_kol", tagOf(tags, "waist", "social_circle"));
    assertEquals("koc", tagOf(tags, "sharer", "social_circle"));
    assertEquals("ordinary", tagOf(tags, "active", "social_circle"));
    assertEquals("newcomer", tagOf(tags, "new", "persona"));
    Row active = tags.get("active");
    // food 10 today beats tech 30 twenty days ago (half-life 7: 30 * 0.5^(20/7) = 4.1);
    // pets is outside the 30-day window.
    assertEquals(List.of("food", "tech"), active.getList(active.fieldIndex("top_topics")));
    assertEquals(4.1, active.<String, Double>getJavaMap(active.fieldIndex("topic_scores"))
        .get("tech"), 0.05);
  }

  @Test
  void changingAThresholdInConfigChangesTheTags() {
    List<Row> states = List.of(state("m", Map.of("active_days_30", 5L)));
    assertEquals("medium", tagOf(tag(states, List.of(), rules("")), "m", "activity_level"));
    TagRules stricter = rules("tags:\n  activity_level:\n    bands: {high: 3, medium: 2, low: 1}"
        + "\n    otherwise: silent\n");
    Map<String, Row> tags = tag(states, List.of(), stricter);
    assertEquals("high", tagOf(tags, "m", "activity_level"));
    TagRules longerNew = rules("tags:\n  lifecycle: {new_days: 200, dormant_days: 7, "
        + "churned_days: 30}\n");
    assertEquals("new", tagOf(tag(states, List.of(), longerNew), "m", "lifecycle_stage"));
  }
}
