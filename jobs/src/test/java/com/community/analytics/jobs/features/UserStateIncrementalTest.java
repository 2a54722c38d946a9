package com.community.analytics.jobs.features;

import static com.community.analytics.common.testing.SparkTestSession.assertDataFrameEquals;
import static com.community.analytics.jobs.support.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.jobs.ingest.IngestJob;
import com.community.analytics.jobs.support.JobFixture;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * state(D) = state(D-1) + day D must equal a recomputation from all history, including when a
 * late event changes an earlier day, and across the 7, 30 and 90-day window edges.
 */
class UserStateIncrementalTest {
  private static final LocalDate B = LocalDate.of(2026, 3, 1);
  private static final Map<String, String> LENIENT = Map.of("ingest.on_missing_folder", "skip");
  private final SparkSession spark = SparkTestSession.get();

  @TempDir
  Path tmp;

  private static String at(int day, int hour) {
    return B.plusDays(day) + "T" + String.format("%02d", hour) + ":00:00+08:00";
  }

  /** Raw folders: arrival day -> lines. Day 91 carries a late event of day 89. */
  private static Map<Integer, List<String>> lake() {
    Map<Integer, List<String>> days = new HashMap<>();
    int n = 0;
    for (int d : new int[] {0, 1, 58, 59, 60, 82, 83, 88, 89, 90, 91}) {
      List<String> lines = new ArrayList<>();
      lines.add(event("v" + (++n), at(d, 9), "u1", "content_view",
          "\"content_id\":\"c1\",\"properties\":{\"dwell_ms\":\"60000\"}"));
      lines.add(event("s" + (++n), at(d, 10), "u2", "share", "\"content_id\":\"c2\""));
      lines.add(event("p" + (++n), at(d, 11), "u3", "push_sent", "\"content_id\":\"c2\""));
      if (d % 2 == 0) {
        lines.add(event("o" + (++n), at(d, 20), "u1", "purchase",
            "\"order_id\":\"o" + n + "\",\"amount\":" + (10 + d)));
      }
      days.put(d, lines);
    }
    days.get(0).add(event("r1", at(0, 8), "u4", "register", ""));
    days.get(59).add(event("m1", at(59, 12), "u2", "membership_change",
        "\"properties\":{\"tier\":\"vip\"}"));
    days.get(60).add(event("f1", at(60, 12), "u1", "refund",
        "\"order_id\":\"o1\",\"amount\":5"));
    // u7 first buys in the nightly runs' range, twice on one day.
    days.get(90).add(event("n1", at(90, 12), "u7", "purchase",
        "\"order_id\":\"n1\",\"amount\":3"));
    days.get(90).add(event("n2", at(90, 13), "u7", "purchase",
        "\"order_id\":\"n2\",\"amount\":4.5"));
    days.get(91).add(event("late1", at(89, 22), "u5", "like", "\"content_id\":\"c1\""));
    days.get(91).add(event("late2", at(89, 23), "u1", "purchase",
        "\"order_id\":\"late\",\"amount\":99.5"));
    return days;
  }

  private static void writeLake(JobFixture f) {
    lake().forEach((d, lines) -> f.writeRaw("events", B.plusDays(d), "part-0.json", lines,
        true));
    f.writeRaw("dims/content", B, "c.json", List.of(
        "{\"content_id\":\"c1\",\"content_type\":\"short_video\",\"topic\":\"food\"}",
        "{\"content_id\":\"c2\",\"content_type\":\"article\",\"topic\":\"tech\"}"), true);
    f.writeRaw("dims/users", B, "u.json", List.of(
        "{\"user_id\":\"u1\",\"registered_at\":\"2026-02-20T00:00:00Z\",\"follower_count\":10}",
        "{\"user_id\":\"u2\",\"registered_at\":\"2026-02-21T00:00:00Z\"}",
        "{\"user_id\":\"u6\",\"registered_at\":\"" + B.plusDays(85) + "T02:00:00Z\"}"), true);
  }

  private Dataset<Row> table(JobFixture f, String name, String... order) {
    Dataset<Row> df = spark.read().format("delta").load(f.warehouse + "/" + name);
    return df.orderBy(order[0], java.util.Arrays.copyOfRange(order, 1, order.length));
  }

