package com.community.analytics.jobs.churn;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Each feature's distribution in the training data (decile edges and the share of rows per
 * bin), saved with the model so scoring can measure drift (PSI) against it. Cost: one
 * approxQuantile pass and one aggregation for all features over the rows (each row exploded
 * into one (feature, bin) pair per non-null feature, counted in one shuffle).
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
    Map<String, double[]> edges = new LinkedHashMap<>();
    for (int i = 0; i < features.size(); i++) {
      edges.put(features.get(i), Arrays.stream(quantiles[i]).distinct().sorted().toArray());
    }
    Map<String, double[]> shares = shares(rows, edges);
    List<Row> out = new ArrayList<>();
    edges.forEach((feature, e) -> out.add(RowFactory.create(feature, toSeq(e),
        toSeq(shares.get(feature)))));
    return rows.sparkSession().createDataFrame(out, SCHEMA);
  }

  /**
   * Per feature, the shares of its non-null rows per bin: (-inf, e0], (e0, e1], ..., (en, inf)
   * of that feature's {@code edges}; all zero when the feature has no non-null row.
   */
  public static Map<String, double[]> shares(Dataset<Row> rows, Map<String, double[]> edges) {
    List<Column> pairs = new ArrayList<>();
    for (Map.Entry<String, double[]> e : edges.entrySet()) {
      pairs.add(struct(lit(e.getKey()).as("feature"), bin(col(e.getKey()), e.getValue())
          .as("bin")));
    }
    Map<String, Map<Integer, Long>> counts = new LinkedHashMap<>();
    for (Row r : rows.select(explode(array(pairs.toArray(new Column[0]))).as("p"))
        .where(col("p.bin").isNotNull())
        .groupBy(col("p.feature").as("feature"), col("p.bin").as("bin")).count()
        .collectAsList()) {
      counts.computeIfAbsent(r.getString(r.fieldIndex("feature")), f -> new LinkedHashMap<>())
          .put(r.getInt(r.fieldIndex("bin")), r.getLong(r.fieldIndex("count")));
    }
    Map<String, double[]> out = new LinkedHashMap<>();
    edges.forEach((feature, e) -> {
      Map<Integer, Long> c = counts.getOrDefault(feature, Map.of());
      long total = c.values().stream().mapToLong(Long::longValue).sum();
      double[] shares = new double[e.length + 1];
      for (int i = 0; i < shares.length; i++) {
        shares[i] = total == 0 ? 0 : c.getOrDefault(i, 0L) / (double) total;
      }
      out.put(feature, shares);
    });
    return out;
  }

  /** The bin index of {@code value} among {@code edges}; null for a null value. */
  private static Column bin(Column value, double[] edges) {
    Column bin = lit(edges.length);
    for (int i = edges.length - 1; i >= 0; i--) {
      bin = when(value.leq(edges[i]), i).otherwise(bin);
    }
    return when(value.isNotNull(), bin);
  }

  private static scala.collection.Seq<Double> toSeq(double[] values) {
    List<Double> list = new ArrayList<>();
    for (double v : values) {
      list.add(v);
    }
    return scala.collection.JavaConverters.asScalaBuffer(list).toList();
  }
}
