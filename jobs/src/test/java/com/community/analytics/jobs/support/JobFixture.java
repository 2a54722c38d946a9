package com.community.analytics.jobs.support;

import com.community.analytics.common.cli.CommandLine;
import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.job.Job;
import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.job.JobResult;
import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.common.testing.TestConfigs;
import com.community.analytics.common.testing.TestFiles;
import com.community.analytics.jobs.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** A lake and warehouse under a temp folder, and a way to run a job on them in-process. */
public final class JobFixture {
  /** The repository's business rules, used as they are. */
  public static final Path TAGS = Path.of("../conf/tags.yaml").toAbsolutePath().normalize();
  public static final Path CHURN = Path.of("../conf/churn.yaml").toAbsolutePath().normalize();
  public static final Path ATTRIBUTION =
      Path.of("../conf/attribution.yaml").toAbsolutePath().normalize();
  public static final Path KPIS = Path.of("../conf/kpis.yaml").toAbsolutePath().normalize();
  public static final Path MAINTENANCE =
      Path.of("../conf/maintenance.yaml").toAbsolutePath().normalize();

  /** More YAML for this fixture's config (e.g. a smaller model grid). */
  public String extraYaml = "";

  public final Path root;
  public final Path lake;
  public final Path warehouse;
  /** The roots the jobs are configured with: the local folders, or e.g. {@code s3a://} URIs. */
  public final String lakeRoot;
  public final String warehouseRoot;

  public JobFixture(Path root) {
    this(root, root.resolve("lake").toString(), root.resolve("warehouse").toString());
  }

  /** A fixture whose jobs read and write elsewhere (e.g. s3a); its own folders hold the config. */
  public JobFixture(Path root, String lakeRoot, String warehouseRoot) {
    this(root, root.resolve("lake"), root.resolve("warehouse"), lakeRoot, warehouseRoot);
  }

  /** A warehouse of its own under {@code root} over a lake that lives elsewhere. */
  public JobFixture(Path root, Path lake) {
    this(root, lake, root.resolve("warehouse"), lake.toString(),
        root.resolve("warehouse").toString());
  }

  private JobFixture(Path root, Path lake, Path warehouse, String lakeRoot,
      String warehouseRoot) {
    this.root = root;
    this.lake = lake;
    this.warehouse = warehouse;
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.lakeRoot = lakeRoot;
    this.warehouseRoot = warehouseRoot;
  }

  /** This fixture's configuration file text: the business rules, the roots, {@link #extraYaml}. */
  public String yaml() {
    return "include: [" + TAGS + ", " + CHURN + ", " + ATTRIBUTION + ", " + KPIS + ", "
        + MAINTENANCE + "]\nlake:\n  root: " + lakeRoot + "\nwarehouse:\n  root: "
        + warehouseRoot + "\n" + extraYaml;
  }

  public AppConfig config(Map<String, String> overrides) {
    return TestConfigs.load(Main.runner().schema(), TestConfigs.write(root, yaml()), overrides);
  }

  /** Runs a job on the shared test session, as the runner would (without stopping it). */
  public Ran run(Job job, Map<String, String> overrides, String... args)
      throws Exception {
    CommandLine.Parsed parsed = CommandLine.parse(job.name(), "community " + job.name(),
        job.description(), job.options(), args);
    job.check(parsed.args());
    JobContext ctx = JobContext.of(SparkTestSession.get(), config(overrides), parsed.args());
    return new Ran(ctx, job.run(ctx));
  }

  /** One run of a job in a test: its context (with the rows read and written) and result. */
  public record Ran(JobContext context, JobResult result) {
    /** The job's typed result, e.g. {@code ran.result(IngestJob.Result.class).accepted()}. */
    public <R extends JobResult> R result(Class<R> type) {
      return type.cast(result);
    }

    public long rowsRead() {
      return context.metrics().rowsRead();
    }
  }

  /** Writes a raw file (gzip when the name ends .gz) and, if asked, the folder's _SUCCESS. */
  public Path writeRaw(String kind, LocalDate dt, String file, List<String> lines,
      boolean success) {
    try {
      Path dir = lake.resolve("raw/" + kind + "/dt=" + dt);
      Files.createDirectories(dir);
      Path path = dir.resolve(file);
      byte[] text = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
      if (file.endsWith(".gz")) {
        text = TestFiles.gzip(text);
      }
      Files.write(path, text);
      if (success) {
        Files.write(dir.resolve("_SUCCESS"), new byte[0]);
      }
      return path;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One raw event line with the required fields and {@code extra} JSON members. */
  public static String event(String id, String time, String user, String type, String extra) {
    return "{\"event_id\":\"" + id + "\",\"event_time\":\"" + time + "\",\"user_id\":\"" + user
        + "\",\"event_type\":\"" + type + "\"" + (extra.isEmpty() ? "" : "," + extra) + "}";
  }
}
