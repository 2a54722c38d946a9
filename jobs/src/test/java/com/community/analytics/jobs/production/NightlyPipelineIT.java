package com.community.analytics.jobs.production;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.jobs.support.JobFixture;
import com.community.analytics.jobs.support.JobProcess;
import com.community.analytics.jobs.support.SharedFixture;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly pipeline where production runs it, against a reference run on the local file
 * system in this JVM, job by job: once with the lake and the warehouse in s3a:// buckets of a
 * real S3 server (S3Proxy on 127.0.0.1), the night as one application ({@code nightly}) in its
 * own JVM with the secret only in its environment; once spark-submitted to a standalone cluster
 * (master and worker JVMs from the pinned pyspark distribution). Both must leave the same tables
 * as the reference, and a succeeded run row per job. (Each job as its own application is run
 * end to end by the community_nightly DAG test and by CliProcessTest.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NightlyPipelineIT {
  private static final String ACCESS_ENV = "COMMUNITY_S3_ACCESS_KEY";
  private static final String SECRET_ENV = "COMMUNITY_S3_SECRET_KEY";
  /** The local launcher's logging: summaries on the console, everything in a log file. */
  private static final Path LOG_CONFIG = Path.of("../conf/log4j2.properties").toAbsolutePath()
      .normalize();
  /**
   * Rows the reference cannot have: it runs jobs in-process, without the runner's log; and the
   * run records of ops.data_quality (run ids, start times).
   */
  private static final Set<String> NOT_COMPARED = Set.of("ops/job_runs", "ops/data_quality");

  private final SparkSession spark = SparkTestSession.get();

  /** Kept when a test fails, to look at its tables and logs. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path tmp;
  /** The shared history (read-only): lake, backfills and a champion. */
  private JobFixture history;
  private JobFixture reference;

  @BeforeAll
  void referenceRun() throws Exception {
    history = SharedFixture.get(NightlyPipeline.HISTORY);
    reference = SharedFixture.copy(NightlyPipeline.HISTORY, tmp.resolve("reference"));
    NightlyPipeline.nightly(reference);
  }

  private List<String> withConfig(List<String> args, Path config) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of("--config", config.toString()));
    return all;
  }

  private List<Row> nightlyRuns(String warehouseRoot) {
    return spark.read().format("delta").load(warehouseRoot + "/ops/job_runs")
        .where("date_from = '" + NightlyPipeline.DATE + "'").select("job", "status")
        .orderBy("job").collectAsList();
  }

  private static List<String> succeededNightly() {
    return NightlyPipeline.NIGHTLY_JOBS.stream().sorted().map(j -> "[" + j + ",succeeded]")
        .toList();
  }

  @Test
  void onS3TheNightlyPipelineLeavesTheSameTablesAndNeverShowsTheSecret() throws Exception {
    Path dir = tmp.resolve("s3");
    try (S3Server s3 = new S3Server(dir.resolve("server"), "lake", "warehouse")) {
      Configuration hadoop = spark.sparkContext().hadoopConfiguration();
      s3.configure(hadoop, s3.secretKey);
      FileSystem s3fs = FileSystem.get(URI.create("s3a://lake/"), hadoop);
      FileUtil.copy(FileSystem.getLocal(hadoop), new org.apache.hadoop.fs.Path(
          history.lake.resolve("raw").toUri()), s3fs, new org.apache.hadoop.fs.Path(
          "s3a://lake/raw"), false, hadoop);
      FileUtil.copy(FileSystem.getLocal(hadoop), new org.apache.hadoop.fs.Path(
          history.lake.resolve("models").toUri()), s3fs, new org.apache.hadoop.fs.Path(
          "s3a://lake/models"), false, hadoop);
      // The shared history's tables become objects in the bucket, the champion's registry
      // entry pointing at its copy there, as when a lake moves; the night runs on them.
      FileUtil.copy(FileSystem.getLocal(hadoop), new org.apache.hadoop.fs.Path(
          history.warehouse.toUri()), FileSystem.get(URI.create("s3a://warehouse/"), hadoop),
          new org.apache.hadoop.fs.Path("s3a://warehouse/curated"), false, hadoop);
      spark.sql("UPDATE delta.`s3a://warehouse/curated/ml/churn_models` SET path = "
          + "concat('s3a://lake', substring(path, " + (history.lake.toUri().getPath()
          .replaceAll("/$", "").length() + 1) + "))");
      assertTrue(spark.read().format("delta").load("s3a://warehouse/curated/ml/churn_models")
          .where("path NOT LIKE 's3a://lake/models/churn/v%'").isEmpty(),
          "every model is loaded from the bucket");

      JobFixture f = new JobFixture(dir, "s3a://lake", "s3a://warehouse/curated");
      f.extraYaml = NightlyPipeline.SETTINGS;
      Path config = Files.writeString(dir.resolve("s3.yaml"), f.yaml() + "s3:\n  endpoint: "
          + s3.endpoint() + "\n  path_style_access: true\n  access_key: ${env:" + ACCESS_ENV
          + "}\n  secret_key: ${env:" + SECRET_ENV + "}\n");
      List<String> jvm = new ArrayList<>(S3Server.clientJvmOptions());
      jvm.addAll(List.of("-Dlog4j2.configurationFile=" + LOG_CONFIG,
          "-Dcommunity.log.dir=" + dir.resolve("logs")));
      StringBuilder output = new StringBuilder();
      JobProcess.Result r = JobProcess.run(dir, "nightly", JobProcess.main(dir.resolve("sw"),
          jvm, withConfig(NightlyPipeline.oneApplicationArgs(), config)),
          Map.of(ACCESS_ENV, s3.accessKey, SECRET_ENV, s3.secretKey), 15);
      assertEquals(0, r.code(), "nightly: " + r.err());
      output.append(r.out()).append(r.err());
      output.append(Files.readString(dir.resolve("logs/community.log")));

      assertTrue(output.toString().contains("s3.secret_key=****"),
          "the effective config is logged, masked");
      assertFalse(output.toString().contains(s3.secretKey), "the secret is never printed");
      assertEquals(0L, spark.read().format("delta").load(f.warehouseRoot + "/ops/job_runs")
          .selectExpr("to_json(struct(*)) as row").where(org.apache.spark.sql.functions.col("row")
              .contains(s3.secretKey)).count(), "nor recorded in ops.job_runs");
      assertEquals(succeededNightly(), nightlyRuns(f.warehouseRoot).stream().map(Row::toString)
          .toList());
      assertTrue(Files.exists(dir.resolve("server/data/warehouse/curated/silver/events/"
          + "_delta_log")), "the tables are objects on the S3 server");
      Warehouses.assertSameTables(spark, reference.warehouseRoot, f.warehouseRoot,
          NOT_COMPARED);
    }
  }

  @Test
  void onAStandaloneClusterTheSubmittedJarLeavesTheSameTables() throws Exception {
    Path dir = tmp.resolve("cluster");
    JobFixture f = SharedFixture.copyWithLake(NightlyPipeline.HISTORY, dir);
    Path config = Files.writeString(dir.resolve("cluster.yaml"), f.yaml());
    Path jar = LocalServices.requiredPath("community.jar");
    try (StandaloneCluster cluster = new StandaloneCluster(dir.resolve("spark"),
        LocalServices.requiredPath("community.spark.home"))) {
      JobProcess.Result r = JobProcess.run(dir, "nightly", cluster.submit(jar,
          withConfig(NightlyPipeline.oneApplicationArgs(), config)), cluster.env(), 15);
      assertEquals(0, r.code(), "nightly: " + r.err());
      assertEquals(1, cluster.executorLogs().size(),
          "the night ran its tasks in an executor the worker started");
    }
    assertEquals(succeededNightly(), nightlyRuns(f.warehouseRoot).stream().map(Row::toString)
        .toList());
    Warehouses.assertSameTables(spark, reference.warehouseRoot, f.warehouseRoot, NOT_COMPARED);
  }
}
