package com.community.analytics.jobs;

import static com.community.analytics.jobs.support.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.jobs.support.JobFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

  private record Result(int code, String out, String err) {}

  private Result main(Path config, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
        "java").toString(), "-Xmx1g"));
    for (String opt : System.getProperty("test.jvm.opens", "").split(" ")) {
      if (!opt.isBlank()) {
        cmd.add(opt);
      }
    }
    cmd.addAll(List.of("-Dspark.master=local[1]", "-Dspark.ui.enabled=false",
        "-Dspark.sql.shuffle.partitions=1", "-Dspark.sql.warehouse.dir=" + tmp.resolve("sw"),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    if (config != null) {
      cmd.addAll(List.of("--config", config.toString()));
    }
    Process p = new ProcessBuilder(cmd).redirectOutput(tmp.resolve("out.txt").toFile())
        .redirectError(tmp.resolve("err.txt").toFile()).start();
    assertTrue(p.waitFor(3, TimeUnit.MINUTES), "process finished");
    return new Result(p.exitValue(), Files.readString(tmp.resolve("out.txt")),
        Files.readString(tmp.resolve("err.txt"), StandardCharsets.UTF_8));
  }

  private static List<String> ownLines(String stderr) {
    // Only the runner's own lines: Spark's logging goes through log4j with a timestamp.
    return stderr.lines().filter(l -> l.startsWith("community")).toList();
  }

  @Test
  void usageAndConfigMistakesExitTwoWithOneLine() throws Exception {
    Result bogus = main(null, "ingest", "--bogus");
    assertEquals(2, bogus.code());
    assertEquals(List.of("community ingest: Unknown option --bogus (see community "
        + "ingest --help)"), ownLines(bogus.err()));

    Result date = main(null, "ingest", "--date", "2026-02-30");
    assertEquals(2, date.code());
    assertTrue(ownLines(date.err()).get(0).contains("malformed date '2026-02-30'"));

    Path badKey = Files.writeString(tmp.resolve("bad.yaml"), "ingest:\n  future_tolerance: 3\n");
    Result key = main(badKey, "ingest", "--date", "2026-11-21");
    assertEquals(2, key.code());
    assertEquals(1, ownLines(key.err()).size());
    assertTrue(key.err().contains("unknown config key 'ingest.future_tolerance'"), key.err());

    Path lake = Files.writeString(tmp.resolve("lake.yaml"), "lake:\n  root: " + tmp.resolve("l")
        + "\nwarehouse:\n  root: " + tmp.resolve("w") + "\n");
    Result ids = main(lake, "forget-users", "--ids", tmp.resolve("T-1.txt").toString(),
        "--requested-by", "T-1");
    assertEquals(2, ids.code(), ids.err());
    assertEquals(List.of("community forget-users: ids file not found: " + tmp.resolve("T-1.txt")),
        ownLines(ids.err()));

    assertEquals(2, main(null, "nosuchjob").code());
    Result help = main(null, "ingest", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("--date"), help.out());
  }

  @Test
  void failuresExitOneAndTablesResolveByNameInALaterRun() throws Exception {
    JobFixture f = new JobFixture(tmp);
    Path config = Files.writeString(tmp.resolve("conf.yaml"), "lake:\n  root: " + f.lake
        + "\nwarehouse:\n  root: " + f.warehouse + "\n");

    Result missing = main(config, "ingest", "--date", DAY.toString());
    assertEquals(1, missing.code(), missing.err());
    assertEquals(1, ownLines(missing.err()).size(), missing.err());
    assertTrue(ownLines(missing.err()).get(0).startsWith(
        "community ingest failed: raw events folder missing"), missing.err());

    f.writeRaw("events", DAY, "p.json.gz", List.of(
        event("e1", "2026-11-21T09:00:00+08:00", "u1", "login", ""),
        event("e1", "2026-11-21T09:00:00+08:00", "u1", "login", ""),
        event("e2", "2026-11-21T09:00:00+08:00", "u1", "teleport", "")), true);
    Result ingest = main(config, "ingest", "--date", DAY.toString());
    assertEquals(0, ingest.code(), ingest.err());

    Result count = main(config, "sql", "--format", "tsv",
        "select count(*) as n from silver.events");
    assertEquals(0, count.code(), count.err());
    assertEquals("n\n1\n", count.out());

    Result runs = main(config, "sql", "--format", "tsv", "select job, status, rows_read, "
        + "counts['accepted'] + counts['duplicates'] + counts['quarantined'] as accounted, error "
        + "from ops.job_runs order by started_at");
    assertEquals(0, runs.code(), runs.err());
    List<String> lines = runs.out().lines().toList();
    assertEquals("ingest\tfailed\t0\tNULL\traw events folder missing: " + f.lake.toUri().getPath()
        .replaceAll("/$", "") + "/raw/events/dt=2026-11-21", lines.get(1).replace("file:", ""));
    assertEquals("ingest\tsucceeded\t3\t3\tNULL", lines.get(2));
  }
}
