package com.community.analytics.common.runlog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rows a job reads and writes, counted while it runs; kept outside the job's typed result so a
 * failed run still records what it had read and written before it failed.
 */
public final class RunMetrics {
  private long rowsRead;
  private final Map<String, Long> rowsWritten = new LinkedHashMap<>();

  public void addRead(long rows) {
    rowsRead += rows;
  }

  public void addWritten(String table, long rows) {
    rowsWritten.merge(table, rows, Long::sum);
  }

  public long rowsRead() {
    return rowsRead;
  }

  public Map<String, Long> rowsWritten() {
    return Collections.unmodifiableMap(rowsWritten);
  }
}
