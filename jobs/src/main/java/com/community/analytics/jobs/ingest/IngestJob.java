package com.community.analytics.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import com.community.analytics.common.catalog.Catalog;
import com.community.analytics.common.catalog.SilverTables;
import com.community.analytics.common.catalog.TableSpec;
import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.config.CommonKeys;
import com.community.analytics.common.config.ConfigKey;
import com.community.analytics.common.job.Job;
import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.job.JobResult;
import com.community.analytics.common.lake.RawLake;
import com.community.analytics.common.spark.Phases;
import com.community.analytics.common.time.DateRange;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ingest --date D} (or {@code --from/--to}): raw arrival folders to silver.
 *
 * <p>Inputs: {@code <lake>/raw/events/dt=D/} (JSON lines, gzip allowed, or Parquet), and the
 * users and content snapshot folders of the same dates when present. Outputs: {@code
 * silver.events} (new distinct events, partitioned by event_date; a rerun replaces the rows that
 * arrived in the same folders), {@code silver.users} and {@code silver.content} (upserted, newest
 * snapshot wins), {@code ops.quarantine} (rejected rows of those folders, replaced on rerun),
 * {@code ops.data_quality} (per folder, source and contract rule: rows checked and failed, and
 * valid rows per event type; appended by each run that succeeds).
 *
 * <p>Folders: a missing one fails the run (or is skipped, {@code ingest.on_missing_folder}); one
 * without {@code _SUCCESS} fails it (unless {@code ingest.require_success_marker} is false); an
 * empty one, complete but holding no rows, fails it unless {@code ingest.on_empty_folder} is
 * {@code allow}. Empty is seen from the listing (no data files, or only zero-byte ones) before
 * anything is read, and otherwise from the per-folder row counts of the validate phase (files
 * that hold no lines), so it costs no extra pass; either way the count is the run's {@code
 * empty_folders}.
 *
 * <p>Reconciliation: rows read = accepted + duplicates + quarantined, recorded in ops.job_runs;
 * the run fails when it does not hold. Cost: one pass over the folders (cached), a shuffle of
 * the event ids to find the re-delivered ones and one of those ids' rows to keep each first
 * delivery (of all rows by event_id when a replay re-delivers over a million ids), a join
 * against only the silver partitions of the event dates in the batch (never all of silver),
 * the write's shuffle by event_date; small collects (counts per folder, reason and event
 * type; event dates; snapshot counts per folder and reason) that also feed ops.data_quality.
 */
public final class IngestJob implements Job {
  private static final Logger LOG = LoggerFactory.getLogger(IngestJob.class);

  public static final ConfigKey<Integer> FUTURE_TOLERANCE_HOURS = ConfigKey.integer(
      "ingest.future_tolerance_hours", 24,
      "event times later than the end of the arrival day plus this many hours are quarantined");
  public static final ConfigKey<String> ON_MISSING_FOLDER = ConfigKey.oneOf(
      "ingest.on_missing_folder",
      "fail", "a missing raw events folder fails the run (fail) or is skipped with a warning "
          + "(skip)", "fail", "skip");
  public static final ConfigKey<Boolean> REQUIRE_SUCCESS = ConfigKey.bool(
      "ingest.require_success_marker",
      true, "refuse a raw events folder without its _SUCCESS marker (it may still be arriving)");
  public static final ConfigKey<String> ON_EMPTY_FOLDER = ConfigKey.oneOf("ingest.on_empty_folder",
      "fail", "a complete raw events folder that holds no rows (no data files, only zero-byte "
          + "files, or files without lines) fails the run (fail) or is ingested as zero rows "
          + "with a warning (allow)", "fail", "allow");
  public static final ConfigKey<LocalDate> EARLIEST_TIME = ConfigKey.date(
      "ingest.earliest_event_time",
      "2000-01-01", "event and snapshot times before the start of this date (business time "
          + "zone) are quarantined as implausible_time");
  public static final ConfigKey<List<String>> CONTENT_TYPES = ConfigKey.list("ingest.content_types",
      List.of("article", "image_text", "short_video", "live", "qa", "knowledge_card", "poll",
          "challenge"), "content types a content snapshot may carry; others are quarantined "
          + "as unknown_value");
  public static final ConfigKey<List<String>> CONTENT_ORIGINS = ConfigKey.list(
      "ingest.content_origins",
      List.of("pgc", "ugc", "kol"), "origins a content snapshot may carry; others are "
          + "quarantined as unknown_value");

