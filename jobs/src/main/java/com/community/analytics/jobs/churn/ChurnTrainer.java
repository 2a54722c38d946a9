package com.community.analytics.jobs.churn;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.ntile;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.when;

import com.community.analytics.common.config.ConfigException;
import com.community.analytics.common.job.ModelApi;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.feature.Imputer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.IsotonicRegression;
import org.apache.spark.ml.regression.IsotonicRegressionModel;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Trains the churn model: an MLlib pipeline (imputation, one-hot membership tier, assembly, then
 * a GBT classifier or a logistic-regression baseline) with class weights through weightCol; the
 * grid of each algorithm goes through TrainValidationSplit on the training cutoffs, the winners
 * are compared on the validation cutoff, the best one's probabilities are calibrated by
 * isotonic regression on that validation slice, and the result is measured on the newest
 * matured cutoff, where {@link ChurnExplainer} also gives each feature's mean |SHAP|. Cost: one
 * fit per grid point plus the calibration; one explanation pass over the test rows (per member
 * trees x leaves x depth^2 for the GBT);
 * metrics are small aggregations.
 */
@ModelApi
public final class ChurnTrainer {
  private ChurnTrainer() {}

  /** The parameters each algorithm of the grid takes, by their name in the YAML and in MLlib. */
  private static final Map<String, Map<String, String>> PARAMS = Map.of(
      "gbt", Map.of("max_depth", "maxDepth", "max_iter", "maxIter", "step_size", "stepSize"),
      "logistic_regression", Map.of("reg_param", "regParam", "max_iter", "maxIter",
          "elastic_net", "elasticNetParam"));

  /** One model of the grid: gbt or logistic_regression, with its parameters by name. */
  public record Candidate(String algorithm, Map<String, Double> params) implements Serializable {
    public Candidate {
      if (!PARAMS.containsKey(algorithm)) {
        throw ConfigException.at("algorithm", "expected gbt or logistic_regression, got "
            + algorithm);
      }
      for (String name : params.keySet()) {
        if (!PARAMS.get(algorithm).containsKey(name)) {
          throw ConfigException.at("params." + name, "not a parameter of " + algorithm
              + "; parameters: " + String.join(", ", new java.util.TreeSet<>(
                  PARAMS.get(algorithm).keySet())));
        }
      }
    }
  }

  /**
   * The trained, calibrated model and how it did: test metrics, MLlib's gain importances (GBT),
   * the mean |SHAP| per feature over the test rows, the training rows' mean feature vector (the
   * linear model's SHAP baseline) and the calibration deciles.
   */
  public record Trained(Candidate candidate, PipelineModel pipeline,
      IsotonicRegressionModel calibrator, Map<String, Double> metrics,
      Map<String, Double> importances, Map<String, Double> meanAbsShap,
      double[] featureMeans, List<Row> calibration) {}

  static final String FEATURES = "features";

  static Pipeline pipeline(Candidate c) {
    List<String> numeric = ChurnFeatures.numericFeatures();
    List<String> imputed = numeric.stream().map(n -> n + "_imp").toList();
    Imputer imputer = new Imputer().setInputCols(numeric.toArray(new String[0]))
        .setOutputCols(imputed.toArray(new String[0])).setStrategy("median");
    StringIndexer tier = new StringIndexer().setInputCol("membership_tier")
        .setOutputCol("tier_index").setHandleInvalid("keep");
    OneHotEncoder oneHot = new OneHotEncoder().setInputCols(new String[] {"tier_index"})
        .setOutputCols(new String[] {"tier_vec"});
    List<String> inputs = new ArrayList<>(imputed);
    inputs.add("tier_vec");
    VectorAssembler assembler = new VectorAssembler().setInputCols(inputs.toArray(new String[0]))
        .setOutputCol(FEATURES).setHandleInvalid("keep");
    PipelineStage model;
    if (c.algorithm().equals("gbt")) {
      model = new GBTClassifier().setLabelCol("label").setFeaturesCol(FEATURES)
          .setWeightCol("class_weight").setSeed(42)
          .setMaxDepth(c.params().getOrDefault("max_depth", 4.0).intValue())
          .setMaxIter(c.params().getOrDefault("max_iter", 40.0).intValue())
          .setStepSize(c.params().getOrDefault("step_size", 0.1));
    } else {
      model = new LogisticRegression().setLabelCol("label").setFeaturesCol(FEATURES)
          .setWeightCol("class_weight").setStandardization(true)
          .setRegParam(c.params().getOrDefault("reg_param", 0.01))
          .setMaxIter(c.params().getOrDefault("max_iter", 100.0).intValue());
    }
    return new Pipeline().setStages(new PipelineStage[] {imputer, tier, oneHot, assembler,
        model});
  }

