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

  /** The message of loading the shipped rules with {@code yaml} on top. */
  private String error(String yaml) {
    JobFixture f = new JobFixture(tmp);
    f.extraYaml = yaml;
    return assertThrows(ConfigException.class, () -> f.config(Map.of())).getMessage();
  }

  @Test
  void badRulesFailWhenLoadedNamingTheirPath() {
    Map<String, String> cases = Map.of(
        "kpi.targets.daus", "{daus: {target: 1, direction: higher, warning_band: 0.1}}",
        "kpi.targets.dau.direction", "{dau: {target: 1, direction: up, warning_band: 0.1}}",
        "kpi.targets.dau.target", "{dau: {target: many, direction: higher, warning_band: 0.1}}",
        "kpi.targets.dau.colour",
        "{dau: {target: 1, direction: higher, warning_band: 0.1, colour: red}}",
        "kpi.targets.dau.warning_band", "{dau: {target: 1, direction: higher, "
            + "warning_band: -0.1}}");
    cases.forEach((key, targets) -> {
      String message = error("kpi:\n  targets: " + targets + "\n");
      assertTrue(message.startsWith("config key '" + key + "'"), key + ": " + message);
    });
    assertEquals("config key 'kpi.targets.dau.warning_band': missing",
        error("kpi:\n  targets: {dau: {target: 1, direction: higher}}\n"));
    assertEquals("config key 'kpi.targets.dau.target': expected a number, got 'many'",
        error("kpi:\n  targets: {dau: {target: many, direction: higher, warning_band: 0}}\n"));
    assertEquals("config key 'kpi.experiments.allocation.exp': shares must sum to 1, got 1.1",
        error("kpi:\n  experiments:\n    allocation: {exp: {control: 0.5, treatment: 0.6}}\n"));
    String type = error("kpi:\n  interaction_event_types: [like, hug]\n");
    assertTrue(type.startsWith("config key 'kpi.interaction_event_types'")
        && type.contains("hug"), type);
    assertEquals("config key 'kpi.experiments.alpha': expected a number in (0, 1), got '1.5'",
        assertThrows(ConfigException.class, () -> new JobFixture(tmp).config(
            Map.of("kpi.experiments.alpha", "1.5"))).getMessage());
  }
}
