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

  @Test
  void badRulesFailNamingTheirKey() {
    ConfigException overlap = assertThrows(ConfigException.class,
        () -> AttributionSettings.timeSlots(Map.of("a", List.of(0, 13), "b", List.of(12, 24))));
    assertTrue(overlap.getMessage().contains("attribution.time_slots")
        && overlap.getMessage().contains("hour 12"), overlap.getMessage());
    ConfigException gap = assertThrows(ConfigException.class,
        () -> AttributionSettings.timeSlots(Map.of("a", List.of(0, 12))));
    assertTrue(gap.getMessage().contains("hour 12 is in no time slot"), gap.getMessage());
    ConfigException shares = assertThrows(ConfigException.class, () -> AttributionSettings.from(
        new JobFixture(tmp).config(Map.of("attribution.position_based.middle", "0.3"))));
    assertTrue(shares.getMessage().contains("attribution.position_based"), shares.getMessage());
    assertArrayEquals(new int[] {22, 5},
        AttributionSettings.timeSlots(Map.of("n", List.of(22, 5), "d", List.of(5, 22))).get("n"));
  }
}
