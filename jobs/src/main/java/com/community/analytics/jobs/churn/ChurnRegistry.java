package com.community.analytics.jobs.churn;

import com.community.analytics.common.io.HadoopFiles;
import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.spark.RowBuilder;
import java.io.IOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.classification.GBTClassificationModel;
import org.apache.spark.ml.regression.IsotonicRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The model registry: ml.churn_models (one row per version, status champion / challenger /
 * retired), its audit log ml.churn_model_events (one row per train, promote, retire and
 * rollback: who, when, why, the metrics at the time) and the saved pipelines under
 * {@code <lake>/models/churn/v<N>} (pipeline, calibrator, the training profile for drift and
 * the training means for linear SHAP). Every status change rewrites the small registry table in one
 * commit, then appends its events in a second. Cost: reads and rewrites a table of one row per
 * version.
 */
public final class ChurnRegistry {
  public static final String CHAMPION = "champion";
  public static final String CHALLENGER = "challenger";
  public static final String RETIRED = "retired";
  static final String TRAIN = "train";
  static final String PROMOTE = "promote";
  static final String RETIRE = "retire";
  static final String ROLLBACK = "rollback";
  static final String IMPORT = "import";

  private static final String FEATURE_MEANS = "feature_means";

  private final JobContext ctx;
  private final String root;

  private final String requestedBy;

  /** The registry under {@code lakeRoot}; its changes are recorded as {@code requestedBy}'s. */
  public ChurnRegistry(JobContext ctx, String lakeRoot, String requestedBy) {
    this.ctx = ctx;
    this.root = lakeRoot + "/models/churn";
    this.requestedBy = requestedBy;
  }

  /**
   * Every version, oldest first, with the columns the registry declares today (a registry
   * written by an older build gains its new columns first, so rows are rewritten in place).
   */
  public List<Row> versions() {
    ctx.warehouse().ensure(ChurnTables.MODELS);
    return new ArrayList<>(ctx.warehouse().read(ChurnTables.MODELS).orderBy("version")
        .collectAsList());
  }

  public Optional<Row> champion() {
    return versions().stream().filter(r -> CHAMPION.equals(status(r))).findFirst();
  }

  public int nextVersion() {
    return versions().stream().mapToInt(ChurnRegistry::version).max().orElse(0) + 1;
  }

  public String path(int version) {
    return root + "/v" + version;
  }

  public PipelineModel pipeline(Row entry) {
    return PipelineModel.load(entry.getString(entry.fieldIndex("path")) + "/pipeline");
  }

  public IsotonicRegressionModel calibrator(Row entry) {
    return IsotonicRegressionModel.load(entry.getString(entry.fieldIndex("path"))
        + "/calibrator");
  }

  /**
   * The explainer of a version; empty for a logistic-regression version saved before its
   * training means were (it has no SHAP baseline).
   */
  public Optional<ChurnExplainer> explainer(Row entry, PipelineModel pipeline)
      throws IOException {
    String means = entry.getString(entry.fieldIndex("path")) + "/" + FEATURE_MEANS;
    if (!HadoopFiles.exists(new Path(means), ctx.spark().sparkContext().hadoopConfiguration())) {
      boolean linear = ChurnTrainer.classifier(pipeline, GBTClassificationModel.class) == null;
      return linear ? Optional.empty() : Optional.of(ChurnExplainer.of(pipeline, null,
          features(entry)));
    }
    Row row = ctx.spark().read().parquet(means).first();
    double[] values = row.<Double>getList(row.fieldIndex("means")).stream()
        .mapToDouble(Double::doubleValue).toArray();
    return Optional.of(ChurnExplainer.of(pipeline, values, features(entry)));
  }

  /** The numeric features a version's vector was assembled from, in order. */
  static List<String> features(Row entry) {
    return entry.getList(entry.fieldIndex("features"));
  }

