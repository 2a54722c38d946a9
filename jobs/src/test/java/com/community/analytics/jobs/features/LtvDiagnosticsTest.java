package com.community.analytics.jobs.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.catalog.SharedTables;
import com.community.analytics.common.spark.RowBuilder;
import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.jobs.features.ltv.BgNbd;
import com.community.analytics.jobs.features.ltv.GammaGamma;
import com.community.analytics.jobs.features.ltv.LtvFitter;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * What the LTV diagnostics and predictions say: the frequency x recency grid behaves as
 * BG/NBD must, and each member's 12-month CLV splits by month with the spend of the published
 * Gamma-Gamma convention (one-time buyers at the population mean).
 */
class LtvDiagnosticsTest {
  private static final BgNbd CDNOW = new BgNbd(0.243, 4.414, 0.793, 2.426);
  private static final GammaGamma SPEND = new GammaGamma(6.2488, 3.7446, 15.4477);
  private static final Date AS_OF = Date.valueOf("2026-11-21");

  @Test
  void theFrequencyRecencyGridCoversEveryHistoryAtTheOldestAge() {
    List<Row> grid = LtvDiagnostics.frequencyRecency(AS_OF, CDNOW, List.of(
        new LtvFitter.BgNbdRow(3, 20, 39, 5), new LtvFitter.BgNbdRow(0, 0, 30, 2)));
    // x = 0 at recency 0; x = 1, 2, 3 from recency x to the oldest age, 39, in steps of one.
    assertEquals(1 + 39 + 38 + 37, grid.size());
    Map<String, Row> cell = new HashMap<>();
    for (Row r : grid) {
      assertEquals(39L, r.<Long>getAs("age_days"));
      cell.put(r.getAs("frequency") + "," + r.getAs("recency_days"), r);
    }
    assertEquals(1.0, cell.get("0,0").<Double>getAs("probability_alive"), 1e-12,
        "no repeat purchase: no chance to have dropped out");
    assertTrue(alive(cell, "2,39") > alive(cell, "2,10"), "a recent buyer is likelier alive");
    assertTrue(expected(cell, "3,39") > expected(cell, "1,39"), "more purchases, more ahead");
    assertEquals(CDNOW.probabilityAlive(2, 10, 39), alive(cell, "2,10"), 1e-12);
  }

  /** Every frequency shares the recency columns (so the grid charts as a matrix). */
  @Test
  void theGridsColumnsLineUpAcrossFrequencies() {
    List<Row> grid = LtvDiagnostics.frequencyRecency(AS_OF, CDNOW, List.of(
        new LtvFitter.BgNbdRow(4, 60, 90, 1)));
    Map<Long, java.util.TreeSet<Long>> recencies = new HashMap<>();
    for (Row r : grid) {
      recencies.computeIfAbsent(r.getAs("frequency"), k -> new java.util.TreeSet<>())
          .add(r.getAs("recency_days"));
    }
    // Age 90 in steps of 3: 0, 3, ..., 87 and 90 itself, each frequency from its own value on.
    assertEquals(java.util.Set.of(0L), recencies.get(0L));
    assertEquals(recencies.get(3L), recencies.get(2L).tailSet(3L));
    assertEquals(3L, recencies.get(1L).first());
    assertEquals(90L, recencies.get(4L).last());
    assertEquals(29, recencies.get(4L).size(), "6, 9, ..., 87 (28 columns) and 90");
  }

  private static double alive(Map<String, Row> cell, String key) {
    return cell.get(key).getAs("probability_alive");
  }

  private static double expected(Map<String, Row> cell, String key) {
    return cell.get(key).getAs("expected_purchases_30");
  }

  @Test
  void theClvSplitsByMonthAndOneTimeBuyersSpendThePopulationMean() {
    LocalDate first = AS_OF.toLocalDate().minusDays(60);
    List<Row> state = List.of(
        buyer("once", first, first, 1, "40.00", "40.00"),
        buyer("twice", first, first.plusDays(30), 3, "100.00", "30.00"));
    Map<String, Row> byMember = new HashMap<>();
    for (Row r : LtvScoring.predict(SparkTestSession.get().createDataFrame(state,
            SharedTables.USER_STATE.schema()),
        Map.of(AS_OF, new LtvScoring.Models(CDNOW, SPEND, AS_OF)), 0.01).collectAsList()) {
      byMember.put(r.getAs("user_id"), r);
    }
    Row once = byMember.get("once");
    assertNull(once.getAs("monetary_value"));
    assertEquals(SPEND.populationMean(), once.<Double>getAs("expected_spend"), 1e-12);
    Row twice = byMember.get("twice");
    assertEquals(35.0, twice.<Double>getAs("monetary_value"), 1e-12, "(100 - 30) / 2");
    assertEquals(SPEND.expectedSpend(2, 35.0), twice.<Double>getAs("expected_spend"), 1e-12);
    for (Row r : byMember.values()) {
      List<Double> months = r.getList(r.fieldIndex("clv_by_month"));
      assertEquals(12, months.size());
      assertEquals(r.<Double>getAs("predicted_clv_12m"),
          months.stream().mapToDouble(Double::doubleValue).sum(), 1e-9);
      assertTrue(months.get(0) > months.get(11), "discounted, and fewer alive later");
    }
  }

  private static Row buyer(String id, LocalDate first, LocalDate last, long days, String gmv,
      String firstDay) {
    return RowBuilder.of(SharedTables.USER_STATE.schema()).set("user_id", id)
        .set("as_of_date", AS_OF).set("first_purchase_date", Date.valueOf(first))
        .set("last_purchase_date", Date.valueOf(last)).set("purchase_days", days)
        .set("orders", days).set("gmv", new BigDecimal(gmv))
        .set("first_purchase_day_gmv", new BigDecimal(firstDay))
        .set("refund_amount", new BigDecimal("0.00")).build();
  }
}
