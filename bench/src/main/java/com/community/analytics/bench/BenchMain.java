package com.community.analytics.bench;

import com.community.analytics.common.job.Job;
import com.community.analytics.common.job.JobRunner;
import com.community.analytics.jobs.Main;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark launcher: every job of the jobs jar plus the model-cost benchmarks ({@code
 * bench-ltv-fit}, {@code bench-churn-train}, {@code bench-markov}), with the jobs' CLI and config
 * conventions. bench/run starts it through bin/community ({@code COMMUNITY_MAIN}); it is not
 * shipped in the jobs jar.
 */
public final class BenchMain {
  private BenchMain() {}

  public static JobRunner runner() {
    List<Job> jobs = new ArrayList<>(Main.jobs());
    jobs.addAll(List.of(new LtvFitBench(), new ChurnTrainBench(), new MarkovBench()));
    return new JobRunner("community-bench", jobs);
  }

  public static void main(String[] args) {
    System.exit(runner().run(args, System.out, System.err));
  }
}
