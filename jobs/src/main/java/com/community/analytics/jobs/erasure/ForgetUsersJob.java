package com.community.analytics.jobs.erasure;

import static org.apache.spark.sql.functions.lit;

import com.community.analytics.common.catalog.Catalog;
import com.community.analytics.common.catalog.TableWriter;
import com.community.analytics.common.cli.JobArgs;
import com.community.analytics.common.cli.JobOption;
import com.community.analytics.common.cli.UsageException;
import com.community.analytics.common.config.CommonKeys;
import com.community.analytics.common.job.Job;
import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.job.JobResult;
import com.community.analytics.common.spark.Phases;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code forget-users --ids <u1,u2 | file> --requested-by <ticket or operator>}: the right to
 * erasure. Removes the members from silver and from every curated table of the {@link Catalog}
 * that holds member-level rows, silver first: their rows are deleted ({@code silver.events},
 * {@code silver.users}, the {@code gold.user_*} tables, churn training rows, scores and actions,
 * attribution credits), quarantined raw lines naming them as user_id or author_id are deleted, and
 * the author of their content in {@code silver.content} is set to null (the content stays:
 * other members' events refer to it). Aggregate tables hold no member rows and stay as they are.
 * Tables not created yet are skipped and reported.
 *
 * <p>Outputs: {@code ops.erasure_log}, one row per member table with the rows removed and the
 * Delta version written, never the ids (not even hashed); the ids never reach a plan, a Delta
 * commit or a log line either (see {@link MemberFilter}). On stdout: a summary and how to VACUUM,
 * because until then the erased rows remain in the files older table versions use (time travel).
 * Rerunning a request is harmless: it removes 0 rows. The raw lake is not touched: the upstream
 * collector must erase the members there, or a backfill of old folders brings them back.
 *
 * <p>Cost: per member table, one scan of the member column and a rewrite of the files that hold
 * the members' rows; one small append. Batch requests: the cost is per request, not per id.
 */
public final class ForgetUsersJob implements Job {
  private static final Logger LOG = LoggerFactory.getLogger(ForgetUsersJob.class);

  private final PrintStream out;
  private final Supplier<Catalog> catalog;

  /** {@code catalog}: every table of the jar (asked for when needed: this job is in it). */
  public ForgetUsersJob(PrintStream out, Supplier<Catalog> catalog) {
    this.out = out;
    this.catalog = catalog;
  }

  @Override
  public String name() {
    return "forget-users";
  }

  @Override
  public String description() {
    return "erase members from silver and every member table (right to erasure), into "
        + "ops.erasure_log";
  }

  @Override
  public List<JobOption> options() {
    return List.of(
        JobOption.value("ids", "u1,u2|FILE", "member ids, comma-separated, or a file (local "
            + "or s3a://, a '/' in it or ending .txt) with one id per line, # comments"),
        JobOption.value("requested-by", "WHO", "ticket or operator asking for the erasure, "
            + "recorded in ops.erasure_log"));
  }

  @Override
  public List<Catalog.Table> tables() {
    return List.of(Catalog.aggregate(ErasureLog.ERASURE_LOG));
  }

  @Override
  public void check(JobArgs args) {
    String ids = args.option("ids").orElseThrow(() -> new UsageException(
        "forget-users needs --ids (user ids, comma-separated, or a file of ids)"));
    String by = args.option("requested-by").orElse("");
    if (by.isBlank()) {
      throw new UsageException(
          "forget-users needs --requested-by (the ticket or operator asking for the erasure)");
    }
    ErasureRequest.checkList(ids);
  }

  @Override
  public Result run(JobContext ctx) {
    Instant requestedAt = Instant.now();
    String requestedBy = ctx.args().option("requested-by").orElseThrow().strip();
    ErasureRequest request = ErasureRequest.read(ctx.args().option("ids").orElseThrow(),
        ctx.spark().sparkContext().hadoopConfiguration());
    Broadcast<Set<String>> ids = JavaSparkContext.fromSparkContext(ctx.spark().sparkContext())
        .broadcast(new HashSet<>(request.ids()));
    List<ErasureLog.Outcome> outcomes = new ArrayList<>();
    try {
      for (Catalog.Table table : catalog.get().memberTables()) {
        ErasureLog.Outcome o = Phases.run(ctx.spark(), name(), "erase from " + table.name(),
            () -> erase(ctx, table, ids));
        outcomes.add(o);
      }
    } finally {
      ids.destroy();
      if (!outcomes.isEmpty()) {
        ctx.append(ErasureLog.ERASURE_LOG, ctx.spark().createDataFrame(
            ErasureLog.rows(ctx.runId(), requestedBy, requestedAt, request.size(), outcomes),
            ErasureLog.ERASURE_LOG.schema()));
      }
    }
    String summary = summary(ctx.runId(), requestedBy, request.size(), outcomes,
        ctx.config().get(CommonKeys.VACUUM_RETENTION_HOURS));
    LOG.info(summary);
    out.println(summary);
    Map<String, Long> erased = new LinkedHashMap<>();
    outcomes.forEach(o -> erased.put(o.action() + "." + o.table(), o.rows()));
    return new Result(request.size(), erased);
  }

  /**
   * What an erasure did: the ids requested, and the rows changed per {@code action.table}
   * (e.g. {@code delete_rows.silver.events}).
   */
  public record Result(long idsRequested, Map<String, Long> erased) implements JobResult {}

  private static ErasureLog.Outcome erase(JobContext ctx, Catalog.Table table,
      Broadcast<Set<String>> ids) {
    Catalog.MemberColumn member = table.member();
    String action = member.erasure().name().toLowerCase(java.util.Locale.ROOT);
    if (!ctx.warehouse().exists(table.spec())) {
      LOG.warn("{} does not exist yet: skipped", table.name());
      return new ErasureLog.Outcome(table.name(), member.column(), ErasureLog.Outcome.SKIPPED, 0,
          null, Instant.now());
    }
    Column matches = MemberFilter.matches(member, ids);
    TableWriter.Change change;
    try {
      change = member.erasure() == Catalog.Erasure.NULL_REFERENCE
          ? ctx.writer().update(table.spec(), matches,
              Map.of(member.column(), lit(null).cast(DataTypes.StringType)))
          : ctx.writer().delete(table.spec(), matches);
    } catch (RuntimeException e) {
      // The message names the table, not the ids; the cause goes to the driver log.
      throw new IllegalStateException("erasing from " + table.name() + " failed ("
          + e.getClass().getSimpleName() + "); rerunning the same request is safe", e);
    }
    return new ErasureLog.Outcome(table.name(), member.column(), action, change.rows(),
        change.version(), Instant.now());
  }

  /** The summary and the VACUUM advice the run prints; names tables and counts, never ids. */
  static String summary(String requestId, String requestedBy, int ids,
      List<ErasureLog.Outcome> outcomes, int retentionHours) {
    long rows = outcomes.stream().mapToLong(ErasureLog.Outcome::rows).sum();
    List<String> changed = outcomes.stream().filter(ErasureLog.Outcome::changed)
        .map(ErasureLog.Outcome::table).toList();
    List<String> skipped = outcomes.stream().filter(ErasureLog.Outcome::skipped)
        .map(ErasureLog.Outcome::table).toList();
    StringBuilder sb = new StringBuilder();
    sb.append("erasure request ").append(requestId).append(" (requested by ").append(requestedBy)
        .append("): ").append(ids).append(" member ids, ").append(rows)
        .append(" rows removed or anonymised in ").append(changed.size()).append(" tables");
    if (!skipped.isEmpty()) {
      sb.append("; not created yet, skipped: ").append(String.join(", ", skipped));
    }
    sb.append(".\n");
    if (changed.isEmpty()) {
      return sb.append("Nothing matched: no table changed, nothing to vacuum.").toString();
    }
    Instant purgeable = outcomes.stream().map(ErasureLog.Outcome::finishedAt)
        .max(Instant::compareTo).orElseThrow().plus(retentionHours, ChronoUnit.HOURS)
        .truncatedTo(ChronoUnit.MINUTES);
    String tables = String.join(",", changed);
    sb.append("The members are gone from the current version of ").append(tables)
        .append(". Older versions still hold their rows, and time travel to a version before ")
        .append("this request returns them, until VACUUM deletes those files:\n")
        .append("- the nightly `community maintain` does so once ").append(retentionHours)
        .append(" hours (maintain.vacuum_retention_hours) have passed, from ").append(purgeable)
        .append(" on; by hand after that: `community maintain --skip-optimize --tables ")
        .append(tables).append("`, or in SQL per table `VACUUM <table> RETAIN ")
        .append(retentionHours).append(" HOURS`;\n")
        .append("- at once, while no job reads or writes these tables: `community maintain ")
        .append("--skip-optimize --tables ").append(tables).append(" --set ")
        .append("maintain.vacuum_retention_hours=0 --set maintain.allow_short_retention=true`.\n")
        .append("Tables with deletion vectors keep deleted rows inside their files until ")
        .append("REORG TABLE <table> APPLY (PURGE); maintain does that before it vacuums.");
    return sb.toString();
  }
}
