package com.community.analytics.jobs.production;

import com.community.analytics.jobs.Main;
import com.community.analytics.jobs.support.JobProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on 127.0.0.1: one master and one worker, each its own JVM started
 * from a Spark distribution (the pinned pyspark's), and the spark-submit command that runs the
 * shaded jar on it with executors in the worker's JVMs.
 */
final class StandaloneCluster implements AutoCloseable {
  private final Path sparkHome;
  private final Path workDir;
  private final LocalServices.Service master;
  private final LocalServices.Service worker;

  StandaloneCluster(Path dir, Path sparkHome) {
    this.sparkHome = sparkHome;
    this.workDir = dir.resolve("work");
    int masterPort = LocalServices.freePort();
    master = LocalServices.start(dir, "master", List.of(sparkClass(),
        "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
        String.valueOf(masterPort), "--webui-port", String.valueOf(LocalServices.freePort())),
        env(), masterPort);
    int workerPort = LocalServices.freePort();
    worker = LocalServices.start(dir, "worker", List.of(sparkClass(),
        "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--port",
        String.valueOf(workerPort), "--webui-port", String.valueOf(LocalServices.freePort()),
        "--cores", "2", "--memory", "2g", "--work-dir", workDir.toString(), url()), env(),
        workerPort);
    awaitRegistration();
  }

  String url() {
    return "spark://127.0.0.1:" + master.port();
  }

  Map<String, String> env() {
    return Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_LOCAL_IP", "127.0.0.1",
        "JAVA_HOME", System.getProperty("java.home"),
        "SPARK_DAEMON_JAVA_OPTS", JobProcess.testJit());
  }

  /**
   * spark-submit of the shaded jar in client mode: the driver in the submitting JVM, every task
   * in executors the worker starts. Delta comes from --packages, as on a real cluster.
   */
  List<String> submit(Path jar, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(sparkHome.resolve("bin/spark-submit").toString(),
        "--master", url(), "--deploy-mode", "client", "--class", Main.class.getName(),
        "--packages", "io.delta:delta-spark_2.12:3.3.3", "--driver-memory", "1g",
        "--executor-memory", "1g", "--conf", "spark.cores.max=2",
        "--conf", "spark.ui.enabled=false", "--conf", "spark.sql.shuffle.partitions=2",
        "--conf", "spark.databricks.delta.snapshotPartitions=2"));
    if (!JobProcess.testJit().isEmpty()) {
      cmd.addAll(List.of("--driver-java-options", JobProcess.testJit(),
          "--conf", "spark.executor.extraJavaOptions=" + JobProcess.testJit()));
    }
    cmd.add(jar.toString());
    cmd.addAll(args);
    return cmd;
  }

  /** The stderr files of every executor the worker ran (one folder per app and executor). */
  List<Path> executorLogs() {
    try (Stream<Path> files = Files.walk(workDir)) {
      return files.filter(p -> p.getFileName().toString().equals("stderr")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String sparkClass() {
    return sparkHome.resolve("bin/spark-class").toString();
  }

  private void awaitRegistration() {
    long deadline = System.currentTimeMillis() + 60_000;
    while (!master.logText().contains("Registering worker")) {
      if (System.currentTimeMillis() > deadline || !worker.process().isAlive()) {
        throw new IllegalStateException("worker did not register: " + worker.logText());
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  @Override
  public void close() {
    worker.close();
    master.close();
  }
}
