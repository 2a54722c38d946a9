package com.community.analytics.jobs.features;

import static org.apache.spark.sql.functions.col;

import com.community.analytics.common.catalog.SharedTables;
import com.community.analytics.common.catalog.SilverTables;
import com.community.analytics.common.config.ConfigKey;
import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.spark.Phases;
import com.community.analytics.common.time.DateRange;
import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The activity step of {@code features}: gold.user_activity_daily for every event date the
 * run touched (the run's dates and the dates of late events that arrived in them). Cost: one
 * distinct-dates collect, then one aggregation over silver.events of those dates.
 */
final class ActivityStep {
  static final ConfigKey<List<String>> PASSIVE_TYPES = ConfigKey.tree(
      "features.passive_event_types", "event types that do not make a member active (e.g. "
          + "push_sent); may be empty", new TypeReference<List<String>>() {});

  private ActivityStep() {}

  /** Writes the activity of the touched dates; returns them, oldest first. */
  static TreeSet<LocalDate> write(JobContext ctx, DateRange range, TagRules rules) {
    Set<String> passive = Set.copyOf(ctx.config().get(PASSIVE_TYPES));
    Dataset<Row> events = ctx.warehouse().read(SilverTables.EVENTS);
    TreeSet<LocalDate> dates = Phases.run(ctx.spark(), ctx.args().job(), "find touched dates",
        () -> touchedDates(events, range));
    Dataset<Row> activity = ActivityDaily.aggregate(
        events.where(col("event_date").isin(DateRange.sqlValues(dates))),
        ctx.warehouse().read(SilverTables.CONTENT), passive, rules.interests());
    ctx.replace(SharedTables.ACTIVITY_DAILY, activity,
        "activity_date IN (" + DateRange.sqlList(dates) + ")");
    return dates;
  }

  /** Event dates whose events arrived in the run's dates, plus the run's dates themselves. */
  static TreeSet<LocalDate> touchedDates(Dataset<Row> events, DateRange range) {
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
}