  /** Weights so both classes weigh the same in total. */
  static Dataset<Row> withClassWeights(Dataset<Row> rows) {
    Double churnShare = rows.agg(avg("label").as("share")).first().getAs("share");
    churnShare = churnShare == null ? 0.5 : churnShare;
    double w1 = churnShare > 0 ? 0.5 / churnShare : 1;
    double w0 = churnShare < 1 ? 0.5 / (1 - churnShare) : 1;
    return rows.withColumn("class_weight", when(col("label").equalTo(1.0), w1).otherwise(w0));
  }

  /** The model's probability of churn, as a plain column {@code score}. */
  static Dataset<Row> score(PipelineModel model, Dataset<Row> rows) {
    return model.transform(rows).withColumn("score",
        functions.vector_to_array(col("probability"), "float64").getItem(1));
  }

  /**
   * For each algorithm, TrainValidationSplit picks its best candidate on the training cutoffs
   * (a random split inside the training period only); the algorithms' winners are compared on
   * the validation cutoff, the better one is calibrated there and measured on the test cutoff.
   */
  public static Trained train(Dataset<Row> train, Dataset<Row> validation, Dataset<Row> test,
      List<Candidate> grid) {
    Dataset<Row> weighted = withClassWeights(train).cache();
    BinaryClassificationEvaluator pr = new BinaryClassificationEvaluator()
        .setLabelCol("label").setRawPredictionCol("score").setMetricName("areaUnderPR");
    PipelineModel bestModel = null;
    Candidate bestCandidate = null;
    double bestPr = -1;
    for (String algorithm : grid.stream().map(Candidate::algorithm).distinct().toList()) {
      List<Candidate> candidates = grid.stream().filter(c -> c.algorithm().equals(algorithm))
          .toList();
      Pipeline pipeline = pipeline(candidates.get(0));
      PipelineStage estimator = pipeline.getStages()[pipeline.getStages().length - 1];
      ParamMap[] maps = candidates.stream().map(c -> paramMap(estimator, c))
          .toArray(ParamMap[]::new);
      // The candidates are fitted at once, up to one per core: a GBT on a training set this
      // size is a few hundred small Spark jobs, each leaving cores idle while the driver plans
      // the next; two fits fill each other's gaps. Each fit is seeded, so the result is the same.
      int parallelism = Math.max(1, Math.min(maps.length,
          weighted.sparkSession().sparkContext().defaultParallelism()));
      TrainValidationSplitModel tvs = new TrainValidationSplit().setEstimator(pipeline)
          .setEstimatorParamMaps(maps).setTrainRatio(0.8).setSeed(42)
          .setParallelism(parallelism)
          .setEvaluator(new BinaryClassificationEvaluator().setLabelCol("label")
              .setMetricName("areaUnderPR"))
          .fit(weighted);
      double[] scores = tvs.validationMetrics();
      int best = 0;
      for (int i = 1; i < scores.length; i++) {
        if (scores[i] > scores[best]) {
          best = i;
        }
      }
      PipelineModel m = (PipelineModel) tvs.bestModel();
      double valPr = pr.evaluate(score(m, validation));
      if (valPr > bestPr) {
        bestPr = valPr;
        bestModel = m;
        bestCandidate = candidates.get(best);
      }
    }
    double[] means = ChurnExplainer.trainingMeans(bestModel, weighted);
    weighted.unpersist();
    IsotonicRegressionModel calibrator = new IsotonicRegression().setFeaturesCol("score")
        .setLabelCol("label").setPredictionCol("probability_calibrated")
        .fit(score(bestModel, validation));
    Dataset<Row> scoredTest = calibrate(bestModel, calibrator, test);
    Map<String, Double> metrics = metrics(scoredTest);
    metrics.put("validation_auc_pr", bestPr);
    Map<String, Double> shap = ChurnExplainer.of(bestModel, means)
        .meanAbsoluteShap(bestModel.transform(test));
    return new Trained(bestCandidate, bestModel, calibrator, metrics, importances(bestModel),
        shap, means, calibrationTable(scoredTest));
  }

