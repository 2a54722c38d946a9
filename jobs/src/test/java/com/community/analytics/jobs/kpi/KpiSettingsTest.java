package com.community.analytics.jobs.kpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.config.ConfigException;
import com.community.analytics.jobs.support.JobFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** conf/kpis.yaml as shipped, and the one-line error each kind of bad rule gives. */
class KpiSettingsTest {
  @TempDir
  Path tmp;

  @Test
  void shippedRulesLoadWithATargetForEveryKpi() {
    KpiSettings s = KpiSettings.from(new JobFixture(tmp).config(Map.of()));
    assertEquals(Kpi.values().length, s.targets().size());
    assertEquals(new KpiTarget(5, false, 1.0), s.targets().get(Kpi.COMPLAINTS));
    assertEquals(50, s.alerts().complaintsPerDay());
    assertEquals(List.of("like", "comment", "collect", "share"), s.interactionTypes());
  }

  @Test
  void badRulesFailNamingTheirKey() {
    Map<String, Object> cases = Map.of(
        "kpi.targets.daus", Map.of("daus", Map.of("target", 1, "direction", "higher",
            "warning_band", 0.1)),
        "kpi.targets.dau.direction", Map.of("dau", Map.of("target", 1, "direction", "up",
            "warning_band", 0.1)),
        "kpi.targets.dau.target", Map.of("dau", Map.of("target", "many", "direction",
            "higher", "warning_band", 0.1)),
        "kpi.targets.dau.colour", Map.of("dau", Map.of("target", 1, "direction", "higher",
            "warning_band", 0.1, "colour", "red")),
        "kpi.targets.dau.warning_band", Map.of("dau", Map.of("target", 1, "direction",
            "higher", "warning_band", -0.1)));
    cases.forEach((key, tree) -> {
      ConfigException e = assertThrows(ConfigException.class, () -> KpiSettings.targets(tree));
      assertTrue(e.getMessage().contains("'" + key), key + ": " + e.getMessage());
    });
    ConfigException split = assertThrows(ConfigException.class, () -> KpiSettings.allocation(
        Map.of("exp", Map.of("control", 0.5, "treatment", 0.6))));
    assertTrue(split.getMessage().contains("kpi.experiments.allocation.exp"), split.getMessage());
    ConfigException type = assertThrows(ConfigException.class,
        () -> KpiSettings.interactionTypes(List.of("like", "hug")));
    assertTrue(type.getMessage().contains("kpi.interaction_event_types")
        && type.getMessage().contains("hug"), type.getMessage());
    ConfigException alpha = assertThrows(ConfigException.class, () -> KpiSettings.from(
        new JobFixture(tmp).config(Map.of("kpi.experiments.alpha", "1.5"))));
    assertTrue(alpha.getMessage().contains("kpi.experiments.alpha"), alpha.getMessage());
  }
}
