package com.community.analytics.jobs.kpi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.jobs.support.JobFixture;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KPI values and weekly cohort retention on a five-member fixture, against values computed by
 * hand. u1 and u2 register on Sunday 1 March, u3 on Monday 2 March; u4 registered earlier; u5
 * only receives a push (passive).
 */
class DailyKpisTest {
  private final SparkSession spark = SparkTestSession.get();

  @TempDir
  Path tmp;

  private static final StructType ACTIVITY = new StructType()
      .add("user_id", DataTypes.StringType).add("activity_date", DataTypes.DateType)
      .add("is_active", DataTypes.BooleanType).add("n_register", DataTypes.LongType)
      .add("n_content_view", DataTypes.LongType).add("n_click", DataTypes.LongType)
      .add("n_like", DataTypes.LongType).add("n_comment", DataTypes.LongType)
      .add("n_collect", DataTypes.LongType).add("n_share", DataTypes.LongType)
      .add("n_post", DataTypes.LongType).add("original_posts", DataTypes.LongType)
      .add("n_push_sent", DataTypes.LongType).add("n_push_open", DataTypes.LongType)
      .add("n_purchase", DataTypes.LongType).add("gmv", DataTypes.createDecimalType(18, 2))
      .add("n_complaint", DataTypes.LongType);

  /** An active member-day with nothing else counted. */
  private static Object[] day(String user, int march) {
    return new Object[] {user, Date.valueOf(LocalDate.of(2026, 3, march)), true, 0L, 0L, 0L,
        0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, BigDecimal.ZERO.setScale(2), 0L};
  }

  private static Object[] set(Object[] row, String column, Object value) {
    row[ACTIVITY.fieldIndex(column)] = value;
    return row;
  }

  private Dataset<Row> activity() {
    List<Object[]> rows = new ArrayList<>();
    rows.add(set(day("u1", 1), "n_register", 1L));
    rows.add(day("u1", 2));
    rows.add(day("u1", 8));
    rows.add(set(day("u2", 1), "n_register", 1L));
    rows.add(day("u2", 3));
    rows.add(set(day("u3", 2), "n_register", 1L));
    rows.add(day("u3", 3));
    Object[] u3 = day("u3", 9);
    set(u3, "n_content_view", 4L);
    set(u3, "n_click", 2L);
    set(u3, "n_like", 1L);
    set(u3, "n_share", 1L);
    set(u3, "n_post", 2L);
    set(u3, "original_posts", 1L);
    rows.add(u3);
    Object[] u4 = day("u4", 9);
    set(u4, "n_purchase", 1L);
    set(u4, "gmv", new BigDecimal("100.00"));
    set(u4, "n_complaint", 2L);
    set(u4, "n_push_sent", 1L);
    set(u4, "n_push_open", 1L);
    rows.add(u4);
    Object[] u5 = set(day("u5", 9), "is_active", false);
    set(u5, "n_push_sent", 1L);
    rows.add(u5);
    return spark.createDataFrame(rows.stream().map(RowFactory::create).toList(), ACTIVITY);
  }

