package com.community.analytics.common.time;

import java.io.Serializable;
import java.time.LocalDate;
import java.util.ArrayList;
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

  public boolean contains(LocalDate date) {
    return !date.isBefore(from) && !date.isAfter(to);
  }

  @Override
  public String toString() {
    return from.equals(to) ? from.toString() : from + ".." + to;
  }
}
