package com.community.analytics.jobs.maintain;

import static org.apache.spark.sql.functions.input_file_name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.catalog.SilverTables;
import com.community.analytics.common.catalog.TableSpec;
import com.community.analytics.common.cli.UsageException;
import com.community.analytics.common.config.ConfigException;
import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.spark.RowBuilder;
import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.jobs.Main;
import com.community.analytics.jobs.erasure.ForgetUsersJob;
import com.community.analytics.jobs.support.JobFixture;
import io.delta.tables.DeltaTable;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Maintenance on a small hand-written warehouse of many small files: OPTIMIZE compacts and
 * z-orders by the configured columns without changing a row, and after an erasure a VACUUM
 * with a short retention (allowed by config here) deletes the files that still held the erased
 * member, deletion vectors included. Bad rules fail naming their key.
 */
class MaintainJobTest {
  private static final Map<String, String> PURGE_NOW = Map.of(
      "maintain.vacuum_retention_hours", "0", "maintain.allow_short_retention", "true");
  private final SparkSession spark = SparkTestSession.get();

  @TempDir
  Path tmp;

  private static Row row(TableSpec spec, Map<String, Object> values) {
    RowBuilder row = RowBuilder.of(spec.schema());
    values.forEach(row::set);
    return row.build();
  }

  /**
   * Appends {@code batches} small batches: many small files in each date partition. The member
   * to be erased is appended apart from the others, so the erasure rewrites only the files that
   * hold them and leaves the rest small (the writer adds one file per date and append).
   */
  private void smallFiles(JobContext ctx, int batches) {
    for (int b = 0; b < batches; b++) {
      for (List<String> users : List.of(List.of("keep1", "keep2"), List.of("gone"))) {
        List<Row> events = new ArrayList<>();
        for (int day = 1; day <= 2; day++) {
          Date date = Date.valueOf(LocalDate.of(2026, 3, day));
          for (String u : users) {
            String id = u + "-" + b + "-" + day;
            events.add(row(SilverTables.EVENTS, Map.of("event_id", id, "event_time",
                Timestamp.valueOf(date + " 10:00:00"), "event_date", date, "event_hour", 18,
                "user_id", u, "event_type", b % 2 == 0 ? "login" : "like", "arrival_date",
                date)));
          }
        }
        ctx.writer().append(SilverTables.EVENTS, spark.createDataFrame(events,
            SilverTables.EVENTS.schema()));
      }
      List<String> members = List.of("keep1", "keep2", "gone");
      ctx.writer().append(SilverTables.USERS, spark.createDataFrame(List.of(
          row(SilverTables.USERS, Map.of("user_id", members.get(b % members.size()),
              "city", "city-" + b, "snapshot_date", Date.valueOf(LocalDate.of(2026, 3, 1))))),
          SilverTables.USERS.schema()));
      if (b == 0) {
        spark.sql("ALTER TABLE delta.`" + ctx.warehouse().path(SilverTables.USERS)
            + "` SET TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')");
      }
    }
  }

  /**
   * Rows of a member read from the Parquet files in the table's folder, bypassing the Delta log
   * (and its deletion vectors): what is still on storage.
   */
  private long inParquetFiles(JobFixture f, String table, String user) {
    return spark.read().option("pathGlobFilter", "*.parquet")
        .parquet(f.warehouse + "/" + table.replace('.', '/'))
        .where("user_id = '" + user + "'").count();
  }

  /** Files of the current version of silver.events in one date partition. */
  private long filesOf(JobFixture f, String date) {
    return delta(f, "silver.events").where("event_date = '" + date + "'")
        .select(input_file_name()).distinct().count();
  }

  private Dataset<Row> delta(JobFixture f, String table) {
    return spark.read().format("delta").load(f.warehouse + "/" + table.replace('.', '/'));
  }

  private static Dataset<Row> copy(SparkSession spark, Dataset<Row> df) {
    return spark.createDataFrame(df.collectAsList(), df.schema());
  }

