package com.community.analytics.jobs.churn;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Each feature's distribution in the training data (decile edges and the share of rows per
 * bin), saved with the model so scoring can measure drift (PSI) against it. Cost: one
 * approxQuantile pass and one aggregation per feature over the training rows.
 */
public final class FeatureProfile {
  static final StructType SCHEMA = new StructType()
      .add("feature", DataTypes.StringType)
      .add("edges", DataTypes.createArrayType(DataTypes.DoubleType))
      .add("shares", DataTypes.createArrayType(DataTypes.DoubleType));

  private FeatureProfile() {}

  public static Dataset<Row> of(Dataset<Row> rows) {
    List<String> features = ChurnFeatures.numericFeatures();
    double[] probs = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
    double[][] quantiles = rows.stat().approxQuantile(features.toArray(new String[0]), probs,
        0.001);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      double[] edges = Arrays.stream(quantiles[i]).distinct().sorted().toArray();
      out.add(RowFactory.create(features.get(i), toSeq(edges), toSeq(shares(rows,
          features.get(i), edges))));
    }
    return rows.sparkSession().createDataFrame(out, SCHEMA);
  }

  /** Shares of rows per bin: (-inf, e0], (e0, e1], ..., (en, inf). */
  public static double[] shares(Dataset<Row> rows, String feature, double[] edges) {
    org.apache.spark.sql.Column bin = lit(edges.length);
    for (int i = edges.length - 1; i >= 0; i--) {
      bin = org.apache.spark.sql.functions.when(col(feature).leq(edges[i]), i).otherwise(bin);
    }
    Map<Integer, Long> counts = new LinkedHashMap<>();
    long total = 0;
    for (Row r : rows.where(col(feature).isNotNull()).groupBy(bin.as("bin"))
        .agg(count(lit(1))).collectAsList()) {
      counts.put(r.getInt(0), r.getLong(1));
      total += r.getLong(1);
    }
    double[] shares = new double[edges.length + 1];
    for (int i = 0; i < shares.length; i++) {
      shares[i] = total == 0 ? 0 : counts.getOrDefault(i, 0L) / (double) total;
    }
    return shares;
  }

  private static scala.collection.Seq<Double> toSeq(double[] values) {
    List<Double> list = new ArrayList<>();
    for (double v : values) {
      list.add(v);
    }
    return scala.collection.JavaConverters.asScalaBuffer(list).toList();
  }
}
