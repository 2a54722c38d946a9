package com.community.analytics.jobs.kpi;

import com.community.analytics.common.cli.ResultFormatter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The day's KPI board and alerts as text for the job's output (a terminal, an Airflow log):
 * one line per KPI with value, target, status and the comparisons, statuses in colour when
 * asked, then the alerts.
 */
public final class BoardPrinter {
  private BoardPrinter() {}

  private static final String RESET = "\u001B[0m";

  public static String render(LocalDate date, List<KpiBoard.Line> board,
      List<AlertRules.Alert> alerts, boolean colour) {
    List<Row> rows = new ArrayList<>();
    for (KpiBoard.Line l : board) {
      if (l.date().equals(date)) {
        rows.add(RowFactory.create(l.kpi().id(), number(l.value(), l.kpi().unit()),
            l.target() == null ? "" : number(l.target().target(), l.kpi().unit()),
            status(l.status(), colour), percent(l.changeVsPrevious()),
            percent(l.changeVsTrailingMean())));
      }
    }
    StringBuilder sb = new StringBuilder("KPI board for ").append(date).append('\n');
    sb.append(ResultFormatter.format(new String[] {"kpi", "value", "target", "status",
        "vs previous day", "vs trailing mean"}, rows, "table"));
    List<AlertRules.Alert> today = alerts.stream().filter(a -> a.date().equals(date)).toList();
    sb.append(today.isEmpty() ? "No alerts for " + date + "\n"
        : today.size() + " alert" + (today.size() == 1 ? "" : "s") + " for " + date + ":\n");
    for (AlertRules.Alert a : today) {
      String level = "L" + a.level();
      sb.append("  ").append(colour ? colourOf(a.level() == 1 ? KpiTarget.YELLOW : KpiTarget.RED)
          + level + RESET : level).append(' ').append(a.rule()).append(": ")
          .append(a.message()).append('\n');
    }
    return sb.toString();
  }

  static String status(String status, boolean colour) {
    String code = colourOf(status);
    return colour && code != null ? code + "● " + status + RESET : status;
  }

  private static String colourOf(String status) {
    return switch (status) {
      case KpiTarget.GREEN -> "\u001B[32m";
      case KpiTarget.YELLOW -> "\u001B[33m";
      case KpiTarget.RED -> "\u001B[31m";
      default -> null;
    };
  }

  private static String number(Double v, String unit) {
    if (v == null) {
      return "-";
    }
    return switch (unit) {
      case "ratio" -> String.format(Locale.ROOT, "%.4f", v);
      case "currency" -> String.format(Locale.ROOT, "%,.2f", v);
      default -> String.format(Locale.ROOT, "%,.0f", v);
    };
  }

  private static String percent(Double change) {
    return change == null ? "-" : String.format(Locale.ROOT, "%+.1f%%", 100 * change);
  }
}
