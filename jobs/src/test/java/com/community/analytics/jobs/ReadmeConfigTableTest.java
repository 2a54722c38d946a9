package com.community.analytics.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's configuration reference is the schema's own table ({@code
 * ConfigSchema.markdownTable()} over every job's keys): a key added, removed, renamed or given
 * another default or description without the README following fails here. To rewrite the table
 * from the schema: {@code UPDATE_README=1 mvn -pl jobs test -Dtest=ReadmeConfigTableTest}.
 */
class ReadmeConfigTableTest {
  private static final Path README = Path.of("../README.md");
  private static final String START = "<!-- config-table: generated from the schema -->\n";
  private static final String END = "<!-- config-table: end -->";

  @Test
  void theReadmeTableIsTheSchemas() throws IOException {
    String readme = Files.readString(README);
    int start = readme.indexOf(START);
    int end = readme.indexOf(END);
    assertTrue(start >= 0 && end > start, "README.md has no generated configuration table");
    String table = Main.runner().schema().markdownTable();
    if (System.getenv("UPDATE_README") != null) {
      Files.writeString(README, readme.substring(0, start + START.length()) + table
          + readme.substring(end));
      return;
    }
    assertEquals(table, readme.substring(start + START.length(), end),
        "README.md's configuration table differs from the schema; rewrite it with "
            + "UPDATE_README=1 mvn -pl jobs test -Dtest=ReadmeConfigTableTest");
  }

  @Test
  void theTableListsEveryKeyWithItsDefault() {
    String table = Main.runner().schema().markdownTable();
    assertEquals(Main.runner().schema().keys().size() + 2, table.split("\n").length,
        "a header, a rule and one row per key");
    assertTrue(table.contains("| `features.snapshot_every_days` | int >= 1 | 7 | "), table);
    assertTrue(table.contains("| `catalog.type` | embedded / hive | embedded | "), table);
    assertTrue(table.contains("| `s3.secret_key` | secret | — | "), table);
  }
}
