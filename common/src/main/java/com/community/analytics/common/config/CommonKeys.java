package com.community.analytics.common.config;

import java.util.List;

/**
 * Configuration keys every job shares: environment, lake, warehouse, catalog, time, S3, and the
 * VACUUM retention.
 */
public final class CommonKeys {
  private CommonKeys() {}

  public static final ConfigKey<String> ENV_NAME =
      ConfigKey.string("env.name", "local", "name of this environment, recorded in run logs");
  public static final ConfigKey<String> LAKE_ROOT = ConfigKey.path("lake.root", null,
      "root of the raw event lake: a local path or s3a://bucket/prefix");
  public static final ConfigKey<String> WAREHOUSE_ROOT = ConfigKey.path("warehouse.root", null,
      "root of the curated tables: <warehouse>/<database>/<table>");
  public static final ConfigKey<String> CATALOG_TYPE = ConfigKey.oneOf("catalog.type", "embedded",
      "embedded: tables are registered by name from the warehouse at session start (no "
          + "metastore needed, names survive between runs; only folders are listed, a table's "
          + "Delta log is read when a query first touches it); hive: the cluster's Hive "
          + "metastore holds them", "embedded", "hive");
  public static final ConfigKey<String> TIME_ZONE = ConfigKey.zone(
      "business.time_zone", "Asia/Shanghai",
      "time zone of business dates, hours and time slots; times are stored in UTC");
  public static final ConfigKey<String> DEFAULT_CURRENCY = ConfigKey.string(
      "business.default_currency",
      "CNY", "currency of amounts that carry none");
  public static final ConfigKey<String> INPUT_FORMAT = ConfigKey.oneOf("input.format", "json",
      "format of raw files: json (JSON lines, gzip allowed) or parquet", "json", "parquet");
  public static final ConfigKey<String> S3_ENDPOINT = ConfigKey.string("s3.endpoint", null,
      "S3 endpoint for s3a:// paths (unset: AWS default)");
  public static final ConfigKey<Boolean> S3_PATH_STYLE = ConfigKey.bool(
      "s3.path_style_access", false,
      "use path-style S3 URLs (S3-compatible servers)");
  public static final ConfigKey<String> S3_ACCESS_KEY = ConfigKey.secret("s3.access_key",
      "S3 access key; unset: the AWS provider chain (environment, profile, instance role)");
  public static final ConfigKey<String> S3_SECRET_KEY = ConfigKey.secret("s3.secret_key",
      "S3 secret key; give it as ${env:NAME}, never in the file");

  /** Delta's default VACUUM retention; less needs maintain.allow_short_retention. */
  public static final int SAFE_RETENTION_HOURS = 168;
  /** Shared by maintain, which VACUUMs, and forget-users, which says when erased rows go. */
  public static final ConfigKey<Integer> VACUUM_RETENTION_HOURS = ConfigKey.integer(
      "maintain.vacuum_retention_hours", SAFE_RETENTION_HOURS,
      "VACUUM deletes files the table stopped using more than this many hours ago; time travel "
          + "to older versions breaks beyond it. Below 168 needs maintain.allow_short_retention")
      .atLeast(0);

  public static List<ConfigKey<?>> all() {
    return List.of(ENV_NAME, LAKE_ROOT, WAREHOUSE_ROOT, CATALOG_TYPE, TIME_ZONE, DEFAULT_CURRENCY,
        INPUT_FORMAT, S3_ENDPOINT, S3_PATH_STYLE, S3_ACCESS_KEY, S3_SECRET_KEY,
        VACUUM_RETENTION_HOURS);
  }
}
