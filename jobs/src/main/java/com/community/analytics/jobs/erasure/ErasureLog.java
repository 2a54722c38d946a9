package com.community.analytics.jobs.erasure;

import static com.community.analytics.common.catalog.TableSpec.column;

import com.community.analytics.common.catalog.TableSpec;
import com.community.analytics.common.spark.RowBuilder;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code ops.erasure_log}: the audit trail of right-to-erasure requests, one row per request and
 * member table. It says who asked, when, how many ids and what each table lost, and never who
 * was erased: no id, hash or other trace of the members is written here.
 */
public final class ErasureLog {
  private ErasureLog() {}

  public static final TableSpec ERASURE_LOG = new TableSpec("ops.erasure_log",
      "One row per erasure request x member table: rows removed and the Delta version written. "
          + "Never holds the erased ids or anything else about the members.",
      TableSpec.schema(
          column("request_id", DataTypes.StringType,
              "the request: run id of the forget-users run (ops.job_runs.run_id)"),
          column("requested_by", DataTypes.StringType,
              "ticket or operator who asked for it (--requested-by)"),
          column("requested_at", DataTypes.TimestampType, "when the run started (UTC)"),
          column("finished_at", DataTypes.TimestampType, "when this table was done (UTC)"),
          column("ids_requested", DataTypes.LongType, "distinct member ids in the request"),
          column("table_name", DataTypes.StringType, "member table, database.table"),
          column("member_column", DataTypes.StringType,
              "column naming the member (raw: user_id or author_id fields of the raw line)"),
          column("action", DataTypes.StringType, "delete_rows, null_reference (the column set "
              + "to null, the row kept) or skipped_missing_table (not created yet)"),
          column("rows_affected", DataTypes.LongType,
              "rows deleted, or rows whose member column was nulled; 0 when none matched"),
          column("delta_version", DataTypes.LongType,
              "table version the change wrote (null: nothing matched, or skipped)")),
      null);

  /** What erasure did to one table. */
  public record Outcome(String table, String memberColumn, String action, long rows,
      Long version, Instant finishedAt) {

    public static final String SKIPPED = "skipped_missing_table";

    public boolean skipped() {
      return SKIPPED.equals(action);
    }

    /** The table has a new version (older versions still hold the erased rows). */
    public boolean changed() {
      return version != null;
    }
  }

  /** The log rows of one request. */
  static List<Row> rows(String requestId, String requestedBy, Instant requestedAt,
      int idsRequested, List<Outcome> outcomes) {
    return outcomes.stream().map(o -> RowBuilder.of(ERASURE_LOG.schema())
        .set("request_id", requestId).set("requested_by", requestedBy)
        .set("requested_at", Timestamp.from(requestedAt))
        .set("finished_at", Timestamp.from(o.finishedAt()))
        .set("ids_requested", (long) idsRequested).set("table_name", o.table())
        .set("member_column", o.memberColumn()).set("action", o.action())
        .set("rows_affected", o.rows()).set("delta_version", o.version()).build()).toList();
  }
}
