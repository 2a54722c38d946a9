package com.community.analytics.jobs.attribution;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

/** conf/attribution.yaml as shipped, and the errors a bad rule gives. */
class AttributionSettingsTest {
  @TempDir
  Path tmp;

  @Test
  void shippedRulesLoad() {
    AttributionSettings s = AttributionSettings.from(new JobFixture(tmp).config(Map.of()));
    assertEquals(7, s.lookbackDays());
    String[] slots = s.slotOfHour();
    assertEquals("late_night", slots[23]);
    assertEquals("late_night", slots[0]);
    assertEquals("early_morning", slots[5]);
    assertEquals("evening", slots[21]);
    assertTrue(List.of(slots).stream().noneMatch(x -> x == null));
  }

  /** The message of loading the shipped rules with {@code yaml} on top. */
  private String error(String yaml) {
    JobFixture f = new JobFixture(tmp);
    f.extraYaml = yaml;
    return assertThrows(ConfigException.class, () -> f.config(Map.of())).getMessage();
  }

  @Test
  void badRulesFailNamingTheirKey() {
    assertEquals("config key 'attribution.time_slots': hour 12 is in both a and b",
        error("attribution:\n  time_slots: {a: [0, 13], b: [12, 24]}\n"));
    assertEquals("config key 'attribution.time_slots': hour 12 is in no time slot",
        error("attribution:\n  time_slots: {a: [0, 12]}\n"));
    assertEquals("config key 'attribution.time_slots.a': expected [from_hour, to_hour) with "
        + "hours 0-24, got [0, 25]", error("attribution:\n  time_slots: {a: [0, 25]}\n"));
    String words = error("attribution:\n  time_slots: {a: [zero, 24]}\n");
    assertTrue(words.startsWith("config key 'attribution.time_slots.a[0]'"), words);
    ConfigException shares = assertThrows(ConfigException.class, () -> AttributionSettings.from(
        new JobFixture(tmp).config(Map.of("attribution.position_based.middle", "0.3"))));
    assertTrue(shares.getMessage().contains("attribution.position_based"), shares.getMessage());
    assertArrayEquals(new int[] {22, 5},
        AttributionSettings.timeSlots(Map.of("n", List.of(22, 5), "d", List.of(5, 22))).get("n"));
  }
}
