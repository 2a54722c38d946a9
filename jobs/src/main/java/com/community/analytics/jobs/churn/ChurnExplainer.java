package com.community.analytics.jobs.churn;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import com.community.analytics.common.job.ModelApi;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Why the churn model scores a member as it does: each input feature's SHAP value on the
 * log-odds scale, so that {@code expectedValue() + sum of contributions = log-odds}.
 *
 * <p>For the GBT: exact path-dependent TreeSHAP ({@link TreeShap}). For the logistic-regression
 * baseline: linear SHAP (Lundberg and Lee 2017, "A unified approach to interpreting model
 * predictions", NeurIPS, corollary 1): coefficient x (value - training mean), which is the same
 * on MLlib's standardized scale (coefficient / sd x (value - mean) x sd / 1). The membership
 * tier enters the model as one-hot slots; their contributions are summed into one
 * {@code membership_tier} contribution (SHAP values of a group add up).
 *
 * <p>Explains the model's uncalibrated log-odds: the isotonic calibration on top is monotone,
 * so it changes the probability but not the order of members or the sign of a reason.
 * Cost per member: TreeSHAP's O(trees x leaves x depth^2), or one pass over the features.
 */
@ModelApi
public final class ChurnExplainer implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String TIER = "membership_tier";
  /** Reasons kept per member. */
  public static final int TOP_REASONS = 3;
  public static final StructType REASON = new StructType()
      .add("feature", DataTypes.StringType)
      .add("value", DataTypes.StringType)
      .add("contribution", DataTypes.DoubleType);
  public static final ArrayType REASONS = DataTypes.createArrayType(REASON);

  private final TreeShap trees;
  private final double[] coefficients;
  private final double[] means;
  private final double intercept;
  private final List<String> features;

  private ChurnExplainer(TreeShap trees, double[] coefficients, double[] means,
      double intercept, List<String> numericFeatures) {
    this.trees = trees;
    this.coefficients = coefficients;
    this.means = means;
    this.intercept = intercept;
    this.features = new ArrayList<>(numericFeatures);
    this.features.add(TIER);
  }

  /**
   * The explainer of a churn pipeline trained by this build; {@code trainingMeans} (the
   * class-weighted mean assembled feature vector of its training rows) is the baseline of the
   * linear model.
   */
  public static ChurnExplainer of(PipelineModel model, double[] trainingMeans) {
    return of(model, trainingMeans, ChurnFeatures.numericFeatures());
  }

  /**
   * The explainer of a saved churn pipeline whose vector was assembled from
   * {@code numericFeatures} (its registry row's {@code features}), then the tier's slots.
   */
  public static ChurnExplainer of(PipelineModel model, double[] trainingMeans,
      List<String> numericFeatures) {
    GBTClassificationModel gbt = ChurnTrainer.classifier(model, GBTClassificationModel.class);
    if (gbt != null) {
      return new ChurnExplainer(TreeShap.of(gbt), null, null, 0, numericFeatures);
    }
    LogisticRegressionModel lr = ChurnTrainer.classifier(model, LogisticRegressionModel.class);
    if (lr == null) {
      throw new IllegalStateException("the churn pipeline has neither a GBT nor a logistic "
          + "regression to explain");
    }
    return new ChurnExplainer(null, lr.coefficients().toArray(), trainingMeans.clone(),
        lr.intercept(), numericFeatures);
  }

  /**
   * The mean of the assembled feature vector over {@code rows} (the model's training rows),
   * weighted by their {@code class_weight} as the model was fitted, so the linear baseline is
   * the same population as the trees' covers.
   */
  public static double[] trainingMeans(PipelineModel model, Dataset<Row> rows) {
    Row mean = model.transform(rows).select(Summarizer.mean(col(ChurnTrainer.FEATURES),
        col("class_weight")).as("mean")).first();
    return ((Vector) mean.getAs("mean")).toArray();
  }

  /** The explained features: the numeric features in model order, then the membership tier. */
  public List<String> features() {
    return features;
  }

  /**
   * The work per member: for the GBT, the sum over trees of leaves x depth^2 (TreeSHAP's
   * bound); for the linear model, the number of coefficients.
   */
  public long costPerMember() {
    return trees != null ? trees.pathCost() : coefficients.length;
  }

  /**
   * The baseline the contributions start from: the model's mean log-odds over its training
   * data as it was fitted, both classes weighing the same (the class weights).
   */
  public double expectedValue() {
    if (trees != null) {
      return trees.expectedValue();
    }
    double e = intercept;
    for (int i = 0; i < coefficients.length; i++) {
      e += coefficients[i] * means[i];
    }
    return e;
  }

  /** The model's log-odds for the assembled feature vector {@code x}. */
  public double logOdds(Vector x) {
    if (trees != null) {
      return trees.logOdds(x);
    }
    double m = intercept;
    for (int i = 0; i < coefficients.length; i++) {
      m += coefficients[i] * x.apply(i);
    }
    return m;
  }

  /** Each explained feature's contribution to the log-odds of {@code x}, in {@link #features}. */
  public double[] contributions(Vector x) {
    double[] slots;
    if (trees != null) {
      slots = trees.shap(x);
    } else {
      slots = new double[coefficients.length];
      for (int i = 0; i < slots.length; i++) {
        slots[i] = coefficients[i] * (x.apply(i) - means[i]);
      }
    }
    int numeric = features.size() - 1;
    double[] out = new double[features.size()];
    for (int i = 0; i < slots.length; i++) {
      out[Math.min(i, numeric)] += slots[i];
    }
    return out;
  }

  /**
   * The features that raise {@code x}'s churn log-odds most, largest first (at most
   * {@link #TOP_REASONS}, only those with a positive contribution), as (feature, value,
   * contribution) rows; the tier's value is the member's tier.
   */
  public List<Row> reasons(Vector x, String tier) {
    double[] c = contributions(x);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < c.length; i++) {
      if (c[i] > 0) {
        order.add(i);
      }
    }
    order.sort(Comparator.comparingDouble((Integer i) -> -c[i]));
    List<Row> out = new ArrayList<>();
    for (int i : order.subList(0, Math.min(TOP_REASONS, order.size()))) {
      String value = i == features.size() - 1 ? tier : format(x.apply(i));
      out.add(RowFactory.create(features.get(i), value, c[i]));
    }
    return out;
  }

  /**
   * A reason row (feature, value, contribution) in words: the feature's phrase from
   * {@code phrases} with {@code {value}} filled in, else "feature = value".
   */
  public static String inWords(Row reason, Map<String, String> phrases) {
    String feature = reason.getString(reason.fieldIndex("feature"));
    String value = reason.getString(reason.fieldIndex("value"));
    return phrases.getOrDefault(feature, feature + " = {value}").replace("{value}", value);
  }

  static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }

  /**
   * {@code rows} (the pipeline's output: {@code features} and {@code membership_tier}) with
   * {@code reasons}, {@code log_odds} and {@code expected_log_odds}, computed on the executors
   * from the broadcast explainer.
   */
  public Dataset<Row> withReasons(Dataset<Row> rows) {
    Broadcast<ChurnExplainer> b = JavaSparkContext.fromSparkContext(
        rows.sparkSession().sparkContext()).broadcast(this);
    UDF2<Vector, String, List<Row>> reasons = (x, tier) -> b.value().reasons(x, tier);
    UDF1<Vector, Double> logOdds = x -> b.value().logOdds(x);
    return rows.withColumn("reasons", udf(reasons, REASONS).apply(col(ChurnTrainer.FEATURES),
            col(TIER)))
        .withColumn("log_odds", udf(logOdds, DataTypes.DoubleType)
            .apply(col(ChurnTrainer.FEATURES)))
        .withColumn("expected_log_odds", org.apache.spark.sql.functions.lit(expectedValue()));
  }

  /** Mean |contribution| per feature over the pipeline's output {@code rows}, largest first. */
  public Map<String, Double> meanAbsoluteShap(Dataset<Row> rows) {
    Broadcast<ChurnExplainer> b = JavaSparkContext.fromSparkContext(
        rows.sparkSession().sparkContext()).broadcast(this);
    UDF1<Vector, double[]> all = x -> b.value().contributions(x);
    Column shap = udf(all, DataTypes.createArrayType(DataTypes.DoubleType))
        .apply(col(ChurnTrainer.FEATURES));
    List<Column> means = new ArrayList<>();
    for (int i = 0; i < features.size(); i++) {
      means.add(avg(abs(col("shap").getItem(i))).as(features.get(i)));
    }
    Row r = rows.select(shap.as("shap")).agg(means.get(0), means.subList(1, means.size())
        .toArray(new Column[0])).first();
    Map<String, Double> out = new LinkedHashMap<>();
    features.stream().sorted(Comparator.comparingDouble((String f) ->
        -r.<Double>getAs(f))).forEach(f -> out.put(f, r.<Double>getAs(f)));
    return out;
  }
}
