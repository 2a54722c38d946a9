package com.community.analytics.jobs.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.community.analytics.common.spark.RowBuilder;
import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.jobs.features.ltv.LtvFitter;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The summaries the LTV models are fitted on: BG/NBD's exact under its row limit and binned by
 * members' means above it; Gamma-Gamma's on repeat purchase days.
 */
class LtvSummaryTest {
  private final SparkSession spark = SparkTestSession.get();
  private static final Date AS_OF = Date.valueOf("2026-11-21");

  private static final StructType STATE = new StructType()
      .add("as_of_date", DataTypes.DateType)
      .add("first_purchase_date", DataTypes.DateType)
      .add("last_purchase_date", DataTypes.DateType)
      .add("purchase_days", DataTypes.LongType)
      .add("orders", DataTypes.LongType)
      .add("gmv", DataTypes.createDecimalType(18, 2))
      .add("first_purchase_day_gmv", DataTypes.createDecimalType(18, 2));

  /** A buyer with x repeat days, recency tx and age T (days). */
  private static Row buyer(long x, int tx, int age) {
    return buyer(x, tx, age, x + 1, "10.00", "10.00");
  }

  /** A buyer with x repeat days over {@code orders} orders, total and first-day GMV. */
  private static Row buyer(long x, int tx, int age, long orders, String gmv, String firstDay) {
    LocalDate first = AS_OF.toLocalDate().minusDays(age);
    return RowBuilder.of(STATE).set("as_of_date", AS_OF)
        .set("first_purchase_date", Date.valueOf(first))
        .set("last_purchase_date", Date.valueOf(first.plusDays(tx))).set("purchase_days", x + 1)
        .set("orders", orders).set("gmv", new BigDecimal(gmv))
        .set("first_purchase_day_gmv", new BigDecimal(firstDay)).build();
  }

  /**
   * Gamma-Gamma in Fader, Hardie and Lee's convention: one-time buyers are not in the sample,
   * and m is the mean spend of the repeat purchase days (a day's orders summed, the first
   * purchase day left out), not the average order value.
   */
  @Test
  void spendSummaryHoldsReturningBuyersAndTheirRepeatDaysOnly() {
    var state = spark.createDataFrame(List.of(
        buyer(0, 0, 10, 2, "50.00", "50.00"),     // one day, two orders: not returning
        buyer(2, 5, 12, 4, "100.00", "40.00"),    // two orders on the first day: m = 60 / 2
        buyer(1, 3, 12, 4, "45.50", "20.00")),    // three orders on its repeat day: m = 25.5
        STATE);
    List<String> rows = new ArrayList<>();
    LtvScoring.spendSummary(state).get(AS_OF).stream()
        .sorted(Comparator.comparingDouble(LtvFitter.SpendRow::x))
        .forEach(r -> rows.add(r.x() + "," + r.m() + "," + r.weight()));
    assertEquals(List.of("1.0,25.5,1.0", "2.0,30.0,1.0"), rows);
  }

  private static List<String> rows(List<LtvFitter.BgNbdRow> summary) {
    List<String> out = new ArrayList<>();
    summary.stream().sorted(Comparator.comparingDouble(LtvFitter.BgNbdRow::x)
            .thenComparingDouble(LtvFitter.BgNbdRow::tx).thenComparingDouble(LtvFitter.BgNbdRow::T))
        .forEach(r -> out.add(r.x() + "," + r.tx() + "," + r.T() + "," + r.weight()));
    return out;
  }

  @Test
  void exactUnderTheLimitAndBinnedByMeansAbove() {
    List<Row> buyers = List.of(buyer(0, 0, 10), buyer(0, 0, 10), buyer(0, 0, 11),
        buyer(2, 5, 12), buyer(2, 6, 13), buyer(2, 20, 30));
    var state = spark.createDataFrame(buyers, STATE);

    assertEquals(List.of("0.0,0.0,10.0,2.0", "0.0,0.0,11.0,1.0", "2.0,5.0,12.0,1.0",
        "2.0,6.0,13.0,1.0", "2.0,20.0,30.0,1.0"),
        rows(LtvScoring.bgNbdSummary(state, 10).get(AS_OF)));

    // Five distinct rows over a limit of three: 2- and 3-day bins leave four, 5-day bins three
    // (ages 10 and 11 share a bin, as do recencies 5, 6 and ages 12, 13), at the members' means.
    assertEquals(List.of("0.0,0.0,10.333333333333334,3.0", "2.0,5.5,12.5,2.0",
        "2.0,20.0,30.0,1.0"), rows(LtvScoring.bgNbdSummary(state, 3).get(AS_OF)));
  }
}
