package com.community.analytics.jobs.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.community.analytics.common.catalog.SharedTables;
import com.community.analytics.common.catalog.SilverTables;
import com.community.analytics.common.catalog.TableSpec;
import com.community.analytics.common.config.CommonKeys;
import com.community.analytics.common.config.ConfigKey;
import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.time.DateRange;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state step of {@code features}: gold.user_state for every day of a range. Cost: with the
 * previous day's state and a short range, state(D) = state(D-1) + day D, reading four daily
 * partitions of activity per day; otherwise one pass over the activity history.
 */
final class StateStep {
  private static final Logger LOG = LoggerFactory.getLogger(StateStep.class);

  static final ConfigKey<Integer> MAX_INCREMENTAL_DAYS = ConfigKey.integer(
      "features.max_incremental_days", 14, "state is rolled forward day by day for at most this "
          + "many days; longer ranges are computed from history in one pass");

  /** How a run computed the state of its days. */
  enum Mode { INCREMENTAL, FROM_HISTORY }

  private StateStep() {}

  /** Writes the state of {@code from..to}; returns how it was computed. */
  static Mode write(JobContext ctx, LocalDate from, LocalDate to) {
    TableSpec table = SharedTables.USER_STATE;
    Dataset<Row> users = UserState.users(ctx.warehouse().read(SilverTables.USERS),
        ctx.config().get(CommonKeys.TIME_ZONE));
    LocalDate before = from.minusDays(1);
    long days = to.toEpochDay() - from.toEpochDay() + 1;
    boolean havePrevious = ctx.warehouse().exists(table) && !stateOn(ctx, before).limit(1)
        .isEmpty();
    // A state written before first_purchase_day_gmv existed (the column absent, or null where
    // the member had bought) cannot carry it forward.
    Dataset<Row> previous = stateOn(ctx, before);
    boolean complete = havePrevious
        && List.of(previous.columns()).contains("first_purchase_day_gmv")
        && previous.where(col("first_purchase_date").isNotNull()
            .and(col("first_purchase_day_gmv").isNull())).limit(1).isEmpty();
    Dataset<Row> state;
    Mode mode;
    if (complete && days <= ctx.config().get(MAX_INCREMENTAL_DAYS)) {
      state = UserState.advance(stateOn(ctx, before),
          ctx.warehouse().read(SharedTables.ACTIVITY_DAILY).where(col("activity_date")
              .isin(DateRange.sqlValues(UserState.advanceReads(from, to)))), users, from, to);
      mode = Mode.INCREMENTAL;
    } else {
      LOG.info("features: state {}..{} computed from history ({})", from, to,
          !havePrevious ? "no state for " + before : !complete ? "the state of " + before
              + " predates first_purchase_day_gmv" : "range longer than "
              + "features.max_incremental_days");
      state = UserState.fromHistory(ctx.warehouse().read(SharedTables.ACTIVITY_DAILY), users,
          from, to);
      mode = Mode.FROM_HISTORY;
    }
    ctx.replace(table, state, DateRange.of(from, to).sqlBetween("as_of_date"));
    return mode;
  }

  /** The members' state as of {@code day}. */
  static Dataset<Row> stateOn(JobContext ctx, LocalDate day) {
    return ctx.warehouse().read(SharedTables.USER_STATE)
        .where(col("as_of_date").equalTo(lit(Date.valueOf(day))));
  }
}
