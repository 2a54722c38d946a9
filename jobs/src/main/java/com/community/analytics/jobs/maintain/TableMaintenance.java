package com.community.analytics.jobs.maintain;

import io.delta.tables.DeltaOptimizeBuilder;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Delta maintenance operations on one table, by path, and the figures maintain reports.
 *
 * <p>Cost: {@link #optimize} rewrites the small files of the table (or of the partitions its
 * filter selects) into larger ones, and with z-order columns every file of those partitions;
 * {@link #purge} rewrites the files that carry deletion vectors; {@link #vacuum} and {@link
 * #onStorage} list every file under the table's folder (on S3, LIST requests in proportion to
 * the number of files); {@link #active} reads the Delta log only.
 */
final class TableMaintenance {
  private final SparkSession spark;
  private final String path;

  TableMaintenance(SparkSession spark, String path) {
    this.spark = spark;
    this.path = path;
  }

  /** The files of the table's current version and their bytes, from the Delta log. */
  MaintenanceLog.Files active() {
    Row d = detail();
    return new MaintenanceLog.Files(d.getLong(d.fieldIndex("numFiles")),
        d.getLong(d.fieldIndex("sizeInBytes")));
  }

  /**
   * OPTIMIZE: bin-packs small files, and z-orders by {@code zOrder} when it is not empty.
   *
   * @param partitionFilter a predicate on partition columns only, or null for the whole table
   */
  void optimize(List<String> zOrder, String partitionFilter) {
    DeltaOptimizeBuilder optimize = DeltaTable.forPath(spark, path).optimize();
    if (partitionFilter != null) {
      optimize = optimize.where(partitionFilter);
    }
    if (zOrder.isEmpty()) {
      optimize.executeCompaction();
    } else {
      optimize.executeZOrderBy(zOrder.toArray(new String[0]));
    }
  }

  /**
   * Whether the table may hold deletion vectors: rows a DELETE only marked as deleted, which
   * stay inside data files that VACUUM keeps as long as the table uses them.
   */
  boolean mayHaveDeletionVectors() {
    Row d = detail();
    Map<String, String> properties = d.getJavaMap(d.fieldIndex("properties"));
    boolean feature = Arrays.asList(d.schema().fieldNames()).contains("tableFeatures")
        && d.getList(d.fieldIndex("tableFeatures")).contains("deletionVectors");
    return feature || "true".equals(properties.get("delta.enableDeletionVectors"));
  }

  /** Rewrites the files that carry deletion vectors, so deleted rows leave the files in use. */
  void purge() {
    spark.sql("REORG TABLE " + sqlName() + " APPLY (PURGE)");
  }

  /** VACUUM with {@code hours} of retention. */
  void vacuum(int hours) {
    DeltaTable.forPath(spark, path).vacuum(hours);
  }

  /** VACUUM DRY RUN: the files VACUUM would delete (the command collects them on the driver). */
  List<String> vacuumDryRun(int hours) {
    return spark.sql("VACUUM " + sqlName() + " RETAIN " + hours + " HOURS DRY RUN")
        .collectAsList().stream().map(r -> r.<String>getAs("path")).toList();
  }

  /**
   * The data files under the table's folder, whether the current version uses them or not:
   * everything but the Delta log and hidden files ({@code _} or {@code .} names).
   */
  MaintenanceLog.Files onStorage() {
    Path root = new Path(path);
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      String rootPath = fs.makeQualified(root).toUri().getPath();
      long count = 0;
      long bytes = 0;
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
      while (files.hasNext()) {
        LocatedFileStatus f = files.next();
        String relative = f.getPath().toUri().getPath().substring(rootPath.length());
        if (!hidden(relative)) {
          count++;
          bytes += f.getLen();
        }
      }
      return new MaintenanceLog.Files(count, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + path, e);
    }
  }

  private static boolean hidden(String relativePath) {
    for (String part : relativePath.split("/")) {
      if (part.startsWith("_") || part.startsWith(".")) {
        return true;
      }
    }
    return false;
  }

  private Row detail() {
    return DeltaTable.forPath(spark, path).detail().first();
  }

  private String sqlName() {
    return "delta.`" + path.replace("`", "``") + "`";
  }
}
