package com.community.analytics.jobs.ingest;

import static com.community.analytics.jobs.support.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.jobs.support.JobFixture;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows that used to stop the night or change silently (issue #18), in one arrival folder beside
 * valid rows: each gets its exact outcome, the run succeeds, and rows read = accepted +
 * duplicates + quarantined. The same for users and content snapshots, where a bad row must
 * also never replace a good one.
 */
class HostileInputTest {
  private static final LocalDate D1 = LocalDate.of(2026, 11, 20);
  private static final LocalDate D2 = LocalDate.of(2026, 11, 21);
  private static final String T = D1 + "T10:00:00+08:00";
  private final SparkSession spark = SparkTestSession.get();

  @TempDir
  Path tmp;

  private static String purchase(String id, String amount) {
    return event(id, T, "u1", "purchase", "\"order_id\":\"o-" + id + "\",\"amount\":" + amount);
  }

  /** ops.quarantine as "line|reason|event id" of one source, by file and line. */
  private List<String> quarantine(JobFixture f, String source) {
    return spark.read().format("delta").load(f.warehouse + "/ops/quarantine")
        .where("source = '" + source + "'").orderBy("source_file", "line_number")
        .selectExpr("concat_ws('|', line_number, reason, coalesce(event_id, '-'))")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
  }

  @Test
  void aFolderMixingEveryHostileRowIngestsTheRestAndReconciles() throws Exception {
    JobFixture f = new JobFixture(tmp);
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    // A byte-order mark before a valid first row.
    file.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    for (String line : List.of(
        event("ok1", T, "u1", "login", ""),
        "   \t ",
        purchase("nan", "NaN"),
        purchase("inf", "Infinity"),
        purchase("big", "1e999"),
        purchase("overflow", "1e20"),
        event("old", "1899-12-31T00:00:00Z", "u1", "login", ""),
        event("dup", T, "u1", "login", "\"user_id\":\"u2\""),
        event("two", T, "u1", "login", "") + event("objects", T, "u1", "login", ""),
        event("surrogate", T, "u\\ud800", "login", ""),
        purchase("ok2", "10.5"),
        event("ok3", T, "u\\ud83d\\ude00", "login", ""))) {
      file.write(line.getBytes(StandardCharsets.UTF_8));
      file.write('\n');
    }
    file.write(event("caf", T, "caf", "login", "").replace("caf\"", "caf\u0001\"")
        .getBytes(StandardCharsets.UTF_8));
    byte[] bytes = file.toByteArray();
    // caf followed by the Latin-1 byte for e-acute, which is not UTF-8.
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == 1) {
        bytes[i] = (byte) 0xE9;
      }
    }
    f.writeRaw("events", D1, "part-0.json", List.of(), true);
    Files.write(f.lake.resolve("raw/events/dt=" + D1 + "/part-0.json"), bytes);

    JobFixture.Ran ran = f.run(new IngestJob(), Map.of(), "--date", D1.toString());

    assertEquals(List.of("ok1|u1", "ok2|u1", "ok3|u\ud83d\ude00"), spark.sql(
        "select concat(event_id, '|', user_id) from delta.`" + f.warehouse + "/silver/events` "
            + "order by event_id").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    assertEquals(List.of("3|non_finite_number|nan", "4|non_finite_number|inf",
        "5|non_finite_number|big", "6|out_of_range|overflow", "7|implausible_time|old",
        "8|duplicate_key|-", "9|malformed_json|-", "10|invalid_encoding|-",
        "13|invalid_encoding|-"), quarantine(f, "events"),
        "the BOM row and the blank line are not rejects; line 2 is no row");
    IngestJob.Result r = ran.result(IngestJob.Result.class);
    assertEquals(12L, ran.rowsRead());
    assertEquals(ran.rowsRead(), r.accepted() + r.duplicates() + r.quarantined());
    assertEquals(0L, spark.sql("select count(*) from delta.`" + f.warehouse + "/silver/events` "
        + "where event_type in ('purchase', 'refund') and amount is null").first().getLong(0));

    // ops.data_quality: every rule of the contract for the folder, zero failures included.
    assertEquals(List.of("duplicate_key|12|1", "future_time|12|0", "implausible_time|12|1",
            "invalid_encoding|12|2", "malformed_json|12|1",
            "missing_required_field|12|0", "negative_amount|12|0", "non_finite_number|12|3",
            "out_of_range|12|1", "unknown_event_type|12|0", "unparseable_time|12|0",
            "unreadable_file|12|0", "wrong_type|12|0", "valid:login|12|2",
            "valid:purchase|12|1"),
        spark.read().format("delta").load(f.warehouse + "/ops/data_quality")
            .where("source = 'events' and arrival_date = '" + D1 + "'")
            .selectExpr("concat_ws('|', concat_ws(':', rule, event_type), rows_checked, "
                + "coalesce(rows_failed, rows_valid))")
            .orderBy(org.apache.spark.sql.functions.expr("rule = 'valid'"),
                org.apache.spark.sql.functions.col("rule"),
                org.apache.spark.sql.functions.col("event_type"))
            .as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    assertEquals(0.25, spark.read().format("delta").load(f.warehouse + "/ops/data_quality")
        .where("rule = 'non_finite_number'").first().<Double>getAs("failure_share"));
    assertEquals(ran.context().runId(), spark.read().format("delta")
        .load(f.warehouse + "/ops/data_quality").select("run_id").distinct().first().get(0));
  }

  @Test
  void badSnapshotRowsAreQuarantinedAndNeverReplaceAGoodOne() throws Exception {
    JobFixture f = new JobFixture(tmp);
    String user = "{\"user_id\":\"u1\",\"registered_at\":\"2026-11-01T00:00:00Z\","
        + "\"follower_count\":10,\"city_tier\":2,\"birth_year\":1990";
    String content = "{\"content_id\":\"c1\",\"content_type\":\"article\",\"origin\":\"ugc\","
        + "\"published_at\":\"2026-11-01T00:00:00Z\"";
    f.writeRaw("events", D1, "p.json", List.of(), true);
    f.writeRaw("events", D2, "p.json", List.of(), true);
    f.writeRaw("dims/users", D1, "u.json", List.of(user + "}"), true);
    f.writeRaw("dims/content", D1, "c.json", List.of(content + "}"), true);
    f.writeRaw("dims/users", D2, "u.json", List.of(
        user.replace("2026-11-01", "1899-12-31") + "}",
        user.replace(":10,", ":-5,") + "}",
        user.replace("\"city_tier\":2", "\"city_tier\":9") + "}",
        user.replace(":10,", ":99999999999999999999,") + "}",
        user.replace(":10,", ":1e999,") + "}",
        user.replace(":10,", ":12.5,") + "}",
        user + ",\"follower_count\":11}",
        user.replace("u1", "u\\udfff") + "}"), true);
    f.writeRaw("dims/content", D2, "c.json", List.of(
        content.replace("article", "hologram") + "}",
        content.replace("ugc", "alien") + "}",
        content.replace("2026-11-01", "1899-12-31") + "}",
        content + ",\"published_at\":\"2026-13-45\"}"), true);
    Map<String, String> allowEmpty = Map.of("ingest.on_empty_folder", "allow");
    f.run(new IngestJob(), allowEmpty, "--date", D1.toString());
    f.run(new IngestJob(), allowEmpty, "--date", D2.toString());

    assertEquals(List.of("1|implausible_time|-", "2|out_of_range|-", "3|out_of_range|-",
        "4|out_of_range|-", "5|non_finite_number|-", "6|wrong_type|-", "7|duplicate_key|-",
        "8|invalid_encoding|-"), quarantine(f, "users"));
    assertEquals(List.of("1|unknown_value|-", "2|unknown_value|-", "3|implausible_time|-",
        "4|duplicate_key|-"), quarantine(f, "content"));
    assertEquals("[[u1,10,2,2026-11-20]]", spark.read().format("delta")
        .load(f.warehouse + "/silver/users").select("user_id", "follower_count", "city_tier",
            "snapshot_date").collectAsList().toString(), "the good row of D1 stays");
    assertEquals("[[c1,article,ugc,2026-11-20]]", spark.read().format("delta")
        .load(f.warehouse + "/silver/content").select("content_id", "content_type", "origin",
            "snapshot_date").collectAsList().toString());
  }
}