  private String run(JobFixture f, Map<String, String> conf, String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    f.run(new MaintainJob(new PrintStream(out, true, StandardCharsets.UTF_8), Main::catalog),
        conf, args);
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void optimizeZOrdersWithoutChangingRowsAndVacuumRemovesErasedMembersFromStorage()
      throws Exception {
    JobFixture f = new JobFixture(tmp);
    JobContext ctx = JobContext.of(spark, f.config(Map.of()), null);
    // Each append adds a file per date; with Delta's optimized writes the erasure's DELETE would
    // then rewrite those small files into one per partition: the fixture turns them off, as a
    // writer without them would run, to leave small files for OPTIMIZE to compact.
    String optimizeWrite = "spark.databricks.delta.optimizeWrite.enabled";
    String optimizedBefore = spark.conf().get(optimizeWrite);
    spark.conf().set(optimizeWrite, "false");
    try {
      smallFiles(ctx, 4);
      f.run(new ForgetUsersJob(new PrintStream(new ByteArrayOutputStream()), Main::catalog),
          Map.of(), "--ids", "gone", "--requested-by", "T-7");
    } finally {
      spark.conf().set(optimizeWrite, optimizedBefore);
    }
    Row skipped = delta(f, "ops.erasure_log").where("table_name = 'gold.user_tags'").first();
    assertEquals("skipped_missing_table", skipped.getAs("action"));
    assertNull(skipped.getAs("delta_version"));
    assertEquals(0, delta(f, "silver.events").where("user_id = 'gone'").count());
    assertTrue(inParquetFiles(f, "silver.events", "gone") > 0, "old files still hold them");
    assertTrue(inParquetFiles(f, "silver.users", "gone") > 0, "deletion vector: file kept");

    String path = f.warehouse + "/silver/events";
    long storage = new TableMaintenance(spark, path).onStorage().count();
    String dry = run(f, PURGE_NOW, "--dry-run", "--tables", "silver.events");
    assertTrue(dry.startsWith("silver.events: optimize skipped, ") && dry.contains(
        "vacuum dry run would delete ") && dry.contains("\n  would delete file:"), dry);
    assertEquals(storage, new TableMaintenance(spark, path).onStorage().count(), "dry run");
    assertFalse(DeltaTable.isDeltaTable(spark, f.warehouse + "/ops/maintenance_log"));

    Dataset<Row> users = copy(spark, delta(f, "silver.users"));
    String purged = run(f, PURGE_NOW, "--skip-optimize", "--tables", "silver.users");
    assertTrue(purged.startsWith("silver.users: optimize skipped + purge deletion vectors"),
        purged);
    assertEquals(0, inParquetFiles(f, "silver.users", "gone"), "purged, then vacuumed");
    SparkTestSession.assertSameRows(users, delta(f, "silver.users"), "users unchanged");

    Dataset<Row> events = copy(spark, delta(f, "silver.events"));
    long initialFiles = new TableMaintenance(spark, path).active().count();
    assertTrue(initialFiles >= 8, initialFiles + " small files");
    long day1 = filesOf(f, "2026-03-01");
    run(f, Map.of("maintain.optimize_recent_days", "1"), "--skip-vacuum", "--tables",
        "silver.events", "--date", "2026-03-02");
    assertEquals(List.of(day1, 1L), List.of(filesOf(f, "2026-03-01"), filesOf(f, "2026-03-02")),
        "optimize_recent_days 1: only the partition of --date is rewritten");
    long filesBefore = new TableMaintenance(spark, path).active().count();
    String previousCheck = spark.conf().get(MaintainJob.RETENTION_CHECK, null);
    JobFixture.Ran maintain = f.run(new MaintainJob(new PrintStream(
        new ByteArrayOutputStream()), Main::catalog), PURGE_NOW);

    assertEquals(previousCheck, spark.conf().get(MaintainJob.RETENTION_CHECK, null),
        "the retention check is back as it was");
    SparkTestSession.assertSameRows(events, delta(f, "silver.events"), "events unchanged");
    SparkTestSession.assertSameRows(users, delta(f, "silver.users"), "users unchanged");
    long filesAfter = new TableMaintenance(spark, path).active().count();
    assertEquals(2, filesAfter, "one file per date partition");
    Row optimize = DeltaTable.forPath(spark, path).history().where("operation = 'OPTIMIZE'")
        .first();
    assertEquals("[\"user_id\",\"event_type\"]",
        optimize.<String, String>getJavaMap(optimize.fieldIndex("operationParameters"))
            .get("zOrderBy"));
    assertEquals(0, inParquetFiles(f, "silver.events", "gone"), "VACUUM deleted the old files");

    Map<String, Row> log = new HashMap<>();
    delta(f, "ops.maintenance_log").where("run_id = '" + maintain.context().runId() + "'")
        .collectAsList().forEach(r -> log.put(r.getAs("table_name"), r));
    Map<String, String> optimized = new HashMap<>();
    log.forEach((table, r) -> optimized.put(table, r.getAs("optimize")));
    assertEquals(Map.of("silver.events", "z_order", "silver.users", "z_order",
        "ops.erasure_log", "compaction", "ops.maintenance_log", "compaction"), optimized,
        "one row per existing table, z-ordered where conf/maintenance.yaml says");
    Row ev = log.get("silver.events");
    assertEquals(filesBefore, (long) ev.getAs("files_before"));
    assertEquals(2L, (long) ev.getAs("files_after"));
    assertTrue((long) ev.getAs("files_vacuumed") > 0, ev.toString());
    assertEquals((long) ev.getAs("storage_files_before") - (long) ev.getAs("files_vacuumed"),
        (long) ev.getAs("storage_files_after"));
    assertEquals(true, log.get("silver.users").getAs("purged_deletion_vectors"));
    assertEquals(false, ev.getAs("purged_deletion_vectors"));
    assertEquals(0, (int) ev.getAs("vacuum_retention_hours"));
    MaintainJob.Result result = maintain.result(MaintainJob.Result.class);
    assertEquals(List.of((long) log.size(), log.values().stream()
            .mapToLong(r -> r.<Long>getAs("files_vacuumed")).sum()),
        List.of(result.tables(), result.filesVacuumed()), "the result sums the log");
  }

  @Test
  void badRulesAndUnknownTablesFailNamingTheProblem() throws Exception {
    JobFixture f = new JobFixture(tmp);
    ConfigException retention = assertThrows(ConfigException.class, () -> run(f,
        Map.of("maintain.vacuum_retention_hours", "24")));
    assertTrue(retention.getMessage().startsWith(
        "config key 'maintain.vacuum_retention_hours': 24 is below 168"), retention.getMessage());
    UsageException table = assertThrows(UsageException.class, () -> run(f, Map.of(),
        "--tables", "silver.events,gold.nope"));
    assertTrue(table.getMessage().startsWith("--tables: unknown table 'gold.nope'"),
        table.getMessage());
    UsageException nothing = assertThrows(UsageException.class, () -> run(f, Map.of(),
        "--dry-run", "--skip-vacuum"));
    assertEquals("--skip-vacuum with --dry-run leaves nothing to do", nothing.getMessage());
    f.extraYaml = "maintain:\n  z_order:\n    silver.events: [user_id, colour]\n";
    ConfigException column = assertThrows(ConfigException.class, () -> run(f, Map.of()));
    assertTrue(column.getMessage().startsWith("config key 'maintain.z_order.silver.events': "
        + "silver.events has no column 'colour'"), column.getMessage());
    f.extraYaml = "maintain:\n  z_order:\n    gold.nope: [user_id]\n";
    ConfigException unknown = assertThrows(ConfigException.class, () -> run(f, Map.of()));
    assertTrue(unknown.getMessage().startsWith("config key 'maintain.z_order.gold.nope': no "
        + "such table"), unknown.getMessage());
    assertTrue(Main.catalog().find("silver.events").isPresent());
  }
}
