package com.community.analytics.bench;

import com.community.analytics.common.cli.JobArgs;
import com.community.analytics.common.cli.JobOption;
import com.community.analytics.common.cli.UsageException;
import com.community.analytics.common.job.Job;
import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.job.JobResult;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model-cost benchmark: for each size of {@code --sizes}, builds synthetic input of that size
 * under {@code --work}, times the model code the nightly jobs run on it, and appends one JSON
 * line per size to {@code --out}. Synthetic input is written to Parquet and read back, so the
 * timed part scans real files as the jobs do and excludes the data generation.
 */
abstract class ModelBench implements Job {
  private static final Logger LOG = LoggerFactory.getLogger(ModelBench.class);

  /** Measures one size; the returned map is the result line (name and size are added). */
  abstract Map<String, Object> measure(JobContext ctx, long size, Path work) throws Exception;

  @Override
  public List<JobOption> options() {
    return List.of(
        JobOption.value("sizes", "N,N,...", "input sizes to measure, smallest first"),
        JobOption.value("out", "FILE", "JSON lines file the results are appended to"),
        JobOption.value("work", "DIR", "scratch folder for the synthetic input"));
  }

  @Override
  public boolean recordsRun() {
    return false;
  }

  @Override
  public void check(JobArgs args) {
    sizes(args);
    for (String required : List.of("out", "work")) {
      if (args.option(required).isEmpty()) {
        throw new UsageException(name() + " needs --" + required);
      }
    }
  }

  static List<Long> sizes(JobArgs args) {
    String value = args.option("sizes").orElseThrow(() ->
        new UsageException("--sizes is required, e.g. --sizes 1000,10000"));
    List<Long> out = new ArrayList<>();
    for (String s : value.split(",")) {
      if (!s.trim().matches("[1-9][0-9]*")) {
        throw new UsageException("--sizes must be positive numbers separated by commas, got '"
            + value + "'");
      }
      out.add(Long.parseLong(s.trim()));
    }
    return out;
  }

  @Override
  public JobResult run(JobContext ctx) throws Exception {
    Path out = Path.of(ctx.args().option("out").orElseThrow());
    Path work = Path.of(ctx.args().option("work").orElseThrow());
    Files.createDirectories(work);
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    ObjectMapper json = new ObjectMapper();
    for (long size : sizes(ctx.args())) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("bench", name());
      line.put("size", size);
      line.putAll(measure(ctx, size, work));
      LOG.info("{} size {}: {}", name(), size, line);
      Files.writeString(out, json.writeValueAsString(line) + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    return JobResult.NONE;
  }

  /** A synthetic input row drawn from its id alone, so every size is reproducible. */
  interface RowOfId extends java.io.Serializable {
    Row of(long id);
  }

  /** Synthetic input of {@code size} rows under {@code folder} (Parquet), read back. */
  static Dataset<Row> synthetic(JobContext ctx, long size, long rowsPerPartition,
      StructType schema, RowOfId draw, Path folder) throws IOException {
    delete(folder);
    int partitions = (int) Math.max(2, Math.min(64, size / rowsPerPartition));
    ctx.spark().range(0, size, 1, partitions).toDF("id")
        .mapPartitions((MapPartitionsFunction<Row, Row>) ids -> new Iterator<Row>() {
          @Override
          public boolean hasNext() {
            return ids.hasNext();
          }

          @Override
          public Row next() {
            return draw.of(ids.next().getLong(0));
          }
        }, Encoders.row(schema))
        .write().parquet(uri(folder));
    return ctx.spark().read().parquet(uri(folder));
  }

  /** Seconds since {@code startNanos}. */
  static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  static String uri(Path p) {
    return p.toUri().toString();
  }

  static void delete(Path p) throws IOException {
    if (Files.exists(p)) {
      try (var walk = Files.walk(p)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
