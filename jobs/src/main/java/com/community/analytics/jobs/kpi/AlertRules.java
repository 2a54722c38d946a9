package com.community.analytics.jobs.kpi;

import java.sql.Date;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.stat.descriptive.rank.Median;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The three alert levels, as pure rules over a date's KPI board and the health of its data:
 *
 * <ul>
 *   <li>level 1 (business): complaints above {@code kpi.alerts.complaints_per_day};
 *   <li>level 2 (KPI): conversion rate more than {@code kpi.alerts.conversion_drop} below its
 *       trailing mean; a KPI turning red (red on the date, not red the day before);
 *   <li>level 3 (data or system): the day's raw event folder missing, empty or without
 *       {@code _SUCCESS}; a quarantine share above {@code kpi.alerts.quarantine_share}; the
 *       folder's rows outside {@code kpi.alerts.volume_low} to {@code volume_high} times their
 *       median over the trailing {@code volume_window_days}; an event type with a typical
 *       volume (trailing median at least {@code vanish_min_rows}) and no valid row on the day; the folder completed
 *       later than {@code kpi.alerts.arrival_deadline_hours} after its business day ended; a job
 *       run for the date that failed and was not rerun successfully; a churn feature with PSI at
 *       or above {@code kpi.alerts.churn_psi}.
 * </ul>
 *
 * <p>Volumes, quarantine shares and arrival times come from {@code ops.data_quality}; the
 * trailing comparisons need at least {@code kpi.alerts.volume_min_days} ingested days, so a
 * new community's first week raises none.
 */
public final class AlertRules {
  private AlertRules() {}

  /** One raised alert, a row of {@link KpiTables#ALERTS}. */
  public record Alert(LocalDate date, int level, String rule, String subject, Double observed,
      Double threshold, String message) {

    public Row toRow() {
      return RowFactory.create(Date.valueOf(date), level, rule, subject, observed, threshold,
          message);
    }
  }

  /** A job run covering the date that failed, with no later successful run of that job. */
  public record FailedRun(String job, String runId, String error) {}

  /**
   * What the latest ingest of one arrival folder saw ({@code ops.data_quality}): rows read,
   * rows quarantined, valid rows per event type, and when the folder was completed (null: no
   * {@code _SUCCESS}).
   */
  public record FolderQuality(long rowsChecked, long quarantined, Map<String, Long> validByType,
      Instant completedAt) {}

  /**
   * What the date's data looks like: the raw event folder, the ingest outcome of the rows that
   * arrived that day (null: not ingested) beside the folders of the trailing days that were,
   * the arrival deadline, unresolved job failures, and the churn features' PSI on the date.
   */
  public record DataHealth(LocalDate date, String folder, boolean folderExists, int dataFiles,
      boolean successMarker, FolderQuality ingested, List<FolderQuality> trailing,
      Instant deadline, List<FailedRun> failedRuns, Map<String, Double> churnPsi) {}

  public static List<Alert> evaluate(List<KpiBoard.Line> board, DataHealth health,
      KpiSettings.Alerts s) {
    List<Alert> alerts = new ArrayList<>();
    LocalDate d = health.date();
    for (KpiBoard.Line line : board) {
      if (line.date().equals(d)) {
        alerts.addAll(kpiAlerts(line, s));
      }
    }
    alerts.addAll(folderAlerts(health));
    if (health.ingested() != null) {
      alerts.addAll(ingestAlerts(health, s));
    }
    for (FailedRun run : health.failedRuns()) {
      alerts.add(new Alert(d, 3, "job_failed", run.job(), null, null, "job " + run.job()
          + " failed for " + d + " (run " + run.runId() + "): " + run.error()));
    }
    health.churnPsi().forEach((feature, psi) -> {
      if (psi >= s.churnPsi()) {
        alerts.add(new Alert(d, 3, "churn_drift", feature, psi, s.churnPsi(),
            String.format("churn feature %s drifted on %s: PSI %.3f >= %.2f", feature, d, psi,
                s.churnPsi())));
      }
    });
    return alerts;
  }

  /**
   * Level 2: a treatment variant breached a guardrail in an A/B read-out (a row of
   * {@link KpiTables#EXPERIMENT_RESULTS} with guardrail_breached).
   */
  public static List<Alert> guardrailAlerts(List<Row> experimentResults) {
    List<Alert> alerts = new ArrayList<>();
    for (Row r : experimentResults) {
      if (Boolean.TRUE.equals(r.getAs("guardrail_breached"))) {
        Double lift = r.getAs("lift_cuped") != null ? r.getAs("lift_cuped") : r.getAs("lift");
        String subject = r.getAs("experiment_id") + "/" + r.getAs("variant") + "/"
            + r.getAs("metric");
        alerts.add(new Alert(r.<java.sql.Date>getAs("as_of_date").toLocalDate(), 2,
            "experiment_guardrail", subject, lift, null, String.format(
                "experiment %s: %s moved %s by %s against control, beyond its guardrail",
                r.getAs("experiment_id"), r.getAs("variant"), r.getAs("metric"),
                lift == null ? "an undefined lift (control at 0)"
                    : String.format("%+.1f%%", 100 * lift))));
      }
    }
    return alerts;
  }

