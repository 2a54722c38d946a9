package com.community.analytics.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.testing.TestConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final ConfigKey<Integer> DAYS = ConfigKey.integer("gen.days", 90, "days");
  private static final ConfigKey<LocalDate> START = ConfigKey.date(
      "gen.start", "2026-01-01", "start");
  private final ConfigSchema schema = new ConfigSchema().add(CommonKeys.all())
      .add(List.of(DAYS, START));

  @TempDir
  Path dir;

  @Test
  void readsNestedKeysIncludesAndResolvesPathsAgainstTheFile() throws Exception {
    Files.createDirectories(dir.resolve("conf"));
    Files.writeString(dir.resolve("conf/base.yaml"), "gen:\n  days: 30\n  start: 2026-08-24\n");
    Path main = dir.resolve("conf/main.yaml");
    Files.writeString(main, "include: [base.yaml]\nlake:\n  root: ../data/lake\n"
        + "warehouse:\n  root: s3a://bucket/wh\ngen:\n  days: 45\n");
    AppConfig c = TestConfigs.load(schema, main, Map.of());
    assertEquals(45, c.get(DAYS), "the including file overrides the included one");
    assertEquals(LocalDate.of(2026, 8, 24), c.get(START), "YAML dates become dates");
    assertEquals(dir.resolve("data/lake").toString(), c.get(CommonKeys.LAKE_ROOT));
    assertEquals("s3a://bucket/wh", c.get(CommonKeys.WAREHOUSE_ROOT));
    assertEquals("Asia/Shanghai", c.get(CommonKeys.TIME_ZONE), "defaults fill in");
  }

  @Test
  void overridesWinAndAKeyWithoutAValueKeepsItsDefault() {
    Path file = TestConfigs.write(dir, "gen:\n  days: 30\n");
    AppConfig c = TestConfigs.load(schema, file, Map.of("gen.days", "7"));
    assertEquals(7, c.get(DAYS));
    AppConfig empty = TestConfigs.load(schema, TestConfigs.write(dir, "gen:\n  days:\n"),
        Map.of());
    assertEquals(90, empty.get(DAYS));
  }

  @Test
  void secretsComeFromTheEnvironmentAndAreMasked() {
    Path file = TestConfigs.write(dir,
        "s3:\n  access_key: ${env:S3_ACCESS}\n  secret_key: ${env:S3_SECRET}\n");
    AppConfig c = new ConfigLoader(schema, new Configuration(), Map.of("S3_ACCESS", "AKIA1",
        "S3_SECRET", "hunter2")).load(file.toString(), Map.of());
    assertEquals("AKIA1", c.get(CommonKeys.S3_ACCESS_KEY));
    assertEquals("hunter2", c.get(CommonKeys.S3_SECRET_KEY));
    String described = String.join("\n", c.describe());
    assertFalse(described.contains("hunter2"), described);
    assertTrue(described.contains("s3.secret_key=****"), described);
  }

  /** A tree a key binds into; its constructor checks what relates its fields. */
  record Window(int fromDays, int toDays, List<String> types) {
    Window {
      if (fromDays > toDays) {
        throw ConfigException.at("to_days", "must be >= from_days (" + fromDays + ")");
      }
    }
  }

  private static final ConfigKey<Window> WINDOW = ConfigKey.tree("gen.window", "a window",
      Window.class);
  private static final ConfigKey<Map<String, Double>> SHARES = ConfigKey.tree("gen.shares",
      "shares", new com.fasterxml.jackson.core.type.TypeReference<Map<String, Double>>() {})
      .validate(m -> m.forEach((k, v) -> {
        if (v <= 0) {
          throw ConfigException.at(k, "must be > 0");
        }
      }));
  private static final ConfigKey<Integer> EVERY = ConfigKey.integer("gen.every", 7, "every")
      .atLeast(1);

  private final ConfigSchema typed = new ConfigSchema().add(CommonKeys.all())
      .add(List.of(WINDOW, SHARES, EVERY));

  private String loadError(String yaml, Map<String, String> overrides) {
    return org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> TestConfigs.load(typed, TestConfigs.write(dir, yaml), overrides)).getMessage();
  }

  @Test
  void treesBindIntoRecordsAndEveryBadValueFailsAtLoadingNamingItsPath() {
    AppConfig c = TestConfigs.load(typed, TestConfigs.write(dir, "gen:\n  window: {from_days: "
        + "1, to_days: 7, types: [a, b]}\n  shares: {x: 0.5}\n"), Map.of());
    assertEquals(new Window(1, 7, List.of("a", "b")), c.get(WINDOW));
    assertEquals(Map.of("x", 0.5), c.get(SHARES));
    assertEquals(7, c.get(EVERY));

    assertEquals("config key 'gen.window.colour': unknown field; known fields: from_days, "
        + "to_days, types", loadError("gen:\n  window: {from_days: 1, to_days: 7, types: [], "
        + "colour: red}\n", Map.of()));
    assertEquals("config key 'gen.window.to_days': missing",
        loadError("gen:\n  window: {from_days: 1, types: []}\n", Map.of()));
    assertEquals("config key 'gen.window.from_days': expected a whole number, got 'soon'",
        loadError("gen:\n  window: {from_days: soon, to_days: 7, types: []}\n", Map.of()));
    assertEquals("config key 'gen.window.to_days': must be >= from_days (9)",
        loadError("gen:\n  window: {from_days: 9, to_days: 7, types: []}\n", Map.of()));
    assertEquals("config key 'gen.window.types': expected a list, got '{a=1}'",
        loadError("gen:\n  window: {from_days: 1, to_days: 7, types: {a: 1}}\n", Map.of()));
    assertEquals("config key 'gen.window.from_days': expected a whole number, got '1.5'",
        loadError("gen:\n  window: {from_days: 1.5, to_days: 7, types: []}\n", Map.of()));
    assertEquals("config key 'gen.window.types[1]': expected text, got '2'",
        loadError("gen:\n  window: {from_days: 1, to_days: 7, types: [a, 2]}\n", Map.of()));
    assertTrue(loadError("gen:\n  shares: {x: }\n", Map.of()).startsWith(
        "config key 'gen.shares.x'"), "a null in a map names its entry");
    assertEquals("config key 'gen.shares.y': must be > 0",
        loadError("gen:\n  shares: {x: 0.5, y: 0}\n", Map.of()));
    assertEquals("config key 'gen.every': expected an integer >= 1, got '0'",
        loadError("gen: {}\n", Map.of("gen.every", "0")));
  }
}
