package com.community.analytics.jobs.maintain;

import static com.community.analytics.common.catalog.TableSpec.column;

import com.community.analytics.common.catalog.TableSpec;
import com.community.analytics.common.spark.RowBuilder;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/** {@code ops.maintenance_log}: one row per maintain run and table, like ops.erasure_log. */
public final class MaintenanceLog {
  private MaintenanceLog() {}

  public static final TableSpec MAINTENANCE_LOG = new TableSpec("ops.maintenance_log",
      "One row per maintain run x table: OPTIMIZE (compaction or z-order) and VACUUM, with the "
          + "table's files before and after and the files VACUUM deleted from storage.",
      TableSpec.schema(
          column("run_id", DataTypes.StringType, "run id of the maintain run (ops.job_runs)"),
          column("started_at", DataTypes.TimestampType, "when the run started (UTC)"),
          column("finished_at", DataTypes.TimestampType, "when this table was done (UTC)"),
          column("table_name", DataTypes.StringType, "table, database.table"),
          column("optimize", DataTypes.StringType,
              "z_order, compaction, or skipped (--skip-optimize or --dry-run)"),
          column("z_order_by", DataTypes.createArrayType(DataTypes.StringType),
              "columns z-ordered by (maintain.z_order); empty for compaction"),
          column("purged_deletion_vectors", DataTypes.BooleanType,
              "REORG ... APPLY (PURGE) rewrote files with deletion vectors before VACUUM"),
          column("files_before", DataTypes.LongType, "files of the current version, before"),
          column("files_after", DataTypes.LongType, "files of the current version, after"),
          column("bytes_before", DataTypes.LongType, "bytes of the current version, before"),
          column("bytes_after", DataTypes.LongType, "bytes of the current version, after"),
          column("vacuum_retention_hours", DataTypes.IntegerType,
              "retention VACUUM ran with (null: --skip-vacuum)"),
          column("dry_run", DataTypes.BooleanType, "VACUUM only listed what it would delete"),
          column("storage_files_before", DataTypes.LongType,
              "data files under the table's folder before VACUUM, in use or not"),
          column("files_vacuumed", DataTypes.LongType,
              "data files VACUUM deleted (dry run: would delete)"),
          column("storage_files_after", DataTypes.LongType,
              "data files under the table's folder after VACUUM"),
          column("delta_version", DataTypes.LongType, "table version after maintenance")),
      null);

  /** What maintenance did to one table. */
  public record Outcome(String table, String optimize, List<String> zOrderBy, boolean purged,
      Files before, Files after, Integer retentionHours, boolean dryRun, long storageBefore,
      long vacuumed, long storageAfter, long version, Instant finishedAt) {}

  /** A count of files and their bytes. */
  public record Files(long count, long bytes) {}

  static List<Row> rows(String runId, Instant startedAt, List<Outcome> outcomes) {
    return outcomes.stream().map(o -> RowBuilder.of(MAINTENANCE_LOG.schema())
        .set("run_id", runId).set("started_at", Timestamp.from(startedAt))
        .set("finished_at", Timestamp.from(o.finishedAt())).set("table_name", o.table())
        .set("optimize", o.optimize()).set("z_order_by", o.zOrderBy())
        .set("purged_deletion_vectors", o.purged())
        .set("files_before", o.before().count()).set("files_after", o.after().count())
        .set("bytes_before", o.before().bytes()).set("bytes_after", o.after().bytes())
        .set("vacuum_retention_hours", o.retentionHours()).set("dry_run", o.dryRun())
        .set("storage_files_before", o.storageBefore()).set("files_vacuumed", o.vacuumed())
        .set("storage_files_after", o.storageAfter()).set("delta_version", o.version())
        .build()).toList();
  }
}
