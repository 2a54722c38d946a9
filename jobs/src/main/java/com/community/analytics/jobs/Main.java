package com.community.analytics.jobs;

import com.community.analytics.common.catalog.Catalog;
import com.community.analytics.common.job.Chain;
import com.community.analytics.common.job.Job;
import com.community.analytics.common.job.JobRunner;
import com.community.analytics.jobs.attribution.AttributionJob;
import com.community.analytics.jobs.churn.ChurnScoreJob;
import com.community.analytics.jobs.churn.ChurnTrainJob;
import com.community.analytics.jobs.erasure.ForgetUsersJob;
import com.community.analytics.jobs.features.FeaturesJob;
import com.community.analytics.jobs.generate.GenerateJob;
import com.community.analytics.jobs.ingest.IngestJob;
import com.community.analytics.jobs.kpi.KpiJob;
import com.community.analytics.jobs.maintain.MaintainJob;
import com.community.analytics.jobs.sql.ServeJob;
import com.community.analytics.jobs.sql.SqlJob;
import java.util.ArrayList;
import java.util.List;

/**
 * The entry point of the jobs jar: {@code spark-submit --class
 * com.community.analytics.jobs.Main community-jobs.jar <job> [options]}, or {@code
 * bin/community <job> [options]} locally. Exit codes: 0 success, 1 failure, 2 usage or config
 * mistake.
 */
public final class Main {
  private Main() {}

  /** The steps a night may run, in pipeline order. */
  public static List<Job> nightSteps() {
    return List.of(new IngestJob(), new FeaturesJob(), new ChurnTrainJob(), new ChurnScoreJob(),
        new AttributionJob(), new KpiJob(System.out));
  }

  /** What {@code nightly} runs without {@code --steps}: a night that scores with the champion. */
  public static final List<String> NIGHT =
      List.of("ingest", "features", "churn-score", "attribution", "kpi");

  /** Every job of the jar, in the order the help lists them. */
  public static List<Job> jobs() {
    List<Job> steps = nightSteps();
    List<Job> all = new ArrayList<>();
    all.add(new GenerateJob());
    all.addAll(steps);
    all.add(new Chain("nightly", "run the night's jobs in one application (--steps a,b,...)",
        steps, NIGHT));
    all.addAll(List.of(new SqlJob(System.in, System.out, System.err), new ServeJob(),
        new ForgetUsersJob(System.out, Main::catalog), new MaintainJob(System.out, Main::catalog)));
    return List.copyOf(all);
  }

  public static JobRunner runner() {
    return new JobRunner("community", jobs());
  }

  /** Every table of the jar, as the jobs that own them declare them. */
  public static Catalog catalog() {
    return runner().catalog();
  }

  public static void main(String[] args) {
    System.exit(runner().run(args, System.out, System.err));
  }
}
