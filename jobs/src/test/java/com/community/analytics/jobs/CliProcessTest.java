package com.community.analytics.jobs;

import static com.community.analytics.jobs.support.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.jobs.support.JobFixture;
import com.community.analytics.jobs.support.JobProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line as users and Airflow see it: separate JVMs running Main, their exit codes,
 * their one-line errors, and tables that resolve by name in a later, separate run.
 */
class CliProcessTest {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 21);

  @TempDir
  Path tmp;

  private JobProcess.Result main(Path config, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    if (config != null) {
      all.addAll(List.of("--config", config.toString()));
    }
    return JobProcess.run(tmp, "run", JobProcess.main(tmp.resolve("sw"), all), Map.of(), 3);
  }

  private static List<String> ownLines(String stderr) {
    // Only the runner's own lines: Spark's logging goes through log4j with a timestamp.
    return stderr.lines().filter(l -> l.startsWith("community")).toList();
  }

  /** The process's exit code and stderr; every other mistake is a row of ConfigAndCliErrorsTest. */
  @Test
  void usageMistakesExitTwoWithOneLine() throws Exception {
    JobProcess.Result bogus = main(null, "ingest", "--bogus");
    assertEquals(2, bogus.code());
    assertEquals(List.of("community ingest: Unknown option --bogus (see community "
        + "ingest --help)"), ownLines(bogus.err()));

    Path lake = Files.writeString(tmp.resolve("lake.yaml"), "lake:\n  root: " + tmp.resolve("l")
        + "\nwarehouse:\n  root: " + tmp.resolve("w") + "\n");
    JobProcess.Result ids = main(lake, "forget-users", "--ids",
        tmp.resolve("T-1.txt").toString(), "--requested-by", "T-1");
    assertEquals(2, ids.code(), ids.err());
    assertEquals(List.of("community forget-users: ids file not found: " + tmp.resolve("T-1.txt")),
        ownLines(ids.err()));

    JobProcess.Result help = main(null, "ingest", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("--date"), help.out());
  }

  @Test
  void failuresExitOneAndTablesResolveByNameInALaterRun() throws Exception {
    JobFixture f = new JobFixture(tmp);
    Path config = Files.writeString(tmp.resolve("conf.yaml"), "lake:\n  root: " + f.lake
        + "\nwarehouse:\n  root: " + f.warehouse + "\n");

    JobProcess.Result missing = main(config, "ingest", "--date", DAY.toString());
    assertEquals(1, missing.code(), missing.err());
    assertEquals(1, ownLines(missing.err()).size(), missing.err());
    assertTrue(ownLines(missing.err()).get(0).startsWith(
        "community ingest failed: raw events folder missing"), missing.err());

    f.writeRaw("events", DAY, "p.json.gz", List.of(
        event("e1", "2026-11-21T09:00:00+08:00", "u1", "login", ""),
        event("e1", "2026-11-21T09:00:00+08:00", "u1", "login", ""),
        event("e2", "2026-11-21T09:00:00+08:00", "u1", "teleport", "")), true);
    JobProcess.Result ingest = main(config, "ingest", "--date", DAY.toString());
    assertEquals(0, ingest.code(), ingest.err());

    JobProcess.Result count = main(config, "sql", "--format", "tsv",
        "select count(*) as n from silver.events");
    assertEquals(0, count.code(), count.err());
    assertEquals("n\n1\n", count.out());

    JobProcess.Result runs = main(config, "sql", "--format", "tsv",
        "select job, status, rows_read, "
        + "counts['accepted'] + counts['duplicates'] + counts['quarantined'] as accounted, error "
        + "from ops.job_runs order by started_at");
    assertEquals(0, runs.code(), runs.err());
    List<String> lines = runs.out().lines().toList();
    assertEquals("ingest\tfailed\t0\tNULL\traw events folder missing: " + f.lake.toUri().getPath()
        .replaceAll("/$", "") + "/raw/events/dt=2026-11-21", lines.get(1).replace("file:", ""));
    assertEquals("ingest\tsucceeded\t3\t3\tNULL", lines.get(2));
  }
}
