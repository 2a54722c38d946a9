package com.community.analytics.common.catalog;

import static com.community.analytics.common.catalog.TableSpec.column;

import org.apache.spark.sql.types.DataTypes;

/**
 * The tables ingest writes and every later job reads: the event-lake contract (design section
 * 4) after validation and normalisation, the dimension snapshots, and the quarantine.
 */
public final class SilverTables {
  private SilverTables() {}

  public static final TableSpec EVENTS = new TableSpec("silver.events",
      "One row per distinct valid event, normalised: UTC times, business date and hour, "
          + "lower-case enums, typed amounts; unknown raw fields kept in properties.",
      TableSpec.schema(
          column("event_id", DataTypes.StringType, "unique event id; re-deliveries repeat it"),
          column("event_time", DataTypes.TimestampType, "when the event happened (UTC)"),
          column("event_date", DataTypes.DateType, "business date of event_time (partition)"),
          column("event_hour", DataTypes.IntegerType, "hour 0-23 of event_time, business zone"),
          column("user_id", DataTypes.StringType, "member id"),
          column("event_type", DataTypes.StringType, "register, login, content_view, click, ..."),
          column("session_id", DataTypes.StringType, "client session id, if sent"),
          column("content_id", DataTypes.StringType, "content touched (content events)"),
          column("channel", DataTypes.StringType, "feed, search, push, share_link, kol, ..."),
          column("platform", DataTypes.StringType, "ios, android, web, miniapp"),
          column("amount", DataTypes.createDecimalType(18, 2),
              "order amount for purchase and refund, >= 0"),
          column("currency", DataTypes.StringType, "currency of amount (config default if absent)"),
          column("order_id", DataTypes.StringType, "order id for purchase and refund"),
          column("experiment_id", DataTypes.StringType, "experiment of an exposure"),
          column("variant", DataTypes.StringType, "variant of an exposure"),
          column("properties", DataTypes.createMapType(DataTypes.StringType,
              DataTypes.StringType), "extras (dwell_ms, tier, is_original, ...) and unknown fields"),
          column("arrival_date", DataTypes.DateType, "raw folder dt the event arrived in"),
          column("source_file", DataTypes.StringType, "raw file the event was read from")),
      "event_date");

  public static final TableSpec USERS = new TableSpec("silver.users",
      "Latest snapshot of the users dimension: per user, the row of the newest snapshot.",
      TableSpec.schema(
          column("user_id", DataTypes.StringType, "member id"),
          column("registered_at", DataTypes.TimestampType, "registration time (UTC)"),
          column("gender", DataTypes.StringType, "gender as reported"),
          column("birth_year", DataTypes.IntegerType, "birth year"),
          column("city", DataTypes.StringType, "city"),
          column("city_tier", DataTypes.IntegerType, "city tier 1-5"),
          column("follower_count", DataTypes.LongType, "followers of the member"),
          column("membership_tier", DataTypes.StringType, "basic, growth or vip"),
          column("snapshot_date", DataTypes.DateType, "dt of the snapshot this row came from")),
      null);

  public static final TableSpec CONTENT = new TableSpec("silver.content",
      "Latest snapshot of the content dimension: per content item, the newest snapshot row.",
      TableSpec.schema(
          column("content_id", DataTypes.StringType, "content id"),
          column("author_id", DataTypes.StringType, "member who authored it"),
          column("content_type", DataTypes.StringType,
              "article, image_text, short_video, live, qa, knowledge_card, poll, challenge"),
          column("topic", DataTypes.StringType, "topic"),
          column("origin", DataTypes.StringType, "pgc, ugc or kol"),
          column("is_original", DataTypes.BooleanType, "original (not reposted) content"),
          column("published_at", DataTypes.TimestampType, "publication time (UTC)"),
          column("campaign_id", DataTypes.StringType, "campaign, if any"),
          column("snapshot_date", DataTypes.DateType, "dt of the snapshot this row came from")),
      null);

  public static final TableSpec QUARANTINE = new TableSpec("ops.quarantine",
      "One row per rejected raw row (or unreadable file), with its raw text and the reason.",
      TableSpec.schema(
          column("run_date", DataTypes.DateType, "raw folder dt the row came from (partition)"),
          column("source", DataTypes.StringType, "events, users or content"),
          column("source_file", DataTypes.StringType, "raw file"),
          column("line_number", DataTypes.LongType, "1-based line in the file (null: whole file)"),
          column("reason", DataTypes.StringType, "reason code, e.g. malformed_json"),
          column("detail", DataTypes.StringType, "what exactly was wrong"),
          column("event_id", DataTypes.StringType, "event id when one could be read"),
          column("raw", DataTypes.StringType, "the raw line as read")),
      "run_date");

  /** The rule of {@link #DATA_QUALITY}'s per-event-type rows of valid events. */
  public static final String DATA_QUALITY_VALID = "valid";

  public static final TableSpec DATA_QUALITY = new TableSpec("ops.data_quality",
      "Per ingest run, arrival folder, source and contract rule: rows checked and failed; plus "
          + "the valid rows of each event type. Appended by every run that succeeds.",
      TableSpec.schema(
          column("run_id", DataTypes.StringType, "the ingest run (ops.job_runs.run_id)"),
          column("checked_at", DataTypes.TimestampType, "when the run started (UTC)"),
          column("arrival_date", DataTypes.DateType, "raw folder dt (partition)"),
          column("source", DataTypes.StringType, "events, users or content"),
          column("rule", DataTypes.StringType,
              "a quarantine reason (every rule of the source, zero failures included), or "
                  + "valid for the per-event-type rows"),
          column("event_type", DataTypes.StringType, "on valid rows: the event type"),
          column("rows_checked", DataTypes.LongType, "rows of the folder and source read"),
          column("rows_failed", DataTypes.LongType,
              "rows quarantined under the rule (each row under the first rule it broke); "
                  + "null on valid rows"),
          column("failure_share", DataTypes.DoubleType,
              "rows_failed / rows_checked (null when nothing was read, and on valid rows)"),
          column("rows_valid", DataTypes.LongType,
              "on valid rows: rows of the event type that broke no rule, re-deliveries included"),
          column("folder_completed_at", DataTypes.TimestampType,
              "when the folder's _SUCCESS marker was written (UTC; null without one)")),
      "arrival_date");
}
