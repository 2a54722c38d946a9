package com.community.analytics.common.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobResultTest {

  record Sample(long rowsAccepted, int eventDates, String version, double aucPr,
      Map<String, Long> byReason, Map<String, Double> metrics, List<Long> ignored)
      implements JobResult {}

  @Test
  void countsAreTheWholeNumberComponentsBySnakeCaseNameAndMapsByKey() {
    Map<String, Long> reasons = new LinkedHashMap<>();
    reasons.put("wrong_type", 3L);
    reasons.put("unreadable_file", 1L);
    Sample sample = new Sample(7, 2, "v3", 0.8, reasons, Map.of("auc_roc", 0.9), List.of(1L));

    Map<String, Long> expected = new LinkedHashMap<>();
    expected.put("rows_accepted", 7L);
    expected.put("event_dates", 2L);
    expected.put("by_reason.wrong_type", 3L);
    expected.put("by_reason.unreadable_file", 1L);
    assertEquals(expected, sample.counts(), "texts, fractions and lists are not counts");
    assertEquals(List.copyOf(expected.keySet()), List.copyOf(sample.counts().keySet()),
        "in the record's order");
  }

  @Test
  void theEmptyResultCountsNothing() {
    assertEquals(Map.of(), JobResult.NONE.counts());
    assertEquals("level1_alerts", JobResult.snakeCase("level1Alerts"));
    assertEquals("duplicates_in_silver", JobResult.snakeCase("duplicatesInSilver"));
  }
}
