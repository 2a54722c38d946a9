package com.community.analytics.common.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Backfill snapshot dates: every Nth epoch day and the last day, whatever the range. */
class DateRangeTest {

  @Test
  void snapshotDaysAreEpochMultiplesPlusTheLastDay() {
    // 2026-03-05 is epoch day 20517 = 7 x 2931.
    DateRange range = DateRange.of(LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 20));
    assertEquals(List.of(LocalDate.of(2026, 3, 5), LocalDate.of(2026, 3, 12),
        LocalDate.of(2026, 3, 19), LocalDate.of(2026, 3, 20)), range.snapshotDays(7));
    assertEquals(List.of(LocalDate.of(2026, 3, 12), LocalDate.of(2026, 3, 19)),
        DateRange.of(LocalDate.of(2026, 3, 6), LocalDate.of(2026, 3, 19)).snapshotDays(7),
        "the last day is a multiple: listed once");
    assertEquals(List.of(LocalDate.of(2026, 3, 20)),
        DateRange.of(LocalDate.of(2026, 3, 20), LocalDate.of(2026, 3, 20)).snapshotDays(7));
    assertEquals("'2026-03-01', '2026-03-02'", DateRange.sqlList(
        List.of(LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 2))));
  }
}
