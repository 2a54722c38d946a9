package com.community.analytics.common.cli;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Renders query results as an aligned text table or as tab-separated values. Cells may carry
 * ANSI colour codes (the KPI board's statuses); alignment counts only the visible characters.
 */
public final class ResultFormatter {
  private ResultFormatter() {}

  private static final java.util.regex.Pattern ANSI =
      java.util.regex.Pattern.compile("\u001B\\[[0-9;]*m");

  public static String format(String[] columns, List<Row> rows, String format) {
    List<String[]> cells = new ArrayList<>();
    for (Row row : rows) {
      String[] line = new String[columns.length];
      for (int i = 0; i < columns.length; i++) {
        line[i] = row.isNullAt(i) ? "NULL" : render(row.get(i));
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
      width[i] = visibleLength(columns[i]);
      for (String[] line : cells) {
        width[i] = Math.max(width[i], visibleLength(line[i]));
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

  /** Arrays as [a, b], maps as {k: v}, structs as {a, b}: readable in both formats. */
  static String render(Object value) {
    if (value instanceof scala.collection.Map<?, ?> m) {
      List<String> parts = new ArrayList<>();
      scala.collection.JavaConverters.mapAsJavaMap(m).forEach((k, v) ->
          parts.add(render(k) + ": " + render(v)));
      java.util.Collections.sort(parts);
      return "{" + String.join(", ", parts) + "}";
    }
    if (value instanceof scala.collection.Seq<?> seq) {
      List<String> parts = new ArrayList<>();
      scala.collection.JavaConverters.seqAsJavaList(seq).forEach(v -> parts.add(render(v)));
      return "[" + String.join(", ", parts) + "]";
    }
    if (value instanceof Row r) {
      List<String> parts = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        parts.add(r.isNullAt(i) ? "NULL" : render(r.get(i)));
      }
      return "{" + String.join(", ", parts) + "}";
    }
    return value == null ? "NULL" : String.valueOf(value);
  }

  static int visibleLength(String s) {
    return ANSI.matcher(s).replaceAll("").length();
  }

  private static void appendLine(StringBuilder sb, String[] values, int[] width) {
    for (int i = 0; i < values.length; i++) {
      sb.append(i == 0 ? "" : " | ").append(values[i])
          .append(" ".repeat(width[i] - visibleLength(values[i])));
    }
    sb.append('\n');
  }
}
