package com.community.analytics.jobs.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.community.analytics.common.catalog.Catalog;
import com.community.analytics.common.catalog.SharedTables;
import com.community.analytics.common.catalog.SilverTables;
import com.community.analytics.common.catalog.TableSpec;
import com.community.analytics.common.cli.JobArgs;
import com.community.analytics.common.cli.JobOption;
import com.community.analytics.common.cli.UsageException;
import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.config.CommonKeys;
import com.community.analytics.common.config.ConfigKey;
import com.community.analytics.common.job.Job;
import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.spark.Phases;
import com.community.analytics.common.time.DateRange;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code features --date D} (or {@code --from/--to}): member features from silver.
 *
 * <p>Inputs: silver.events (the event dates whose events arrived in the run's dates, found by
 * arrival_date), silver.users, silver.content, and bounded windows of the gold tables below.
 * Outputs: gold.user_activity_daily (the touched dates), gold.user_state (every day from the
 * earliest touched date to D), and for the snapshot dates (D, and in a backfill every {@code
 * features.snapshot_every_days}-th day) gold.user_ltv, gold.ltv_model_fits and gold.user_tags.
 *
 * <p>Cost: nightly, state(D) = state(D-1) + day D (and the days late events touched, in the
 * same pass), reading four daily partitions per day; a date range without the previous day's
 * state is computed from history in one pass instead. The LTV step ({@link LtvStep}) fits on
 * the driver over summaries of at most {@code ltv.fit_max_summary_rows} rows; three small
 * collects per snapshot batch. Tags ({@link Tags}) are the last step.
 */
public final class FeaturesJob implements Job {
  private static final Logger LOG = LoggerFactory.getLogger(FeaturesJob.class);