  /** The alerts one KPI line of the date raises: complaints, conversion drop, turned red. */
  private static List<Alert> kpiAlerts(KpiBoard.Line line, KpiSettings.Alerts s) {
    List<Alert> alerts = new ArrayList<>();
    LocalDate d = line.date();
    if (line.kpi() == Kpi.COMPLAINTS && line.value() != null
        && line.value() > s.complaintsPerDay()) {
      alerts.add(new Alert(d, 1, "complaints_per_day", line.kpi().id(), line.value(),
          (double) s.complaintsPerDay(), String.format("%.0f complaints on %s, above %d",
              line.value(), d, s.complaintsPerDay())));
    }
    if (line.kpi() == Kpi.CONVERSION_RATE && line.value() != null
        && line.trailingMean() != null) {
      double floor = line.trailingMean() * (1 - s.conversionDrop());
      if (line.value() < floor) {
        alerts.add(new Alert(d, 2, "conversion_drop", line.kpi().id(), line.value(), floor,
            String.format("conversion rate %.4f on %s is %.1f%% below its trailing mean %.4f "
                + "(alert beyond %.1f%%)", line.value(), d,
                -100 * line.changeVsTrailingMean(), line.trailingMean(),
                100 * s.conversionDrop())));
      }
    }
    if (KpiTarget.RED.equals(line.status()) && !KpiTarget.RED.equals(line.previousStatus())) {
      alerts.add(new Alert(d, 2, "kpi_turned_red", line.kpi().id(), line.value(),
          line.target().redBeyond(), String.format("%s turned red on %s: %s against target "
              + "%s (red beyond %s; %s the day before)", line.kpi().id(), d,
              fmt(line.value()), fmt(line.target().target()),
              fmt(line.target().redBeyond()), line.previousStatus())));
    }
    return alerts;
  }

  /** Missing folder, no data files, no _SUCCESS marker. */
  private static List<Alert> folderAlerts(DataHealth health) {
    List<Alert> alerts = new ArrayList<>();
    LocalDate d = health.date();
    String folder = health.folder();
    if (!health.folderExists()) {
      alerts.add(new Alert(d, 3, "raw_folder_missing", folder, null, null,
          "raw event folder of " + d + " is missing: " + folder));
      return alerts;
    }
    if (health.dataFiles() == 0) {
      alerts.add(new Alert(d, 3, "raw_folder_empty", folder, 0.0, null,
          "raw event folder of " + d + " holds no data files: " + folder));
    }
    if (!health.successMarker()) {
      alerts.add(new Alert(d, 3, "raw_success_missing", folder, null, null,
          "raw event folder of " + d + " has no _SUCCESS marker (incomplete?): " + folder));
    }
    return alerts;
  }

  private static List<Alert> ingestAlerts(DataHealth health, KpiSettings.Alerts s) {
    List<Alert> alerts = new ArrayList<>();
    LocalDate d = health.date();
    FolderQuality today = health.ingested();
    long rows = today.rowsChecked();
    if (rows > 0) {
      double share = (double) today.quarantined() / rows;
      if (share > s.quarantineShare()) {
        alerts.add(new Alert(d, 3, "quarantine_share", "ops.data_quality", share,
            s.quarantineShare(), String.format("%.2f%% of the raw event rows of %s were "
                + "quarantined (%d of %d), above %.2f%%", 100 * share, d,
                today.quarantined(), rows, 100 * s.quarantineShare())));
      }
    }
    if (today.completedAt() != null && today.completedAt().isAfter(health.deadline())) {
      double hoursLate = Duration.between(health.deadline(), today.completedAt()).toMinutes()
          / 60.0;
      alerts.add(new Alert(d, 3, "raw_folder_late", health.folder(), hoursLate,
          (double) s.arrivalDeadlineHours(), String.format("raw event folder of %s was "
              + "completed at %s, %.1f hours after its deadline %s (%d hours after the day "
              + "ended)", d, today.completedAt(), hoursLate, health.deadline(),
              s.arrivalDeadlineHours())));
    }
    List<FolderQuality> trailing = health.trailing();
    if (trailing.size() < s.volumeMinDays()) {
      return alerts;
    }
    double median = median(trailing.stream().mapToDouble(FolderQuality::rowsChecked));
    if (median > 0 && (rows < s.volumeLow() * median || rows > s.volumeHigh() * median)) {
      boolean low = rows < s.volumeLow() * median;
      double bound = (low ? s.volumeLow() : s.volumeHigh()) * median;
      alerts.add(new Alert(d, 3, "raw_volume_anomaly", health.folder(), (double) rows, bound,
          String.format("%d raw event rows arrived for %s, %s %.2f x their median %.0f over "
              + "the %d days before (%s %.0f)", rows, d, low ? "below" : "above",
              low ? s.volumeLow() : s.volumeHigh(), median, trailing.size(),
              low ? "floor" : "ceiling", bound)));
    }
    java.util.Set<String> types = new java.util.TreeSet<>();
    trailing.forEach(q -> types.addAll(q.validByType().keySet()));
    for (String type : types) {
      double typical = median(trailing.stream()
          .mapToDouble(q -> q.validByType().getOrDefault(type, 0L)));
      if (typical >= s.vanishMinRows() && today.validByType().getOrDefault(type, 0L) == 0) {
        alerts.add(new Alert(d, 3, "event_type_vanished", type, 0.0, typical,
            String.format("no valid %s event arrived for %s; its median over the %d days "
                + "before is %.0f", type, d, trailing.size(), typical)));
      }
    }
    return alerts;
  }

  private static double median(java.util.stream.DoubleStream values) {
    return new Median().evaluate(values.toArray());
  }

  private static String fmt(Double v) {
    return v == null ? "no value" : v == Math.rint(v) && Math.abs(v) < 1e12
        ? String.valueOf(v.longValue()) : String.format("%.4g", v);
  }
}
