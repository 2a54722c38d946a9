package com.community.analytics.jobs.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.config.CommonKeys;
import com.community.analytics.common.config.ConfigSchema;
import com.community.analytics.common.testing.TestConfigs;
import com.community.analytics.jobs.features.ltv.BgNbdObservation;
import com.community.analytics.jobs.features.ltv.LtvFitter;
import com.community.analytics.jobs.features.ltv.ModelFit;
import com.community.analytics.jobs.features.ltv.Recovery;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * The generator's purchase process, measured the way the pipeline measures it (distinct
 * purchase days in the business zone, as of the last day), gives back the planted BG/NBD and
 * Gamma-Gamma parameters. Pure Java: members are simulated without Spark.
 */
class GeneratorRecoveryTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The demo's generator settings, read from the shipped conf/generator.yaml. */
  static GeneratorSettings demo() {
    ConfigSchema schema = new ConfigSchema().add(CommonKeys.all()).add(GeneratorSettings.keys());
    return GeneratorSettings.from(TestConfigs.load(schema, Path.of("../conf/generator.yaml"),
        Map.of()), 2);
  }

  /**
   * On the demo lake (5,000 members, 90 days) every planted parameter comes back within three
   * standard errors of its fit, and those errors are small ({@link Recovery}), measured at date
   * granularity the way the pipeline measures it, Gamma-Gamma on the returning members' repeat
   * purchase days. The daily BG/NBD likelihood
   * is what makes r and alpha come back: the textbook one reads the same data as less
   * heterogeneous than it is (docs/LTV.md).
   */
  @Test
  void plantedParametersAreRecoveredFromTheDemoLake() throws Exception {
    GeneratorSettings s = demo();
    assertEquals(5000, s.members(), "the demo lake size in conf/generator.yaml");
    Map<String, ModelFit> fits = fit(s);
    ModelFit bg = fits.get("bgnbd");
    ModelFit gg = fits.get("gamma_gamma");
    assertTrue(bg.converged() && gg.converged(), bg.message() + " / " + gg.message());
    Recovery.assertRecovered(s.bgR(), bg, "r");
    Recovery.assertRecovered(s.bgAlpha(), bg, "alpha");
    Recovery.assertRecovered(s.bgA(), bg, "a");
    Recovery.assertRecovered(s.bgB(), bg, "b");
    Recovery.assertRecovered(s.ggP(), gg, "p");
    Recovery.assertRecovered(s.ggQ(), gg, "q");
    Recovery.assertRecovered(s.ggGamma(), gg, "gamma");
  }

  /** Distinct purchase days are purchases: the generator never puts two on one day. */
  @Test
  void atMostOnePurchaseADay() throws Exception {
    GeneratorSettings s = demo();
    MemberSimulator sim = new MemberSimulator(s, new World(s));
    long purchases = 0;
    long purchaseDays = 0;
    for (long m = 0; m < 500; m++) {
      List<LocalDate> days = purchaseDays(s, sim.simulate(m));
      purchases += days.size();
      purchaseDays += new TreeSet<>(days).size();
    }
    assertTrue(purchases > 1000, "the sample has purchases: " + purchases);
    assertEquals(purchases, purchaseDays);
  }

  private static List<LocalDate> purchaseDays(GeneratorSettings s, List<Row> rows)
      throws Exception {
    List<LocalDate> days = new ArrayList<>();
    for (Row r : rows) {
      if ("events".equals(r.getString(0)) && "valid".equals(r.getString(3))) {
        JsonNode e = JSON.readTree(r.getString(2));
        if (e.get("event_type").asText().equalsIgnoreCase("purchase")) {
          days.add(time(e).atZone(ZoneId.of(s.zone())).toLocalDate());
        }
      }
    }
    return days;
  }

  private static Instant time(JsonNode e) {
    JsonNode t = e.get("event_time");
    return t.isNumber() ? Instant.ofEpochMilli(t.asLong())
        : OffsetDateTime.parse(t.asText()).toInstant();
  }

  /** Fits on the summary the pipeline builds: distinct purchase days in the business zone. */
  static Map<String, ModelFit> fit(GeneratorSettings s) throws Exception {
    World world = new World(s);
    MemberSimulator sim = new MemberSimulator(s, world);
    ZoneId zone = ZoneId.of(s.zone());
    LocalDate asOf = s.endDate();
    Map<String, Integer> bgCounts = new HashMap<>();
    List<LtvFitter.SpendRow> spend = new ArrayList<>();
    for (long m = 0; m < s.members(); m++) {
      TreeMap<LocalDate, Double> spendByDay = new TreeMap<>();
      for (Row r : sim.simulate(m)) {
        if (!"events".equals(r.getString(0)) || !"valid".equals(r.getString(3))) {
          continue;
        }
        JsonNode e = JSON.readTree(r.getString(2));
        if (!e.get("event_type").asText().equalsIgnoreCase("purchase")) {
          continue;
        }
        spendByDay.merge(time(e).atZone(zone).toLocalDate(), e.get("amount").asDouble(),
            Double::sum);
      }
      if (spendByDay.isEmpty()) {
        continue;
      }
      long x = spendByDay.size() - 1;
      LocalDate first = spendByDay.firstKey();
      long tx = spendByDay.lastKey().toEpochDay() - first.toEpochDay();
      long age = asOf.toEpochDay() - first.toEpochDay();
      bgCounts.merge(x + ":" + tx + ":" + age, 1, Integer::sum);
      if (x > 0) {
        // Fader, Hardie and Lee's m: the mean of the repeat purchase days, the first left out.
        double repeat = spendByDay.values().stream().mapToDouble(Double::doubleValue).sum()
            - spendByDay.get(first);
        spend.add(new LtvFitter.SpendRow(x, repeat / x, 1));
      }
    }
    List<LtvFitter.BgNbdRow> rows = new ArrayList<>();
    bgCounts.forEach((k, w) -> {
      String[] p = k.split(":");
      rows.add(new LtvFitter.BgNbdRow(Double.parseDouble(p[0]), Double.parseDouble(p[1]),
          Double.parseDouble(p[2]), w));
    });
    return Map.of("bgnbd", LtvFitter.fitBgNbd(rows, 0, BgNbdObservation.DAILY), "gamma_gamma",
        LtvFitter.fitGammaGamma(spend, 0));
  }
}
