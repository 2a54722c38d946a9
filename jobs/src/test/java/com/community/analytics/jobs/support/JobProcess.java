package com.community.analytics.jobs.support;

import com.community.analytics.jobs.Main;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A job run in its own JVM, as users, Airflow or spark-submit start it: the command line, its
 * environment, stdout and stderr captured to files, the exit code.
 */
public final class JobProcess {
  /** How a finished process ended. */
  public record Result(int code, String out, String err) {}

  /** A started process and where its output goes. */
  public record Running(Process process, Path out, Path err) {
    public Result await(long minutes) {
      try {
        if (!process.waitFor(minutes, TimeUnit.MINUTES)) {
          process.destroyForcibly();
          throw new AssertionError("process did not finish in " + minutes + " min: "
              + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  private JobProcess() {}

  /**
   * The JIT options of every JVM a test starts (the build's {@code test.jvm.jit}: C1 only, as
   * they are short), space-separated; empty when the build did not set them.
   */
  public static String testJit() {
    return System.getProperty("test.jvm.jit", "").strip();
  }

  /**
   * {@code java ... Main <args>} on this JVM's classpath (the jar's classes with Spark, Delta
   * and hadoop-aws), one local core, UI off: the local launcher's way of running a job.
   */
  public static List<String> main(Path sparkWarehouse, List<String> args) {
    return main(sparkWarehouse, List.of(), args);
  }

  /** As {@link #main(Path, List)}, with more JVM options (e.g. {@code -Dspark.hadoop.*}). */
  public static List<String> main(Path sparkWarehouse, List<String> jvmOptions,
      List<String> args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
        "java").toString(), "-Xmx1g", "-XX:+UseParallelGC"));
    if (!testJit().isEmpty()) {
      cmd.addAll(List.of(testJit().split("\\s+")));
    }
    cmd.addAll(jvmOptions);
    for (String opt : System.getProperty("test.jvm.opens", "").split(" ")) {
      if (!opt.isBlank()) {
        cmd.add(opt);
      }
    }
    cmd.addAll(List.of("-Dspark.master=local[1]", "-Dspark.ui.enabled=false",
        "-Dspark.sql.shuffle.partitions=2", "-Dspark.databricks.delta.snapshotPartitions=2",
        "-Dspark.sql.warehouse.dir=" + sparkWarehouse, "-cp",
        System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(args);
    return cmd;
  }

  /** Starts {@code cmd} with extra environment variables; output goes to {@code <dir>/<name>.*}. */
  public static Running start(Path dir, String name, List<String> cmd, Map<String, String> env) {
    return start(dir, name, cmd, env, null);
  }

  /** As {@link #start(Path, String, List, Map)}, reading standard input from {@code stdin}. */
  public static Running start(Path dir, String name, List<String> cmd, Map<String, String> env,
      Path stdin) {
    try {
      Files.createDirectories(dir);
      Path out = dir.resolve(name + ".out");
      Path err = dir.resolve(name + ".err");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile())
          .redirectError(err.toFile());
      if (stdin != null) {
        pb.redirectInput(stdin.toFile());
      }
      pb.environment().putAll(env);
      return new Running(pb.start(), out, err);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code cmd} to the end (at most {@code minutes}). */
  public static Result run(Path dir, String name, List<String> cmd, Map<String, String> env,
      long minutes) {
    return start(dir, name, cmd, env).await(minutes);
  }
}
