package com.community.analytics.jobs.ingest;

import com.community.analytics.common.catalog.SilverTables;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * The rows of {@code ops.data_quality} for one source of one ingest run, built on the driver
 * from the per-folder counts the run collects anyway (as Deequ's and DQX's check results): for
 * every listed folder, one row per contract rule with the rows checked and failed (zero
 * failures included, so a dashboard sees a 0 rather than nothing), and for events one {@code
 * valid} row per event type. Cost: none beyond the collect the counts came from.
 */
final class DataQuality {
  private DataQuality() {}

  /** Rows of one folder under one outcome: a reason, or null with the event type of valid rows. */
  record Count(LocalDate arrivalDate, String reason, String eventType, long rows) {}

  /** The rules each source's rows are checked against, in the order the parsers apply them. */
  static final List<String> EVENT_RULES = List.of(QuarantineReason.UNREADABLE_FILE,
      QuarantineReason.INVALID_ENCODING, QuarantineReason.MALFORMED_JSON,
      QuarantineReason.DUPLICATE_KEY, QuarantineReason.MISSING_REQUIRED_FIELD,
      QuarantineReason.WRONG_TYPE, QuarantineReason.NON_FINITE_NUMBER,
      QuarantineReason.OUT_OF_RANGE, QuarantineReason.UNKNOWN_EVENT_TYPE,
      QuarantineReason.UNPARSEABLE_TIME, QuarantineReason.IMPLAUSIBLE_TIME,
      QuarantineReason.FUTURE_TIME, QuarantineReason.NEGATIVE_AMOUNT);
  static final List<String> SNAPSHOT_RULES = List.of(QuarantineReason.UNREADABLE_FILE,
      QuarantineReason.INVALID_ENCODING, QuarantineReason.MALFORMED_JSON,
      QuarantineReason.DUPLICATE_KEY, QuarantineReason.MISSING_REQUIRED_FIELD,
      QuarantineReason.WRONG_TYPE, QuarantineReason.NON_FINITE_NUMBER,
      QuarantineReason.OUT_OF_RANGE, QuarantineReason.UNPARSEABLE_TIME,
      QuarantineReason.IMPLAUSIBLE_TIME, QuarantineReason.UNKNOWN_VALUE);

  /**
   * The rows for {@code source}: {@code folders} maps each listed folder's date to when its
   * {@code _SUCCESS} was written (null without one); {@code counts} holds the run's rows per
   * folder and outcome. A reason outside {@code rules} fails loudly: a parser and this list
   * disagree.
   */
  static List<Row> rows(String runId, Instant checkedAt, String source, List<String> rules,
      Map<LocalDate, Instant> folders, List<Count> counts) {
    Map<LocalDate, Long> checked = new TreeMap<>();
    Map<LocalDate, Map<String, Long>> failed = new TreeMap<>();
    Map<LocalDate, Map<String, Long>> valid = new TreeMap<>();
    for (Count c : counts) {
      checked.merge(c.arrivalDate(), c.rows(), Long::sum);
      if (c.reason() == null) {
        if (c.eventType() != null) {
          valid.computeIfAbsent(c.arrivalDate(), d -> new TreeMap<>())
              .merge(c.eventType(), c.rows(), Long::sum);
        }
      } else if (!rules.contains(c.reason())) {
        throw new IllegalStateException("reason " + c.reason() + " is not a rule of " + source);
      } else {
        failed.computeIfAbsent(c.arrivalDate(), d -> new TreeMap<>())
            .merge(c.reason(), c.rows(), Long::sum);
      }
    }
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<LocalDate, Instant> folder : new TreeMap<>(folders).entrySet()) {
      LocalDate day = folder.getKey();
      long n = checked.getOrDefault(day, 0L);
      Map<String, Object> common = new HashMap<>();
      common.put("run_id", runId);
      common.put("checked_at", Timestamp.from(checkedAt));
      common.put("arrival_date", Date.valueOf(day));
      common.put("source", source);
      common.put("rows_checked", n);
      common.put("folder_completed_at", folder.getValue() == null ? null
          : Timestamp.from(folder.getValue()));
      for (String rule : rules) {
        long bad = failed.getOrDefault(day, Map.of()).getOrDefault(rule, 0L);
        rows.add(row(common, Map.of("rule", rule, "rows_failed", bad),
            n == 0 ? null : (double) bad / n));
      }
      valid.getOrDefault(day, Map.of()).forEach((type, good) -> rows.add(row(common, Map.of(
          "rule", SilverTables.DATA_QUALITY_VALID, "event_type", type, "rows_valid", good),
          null)));
    }
    return rows;
  }

  private static Row row(Map<String, Object> common, Map<String, Object> own, Double share) {
    StructType schema = SilverTables.DATA_QUALITY.schema();
    Object[] values = new Object[schema.size()];
    common.forEach((name, value) -> values[schema.fieldIndex(name)] = value);
    own.forEach((name, value) -> values[schema.fieldIndex(name)] = value);
    values[schema.fieldIndex("failure_share")] = share;
    return RowFactory.create(values);
  }
}
