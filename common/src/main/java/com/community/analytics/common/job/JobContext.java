package com.community.analytics.common.job;

import com.community.analytics.common.catalog.TableSpec;
import com.community.analytics.common.catalog.TableWriter;
import com.community.analytics.common.catalog.Warehouse;
import com.community.analytics.common.cli.JobArgs;
import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.runlog.RunMetrics;
import com.community.analytics.common.spark.Phases;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Everything a running job needs: session, config, arguments, warehouse, writer, metrics, and
 * the run id that {@code ops.job_runs} records the run under; and the one way a job writes its
 * output tables ({@link #replace}, {@link #append}, {@link #upsert}): as a named, timed phase
 * of the job whose written rows go into the run's metrics. (Bookkeeping that is not a run's
 * output, the churn registry's rewrites and the run log itself, uses the writer directly.)
 */
public record JobContext(SparkSession spark, AppConfig config, JobArgs args, Warehouse warehouse,
    TableWriter writer, RunMetrics metrics, String runId) {

  /** A context with a fresh run id (tests, and runs outside the runner). */
  public static JobContext of(SparkSession spark, AppConfig config, JobArgs args) {
    return of(spark, config, args, UUID.randomUUID().toString());
  }

  /**
   * The context of one step of a chain: the same session, config, warehouse and writer, with
   * the step's arguments, a run id and metrics of its own.
   */
  public JobContext forStep(JobArgs stepArgs) {
    return new JobContext(spark, config, stepArgs, warehouse, writer, new RunMetrics(),
        UUID.randomUUID().toString());
  }

  public static JobContext of(SparkSession spark, AppConfig config, JobArgs args, String runId) {
    Warehouse warehouse = Warehouse.attach(spark, config);
    return new JobContext(spark, config, args, warehouse, new TableWriter(warehouse),
        new RunMetrics(), runId);
  }

  /**
   * Replaces the rows of {@code spec} matching {@code condition} with {@code rows} (see {@link
   * TableWriter#replace}) as the phase "write <table>"; returns the rows written.
   */
  public long replace(TableSpec spec, Dataset<Row> rows, String condition) {
    return written(spec, "write", () -> writer.replace(spec, rows, condition));
  }

  /** Appends rows (see {@link TableWriter#append}) as the phase "write <table>". */
  public long append(TableSpec spec, Dataset<Row> rows) {
    return written(spec, "write", () -> writer.append(spec, rows));
  }

  /** Upserts by key (see {@link TableWriter#upsert}) as the phase "upsert <table>". */
  public long upsert(TableSpec spec, Dataset<Row> rows, List<String> keys, String replaceWhen) {
    return written(spec, "upsert", () -> writer.upsert(spec, rows, keys, replaceWhen));
  }

  private long written(TableSpec spec, String verb, Supplier<Long> write) {
    long rows = Phases.run(spark, args.job(), verb + " " + spec.name(), write);
    metrics.addWritten(spec.name(), rows);
    return rows;
  }
}
