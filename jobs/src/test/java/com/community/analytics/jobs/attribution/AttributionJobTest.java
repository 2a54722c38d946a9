package com.community.analytics.jobs.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.config.ConfigException;
import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.jobs.support.JobFixture;
import com.community.analytics.jobs.support.SharedFixture;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attribution end to end on a generated lake: every purchase of the range is credited under
 * every model with credits summing to one and GMV to its amount; roll-ups of the cube equal the
 * sums of their detail rows; and the channels and content types the generator made most
 * effective come out on top under the linear and Markov models.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttributionJobTest {
  private static final String FROM = "2026-02-13";
  private static final String END = "2026-02-14";
  private final SparkSession spark = SparkTestSession.get();

  @TempDir
  static Path tmp;
  private JobFixture f;
  private Map<String, String> conf;

  @BeforeAll
  void lake() throws Exception {
    f = SharedFixture.copy(SharedFixture.COMMUNITY_60_DAYS, tmp);
    conf = new HashMap<>(SharedFixture.COMMUNITY_60_DAYS.conf());
    f.run(new AttributionJob(), conf, "--from", FROM, "--to", END);
  }

  private Dataset<Row> table(String name) {
    return spark.read().format("delta").load(f.warehouse + "/" + name.replace('.', '/'));
  }

  @Test
  void everyPurchaseIsCreditedOnceUnderEveryModel() {
    Dataset<Row> credits = table("gold.attribution_credits");
    List<Row> sums = credits.groupBy("conversion_id", "model")
        .agg(org.apache.spark.sql.functions.sum("credit").as("credit"),
            org.apache.spark.sql.functions.sum("credited_gmv").as("gmv"),
            org.apache.spark.sql.functions.first("amount").as("amount"))
        .collectAsList();
    assertTrue(sums.size() > 100, "enough conversions to check: " + sums.size());
    for (Row r : sums) {
      assertEquals(1.0, r.getDouble(2), 1e-9, "credits of " + r);
      assertEquals(r.getDouble(4), r.getDouble(3), 1e-6, "credited GMV of " + r);
    }
    Set<String> purchases = table("silver.events")
        .where("event_type = 'purchase' AND event_date BETWEEN '" + FROM + "' AND '" + END + "'")
        .select("event_id").collectAsList().stream().map(r -> r.getString(0))
        .collect(Collectors.toSet());
    for (String model : AttributionTables.MODELS) {
      Set<String> credited = credits.where(org.apache.spark.sql.functions.col("model")
              .equalTo(model)).select("conversion_id").distinct().collectAsList().stream()
          .map(r -> r.getString(0)).collect(Collectors.toSet());
      Set<String> missing = new java.util.TreeSet<>(purchases);
      missing.removeAll(credited);
      Set<String> invented = new java.util.TreeSet<>(credited);
      invented.removeAll(purchases);
      assertEquals(Set.of(), missing, model + ": purchases not credited");
      assertEquals(Set.of(), invented, model + ": credited conversions that are not purchases");
    }
  }

  @Test
  void rollUpsEqualTheSumsOfTheirDetailRows() {
    Dataset<Row> cube = table("gold.content_performance").where("date = '" + END + "'");
    List<String> measures = List.of("impressions", "likes", "shares", "conversions_linear",
        "gmv_markov", "conversions_position_based");
    for (String m : measures) {
      double detail = ((Number) cube.where("rolled_up = ''")
          .agg(org.apache.spark.sql.functions.sum(m)).first().get(0)).doubleValue();
      Row total = cube.where("rolled_up = 'persona,time_slot,channel,content_type'").first();
      assertEquals(detail, ((Number) total.getAs(m)).doubleValue(), 1e-6, m + " grand total");
    }
    // One middle level: (persona, channel) with time slot and content type rolled up.
    Map<String, Double> summed = new HashMap<>();
    for (Row r : cube.where("rolled_up = ''").groupBy("persona", "channel")
        .agg(org.apache.spark.sql.functions.sum("gmv_linear")).collectAsList()) {
      summed.put(r.getString(0) + "|" + r.getString(1), r.getDouble(2));
    }
    List<Row> level = cube.where("rolled_up = 'time_slot,content_type'").collectAsList();
    assertEquals(summed.size(), level.size());
    for (Row r : level) {
      assertEquals(summed.get(r.getAs("persona") + "|" + r.getAs("channel")),
          (Double) r.getAs("gmv_linear"), 1e-6, "gmv_linear of " + r);
    }
    long conversions = table("gold.attribution_credits")
        .where("conversion_date = '" + END + "' AND model = 'linear'")
        .select("conversion_id").distinct().count();
    Row total = cube.where("rolled_up = 'persona,time_slot,channel,content_type'").first();
    assertEquals(conversions, (Double) total.getAs("conversions_linear"), 1e-6);
    assertEquals(16, cube.select("rolled_up").distinct().count(), "all 16 roll-ups");
  }

  @Test
  void mostEffectiveChannelsAndContentTypesRankHighest() throws Exception {
    JsonNode truth = new ObjectMapper().readTree(Files.readString(
        f.lake.resolve("ground_truth/summary.json")));
    String bestChannel = best(truth.get("channel_conversion_lift"));
    String bestType = best(truth.get("content_type_conversion_lift"));
    assertEquals(bestChannel, top("linear", "conversions / touches"), "linear, per touch");
    assertEquals(bestChannel, top("markov", "conversion_probability"), "markov");

    Map<String, String> byType = new HashMap<>(conf);
    byType.put("attribution.markov.state", "content_type");
    f.run(new AttributionJob(), byType, "--date", END);
    assertEquals(bestType, top("linear", "conversions / touches"), "linear, per touch");
    assertEquals(bestType, top("markov", "conversion_probability"), "markov");
  }

  /** Exact Shapley values cost 2^channels: above the cap the job stops, naming the key. */
  @Test
  void aPeriodWithMoreChannelsThanTheShapleyCapFailsNamingTheKey() {
    Map<String, String> capped = new HashMap<>(conf);
    capped.put("attribution.shapley.max_channels", "2");
    ConfigException e = assertThrows(ConfigException.class,
        () -> f.run(new AttributionJob(), capped, "--date", END));
    assertTrue(e.getMessage().startsWith("config key 'attribution.shapley.max_channels': the "
        + "period ending " + END + " has "), e.getMessage());
    assertTrue(e.getMessage().contains("more than the exact Shapley values' cap of 2"),
        e.getMessage());
  }

  private static String best(JsonNode lifts) {
    String best = null;
    double max = Double.NEGATIVE_INFINITY;
    for (Iterator<Map.Entry<String, JsonNode>> it = lifts.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().asDouble() > max) {
        max = e.getValue().asDouble();
        best = e.getKey();
      }
    }
    return best;
  }

  private String top(String model, String measure) {
    List<Row> rows = table("gold.channel_attribution")
        .where("period_end = '" + END + "' AND model = '" + model + "' AND touches > 0")
        .selectExpr("channel", measure + " AS measure").collectAsList();
    return rows.stream().max(Comparator.comparingDouble(r -> r.getDouble(1))).orElseThrow()
        .getString(0);
  }
}