  /** One candidate fitted on {@code train} with the class weights, without tuning. */
  public static PipelineModel fit(Candidate candidate, Dataset<Row> train) {
    return pipeline(candidate).fit(withClassWeights(train));
  }

  /** A candidate's parameters as a ParamMap on the pipeline's classifier. */
  static ParamMap paramMap(PipelineStage estimator, Candidate c) {
    ParamMap map = new ParamMap();
    for (Map.Entry<String, Double> e : c.params().entrySet()) {
      String name = PARAMS.get(c.algorithm()).get(e.getKey());
      org.apache.spark.ml.param.Param<Object> param = estimator.getParam(name);
      boolean integer = name.equals("maxDepth") || name.equals("maxIter");
      map.put(param, integer ? (Object) e.getValue().intValue() : (Object) e.getValue());
    }
    return map;
  }

  /** Calibrated churn probability {@code churn_probability} for every row. */
  public static Dataset<Row> calibrate(PipelineModel model, IsotonicRegressionModel calibrator,
      Dataset<Row> rows) {
    return calibrator.transform(score(model, rows))
        .withColumn("churn_probability", least(greatest(col("probability_calibrated"),
            lit(0.0)), lit(1.0)));
  }

  /** AUC-ROC, AUC-PR, log loss, Brier score, top-decile precision and lift, base rate. */
  public static Map<String, Double> metrics(Dataset<Row> scored) {
    Map<String, Double> m = new LinkedHashMap<>();
    BinaryClassificationEvaluator ev = new BinaryClassificationEvaluator().setLabelCol("label")
        .setRawPredictionCol("churn_probability");
    m.put("auc_roc", ev.setMetricName("areaUnderROC").evaluate(scored));
    m.put("auc_pr", ev.setMetricName("areaUnderPR").evaluate(scored));
    Dataset<Row> p = scored.withColumn("p", least(greatest(col("churn_probability"),
        lit(1e-6)), lit(1 - 1e-6)));
    Row agg = p.agg(
        avg(col("label").multiply(log(col("p"))).plus(lit(1).minus(col("label"))
            .multiply(log(lit(1).minus(col("p"))))).multiply(-1))
            .as("log_loss"), avg(pow(col("p").minus(col("label")), 2)).as("brier"),
        avg("label").as("base_rate"), count(lit(1)).as("test_rows")).first();
    for (String name : List.of("log_loss", "brier", "base_rate")) {
      m.put(name, agg.<Double>getAs(name));
    }
    m.put("test_rows", (double) agg.<Long>getAs("test_rows"));
    double precision = p.withColumn("decile", ntile(10).over(Window.orderBy(desc("score"))))
        .where(col("decile").equalTo(1)).agg(avg("label").as("precision")).first()
        .<Double>getAs("precision");
    double baseRate = m.get("base_rate");
    m.put("top_decile_precision", precision);
    m.put("top_decile_lift", baseRate > 0 ? precision / baseRate : 0.0);
    return m;
  }

  /** Deciles of calibrated probability: mean predicted vs observed churn rate. */
  static List<Row> calibrationTable(Dataset<Row> scored) {
    return scored.withColumn("bucket", ntile(10).over(Window.orderBy("churn_probability")))
        .groupBy("bucket").agg(avg("churn_probability").as("predicted"),
            avg("label").as("observed"), count(lit(1)).as("members"))
        .orderBy("bucket").collectAsList();
  }

  /** The pipeline's stage of {@code type} (its classifier), found by type; null if none. */
  static <T> T classifier(PipelineModel model, Class<T> type) {
    for (org.apache.spark.ml.Transformer stage : model.stages()) {
      if (type.isInstance(stage)) {
        return type.cast(stage);
      }
    }
    return null;
  }

  /** GBT feature importances by input name (empty for the logistic baseline). */
  static Map<String, Double> importances(PipelineModel model) {
    Map<String, Double> out = new LinkedHashMap<>();
    GBTClassificationModel gbt = classifier(model, GBTClassificationModel.class);
    if (gbt != null) {
      Vector v = gbt.featureImportances();
      List<String> names = new ArrayList<>(ChurnFeatures.numericFeatures());
      for (int i = 0; i < v.size(); i++) {
        String name = i < names.size() ? names.get(i) : "membership_tier_" + (i - names.size());
        if (v.apply(i) > 0) {
          out.put(name, v.apply(i));
        }
      }
    }
    return out;
  }
}
