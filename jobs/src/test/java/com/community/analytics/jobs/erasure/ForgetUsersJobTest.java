package com.community.analytics.jobs.erasure;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.catalog.Catalog;
import com.community.analytics.common.cli.UsageException;
import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.jobs.Main;
import com.community.analytics.jobs.attribution.AttributionJob;
import com.community.analytics.jobs.churn.ChurnScoreJob;
import com.community.analytics.jobs.churn.ChurnTrainJob;
import com.community.analytics.jobs.features.FeaturesJob;
import com.community.analytics.jobs.generate.GenerateJob;
import com.community.analytics.jobs.ingest.IngestJob;
import com.community.analytics.jobs.support.JobFixture;
import io.delta.tables.DeltaTable;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasure end to end on a warehouse the real pipeline built from a tiny generated lake: two
 * members are forgotten from every member table and nothing else changes, the log says what
 * happened without saying who, a rerun is harmless, and bad requests are usage errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForgetUsersJobTest {
  private static final String START = "2026-01-01";
  private static final String END = "2026-01-20";
  private final SparkSession spark = SparkTestSession.get();

  @TempDir
  static Path tmp;
  private JobFixture f;
  private Map<String, String> conf;
  /** The two members forgotten: one buyer with touches, one content author. */
  private List<String> forgotten;
  /** Each existing table's version before the erasure. */
  private final Map<String, Long> versionBefore = new LinkedHashMap<>();
  private JobFixture.Ran first;
  private String printed;

  @BeforeAll
  void warehouseThenErasure() throws Exception {
    f = new JobFixture(tmp);
    f.extraYaml = "churn:\n  grid:\n    - algorithm: logistic_regression\n"
        + "      params: {reg_param: 0.01, max_iter: 20}\n";
    conf = new HashMap<>(Map.of("generator.members", "80", "generator.days", "20",
        "generator.start_date", START, "generator.partitions", "1", "churn.horizon_days", "7",
        "churn.cutoffs", "3", "churn.cutoff_step_days", "2", "features.snapshot_every_days", "30"));
    f.run(new GenerateJob(), conf);
    String author = author();
    f.writeRaw("events", LocalDate.parse(START), "extra.json", List.of(
        "{\"event_id\":\"x-1\",\"event_time\":\"" + START + "T10:00:00+08:00\",\"user_id\":\""
            + author + "\",\"event_type\":\"lik"), true);
    f.run(new IngestJob(), conf, "--from", START, "--to", END);
    f.run(new FeaturesJob(), conf, "--from", START, "--to", END);
    f.run(new ChurnTrainJob(), conf, "--date", END);
    f.run(new ChurnScoreJob(), conf, "--date", END);
    f.run(new AttributionJob(), conf, "--from", "2026-01-19", "--to", END);

    forgotten = List.of(buyer(), author);
    for (Catalog.Table t : Main.catalog().all()) {
      if (DeltaTable.isDeltaTable(spark, path(t))) {
        versionBefore.put(t.name(), DeltaTable.forPath(spark, path(t)).history(1)
            .first().getLong(0));
      }
    }
    Path ids = Files.writeString(tmp.resolve("T-42.txt"), "# erasure ticket T-42\n\n"
        + forgotten.get(0) + "\n  " + forgotten.get(1) + "   # second member\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    first = f.run(new ForgetUsersJob(new PrintStream(out, true, StandardCharsets.UTF_8),
        Main::catalog), conf, "--ids", ids.toString(), "--requested-by", "T-42 (dpo@example.com)");
    printed = out.toString(StandardCharsets.UTF_8);
  }

  private String path(Catalog.Table t) {
    return f.warehouse + "/" + t.spec().database() + "/" + t.spec().table();
  }

  private Dataset<Row> table(Catalog.Table t) {
    return spark.read().format("delta").load(path(t));
  }

  private Dataset<Row> before(Catalog.Table t) {
    return spark.read().format("delta").option("versionAsOf", versionBefore.get(t.name()))
        .load(path(t));
  }

  /** A member with attribution credits, churn training rows and a retention action. */
  private String buyer() {
    Dataset<Row> credits = spark.read().format("delta").load(f.warehouse
        + "/gold/attribution_credits").select("user_id");
    Dataset<Row> actions = spark.read().format("delta").load(f.warehouse
        + "/gold/retention_actions").select("user_id");
    Dataset<Row> training = spark.read().format("delta").load(f.warehouse
        + "/ml/churn_training_set").select("user_id");
    return credits.intersect(actions).intersect(training).orderBy("user_id").first()
        .getString(0);
  }

  /**
   * A member who authored content, from the generated raw snapshot; the test gives them a
   * malformed raw line, which ingest quarantines.
   */
  private String author() {
    return spark.read().json(f.lake + "/raw/dims/content").where("author_id LIKE 'u%'")
        .select("author_id").orderBy("author_id").first().getString(0);
  }

  /** The rows of {@code t} that belong to a forgotten member, as the test sees it. */
  private Column mine(Catalog.Table t) {
    Column mine = t.member().erasure() == Catalog.Erasure.DELETE_RAW_LINE
        ? col("raw").rlike("\"(user_id|author_id)\"\\s*:\\s*\"(" + String.join("|",
            forgotten) + ")\"")
        : col(t.member().column()).isin(forgotten.toArray());
    return coalesce(mine, lit(false));
  }

  @Test
  void theMembersAreGoneFromEveryMemberTableAndEverythingElseIsUnchanged() {
    for (Catalog.Table t : Main.catalog().all()) {
      if (!versionBefore.containsKey(t.name())) {
        continue;
      }
      Dataset<Row> before = before(t);
      Dataset<Row> after = table(t);
      if (!t.holdsMembers()) {
        SparkTestSession.assertSameRows(before, after, t.name() + " (aggregate) unchanged");
        continue;
      }
      Column mine = mine(t);
      assertTrue(before.where(mine).count() > 0, t.name() + " held the members before");
      assertEquals(0, after.where(mine).count(), t.name() + " holds them no more");
      Dataset<Row> expected = t.member().erasure() == Catalog.Erasure.NULL_REFERENCE
          ? before.withColumn(t.member().column(), when(mine, lit(null)
              .cast(DataTypes.StringType)).otherwise(col(t.member().column())))
          : before.where(mine.unary_$bang());
      SparkTestSession.assertSameRows(expected, after, t.name() + " less the members");
    }
    assertTrue(versionBefore.keySet().containsAll(Main.catalog().memberTables().stream()
        .map(Catalog.Table::name).toList()), "the pipeline built every member table");
    Catalog.Table events = Main.catalog().find("silver.events").orElseThrow();
    assertTrue(before(events).where(mine(events)).count() > 0,
        "time travel still finds them until VACUUM");
  }

  @Test
  void theLogSaysWhatEachTableLostButNeverWho() {
    List<Row> log = spark.read().format("delta").load(f.warehouse + "/ops/erasure_log")
        .where(col("request_id").equalTo(first.context().runId())).collectAsList();
    List<Catalog.Table> members = Main.catalog().memberTables();
    assertEquals(members.size(), log.size());
    Map<String, Row> byTable = new HashMap<>();
    log.forEach(r -> byTable.put(r.getAs("table_name"), r));
    for (Catalog.Table t : members) {
      Row r = byTable.get(t.name());
      assertEquals("T-42 (dpo@example.com)", r.getAs("requested_by"));
      assertEquals(2L, (long) r.getAs("ids_requested"));
      assertEquals(t.member().erasure().name().toLowerCase(), r.getAs("action"));
      long expected = t.member().erasure() == Catalog.Erasure.NULL_REFERENCE
          ? before(t).where(mine(t)).count()
          : before(t).count() - table(t).count();
      assertEquals(expected, (long) r.getAs("rows_affected"), t.name());
      assertEquals(DeltaTable.forPath(spark, path(t)).history(1).first().getLong(0),
          (long) r.getAs("delta_version"), t.name());
    }
    ForgetUsersJob.Result result = first.result(ForgetUsersJob.Result.class);
    assertEquals(2L, result.idsRequested());
    Map<String, Long> logged = new LinkedHashMap<>();
    log.forEach(r -> logged.put(r.getAs("action") + "." + r.getAs("table_name"),
        r.<Long>getAs("rows_affected")));
    assertEquals(logged, result.erased(), "the result holds what the log says, per table");
    for (String id : forgotten) {
      for (Row r : log) {
        for (StructField field : r.schema().fields()) {
          Object v = r.getAs(field.name());
          assertFalse(v != null && v.toString().contains(id), field.name() + " names " + id);
        }
      }
      assertFalse(printed.contains(id), "the summary names no member: " + printed);
      for (Catalog.Table t : members) {
        String history = DeltaTable.forPath(spark, path(t)).history().select(
            "operationParameters").collectAsList().toString();
        assertFalse(history.contains(id), t.name() + "'s Delta history names " + id);
      }
    }
    assertTrue(printed.contains("community maintain --skip-optimize --tables silver.events,"),
        printed);
    assertTrue(printed.contains("VACUUM <table> RETAIN 168 HOURS"), printed);
  }

  @Test
  void rerunningTheRequestRemovesNothingAndChangesNoTable() throws Exception {
    Map<String, Long> versions = new LinkedHashMap<>();
    for (Catalog.Table t : Main.catalog().memberTables()) {
      versions.put(t.name(), DeltaTable.forPath(spark, path(t)).history(1).first().getLong(0));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    JobFixture.Ran again = f.run(new ForgetUsersJob(new PrintStream(out, true,
        StandardCharsets.UTF_8), Main::catalog), conf, "--ids", String.join(",", forgotten),
        "--requested-by", "T-42");
    List<Row> log = spark.read().format("delta").load(f.warehouse + "/ops/erasure_log")
        .where(col("request_id").equalTo(again.context().runId())).collectAsList();
    assertEquals(Main.catalog().memberTables().size(), log.size());
    for (Row r : log) {
      assertEquals(0L, (long) r.getAs("rows_affected"), r.toString());
      assertNull(r.getAs("delta_version"), r.toString());
    }
    for (Catalog.Table t : Main.catalog().memberTables()) {
      assertEquals(versions.get(t.name()), DeltaTable.forPath(spark, path(t)).history(1)
          .first().getLong(0), t.name() + " has no new version");
    }
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("Nothing matched"));
    assertTrue(again.result(ForgetUsersJob.Result.class).erased().values().stream()
        .allMatch(n -> n == 0), "nothing erased the second time");
  }

  @Test
  void aMissingFileAnEmptyListOrNoRequesterIsAUsageError() throws Exception {
    List<String> errors = new ArrayList<>();
    for (String[] args : List.of(
        new String[] {"forget-users", "--ids", "u1,u2"},
        new String[] {"forget-users", "--ids", " , ", "--requested-by", "T-1"},
        new String[] {"forget-users", "--requested-by", "T-1"})) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code = Main.runner().run(args, new PrintStream(new ByteArrayOutputStream()),
          new PrintStream(err, true, StandardCharsets.UTF_8));
      assertEquals(2, code, String.join(" ", args));
      List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
      assertEquals(1, lines.size(), lines.toString());
      errors.add(lines.get(0));
    }
    assertEquals(List.of(
        "community forget-users: forget-users needs --requested-by (the ticket or operator "
            + "asking for the erasure)",
        "community forget-users: --ids ' , ' lists no user ids",
        "community forget-users: forget-users needs --ids (user ids, comma-separated, or a "
            + "file of ids)"), errors);
    String missing = tmp.resolve("no-such-ids.txt").toString();
    UsageException e = assertThrows(UsageException.class, () -> f.run(new ForgetUsersJob(
        new PrintStream(new ByteArrayOutputStream()), Main::catalog), conf, "--ids", missing,
        "--requested-by", "T-1"));
    assertEquals("ids file not found: " + missing, e.getMessage());
  }
}
