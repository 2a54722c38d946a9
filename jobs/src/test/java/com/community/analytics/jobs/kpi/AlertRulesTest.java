package com.community.analytics.jobs.kpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Each alert rule fires on a day crafted to break it and stays quiet on a normal day; every
 * alert names its rule, observed value, threshold and date.
 */
class AlertRulesTest {
  private static final LocalDate D = LocalDate.of(2026, 3, 10);
  private static final KpiSettings.Alerts THRESHOLDS =
      new KpiSettings.Alerts(50, 0.05, 0.02, 0.25, false, 7, 3, 0.5, 2.0, 3, 6);
  /** Six hours after D ended in Shanghai. */
  private static final Instant DEADLINE = Instant.parse("2026-03-10T22:00:00Z");
  private static final Instant ON_TIME = Instant.parse("2026-03-10T16:30:00Z");
  private static final Map<Kpi, KpiTarget> TARGETS = Map.of(
      Kpi.DAU, new KpiTarget(1000, true, 0.1),
      Kpi.CONVERSION_RATE, new KpiTarget(0.10, true, 0.5));

  /** Seven days of conversion 0.20, DAU 1000, 10 complaints; then the day's own values. */
  private static List<KpiBoard.Line> board(double conversion, double dau, double complaints) {
    Map<LocalDate, Map<Kpi, Double>> values = new TreeMap<>();
    for (int k = 7; k >= 0; k--) {
      Map<Kpi, Double> day = new EnumMap<>(Kpi.class);
      day.put(Kpi.CONVERSION_RATE, k == 0 ? conversion : 0.20);
      day.put(Kpi.DAU, k == 0 ? dau : 1000.0);
      day.put(Kpi.COMPLAINTS, k == 0 ? complaints : 10.0);
      values.put(D.minusDays(k), day);
    }
    return KpiBoard.build(values, TARGETS, D, D, 7);
  }

  /** A folder of {@code rows} raw rows, 1% quarantined, logins and purchases, on time. */
  private static AlertRules.FolderQuality folder(long rows) {
    return new AlertRules.FolderQuality(rows, rows / 100, Map.of("login", rows / 2,
        "purchase", rows / 10), ON_TIME);
  }

  private static List<AlertRules.FolderQuality> week(long rows) {
    return java.util.Collections.nCopies(7, folder(rows));
  }

  private static AlertRules.DataHealth health(AlertRules.FolderQuality today,
      List<AlertRules.FolderQuality> trailing) {
    return new AlertRules.DataHealth(D, "/lake/raw/events/dt=" + D, true, 4, true, today,
        trailing, DEADLINE, List.of(), Map.of());
  }

  private static AlertRules.DataHealth healthy() {
    return new AlertRules.DataHealth(D, "/lake/raw/events/dt=" + D, true, 4, true,
        new AlertRules.FolderQuality(10_100, 100, Map.of("login", 5000L, "purchase", 1000L),
            DEADLINE), week(10_000), DEADLINE, List.of(),
        Map.of("tenure_days", 0.1, "orders", 0.249));
  }

  private static List<AlertRules.Alert> alerts(List<KpiBoard.Line> board,
      AlertRules.DataHealth health) {
    return AlertRules.evaluate(board, health, THRESHOLDS);
  }

  private static AlertRules.Alert only(List<AlertRules.Alert> alerts, String rule) {
    List<AlertRules.Alert> matching = alerts.stream().filter(a -> a.rule().equals(rule))
        .toList();
    assertEquals(1, matching.size(), rule + " in " + alerts);
    assertEquals(D, matching.get(0).date());
    return matching.get(0);
  }

  @Test
  void aNormalDayRaisesNothing() {
    // Conversion 4.9% below its mean, 50 complaints, quarantine share 0.99%, PSI 0.249.
    assertEquals(List.of(), alerts(board(0.1902, 1000, 50), healthy()));
  }

