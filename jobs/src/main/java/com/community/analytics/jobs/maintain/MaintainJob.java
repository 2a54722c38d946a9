package com.community.analytics.jobs.maintain;

import com.community.analytics.common.catalog.Catalog;
import com.community.analytics.common.cli.JobArgs;
import com.community.analytics.common.cli.JobOption;
import com.community.analytics.common.cli.UsageException;
import com.community.analytics.common.config.CommonKeys;
import com.community.analytics.common.config.ConfigKey;
import com.community.analytics.common.job.Job;
import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.job.JobResult;
import com.community.analytics.common.spark.Phases;
import com.community.analytics.common.time.DateRange;
import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code maintain [--tables a,b] [--skip-optimize] [--skip-vacuum] [--dry-run] [--date D]}: Delta
 * housekeeping of every table of the {@link Catalog} that exists (or of the tables named).
 *
 * <p>Per table: OPTIMIZE, z-ordered by the columns {@code maintain.z_order} in {@code
 * conf/maintenance.yaml} names for it (plain compaction otherwise; with {@code
 * maintain.optimize_recent_days} N, only the date partitions of the N days up to {@code --date});
 * then, where the table can hold deletion vectors, {@code REORG TABLE ... APPLY (PURGE)}, so rows
 * a DELETE only marked leave the files in use; then VACUUM with {@code
 * maintain.vacuum_retention_hours} (default 168; less only with {@code
 * maintain.allow_short_retention: true}, which switches Delta's retention check off for this run
 * only). {@code --dry-run} changes nothing: it lists what VACUUM would delete.
 *
 * <p>Outputs: {@code ops.maintenance_log}, one row per table (not on a dry run), and one line per
 * table on stdout: files and bytes of the current version before and after, files VACUUM
 * deleted from storage.
 *
 * <p>Safety: OPTIMIZE and REORG are Delta transactions: run while another job writes the same
 * table, one of the two fails with a concurrent-modification error and nothing is lost (rerun
 * it). VACUUM is not a transaction: with the default retention it only deletes files the table
 * stopped using a week ago, but with a short retention it deletes files that a reader or writer
 * still in flight (or a time-travel query) may need, and breaks them. Run a short retention only
 * while no job reads or writes the tables.
 *
 * <p>Cost: OPTIMIZE rewrites the small files (z-order: every file of the partitions it covers),
 * so bound nightly runs with {@code maintain.optimize_recent_days}; VACUUM and the storage figures
 * each list the table's folder.
 */
public final class MaintainJob implements Job {
  private static final Logger LOG = LoggerFactory.getLogger(MaintainJob.class);
  static final String RETENTION_CHECK = "spark.databricks.delta.retentionDurationCheck.enabled";
  /** How many of the files a dry run would delete it prints per table. */
  private static final int DRY_RUN_LISTED = 20;

  private final PrintStream out;
  private final Supplier<Catalog> catalog;

  /** {@code catalog}: every table of the jar (asked for when needed: this job is in it). */
  public MaintainJob(PrintStream out, Supplier<Catalog> catalog) {
    this.out = out;
    this.catalog = catalog;
  }

  @Override
  public String name() {
    return "maintain";
  }

  @Override
  public String description() {
    return "OPTIMIZE (z-order from conf/maintenance.yaml) and VACUUM every table, into "
        + "ops.maintenance_log";
  }

  @Override
  public List<JobOption> options() {
    return List.of(
        JobOption.value("tables", "a,b", "only these tables (database.table, comma-separated)"),
        JobOption.flag("skip-optimize", "no OPTIMIZE"),
        JobOption.flag("skip-vacuum", "no REORG PURGE and no VACUUM"),
        JobOption.flag("dry-run", "change nothing: list the files VACUUM would delete (the first "
            + DRY_RUN_LISTED + " per table)"));
  }

  @Override
  public List<Catalog.Table> tables() {
    return List.of(Catalog.aggregate(MaintenanceLog.MAINTENANCE_LOG));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return MaintenanceSettings.keys();
  }

  @Override
  public void check(JobArgs args) {
    tables(args, catalog.get());
    if (args.flag("skip-vacuum") && (args.flag("skip-optimize") || args.flag("dry-run"))) {
      throw new UsageException("--skip-vacuum with " + (args.flag("dry-run") ? "--dry-run"
          : "--skip-optimize") + " leaves nothing to do");
    }
  }

  /** The tables to maintain: those of --tables, else the whole catalog. */
  static List<Catalog.Table> tables(JobArgs args, Catalog catalog) {
    if (args.option("tables").isEmpty()) {
      return catalog.all();
    }
    List<Catalog.Table> tables = new ArrayList<>();
    for (String name : args.option("tables").get().split(",")) {
      tables.add(catalog.find(name.strip()).orElseThrow(() -> new UsageException(
          "--tables: unknown table '" + name.strip() + "'; known: " + catalog.names())));
    }
    return tables;
  }

