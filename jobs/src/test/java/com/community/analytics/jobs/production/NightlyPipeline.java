package com.community.analytics.jobs.production;

import com.community.analytics.common.job.Job;
import com.community.analytics.jobs.Main;
import com.community.analytics.jobs.support.JobFixture;
import com.community.analytics.jobs.support.SharedFixture;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/**
 * The nightly pipeline of the production tests, on a small generated lake: the history it
 * stands on (backfills up to the day before, a churn champion) and the nightly jobs of one
 * date, in the order the community_nightly DAG runs them.
 */
final class NightlyPipeline {
  static final LocalDate START = LocalDate.of(2026, 1, 1);
  static final int DAYS = 60;
  static final LocalDate DATE = START.plusDays(DAYS - 1);
  static final List<String> NIGHTLY_JOBS = Main.NIGHT;
  /** Small enough for CI, big enough for three churn cutoffs and every table. */
  static final String SETTINGS = "generator: {members: 300, days: " + DAYS + ", start_date: '"
      + START + "', partitions: 1}\nchurn:\n  cutoffs: 3\n  grid:\n"
      + "    - algorithm: gbt\n      params: {max_depth: 3, max_iter: 8}\n"
      // The tests copy the lake (to S3, to a cluster's folder), which rewrites every _SUCCESS
      // time: arrival is the store's, not the pipeline's, so the late-folder alert is off here
      // (AlertRulesTest and the demo check it).
      + "kpi:\n  alerts:\n    arrival_deadline_hours: 1000000\n";

  /**
   * The generated lake and everything up to the day before {@link #DATE} (backfills and a
   * champion), built once and shared by every production test.
   */
  static final SharedFixture.Recipe HISTORY = new SharedFixture.Recipe("nightly-300x60",
      Map.of(), SETTINGS, List.of(
          List.of("ingest", "--from", START.toString(), "--to", DATE.minusDays(1).toString()),
          List.of("features", "--from", START.toString(), "--to", DATE.minusDays(1).toString()),
          List.of("churn-train", "--date", DATE.minusDays(1).toString())));

  private NightlyPipeline() {}

  static Job job(String name) {
    return Main.jobs().stream().filter(j -> j.name().equals(name)).findFirst().orElseThrow();
  }

  /** The nightly job's arguments for {@link #DATE}. */
  static List<String> nightlyArgs(String job) {
    return List.of(job, "--date", DATE.toString());
  }

  /** The night of {@link #DATE} as one application: {@code nightly}, its default steps. */
  static List<String> oneApplicationArgs() {
    return List.of("nightly", "--date", DATE.toString(), "--color", "never");
  }

  /** The nightly jobs of {@link #DATE}, in-process. */
  static void nightly(JobFixture f) throws Exception {
    for (String name : NIGHTLY_JOBS) {
      List<String> args = nightlyArgs(name);
      f.run(job(name), Map.of(), args.subList(1, args.size()).toArray(new String[0]));
    }
  }
}
