package com.community.analytics.jobs.churn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.community.analytics.common.testing.SparkTestSession;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The bin shares of several features from one aggregation, counted by hand. */
class FeatureProfileTest {
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void sharesCountEachFeaturesNonNullRowsPerBin() {
    StructType schema = new StructType().add("a", DataTypes.DoubleType)
        .add("b", DataTypes.DoubleType).add("c", DataTypes.DoubleType);
    Dataset<Row> rows = spark.createDataFrame(List.of(
        RowFactory.create(0.5, 10.0, null),
        RowFactory.create(1.0, null, null),
        RowFactory.create(1.5, 30.0, null),
        RowFactory.create(3.0, 20.0, null),
        RowFactory.create(null, 25.0, null)), schema);
    Map<String, double[]> edges = new LinkedHashMap<>();
    edges.put("a", new double[] {1.0, 2.0});
    edges.put("b", new double[] {20.0});
    edges.put("c", new double[] {0.0});

    Map<String, double[]> shares = FeatureProfile.shares(rows, edges);

    // a: 0.5 and 1.0 in (-inf, 1], 1.5 in (1, 2], 3.0 above; its null row is not counted.
    assertArrayEquals(new double[] {0.5, 0.25, 0.25}, shares.get("a"), 1e-12);
    // b: 10 and 20 in (-inf, 20], 25 and 30 above.
    assertArrayEquals(new double[] {0.5, 0.5}, shares.get("b"), 1e-12);
    assertArrayEquals(new double[] {0.0, 0.0}, shares.get("c"), 1e-12, "no non-null row");
  }
}
