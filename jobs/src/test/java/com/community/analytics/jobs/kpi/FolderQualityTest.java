package com.community.analytics.jobs.kpi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.community.analytics.common.catalog.SilverTables;
import com.community.analytics.common.testing.SparkTestSession;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * The cockpit reads each events folder's latest ingest from {@code ops.data_quality}: a folder
 * ingested twice counts its second run only, snapshot sources and folders outside the window
 * are left out.
 */
class FolderQualityTest {
  private static final LocalDate D = LocalDate.of(2026, 3, 10);
  private static final Instant DONE = Instant.parse("2026-03-10T16:30:00Z");

  private static Row rule(String run, int minute, LocalDate day, String source, String rule,
      long checked, long failed) {
    return RowFactory.create(run, Timestamp.from(Instant.parse("2026-03-11T00:00:00Z")
        .plusSeconds(60L * minute)), Date.valueOf(day), source, rule, null, checked, failed,
        (double) failed / checked, null, Timestamp.from(DONE));
  }

  private static Row valid(String run, int minute, LocalDate day, String type, long checked,
      long rows) {
    return RowFactory.create(run, Timestamp.from(Instant.parse("2026-03-11T00:00:00Z")
        .plusSeconds(60L * minute)), Date.valueOf(day), "events", "valid", type, checked, null,
        null, rows, Timestamp.from(DONE));
  }

  @Test
  void eachFolderIsReadFromItsLatestRunOfEvents() {
    List<Row> rows = List.of(
        // The first ingest of D saw a broken file; the rerun, after it was replaced, did not.
        rule("r1", 0, D, "events", "malformed_json", 1000, 400),
        rule("r1", 0, D, "events", "wrong_type", 1000, 100),
        valid("r1", 0, D, "login", 1000, 500),
        rule("r2", 30, D, "events", "malformed_json", 1200, 0),
        rule("r2", 30, D, "events", "wrong_type", 1200, 12),
        valid("r2", 30, D, "login", 1200, 1100),
        valid("r2", 30, D, "purchase", 1200, 88),
        rule("r2", 30, D, "users", "out_of_range", 50, 50),
        rule("r0", 0, D.minusDays(1), "events", "malformed_json", 900, 9),
        rule("r0", 0, D.minusDays(9), "events", "malformed_json", 5, 5));
    Map<LocalDate, AlertRules.FolderQuality> quality = KpiJob.folderQuality(
        SparkTestSession.get().createDataFrame(rows, SilverTables.DATA_QUALITY.schema()),
        D.minusDays(7), D);
    assertEquals(Map.of(
        D, new AlertRules.FolderQuality(1200, 12, Map.of("login", 1100L, "purchase", 88L), DONE),
        D.minusDays(1), new AlertRules.FolderQuality(900, 9, Map.of(), DONE)), quality);
  }
}
