package com.community.analytics.common.job;

import com.community.analytics.common.catalog.Catalog;
import com.community.analytics.common.cli.JobArgs;
import com.community.analytics.common.cli.JobOption;
import com.community.analytics.common.config.ConfigKey;
import java.util.List;

/**
 * A job: a name the command line selects, its options and config keys, and a body that runs
 * with a {@link JobContext}. The runner does the rest (parsing, config, session, run log, exit
 * codes), so a job holds only its own logic.
 */
public interface Job {
  String name();

  /** One line for the job list and {@code --help}. */
  String description();

  /** Options beyond the shared ones ({@code --config --date --from --to --set}). */
  default List<JobOption> options() {
    return List.of();
  }

  /**
   * The options a chain ({@code nightly}) passes on to this job when it runs as a step; by
   * default all of its options.
   */
  default List<JobOption> stepOptions() {
    return options();
  }

  /** Config keys this job reads; together with every other job's they form the schema. */
  default List<ConfigKey<?>> configKeys() {
    return List.of();
  }

  /**
   * The tables this job owns (writes), with how erasure treats each; the catalog of every table
   * is derived from the jobs' lists ({@link JobRunner#catalog()}).
   */
  default List<Catalog.Table> tables() {
    return List.of();
  }

  /** Checks the arguments before a session is built; throw UsageException to exit 2. */
  default void check(JobArgs args) {}

  /** Whether the run is recorded in ops.job_runs (false for read-only jobs like sql). */
  default boolean recordsRun() {
    return true;
  }

  /**
   * Runs the job; returns what it did as a typed record ({@link JobResult}), whose counts the
   * runner records in {@code ops.job_runs}.
   */
  JobResult run(JobContext context) throws Exception;
}