  /**
   * The most re-delivered ids whose rows are ranked apart from the batch's (their ids are
   * broadcast, about 50 MB at this count); a replay with more ranks every row instead.
   */
  static final long MAX_BROADCAST_IDS = 1_000_000;

  /** What a users snapshot's integers may hold (the contract's ranges). */
  private static final Map<String, DimensionParser.Range> USER_RANGES = Map.of(
      "follower_count", new DimensionParser.Range(0, Long.MAX_VALUE),
      "city_tier", new DimensionParser.Range(1, 5),
      "birth_year", new DimensionParser.Range(1900, 2100));

  @Override
  public String name() {
    return "ingest";
  }

  @Override
  public String description() {
    return "validate raw arrival folders into silver.events, silver.users, silver.content, "
        + "ops.quarantine, ops.data_quality";
  }

  @Override
  public List<Catalog.Table> tables() {
    return List.of(Catalog.members(SilverTables.EVENTS, "user_id", Catalog.Erasure.DELETE_ROWS),
        Catalog.members(SilverTables.USERS, "user_id", Catalog.Erasure.DELETE_ROWS),
        Catalog.members(SilverTables.CONTENT, "author_id", Catalog.Erasure.NULL_REFERENCE),
        Catalog.members(SilverTables.QUARANTINE, "raw", Catalog.Erasure.DELETE_RAW_LINE),
        Catalog.aggregate(SilverTables.DATA_QUALITY));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return List.of(FUTURE_TOLERANCE_HOURS, ON_MISSING_FOLDER, REQUIRE_SUCCESS, ON_EMPTY_FOLDER,
        EARLIEST_TIME, CONTENT_TYPES, CONTENT_ORIGINS);
  }

  @Override
  public void check(com.community.analytics.common.cli.JobArgs args) {
    args.requireDates();
  }

  @Override
  public Result run(JobContext ctx) {
    Instant started = Instant.now();
    SparkSession spark = ctx.spark();
    AppConfig config = ctx.config();
    DateRange dates = ctx.args().requireDates();
    RawLake lake = new RawLake(spark, config.get(CommonKeys.LAKE_ROOT));

    List<RawLake.Folder> listed = Phases.run(spark, name(), "list folders",
        () -> eventFolders(lake, dates, config));
    List<RawLake.Folder> folders = listed.stream().filter(f -> !f.files().isEmpty()).toList();
    int emptyListed = emptyFolders(ctx, listed.stream().filter(f -> f.files().isEmpty())
        .toList(), "no data files");
    Dataset<Row> lines = "parquet".equals(config.get(CommonKeys.INPUT_FORMAT))
        ? lake.readParquet(folders) : lake.readLines(folders);
    ZoneId zone = ZoneId.of(config.get(CommonKeys.TIME_ZONE));
    LocalDate earliest = config.get(EARLIEST_TIME);
    RawEventParser parser = new RawEventParser(zone,
        config.get(CommonKeys.DEFAULT_CURRENCY), config.get(FUTURE_TOLERANCE_HOURS),
        earliest);
    Dataset<Row> parsed = EventValidation.parse(lines, parser)
        .persist(StorageLevel.MEMORY_AND_DISK());
    Instant earliestTime = earliest.atStartOfDay(zone).toInstant();
    List<RawLake.Folder> userFolders = snapshotFolders(lake, dates, "users");
    List<RawLake.Folder> contentFolders = snapshotFolders(lake, dates, "content");
    Dataset<Row> users = parseSnapshots(lake, userFolders, usersParser(earliestTime));
    Dataset<Row> content = parseSnapshots(lake, contentFolders,
        contentParser(config, earliestTime));
    try {
      List<DataQuality.Count> eventCounts = new ArrayList<>();
      Events events = ingestEvents(ctx, dates, folders, parsed, eventCounts);
      upsertDimension(ctx, users, SilverTables.USERS, "user_id");
      upsertDimension(ctx, content, SilverTables.CONTENT, "content_id");
      // One commit replaces every reject of these folders: events and snapshots alike.
      long quarantined = ctx.replace(SilverTables.QUARANTINE,
          EventValidation.quarantine(parsed, "events")
              .unionByName(EventValidation.quarantine(users, "users"))
              .unionByName(EventValidation.quarantine(content, "content")),
          dates.sqlBetween("run_date"));
      long eventRejects = Phases.run(spark, name(), "count quarantined events",
          () -> quarantinedEvents(ctx, dates));
      Result result = events.result(eventRejects, quarantined - eventRejects, emptyListed);
      reconcile(ctx.metrics().rowsRead(), dates, result, events.rejected());
      List<Row> quality = new ArrayList<>(DataQuality.rows(ctx.runId(), started, "events",
          DataQuality.EVENT_RULES, completion(listed), eventCounts));
      quality.addAll(DataQuality.rows(ctx.runId(), started, "users", DataQuality.SNAPSHOT_RULES,
          completion(userFolders), snapshotCounts(users)));
      quality.addAll(DataQuality.rows(ctx.runId(), started, "content",
          DataQuality.SNAPSHOT_RULES, completion(contentFolders), snapshotCounts(content)));
      ctx.append(SilverTables.DATA_QUALITY, spark.createDataFrame(quality,
          SilverTables.DATA_QUALITY.schema()));
      return result;
    } finally {
      parsed.unpersist();
      users.unpersist();
      content.unpersist();
    }
  }

