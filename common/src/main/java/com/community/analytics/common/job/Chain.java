package com.community.analytics.common.job;

import com.community.analytics.common.cli.JobArgs;
import com.community.analytics.common.cli.JobOption;
import com.community.analytics.common.cli.UsageException;
import com.community.analytics.common.config.ConfigException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs run one after another in one application: {@code nightly --date D [--steps a,b,...]}
 * runs the chosen steps, always in pipeline order, on one SparkSession, so the JVM, the session
 * and the catalog are paid for once instead of once per job.
 *
 * <p>Each step is recorded in {@code ops.job_runs} as its own run (its own run id, status and
 * counts), exactly as if it had run alone. A step that fails stops the chain: it is recorded as
 * {@code failed}, every step after it as {@code skipped}, and the chain fails with one line
 * naming the step (exit 1; exit 2 when the step found a config mistake). The chain itself is
 * not a run of its own. Options of the steps are the chain's options too, and each step gets
 * only those it declares ({@link Job#stepOptions}).
 *
 * <p>Cost: the sum of its steps, less the per-job start (JVM, session, catalog attach).
 */
public final class Chain implements Job {
  private static final Logger LOG = LoggerFactory.getLogger(Chain.class);

  private final String name;
  private final String description;
  private final Map<String, Job> steps = new LinkedHashMap<>();
  private final List<String> defaultSteps;

  /**
   * @param steps every job the chain may run, in pipeline order
   * @param defaultSteps the names run when {@code --steps} is not given
   */
  public Chain(String name, String description, List<Job> steps, List<String> defaultSteps) {
    this.name = name;
    this.description = description;
    for (Job step : steps) {
      this.steps.put(step.name(), step);
    }
    this.defaultSteps = List.copyOf(defaultSteps);
    if (!this.steps.keySet().containsAll(defaultSteps)) {
      throw new IllegalArgumentException("default steps " + defaultSteps + " not all in "
          + this.steps.keySet());
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public List<JobOption> options() {
    Map<String, JobOption> options = new LinkedHashMap<>();
    options.put("steps", JobOption.value("steps", "a,b,...", "the steps to run, in pipeline "
        + "order whatever the order given (default " + String.join(",", defaultSteps)
        + "; all: " + String.join(",", steps.keySet()) + ")"));
    for (Job step : steps.values()) {
      for (JobOption option : step.stepOptions()) {
        options.putIfAbsent(option.name(), option);
      }
    }
    return List.copyOf(options.values());
  }

  /** The chain is not a run of its own: each step records itself. */
  @Override
  public boolean recordsRun() {
    return false;
  }

  @Override
  public void check(JobArgs args) {
    args.requireDates();
    for (Job step : selected(args)) {
      step.check(argsFor(step, args));
    }
  }

  /** The steps {@code --steps} names (or the defaults), in pipeline order. */
  public List<Job> selected(JobArgs args) {
    List<String> asked = args.option("steps")
        .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty())
            .toList())
        .orElse(defaultSteps);
    if (asked.isEmpty()) {
      throw new UsageException("--steps names no step; steps: "
          + String.join(", ", steps.keySet()));
    }
    for (String s : asked) {
      if (!steps.containsKey(s)) {
        throw new UsageException("unknown step '" + s + "'; steps: "
            + String.join(", ", steps.keySet()));
      }
    }
    Set<String> chosen = Set.copyOf(asked);
    return steps.values().stream().filter(j -> chosen.contains(j.name())).toList();
  }

  @Override
  public Result run(JobContext ctx) throws Exception {
    List<Job> selected = selected(ctx.args());
    LOG.info("{}: steps {}", name, selected.stream().map(Job::name)
        .collect(Collectors.joining(", ")));
    Map<String, JobResult> results = new LinkedHashMap<>();
    for (int i = 0; i < selected.size(); i++) {
      Job step = selected.get(i);
      JobContext stepContext = ctx.forStep(argsFor(step, ctx.args()));
      Instant started = Instant.now();
      JobResult result;
      try {
        result = step.run(stepContext);
      } catch (Exception | LinkageError | AssertionError e) {
        LOG.error("{}: step {} failed", name, step.name(), e);
        RunRecords.record(step, stepContext, started, "failed", JobResult.NONE,
            JobRunner.oneLine(e));
        skipRest(ctx, selected.subList(i + 1, selected.size()), step.name());
        String message = "step " + step.name() + ": " + JobRunner.oneLine(e);
        throw e instanceof ConfigException ? new ConfigException(message, e)
            : new StepFailedException(message, e);
      } finally {
        // A failed step may leave cached data behind; the next step starts clean either way.
        ctx.spark().catalog().clearCache();
      }
      RunRecords.record(step, stepContext, started, "succeeded", result, null);
      results.put(step.name(), result);
    }
    return new Result(Collections.unmodifiableMap(results));
  }

  /** Each step's result, by step name in the order they ran. */
  public record Result(Map<String, JobResult> steps) implements JobResult {}

  private void skipRest(JobContext ctx, List<Job> rest, String failed) {
    for (Job step : rest) {
      Instant now = Instant.now();
      RunRecords.record(step, ctx.forStep(argsFor(step, ctx.args())), now, "skipped",
          JobResult.NONE, "not run: step " + failed + " failed");
    }
  }

  private static JobArgs argsFor(Job step, JobArgs chainArgs) {
    List<String> names = new ArrayList<>();
    for (JobOption option : step.stepOptions()) {
      names.add(option.name());
    }
    return chainArgs.forStep(step.name(), names);
  }

  /** A step of the chain failed; its message names the step. */
  public static final class StepFailedException extends RuntimeException {
    StepFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
