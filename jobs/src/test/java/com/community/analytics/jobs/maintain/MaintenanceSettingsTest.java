package com.community.analytics.jobs.maintain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.catalog.Catalog;
import com.community.analytics.common.config.ConfigException;
import com.community.analytics.jobs.Main;
import com.community.analytics.jobs.support.JobFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** conf/maintenance.yaml as shipped, and the one-line error each kind of bad rule gives. */
class MaintenanceSettingsTest {
  private static final Catalog CATALOG = Main.catalog();

  @TempDir
  Path tmp;

  @Test
  void shippedRulesLoad() {
    MaintenanceSettings s = MaintenanceSettings.from(new JobFixture(tmp).config(Map.of()),
        CATALOG);
    assertEquals(168, s.vacuumRetentionHours());
    assertEquals(List.of("user_id", "event_type"), s.zOrderOf("silver.events"));
    assertEquals(List.of(), s.zOrderOf("ops.job_runs"), "not named: compaction only");
    assertTrue(s.zOrder().size() > 10, s.zOrder().toString());
  }

  @Test
  void badRulesFailNamingTheirKey() {
    Map<String, String> cases = Map.of(
        "maintain.z_order.gold.nope", "{gold.nope: [user_id]}",
        "maintain.z_order.silver.events", "{silver.events: [colour]}",
        "maintain.z_order.gold.user_state", "{gold.user_state: [as_of_date]}",
        "maintain.z_order.gold.user_tags", "{gold.user_tags: [topic_scores]}",
        "maintain.z_order.gold.kpi_daily", "{gold.kpi_daily: []}",
        "maintain.z_order", "[silver.events]");
    cases.forEach((key, tree) -> {
      JobFixture f = new JobFixture(tmp);
      f.extraYaml = "maintain:\n  z_order: " + tree + "\n";
      ConfigException e = assertThrows(ConfigException.class,
          () -> MaintenanceSettings.from(f.config(Map.of()), CATALOG));
      assertTrue(e.getMessage().startsWith("config key '" + key + "'"), key + ": "
          + e.getMessage());
    });
    ConfigException column = assertThrows(ConfigException.class, () -> MaintenanceSettings
        .zOrder(Map.of("silver.events", List.of("user_id", "colour")), CATALOG));
    assertTrue(column.getMessage().contains("silver.events has no column 'colour'"),
        column.getMessage());
  }

  @Test
  void recentDaysBoundOptimizeToTheDatePartitionsUpToTheDate() {
    MaintenanceSettings s = new MaintenanceSettings(168, false, 3, Map.of());
    MaintainJob.Plan plan = new MaintainJob.Plan(s, true, true, false,
        java.time.LocalDate.parse("2026-03-02"));
    assertEquals("`event_date` BETWEEN '2026-02-28' AND '2026-03-02'",
        MaintainJob.partitionFilter(CATALOG.find("silver.events").orElseThrow(), plan));
    assertEquals(null, MaintainJob.partitionFilter(CATALOG.find("silver.users").orElseThrow(),
        plan), "not partitioned: the whole table");
    MaintainJob.Plan all = new MaintainJob.Plan(new MaintenanceSettings(168, false, 0,
        Map.of()), true, true, false, java.time.LocalDate.parse("2026-03-02"));
    assertEquals(null, MaintainJob.partitionFilter(CATALOG.find("silver.events").orElseThrow(),
        all));
  }

  @Test
  void aRetentionBelowAWeekNeedsTheExplicitFlag() {
    JobFixture f = new JobFixture(tmp);
    ConfigException e = assertThrows(ConfigException.class, () -> MaintenanceSettings.from(
        f.config(Map.of("maintain.vacuum_retention_hours", "24")), CATALOG));
    assertEquals("config key 'maintain.vacuum_retention_hours': 24 is below 168 hours; set "
        + "maintain.allow_short_retention: true to allow it, only while no job reads or writes "
        + "the tables", e.getMessage());
    MaintenanceSettings allowed = MaintenanceSettings.from(f.config(Map.of(
        "maintain.vacuum_retention_hours", "0", "maintain.allow_short_retention", "true")),
        CATALOG);
    assertTrue(allowed.shortRetention());
    assertThrows(ConfigException.class, () -> MaintenanceSettings.from(f.config(Map.of(
        "maintain.vacuum_retention_hours", "-1", "maintain.allow_short_retention", "true")),
        CATALOG));
  }
}