  /** What a users snapshot row must hold: its keys, enums and integer ranges. */
  private static DimensionParser usersParser(Instant earliestTime) {
    return new DimensionParser(SilverTables.USERS, new DimensionParser.Rules(
        Set.of("user_id", "registered_at"), Set.of("gender", "membership_tier"), Map.of(),
        USER_RANGES, earliestTime));
  }

  /** What a content snapshot row must hold: its keys, and the configured types and origins. */
  private static DimensionParser contentParser(AppConfig config, Instant earliestTime) {
    return new DimensionParser(SilverTables.CONTENT, new DimensionParser.Rules(
        Set.of("content_id", "content_type"), Set.of("content_type", "origin", "topic"),
        Map.of("content_type", Set.copyOf(config.get(CONTENT_TYPES)),
            "origin", Set.copyOf(config.get(CONTENT_ORIGINS))), Map.of(), earliestTime));
  }

  /**
   * Rows read = accepted + duplicates + quarantined, with the rejects counted back from
   * ops.quarantine ({@code eventRejects}) and as the validation saw them ({@code rejected}).
   */
  private static void reconcile(long read, DateRange dates, Result r, long rejected) {
    LOG.info("ingest {}: read {} = accepted {} + duplicates {} + quarantined {}", dates, read,
        r.accepted(), r.duplicates(), r.quarantined());
    Reconciliation.check(read, r.accepted(), r.duplicates(), r.quarantined(), rejected);
  }

  /**
   * What an ingest did: event rows accepted into silver.events, duplicates (re-deliveries in
   * the batch, and of events already in silver), event rows quarantined (counted back from
   * ops.quarantine) and per reason, snapshot rows quarantined, the event dates written, and the
   * empty folders allowed through. Rows read = accepted + duplicates + quarantined.
   */
  public record Result(long accepted, long duplicates, long duplicatesInBatch,
      long duplicatesInSilver, long quarantined, Map<String, Long> quarantinedByReason,
      long dimensionRowsQuarantined, long eventDates, long emptyFolders) implements JobResult {

    /** As {@link JobResult#counts()}, with the reasons under {@code quarantined.<reason>}. */
    @Override
    public Map<String, Long> counts() {
      Map<String, Long> counts = new LinkedHashMap<>();
      JobResult.super.counts().forEach((k, v) -> {
        if (!k.startsWith("quarantined_by_reason.")) {
          counts.put(k, v);
        }
      });
      quarantinedByReason.forEach((reason, n) -> counts.put("quarantined." + reason, n));
      return counts;
    }
  }

