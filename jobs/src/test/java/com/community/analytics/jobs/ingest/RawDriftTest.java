package com.community.analytics.jobs.ingest;

import static com.community.analytics.jobs.support.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.jobs.support.JobFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Raw data drift (issue #8): extra fields kept in properties, wrong types quarantined naming the
 * field, a corrupt file quarantined while the rest is ingested, and missing, incomplete and
 * empty folders each failing with a message of its own unless configured.
 */
class RawDriftTest {
  private static final LocalDate D1 = LocalDate.of(2026, 11, 20);
  private static final LocalDate D2 = LocalDate.of(2026, 11, 21);
  private final SparkSession spark = SparkTestSession.get();

  @TempDir
  Path tmp;

  /** silver.events as "id|user|type|content|amount|properties (sorted)", by event id. */
  private List<String> events(JobFixture f) {
    return spark.read().format("delta").load(f.warehouse + "/silver/events")
        .select("event_id", "user_id", "event_type", "content_id", "amount", "properties")
        .orderBy("event_id").collectAsList().stream()
        .map(r -> r.get(0) + "|" + r.get(1) + "|" + r.get(2) + "|" + r.get(3) + "|" + r.get(4)
            + "|" + new TreeMap<>(r.<String, String>getJavaMap(5)))
        .toList();
  }

  /** ops.quarantine as "file (from raw/)|line|reason|detail|event id", by file and line. */
  private List<String> quarantine(JobFixture f) {
    return spark.read().format("delta").load(f.warehouse + "/ops/quarantine")
        .orderBy("source_file", "line_number").collectAsList().stream()
        .map(r -> lakeRelative(r) + "|" + r.get(r.fieldIndex("line_number")) + "|"
            + r.get(r.fieldIndex("reason")) + "|" + r.get(r.fieldIndex("detail")) + "|"
            + r.get(r.fieldIndex("event_id")))
        .toList();
  }

  private static String lakeRelative(Row r) {
    String file = r.getString(r.fieldIndex("source_file"));
    return file.substring(file.indexOf("/raw/") + 1);
  }

  private static Path folder(JobFixture f, LocalDate day) {
    return f.lake.resolve("raw/events/dt=" + day);
  }

  /** A complete folder holding only its _SUCCESS marker (and, if given, a zero-byte file). */
  private static void emptyFolder(JobFixture f, LocalDate day, String zeroByteFile)
      throws Exception {
    Files.createDirectories(folder(f, day));
    Files.write(folder(f, day).resolve("_SUCCESS"), new byte[0]);
    if (zeroByteFile != null) {
      Files.write(folder(f, day).resolve(zeroByteFile), new byte[0]);
    }
  }

  private static String failure(JobFixture f, Map<String, String> overrides, String... args) {
    return assertThrows(IllegalStateException.class,
        () -> f.run(new IngestJob(), overrides, args)).getMessage();
  }

  private static String emptyMessage(JobFixture f, String why, LocalDate day, String more) {
    return "raw events folder is empty (" + why + "): " + folder(f, day) + more
        + "; set ingest.on_empty_folder: allow to accept it";
  }

  private static void login(JobFixture f, LocalDate day, String id, boolean success) {
    f.writeRaw("events", day, "part-0.json", List.of(event(id, day + "T09:00:00+08:00", "u1",
        "login", "")), success);
  }

  @Test
  void keepsExtraFieldsQuarantinesWrongTypesAndCorruptFilesAndIngestsTheRest()
      throws Exception {
    JobFixture f = new JobFixture(tmp);
    String t = "\"" + D1 + "T10:00:00+08:00\"";
    f.writeRaw("events", D1, "part-0.json.gz", List.of(
        event("x1", D1 + "T09:00:00+08:00", "u1", "login",
            "\"app_version\":\"5.2.0\",\"ab_bucket\":7,\"device\":{\"os\":\"ios\"}"),
        event("x2", D1 + "T09:30:00+08:00", "u2", "content_view",
            "\"content_id\":\"c1\",\"properties\":{\"dwell_ms\":\"1200\",\"ar_filter\":\"sepia\"}"),
        event("w1", D1 + "T10:00:00+08:00", "u2", "purchase",
            "\"order_id\":\"o1\",\"amount\":\"12.50\"")), false);
    f.writeRaw("events", D1, "part-1.json", List.of(
        "{\"event_id\":\"w2\",\"event_time\":" + t + ",\"user_id\":42,\"event_type\":\"login\"}",
        event("w3", D1 + "T11:00:00+08:00", "u3", "comment",
            "\"content_id\":\"c1\",\"properties\":\"great post\""),
        event("x3", D1 + "T12:00:00+08:00", "u3", "like",
            "\"content_id\":\"c2\",\"tier\":\"outer\",\"properties\":{\"tier\":\"inner\"}")),
        false);
    // A gzip header followed by bytes that are not a deflate stream, beside the good files.
    Files.write(folder(f, D1).resolve("part-2.json.gz"),
        new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 'n', 'o', 'p', 'e'});
    f.writeRaw("events", D1, "part-3.json", List.of(
        event("x4", D1 + "T13:00:00+08:00", "u4", "checkin", "")), true);

    JobFixture.Ran ran = f.run(new IngestJob(), Map.of(), "--date", D1.toString());

    assertEquals(List.of(
        "x1|u1|login|null|null|{ab_bucket=7, app_version=5.2.0, device={\"os\":\"ios\"}}",
        "x2|u2|content_view|c1|null|{ar_filter=sepia, dwell_ms=1200}",
        "x3|u3|like|c2|null|{tier=inner}",
        "x4|u4|checkin|null|null|{}"), events(f),
        "unknown top-level fields and new properties attributes are kept; properties win a clash");
    String dir = "raw/events/dt=" + D1 + "/";
    List<String> rejected = quarantine(f);
    assertEquals(List.of(
        dir + "part-0.json.gz|3|wrong_type|amount must be a number, got string|w1",
        dir + "part-1.json|1|wrong_type|user_id must be a string, got number|w2",
        dir + "part-1.json|2|wrong_type|properties must be an object|w3"),
        rejected.subList(0, 3));
    assertEquals(4, rejected.size(), rejected.toString());
    assertEquals(dir + "part-2.json.gz|null|unreadable_file|unreadable after 0 lines: ",
        rejected.get(3).substring(0, rejected.get(3).indexOf(": ") + 2),
        "the corrupt file is quarantined once, by path, with the read error");
    assertEquals(Map.of("accepted", 4L, "quarantined", 4L, "quarantined.wrong_type", 3L,
        "quarantined.unreadable_file", 1L, "empty_folders", 0L),
        Map.of("accepted", ran.result().counts().get("accepted"),
            "quarantined", ran.result().counts().get("quarantined"),
            "quarantined.wrong_type", ran.result().counts().get("quarantined.wrong_type"),
            "quarantined.unreadable_file",
            ran.result().counts().get("quarantined.unreadable_file"),
            "empty_folders", ran.result().counts().get("empty_folders")),
        "the counts ops.job_runs records, the reasons under quarantined.<reason>");
    assertEquals(8L, ran.rowsRead(), "seven lines and one unreadable file");
  }

  @Test
  void missingAndIncompleteFoldersFailEachWithItsOwnMessageUnlessConfigured() throws Exception {
    JobFixture f = new JobFixture(tmp);
    assertEquals("raw events folder missing: " + folder(f, D1),
        failure(f, Map.of(), "--date", D1.toString()));
    login(f, D1, "e1", false);
    assertEquals("raw events folder has no _SUCCESS marker (incomplete): " + folder(f, D1),
        failure(f, Map.of(), "--date", D1.toString()));

    IngestJob.Result lenient = f.run(new IngestJob(), Map.of("ingest.require_success_marker", "false",
        "ingest.on_missing_folder", "skip"), "--from", D1.toString(), "--to", D2.toString())
        .result(IngestJob.Result.class);
    assertEquals(List.of("e1|u1|login|null|null|{}"), events(f),
        "the incomplete folder is read, the missing one skipped");
    assertEquals(0L, lenient.emptyFolders());
  }

  @Test
  void aFolderWithoutDataFilesIsEmptyNotASuccessUnlessAllowed() throws Exception {
    JobFixture f = new JobFixture(tmp);
    emptyFolder(f, D1, null);
    assertEquals(emptyMessage(f, "no data files", D1, ""),
        failure(f, Map.of(), "--date", D1.toString()));
    emptyFolder(f, D2, "part-0.json");
    assertEquals(emptyMessage(f, "no data files", D1, " (and 1 more)"),
        failure(f, Map.of(), "--from", D1.toString(), "--to", D2.toString()),
        "a zero-byte file is no data");

    JobFixture.Ran allowed = f.run(new IngestJob(), Map.of("ingest.on_empty_folder", "allow"),
        "--from", D1.toString(), "--to", D2.toString());
    assertEquals(2L, allowed.result(IngestJob.Result.class).emptyFolders());
    assertEquals(0L, allowed.rowsRead());
    assertEquals(0L, allowed.result(IngestJob.Result.class).accepted());
  }

  @Test
  void filesWithoutLinesMakeAnEmptyFolderSeenAfterTheReadBeforeAnyWrite() throws Exception {
    JobFixture f = new JobFixture(tmp);
    login(f, D1, "e1", true);
    f.writeRaw("events", D2, "part-0.json.gz", List.of(), false);
    f.writeRaw("events", D2, "part-1.json", List.of("", ""), true);
    assertEquals(emptyMessage(f, "its files hold no rows", D2, ""),
        failure(f, Map.of(), "--from", D1.toString(), "--to", D2.toString()));
    assertFalse(Files.exists(f.warehouse.resolve("silver/events")),
        "the run failed before writing anything");

    IngestJob.Result allowed = f.run(new IngestJob(), Map.of("ingest.on_empty_folder", "allow"),
        "--from", D1.toString(), "--to", D2.toString()).result(IngestJob.Result.class);
    assertEquals(1L, allowed.emptyFolders());
    assertEquals(List.of("e1|u1|login|null|null|{}"), events(f));
  }
}
