package com.community.analytics.jobs;

import static com.community.analytics.jobs.support.JobFixture.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.jobs.ingest.IngestJob;
import com.community.analytics.jobs.support.JobFixture;
import com.community.analytics.jobs.support.JobProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
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

    // One later run, two statements: a count and the run log.
    JobProcess.Result later = main(config, "sql", "--format", "tsv",
        "select count(*) as n from silver.events; select job, status, rows_read, "
        + "counts['accepted'] + counts['duplicates'] + counts['quarantined'] as accounted, error "
        + "from ops.job_runs order by started_at");
    assertEquals(0, later.code(), later.err());
    String[] results = later.out().split("\n\n");
    assertEquals(2, results.length, later.out());
    assertEquals("n\n1", results[0]);
    List<String> lines = results[1].lines().toList();
    assertEquals("ingest\tfailed\t0\tNULL\traw events folder missing: " + f.lake.toUri().getPath()
        .replaceAll("/$", "") + "/raw/events/dt=2026-11-21", lines.get(1).replace("file:", ""));
    assertEquals("ingest\tsucceeded\t3\t3\tNULL", lines.get(2));
  }

  /**
   * {@code nightly} runs its steps in pipeline order in one application, whatever order they
   * were given in; the step that fails (churn-score: no champion yet) ends it with exit 1 and
   * one line naming the step, and every step has its own ops.job_runs row.
   */
  @Test
  void nightlyRecordsEveryStepAndStopsAtTheFailedOne() {
    JobFixture f = new JobFixture(tmp);
    f.writeRaw("events", DAY, "p.json", List.of(
        event("e1", "2026-11-21T09:00:00+08:00", "u1", "login", ""),
        event("e2", "2026-11-21T10:00:00+08:00", "u2", "login", "")), true);
    Path config = writeConfig(f);

    JobProcess.Result night = main(config, "nightly", "--date", DAY.toString(), "--steps",
        "kpi,churn-score,features,ingest", "--color", "never");
    assertEquals(1, night.code(), night.err());
    assertEquals(List.of("community nightly failed: step churn-score: no champion churn model: "
        + "run churn-train first (or churn-train --promote VERSION)"), ownLines(night.err()));

    List<Row> runs = SparkTestSession.get().read().format("delta")
        .load(f.warehouse.resolve("ops/job_runs").toString())
        .orderBy("started_at", "job").select("job", "status", "rows_read", "error", "run_id",
            "spark_app_id").collectAsList();
    assertEquals(List.of("ingest succeeded 2", "features succeeded 0", "churn-score failed 0",
        "kpi skipped 0"), runs.stream().map(r -> r.getString(0) + " " + r.getString(1) + " "
        + r.getLong(2)).toList());
    assertEquals("not run: step churn-score failed", runs.get(3).getString(3));
    assertEquals(4, runs.stream().map(r -> r.getString(4)).distinct().count(),
        "a run id per step");
    assertEquals(1, runs.stream().map(r -> r.getString(5)).distinct().count(),
        "one application");
  }

  /**
   * {@code sql} without a query: statements from standard input, one session for all, and
   * {@code \echo} lines printed between results.
   */
  @Test
  void sqlReadsManyStatementsFromStandardInputInOneSession() throws Exception {
    JobFixture f = new JobFixture(tmp);
    f.writeRaw("events", DAY, "p.json", List.of(
        event("e1", "2026-11-21T09:00:00+08:00", "u1", "login", ""),
        event("e2", "2026-11-21T10:00:00+08:00", "u2", "like", "\"content_id\":\"c1\""),
        event("e3", "2026-11-21T11:00:00+08:00", "u2", "login", "")), true);
    f.run(new IngestJob(), Map.of(), "--date", DAY.toString());
    Path config = writeConfig(f);
    Path script = Files.writeString(tmp.resolve("queries.sql"), String.join("\n",
        "select count(*) as n from silver.events;",
        "\\echo",
        "  \\echo == events by type",
        "select event_type, count(*) as n from silver.events",
        "  group by event_type order by event_type;",
        "select count(distinct user_id) as members from silver.events; select 'a;b' as s;",
        "select * from no_such_table;",
        "create temporary view logins as select * from silver.events where event_type = 'login';",
        "select count(*) as n from logins;",
        "set spark.sql.shuffle.partitions=3;",
        "set spark.sql.shuffle.partitions;",
        "show tables in silver like 'ev*';",
        "select max(event_date) as d from silver.events",
        ""));

    List<String> cmd = JobProcess.main(tmp.resolve("sw"), List.of("sql", "--format", "tsv",
        "--config", config.toString()));
    JobProcess.Result sql = JobProcess.start(tmp, "sql", cmd, Map.of(), script).await(3);
    assertEquals(1, sql.code(), "one statement failed: " + sql.err());
    // The failed statement prints nothing; the view's creation prints an empty result.
    // \echo lines print their text in place of the blank line between two results.
    assertEquals(String.join("\n", "n", "3", "", "== events by type", "event_type\tn", "like\t1",
        "login\t2", "",
        "members", "2", "", "s", "a;b", "", "", "", "n", "2", "",
        "key\tvalue", "spark.sql.shuffle.partitions\t3", "",
        "key\tvalue", "spark.sql.shuffle.partitions\t3", "",
        "namespace\ttableName\tisTemporary", "silver\tevents\tfalse", "",
        "d", DAY.toString(), ""), sql.out());
    List<String> own = sql.err().lines().filter(l -> l.startsWith("error: ")
        || l.startsWith("community")).toList();
    assertEquals(2, own.size(), sql.err());
    assertTrue(own.get(0).startsWith("error: ") && own.get(0).contains("no_such_table"),
        own.get(0));
    assertEquals("community sql failed: 1 of 11 statements failed", own.get(1));
  }

  private Path writeConfig(JobFixture f) {
    try {
      return Files.writeString(tmp.resolve("conf.yaml"), "include: [" + JobFixture.KPIS + ", "
          + JobFixture.CHURN + ", " + JobFixture.TAGS + ", " + JobFixture.ATTRIBUTION
          + "]\nlake:\n  root: " + f.lake + "\nwarehouse:\n  root: " + f.warehouse + "\n");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