  /** Saves a version's training means beside its pipeline (the linear model's SHAP baseline). */
  public void saveFeatureMeans(int version, double[] means) {
    List<Double> values = java.util.Arrays.stream(means).boxed().toList();
    ctx.spark().createDataFrame(List.of(RowFactory.create(
            scala.collection.JavaConverters.asScalaBuffer(values).toList())),
            new StructType().add("means", DataTypes.createArrayType(DataTypes.DoubleType)))
        .coalesce(1).write().mode("overwrite").parquet(path(version) + "/" + FEATURE_MEANS);
  }

  public Dataset<Row> profile(Row entry) {
    return ctx.spark().read().parquet(entry.getString(entry.fieldIndex("path")) + "/profile");
  }

  static String status(Row r) {
    return r.getString(r.fieldIndex("status"));
  }

  static int version(Row r) {
    return r.getInt(r.fieldIndex("version"));
  }

  /** A copy of a registry row with another status, promotion time and decision. */
  static Row with(Row r, String status, Timestamp promotedAt, String decision) {
    Object[] v = new Object[r.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.get(i);
    }
    v[r.fieldIndex("status")] = status;
    v[r.fieldIndex("promoted_at")] = promotedAt;
    v[r.fieldIndex("decision")] = decision;
    return new GenericRowWithSchema(v, r.schema());
  }

  /**
   * Rewrites the registry after {@code operation} (train, promote or rollback) and appends one
   * ml.churn_model_events row per version whose status it changed, each with the version's new
   * decision as its reason. Not recorded as rows written: the run that adds a version records
   * that one row, and promotions and rollbacks rewrite the same versions.
   */
  public void write(List<Row> rows, String operation, Timestamp at) {
    List<Row> stored = versions();
    Map<Integer, String> before = new HashMap<>();
    for (Row r : stored) {
      before.put(version(r), status(r));
    }
    List<Row> events = new ArrayList<>();
    if (!stored.isEmpty() && events().isEmpty()) {
      events.addAll(imported(stored));
    }
    for (Row r : rows) {
      String from = before.get(version(r));
      if (status(r).equals(from)) {
        continue;
      }
      String action = from == null ? TRAIN : operation.equals(ROLLBACK) ? ROLLBACK
          : CHAMPION.equals(status(r)) ? PROMOTE : RETIRE;
      events.add(RowBuilder.of(ChurnTables.MODEL_EVENTS.schema()).set("event_time", at)
          .set("action", action).set("version", version(r)).set("from_status", from)
          .set("to_status", status(r)).set("requested_by", requestedBy)
          .set("reason", r.getString(r.fieldIndex("decision")))
          .set("metrics", r.get(r.fieldIndex("metrics"))).build());
    }
    ctx.writer().overwrite(ChurnTables.MODELS, ctx.spark().createDataFrame(rows,
        ChurnTables.MODELS.schema()));
    ctx.append(ChurnTables.MODEL_EVENTS, ctx.spark().createDataFrame(events,
        ChurnTables.MODEL_EVENTS.schema()));
  }

  /**
   * The audit log's first rows for a registry that predates it: each version as it stood,
   * at its promotion (a champion or a retired former champion) or training time.
   */
  private List<Row> imported(List<Row> rows) {
    List<Row> out = new ArrayList<>();
    for (Row r : rows) {
      Timestamp at = r.isNullAt(r.fieldIndex("promoted_at"))
          ? r.getTimestamp(r.fieldIndex("trained_at"))
          : r.getTimestamp(r.fieldIndex("promoted_at"));
      out.add(RowBuilder.of(ChurnTables.MODEL_EVENTS.schema()).set("event_time", at)
          .set("action", IMPORT).set("version", version(r)).set("to_status", status(r))
          .set("requested_by", requestedBy)
          .set("reason", "in the registry before its audit log: " + r.getString(
              r.fieldIndex("decision")))
          .set("metrics", r.get(r.fieldIndex("metrics"))).build());
    }
    return out;
  }

