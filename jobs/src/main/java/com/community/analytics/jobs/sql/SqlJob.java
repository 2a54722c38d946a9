package com.community.analytics.jobs.sql;

import com.community.analytics.common.cli.JobArgs;
import com.community.analytics.common.cli.JobOption;
import com.community.analytics.common.cli.UsageException;
import com.community.analytics.common.config.ConfigKey;
import com.community.analytics.common.job.Job;
import com.community.analytics.common.job.JobContext;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code sql "select ..."}: runs one query against the catalog (tables resolve by name) and
 * prints the result, as an aligned table or tab-separated values for scripts. Read-only, so it
 * is not recorded in ops.job_runs. Cost: the query, then a collect of at most {@code
 * sql.max_rows} rows to the driver.
 */
public final class SqlJob implements Job {
  public static final ConfigKey MAX_ROWS = ConfigKey.integer("sql.max_rows", 1000,
      "most rows the sql job prints");

  private final PrintStream out;

  public SqlJob(PrintStream out) {
    this.out = out;
  }

  @Override
  public String name() {
    return "sql";
  }

  @Override
  public String description() {
    return "print the result of a SQL query against the curated tables";
  }

  @Override
  public List<JobOption> options() {
    return List.of(JobOption.value("format", "table|tsv", "output format (default table)"),
        JobOption.argument("query", "the SQL query, e.g. \"select count(*) from silver.events\""));
  }

  @Override
  public List<ConfigKey> configKeys() {
    return List.of(MAX_ROWS);
  }

  @Override
  public void check(JobArgs args) {
    if (args.option("query").isEmpty()) {
      throw new UsageException("sql needs a query argument");
    }
    String format = args.option("format").orElse("table");
    if (!format.equals("table") && !format.equals("tsv")) {
      throw new UsageException("--format must be table or tsv, got '" + format + "'");
    }
  }

  @Override
  public boolean recordsRun() {
    return false;
  }

  @Override
  public void run(JobContext ctx) {
    int maxRows = ctx.config().getInt(MAX_ROWS);
    Dataset<Row> result = ctx.spark().sql(ctx.args().option("query").orElseThrow());
    List<Row> rows = result.limit(maxRows + 1).collectAsList();
    boolean truncated = rows.size() > maxRows;
    List<Row> shown = truncated ? rows.subList(0, maxRows) : rows;
    String format = ctx.args().option("format").orElse("table");
    out.print(ResultFormatter.format(result.columns(), shown, format));
    if (truncated) {
      out.println("(first " + maxRows + " rows; raise sql.max_rows for more)");
    }
    out.flush();
  }
}
