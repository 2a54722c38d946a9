package com.community.analytics.jobs.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.jobs.support.JobFixture;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each model's credits on a crafted three-touch journey, and a purchase with no touch; the
 * Shapley split when a channel's value is negative.
 */
class CreditsTest {
  private final SparkSession spark = SparkTestSession.get();

  @TempDir
  Path tmp;

  private static Timestamp at(int hour) {
    return Timestamp.valueOf("2026-03-01 " + (hour < 10 ? "0" : "") + hour + ":00:00");
  }

  /**
   * Every model's credits, by "conversion/model", per touch index (1-based), on the journey
   * A, B, A of member u1 (purchase c1 at noon) and the purchase c2 of u2 with no touch; the
   * chain gives A and B the removal effects and Shapley values {@code chain} holds.
   */
  private Map<String, double[]> credits(double[] removalEffects, double[] shapleyValues) {
    AttributionSettings s = AttributionSettings.from(new JobFixture(tmp).config(
        Map.of("attribution.time_decay_half_life_hours", "1")));
    Date day = Date.valueOf("2026-03-01");
    StructType touchSchema = new StructType().add("touch_event_id", DataTypes.StringType)
        .add("user_id", DataTypes.StringType).add("touch_time", DataTypes.TimestampType)
        .add("touch_date", DataTypes.DateType).add("touch_type", DataTypes.StringType)
        .add("content_id", DataTypes.StringType).add("channel", DataTypes.StringType)
        .add("content_type", DataTypes.StringType).add("time_slot", DataTypes.StringType)
        .add("conversion_id", DataTypes.StringType).add("persona", DataTypes.StringType);
    Dataset<Row> touches = spark.createDataFrame(List.of(
        RowFactory.create("t1", "u1", at(9), day, "content_view", "x", "A", "live", "morning",
            "c1", "p"),
        RowFactory.create("t2", "u1", at(10), day, "click", "x", "B", "live", "morning", "c1",
            "p"),
        RowFactory.create("t3", "u1", at(11), day, "like", "y", "A", "qa", "noon", "c1", "p"),
        RowFactory.create("t4", "u2", at(8), day, "content_view", "y", "A", "qa", "morning",
            null, "p")), touchSchema);
    Dataset<Row> conversions = spark.createDataFrame(List.of(
        RowFactory.create("c1", "o1", "u1", at(12), day, 100.0, "noon", "p"),
        RowFactory.create("c2", "o2", "u2", at(13), day, 50.0, "afternoon", "q")),
        new StructType().add("conversion_id", DataTypes.StringType)
            .add("order_id", DataTypes.StringType).add("user_id", DataTypes.StringType)
            .add("conversion_time", DataTypes.TimestampType)
            .add("conversion_date", DataTypes.DateType).add("amount", DataTypes.DoubleType)
            .add("conversion_slot", DataTypes.StringType).add("persona", DataTypes.StringType));
    Dataset<Row> effects = spark.createDataFrame(List.of(
            RowFactory.create(day, "A", removalEffects[0], shapleyValues[0]),
            RowFactory.create(day, "B", removalEffects[1], shapleyValues[1])), new StructType()
        .add("period_end", DataTypes.DateType).add("state", DataTypes.StringType)
        .add("removal_effect", DataTypes.DoubleType).add("shapley_value", DataTypes.DoubleType));

    Map<String, double[]> credits = new HashMap<>();
    for (Row r : Credits.compute(touches, conversions, effects, "channel", s).collectAsList()) {
      String key = r.getString(r.fieldIndex("conversion_id")) + "/"
          + r.getString(r.fieldIndex("model"));
      double[] c = credits.computeIfAbsent(key, k -> new double[4]);
      c[r.getInt(r.fieldIndex("touch_index"))] = r.getDouble(r.fieldIndex("credit"));
      if (key.startsWith("c2")) {
        assertEquals(AttributionTables.NO_TOUCH, r.getString(r.fieldIndex("channel")));
        assertEquals(50.0, r.getDouble(r.fieldIndex("credited_gmv")), 1e-12);
      }
    }
    return credits;
  }

  @Test
  void everyModelOnAThreeTouchJourneyAndANoTouchPurchase() {
    Map<String, double[]> credits = credits(new double[] {0.5, 1.0}, new double[] {0.1, 0.3});
    assertCredits(credits.get("c1/first_touch"), 1, 0, 0);
    assertCredits(credits.get("c1/last_touch"), 0, 0, 1);
    assertCredits(credits.get("c1/linear"), 1.0 / 3, 1.0 / 3, 1.0 / 3);
    // 3, 2 and 1 hours before the purchase, half-life 1 hour: weights 1/8, 1/4, 1/2.
    assertCredits(credits.get("c1/time_decay"), 1.0 / 7, 2.0 / 7, 4.0 / 7);
    assertCredits(credits.get("c1/position_based"), 0.4, 0.2, 0.4);
    // Removal effects A 0.5, B 1.0 over the touches A, B, A.
    assertCredits(credits.get("c1/markov"), 0.25, 0.5, 0.25);
    // Shapley values A 0.1, B 0.3 over the touches A, B, A.
    assertCredits(credits.get("c1/shapley"), 0.2, 0.6, 0.2);
    for (String m : AttributionTables.MODELS) {
      assertEquals(1.0, credits.get("c2/" + m)[0], 1e-12, m + ": the no-touch purchase");
    }
    assertEquals(14, credits.size());
  }

  /**
   * A channel whose presence lowers the conversion rate (a negative Shapley value) gets no
   * share of a journey; a journey of such channels only is split evenly, as one whose channels
   * all have no value.
   */
  @Test
  void aNegativeShapleyValueEarnsNoCredit() {
    assertCredits(credits(new double[] {0.5, 1.0}, new double[] {-0.2, 0.3}).get("c1/shapley"),
        0, 1, 0);
    assertCredits(credits(new double[] {0.5, 1.0}, new double[] {-0.2, -0.1}).get("c1/shapley"),
        1.0 / 3, 1.0 / 3, 1.0 / 3);
  }

  private static void assertCredits(double[] actual, double... expected) {
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i + 1], 1e-12, "touch " + (i + 1));
    }
  }
}