  public static final ConfigKey PASSIVE_TYPES = ConfigKey.tree("features.passive_event_types",
      "event types that do not make a member active (e.g. push_sent)");
  public static final ConfigKey SNAPSHOT_EVERY = ConfigKey.integer(
      "features.snapshot_every_days", 7, "in a backfill, LTV and tags are written for every "
          + "Nth day (by epoch day) and the last day").atLeast(1);
  public static final ConfigKey MAX_INCREMENTAL_DAYS = ConfigKey.integer(
      "features.max_incremental_days", 14, "state is rolled forward day by day for at most this "
          + "many days; longer ranges are computed from history in one pass");
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
            + "last N days (gold.ltv_model_fits, segment holdout:*)"));
  }

  @Override
  public List<Catalog.Table> tables() {
    return List.of(
        Catalog.members(SharedTables.ACTIVITY_DAILY, "user_id", Catalog.Erasure.DELETE_ROWS),
        Catalog.members(SharedTables.USER_STATE, "user_id", Catalog.Erasure.DELETE_ROWS),
        Catalog.members(FeatureTables.USER_LTV, "user_id", Catalog.Erasure.DELETE_ROWS),
        Catalog.members(SharedTables.USER_TAGS, "user_id", Catalog.Erasure.DELETE_ROWS),
        Catalog.aggregate(FeatureTables.LTV_MODEL_FITS));
  }

  @Override
  public List<ConfigKey> configKeys() {
    List<ConfigKey> keys = new ArrayList<>(List.of(PASSIVE_TYPES, SNAPSHOT_EVERY,
        MAX_INCREMENTAL_DAYS));
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
  public void run(JobContext ctx) {
    SparkSession spark = ctx.spark();
    AppConfig config = ctx.config();
    TagRules rules = TagRules.from(config);
    DateRange range = ctx.args().requireDates();
    Set<String> passive = new HashSet<>();
    ((List<?>) config.getTree(PASSIVE_TYPES)).forEach(t -> passive.add(String.valueOf(t)));

    Dataset<Row> events = ctx.warehouse().read(SilverTables.EVENTS);
    TreeSet<LocalDate> activityDates = Phases.run(spark, name(), "find touched dates", () ->
        touchedDates(events, range));
    Dataset<Row> activity = ActivityDaily.aggregate(
        events.where(col("event_date").isin(DateRange.sqlValues(activityDates))),
        ctx.warehouse().read(SilverTables.CONTENT), passive, rules.interests());
    ctx.replace(SharedTables.ACTIVITY_DAILY, activity,
        "activity_date IN (" + DateRange.sqlList(activityDates) + ")");
    ctx.metrics().count("activity_dates", activityDates.size());

    LocalDate first = activityDates.first();
    Dataset<Row> users = UserState.users(ctx.warehouse().read(SilverTables.USERS),
        config.getString(CommonKeys.TIME_ZONE));
    writeState(ctx, users, first, range.to());

    List<LocalDate> snapshots = DateRange.of(first, range.to())
        .snapshotDays(config.getInt(SNAPSHOT_EVERY));
    Dataset<Row> state = ctx.warehouse().read(SharedTables.USER_STATE)
        .where(col("as_of_date").isin(DateRange.sqlValues(snapshots)));
    Dataset<Row> ltv = LtvStep.write(ctx, state, snapshots, rules);
    Dataset<Row> tags = Tags.tag(state, ltv, ctx.warehouse().read(SharedTables.ACTIVITY_DAILY)
        .where(col("activity_date").geq(lit(Date.valueOf(first.minusDays(
            rules.interests().windowDays())))).and(col("activity_date").leq(
            lit(Date.valueOf(range.to()))))), rules);
    ctx.replace(SharedTables.USER_TAGS, tags,
        "as_of_date IN (" + DateRange.sqlList(snapshots) + ")");
    ctx.metrics().count("snapshot_dates", snapshots.size());

    ctx.args().option("holdout-days").ifPresent(n ->
        LtvStep.holdout(ctx, range.to(), Integer.parseInt(n)));
  }

  /** Event dates whose events arrived in the run's dates, plus the run's dates themselves. */
  private static TreeSet<LocalDate> touchedDates(Dataset<Row> events, DateRange range) {
    TreeSet<LocalDate> dates = new TreeSet<>(range.days());
    for (Row r : events.where(col("arrival_date").between(Date.valueOf(range.from()),
        Date.valueOf(range.to()))).select("event_date").distinct().collectAsList()) {
      LocalDate d = r.<Date>getAs("event_date").toLocalDate();
      if (!d.isAfter(range.to())) {
        dates.add(d);
      }
    }
    return dates;
  }

  private void writeState(JobContext ctx, Dataset<Row> users, LocalDate from, LocalDate to) {
    TableSpec table = SharedTables.USER_STATE;
    LocalDate before = from.minusDays(1);
    long days = to.toEpochDay() - from.toEpochDay() + 1;
    boolean havePrevious = ctx.warehouse().exists(table) && !ctx.warehouse().read(table)
        .where(col("as_of_date").equalTo(lit(Date.valueOf(before)))).limit(1).isEmpty();
    if (havePrevious && days <= ctx.config().getInt(MAX_INCREMENTAL_DAYS)) {
      Dataset<Row> next = UserState.advance(stateOn(ctx, before),
          ctx.warehouse().read(SharedTables.ACTIVITY_DAILY).where(col("activity_date")
              .isin(DateRange.sqlValues(UserState.advanceReads(from, to)))), users, from, to);
      ctx.replace(table, next, DateRange.of(from, to).sqlBetween("as_of_date"));
      ctx.metrics().count("state_days_incremental", days);
    } else {
      LOG.info("features: state {}..{} computed from history ({})", from, to,
          havePrevious ? "range longer than features.max_incremental_days"
              : "no state for " + before);
      Dataset<Row> full = UserState.fromHistory(ctx.warehouse().read(
          SharedTables.ACTIVITY_DAILY), users, from, to);
      ctx.replace(table, full, DateRange.of(from, to).sqlBetween("as_of_date"));
      ctx.metrics().count("state_days_from_history", days);
    }
  }

  static Dataset<Row> stateOn(JobContext ctx, LocalDate day) {
    return ctx.warehouse().read(SharedTables.USER_STATE)
        .where(col("as_of_date").equalTo(lit(Date.valueOf(day))));
  }
}
