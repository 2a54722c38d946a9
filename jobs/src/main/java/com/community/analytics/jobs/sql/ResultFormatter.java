package com.community.analytics.jobs.sql;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/** Renders query results as an aligned text table or as tab-separated values. */
public final class ResultFormatter {
  private ResultFormatter() {}

  public static String format(String[] columns, List<Row> rows, String format) {
    List<String[]> cells = new ArrayList<>();
    for (Row row : rows) {
      String[] line = new String[columns.length];
      for (int i = 0; i < columns.length; i++) {
        line[i] = row.isNullAt(i) ? "NULL" : String.valueOf(row.get(i));
      }
      cells.add(line);
    }
    StringBuilder sb = new StringBuilder();
    if (format.equals("tsv")) {
      sb.append(String.join("\t", columns)).append('\n');
      for (String[] line : cells) {
        sb.append(String.join("\t", line)).append('\n');
      }
      return sb.toString();
    }
    int[] width = new int[columns.length];
    for (int i = 0; i < columns.length; i++) {
      width[i] = columns[i].length();
      for (String[] line : cells) {
        width[i] = Math.max(width[i], line[i].length());
      }
    }
    appendLine(sb, columns, width);
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < columns.length; i++) {
      rule.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
    }
    sb.append(rule).append('\n');
    for (String[] line : cells) {
      appendLine(sb, line, width);
    }
    sb.append("(").append(rows.size()).append(rows.size() == 1 ? " row)" : " rows)").append('\n');
    return sb.toString();
  }

  private static void appendLine(StringBuilder sb, String[] values, int[] width) {
    for (int i = 0; i < values.length; i++) {
      sb.append(i == 0 ? "" : " | ").append(String.format("%-" + width[i] + "s", values[i]));
    }
    sb.append('\n');
  }
}