  @Test
  void nightlyIncrementsEqualARecomputationFromHistory() throws Exception {
    JobFixture nightly = new JobFixture(tmp.resolve("nightly"));
    JobFixture full = new JobFixture(tmp.resolve("full"));
    Files.createDirectories(nightly.root);
    Files.createDirectories(full.root);
    writeLake(nightly);
    writeLake(full);

    String start = B.toString();
    nightly.run(new IngestJob(), LENIENT, "--from", start, "--to", B.plusDays(88).toString());
    nightly.run(new FeaturesJob(), LENIENT, "--from", start, "--to", B.plusDays(88).toString());
    FeaturesJob.Result last = null;
    for (int d = 89; d <= 91; d++) {
      nightly.run(new IngestJob(), LENIENT, "--date", B.plusDays(d).toString());
      last = nightly.run(new FeaturesJob(), LENIENT, "--date", B.plusDays(d).toString())
          .result(FeaturesJob.Result.class);
    }
    assertEquals(List.of(3L, 0L), List.of(last.stateDaysIncremental(),
        last.stateDaysFromHistory()),
        "the late event of day 89 made the day-91 run roll state forward from day 89");

    full.run(new IngestJob(), LENIENT, "--from", start, "--to", B.plusDays(91).toString());
    FeaturesJob.Result fromHistory = full.run(new FeaturesJob(), LENIENT, "--from", start,
        "--to", B.plusDays(91).toString()).result(FeaturesJob.Result.class);
    assertEquals(List.of(0L, 92L), List.of(fromHistory.stateDaysIncremental(),
        fromHistory.stateDaysFromHistory()));

    assertDataFrameEquals(table(full, "gold/user_activity_daily", "activity_date", "user_id"),
        table(nightly, "gold/user_activity_daily", "activity_date", "user_id"));
    assertDataFrameEquals(table(full, "gold/user_state", "as_of_date", "user_id"),
        table(nightly, "gold/user_state", "as_of_date", "user_id"));

    // Spot checks of what the state says, so equal tables are also right tables.
    Row u1 = table(nightly, "gold/user_state", "as_of_date").where(
        "user_id = 'u1' AND as_of_date = '" + B.plusDays(91) + "'").first();
    assertEquals(11L, u1.getLong(u1.fieldIndex("active_days")));
    assertEquals(4L, u1.getLong(u1.fieldIndex("active_days_7")), "days 85-91: 88, 89, 90, 91");
    assertEquals(6L, u1.getLong(u1.fieldIndex("active_days_30")),
        "in days 62-91: 82, 83, 88, 89, 90, 91");
    assertEquals(9L, u1.getLong(u1.fieldIndex("active_days_90")), "days 2-91");
    assertEquals(7L, u1.getLong(u1.fieldIndex("orders")), "days 0,58,60,82,88,90 + late 89");
    assertEquals("2026-02-20", u1.getDate(u1.fieldIndex("registered_date")).toString());
    assertEquals(new BigDecimal("10.00"), u1.getAs("first_purchase_day_gmv"),
        "day 0's purchase, carried from night to night");
    Row u7 = table(nightly, "gold/user_state", "as_of_date").where(
        "user_id = 'u7' AND as_of_date = '" + B.plusDays(91) + "'").first();
    assertEquals(new BigDecimal("7.50"), u7.getAs("first_purchase_day_gmv"),
        "the first purchase day (90, two orders) fell in the nightly runs");
    Row u2 = table(nightly, "gold/user_state", "as_of_date").where(
        "user_id = 'u2' AND as_of_date = '" + B.plusDays(91) + "'").first();
    assertEquals("vip", u2.getString(u2.fieldIndex("membership_tier")));
    Row u3 = table(nightly, "gold/user_state", "as_of_date").where(
        "user_id = 'u3' AND as_of_date = '" + B.plusDays(91) + "'").first();
    assertEquals(0L, u3.getLong(u3.fieldIndex("active_days")), "push_sent is not activity");
    assertEquals(1L, table(nightly, "gold/user_state", "as_of_date").where(
        "user_id = 'u6' AND as_of_date = '" + B.plusDays(91) + "'").count(),
        "a member who registered but did nothing has a state");

    // A state written before first_purchase_day_gmv existed (the table without the column):
    // the next run computes from history rather than carry a null forward (rerun of day 91,
    // which rolls from day 88: the late event of day 89 arrived with it).
    String state = nightly.warehouse + "/gold/user_state";
    spark.read().format("delta").load(state).drop("first_purchase_day_gmv").write()
        .format("delta").mode("overwrite").option("overwriteSchema", "true").save(state);
    FeaturesJob.Result upgraded = nightly.run(new FeaturesJob(), LENIENT, "--date",
        B.plusDays(91).toString()).result(FeaturesJob.Result.class);
    assertEquals(List.of(0L, 3L), List.of(upgraded.stateDaysIncremental(),
        upgraded.stateDaysFromHistory()));
    assertDataFrameEquals(table(full, "gold/user_state", "as_of_date", "user_id")
            .where("as_of_date = '" + B.plusDays(91) + "'"),
        table(nightly, "gold/user_state", "as_of_date", "user_id")
            .where("as_of_date = '" + B.plusDays(91) + "'"));
  }
}
