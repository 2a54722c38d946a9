package com.community.analytics.jobs.maintain;

import com.community.analytics.common.catalog.Catalog;
import com.community.analytics.common.catalog.TableSpec;
import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.config.CommonKeys;
import com.community.analytics.common.config.ConfigException;
import com.community.analytics.common.config.ConfigKey;
import com.fasterxml.jackson.core.type.TypeReference;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The maintenance rules of {@code conf/maintenance.yaml}, checked when loaded: the VACUUM
 * retention, and per table the columns OPTIMIZE z-orders by (the columns analysts filter by).
 * Every z-order table must be in the {@link Catalog} and every column in its schema, a plain
 * (not map, array or struct) column other than the partition column, among the first {@value
 * #STATS_COLUMNS} columns Delta keeps statistics for; otherwise the run fails naming the key.
 *
 * @param vacuumRetentionHours VACUUM keeps files removed from the table less than this ago
 * @param optimizeRecentDays OPTIMIZE of a date-partitioned table touches only the partitions of
 *     the last N days (0: the whole table)
 * @param zOrder table name to z-order columns; tables not named are compacted only
 */
public record MaintenanceSettings(int vacuumRetentionHours, boolean allowShortRetention,
    int optimizeRecentDays, Map<String, List<String>> zOrder) {

  /** Delta's default retention, and the least this project allows without the explicit flag. */
  public static final int SAFE_RETENTION_HOURS = CommonKeys.SAFE_RETENTION_HOURS;
  /** Delta collects file statistics for the first 32 columns (delta.dataSkippingNumIndexedCols). */
  static final int STATS_COLUMNS = 32;

  public static final ConfigKey<Integer> VACUUM_RETENTION_HOURS = CommonKeys.VACUUM_RETENTION_HOURS;
  public static final ConfigKey<Boolean> ALLOW_SHORT_RETENTION = ConfigKey.bool(
      "maintain.allow_short_retention", false,
      "allow a retention below 168 hours (e.g. 0 to purge erased rows at once); safe only while "
          + "no job reads or writes the tables");
  public static final ConfigKey<Integer> OPTIMIZE_RECENT_DAYS = ConfigKey.integer(
      "maintain.optimize_recent_days", 0,
      "OPTIMIZE only the date partitions of the last N days up to --date (default today); "
          + "0: the whole table").atLeast(0);
  public static final ConfigKey<LinkedHashMap<String, List<String>>> Z_ORDER = ConfigKey.tree(
      "maintain.z_order", "{database.table: [columns]}: the columns OPTIMIZE z-orders each "
          + "table by", new TypeReference<LinkedHashMap<String, List<String>>>() {});

  public static List<ConfigKey<?>> keys() {
    return List.of(VACUUM_RETENTION_HOURS, ALLOW_SHORT_RETENTION, OPTIMIZE_RECENT_DAYS, Z_ORDER);
  }

  public static MaintenanceSettings from(AppConfig c, Catalog catalog) {
    int hours = c.get(VACUUM_RETENTION_HOURS);
    boolean allowShort = c.get(ALLOW_SHORT_RETENTION);
    checkRetention(hours, allowShort);
    return new MaintenanceSettings(hours, allowShort, c.get(OPTIMIZE_RECENT_DAYS),
        zOrder(c.isSet(Z_ORDER) ? c.get(Z_ORDER) : Map.of(), catalog));
  }

  static void checkRetention(int hours, boolean allowShort) {
    String key = VACUUM_RETENTION_HOURS.name();
    if (hours < SAFE_RETENTION_HOURS && !allowShort) {
      throw new ConfigException("config key '" + key + "': " + hours + " is below "
          + SAFE_RETENTION_HOURS + " hours; set " + ALLOW_SHORT_RETENTION.name()
          + ": true to allow it, only while no job reads or writes the tables");
    }
  }

  /** The z-order columns per table, each table in the catalog and each column z-orderable. */
  static Map<String, List<String>> zOrder(Map<String, List<String>> tables, Catalog catalog) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : tables.entrySet()) {
      String key = Z_ORDER.name() + "." + e.getKey();
      Catalog.Table table = catalog.find(e.getKey()).orElseThrow(
          () -> new ConfigException("config key '" + key + "': no such table; known: "
              + catalog.names()));
      if (e.getValue().isEmpty()) {
        throw new ConfigException("config key '" + key + "': expected a list of columns");
      }
      for (String column : e.getValue()) {
        checkColumn(key, table.spec(), column);
      }
      out.put(table.name(), List.copyOf(e.getValue()));
    }
    return out;
  }

  private static void checkColumn(String key, TableSpec spec, String column) {
    List<String> names = Arrays.asList(spec.schema().fieldNames());
    int index = names.indexOf(column);
    if (index < 0) {
      throw new ConfigException("config key '" + key + "': " + spec.name() + " has no column '"
          + column + "'; columns: " + names);
    }
    StructField field = spec.schema().fields()[index];
    String problem = column.equals(spec.partitionColumn()) ? "is the partition column"
        : field.dataType() instanceof MapType || field.dataType() instanceof ArrayType
            || field.dataType() instanceof StructType ? "is not a plain column"
        : index >= STATS_COLUMNS ? "has no Delta statistics (not among the first "
            + STATS_COLUMNS + " columns)" : null;
    if (problem != null) {
      throw new ConfigException("config key '" + key + "': column '" + column + "' " + problem
          + "; Delta cannot z-order by it");
    }
  }

  /** The z-order columns of {@code table}; empty: compaction only. */
  public List<String> zOrderOf(String table) {
    return zOrder.getOrDefault(table, List.of());
  }

  /** True when VACUUM needs Delta's retention check switched off for this run. */
  public boolean shortRetention() {
    return vacuumRetentionHours < SAFE_RETENTION_HOURS;
  }
}
