package com.community.analytics.common.runlog;

import static com.community.analytics.common.catalog.TableSpec.column;

import com.community.analytics.common.catalog.TableSpec;
import com.community.analytics.common.catalog.TableWriter;
import com.community.analytics.common.spark.RowBuilder;
import com.community.analytics.common.time.DateRange;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/** Appends one row per job run to {@code ops.job_runs}. Cost: one small Delta append. */
public final class JobRunLog {
  public static final TableSpec JOB_RUNS = new TableSpec("ops.job_runs",
      "One row per job run: job, dates, status, rows in and out, timings, error.",
      TableSpec.schema(
          column("run_id", DataTypes.StringType, "unique id of the run"),
          column("job", DataTypes.StringType, "job name, e.g. ingest"),
          column("env", DataTypes.StringType, "environment name from config env.name"),
          column("date_from", DataTypes.DateType, "first business date processed (null: none)"),
          column("date_to", DataTypes.DateType, "last business date processed (null: none)"),
          column("status", DataTypes.StringType, "succeeded, failed, or skipped (a step of nightly after a failed step)"),
          column("started_at", DataTypes.TimestampType, "start time (UTC)"),
          column("finished_at", DataTypes.TimestampType, "end time (UTC)"),
          column("duration_ms", DataTypes.LongType, "wall time in milliseconds"),
          column("rows_read", DataTypes.LongType, "input rows read"),
          column("rows_written", DataTypes.createMapType(DataTypes.StringType,
              DataTypes.LongType), "rows written per table"),
          column("counts", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType),
              "job-specific counts, e.g. accepted, duplicates, quarantined"),
          column("error", DataTypes.StringType, "one-line failure reason (null on success)"),
          column("config_source", DataTypes.StringType, "config file the run used"),
          column("spark_app_id", DataTypes.StringType, "Spark application id")),
      null);

  /** What one run did, as recorded; {@code counts} from the job's typed result. */
  public record JobRun(String runId, String job, String env, DateRange dates, String status,
      Instant startedAt, Instant finishedAt, RunMetrics metrics, Map<String, Long> counts,
      String error, String configSource) {}

  private JobRunLog() {}

  public static void record(SparkSession spark, TableWriter writer, JobRun run) {
    Row row = RowBuilder.of(JOB_RUNS.schema()).set("run_id", run.runId()).set("job", run.job())
        .set("env", run.env())
        .set("date_from", run.dates() == null ? null : Date.valueOf(run.dates().from()))
        .set("date_to", run.dates() == null ? null : Date.valueOf(run.dates().to()))
        .set("status", run.status()).set("started_at", Timestamp.from(run.startedAt()))
        .set("finished_at", Timestamp.from(run.finishedAt()))
        .set("duration_ms", run.finishedAt().toEpochMilli() - run.startedAt().toEpochMilli())
        .set("rows_read", run.metrics().rowsRead())
        .set("rows_written", scala.collection.JavaConverters.mapAsScalaMap(
            run.metrics().rowsWritten()))
        .set("counts", scala.collection.JavaConverters.mapAsScalaMap(run.counts()))
        .set("error", run.error()).set("config_source", run.configSource())
        .set("spark_app_id", spark.sparkContext().applicationId()).build();
    writer.append(JOB_RUNS, spark.createDataFrame(List.of(row), JOB_RUNS.schema()));
  }
}
