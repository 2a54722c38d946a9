package com.community.analytics.jobs.kpi;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
 *       {@code _SUCCESS}; a quarantine share above {@code kpi.alerts.quarantine_share}; a job
 *       run for the date that failed and was not rerun successfully; a churn feature with PSI at
 *       or above {@code kpi.alerts.churn_psi}.
 * </ul>
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
   * What the date's data looks like: the raw event folder, the ingest outcome of the rows that
   * arrived that day, unresolved job failures, and the churn features' PSI on the date.
   */
  public record DataHealth(LocalDate date, String folder, boolean folderExists, int dataFiles,
      boolean successMarker, long accepted, long quarantined, List<FailedRun> failedRuns,
      Map<String, Double> churnPsi) {}

  public static List<Alert> evaluate(List<KpiBoard.Line> board, DataHealth health,
      KpiSettings.Alerts s) {
    List<Alert> alerts = new ArrayList<>();
    LocalDate d = health.date();
    for (KpiBoard.Line line : board) {
      if (!line.date().equals(d)) {
        continue;
      }
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
    }
    String folder = health.folder();
    if (!health.folderExists()) {
      alerts.add(new Alert(d, 3, "raw_folder_missing", folder, null, null,
          "raw event folder of " + d + " is missing: " + folder));
    } else {
      if (health.dataFiles() == 0) {
        alerts.add(new Alert(d, 3, "raw_folder_empty", folder, 0.0, null,
            "raw event folder of " + d + " holds no data files: " + folder));
      }
      if (!health.successMarker()) {
        alerts.add(new Alert(d, 3, "raw_success_missing", folder, null, null,
            "raw event folder of " + d + " has no _SUCCESS marker (incomplete?): " + folder));
      }
    }
    long rows = health.accepted() + health.quarantined();
    if (rows > 0) {
      double share = (double) health.quarantined() / rows;
      if (share > s.quarantineShare()) {
        alerts.add(new Alert(d, 3, "quarantine_share", "ops.quarantine", share,
            s.quarantineShare(), String.format("%.2f%% of the raw event rows of %s were "
                + "quarantined (%d of %d), above %.2f%%", 100 * share, d,
                health.quarantined(), rows, 100 * s.quarantineShare())));
      }
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

  private static String fmt(Double v) {
    return v == null ? "no value" : v == Math.rint(v) && Math.abs(v) < 1e12
        ? String.valueOf(v.longValue()) : String.format("%.4g", v);
  }
}
