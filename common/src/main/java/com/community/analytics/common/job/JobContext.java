package com.community.analytics.common.job;

import com.community.analytics.common.catalog.TableWriter;
import com.community.analytics.common.catalog.Warehouse;
import com.community.analytics.common.cli.JobArgs;
import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.runlog.RunMetrics;
import org.apache.spark.sql.SparkSession;

/** Everything a running job needs: session, config, arguments, warehouse, writer, metrics. */
public record JobContext(SparkSession spark, AppConfig config, JobArgs args, Warehouse warehouse,
    TableWriter writer, RunMetrics metrics) {

  public static JobContext of(SparkSession spark, AppConfig config, JobArgs args) {
    Warehouse warehouse = Warehouse.attach(spark, config);
    return new JobContext(spark, config, args, warehouse, new TableWriter(warehouse),
        new RunMetrics());
  }
}
