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
        JobOption.argument("query", "the SQL query, e.g. \"select count(*) from silver.events\";"
            + " several queries separated by ; print one result each"));
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
    String format = ctx.args().option("format").orElse("table");
    List<String> statements = statements(ctx.args().option("query").orElseThrow());
    for (int i = 0; i < statements.size(); i++) {
      if (i > 0) {
        out.println();
      }
      Dataset<Row> result = ctx.spark().sql(statements.get(i));
      List<Row> rows = result.limit(maxRows + 1).collectAsList();
      boolean truncated = rows.size() > maxRows;
      out.print(ResultFormatter.format(result.columns(),
          truncated ? rows.subList(0, maxRows) : rows, format));
      if (truncated) {
        out.println("(first " + maxRows + " rows; raise sql.max_rows for more)");
      }
    }
    out.flush();
  }

  /** Splits on semicolons outside quotes and backticks; blank statements are dropped. */
  static List<String> statements(String text) {
    List<String> out = new java.util.ArrayList<>();
    StringBuilder current = new StringBuilder();
    char quote = 0;
    for (char c : text.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
      } else if (c == ';') {
        if (!current.toString().isBlank()) {
          out.add(current.toString().strip());
        }
        current.setLength(0);
        continue;
      }
      current.append(c);
    }
    if (!current.toString().isBlank()) {
      out.add(current.toString().strip());
    }
    return out;
  }
}