  @Test
  void levelOneComplaintsAboveFiftyInADay() {
    AlertRules.Alert a = only(alerts(board(0.20, 1000, 51), healthy()), "complaints_per_day");
    assertEquals(1, a.level());
    assertEquals(51.0, a.observed());
    assertEquals(50.0, a.threshold());
  }

  @Test
  void levelTwoConversionMoreThanFivePercentBelowItsTrailingMean() {
    AlertRules.Alert a = only(alerts(board(0.189, 1000, 10), healthy()), "conversion_drop");
    assertEquals(2, a.level());
    assertEquals(0.189, a.observed(), 1e-12);
    assertEquals(0.19, a.threshold(), 1e-12);
    assertTrue(a.message().contains("5.5% below"), a.message());
  }

  @Test
  void levelTwoAKpiTurningRedButNotOneStayingRed() {
    AlertRules.Alert a = only(alerts(board(0.20, 899, 10), healthy()), "kpi_turned_red");
    assertEquals(2, a.level());
    assertEquals("dau", a.subject());
    assertEquals(899.0, a.observed());
    assertEquals(900.0, a.threshold(), 1e-9);

    Map<LocalDate, Map<Kpi, Double>> stillRed = new TreeMap<>();
    stillRed.put(D.minusDays(1), new EnumMap<>(Map.of(Kpi.DAU, 800.0)));
    stillRed.put(D, new EnumMap<>(Map.of(Kpi.DAU, 700.0)));
    assertEquals(List.of(), alerts(KpiBoard.build(stillRed, TARGETS, D, D, 7), healthy()));
  }

  @Test
  void levelThreeRawFolderMissingEmptyOrWithoutSuccessMarker() {
    AlertRules.Alert missing = only(alerts(board(0.20, 1000, 10), new AlertRules.DataHealth(D,
        "/lake/raw/events/dt=" + D, false, 0, false, null, week(10_000), DEADLINE, List.of(),
        Map.of())), "raw_folder_missing");
    assertEquals(3, missing.level());
    assertTrue(missing.message().contains("dt=" + D), missing.message());

    List<AlertRules.Alert> empty = alerts(board(0.20, 1000, 10), new AlertRules.DataHealth(D,
        "f", true, 0, true, null, List.of(), DEADLINE, List.of(), Map.of()));
    assertEquals(3, only(empty, "raw_folder_empty").level());
    assertEquals(1, empty.size(), "an empty complete folder is only empty: " + empty);

    List<AlertRules.Alert> incomplete = alerts(board(0.20, 1000, 10),
        new AlertRules.DataHealth(D, "f", true, 3, false, new AlertRules.FolderQuality(10_000, 0,
            Map.of("login", 5000L), null), List.of(), DEADLINE, List.of(), Map.of()));
    assertEquals(3, only(incomplete, "raw_success_missing").level());
    assertEquals(1, incomplete.size());
  }

  @Test
  void levelThreeQuarantineShareAboveItsThreshold() {
    AlertRules.Alert a = only(alerts(board(0.20, 1000, 10), health(
        new AlertRules.FolderQuality(10_000, 300, Map.of("login", 5000L), ON_TIME), List.of())),
        "quarantine_share");
    assertEquals(3, a.level());
    assertEquals(0.03, a.observed(), 1e-12);
    assertEquals(0.02, a.threshold());
    assertEquals("ops.data_quality", a.subject());
    assertEquals(List.of(), alerts(board(0.20, 1000, 10), health(
        new AlertRules.FolderQuality(10_000, 200, Map.of("login", 5000L), ON_TIME), List.of())),
        "exactly 2% is not above 2%");
  }

  @Test
  void levelThreeAJobFailureAndChurnDrift() {
    List<AlertRules.Alert> alerts = alerts(board(0.20, 1000, 10), new AlertRules.DataHealth(D,
        "f", true, 4, true, folder(10_000), week(10_000), DEADLINE,
        List.of(new AlertRules.FailedRun("features", "run-7", "out of memory")),
        Map.of("tenure_days", 0.25, "orders", 0.1)));
    AlertRules.Alert failed = only(alerts, "job_failed");
    assertEquals(3, failed.level());
    assertEquals("features", failed.subject());
    assertTrue(failed.message().contains("out of memory"), failed.message());
    AlertRules.Alert drift = only(alerts, "churn_drift");
    assertEquals("tenure_days", drift.subject());
    assertEquals(0.25, drift.observed());
    assertEquals(0.25, drift.threshold());
    assertEquals(2, alerts.size(), alerts.toString());
  }

