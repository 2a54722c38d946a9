package com.community.analytics.common.job;

import com.community.analytics.common.config.CommonKeys;
import com.community.analytics.common.runlog.JobRunLog;
import com.community.analytics.common.runlog.RunMetrics;
import com.community.analytics.common.time.DateRange;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Records one run of a job in {@code ops.job_runs}: for the runner and for a chain's steps. */
final class RunRecords {
  private static final Logger LOG = LoggerFactory.getLogger(RunRecords.class);

  private RunRecords() {}

  /**
   * Appends the run's row, with the counts of its typed result ({@link JobResult#NONE} for a
   * run that failed or was skipped). A failure to record a succeeded run fails the run; a
   * failure to record a failed or skipped one is logged, so the original error stays the one
   * reported.
   */
  static void record(Job job, JobContext context, Instant started, String status,
      JobResult result, String error) {
    if (!job.recordsRun()) {
      return;
    }
    RunMetrics m = context.metrics();
    DateRange dates = context.args().dates().orElse(null);
    JobRunLog.JobRun run = new JobRunLog.JobRun(context.runId(), job.name(),
        context.config().get(CommonKeys.ENV_NAME), dates, status, started, Instant.now(), m,
        result.counts(), error, context.config().source());
    try {
      JobRunLog.record(context.spark(), context.writer(), run);
      LOG.info("{} {}: read {}, written {}, counts {}", job.name(), status, m.rowsRead(),
          m.rowsWritten(), result);
    } catch (RuntimeException e) {
      if ("succeeded".equals(status)) {
        throw e;
      }
      LOG.error("could not record the {} run in ops.job_runs", status, e);
    }
  }
}