  /** The events part of an ingest, before the quarantine is counted back. */
  private record Events(long rejected, long accepted, long duplicatesInBatch,
      long duplicatesInSilver, long eventDates, Map<String, Long> byReason, int emptyFolders) {
    Result result(long quarantined, long dimensionRowsQuarantined, int emptyListed) {
      return new Result(accepted, duplicatesInBatch + duplicatesInSilver, duplicatesInBatch,
          duplicatesInSilver, quarantined, byReason, dimensionRowsQuarantined, eventDates,
          emptyListed + emptyFolders);
    }
  }

  private List<RawLake.Folder> eventFolders(RawLake lake, DateRange dates, AppConfig config) {
    List<RawLake.Folder> folders = new ArrayList<>();
    for (LocalDate day : dates.days()) {
      RawLake.Folder f = lake.folder("events", day);
      if (!f.exists()) {
        if ("skip".equals(config.get(ON_MISSING_FOLDER))) {
          LOG.warn("raw events folder missing, skipped: {}", f.path());
          continue;
        }
        throw new IllegalStateException("raw events folder missing: " + f.path());
      }
      if (!f.complete() && config.get(REQUIRE_SUCCESS)) {
        throw new IllegalStateException("raw events folder has no _SUCCESS marker (incomplete): "
            + f.path());
      }
      folders.add(f);
    }
    return folders;
  }

  /**
   * Returns how many folders are empty (0 when none), failing the run naming the first unless
   * {@code ingest.on_empty_folder} allows them.
   */
  private static int emptyFolders(JobContext ctx, List<RawLake.Folder> empty, String why) {
    if (empty.isEmpty()) {
      return 0;
    }
    String named = empty.get(0).path()
        + (empty.size() > 1 ? " (and " + (empty.size() - 1) + " more)" : "");
    if ("allow".equals(ctx.config().get(ON_EMPTY_FOLDER))) {
      LOG.warn("raw events folder empty ({}), ingested as zero rows: {}", why, named);
      return empty.size();
    }
    throw new IllegalStateException("raw events folder is empty (" + why + "): " + named
        + "; set ingest.on_empty_folder: allow to accept it");
  }

