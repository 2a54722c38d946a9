package com.community.analytics.common.job;

import com.community.analytics.common.catalog.Catalog;
import com.community.analytics.common.cli.CommandLine;
import com.community.analytics.common.cli.JobArgs;
import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.config.CommonKeys;
import com.community.analytics.common.config.ConfigException;
import com.community.analytics.common.config.ConfigLoader;
import com.community.analytics.common.config.ConfigSchema;
import com.community.analytics.common.runlog.JobRunLog;
import com.community.analytics.common.spark.SparkSessions;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one entry point behind every job: parses {@code <job> [options]}, loads and checks the
 * config, builds the session, runs the job, records the run in {@code ops.job_runs}, stops the
 * session, and returns the exit code: 0 success, 1 failure (one line on stderr, the stack trace
 * in the log), 2 a usage or config mistake (one line naming it).
 */
public final class JobRunner {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
  /** The effective config goes to its own logger, so local runs keep it in the log file. */
  private static final Logger CONFIG_LOG =
      LoggerFactory.getLogger("com.community.analytics.config");

  private final String program;
  private final Map<String, Job> jobs = new LinkedHashMap<>();
  private final ConfigSchema schema = new ConfigSchema();

  public JobRunner(String program, List<Job> jobs) {
    this.program = program;
    schema.add(CommonKeys.all());
    for (Job job : jobs) {
      this.jobs.put(job.name(), job);
      schema.add(job.configKeys());
    }
  }

  public ConfigSchema schema() {
    return schema;
  }

  /**
   * Every table of these jobs: each job's own tables in the jobs' order (so the source tables
   * come first), then the run log the runner itself writes for every job.
   */
  public Catalog catalog() {
    List<Catalog.Table> tables = new ArrayList<>();
    for (Job job : jobs.values()) {
      tables.addAll(job.tables());
    }
    tables.add(Catalog.aggregate(JobRunLog.JOB_RUNS));
    return Catalog.of(tables);
  }

  public int run(String[] argv, PrintStream out, PrintStream err) {
    if (argv.length == 0 || argv[0].equals("--help") || argv[0].equals("help")) {
      out.println(jobList());
      return argv.length == 0 ? USAGE : OK;
    }
    Job job = jobs.get(argv[0]);
    if (job == null) {
      err.println(program + ": unknown job '" + argv[0] + "'; jobs: "
          + String.join(", ", jobs.keySet()));
      return USAGE;
    }
    JobArgs args;
    AppConfig config;
    try {
      String[] rest = java.util.Arrays.copyOfRange(argv, 1, argv.length);
      CommandLine.Parsed parsed = CommandLine.parse(job.name(), program + " " + job.name(),
          job.description(), job.options(), rest);
      if (parsed.isHelp()) {
        out.println(parsed.help());
        return OK;
      }
      args = parsed.args();
      job.check(args);
      config = new ConfigLoader(schema).load(args.configFile(), args.overrides());
      // Every job attaches the warehouse: an unset root is a config mistake, found before a
      // session is built.
      config.get(CommonKeys.WAREHOUSE_ROOT);
    } catch (ConfigException e) {
      err.println(program + " " + job.name() + ": " + oneLine(e));
      return USAGE;
    }
    return execute(job, args, config, err);
  }

  private int execute(Job job, JobArgs args, AppConfig config, PrintStream err) {
    Instant started = Instant.now();
    String runId = UUID.randomUUID().toString();
    SparkSession spark = null;
    JobContext context = null;
    try {
      spark = SparkSessions.create(program + "-" + job.name(), config);
      CONFIG_LOG.info("{} run {} with config {}:\n  {}", job.name(), runId, config.source(),
          String.join("\n  ", config.describe()));
      context = JobContext.of(spark, config, args, runId);
      JobResult result = job.run(context);
      RunRecords.record(job, context, started, "succeeded", result, null);
      return OK;
    } catch (ConfigException e) {
      // A usage or config mistake only a running job can see (e.g. a rule table it checks):
      // exit 2 like those found before the session, recorded as a failed run.
      LOG.error("{} failed", job.name(), e);
      err.println(program + " " + job.name() + ": " + oneLine(e));
      if (context != null) {
        RunRecords.record(job, context, started, "failed", JobResult.NONE, oneLine(e));
      }
      return USAGE;
    } catch (Exception | LinkageError | AssertionError e) {
      LOG.error("{} failed", job.name(), e);
      err.println(program + " " + job.name() + " failed: " + oneLine(e));
      if (context != null) {
        RunRecords.record(job, context, started, "failed", JobResult.NONE, oneLine(e));
      }
      return FAILED;
    } finally {
      if (spark != null) {
        spark.stop();
      }
    }
  }

  private String jobList() {
    StringBuilder sb = new StringBuilder("usage: " + program
        + " <job> [--config FILE] [--date D | --from D --to D] [--set key=value]... "
        + "[job options]\n\njobs:\n");
    for (Job job : jobs.values()) {
      sb.append(String.format("  %-14s %s%n", job.name(), job.description()));
    }
    sb.append("\n").append(program).append(" <job> --help lists the job's options.");
    return sb.toString();
  }

  /** The message of the root cause, on one line. */
  public static String oneLine(Throwable e) {
    Throwable t = e;
    String msg = e.getMessage();
    while ((msg == null || msg.isBlank()) && t.getCause() != null) {
      t = t.getCause();
      msg = t.getMessage();
    }
    if (msg == null || msg.isBlank()) {
      msg = t.getClass().getSimpleName();
    }
    String first = msg.strip().lines().findFirst().orElse(msg);
    return first.length() > 500 ? first.substring(0, 500) + "..." : first;
  }
}