  @Test
  void levelThreeVolumeOutsideItsBoundsAroundTheTrailingMedian() {
    // Median 10,000 over seven days (one outlier day does not move it).
    List<AlertRules.FolderQuality> trailing = new java.util.ArrayList<>(week(10_000));
    trailing.set(2, folder(90_000));
    for (long inside : new long[] {5_000, 10_000, 20_000}) {
      assertEquals(List.of(), alerts(board(0.20, 1000, 10), health(folder(inside), trailing)),
          inside + " rows: within 0.5x-2x of the median");
    }
    AlertRules.Alert low = only(alerts(board(0.20, 1000, 10), health(folder(4_999), trailing)),
        "raw_volume_anomaly");
    assertEquals(3, low.level());
    assertEquals(4_999.0, low.observed());
    assertEquals(5_000.0, low.threshold());
    assertTrue(low.message().contains("below 0.50 x their median 10000 over the 7 days"),
        low.message());
    AlertRules.Alert high = only(alerts(board(0.20, 1000, 10), health(folder(20_001),
        trailing)), "raw_volume_anomaly");
    assertEquals(20_000.0, high.threshold());
    assertEquals(List.of(), alerts(board(0.20, 1000, 10), health(folder(100),
        week(10_000).subList(0, 2))), "two trailing days are too few to compare with");
  }

  @Test
  void levelThreeAnEventTypeWithATypicalVolumeAndNoRowToday() {
    List<AlertRules.FolderQuality> trailing = new java.util.ArrayList<>();
    long[] checkins = {0, 0, 3, 4, 5, 6, 7};
    long[] complaints = {0, 0, 0, 0, 1, 2, 0};
    for (int k = 0; k < 7; k++) {
      trailing.add(new AlertRules.FolderQuality(10_000, 0, Map.of("login", 5000L,
          "checkin", checkins[k], "complaint", complaints[k], "share", 2L), ON_TIME));
    }
    AlertRules.FolderQuality today = new AlertRules.FolderQuality(10_000, 0,
        Map.of("login", 5000L), ON_TIME);
    AlertRules.Alert vanished = only(alerts(board(0.20, 1000, 10), health(today, trailing)),
        "event_type_vanished");
    assertEquals("checkin", vanished.subject(),
        "complaints (median 0) and shares (median 2) are under vanish_min_rows 3: often "
            + "absent by chance");
    assertEquals(4.0, vanished.threshold());
    assertEquals(0.0, vanished.observed());
    assertEquals(List.of(), alerts(board(0.20, 1000, 10), health(new AlertRules.FolderQuality(
        10_000, 0, Map.of("login", 5000L, "checkin", 1L), ON_TIME), trailing)));
  }

  @Test
  void levelThreeAFolderCompletedAfterItsDeadline() {
    assertEquals(List.of(), alerts(board(0.20, 1000, 10), health(
        new AlertRules.FolderQuality(10_000, 0, Map.of("login", 5000L, "purchase", 1000L),
            DEADLINE), week(10_000))),
        "completed at the deadline is on time");
    AlertRules.Alert late = only(alerts(board(0.20, 1000, 10), health(
        new AlertRules.FolderQuality(10_000, 0, Map.of("login", 5000L, "purchase", 1000L),
            DEADLINE.plusSeconds(90 * 60)),
        week(10_000))), "raw_folder_late");
    assertEquals(3, late.level());
    assertEquals(1.5, late.observed(), 1e-12);
    assertEquals(6.0, late.threshold());
    assertTrue(late.message().contains("1.5 hours after its deadline"), late.message());
  }
}