  /**
   * Validates, deduplicates and writes the events of {@code folders}; returns what it counted,
   * with the rows rejected (written to the quarantine with the snapshot rejects, in one commit).
   */
  private Events ingestEvents(JobContext ctx, DateRange dates, List<RawLake.Folder> folders,
      Dataset<Row> parsed, List<DataQuality.Count> counts) {
    SparkSession spark = ctx.spark();
    counts.addAll(Phases.run(spark, name(), "validate", () -> outcomes(parsed)));
    Map<LocalDate, Long> byFolder = new TreeMap<>();
    Map<String, Long> byReason = new TreeMap<>();
    for (DataQuality.Count c : counts) {
      byReason.merge(c.reason() == null ? "" : c.reason(), c.rows(), Long::sum);
      byFolder.merge(c.arrivalDate(), c.rows(), Long::sum);
    }
    int empty = emptyFolders(ctx, folders.stream().filter(f -> !byFolder.containsKey(f.date()))
        .toList(), "its files hold no rows");
    long read = byReason.values().stream().mapToLong(Long::longValue).sum();
    long valid = byReason.getOrDefault("", 0L);
    byReason.remove("");

    Dataset<Row> validEvents = EventValidation.validEvents(parsed);
    List<Date> eventDates = Phases.run(spark, name(), "event dates", () -> validEvents
        .select("event_date").distinct().collectAsList().stream()
        .map(r -> r.<Date>getAs("event_date"))
        .sorted().toList());
    Dataset<Row> existingIds = ctx.warehouse().read(SilverTables.EVENTS)
        .where(col("event_date").isin(eventDates.toArray())
            .and(col("arrival_date").between(Date.valueOf(dates.from()),
                Date.valueOf(dates.to())).unary_$bang()))
        .select("event_id");
    Dataset<Row> repeated = Deduplication.repeatedIds(validEvents)
        .persist(StorageLevel.MEMORY_AND_DISK());
    long repeatedIds = Phases.run(spark, name(), "find repeated ids", repeated::count);
    Dataset<Row> first = (repeatedIds <= MAX_BROADCAST_IDS
        ? Deduplication.firstDeliveries(validEvents, repeated)
        : Deduplication.firstDeliveries(validEvents))
        .drop("line_number").persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long distinct = Phases.run(spark, name(), "deduplicate in batch", first::count);
      long seenBefore = Phases.run(spark, name(), "find re-deliveries",
          () -> Deduplication.in(first, existingIds).count());
      long accepted = ctx.replace(SilverTables.EVENTS, Deduplication.notIn(first, existingIds),
          dates.sqlBetween("arrival_date"));
      ctx.metrics().addRead(read);
      return new Events(read - valid, accepted, valid - distinct, seenBefore, eventDates.size(),
          byReason, empty);
    } finally {
      first.unpersist();
      repeated.unpersist();
    }
  }

  /** Event rejects now in ops.quarantine for these folders, read back from the table. */
  private static long quarantinedEvents(JobContext ctx, DateRange dates) {
    return ctx.warehouse().read(SilverTables.QUARANTINE)
        .where(dates.sqlBetween("run_date") + " AND source = 'events'").count();
  }

  /**
   * Rows per arrival folder and outcome: the quarantine reason, or none with the event type of
   * valid rows (a folder without rows is absent). One small collect.
   */
  private static List<DataQuality.Count> outcomes(Dataset<Row> parsed) {
    return parsed.groupBy("arrival_date", "reason", "event_type").count().collectAsList()
        .stream().map(r -> new DataQuality.Count(r.<Date>getAs("arrival_date").toLocalDate(),
            r.getAs("reason"), r.getAs("event_type"), r.<Long>getAs("count")))
        .toList();
  }

  /** Snapshot rows per arrival folder and quarantine reason (none: valid). */
  private static List<DataQuality.Count> snapshotCounts(Dataset<Row> parsed) {
    return parsed.groupBy("arrival_date", "reason").count().collectAsList().stream()
        .map(r -> new DataQuality.Count(r.<Date>getAs("arrival_date").toLocalDate(),
            r.getAs("reason"), null, r.<Long>getAs("count")))
        .toList();
  }

  /** Each folder's date and when its _SUCCESS marker was written (null: none). */
  private static Map<LocalDate, Instant> completion(List<RawLake.Folder> folders) {
    Map<LocalDate, Instant> out = new TreeMap<>();
    folders.forEach(f -> out.put(f.date(), f.completedAt()));
    return out;
  }

  /** The snapshot folders of the dates that exist. */
  private static List<RawLake.Folder> snapshotFolders(RawLake lake, DateRange dates,
      String kind) {
    List<RawLake.Folder> folders = new ArrayList<>();
    for (LocalDate day : dates.days()) {
      RawLake.Folder f = lake.folder("dims/" + kind, day);
      if (f.exists()) {
        folders.add(f);
      }
    }
    return folders;
  }

  /** Parsed snapshot rows of the folders (cached: read more than once). */
  private static Dataset<Row> parseSnapshots(RawLake lake, List<RawLake.Folder> folders,
      DimensionParser parser) {
    return parser.parse(lake.readLines(folders)).persist(StorageLevel.MEMORY_AND_DISK());
  }

  /** Upserts the newest valid snapshot row per key; an older snapshot never wins. */
  private void upsertDimension(JobContext ctx, Dataset<Row> parsed, TableSpec table, String key) {
    Dataset<Row> newest = DimensionParser.valid(parsed, table)
        .withColumn("snapshot_rank", row_number().over(Window.partitionBy(key)
            .orderBy(col("snapshot_date").desc())))
        .where(col("snapshot_rank").equalTo(1)).drop("snapshot_rank");
    ctx.upsert(table, newest, List.of(key), "s.snapshot_date >= t.snapshot_date");
  }
}
