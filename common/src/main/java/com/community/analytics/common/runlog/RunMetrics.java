package com.community.analytics.common.runlog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts a job reports while it runs: rows read, rows written per table, and named counts (e.g.
 * accepted, duplicates, quarantined). Kept outside the job's return value so a failed run still
 * records what it had counted.
 */
public final class RunMetrics {
  private long rowsRead;
  private final Map<String, Long> rowsWritten = new LinkedHashMap<>();
  private final Map<String, Long> counts = new LinkedHashMap<>();

  public void addRead(long rows) {
    rowsRead += rows;
  }

  public void addWritten(String table, long rows) {
    rowsWritten.merge(table, rows, Long::sum);
  }

  public void count(String name, long value) {
    counts.merge(name, value, Long::sum);
  }

  public long rowsRead() {
    return rowsRead;
  }

  public Map<String, Long> rowsWritten() {
    return Collections.unmodifiableMap(rowsWritten);
  }

  public Map<String, Long> counts() {
    return Collections.unmodifiableMap(counts);
  }
}
