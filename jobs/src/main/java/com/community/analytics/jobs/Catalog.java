package com.community.analytics.jobs;

import com.community.analytics.common.catalog.SilverTables;
import com.community.analytics.common.catalog.TableSpec;
import com.community.analytics.common.runlog.JobRunLog;
import com.community.analytics.jobs.attribution.AttributionTables;
import com.community.analytics.jobs.churn.ChurnTables;
import com.community.analytics.jobs.erasure.ErasureLog;
import com.community.analytics.jobs.features.FeatureTables;
import com.community.analytics.jobs.kpi.KpiTables;
import com.community.analytics.jobs.maintain.MaintenanceLog;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Every table of the jar, in one list, and which of them hold member-level rows: the single
 * source of truth for the jobs that walk all tables ({@code forget-users}, {@code maintain}). A
 * test fails when a {@link TableSpec} is declared anywhere in the jar but missing here, or when a
 * table with a member id column is listed without saying how erasure treats it.
 *
 * <p>Order: silver before what is derived from it, so an erasure removes a member from the
 * sources first. Aggregate tables (no member key: model fits, drift, attribution roll-ups, the
 * cockpit) and the run logs hold no member rows and are left alone by erasure.
 */
public final class Catalog {
  private Catalog() {}

  /** What erasing a member does to a table's rows. */
  public enum Erasure {
    /** The row is about the member (the column is their id): the row is deleted. */
    DELETE_ROWS,
    /**
     * The row only refers to the member (content's author): the column is set to null and the
     * row stays, because other members' events and the aggregates refer to it.
     */
    NULL_REFERENCE,
    /**
     * The column holds a raw line (JSON, possibly malformed); a member is named by its {@code
     * user_id} or {@code author_id} field: the row is deleted.
     */
    DELETE_RAW_LINE
  }

  /** The column naming the member in a table, and what erasure does there. */
  public record MemberColumn(String column, Erasure erasure) {
    public MemberColumn {
      Objects.requireNonNull(column);
      Objects.requireNonNull(erasure);
    }
  }

  /** A table of the catalog; {@code member} is null for tables without member rows. */
  public record Table(TableSpec spec, MemberColumn member) {
    public Table {
      Objects.requireNonNull(spec);
      if (member != null
          && !Arrays.asList(spec.schema().fieldNames()).contains(member.column())) {
        throw new IllegalArgumentException(spec.name() + " has no column " + member.column());
      }
    }

    public String name() {
      return spec.name();
    }

    public boolean holdsMembers() {
      return member != null;
    }
  }

  private static final List<Table> ALL = List.of(
      members(SilverTables.EVENTS, "user_id", Erasure.DELETE_ROWS),
      members(SilverTables.USERS, "user_id", Erasure.DELETE_ROWS),
      members(SilverTables.CONTENT, "author_id", Erasure.NULL_REFERENCE),
      members(SilverTables.QUARANTINE, "raw", Erasure.DELETE_RAW_LINE),
      members(FeatureTables.ACTIVITY_DAILY, "user_id", Erasure.DELETE_ROWS),
      members(FeatureTables.USER_STATE, "user_id", Erasure.DELETE_ROWS),
      members(FeatureTables.USER_LTV, "user_id", Erasure.DELETE_ROWS),
      members(FeatureTables.USER_TAGS, "user_id", Erasure.DELETE_ROWS),
      aggregate(FeatureTables.LTV_MODEL_FITS),
      members(ChurnTables.TRAINING_SET, "user_id", Erasure.DELETE_ROWS),
      aggregate(ChurnTables.MODELS),
      members(ChurnTables.SCORES, "user_id", Erasure.DELETE_ROWS),
      aggregate(ChurnTables.DRIFT),
      members(ChurnTables.ACTIONS, "user_id", Erasure.DELETE_ROWS),
      members(AttributionTables.CREDITS, "user_id", Erasure.DELETE_ROWS),
      aggregate(AttributionTables.CHANNEL_ATTRIBUTION),
      aggregate(AttributionTables.CONTENT_PERFORMANCE),
      aggregate(AttributionTables.TOP_CONTENT),
      aggregate(KpiTables.KPI_DAILY),
      aggregate(KpiTables.COHORT_RETENTION),
      aggregate(KpiTables.ALERTS),
      aggregate(KpiTables.FUNNEL_DAILY),
      aggregate(KpiTables.EXPERIMENT_RESULTS),
      aggregate(SilverTables.DATA_QUALITY),
      aggregate(JobRunLog.JOB_RUNS),
      aggregate(ErasureLog.ERASURE_LOG),
      aggregate(MaintenanceLog.MAINTENANCE_LOG));

  private static Table members(TableSpec spec, String column, Erasure erasure) {
    return new Table(spec, new MemberColumn(column, erasure));
  }

  private static Table aggregate(TableSpec spec) {
    return new Table(spec, null);
  }

  /** Every table of the jar, silver first. */
  public static List<Table> all() {
    return ALL;
  }

  /** The tables holding member-level rows, in erasure order. */
  public static List<Table> memberTables() {
    return ALL.stream().filter(Table::holdsMembers).toList();
  }

  /** The table called {@code name} ({@code database.table}). */
  public static Optional<Table> find(String name) {
    return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** The names of every table, for messages that list what is known. */
  public static List<String> names() {
    return ALL.stream().map(Table::name).toList();
  }
}
