package com.community.analytics.common.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandLineTest {
  private static final List<JobOption> OPTIONS = List.of(
      JobOption.forKey("members", "N", "generator.members", "members"),
      JobOption.flag("dry-run", "do nothing"));

  private static CommandLine.Parsed parse(String... args) {
    return CommandLine.parse("job", "community job", "a test job", OPTIONS, args);
  }

  @Test
  void parsesSharedAndJobOptions() {
    JobArgs a = parse("--from", "2026-11-01", "--to", "2026-11-03", "--set", "x.y=1=2",
        "--members", "10", "--dry-run", "--config", "c.yaml").args();
    assertEquals(LocalDate.of(2026, 11, 1), a.requireDates().from());
    assertEquals(3, a.requireDates().days().size());
    assertEquals("1=2", a.overrides().get("x.y"), "only the first = splits key from value");
    assertEquals("10", a.overrides().get("generator.members"), "job options set config keys");
    assertTrue(a.flag("dry-run"));
    assertEquals("c.yaml", a.configFile());
  }

  @Test
  void helpListsEveryOptionWithItsDescription() {
    CommandLine.Parsed p = parse("--help");
    assertTrue(p.isHelp());
    for (String expected : List.of("--config", "--date", "--from", "--to", "--set",
        "--members", "sets generator.members", "--dry-run")) {
      assertTrue(p.help().contains(expected), expected + " in help:\n" + p.help());
    }
  }
}
