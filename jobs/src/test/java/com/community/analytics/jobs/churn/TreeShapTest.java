package com.community.analytics.jobs.churn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.util.CombinatoricsUtils;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.feature.VectorIndexer;
import org.apache.spark.ml.feature.VectorIndexerModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * TreeSHAP against the definition: on a small MLlib GBT (6 features, one categorical, one
 * constant, depth 4) every member's values equal the Shapley values computed by enumerating
 * every feature subset with the same path-dependent conditional expectation (the paper's
 * Algorithm 1, EXPVALUE), and add up to the model's own log-odds.
 */
class TreeShapTest {
  private static final int FEATURES = 6;
  private static final int CONSTANT = 4;
  private static GBTClassificationModel model;
  private static List<Vector> members;

  @BeforeAll
  static void trainSmallModel() {
    SparkSession spark = SparkTestSession.get();
    Random random = new Random(7);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      double a = random.nextGaussian();
      double b = random.nextGaussian();
      double c = random.nextInt(4);
      double d = random.nextDouble();
      double e = 1.0;
      double f = random.nextGaussian();
      double logit = 1.5 * a - b * (c == 2 ? 2 : 0.5) + (d > 0.6 ? 1 : 0) + 0.3 * a * f;
      double label = random.nextDouble() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
      rows.add(RowFactory.create(Vectors.dense(a, b, c, d, e, f), label));
    }
    Dataset<Row> data = spark.createDataFrame(rows, new StructType()
        .add("raw", new VectorUDT()).add("label", DataTypes.DoubleType));
    // Feature 2 takes 4 values: VectorIndexer marks it categorical, so the trees split it by
    // category sets.
    VectorIndexerModel indexer = new VectorIndexer().setInputCol("raw").setOutputCol("features")
        .setMaxCategories(4).fit(data);
    Dataset<Row> indexed = indexer.transform(data).cache();
    model = new GBTClassifier().setMaxDepth(4).setMaxIter(8).setSeed(3).fit(indexed);
    members = new ArrayList<>();
    for (Row r : indexed.limit(40).collectAsList()) {
      members.add(r.getAs("features"));
    }
    indexed.unpersist();
  }

  @Test
  void shapValuesEqualBruteForceShapleyValues() {
    TreeShap explainer = TreeShap.of(model);
    assertTrue(explainer.trees().stream().anyMatch(t -> java.util.Arrays.stream(
        t.leftCategories()).anyMatch(c -> c != null)), "the model has a categorical split");
    for (Vector x : members) {
      double[] fast = explainer.shap(x);
      double[] exact = bruteForce(explainer, x);
      for (int i = 0; i < FEATURES; i++) {
        assertEquals(exact[i], fast[i], 1e-9, "feature " + i + " of " + x);
      }
      assertEquals(0.0, fast[CONSTANT], "a feature no tree splits on gets exactly 0");
    }
  }

  @Test
  void expectedValuePlusShapValuesIsTheModelsLogOdds() {
    TreeShap explainer = TreeShap.of(model);
    for (Vector x : members) {
      double margin = model.predictRaw(x).apply(1);
      double sum = explainer.expectedValue();
      for (double v : explainer.shap(x)) {
        sum += v;
      }
      assertEquals(2 * margin, sum, 1e-9);
      assertEquals(2 * margin, explainer.logOdds(x), 1e-9);
    }
  }

  /** phi_i = sum over S without i of |S|!(M-|S|-1)!/M! (v(S + i) - v(S)). */
  private static double[] bruteForce(TreeShap explainer, Vector x) {
    double[] phi = new double[FEATURES];
    double total = CombinatoricsUtils.factorialDouble(FEATURES);
    for (int i = 0; i < FEATURES; i++) {
      for (int s = 0; s < 1 << FEATURES; s++) {
        if ((s & 1 << i) != 0) {
          continue;
        }
        int size = Integer.bitCount(s);
        double weight = CombinatoricsUtils.factorialDouble(size)
            * CombinatoricsUtils.factorialDouble(FEATURES - size - 1) / total;
        phi[i] += weight * (value(explainer, x, s | 1 << i) - value(explainer, x, s));
      }
    }
    return phi;
  }

  /** E[f(x) | x_S] with the trees' covers: Algorithm 1 (EXPVALUE), summed over the trees. */
  private static double value(TreeShap explainer, Vector x, int known) {
    double sum = 0;
    for (TreeShap.Tree t : explainer.trees()) {
      sum += expValue(t, x, known, 0);
    }
    return sum;
  }

  private static double expValue(TreeShap.Tree t, Vector x, int known, int node) {
    if (t.left()[node] < 0) {
      return t.value()[node];
    }
    if ((known & 1 << t.feature()[node]) != 0) {
      return expValue(t, x, known, t.goesLeft(node, x) ? t.left()[node] : t.right()[node]);
    }
    int l = t.left()[node];
    int r = t.right()[node];
    return (t.cover()[l] * expValue(t, x, known, l) + t.cover()[r] * expValue(t, x, known, r))
        / t.cover()[node];
  }
}
