package com.community.analytics.common.job;

import com.community.analytics.common.catalog.TableWriter;
import com.community.analytics.common.catalog.Warehouse;
import com.community.analytics.common.cli.JobArgs;
import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.runlog.RunMetrics;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;

/**
 * Everything a running job needs: session, config, arguments, warehouse, writer, metrics, and
 * the run id that {@code ops.job_runs} records the run under.
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
}
