package com.community.analytics.jobs.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.community.analytics.common.catalog.Catalog;
import com.community.analytics.common.catalog.SharedTables;
import com.community.analytics.common.cli.JobArgs;
import com.community.analytics.common.cli.JobOption;
import com.community.analytics.common.cli.UsageException;
import com.community.analytics.common.config.ConfigKey;
import com.community.analytics.common.job.Job;
import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.job.JobResult;
import com.community.analytics.common.time.DateRange;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code features --date D} (or {@code --from/--to}): member features from silver.
 *
 * <p>Inputs: silver.events (the event dates whose events arrived in the run's dates, found by
 * arrival_date), silver.users, silver.content, and bounded windows of the gold tables below.
 * Outputs: gold.user_activity_daily (the touched dates), gold.user_state (every day from the
 * earliest touched date to D), and for the snapshot dates (D, and in a backfill every {@code
 * features.snapshot_every_days}-th day) gold.user_ltv, gold.ltv_model_fits, gold.ltv_diagnostics
 * and gold.user_tags.
 *
 * <p>Four steps, each in its own class and testable alone: activity ({@link ActivityStep}),
 * state ({@link StateStep}), LTV ({@link LtvStep}) and tags ({@link Tags}).
 *
 * <p>Cost: nightly, state(D) = state(D-1) + day D (and the days late events touched, in the
 * same pass), reading four daily partitions per day; a date range without the previous day's
 * state is computed from history in one pass instead. The LTV step fits on the driver over
 * summaries of at most {@code ltv.fit_max_summary_rows} rows; three small collects per
 * snapshot batch.
 */
public final class FeaturesJob implements Job {

  public static final ConfigKey<Integer> SNAPSHOT_EVERY = ConfigKey.integer(
      "features.snapshot_every_days", 7, "in a backfill, LTV and tags are written for every "
          + "Nth day (by epoch day) and the last day").atLeast(1);

  @Override
  public String name() {
    return "features";
  }

  @Override
  public String description() {
    return "member activity, cumulative state, LTV (BG/NBD + Gamma-Gamma) and tags";
  }

  @Override
  public List<JobOption> options() {
    return List.of(JobOption.value("holdout-days", "N",
        "also fit on data up to D-N and compare predicted with actual repeat purchases in the "
            + "last N days (gold.ltv_model_fits, segment holdout:*; gold.ltv_diagnostics, "
            + "calibration and tracking)"));
  }

  @Override
  public List<Catalog.Table> tables() {
    return List.of(
        Catalog.members(SharedTables.ACTIVITY_DAILY, "user_id", Catalog.Erasure.DELETE_ROWS),
        Catalog.members(SharedTables.USER_STATE, "user_id", Catalog.Erasure.DELETE_ROWS),
        Catalog.members(FeatureTables.USER_LTV, "user_id", Catalog.Erasure.DELETE_ROWS),
        Catalog.members(SharedTables.USER_TAGS, "user_id", Catalog.Erasure.DELETE_ROWS),
        Catalog.aggregate(FeatureTables.LTV_MODEL_FITS),
        Catalog.aggregate(FeatureTables.LTV_DIAGNOSTICS));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    List<ConfigKey<?>> keys = new ArrayList<>(List.of(ActivityStep.PASSIVE_TYPES,
        SNAPSHOT_EVERY, StateStep.MAX_INCREMENTAL_DAYS));
    keys.addAll(LtvStep.keys());
    keys.addAll(TagRules.keys());
    return keys;
  }

  @Override
  public void check(JobArgs args) {
    args.requireDates();
    args.option("holdout-days").ifPresent(v -> {
      if (!v.matches("[1-9][0-9]*")) {
        throw new UsageException("--holdout-days must be a positive number of days, got '" + v
            + "'");
      }
    });
  }

  @Override
  public Result run(JobContext ctx) {
    TagRules rules = TagRules.from(ctx.config());
    DateRange range = ctx.args().requireDates();
    TreeSet<LocalDate> activityDates = ActivityStep.write(ctx, range, rules);
    LocalDate first = activityDates.first();
    StateStep.Mode mode = StateStep.write(ctx, first, range.to());
    List<LocalDate> snapshots = DateRange.of(first, range.to())
        .snapshotDays(ctx.config().get(SNAPSHOT_EVERY));
    Dataset<Row> state = ctx.warehouse().read(SharedTables.USER_STATE)
        .where(col("as_of_date").isin(DateRange.sqlValues(snapshots)));
    Dataset<Row> ltv = LtvStep.write(ctx, state, snapshots, rules);
    Dataset<Row> tags = Tags.tag(state, ltv, ctx.warehouse().read(SharedTables.ACTIVITY_DAILY)
        .where(col("activity_date").geq(lit(Date.valueOf(first.minusDays(
            rules.interests().windowDays())))).and(col("activity_date").leq(
            lit(Date.valueOf(range.to()))))), rules);
    ctx.replace(SharedTables.USER_TAGS, tags,
        "as_of_date IN (" + DateRange.sqlList(snapshots) + ")");
    ctx.args().option("holdout-days").ifPresent(n ->
        LtvStep.holdout(ctx, range.to(), Integer.parseInt(n)));
    long stateDays = range.to().toEpochDay() - first.toEpochDay() + 1;
    return new Result(activityDates.size(), mode == StateStep.Mode.INCREMENTAL ? stateDays : 0,
        mode == StateStep.Mode.FROM_HISTORY ? stateDays : 0, snapshots.size());
  }

  /**
   * What a run computed: the activity dates it touched, the days of state rolled forward or
   * computed from history (one of the two is zero), and the snapshot dates given LTV and tags.
   */
  public record Result(long activityDates, long stateDaysIncremental, long stateDaysFromHistory,
      long snapshotDates) implements JobResult {}
}
