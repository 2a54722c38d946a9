package com.community.analytics.jobs.production;

import static com.community.analytics.common.testing.SparkTestSession.assertDataFrameEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.jobs.support.JobFixture;
import com.community.analytics.jobs.support.JobProcess;
import com.community.analytics.jobs.support.SharedFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults a nightly run meets in production: the JVM killed in the middle of a table write, and
 * two runs of one job and date at once. Each disturbed warehouse is compared with an
 * undisturbed run over the same lake.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultToleranceIT {
  private static final LocalDate START = NightlyPipeline.START;
  private static final LocalDate END = NightlyPipeline.DATE;
  /** Run records: their run ids, start times and runs differ by design. */
  private static final Set<String> NOT_COMPARED = Set.of("ops/job_runs", "ops/data_quality");
  private final SparkSession spark = SparkTestSession.get();

  /** Kept when a test fails, to look at its tables and logs. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path tmp;
  private JobFixture lakeOwner;

  @BeforeAll
  void lake() throws Exception {
    // The production tests' one generated lake (read-only: no job writes to a lake).
    lakeOwner = SharedFixture.get(NightlyPipeline.HISTORY);
  }

  /** A warehouse of its own over the one generated lake. */
  private JobFixture fixture(String name) {
    Path root = tmp.resolve(name);
    JobFixture f = new JobFixture(root, lakeOwner.lakeRoot, root.resolve("warehouse").toString());
    f.extraYaml = NightlyPipeline.SETTINGS;
    return f;
  }

  private JobProcess.Running start(JobFixture f, String name, String... args) {
    Path config = writeConfig(f);
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--config", config.toString()));
    return JobProcess.start(f.root, name, JobProcess.main(f.root.resolve("sw"), all), Map.of());
  }

  private static Path writeConfig(JobFixture f) {
    try {
      return Files.writeString(f.root.resolve("job.yaml"), f.yaml());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Set<Path> dataFiles(Path table) {
    if (!Files.exists(table)) {
      return Set.of();
    }
    try (Stream<Path> files = Files.walk(table)) {
      return Set.copyOf(files.filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .toList());
    } catch (IOException e) {
      // A folder being written may vanish from under the walk; look again next time.
      return Set.of();
    }
  }

  private static long latestVersion(Path table) {
    try (Stream<Path> log = Files.list(table.resolve("_delta_log"))) {
      return log.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{20}\\.json"))
          .mapToLong(n -> Long.parseLong(n.substring(0, 20))).max().orElse(-1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Dataset<Row> detached(Path table) {
    Dataset<Row> df = spark.read().format("delta").load(table.toString()).orderBy("event_id");
    return spark.createDataFrame(df.collectAsList(), df.schema());
  }

  @Test
  void aJobKilledMidWriteLeavesThePreviousVersionAndARerunMatches() throws Exception {
    LocalDate mid = START.plusDays(29);
    JobFixture killed = fixture("killed");
    killed.run(NightlyPipeline.job("ingest"), Map.of(), "--from", START.toString(), "--to",
        mid.toString());
    Path events = killed.warehouse.resolve("silver/events");
    long version = latestVersion(events);
    Dataset<Row> before = detached(events);
    Set<Path> committedFiles = dataFiles(events);
    // The undisturbed run starts where the killed one stood: the same first month.
    JobFixture undisturbed = fixture("undisturbed");
    SharedFixture.copyTree(killed.warehouse, undisturbed.warehouse);

    // A backfill over the whole range rewrites the first month too: killed while its first
    // data files are on disk and before it commits, nothing of it may show.
    JobProcess.Running run = start(killed, "backfill", "ingest", "--from", START.toString(),
        "--to", END.toString());
    boolean killedMidWrite = false;
    while (run.process().isAlive()) {
      Set<Path> now = dataFiles(events);
      if (now.stream().anyMatch(p -> !committedFiles.contains(p))) {
        run.process().descendants().forEach(ProcessHandle::destroyForcibly);
        run.process().destroyForcibly();
        run.process().waitFor();
        killedMidWrite = latestVersion(events) == version;
        break;
      }
      Thread.sleep(10);
    }
    if (!killedMidWrite) {
      fail("the run was not caught between its first data file and its commit: "
          + Files.readString(run.err()));
    }
    assertTrue(dataFiles(events).size() > committedFiles.size(),
        "uncommitted files of the killed run are on disk");
    assertDataFrameEquals(before, spark.read().format("delta").load(events.toString())
        .orderBy("event_id"));

    killed.run(NightlyPipeline.job("ingest"), Map.of(), "--from", START.toString(), "--to",
        END.toString());
    undisturbed.run(NightlyPipeline.job("ingest"), Map.of(), "--from", START.toString(), "--to",
        END.toString());
    Warehouses.assertSameTables(spark, undisturbed.warehouseRoot, killed.warehouseRoot,
        NOT_COMPARED);
  }

  @Test
  void twoRunsOfOneDateAtOnceFailCleanlyOrBothSucceedAndTablesStayCorrect() throws Exception {
    // Both start from the shared history: every day up to the one the two runs ingest.
    JobFixture raced = SharedFixture.copy(NightlyPipeline.HISTORY, tmp.resolve("raced"));
    JobFixture alone = SharedFixture.copy(NightlyPipeline.HISTORY, tmp.resolve("alone"));
    JobProcess.Running first = start(raced, "first", "ingest", "--date", END.toString());
    JobProcess.Running second = start(raced, "second", "ingest", "--date", END.toString());
    List<JobProcess.Result> results = List.of(first.await(10), second.await(10));
    alone.run(NightlyPipeline.job("ingest"), Map.of(), "--date", END.toString());

    assertTrue(results.stream().anyMatch(r -> r.code() == 0), results.toString());
    for (JobProcess.Result r : results) {
      if (r.code() != 0) {
        assertEquals(1, r.code(), r.err());
        List<String> own = r.err().lines().filter(l -> l.startsWith("community")).toList();
        assertEquals(1, own.size(), r.err());
        assertTrue(own.get(0).startsWith("community ingest failed: ")
            && own.get(0).contains("Concurrent"), own.get(0));
      }
    }
    List<String> statuses = spark.read().format("delta").load(raced.warehouseRoot
        + "/ops/job_runs").where("date_from = '" + END + "'").select("status").orderBy("status")
        .collectAsList().stream().map(r -> r.getString(0)).toList();
    assertEquals(results.stream().map(r -> r.code() == 0 ? "succeeded" : "failed").sorted()
        .toList(), statuses, "each run is recorded with its outcome");
    Warehouses.assertSameTables(spark, alone.warehouseRoot, raced.warehouseRoot, NOT_COMPARED);
  }
}