  private Dataset<Row> orders() {
    StructType schema = new StructType().add("event_type", DataTypes.StringType)
        .add("order_id", DataTypes.StringType).add("event_date", DataTypes.DateType)
        .add("amount", DataTypes.createDecimalType(18, 2))
        .add("properties", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
    Date d = Date.valueOf("2026-03-09");
    return spark.createDataFrame(List.of(
        RowFactory.create("purchase", "o1", d, new BigDecimal("100.00"), null),
        RowFactory.create("coupon_redeem", "o1", d, null,
            scala.collection.immutable.Map$.MODULE$.<String, String>empty()
                .updated("coupon_cost", "10")),
        RowFactory.create("coupon_redeem", "o2", d, null,
            scala.collection.immutable.Map$.MODULE$.<String, String>empty()
                .updated("coupon_cost", "5")),
        RowFactory.create("coupon_redeem", "o3", d, null,
            scala.collection.immutable.Map$.MODULE$.<String, String>empty()
                .updated("coupon_cost", "n/a"))), schema);
  }

  private KpiSettings settings() {
    return KpiSettings.from(new JobFixture(tmp).config(Map.of()));
  }

  private Map<String, Double> values(LocalDate date) {
    Map<String, Double> out = new TreeMap<>();
    for (Row r : DailyKpis.values(activity(), orders(), settings(), date, date)
        .collectAsList()) {
      out.put(r.getString(1), r.isNullAt(2) ? null : r.getDouble(2));
    }
    return out;
  }

  @Test
  void kpisOfADayMatchTheHandComputedValues() {
    Map<String, Double> expected = new TreeMap<>();
    expected.put("dau", 2.0);                    // u3, u4 (u5 only received a push)
    expected.put("mau", 4.0);                    // u1..u4 within the 30 days to 9 March
    expected.put("stickiness", 0.5);
    expected.put("new_members", 0.0);
    expected.put("day1_retention", null);        // nobody registered on 8 March
    expected.put("day7_retention", 1.0);         // u3 (2 March) active on 9 March
    expected.put("interaction_rate", 0.5);       // like + share over 4 views; clicks are not
    expected.put("originality_rate", 0.5);
    expected.put("push_open_rate", 0.5);         // 1 open of 2 sends
    expected.put("conversion_rate", 0.5);        // u4 of 2 active
    expected.put("gmv", 100.0);
    expected.put("arpu", 50.0);
    expected.put("complaints", 2.0);
    expected.put("coupon_roi", 100.0 / 15.0);    // o1's GMV over the cost of o1 and o2
    Map<String, Double> actual = values(LocalDate.of(2026, 3, 9));
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((kpi, v) -> {
      if (v == null) {
        assertEquals(null, actual.get(kpi), kpi);
      } else {
        assertEquals(v, actual.get(kpi), 1e-12, kpi);
      }
    });
  }

  @Test
  void dayOneAndDaySevenRetentionOfTheCohortsThatJoinedOneAndSevenDaysEarlier() {
    assertEquals(0.5, values(LocalDate.of(2026, 3, 2)).get("day1_retention"), 1e-12);
    assertEquals(1.0, values(LocalDate.of(2026, 3, 3)).get("day1_retention"), 1e-12);
    assertEquals(0.5, values(LocalDate.of(2026, 3, 8)).get("day7_retention"), 1e-12);
    Map<String, Double> first = values(LocalDate.of(2026, 3, 1));
    assertEquals(2.0, first.get("new_members"));
    assertEquals(1.0, first.get("stickiness"), 1e-12, "DAU = MAU = {u1, u2}");
  }

  @Test
  void weeklyCohortsByWeeksSinceJoining() {
    Dataset<Row> asOf = spark.createDataFrame(List.of(
        RowFactory.create(Date.valueOf("2026-03-08")),
        RowFactory.create(Date.valueOf("2026-03-09"))),
        new StructType().add("as_of_date", DataTypes.DateType));
    List<Row> actual = CohortRetention.asOf(activity(), asOf, 12)
        .select("as_of_date", "cohort_week", "weeks_since_joining", "cohort_size",
            "retained_members", "retention_rate", "week_complete")
        .orderBy("as_of_date", "cohort_week", "weeks_since_joining").collectAsList();
    // Cohort of week 23 Feb (u1, u2 on Sunday 1 March) and of week 2 March (u3).
    Date feb23 = Date.valueOf("2026-02-23");
    Date mar2 = Date.valueOf("2026-03-02");
    Date d8 = Date.valueOf("2026-03-08");
    Date d9 = Date.valueOf("2026-03-09");
    List<Row> expected = List.of(
        RowFactory.create(d8, feb23, 0, 2L, 2L, 1.0, true),
        RowFactory.create(d8, feb23, 1, 2L, 2L, 1.0, true),
        RowFactory.create(d8, mar2, 0, 1L, 1L, 1.0, true),
        RowFactory.create(d9, feb23, 0, 2L, 2L, 1.0, true),
        RowFactory.create(d9, feb23, 1, 2L, 2L, 1.0, true),
        RowFactory.create(d9, feb23, 2, 2L, 0L, 0.0, false),
        RowFactory.create(d9, mar2, 0, 1L, 1L, 1.0, true),
        RowFactory.create(d9, mar2, 1, 1L, 1L, 1.0, false));
    assertEquals(expected.toString(), actual.toString());
  }
}
