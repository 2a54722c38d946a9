package com.community.analytics.jobs.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.jobs.ingest.IngestJob;
import com.community.analytics.jobs.support.JobFixture;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Iterator;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator's ground truth and ingest agree exactly, row for row and reason for reason. */
class GenerateAndIngestTest {
  private final SparkSession spark = SparkTestSession.get();

  @TempDir
  Path tmp;

  @Test
  void ingestFindsExactlyWhatTheGeneratorPlanted() throws Exception {
    JobFixture f = new JobFixture(tmp);
    Map<String, String> small = Map.of("generator.members", "60", "generator.days", "8",
        "generator.broken_share", "0.05", "generator.duplicate_share", "0.05",
        "generator.late_share", "0.1", "generator.partitions", "2",
        "generator.outage_days", "1");
    f.run(new GenerateJob(), small);
    assertTheOutageFolderLostItsEvents(f, GeneratorSettings.from(f.config(small), 2));
    JsonNode truth = new ObjectMapper().readTree(f.lake.resolve("ground_truth/summary.json")
        .toFile()).get("counts");
    JobFixture.Ran ingest = f.run(new IngestJob(), small, "--from", "2026-08-24", "--to",
        "2026-08-31");

    long distinct = truth.get("distinct_valid_events").asLong();
    assertTrue(distinct > 1000, "a meaningful lake: " + distinct);
    assertEquals(distinct, spark.read().format("delta").load(f.warehouse + "/silver/events")
        .count());
    assertEquals(truth.get("duplicate_rows").asLong(),
        ingest.result(IngestJob.Result.class).duplicates());
    Map<String, Long> quarantined = spark.read().format("delta")
        .load(f.warehouse + "/ops/quarantine").where("source = 'events'").groupBy("reason")
        .count().collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1)));
    Iterator<Map.Entry<String, JsonNode>> kinds = truth.get("broken_rows").fields();
    int kindCount = 0;
    while (kinds.hasNext()) {
      Map.Entry<String, JsonNode> k = kinds.next();
      assertEquals(k.getValue().asLong(), quarantined.getOrDefault(k.getKey(), 0L), k.getKey());
      kindCount++;
    }
    assertEquals(6, kindCount, "every broken kind was planted");
    assertEquals(truth.get("unreadable_files").asLong(), quarantined.get("unreadable_file"));
    assertEquals(truth.get("raw_event_rows").asLong() + truth.get("unreadable_files").asLong(),
        ingest.rowsRead());
    assertTrue(truth.get("late_events").asLong() > 0);
    assertEquals(60L, spark.read().format("delta").load(f.warehouse + "/silver/users").count());
  }

  /**
   * The planted tracker outage (read from the raw lines themselves): its folder has no checkin,
   * keeps exactly the content views and clicks whose event_id hashes to 0 of 10, and holds far
   * fewer of them than its neighbours (the folders of the days before and after: members keep
   * registering over the lake's first days, so a folder is best compared with those).
   */
  private void assertTheOutageFolderLostItsEvents(JobFixture f, GeneratorSettings s) {
    LocalDate outageDay = s.spread(s.outageDays(), 1).get(0);
    String outage = outageDay.toString();
    List<String> neighbours = List.of(outageDay.minusDays(1).toString(),
        outageDay.plusDays(1).toString());
    Map<String, Long> typesInOutage = new java.util.HashMap<>();
    Map<String, Long> typesElsewhere = new java.util.HashMap<>();
    Map<String, Long> typesNextToIt = new java.util.HashMap<>();
    // The written files only: the planted corrupt ones (part-corrupt-*) cannot be read.
    for (org.apache.spark.sql.Row r : spark.read().option("pathGlobFilter", "part-[0-9]*")
        .text(f.lake + "/raw/events")
        .selectExpr("dt", "lower(get_json_object(value, '$.event_type')) AS type")
        .groupBy("dt", "type").count().collectAsList()) {
      String type = String.valueOf(r.getString(1));
      String folder = r.get(0).toString();
      (outage.equals(folder) ? typesInOutage : typesElsewhere).merge(type, r.getLong(2),
          Long::sum);
      if (neighbours.contains(folder)) {
        typesNextToIt.merge(type, r.getLong(2), Long::sum);
      }
    }
    assertTrue(typesElsewhere.getOrDefault("checkin", 0L) > 0, "members check in: "
        + typesElsewhere);
    assertEquals(0L, typesInOutage.getOrDefault("checkin", 0L), "no checkin in " + outage);
    for (String type : new String[] {"content_view", "click"}) {
      double normal = typesNextToIt.getOrDefault(type, 0L) / 2.0;
      long left = typesInOutage.getOrDefault(type, 0L);
      assertTrue(normal > 20 && left < 0.5 * normal, type + " in " + outage + ": " + left
          + " against " + normal + " a folder next to it");
    }
    assertEquals(0L, spark.read().option("pathGlobFilter", "part-[0-9]*")
        .text(f.lake + "/raw/events/dt=" + outage)
        .selectExpr("lower(get_json_object(value, '$.event_type')) AS type",
            "get_json_object(value, '$.event_id') AS id")
        .where("type IN ('content_view', 'click') AND id IS NOT NULL AND pmod(hash(id), 10) != 0")
        .count(), "only the views and clicks of one event_id hash in ten got through");
  }

  @Test
  void theSameSeedGivesTheSameLake() throws Exception {
    Map<String, String> tiny = Map.of("generator.members", "20", "generator.days", "5",
        "generator.partitions", "2", "generator.corrupt_files", "0");
    JobFixture a = new JobFixture(tmp.resolve("a"));
    JobFixture b = new JobFixture(tmp.resolve("b"));
    java.nio.file.Files.createDirectories(a.root);
    java.nio.file.Files.createDirectories(b.root);
    a.run(new GenerateJob(), tiny);
    b.run(new GenerateJob(), Map.of("generator.members", "20", "generator.days", "5",
        "generator.partitions", "3", "generator.corrupt_files", "0"));
    JobFixture c = new JobFixture(tmp.resolve("c"));
    java.nio.file.Files.createDirectories(c.root);
    c.run(new GenerateJob(), Map.of("generator.members", "20", "generator.days", "5",
        "generator.seed", "7", "generator.corrupt_files", "0"));
    assertEquals(rawLines(a), rawLines(b), "partitioning does not change the lake");
    assertTrue(!rawLines(a).equals(rawLines(c)), "another seed gives another lake");
  }

  private java.util.List<String> rawLines(JobFixture f) {
    return spark.read().text(f.lake + "/raw/events").orderBy("dt", "value")
        .collectAsList().stream().map(r -> r.get(1) + " " + r.getString(0))
        .collect(Collectors.toList());
  }
}
