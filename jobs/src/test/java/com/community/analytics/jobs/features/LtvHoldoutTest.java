package com.community.analytics.jobs.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.jobs.features.ltv.BgNbd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The calibration/holdout check sums, per frequency bucket and per day of the holdout, every
 * member's predicted repeat purchase days and what the member did, although it predicts each
 * purchase history once; the frequency x recency grid and the monthly CLV say what they should.
 */
class LtvHoldoutTest {
  private final SparkSession spark = SparkTestSession.get();

  private static final StructType COMPARED = new StructType()
      .add("frequency", DataTypes.LongType).add("recency_days", DataTypes.LongType)
      .add("age_days", DataTypes.LongType).add("purchase_days", DataTypes.LongType)
      .add("purchase_days_end", DataTypes.LongType);

  @Test
  void bucketsHoldEveryMembersPredictionAndOutcome() {
    // Fader, Hardie and Lee's CDNOW estimates (weeks); the histories are in the same unit.
    BgNbd model = new BgNbd(0.243, 4.414, 0.793, 2.426);
    long[][] members = {
        {0, 0, 30, 1, 1}, {0, 0, 30, 1, 2}, {0, 0, 30, 1, 1}, {1, 10, 30, 2, 2},
        {1, 10, 30, 2, 4}, {2, 20, 25, 3, 3}, {3, 5, 40, 4, 6}, {4, 30, 32, 5, 5},
        {7, 28, 30, 8, 10}, {7, 28, 30, 8, 9}};
    List<Row> rows = new ArrayList<>();
    Map<String, double[]> expected = new TreeMap<>();
    double[] byDay = new double[8];
    for (long[] m : members) {
      rows.add(RowFactory.create(m[0], m[1], m[2], m[3], m[4]));
      double predicted = model.conditionalExpectedPurchases(new int[] {8}, m[0], m[1], m[2])[0];
      for (int k = 1; k <= 8; k++) {
        byDay[k - 1] += model.conditionalExpectedPurchases(new int[] {k}, m[0], m[1], m[2])[0];
      }
      for (String b : List.of("holdout:all", "holdout:x=" + (m[0] >= 4 ? "4+" : m[0]))) {
        double[] acc = expected.computeIfAbsent(b, k -> new double[3]);
        acc[0] += predicted;
        acc[1] += m[4] - m[3];
        acc[2] += 1;
      }
    }

    LtvStep.Holdout holdout = LtvStep.holdoutBuckets(spark.createDataFrame(rows, COMPARED),
        model, 8);
    Map<String, double[]> got = new TreeMap<>(holdout.buckets());

    assertEquals(expected.keySet(), got.keySet());
    expected.forEach((bucket, e) -> {
      double[] g = got.get(bucket);
      assertEquals(e[0], g[0], 1e-9 * e[0], bucket + " predicted");
      assertEquals(e[1], g[1], 0, bucket + " actual");
      assertEquals(e[2], g[2], 0, bucket + " members");
    });
    assertEquals(10, got.get("holdout:all")[2], 0, "every member once");
    for (int k = 0; k < 8; k++) {
      assertEquals(byDay[k], holdout.predictedByDay()[k], 1e-9 * byDay[k], "day " + (k + 1));
    }
    assertEquals(got.get("holdout:all")[0], holdout.predictedByDay()[7], 1e-9,
        "the tracking series ends at the holdout's prediction");
  }
}
