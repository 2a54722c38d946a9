package com.community.analytics.common.time;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/** An inclusive range of business dates, as given by {@code --date} or {@code --from/--to}. */
public record DateRange(LocalDate from, LocalDate to) implements Serializable {

  public DateRange {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (from.isAfter(to)) {
      throw new IllegalArgumentException("range starts after it ends: " + from + " > " + to);
    }
  }

  public static DateRange of(LocalDate from, LocalDate to) {
    return new DateRange(from, to);
  }

  public List<LocalDate> days() {
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      days.add(d);
    }
    return days;
  }

  /**
   * The dates a backfill writes snapshots for: the range's last day, and every Nth day (by epoch
   * day, so a nightly run and a backfill pick the same dates).
   */
  public List<LocalDate> snapshotDays(int every) {
    List<LocalDate> dates = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      if (d.equals(to) || d.toEpochDay() % every == 0) {
        dates.add(d);
      }
    }
    return dates;
  }

  /**
   * The SQL predicate of this range on a date column, the one form every job writes a range in
   * (Delta's replaceWhere, OPTIMIZE WHERE, reads): {@code `event_date` BETWEEN '2026-11-20' AND
   * '2026-11-21'}.
   */
  public String sqlBetween(String column) {
    return "`" + column + "` BETWEEN '" + from + "' AND '" + to + "'";
  }

  /** Dates as SQL literals for a predicate: {@code '2026-11-20', '2026-11-21'}. */
  public static String sqlList(Collection<LocalDate> dates) {
    return String.join(", ", dates.stream().map(d -> "'" + d + "'").toList());
  }

  /** Dates as java.sql.Date values for {@code Column.isin}. */
  public static Object[] sqlValues(Collection<LocalDate> dates) {
    return dates.stream().map(java.sql.Date::valueOf).toArray();
  }

  public boolean contains(LocalDate date) {
    return !date.isBefore(from) && !date.isAfter(to);
  }

  @Override
  public String toString() {
    return from.equals(to) ? from.toString() : from + ".." + to;
  }
}
