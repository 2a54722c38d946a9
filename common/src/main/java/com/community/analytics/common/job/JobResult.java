package com.community.analytics.common.job;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one run of a job did, as a typed record that its callers and tests read by name (in the
 * manner of Iceberg's action results, e.g. {@code RewriteDataFiles.Result}). The runner records
 * {@link #counts()} in {@code ops.job_runs.counts}, so each whole-number component of the record
 * is also a key analysts can query there.
 */
public interface JobResult {

  /** The result of a job that reports nothing beyond its rows read and written. */
  JobResult NONE = new None();

  /**
   * The counts recorded for this run: each {@code int} or {@code long} component of the record
   * under its snake_case name ({@code duplicatesInSilver} as {@code duplicates_in_silver}), and
   * each {@code Map<String, ? extends Number>} component's entries as {@code name.key}.
   * Components of other types (versions as text, flags) are for the caller only.
   */
  default Map<String, Long> counts() {
    if (!getClass().isRecord()) {
      return Map.of();
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    for (RecordComponent c : getClass().getRecordComponents()) {
      Object value = valueOf(c);
      String name = snakeCase(c.getName());
      if (value instanceof Integer || value instanceof Long) {
        counts.put(name, ((Number) value).longValue());
      } else if (value instanceof Map<?, ?> map) {
        map.forEach((k, v) -> {
          if (v instanceof Integer || v instanceof Long) {
            counts.put(name + "." + k, ((Number) v).longValue());
          }
        });
      }
    }
    return Collections.unmodifiableMap(counts);
  }

  private Object valueOf(RecordComponent component) {
    try {
      return component.getAccessor().invoke(this);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("cannot read " + component.getName() + " of "
          + getClass().getName(), e);
    }
  }

  /** {@code duplicatesInSilver} as {@code duplicates_in_silver}. */
  static String snakeCase(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
  }

  /** The empty result. */
  record None() implements JobResult {}
}
