package com.community.analytics.jobs.churn;

import com.community.analytics.common.job.JobContext;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.regression.IsotonicRegressionModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The model registry: ml.churn_models (one row per version, status champion / challenger /
 * retired) and the saved pipelines under {@code <lake>/models/churn/v<N>}. Every status change
 * rewrites the small registry table in one commit. Cost: reads and rewrites a table of one row
 * per version.
 */
public final class ChurnRegistry {
  public static final String CHAMPION = "champion";
  public static final String CHALLENGER = "challenger";
  public static final String RETIRED = "retired";

  private final JobContext ctx;
  private final String root;

  public ChurnRegistry(JobContext ctx, String lakeRoot) {
    this.ctx = ctx;
    this.root = lakeRoot + "/models/churn";
  }

  public List<Row> versions() {
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
    return RowFactory.create(v);
  }

  /**
   * Rewrites the registry. Not recorded as rows written: the run that adds a version records
   * that one row, and promotions and rollbacks rewrite the same versions.
   */
  public void write(List<Row> rows) {
    ctx.writer().overwrite(ChurnTables.MODELS, ctx.spark().createDataFrame(rows,
        ChurnTables.MODELS.schema()));
  }

  /** Makes {@code version} the champion; the current champion is retired. */
  public void promote(int version, String why) {
    List<Row> rows = versions();
    if (rows.stream().noneMatch(r -> version(r) == version)) {
      throw new IllegalArgumentException("no churn model version " + version);
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
    write(out);
  }

  /** Retires the champion and restores the one promoted before it. */
  public int rollback() {
    List<Row> rows = versions();
    Row current = rows.stream().filter(r -> CHAMPION.equals(status(r))).findFirst()
        .orElseThrow(() -> new IllegalStateException("no champion to roll back"));
    Timestamp currentSince = current.getTimestamp(current.fieldIndex("promoted_at"));
    Row previous = rows.stream()
        .filter(r -> version(r) != version(current) && !r.isNullAt(r.fieldIndex("promoted_at"))
            && r.getTimestamp(r.fieldIndex("promoted_at")).before(currentSince))
        .max(Comparator.comparing(r -> r.getTimestamp(r.fieldIndex("promoted_at"))))
        .orElseThrow(() -> new IllegalStateException("v" + version(current)
            + " is the first champion: there is nothing to roll back to"));
    List<Row> out = new ArrayList<>();
    Timestamp now = Timestamp.from(Instant.now());
    for (Row r : rows) {
      if (version(r) == version(current)) {
        out.add(with(r, RETIRED, currentSince, "rolled back to v" + version(previous)));
      } else if (version(r) == version(previous)) {
        out.add(with(r, CHAMPION, now, "restored by rollback of v" + version(current)));
      } else {
        out.add(r);
      }
    }
    write(out);
    return version(previous);
  }
}
