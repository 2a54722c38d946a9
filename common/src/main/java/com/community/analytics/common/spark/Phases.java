package com.community.analytics.common.spark;

import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a phase of a job under a Spark job description (so the UI and event log say what each
 * Spark job belongs to) and logs one summary line with its duration.
 */
public final class Phases {
  private static final Logger LOG = LoggerFactory.getLogger(Phases.class);

  private Phases() {}

  public static <T> T run(SparkSession spark, String job, String phase, Supplier<T> body) {
    long start = System.nanoTime();
    String previous = spark.sparkContext().getLocalProperty("spark.job.description");
    spark.sparkContext().setJobDescription(job + ": " + phase);
    try {
      T result = body.get();
      LOG.info("{} {}: {} ({} ms)", job, phase, summary(result),
          (System.nanoTime() - start) / 1_000_000);
      return result;
    } finally {
      spark.sparkContext().setJobDescription(previous);
    }
  }

  private static String summary(Object result) {
    if (result == null) {
      return "done";
    }
    if (result instanceof java.util.Collection<?> c) {
      return c.size() + " items";
    }
    if (result instanceof java.util.Map<?, ?> m) {
      return m.size() + " entries";
    }
    String text = result.toString();
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }
}
