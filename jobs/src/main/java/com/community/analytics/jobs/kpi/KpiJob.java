package com.community.analytics.jobs.kpi;

import static org.apache.spark.sql.functions.col;

import com.community.analytics.common.catalog.Catalog;
import com.community.analytics.common.catalog.SharedTables;
import com.community.analytics.common.catalog.SilverTables;
import com.community.analytics.common.catalog.TableSpec;
import com.community.analytics.common.cli.JobArgs;
import com.community.analytics.common.cli.JobOption;
import com.community.analytics.common.cli.UsageException;
import com.community.analytics.common.config.CommonKeys;
import com.community.analytics.common.config.ConfigKey;
import com.community.analytics.common.job.Job;
import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.job.JobResult;
import com.community.analytics.common.lake.RawLake;
import com.community.analytics.common.runlog.JobRunLog;
import com.community.analytics.common.spark.DateFrames;
import com.community.analytics.common.spark.JoinKeys;
import com.community.analytics.common.spark.Phases;
import com.community.analytics.common.time.DateRange;
import java.io.PrintStream;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kpi --date D} (or {@code --from/--to}): the operations cockpit. Computes the KPI board
 * with statuses from {@code conf/kpis.yaml}, weekly cohort retention, the conversion funnel by
 * channel and content type, the A/B read-outs, and the three levels of alerts; prints the last
 * date's board and alerts.
 *
 * <p>Inputs: gold.user_activity_daily of a bounded window (at most max(mau_days, 7) +
 * trailing_days days, or cohort_weeks weeks, before the range), silver.events of the range (and
 * of the A/B look-back for the read-outs), silver.content, the raw event folders of the range
 * (listed, not read), ops.data_quality of the range and the alerts' trailing volume window,
 * ops.job_runs and ml.churn_drift when present. Outputs,
 * each replaced for its dates: gold.kpi_daily, gold.cohort_retention, gold.funnel_daily (the
 * range and the days before it whose action window was still open), gold.experiment_results
 * (the range's read-out dates: the last day, and every readout_every_days-th day of a backfill),
 * gold.alerts. Exits 1 after writing when {@code kpi.alerts.fail_on_level3} is set and a level-3
 * alert was raised. Cost: a few aggregations of the activity window; the funnel's and the A/B
 * joins by member; collects of small aggregates only (KPI values: dates x KPIs; A/B sums: a few
 * rows per experiment; data-health counts per date).
 */
public final class KpiJob implements Job {
  private static final Logger LOG = LoggerFactory.getLogger(KpiJob.class);

  private final PrintStream out;

  public KpiJob(PrintStream out) {
    this.out = out;
  }

  @Override
  public String name() {
    return "kpi";
  }

  @Override
  public String description() {
    return "operations cockpit: KPI board, cohort retention, funnels, A/B read-outs, alerts";
  }

  @Override
  public List<JobOption> options() {
    return List.of(JobOption.value("color", "auto|always|never",
        "colour the printed board's statuses (default auto: when output is a terminal)"));
  }

  @Override
  public List<Catalog.Table> tables() {
    return List.of(Catalog.aggregate(KpiTables.KPI_DAILY),
        Catalog.aggregate(KpiTables.COHORT_RETENTION),
        Catalog.aggregate(KpiTables.ALERTS), Catalog.aggregate(KpiTables.FUNNEL_DAILY),
        Catalog.aggregate(KpiTables.EXPERIMENT_RESULTS));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return KpiSettings.keys();
  }

  @Override
  public void check(JobArgs args) {
    args.requireDates();
    String color = args.option("color").orElse("auto");
    if (!List.of("auto", "always", "never").contains(color)) {
      throw new UsageException("--color must be auto, always or never, got '" + color + "'");
    }
  }

  @Override
  public Result run(JobContext ctx) {
    SparkSession spark = ctx.spark();
    KpiSettings s = KpiSettings.from(ctx.config());
    DateRange range = ctx.args().requireDates();
    for (TableSpec required : List.of(SilverTables.EVENTS, SharedTables.ACTIVITY_DAILY)) {
      if (!ctx.warehouse().exists(required)) {
        throw new IllegalStateException("kpi needs " + required.name()
            + ": run ingest and features first");
      }
    }
    Dataset<Row> events = ctx.warehouse().read(SilverTables.EVENTS);
    // The board: KPI values of the range and of the trailing days before it.
    LocalDate boardFrom = range.from().minusDays(s.trailingDays());
    LocalDate activityFrom = min(DailyKpis.activityFrom(boardFrom, s),
        CohortRetention.activityFrom(range.from(), s.cohortWeeks()));
    Dataset<Row> activity = ctx.warehouse().read(SharedTables.ACTIVITY_DAILY)
        .where(col("activity_date").between(Date.valueOf(activityFrom),
            Date.valueOf(range.to())))
        .cache();
    List<KpiBoard.Line> board = board(ctx, s, range, activity,
        window(events, boardFrom.minusDays(7), range.to())
            .where(col("event_type").isin("purchase", "coupon_redeem")));
    ctx.replace(KpiTables.COHORT_RETENTION, CohortRetention.asOf(activity,
        DateFrames.of(spark, "as_of_date", range.days()), s.cohortWeeks()),
        range.sqlBetween("as_of_date"));
    LocalDate funnelFrom = range.from().minusDays(Funnel.openDays(s.actionWindowHours()));
    ctx.replace(KpiTables.FUNNEL_DAILY, Funnel.daily(window(events, funnelFrom, range.to()),
            ctx.warehouse().read(SilverTables.CONTENT), s.interactionTypes(),
            s.actionWindowHours(), funnelFrom, range.to()),
        DateRange.of(funnelFrom, range.to()).sqlBetween("date"));
    List<AlertRules.Alert> alerts = new ArrayList<>(
        AlertRules.guardrailAlerts(writeExperiments(ctx, s, range, events)));
    for (AlertRules.DataHealth health : Phases.run(spark, name(), "check data health",
        () -> health(ctx, range, s))) {
      alerts.addAll(AlertRules.evaluate(board, health, s.alerts()));
    }
    ctx.replace(KpiTables.ALERTS, spark.createDataFrame(alerts.stream()
        .map(AlertRules.Alert::toRow).toList(), KpiTables.ALERTS.schema()),
        range.sqlBetween("date"));
    activity.unpersist();
    return report(ctx, s, range, board, alerts);
  }

  /**
   * What a run found on its last date: how many KPIs had each status, and the alerts of the
   * range per level.
   */
  public record Result(Map<String, Long> statuses, long level1Alerts, long level2Alerts,
      long level3Alerts) implements JobResult {}

  /** The KPI values of the range and its trailing days, as the board of the range's dates. */
  private List<KpiBoard.Line> board(JobContext ctx, KpiSettings s, DateRange range,
      Dataset<Row> activity, Dataset<Row> orders) {
    LocalDate boardFrom = range.from().minusDays(s.trailingDays());
    Map<LocalDate, Map<Kpi, Double>> values = new TreeMap<>();
    for (Row r : Phases.run(ctx.spark(), name(), "compute KPI values", () ->
        DailyKpis.values(activity, orders, s, boardFrom, range.to()).collectAsList())) {
      values.computeIfAbsent(r.<Date>getAs("date").toLocalDate(), d -> new EnumMap<>(Kpi.class))
          .put(Kpi.byId(r.getAs("kpi")).orElseThrow(), r.<Double>getAs("value"));
    }
    List<KpiBoard.Line> board = KpiBoard.build(values, s.targets(), range.from(), range.to(),
        s.trailingDays());
    ctx.replace(KpiTables.KPI_DAILY, ctx.spark().createDataFrame(board.stream()
        .map(KpiBoard.Line::toRow).toList(), KpiTables.KPI_DAILY.schema()),
        range.sqlBetween("date"));
    return board;
  }

  /** The A/B read-outs of the range's read-out dates; returns the rows written. */
  private List<Row> writeExperiments(JobContext ctx, KpiSettings s, DateRange range,
      Dataset<Row> events) {
    List<LocalDate> readouts = range.snapshotDays(s.readoutEveryDays());
    int preDays = s.experiments().cupedPreDays();
    List<ExperimentStats.VariantSums> sums = Phases.run(ctx.spark(), name(), "sum A/B metrics",
        () -> Experiments.variantSums(window(events, range.from().minusDays(
                s.experimentLookbackDays() - 1L + preDays), range.to())
                .where(col("event_type").isin(Experiments.EVENT_TYPES.toArray())),
            DateFrames.of(ctx.spark(), "as_of_date", readouts), s.experimentLookbackDays(),
            preDays)
            .collectAsList().stream().map(ExperimentStats.VariantSums::of).toList());
    List<Row> rows = ExperimentStats.readOut(sums, s);
    ctx.replace(KpiTables.EXPERIMENT_RESULTS, ctx.spark().createDataFrame(rows,
            KpiTables.EXPERIMENT_RESULTS.schema()),
        "as_of_date IN (" + DateRange.sqlList(readouts) + ")");
    return rows;
  }

  /**
   * Counts the statuses and alerts, prints the board, and fails the run on a level-3 alert
   * when kpi.alerts.fail_on_level3 says so.
   */
  private Result report(JobContext ctx, KpiSettings s, DateRange range,
      List<KpiBoard.Line> board, List<AlertRules.Alert> alerts) {
    Map<Integer, Long> levels = alerts.stream().collect(Collectors.groupingBy(
        AlertRules.Alert::level, Collectors.counting()));
    Result result = new Result(board.stream().filter(l -> l.date().equals(range.to()))
        .collect(Collectors.groupingBy(KpiBoard.Line::status, TreeMap::new,
            Collectors.counting())), levels.getOrDefault(1, 0L), levels.getOrDefault(2, 0L),
        levels.getOrDefault(3, 0L));
    LOG.info("kpi {}: {}", range.to(), result);
    String colour = ctx.args().option("color").orElse("auto");
    out.print(BoardPrinter.render(range.to(), board, alerts, colour.equals("always")
        || colour.equals("auto") && System.console() != null));
    out.flush();
    List<String> level3 = alerts.stream().filter(a -> a.level() == 3)
        .map(a -> a.date() + " " + a.rule() + " " + a.subject()).toList();
    if (s.alerts().failOnLevel3() && !level3.isEmpty()) {
      throw new IllegalStateException(level3.size() + " level-3 alert(s) and "
          + "kpi.alerts.fail_on_level3 is set: " + String.join("; ", level3));
    }
    return result;
  }

  /** The raw folder, ingest outcome, job failures and churn drift of each date. */
  private static List<AlertRules.DataHealth> health(JobContext ctx, DateRange range,
      KpiSettings s) {
    String sqlDates = DateRange.sqlList(range.days());
    int window = s.alerts().volumeWindowDays();
    Map<LocalDate, AlertRules.FolderQuality> quality = ctx.warehouse().exists(
        SilverTables.DATA_QUALITY) ? folderQuality(ctx.warehouse().read(
            SilverTables.DATA_QUALITY), range.from().minusDays(window), range.to()) : Map.of();
    Map<LocalDate, List<AlertRules.FailedRun>> failures = new HashMap<>();
    if (ctx.warehouse().exists(JobRunLog.JOB_RUNS)) {
      // The latest run of each job covering a date decides: a failure then a successful rerun
      // is resolved. The kpi job's own earlier failures are what this run is retrying.
      Dataset<Row> runs = ctx.warehouse().read(JobRunLog.JOB_RUNS)
          .where("job <> 'kpi' AND date_from <= '" + range.to() + "' AND date_to >= '"
              + range.from() + "'")
          .selectExpr("explode(sequence(greatest(date_from, DATE'" + range.from() + "'), "
              + "least(date_to, DATE'" + range.to() + "'))) AS date", "job", "run_id", "status",
              "started_at", "error");
      for (Row r : runs.groupBy("date", "job").agg(org.apache.spark.sql.functions.expr(
              "max_by(struct(status, run_id, error), started_at)").as("last"))
          .where("last.status = 'failed'")
          .select("date", "job", "last.run_id", "last.error").collectAsList()) {
        failures.computeIfAbsent(r.<Date>getAs("date").toLocalDate(), d -> new ArrayList<>())
            .add(new AlertRules.FailedRun(r.getAs("job"), r.getAs("run_id"), r.getAs("error")));
      }
    }
    Map<LocalDate, Map<String, Double>> drift = new HashMap<>();
    if (ctx.warehouse().exists(SharedTables.CHURN_DRIFT)) {
      for (Row r : ctx.warehouse().read(SharedTables.CHURN_DRIFT)
          .where("as_of_date IN (" + sqlDates + ")")
          .select("as_of_date", "feature", "psi").collectAsList()) {
        Double psi = r.getAs("psi");
        drift.computeIfAbsent(r.<Date>getAs("as_of_date").toLocalDate(), d -> new TreeMap<>())
            .put(r.getAs("feature"), psi == null ? 0.0 : psi);
      }
    }
    RawLake lake = new RawLake(ctx.spark(), ctx.config().get(CommonKeys.LAKE_ROOT));
    ZoneId zone = ZoneId.of(ctx.config().get(CommonKeys.TIME_ZONE));
    List<AlertRules.DataHealth> out = new ArrayList<>();
    for (LocalDate d : range.days()) {
      RawLake.Folder folder = lake.folder("events", d);
      List<AlertRules.FolderQuality> trailing = new ArrayList<>();
      for (LocalDate t = d.minusDays(window); t.isBefore(d); t = t.plusDays(1)) {
        if (quality.containsKey(t)) {
          trailing.add(quality.get(t));
        }
      }
      Instant deadline = d.plusDays(1).atStartOfDay(zone).toInstant()
          .plus(Duration.ofHours(s.alerts().arrivalDeadlineHours()));
      out.add(new AlertRules.DataHealth(d, folder.path(), folder.exists(),
          folder.files().size(), folder.complete(), quality.get(d), trailing, deadline,
          failures.getOrDefault(d, List.of()), drift.getOrDefault(d, Map.of())));
    }
    return out;
  }

  /**
   * The latest ingest of each events folder from {@code from} to {@code to}, as {@code
   * ops.data_quality} recorded it (a folder ingested again is read from its last run). One
   * small collect: about fifteen rows per folder.
   */
  static Map<LocalDate, AlertRules.FolderQuality> folderQuality(Dataset<Row> dataQuality,
      LocalDate from, LocalDate to) {
    Map<LocalDate, AlertRules.FolderQuality> out = new TreeMap<>();
    Dataset<Row> events = dataQuality.where(col("source").equalTo("events")
            .and(col("arrival_date").between(Date.valueOf(from), Date.valueOf(to))));
    Dataset<Row> latest = events.groupBy("arrival_date").agg(
        org.apache.spark.sql.functions.max_by(col("run_id"), col("checked_at")).as("run_id"));
    Map<LocalDate, long[]> counts = new TreeMap<>();
    Map<LocalDate, Map<String, Long>> valid = new TreeMap<>();
    Map<LocalDate, Instant> completed = new HashMap<>();
    for (Row r : events.join(latest, JoinKeys.on("arrival_date", "run_id")).collectAsList()) {
      LocalDate d = r.<Date>getAs("arrival_date").toLocalDate();
      long[] c = counts.computeIfAbsent(d, k -> new long[2]);
      c[0] = r.<Long>getAs("rows_checked");
      Timestamp at = r.getAs("folder_completed_at");
      completed.put(d, at == null ? null : at.toInstant());
      if (SilverTables.DATA_QUALITY_VALID.equals(r.getAs("rule"))) {
        valid.computeIfAbsent(d, k -> new TreeMap<>()).put(r.getAs("event_type"),
            r.<Long>getAs("rows_valid"));
      } else {
        c[1] += r.<Long>getAs("rows_failed");
      }
    }
    counts.forEach((d, c) -> out.put(d, new AlertRules.FolderQuality(c[0], c[1],
        valid.getOrDefault(d, Map.of()), completed.get(d))));
    return out;
  }

  private static Dataset<Row> window(Dataset<Row> events, LocalDate from, LocalDate to) {
    return events.where(col("event_date").between(Date.valueOf(from), Date.valueOf(to)));
  }

  private static LocalDate min(LocalDate a, LocalDate b) {
    return a.isBefore(b) ? a : b;
  }
}
