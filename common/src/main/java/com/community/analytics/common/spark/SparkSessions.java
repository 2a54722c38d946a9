package com.community.analytics.common.spark;

import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.config.CommonKeys;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The one session builder. Sets only application defaults ({@code setIfMissing}): Delta's
 * extension and catalog, optimized writes, a snapshot parallelism sized for these tables, UTC
 * session time, and the s3a settings from config. Master, memory and paths come from
 * spark-submit or the local launcher, never from here.
 */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkSession create(String appName, AppConfig config) {
    SparkConf conf = new SparkConf();
    applyDefaults(conf, appName, config);
    SparkSession.Builder builder = SparkSession.builder().config(conf);
    if ("hive".equals(config.get(CommonKeys.CATALOG_TYPE))) {
      builder.enableHiveSupport();
    }
    return builder.getOrCreate();
  }

  /** The defaults, separate so tests build their shared session the same way. */
  public static void applyDefaults(SparkConf conf, String appName, AppConfig config) {
    conf.setIfMissing("spark.app.name", appName);
    conf.setIfMissing("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    conf.setIfMissing("spark.sql.catalog.spark_catalog",
        "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    // Optimized writes shuffle each Delta write into large bins, so a write adds a few files
    // instead of one per task (and partition); without them a night's ingest left hundreds of
    // small files, and every later snapshot, listing and read paid for them, more with each
    // day of history. Partitioned tables are laid out by TableWriter's rebalance instead; this
    // covers the unpartitioned ones and merges.
    conf.setIfMissing("spark.databricks.delta.optimizeWrite.enabled", "true");
    // Delta rebuilds a table's state with this many tasks whenever it loads a new version; its
    // default (50) is sized for logs of millions of files. These tables' logs hold thousands at
    // most, and 50 tasks per snapshot were a third of a spark-submitted 400-member kpi night
    // (85 s against 55 s with 4, on 2 cores). The local launcher and the tests set their own.
    conf.setIfMissing("spark.databricks.delta.snapshotPartitions", "8");
    // Cached Datasets (attribution's touches, kpi's activity window) are read back once or
    // twice within a run: encoding them compressed (dictionary and run-length statistics for
    // every column batch) cost more CPU than it saved; a 13,500-member night's attribution took
    // 40 s compressed and 33 s plain, on 2 cores.
    conf.setIfMissing("spark.sql.inMemoryColumnarStorage.compressed", "false");
    // Spark keeps the classes it compiles for query plans in a cache of 100 by default. A night
    // of six jobs (and the test JVM, which runs every job many times) plans far more distinct
    // operators than that, so the cache thrashed and the same code was compiled again, on the
    // driver and in tasks: in a test of ten small feature runs Janino was a fifth of the CPU,
    // and with 2000 entries the test took 114-120 s instead of 138-140 s.
    conf.setIfMissing("spark.sql.codegen.cache.maxEntries", "2000");
    // Parquet tries a dictionary for every string column and falls back to plain encoding once
    // the dictionary outgrows a page; for ids that are unique per row the attempt is pure cost
    // (hashing every value, then re-encoding the page): a sixth of writing 1.2 million events.
    for (String uniqueId : new String[] {"event_id", "session_id", "order_id"}) {
      conf.setIfMissing("spark.hadoop.parquet.enable.dictionary#" + uniqueId, "false");
    }
    // Times are stored in UTC; business dates are derived explicitly in the business zone.
    conf.setIfMissing("spark.sql.session.timeZone", "UTC");
    if (config != null) {
      applyS3(conf, config);
    }
  }

  private static void applyS3(SparkConf conf, AppConfig config) {
    if (config.isSet(CommonKeys.S3_ENDPOINT)) {
      conf.setIfMissing("spark.hadoop.fs.s3a.endpoint", config.get(CommonKeys.S3_ENDPOINT));
    }
    conf.setIfMissing("spark.hadoop.fs.s3a.path.style.access",
        String.valueOf(config.get(CommonKeys.S3_PATH_STYLE)));
    if (config.isSet(CommonKeys.S3_ACCESS_KEY)) {
      conf.setIfMissing("spark.hadoop.fs.s3a.access.key",
          config.get(CommonKeys.S3_ACCESS_KEY));
      conf.setIfMissing("spark.hadoop.fs.s3a.secret.key",
          config.get(CommonKeys.S3_SECRET_KEY));
    }
  }
}
