package com.community.analytics.jobs.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.community.analytics.common.testing.SparkTestSession;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A member-day's engagement maps from crafted events, by hand: each content event weighs its
 * configured weight (a view also its dwell minutes times the per-minute weight), summed per
 * topic and per content type of the content touched; passive events and events on unknown
 * content weigh nothing, and a member-day without content gets empty maps.
 */
class ActivityDailyTest {
  private final SparkSession spark = SparkTestSession.get();

  private static Row event(String user, String day, String type, String content, Long dwell) {
    Map<String, String> properties = dwell == null ? Map.of() : Map.of("dwell_ms", "" + dwell);
    return RowFactory.create(user, Date.valueOf(day), Timestamp.valueOf(day + " 10:00:00"), type,
        content, "s-" + user, type.equals("purchase") ? new BigDecimal("12.50") : null,
        scala.collection.JavaConverters.mapAsScalaMap(properties));
  }

  @Test
  void engagementMapsWeighEachContentEventByTopicAndContentType() {
    Dataset<Row> events = spark.createDataFrame(List.of(
        event("u1", "2026-03-01", "content_view", "c1", 120_000L),
        event("u1", "2026-03-01", "like", "c1", null),
        event("u1", "2026-03-01", "comment", "c2", null),
        event("u1", "2026-03-01", "like", "unknown", null),
        event("u1", "2026-03-01", "login", null, null),
        event("u1", "2026-03-02", "content_view", "c3", 60_000L),
        event("u2", "2026-03-01", "login", null, null),
        event("u2", "2026-03-01", "purchase", null, null)), new StructType()
        .add("user_id", DataTypes.StringType).add("event_date", DataTypes.DateType)
        .add("event_time", DataTypes.TimestampType).add("event_type", DataTypes.StringType)
        .add("content_id", DataTypes.StringType).add("session_id", DataTypes.StringType)
        .add("amount", DataTypes.createDecimalType(18, 2))
        .add("properties", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType)));
    Dataset<Row> content = spark.createDataFrame(List.of(
        RowFactory.create("c1", "food", "video"), RowFactory.create("c2", "food", "article"),
        RowFactory.create("c3", "travel", "video")), new StructType()
        .add("content_id", DataTypes.StringType).add("topic", DataTypes.StringType)
        .add("content_type", DataTypes.StringType));
    TagRules.Interests weights = new TagRules.Interests(Map.of("content_view", 1.0, "like", 2.0,
        "comment", 3.0), 0.5, 30, 14, 3);

    Map<String, Row> byDay = new HashMap<>();
    for (Row r : ActivityDaily.aggregate(events, content, Set.of("login"), weights)
        .collectAsList()) {
      byDay.put(r.getAs("user_id") + " " + r.getAs("activity_date"), r);
    }
    assertEquals(Set.of("u1 2026-03-01", "u1 2026-03-02", "u2 2026-03-01"), byDay.keySet());
    // c1: view 1 + 2 minutes x 0.5, like 2; c2: comment 3; the like on unknown content: nothing.
    assertEquals(Map.of("food", 7.0), engagement(byDay.get("u1 2026-03-01"), "topic"));
    assertEquals(Map.of("video", 4.0, "article", 3.0),
        engagement(byDay.get("u1 2026-03-01"), "content_type"));
    assertEquals(Map.of("travel", 1.5), engagement(byDay.get("u1 2026-03-02"), "topic"));
    assertEquals(Map.of("video", 1.5), engagement(byDay.get("u1 2026-03-02"), "content_type"));
    assertEquals(Map.of(), engagement(byDay.get("u2 2026-03-01"), "topic"));
    assertEquals(Map.of(), engagement(byDay.get("u2 2026-03-01"), "content_type"));
    assertEquals(5L, (long) byDay.get("u1 2026-03-01").getAs("events"));
    assertEquals(new BigDecimal("12.50"), byDay.get("u2 2026-03-01").getAs("gmv"));
  }

  private static Map<String, Double> engagement(Row r, String dimension) {
    return new HashMap<>(scala.collection.JavaConverters.mapAsJavaMap(
        r.<scala.collection.Map<String, Double>>getAs(dimension + "_engagement")));
  }
}
