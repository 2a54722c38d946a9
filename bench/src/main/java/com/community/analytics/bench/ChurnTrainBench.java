package com.community.analytics.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;

import com.community.analytics.common.job.JobContext;
import com.community.analytics.jobs.churn.ChurnExplainer;
import com.community.analytics.jobs.churn.ChurnFeatures;
import com.community.analytics.jobs.churn.ChurnTrainJob;
import com.community.analytics.jobs.churn.ChurnTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code bench-churn-train --sizes N,...}: churn training time by training-set size. For each
 * size, N rows with the training set's feature columns are drawn (a churn label that depends on
 * recency, activity and trend, plus noise), split as the job splits its cutoffs (four train, one
 * validation, one test), written to Parquet and then trained with {@link ChurnTrainer#train} on
 * the configured {@code churn.grid}: every candidate, calibration and test metrics. Then the
 * reasons' cost: the test members scored, and scored and explained ({@link ChurnExplainer}),
 * with the model's trees x leaves x depth^2. Cost: the MLlib fits (GBT iterations are Spark
 * jobs), one Parquet write per size, two passes over the test rows.
 */
final class ChurnTrainBench extends ModelBench {
  static final String[] TIERS = {"free", "plus", "vip"};

  @Override
  public String name() {
    return "bench-churn-train";
  }

  @Override
  public String description() {
    return "benchmark: churn model training time by training-set size (configured grid)";
  }

  static StructType schema() {
    StructType s = new StructType();
    for (String f : ChurnFeatures.numericFeatures()) {
      s = s.add(f, DataTypes.DoubleType);
    }
    return s.add("membership_tier", DataTypes.StringType).add("label", DataTypes.DoubleType)
        .add("split", DataTypes.StringType);
  }

  @Override
  Map<String, Object> measure(JobContext ctx, long rows, Path work) throws Exception {
    Path folder = work.resolve("churn-set-" + rows);
    int numeric = ChurnFeatures.numericFeatures().size();
    Dataset<Row> set = synthetic(ctx, rows, 200_000, schema(), id -> member(id, numeric),
        folder);
    List<ChurnTrainer.Candidate> grid = ctx.config().get(ChurnTrainJob.GRID);

    long started = System.nanoTime();
    ChurnTrainer.Trained trained = ChurnTrainer.train(set.where(col("split").equalTo("train")),
        set.where(col("split").equalTo("validation")), set.where(col("split").equalTo("test")),
        grid);
    double seconds = seconds(started);
    // The reasons' cost beside scoring's: the same test members scored, then scored and
    // explained, each pass over cached pipeline output. TreeSHAP's cost is the one to know, so
    // when the grid's winner is the linear model, its first GBT candidate is fitted for this.
    PipelineModel model = trained.pipeline();
    ChurnTrainer.Candidate gbt = grid.stream().filter(c -> c.algorithm().equals("gbt"))
        .findFirst().orElse(trained.candidate());
    if (!trained.candidate().algorithm().equals(gbt.algorithm())) {
      model = ChurnTrainer.fit(gbt, set.where(col("split").equalTo("train")));
    }
    Dataset<Row> test = set.where(col("split").equalTo("test")).cache();
    long members = test.count();
    ChurnExplainer explainer = ChurnExplainer.of(model, trained.featureMeans());
    long scoreStarted = System.nanoTime();
    model.transform(test).agg(sum(col("prediction"))).first();
    double scoreSeconds = seconds(scoreStarted);
    long explainStarted = System.nanoTime();
    explainer.withReasons(model.transform(test)).agg(sum(size(col("reasons"))),
        sum(col("log_odds"))).first();
    double explainSeconds = seconds(explainStarted);
    test.unpersist();
    delete(folder);

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("train_seconds", seconds);
    out.put("candidates", grid.size());
    out.put("chosen", trained.candidate().algorithm());
    out.put("test_auc_roc", trained.metrics().get("auc_roc"));
    out.put("test_auc_pr", trained.metrics().get("auc_pr"));
    out.put("explained_model", gbt.algorithm());
    out.put("explained_members", members);
    out.put("score_seconds", scoreSeconds);
    out.put("explain_seconds", explainSeconds);
    out.put("explain_us_per_member", Math.max(0, explainSeconds - scoreSeconds) * 1e6
        / Math.max(1, members));
    out.put("explain_cost_per_member", explainer.costPerMember());
    return out;
  }

  /** Features with a churn signal in a few of them (recency, activity, trend) and noise. */
  static Row member(long id, int numeric) {
    SplittableRandom rng = new SplittableRandom(id * 0x9E3779B97F4A7C15L + 7);
    List<Object> values = new ArrayList<>(numeric + 3);
    double risk = 0;
    for (int i = 0; i < numeric; i++) {
      double v = -Math.log(1 - rng.nextDouble()) * (1 + i % 7);
      risk += i == 0 ? 0.15 * v : i == 3 ? -0.4 * v : i == 19 ? -0.2 * v : 0;
      values.add(rng.nextDouble() < 0.02 ? null : v);
    }
    values.add(TIERS[rng.nextInt(TIERS.length)]);
    values.add(rng.nextDouble() < 1 / (1 + Math.exp(-risk)) ? 1.0 : 0.0);
    int cutoff = rng.nextInt(6);
    values.add(cutoff < 4 ? "train" : cutoff == 4 ? "validation" : "test");
    return RowFactory.create(values.toArray());
  }
}
