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
  private static final ConfigKey DAYS = ConfigKey.integer("gen.days", 90, "days");
  private static final ConfigKey START = ConfigKey.date("gen.start", "2026-01-01", "start");
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
    assertEquals(45, c.getInt(DAYS), "the including file overrides the included one");
    assertEquals(LocalDate.of(2026, 8, 24), c.getDate(START), "YAML dates become dates");
    assertEquals(dir.resolve("data/lake").toString(), c.getString(CommonKeys.LAKE_ROOT));
    assertEquals("s3a://bucket/wh", c.getString(CommonKeys.WAREHOUSE_ROOT));
    assertEquals("Asia/Shanghai", c.getString(CommonKeys.TIME_ZONE), "defaults fill in");
  }

  @Test
  void overridesWinAndAKeyWithoutAValueKeepsItsDefault() {
    Path file = TestConfigs.write(dir, "gen:\n  days: 30\n");
    AppConfig c = TestConfigs.load(schema, file, Map.of("gen.days", "7"));
    assertEquals(7, c.getInt(DAYS));
    AppConfig empty = TestConfigs.load(schema, TestConfigs.write(dir, "gen:\n  days:\n"),
        Map.of());
    assertEquals(90, empty.getInt(DAYS));
  }

  @Test
  void secretsComeFromTheEnvironmentAndAreMasked() {
    Path file = TestConfigs.write(dir,
        "s3:\n  access_key: ${env:S3_ACCESS}\n  secret_key: ${env:S3_SECRET}\n");
    AppConfig c = new ConfigLoader(schema, new Configuration(), Map.of("S3_ACCESS", "AKIA1",
        "S3_SECRET", "hunter2")).load(file.toString(), Map.of());
    assertEquals("AKIA1", c.getString(CommonKeys.S3_ACCESS_KEY));
    assertEquals("hunter2", c.getString(CommonKeys.S3_SECRET_KEY));
    String described = String.join("\n", c.describe());
    assertFalse(described.contains("hunter2"), described);
    assertTrue(described.contains("s3.secret_key=****"), described);
  }
}