  @Override
  public Result run(JobContext ctx) {
    MaintenanceSettings settings = MaintenanceSettings.from(ctx.config(), catalog.get());
    Plan plan = new Plan(settings, !ctx.args().flag("skip-optimize") && !ctx.args().flag(
        "dry-run"), !ctx.args().flag("skip-vacuum"), ctx.args().flag("dry-run"),
        referenceDate(ctx));
    SparkSession spark = ctx.spark();
    Instant started = Instant.now();
    List<MaintenanceLog.Outcome> outcomes = new ArrayList<>();
    String previousCheck = spark.conf().get(RETENTION_CHECK, null);
    if (plan.vacuum() && settings.shortRetention()) {
      LOG.warn("VACUUM with {} hours of retention: Delta's retention check is off for this run",
          settings.vacuumRetentionHours());
      spark.conf().set(RETENTION_CHECK, "false");
    }
    try {
      for (Catalog.Table table : tables(ctx.args(), catalog.get())) {
        if (!ctx.warehouse().exists(table.spec())) {
          out.println(table.name() + ": skipped, not created yet");
          continue;
        }
        MaintenanceLog.Outcome o = Phases.run(spark, name(), "maintain " + table.name(),
            () -> maintain(ctx, table, plan));
        outcomes.add(o);
      }
    } finally {
      if (previousCheck == null) {
        spark.conf().unset(RETENTION_CHECK);
      } else {
        spark.conf().set(RETENTION_CHECK, previousCheck);
      }
      if (!plan.dryRun() && !outcomes.isEmpty()) {
        ctx.append(MaintenanceLog.MAINTENANCE_LOG, spark.createDataFrame(
            MaintenanceLog.rows(ctx.runId(), started, outcomes),
            MaintenanceLog.MAINTENANCE_LOG.schema()));
      }
    }
    return new Result(outcomes.size(),
        outcomes.stream().mapToLong(MaintenanceLog.Outcome::vacuumed).sum(), outcomes);
  }

  /** What a run did: the tables maintained, the files vacuumed, and each table's outcome. */
  public record Result(long tables, long filesVacuumed, List<MaintenanceLog.Outcome> outcomes)
      implements JobResult {}

  /** What this run does to each table. */
  record Plan(MaintenanceSettings settings, boolean optimize, boolean vacuum, boolean dryRun,
      LocalDate referenceDate) {}

  private static LocalDate referenceDate(JobContext ctx) {
    return ctx.args().dates().map(DateRange::to).orElseGet(() -> LocalDate.now(
        ZoneId.of(ctx.config().get(CommonKeys.TIME_ZONE))));
  }

  private MaintenanceLog.Outcome maintain(JobContext ctx, Catalog.Table table, Plan plan) {
    TableMaintenance t = new TableMaintenance(ctx.spark(), ctx.warehouse().path(table.spec()));
    List<String> zOrder = plan.settings().zOrderOf(table.name());
    MaintenanceLog.Files before = t.active();
    String optimized = "skipped";
    if (plan.optimize()) {
      t.optimize(zOrder, partitionFilter(table, plan));
      optimized = zOrder.isEmpty() ? "compaction" : "z_order";
    }
    boolean purged = false;
    if (plan.vacuum() && !plan.dryRun() && t.mayHaveDeletionVectors()) {
      t.purge();
      purged = true;
    }
    MaintenanceLog.Files after = t.active();
    Vacuumed v = vacuum(t, plan);
    MaintenanceLog.Outcome outcome = new MaintenanceLog.Outcome(table.name(), optimized,
        optimized.equals("z_order") ? zOrder : List.of(), purged, before, after,
        plan.vacuum() ? plan.settings().vacuumRetentionHours() : null, plan.dryRun(),
        v.storageBefore(), v.deleted(), v.storageAfter(),
        ctx.warehouse().lastCommit(table.spec()).version(), Instant.now());
    out.println(describe(outcome));
    v.wouldDelete().stream().limit(DRY_RUN_LISTED)
        .forEach(f -> out.println("  would delete " + f));
    if (v.wouldDelete().size() > DRY_RUN_LISTED) {
      out.println("  ... and " + (v.wouldDelete().size() - DRY_RUN_LISTED) + " more");
    }
    return outcome;
  }

  /** Data files on storage before and after VACUUM, and what a dry run would delete. */
  private record Vacuumed(long storageBefore, long deleted, long storageAfter,
      List<String> wouldDelete) {}

  private static Vacuumed vacuum(TableMaintenance t, Plan plan) {
    long before = t.onStorage().count();
    int hours = plan.settings().vacuumRetentionHours();
    if (!plan.vacuum()) {
      return new Vacuumed(before, 0, before, List.of());
    }
    if (plan.dryRun()) {
      List<String> files = t.vacuumDryRun(hours);
      return new Vacuumed(before, files.size(), before, files);
    }
    t.vacuum(hours);
    long after = t.onStorage().count();
    return new Vacuumed(before, before - after, after, List.of());
  }

  /**
   * The partitions OPTIMIZE covers: with {@code maintain.optimize_recent_days} N and a date
   * partition column, the N days up to the reference date; otherwise the whole table (null).
   */
  static String partitionFilter(Catalog.Table table, Plan plan) {
    int days = plan.settings().optimizeRecentDays();
    String column = table.spec().partitionColumn();
    if (days == 0 || column == null || !table.spec().schema().apply(column).dataType()
        .equals(DataTypes.DateType)) {
      return null;
    }
    LocalDate to = plan.referenceDate();
    return DateRange.of(to.minusDays(days - 1), to).sqlBetween(column);
  }

  static String describe(MaintenanceLog.Outcome o) {
    String optimize = o.optimize().equals("z_order")
        ? "z_order(" + String.join(",", o.zOrderBy()) + ")" : o.optimize();
    String vacuum = o.retentionHours() == null ? "vacuum skipped"
        : (o.dryRun() ? "vacuum dry run would delete " : "vacuum deleted ") + o.vacuumed()
            + " of " + o.storageBefore() + " files on storage (retention " + o.retentionHours()
            + " h)";
    return String.format("%s: optimize %s%s, files %d -> %d, bytes %d -> %d, %s, version %d",
        o.table(), optimize, o.purged() ? " + purge deletion vectors" : "", o.before().count(),
        o.after().count(), o.before().bytes(), o.after().bytes(), vacuum, o.version());
  }
}
