package com.community.analytics.jobs.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.jobs.features.ltv.LtvFitter;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The BG/NBD summary: exact under its row limit, binned by members' means above it. */
class LtvSummaryTest {
  private final SparkSession spark = SparkTestSession.get();
  private static final Date AS_OF = Date.valueOf("2026-11-21");

  private static final StructType STATE = new StructType()
      .add("as_of_date", DataTypes.DateType)
      .add("first_purchase_date", DataTypes.DateType)
      .add("last_purchase_date", DataTypes.DateType)
      .add("purchase_days", DataTypes.LongType);

  /** A buyer with x repeat days, recency tx and age T (days). */
  private static Row buyer(long x, int tx, int age) {
    java.time.LocalDate first = AS_OF.toLocalDate().minusDays(age);
    return RowFactory.create(AS_OF, Date.valueOf(first), Date.valueOf(first.plusDays(tx)),
        x + 1);
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
