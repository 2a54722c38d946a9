package com.community.analytics.jobs.churn;

import static com.community.analytics.common.testing.SparkTestSession.assertDataFrameEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.community.analytics.common.catalog.SharedTables;
import com.community.analytics.common.testing.SparkTestSession;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

class ChurnFeaturesTest {
  private static final LocalDate C = LocalDate.of(2026, 10, 1);
  private final SparkSession spark = SparkTestSession.get();

  private static Row activity(String user, LocalDate day, long logins, long views) {
    List<Object> v = new ArrayList<>();
    for (StructField f : SharedTables.ACTIVITY_DAILY.schema().fields()) {
      switch (f.name()) {
        case "user_id" -> v.add(user);
        case "activity_date" -> v.add(Date.valueOf(day));
        case "is_active" -> v.add(true);
        case "events" -> v.add(logins + views);
        case "n_login" -> v.add(logins);
        case "n_content_view" -> v.add(views);
        case "gmv", "refund_amount" -> v.add(BigDecimal.ZERO.setScale(2));
        case "topic_engagement", "content_type_engagement" -> v.add(
            scala.collection.JavaConverters.mapAsScalaMap(Map.<String, Double>of()));
        case "membership_tier_set" -> v.add(null);
        default -> v.add(0L);
      }
    }
    return RowFactory.create(v.toArray());
  }

  private static Row state(String user, LocalDate lastActive, long active30) {
    List<Object> v = new ArrayList<>();
    for (StructField f : SharedTables.USER_STATE.schema().fields()) {
      switch (f.name()) {
        case "user_id" -> v.add(user);
        case "as_of_date" -> v.add(Date.valueOf(C));
        case "registered_date", "first_seen_date" -> v.add(Date.valueOf(C.minusDays(60)));
        case "last_active_date" -> v.add(Date.valueOf(lastActive));
        case "previous_active_gap_days", "first_purchase_date", "last_purchase_date" -> v.add(null);
        case "membership_tier" -> v.add("basic");
        case "active_days_30" -> v.add(active30);
        case "gmv_90", "gmv", "first_purchase_day_gmv", "refund_amount" ->
            v.add(BigDecimal.ZERO.setScale(2));
        default -> v.add(0L);
      }
    }
    return RowFactory.create(v.toArray());
  }

  private Dataset<Row> features(List<Row> activity) {
    Dataset<Row> state = spark.createDataFrame(List.of(state("stays", C, 3),
        state("leaves", C.minusDays(5), 2), state("long_gone", C.minusDays(40), 0)),
        SharedTables.USER_STATE.schema());
    Dataset<Row> cutoffs = spark.createDataFrame(List.of(RowFactory.create(Date.valueOf(C))),
        new org.apache.spark.sql.types.StructType().add("cutoff",
            org.apache.spark.sql.types.DataTypes.DateType));
    return ChurnFeatures.build(state, spark.createDataFrame(activity,
        SharedTables.ACTIVITY_DAILY.schema()), cutoffs);
  }

  @Test
  void eventsAfterTheCutoffChangeNoFeature() {
    List<Row> history = List.of(activity("stays", C, 2, 5), activity("stays", C.minusDays(10), 1,
        1), activity("leaves", C.minusDays(5), 1, 3), activity("stays", C.minusDays(100), 9, 9));
    List<Row> withFuture = new ArrayList<>(history);
    withFuture.add(activity("stays", C.plusDays(1), 50, 50));
    withFuture.add(activity("leaves", C.plusDays(20), 7, 7));
    Dataset<Row> before = features(history).orderBy("user_id");
    assertDataFrameEquals(before, features(withFuture).orderBy("user_id"));
    Row stays = before.where("user_id = 'stays'").first();
    assertEquals(2.0, stays.getDouble(stays.fieldIndex("n_login_7")));
    assertEquals(3.0, stays.getDouble(stays.fieldIndex("n_login_14")));
    assertEquals(3.0, stays.getDouble(stays.fieldIndex("n_login_90")), "day -100 is outside");
    assertEquals(0.0, stays.getDouble(stays.fieldIndex("recency_days")));
    assertEquals(2L, before.count(), "members inactive for 30 days are not scored");
  }

  @Test
  void labelsLookOnlyAtTheHorizonAfterTheCutoff() {
    List<Row> activity = List.of(activity("stays", C, 1, 1), activity("stays", C.plusDays(29),
        1, 0), activity("leaves", C.minusDays(5), 1, 0), activity("leaves", C.plusDays(31), 1, 0));
    Dataset<Row> f = features(activity);
    Map<String, Double> labels = new java.util.HashMap<>();
    for (Row r : ChurnFeatures.label(f, spark.createDataFrame(activity,
        SharedTables.ACTIVITY_DAILY.schema()), 30).collectAsList()) {
      labels.put(r.getString(r.fieldIndex("user_id")), r.getDouble(r.fieldIndex("label")));
    }
    assertEquals(Map.of("stays", 0.0, "leaves", 1.0), labels);
  }
}
