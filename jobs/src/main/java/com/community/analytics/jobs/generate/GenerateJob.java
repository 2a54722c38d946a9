package com.community.analytics.jobs.generate;

import static org.apache.spark.sql.functions.col;

import com.community.analytics.common.cli.JobOption;
import com.community.analytics.common.config.CommonKeys;
import com.community.analytics.common.config.ConfigKey;
import com.community.analytics.common.job.Job;
import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.job.JobResult;
import com.community.analytics.common.spark.Phases;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code generate}: writes a deterministic sample raw lake per the event-lake contract, with its
 * ground truth beside it.
 *
 * <p>Output under {@code lake.root}: {@code raw/events/dt=*} (gzip JSON lines, {@code _SUCCESS}
 * per folder), {@code raw/dims/users/dt=*} and {@code raw/dims/content/dt=*} (snapshots of new and
 * changed rows), {@code ground_truth/summary.json} (planted parameters and exact counts of raw
 * rows, distinct valid events, duplicates, late events and broken rows per kind) and {@code
 * ground_truth/members/} (each member's latent parameters). An existing lake at that root is
 * replaced. Cost: members are simulated in parallel (no shuffle); one cached pass feeds the
 * counts and the writes; one small collect of counts.
 */
public final class GenerateJob implements Job {
  static final StructType RAW_ROWS = new StructType()
      .add("stream", DataTypes.StringType)
      .add("dt", DataTypes.StringType)
      .add("value", DataTypes.StringType)
      .add("kind", DataTypes.StringType)
      .add("late", DataTypes.BooleanType)
      .add("event_id", DataTypes.StringType)
      .add("event_type", DataTypes.StringType);

  @Override
  public String name() {
    return "generate";
  }

  @Override
  public String description() {
    return "write a deterministic sample raw lake with planted ground truth";
  }

  @Override
  public List<JobOption> options() {
    return List.of(
        JobOption.forKey("members", "N", "generator.members", "members to simulate"),
        JobOption.forKey("days", "N", "generator.days", "days of events"),
        JobOption.forKey("start-date", "YYYY-MM-DD", "generator.start_date", "first date"),
        JobOption.forKey("seed", "N", "generator.seed", "random seed"),
        JobOption.forKey("lake", "PATH", "lake.root", "where to write the lake"));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return GeneratorSettings.keys();
  }

  @Override
  public Result run(JobContext ctx) throws IOException {
    SparkSession spark = ctx.spark();
    GeneratorSettings settings = GeneratorSettings.from(ctx.config(),
        2 * spark.sparkContext().defaultParallelism());
    String lake = ctx.config().get(CommonKeys.LAKE_ROOT);
    FileSystem fs = new Path(lake).getFileSystem(spark.sparkContext().hadoopConfiguration());
    fs.delete(new Path(lake, "raw"), true);
    fs.delete(new Path(lake, "ground_truth"), true);

    World world = new World(settings);
    MemberSimulator simulator = new MemberSimulator(settings, world);
    Dataset<Row> simulated = spark.range(0, settings.members(), 1, settings.partitions())
        .flatMap((FlatMapFunction<Long, Row>) m -> simulator.simulate(m).iterator(),
            Encoders.row(RAW_ROWS))
        .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> rows = withoutOutageLosses(simulated, settings);
    try {
      Map<String, Long> counts = Phases.run(spark, name(), "simulate members",
          () -> countKinds(rows));
      Phases.run(spark, name(), "write raw events", () -> {
        writeText(rows.where(col("stream").equalTo("events")), lake + "/raw/events");
        return null;
      });
      Phases.run(spark, name(), "write users snapshots", () -> {
        writeText(rows.where(col("stream").equalTo("users")), lake + "/raw/dims/users");
        return null;
      });
      Phases.run(spark, name(), "write content snapshots", () -> {
        writeText(contentSnapshots(spark, settings, world), lake + "/raw/dims/content");
        return null;
      });
      rows.where(col("stream").equalTo("truth")).select("value").write().mode("overwrite")
          .option("compression", "gzip").text(lake + "/ground_truth/members");
      List<String> corrupt = writeCorruptFiles(fs, lake, settings);
      markComplete(fs, lake, settings);
      writeSummary(fs, lake, settings, world, counts, corrupt);
      long raw = counts.entrySet().stream().filter(e -> e.getKey().startsWith("events."))
          .mapToLong(Map.Entry::getValue).sum();
      return new Result(settings.members(), raw, corrupt.size());
    } finally {
      simulated.unpersist();
    }
  }

  /** What the generator wrote: members simulated, raw event rows, files written corrupt. */
  public record Result(long members, long rawEventRows, long corruptFiles)
      implements JobResult {}

  /**
   * The rows a tracker outage lets through on {@code generator.outage_days} folders: no
   * checkin, one content view and one click in ten. A lost event is lost with every copy (its
   * re-deliveries in other folders too), and the counts are taken after, so the summary's
   * truth is what was written.
   */
  private static Dataset<Row> withoutOutageLosses(Dataset<Row> rows, GeneratorSettings s) {
    List<LocalDate> outages = s.spread(s.outageDays(), 1);
    if (outages.isEmpty()) {
      return rows;
    }
    Column id = col("event_id");
    Column type = functions.lower(col("event_type"));
    Column lost = col("stream").equalTo("events")
        .and(col("dt").isin(outages.stream().map(LocalDate::toString).toArray()))
        .and(type.equalTo("checkin").or(type.isin("content_view", "click")
            .and(functions.pmod(functions.hash(id), functions.lit(10)).notEqual(0))));
    Dataset<Row> lostIds = rows.where(lost).select(id.as("lost_id")).distinct();
    return rows.join(functions.broadcast(lostIds), id.equalTo(col("lost_id")), "left_anti");
  }

  /** Row counts per stream and kind ({@code events.valid}, {@code events.broken:...}, ...). */
  private static Map<String, Long> countKinds(Dataset<Row> rows) {
    Map<String, Long> counts = new TreeMap<>();
    for (Row r : rows.groupBy("stream", "kind", "late").count().collectAsList()) {
      String stream = r.getAs("stream");
      long n = r.<Long>getAs("count");
      counts.merge(stream + "." + r.getAs("kind"), n, Long::sum);
      if (r.<Boolean>getAs("late")) {
        counts.merge(stream + ".late", n, Long::sum);
      }
    }
    return counts;
  }

  private static void writeText(Dataset<Row> rows, String path) {
    rows.select("dt", "value").repartition(col("dt")).write().mode("overwrite")
        .partitionBy("dt").option("compression", "gzip").text(path);
  }

  private static Dataset<Row> contentSnapshots(SparkSession spark, GeneratorSettings s,
      World w) {
    ObjectMapper json = new ObjectMapper().findAndRegisterModules()
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    ZoneId zone = ZoneId.of(s.zone());
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < w.contentIds.length; i++) {
      int day = w.publishDay[i];
      LocalDate published = s.startDate().plusDays(day);
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("content_id", w.contentIds[i]);
      f.put("author_id", w.authorIds[i]);
      f.put("content_type", World.CONTENT_TYPES[w.contentType[i]]);
      f.put("topic", World.TOPICS[w.contentTopic[i]]);
      f.put("origin", w.contentOrigin[i]);
      f.put("is_original", w.contentOriginal[i]);
      f.put("published_at", OffsetDateTime.ofInstant(published.atTime(9, 0).atZone(zone)
          .toInstant(), ZoneOffset.UTC).toString());
      f.put("campaign_id", i % 7 == 0 ? "camp_" + (i % 5) : null);
      try {
        rows.add(RowFactory.create(s.startDate().plusDays(Math.max(0, day)).toString(),
            json.writeValueAsString(f)));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return spark.createDataFrame(rows, new StructType().add("dt", DataTypes.StringType)
        .add("value", DataTypes.StringType));
  }

  /** Corrupt gzip files spread evenly over the folders: unreadable, to be quarantined whole. */
  private static List<String> writeCorruptFiles(FileSystem fs, String lake, GeneratorSettings s)
      throws IOException {
    List<String> files = new ArrayList<>();
    for (int k = 0; k < s.corruptFiles(); k++) {
      LocalDate day = s.spread(s.corruptFiles(), 0).get(k);
      Path file = new Path(lake + "/raw/events/dt=" + day + "/part-corrupt-" + k + ".json.gz");
      try (OutputStream out = fs.create(file, true)) {
        // A gzip header followed by bytes that are not a deflate stream.
        out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3});
        out.write("this is not deflate data".getBytes(StandardCharsets.UTF_8));
      }
      files.add(file.toString());
    }
    return files;
  }

  /**
   * Writes each folder's {@code _SUCCESS} with the time a collector would have: half an hour
   * after the folder's business day ended, nine hours after for {@code generator.late_folders}
   * events folders (a store that cannot set times, such as S3, keeps the write time).
   */
  private static void markComplete(FileSystem fs, String lake, GeneratorSettings s)
      throws IOException {
    ZoneId zone = ZoneId.of(s.zone());
    List<LocalDate> late = s.spread(s.lateFolders(), 2);
    for (String kind : new String[] {"events", "dims/users", "dims/content"}) {
      Path root = new Path(lake + "/raw/" + kind);
      fs.delete(new Path(root, "_SUCCESS"), false);
      for (LocalDate d = s.startDate(); !d.isAfter(s.endDate()); d = d.plusDays(1)) {
        Path dir = new Path(root, "dt=" + d);
        if (fs.exists(dir)) {
          Path marker = new Path(dir, "_SUCCESS");
          fs.create(marker, true).close();
          boolean isLate = kind.equals("events") && late.contains(d);
          long completed = d.plusDays(1).atTime(isLate ? 9 : 0, isLate ? 0 : 30).atZone(zone)
              .toInstant().toEpochMilli();
          fs.setTimes(marker, completed, -1);
        }
      }
    }
  }

  private static void writeSummary(FileSystem fs, String lake, GeneratorSettings s, World w,
      Map<String, Long> counts, List<String> corrupt) throws IOException {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("settings", s);
    summary.put("start_date", s.startDate().toString());
    summary.put("end_date", s.endDate().toString());
    Map<String, Object> bgnbd = new LinkedHashMap<>();
    bgnbd.put("r", s.bgR());
    bgnbd.put("alpha", s.bgAlpha());
    bgnbd.put("a", s.bgA());
    bgnbd.put("b", s.bgB());
    bgnbd.put("time_unit", "day");
    summary.put("bgnbd", bgnbd);
    Map<String, Object> gg = new LinkedHashMap<>();
    gg.put("p", s.ggP());
    gg.put("q", s.ggQ());
    gg.put("gamma", s.ggGamma());
    summary.put("gamma_gamma", gg);
    summary.putAll(w.truths());

    Map<String, Long> broken = new TreeMap<>();
    long raw = 0;
    for (Map.Entry<String, Long> e : counts.entrySet()) {
      if (e.getKey().startsWith("events.broken:")) {
        broken.put(e.getKey().substring("events.broken:".length()), e.getValue());
      }
      if (e.getKey().startsWith("events.") && !e.getKey().equals("events.late")) {
        raw += e.getValue();
      }
    }
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("raw_event_rows", raw);
    c.put("distinct_valid_events", counts.getOrDefault("events.valid", 0L));
    c.put("duplicate_rows", counts.getOrDefault("events.duplicate", 0L));
    c.put("late_events", counts.getOrDefault("events.late", 0L));
    c.put("broken_rows", broken);
    c.put("broken_rows_total", broken.values().stream().mapToLong(Long::longValue).sum());
    c.put("unreadable_files", corrupt.size());
    c.put("user_snapshot_rows", counts.getOrDefault("users.valid", 0L));
    c.put("content_items", (long) w.contentIds.length);
    c.put("members", (long) s.members());
    summary.put("counts", c);
    summary.put("corrupt_files", corrupt);

    // One line, so Spark SQL can read it too: select * from json.`<lake>/ground_truth/summary.json`
    ObjectMapper json = new ObjectMapper().findAndRegisterModules()
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    try (OutputStream out = fs.create(new Path(lake + "/ground_truth/summary.json"), true)) {
      out.write(json.writeValueAsBytes(summary));
    }
  }
}
