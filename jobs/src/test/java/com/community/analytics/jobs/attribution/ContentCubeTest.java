package com.community.analytics.jobs.attribution;

import static com.community.analytics.jobs.attribution.AttributionTables.ALL;
import static com.community.analytics.jobs.attribution.AttributionTables.DIMENSIONS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.testing.SparkTestSession;
import java.sql.Date;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The cube's unique viewers at each of the 16 levels against a count of the distinct viewing
 * members made here, on seeded random touches: members who view under several time slots,
 * channels and content types (a null type included) on two dates, with a persona per member
 * and date. Unique viewers do not add up over a level's cells, so no other test sees them.
 */
class ContentCubeTest {
  private final SparkSession spark = SparkTestSession.get();

  private static final String[] PERSONAS = {"p1", "p2", "p3"};
  private static final String[] SLOTS = {"morning", "noon", "evening"};
  private static final String[] CHANNELS = {"feed", "search", "push"};
  private static final String[] TYPES = {"live", "qa", null};
  private static final String[] KINDS = {"content_view", "content_view", "like", "share"};

  @Test
  void uniqueViewersAtEveryLevelAreTheDistinctViewingMembers() {
    SplittableRandom rng = new SplittableRandom(7);
    List<Row> touches = new ArrayList<>();
    for (Date day : new Date[] {Date.valueOf("2026-03-01"), Date.valueOf("2026-03-02")}) {
      for (int u = 0; u < 60; u++) {
        String persona = PERSONAS[rng.nextInt(PERSONAS.length)];
        int n = rng.nextInt(6);
        for (int k = 0; k < n; k++) {
          touches.add(RowFactory.create(day, "u" + u, persona, SLOTS[rng.nextInt(SLOTS.length)],
              CHANNELS[rng.nextInt(CHANNELS.length)], TYPES[rng.nextInt(TYPES.length)],
              "c" + rng.nextInt(5), KINDS[rng.nextInt(KINDS.length)], 1000L));
        }
      }
    }
    Dataset<Row> touchRows = spark.createDataFrame(touches, new StructType()
        .add("touch_date", DataTypes.DateType).add("user_id", DataTypes.StringType)
        .add("persona", DataTypes.StringType).add("time_slot", DataTypes.StringType)
        .add("channel", DataTypes.StringType).add("content_type", DataTypes.StringType)
        .add("content_id", DataTypes.StringType).add("touch_type", DataTypes.StringType)
        .add("dwell_ms", DataTypes.LongType));
    Dataset<Row> credits = spark.createDataFrame(List.of(), new StructType()
        .add("conversion_date", DataTypes.DateType).add("user_id", DataTypes.StringType)
        .add("persona", DataTypes.StringType).add("time_slot", DataTypes.StringType)
        .add("channel", DataTypes.StringType).add("content_type", DataTypes.StringType)
        .add("content_id", DataTypes.StringType).add("model", DataTypes.StringType)
        .add("credit", DataTypes.DoubleType).add("credited_gmv", DataTypes.DoubleType));

    // The members who viewed, per date, level (rolled-up dimensions) and cell of that level.
    Map<String, Set<String>> expected = new HashMap<>();
    for (Row t : touches) {
      if (!t.getString(7).equals("content_view")) {
        continue;
      }
      for (int mask = 0; mask < 1 << DIMENSIONS.size(); mask++) {
        List<String> rolled = new ArrayList<>();
        List<String> cell = new ArrayList<>();
        for (int i = 0; i < DIMENSIONS.size(); i++) {
          boolean up = (mask & 1 << i) != 0;
          if (up) {
            rolled.add(DIMENSIONS.get(i));
          }
          cell.add(up ? ALL : t.getString(2 + i));
        }
        expected.computeIfAbsent(t.getDate(0) + "|" + String.join(",", rolled) + "|" + cell,
            key -> new HashSet<>()).add(t.getString(1));
      }
    }

    Map<String, Long> found = new HashMap<>();
    for (Row r : ContentCube.cube(touchRows, credits).collectAsList()) {
      List<String> cell = new ArrayList<>();
      for (String d : DIMENSIONS) {
        cell.add(r.getAs(d));
      }
      found.put(r.getAs("date") + "|" + r.getAs("rolled_up") + "|" + cell,
          ((Number) r.getAs("unique_viewers")).longValue());
    }
    Map<String, Long> expectedCounts = new HashMap<>();
    expected.forEach((key, members) -> expectedCounts.put(key, (long) members.size()));
    // Cells with touches but no view have no viewers; every cell with a view is in the cube.
    found.values().removeIf(n -> n == 0);
    assertEquals(expectedCounts, found);
    assertTrue(expectedCounts.keySet().stream().anyMatch(k -> k.contains("|persona,")),
        "levels over personas were checked");
    assertTrue(expectedCounts.values().stream().anyMatch(n -> n > 20), "levels over personas "
        + "where members viewed in several cells");
  }
}
