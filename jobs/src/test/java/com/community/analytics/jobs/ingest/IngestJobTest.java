package com.community.analytics.jobs.ingest;

import static com.community.analytics.common.testing.SparkTestSession.assertDataFrameEquals;
import static com.community.analytics.jobs.support.JobFixture.event;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.catalog.SilverTables;
import com.community.analytics.common.lake.RawLake;
import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.jobs.support.JobFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestJobTest {
  private static final LocalDate D1 = LocalDate.of(2026, 11, 20);
  private static final LocalDate D2 = LocalDate.of(2026, 11, 21);
  private final SparkSession spark = SparkTestSession.get();

  @TempDir
  Path tmp;

  private List<String> ids(JobFixture f, TableSpecRead table) {
    return table.read(f).select("event_id").orderBy("event_id").collectAsList().stream()
        .map(r -> r.getString(0)).collect(Collectors.toList());
  }

  private interface TableSpecRead {
    Dataset<Row> read(JobFixture f);
  }

  private Dataset<Row> events(JobFixture f) {
    return spark.read().format("delta").load(f.warehouse + "/silver/events");
  }

  private Dataset<Row> quarantine(JobFixture f) {
    return spark.read().format("delta").load(f.warehouse + "/ops/quarantine");
  }

  /** A copy detached from the table, to compare a table before and after a rerun. */
  private Dataset<Row> snapshot(Dataset<Row> df, String... order) {
    return spark.createDataFrame(df.orderBy(order[0], java.util.Arrays.copyOfRange(order, 1,
        order.length)).collectAsList(), df.schema());
  }

  private void writeDay1(JobFixture f) throws Exception {
    f.writeRaw("events", D1, "part-0.json.gz", List.of(
        event("e1", "2026-11-20T09:00:00+08:00", "u1", "login", ""),
        event("e1", "2026-11-20T09:00:00+08:00", "u1", "login", ""),
        event("e2", "2026-11-20T10:00:00+08:00", "u2", "content_view",
            "\"content_id\":\"c1\",\"channel\":\"Feed\""),
        "{\"event_id\":\"b1\",",
        event("b2", "2026-11-20T10:00:00+08:00", "u2", "teleport", ""),
        event("b3", "2026-11-20T10:00:00+08:00", "u2", "purchase",
            "\"order_id\":\"o\",\"amount\":-1"),
        event("b4", "not a time", "u2", "login", ""),
        event("b5", "2027-06-01T10:00:00+08:00", "u2", "login", ""),
        "{\"event_id\":\"b6\",\"event_time\":\"2026-11-20T10:00:00Z\",\"event_type\":\"login\"}"),
        false);
    Path corrupt = f.lake.resolve("raw/events/dt=" + D1 + "/part-1.json.gz");
    Files.write(corrupt, new byte[] {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8});
    f.writeRaw("events", D1, "part-2.json", List.of(
        event("e5", "2026-11-20T23:30:00+08:00", "u3", "like", "\"content_id\":\"c2\"")), true);
  }

  /** Day 2: a re-delivery of e2, a new event, and a late event of 2026-11-18. */
  private void writeDay2(JobFixture f) {
    f.writeRaw("events", D2, "part-0.json", List.of(
        event("e2", "2026-11-20T10:00:00+08:00", "u2", "content_view",
            "\"content_id\":\"c1\",\"channel\":\"Feed\""),
        event("e3", "2026-11-21T08:00:00+08:00", "u3", "login", ""),
        event("e4", "2026-11-18T12:00:00+08:00", "u4", "login", "")), true);
  }

  @Test
  void quarantinesEveryBrokenKindAndReconciles() throws Exception {
    JobFixture f = new JobFixture(tmp);
    writeDay1(f);
    JobFixture.Ran ran = f.run(new IngestJob(), Map.of(), "--date", D1.toString());

    assertEquals(List.of("e1", "e2", "e5"), ids(f, this::events));
    Map<String, Long> reasons = quarantine(f).groupBy("reason").count().collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1)));
    assertEquals(Map.of("malformed_json", 1L, "unknown_event_type", 1L, "negative_amount", 1L,
        "unparseable_time", 1L, "future_time", 1L, "missing_required_field", 1L,
        "unreadable_file", 1L), reasons);
    Row unreadable = quarantine(f).where("reason = 'unreadable_file'").first();
    assertTrue(unreadable.getString(unreadable.fieldIndex("source_file")).endsWith("part-1.json.gz"));
    IngestJob.Result r = ran.result(IngestJob.Result.class);
    assertEquals(11L, ran.rowsRead(), "10 lines and one unreadable file");
    assertEquals(3L, r.accepted());
    assertEquals(1L, r.duplicates());
    assertEquals(7L, r.quarantined());
    assertEquals(reasons, r.quarantinedByReason(), "the reasons as validation counted them");
    Row e2 = events(f).where("event_id = 'e2'").first();
    assertEquals("feed", e2.getString(e2.fieldIndex("channel")));
    // Registered by name, with the table and column comments of the catalog.
    assertEquals(3L, spark.table("silver.events").count());
    assertTrue(spark.table("silver.events").schema().apply("event_date").getComment().isDefined());
    Row comment = spark.sql("describe table extended ops.quarantine").where("col_name = "
        + "'Comment'").first();
    assertEquals(SilverTables.QUARANTINE.comment(), comment.getString(1));
  }

  @Test
  void deduplicatesAcrossRunsAndLandsLateEventsInTheirOwnDate() throws Exception {
    JobFixture f = new JobFixture(tmp);
    writeDay1(f);
    writeDay2(f);

    f.run(new IngestJob(), Map.of(), "--date", D1.toString());
    IngestJob.Result second = f.run(new IngestJob(), Map.of(), "--date", D2.toString())
        .result(IngestJob.Result.class);
    assertEquals(1L, second.duplicatesInSilver());
    assertEquals(2L, second.accepted());
    assertEquals(List.of("e1", "e2", "e3", "e4", "e5"), ids(f, this::events));
    Row late = events(f).where("event_id = 'e4'").first();
    assertEquals("2026-11-18", late.getDate(late.fieldIndex("event_date")).toString());
    assertEquals(D2.toString(), late.getDate(late.fieldIndex("arrival_date")).toString());

    // A backfill of both days at once gives the same silver table as the two nightly runs.
    JobFixture range = new JobFixture(tmp.resolve("range"));
    Files.createDirectories(range.root);
    writeDay1(range);
    writeDay2(range);
    range.run(new IngestJob(), Map.of(), "--from", D1.toString(), "--to", D2.toString());
    assertDataFrameEquals(events(f).drop("source_file").orderBy("event_id"),
        events(range).drop("source_file").orderBy("event_id"));
    // Optimized writes: one data file per event_date partition, not one per task and date.
    assertEquals(List.of(1L), events(range).select(col("event_date"),
            input_file_name().as("file")).distinct().groupBy("event_date").count()
        .select("count").distinct().as(Encoders.LONG()).collectAsList());
  }

  @Test
  void rerunningADateGivesIdenticalTables() throws Exception {
    JobFixture f = new JobFixture(tmp);
    writeDay1(f);
    f.run(new IngestJob(), Map.of(), "--date", D1.toString());
    Dataset<Row> eventsBefore = snapshot(events(f), "event_id");
    Dataset<Row> quarantineBefore = snapshot(quarantine(f), "source_file", "line_number");
    f.run(new IngestJob(), Map.of(), "--date", D1.toString());
    assertDataFrameEquals(eventsBefore, events(f).orderBy("event_id"));
    assertDataFrameEquals(quarantineBefore, quarantine(f).orderBy("source_file", "line_number"));
  }

  @Test
  void dimensionsKeepTheNewestSnapshotPerKey() throws Exception {
    JobFixture f = new JobFixture(tmp);
    f.writeRaw("events", D1, "p.json", List.of(), true);
    f.writeRaw("events", D2, "p.json", List.of(), true);
    f.writeRaw("dims/users", D1, "u.json", List.of(
        "{\"user_id\":\"u1\",\"registered_at\":\"2026-11-01T00:00:00Z\",\"membership_tier\":"
            + "\"BASIC\",\"follower_count\":10}",
        "{\"user_id\":\"u2\",\"registered_at\":\"2026-11-02T00:00:00Z\"}",
        "{\"registered_at\":\"2026-11-02T00:00:00Z\"}"), true);
    f.writeRaw("dims/users", D2, "u.json", List.of(
        "{\"user_id\":\"u1\",\"registered_at\":\"2026-11-01T00:00:00Z\",\"membership_tier\":"
            + "\"vip\",\"follower_count\":600000}"), true);
    // Days with snapshots but no events: their events folders are empty, which is allowed here.
    Map<String, String> allowEmpty = Map.of("ingest.on_empty_folder", "allow");
    f.run(new IngestJob(), allowEmpty, "--date", D2.toString());
    f.run(new IngestJob(), allowEmpty, "--date", D1.toString());
    List<Row> users = spark.read().format("delta").load(f.warehouse + "/silver/users")
        .select("user_id", "membership_tier", "follower_count").orderBy("user_id")
        .collectAsList();
    assertEquals("[[u1,vip,600000], [u2,null,null]]", users.toString(),
        "an older snapshot loaded later does not win");
    assertEquals(1L, quarantine(f).where("source = 'users'").count());
  }

  /**
   * Ids that are unique per event are written plainly, with no dictionary attempt (the
   * session's Parquet settings reach Delta's writer): a session_id column whose values repeat,
   * which Parquet would otherwise dictionary-encode, beside a user_id column with the same
   * values, which keeps its dictionary.
   */
  @Test
  void uniqueIdColumnsAreWrittenWithoutADictionary() throws Exception {
    String table = tmp.resolve("ids").toString();
    spark.range(2000).selectExpr("concat('s', id % 10) AS session_id",
            "concat('s', id % 10) AS user_id").write().format("delta").save(table);
    org.apache.hadoop.conf.Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<Path> files;
    try (var listing = Files.list(Path.of(table))) {
      files = listing.filter(p -> p.toString().endsWith(".parquet")).toList();
    }
    assertTrue(!files.isEmpty());
    for (Path file : files) {
      try (var reader = org.apache.parquet.hadoop.ParquetFileReader.open(
          org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
              new org.apache.hadoop.fs.Path(file.toString()), conf))) {
        for (var block : reader.getFooter().getBlocks()) {
          for (var column : block.getColumns()) {
            boolean dictionary = column.hasDictionaryPage();
            String name = column.getPath().toDotString();
            assertEquals(name.equals("user_id"), dictionary, name + " in " + file);
          }
        }
      }
    }
  }

  /**
   * A backfill's files are read by a few tasks per core, each reading a run of whole files
   * (every stage over the rows pays per task), and no line is lost or renumbered.
   */
  @Test
  void manyFilesAreReadByAFewTasksPerCoreWithEveryLine() {
    JobFixture f = new JobFixture(tmp);
    for (LocalDate day : List.of(D1, D2)) {
      for (int file = 0; file < 15; file++) {
        f.writeRaw("events", day, "part-" + file + ".json", List.of("{\"n\":1}", "{\"n\":2}",
            "{\"n\":3}"), true);
      }
    }
    RawLake lake = new RawLake(spark, f.lake.toString());
    Dataset<Row> lines = lake.readLines(List.of(lake.folder("events", D1),
        lake.folder("events", D2)));
    int cores = spark.sparkContext().defaultParallelism();
    assertEquals(Math.min(30, 4 * cores), lines.rdd().getNumPartitions(), "tasks");
    Dataset<Row> perFile = lines.groupBy("source_file").count();
    assertEquals(30L, perFile.count(), "files");
    assertEquals(List.of(3L), perFile.select("count").distinct().as(Encoders.LONG())
        .collectAsList(), "three lines in each file");
    assertEquals(30L, lines.where("line_number = 3 AND raw = '{\"n\":3}'").count());
  }
}