  /** Makes {@code version} the champion; the current champion is retired. */
  public void promote(int version, String why) {
    List<Row> rows = versions();
    Row target = rows.stream().filter(r -> version(r) == version).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no churn model version " + version));
    if (CHAMPION.equals(status(target))) {
      throw new IllegalArgumentException("v" + version + " is already the champion");
    }
    Timestamp now = Timestamp.from(Instant.now());
    List<Row> out = new ArrayList<>();
    for (Row r : rows) {
      if (version(r) == version) {
        out.add(with(r, CHAMPION, now, why));
      } else if (CHAMPION.equals(status(r))) {
        out.add(with(r, RETIRED, r.getTimestamp(r.fieldIndex("promoted_at")),
            "replaced by v" + version + ": " + why));
      } else {
        out.add(r);
      }
    }
    write(out, PROMOTE, now);
  }

  /** Retires the champion and restores the one promoted before it; {@code why} is added. */
  public int rollback(String why) {
    List<Row> rows = versions();
    Row current = rows.stream().filter(r -> CHAMPION.equals(status(r))).findFirst()
        .orElseThrow(() -> new IllegalStateException("no champion to roll back"));
    Timestamp currentSince = current.getTimestamp(current.fieldIndex("promoted_at"));
    // A version an earlier rollback retired is not restored by the next one: two rollbacks
    // after v1, v2, v3 lead back to v1, not to v3 again.
    java.util.Set<Integer> rolledBack = rolledBack(events());
    Row previous = rows.stream()
        .filter(r -> version(r) != version(current) && !r.isNullAt(r.fieldIndex("promoted_at"))
            && !rolledBack.contains(version(r))
            && r.getTimestamp(r.fieldIndex("promoted_at")).before(currentSince))
        .max(Comparator.comparing(r -> r.getTimestamp(r.fieldIndex("promoted_at"))))
        .orElseThrow(() -> new IllegalStateException("v" + version(current)
            + " is the first champion: there is nothing to roll back to"));
    List<Row> out = new ArrayList<>();
    Timestamp now = Timestamp.from(Instant.now());
    String suffix = why == null ? "" : ": " + why;
    for (Row r : rows) {
      if (version(r) == version(current)) {
        out.add(with(r, RETIRED, currentSince, "rolled back to v" + version(previous) + suffix));
      } else if (version(r) == version(previous)) {
        out.add(with(r, CHAMPION, now, "restored by rollback of v" + version(current) + suffix));
      } else {
        out.add(r);
      }
    }
    write(out, ROLLBACK, now);
    return version(previous);
  }

  /** The versions whose latest event is a rollback that retired them. */
  static java.util.Set<Integer> rolledBack(List<Row> events) {
    Map<Integer, Row> last = new HashMap<>();
    for (Row e : events) {
      last.put(e.getInt(e.fieldIndex("version")), e);
    }
    java.util.Set<Integer> out = new java.util.HashSet<>();
    last.forEach((v, e) -> {
      if (ROLLBACK.equals(e.getString(e.fieldIndex("action")))
          && RETIRED.equals(e.getString(e.fieldIndex("to_status")))) {
        out.add(v);
      }
    });
    return out;
  }

  /** The audit log, oldest first. */
  public List<Row> events() {
    return ctx.warehouse().read(ChurnTables.MODEL_EVENTS).orderBy("event_time", "version")
        .collectAsList();
  }

  /**
   * The version that was champion at {@code t}, replaying the audit log's events up to it;
   * empty when none was.
   */
  public static Optional<Integer> championAt(List<Row> events, Instant t) {
    Integer champion = null;
    for (Row e : events) {
      if (e.getTimestamp(e.fieldIndex("event_time")).toInstant().isAfter(t)) {
        break;
      }
      int v = e.getInt(e.fieldIndex("version"));
      if (CHAMPION.equals(e.getString(e.fieldIndex("to_status")))) {
        champion = v;
      } else if (Integer.valueOf(v).equals(champion)) {
        champion = null;
      }
    }
    return Optional.ofNullable(champion);
  }
}
