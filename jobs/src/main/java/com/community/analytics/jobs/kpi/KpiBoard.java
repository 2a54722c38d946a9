package com.community.analytics.jobs.kpi;

import com.community.analytics.common.spark.RowBuilder;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The KPI board: each KPI's value on a date with its target and status, and how it compares with
 * the day before and with the trailing mean. Pure and small (dates x KPIs), so it runs on the
 * driver over the collected KPI values.
 */
public final class KpiBoard {
  private KpiBoard() {}

  /** One line of the board, a row of {@link KpiTables#KPI_DAILY}. */
  public record Line(LocalDate date, Kpi kpi, Double value, KpiTarget target, String status,
      Double previousValue, Double trailingMean, String previousStatus) {

    public Double changeVsPrevious() {
      return change(value, previousValue);
    }

    public Double changeVsTrailingMean() {
      return change(value, trailingMean);
    }

    public Row toRow() {
      RowBuilder row = RowBuilder.of(KpiTables.KPI_DAILY.schema())
          .set("date", Date.valueOf(date)).set("kpi", kpi.id()).set("value", value)
          .set("unit", kpi.unit()).set("status", status).set("previous_value", previousValue)
          .set("change_vs_previous", changeVsPrevious()).set("trailing_mean", trailingMean)
          .set("change_vs_trailing_mean", changeVsTrailingMean())
          .set("previous_status", previousStatus).set("definition", kpi.definition());
      if (target != null) {
        row.set("target", target.target())
            .set("direction", target.higherIsBetter() ? "higher" : "lower")
            .set("warning_band", target.warningBand());
      }
      return row.build();
    }
  }

  /**
   * The board of each date of [from, to]; {@code values} must hold the {@code trailingDays}
   * dates before {@code from} too (a missing date or KPI counts as no value).
   */
  public static List<Line> build(Map<LocalDate, Map<Kpi, Double>> values,
      Map<Kpi, KpiTarget> targets, LocalDate from, LocalDate to, int trailingDays) {
    List<Line> lines = new ArrayList<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      for (Kpi kpi : Kpi.values()) {
        KpiTarget target = targets.get(kpi);
        Double value = value(values, d, kpi);
        Double previous = value(values, d.minusDays(1), kpi);
        double sum = 0;
        int n = 0;
        for (int k = 1; k <= trailingDays; k++) {
          Double v = value(values, d.minusDays(k), kpi);
          if (v != null) {
            sum += v;
            n++;
          }
        }
        lines.add(new Line(d, kpi, value, target, status(target, value),
            previous, n == 0 ? null : sum / n, status(target, previous)));
      }
    }
    return lines;
  }

  private static String status(KpiTarget target, Double value) {
    return target == null ? KpiTarget.NONE : target.status(value);
  }

  private static Double value(Map<LocalDate, Map<Kpi, Double>> values, LocalDate d, Kpi kpi) {
    Map<Kpi, Double> day = values.get(d);
    Double v = day == null ? null : day.get(kpi);
    return v == null || v.isNaN() ? null : v;
  }

  private static Double change(Double value, Double base) {
    return value == null || base == null || base == 0 ? null : value / base - 1;
  }
}
