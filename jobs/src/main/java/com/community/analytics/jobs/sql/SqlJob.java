package com.community.analytics.jobs.sql;

import com.community.analytics.common.cli.JobArgs;
import com.community.analytics.common.cli.JobOption;
import com.community.analytics.common.cli.ResultFormatter;
import com.community.analytics.common.cli.UsageException;
import com.community.analytics.common.config.ConfigKey;
import com.community.analytics.common.job.Job;
import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.job.JobResult;
import com.community.analytics.common.job.JobRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code sql "select ..."}: runs queries against the catalog (tables resolve by name) and
 * prints each result, as an aligned table or tab-separated values for scripts. Without a query
 * it reads statements from standard input, each ended by {@code ;} (a prompt when input is a
 * terminal), so one session serves many queries; a line {@code \echo text} between statements
 * prints its text (for scripts such as the demo); a failing statement prints one line and the
 * session goes on, and the exit code is then 1. Read-only, so it is not recorded in
 * ops.job_runs. Cost: each query, then a collect of at most {@code sql.max_rows} rows to the
 * driver.
 */
public final class SqlJob implements Job {
  public static final ConfigKey<Integer> MAX_ROWS = ConfigKey.integer("sql.max_rows", 1000,
      "most rows the sql job prints");

  /** A line of standard input that prints its text instead of running (psql's meta-command). */
  static final String ECHO = "\\echo";

  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;

  /** A sql job with a query argument only (no standard input to read). */
  public SqlJob(PrintStream out) {
    this(InputStream.nullInputStream(), out, System.err);
  }

  public SqlJob(InputStream in, PrintStream out, PrintStream err) {
    this.in = in;
    this.out = out;
    this.err = err;
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
            + " several queries separated by ; print one result each; without it, statements"
            + " ended by ; are read from standard input"));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return List.of(MAX_ROWS);
  }

  @Override
  public void check(JobArgs args) {
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
  public JobResult run(JobContext ctx) throws IOException {
    int maxRows = ctx.config().get(MAX_ROWS);
    String format = ctx.args().option("format").orElse("table");
    Optional<String> query = ctx.args().option("query");
    if (query.isPresent()) {
      List<String> statements = statements(query.get());
      for (int i = 0; i < statements.size(); i++) {
        String result = result(ctx, statements.get(i), maxRows, format);
        out.print((i > 0 ? "\n" : "") + result);
      }
      out.flush();
    } else {
      interactive(ctx, maxRows, format);
    }
    return JobResult.NONE;
  }

  /** Statements from standard input, each run once its {@code ;} is read; errors go on. */
  private void interactive(JobContext ctx, int maxRows, String format) throws IOException {
    boolean prompt = System.console() != null && in == System.in;
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    StringBuilder pending = new StringBuilder();
    int run = 0;
    int failed = 0;
    boolean afterResult = false;
    while (true) {
      if (prompt) {
        out.print(pending.toString().isBlank() ? "sql> " : "  -> ");
        out.flush();
      }
      String line = reader.readLine();
      String command = line == null ? "" : line.stripLeading();
      if (pending.toString().isBlank() && (command.equals(ECHO)
          || command.startsWith(ECHO + " "))) {
        // A script's own text between results, as psql's \echo prints it.
        out.println(command.substring(ECHO.length()).replaceFirst("^ ", ""));
        out.flush();
        afterResult = false;
        continue;
      }
      Split split = split(line == null ? pending.toString() : pending + line + "\n");
      List<String> ready = new java.util.ArrayList<>(split.complete());
      if (line == null && !split.rest().isBlank()) {
        ready.add(split.rest().strip());
      }
      pending.setLength(0);
      pending.append(line == null ? "" : split.rest());
      for (String statement : ready) {
        run++;
        try {
          String result = result(ctx, statement, maxRows, format);
          out.print((afterResult ? "\n" : "") + result);
          afterResult = true;
        } catch (Exception e) {
          failed++;
          err.println("error: " + JobRunner.oneLine(e));
        }
        out.flush();
      }
      if (line == null) {
        break;
      }
    }
    if (failed > 0) {
      throw new IllegalStateException(failed + " of " + run + " statements failed");
    }
  }

  /** The statement's result as printed; nothing is printed when the statement fails. */
  private static String result(JobContext ctx, String statement, int maxRows, String format) {
    Dataset<Row> result = ctx.spark().sql(statement);
    List<Row> rows = result.limit(maxRows + 1).collectAsList();
    boolean truncated = rows.size() > maxRows;
    return ResultFormatter.format(result.columns(), truncated ? rows.subList(0, maxRows) : rows,
        format) + (truncated ? "(first " + maxRows + " rows; raise sql.max_rows for more)\n"
        : "");
  }

  /** Splits on semicolons outside quotes and backticks; blank statements are dropped. */
  static List<String> statements(String text) {
    Split split = split(text);
    List<String> out = new java.util.ArrayList<>(split.complete());
    if (!split.rest().isBlank()) {
      out.add(split.rest().strip());
    }
    return out;
  }

  /** The statements ended by a {@code ;} and the text after the last one. */
  record Split(List<String> complete, String rest) {}

  static Split split(String text) {
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
    return new Split(out, current.toString());
  }
}
