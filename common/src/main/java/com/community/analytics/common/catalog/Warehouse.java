package com.community.analytics.common.catalog;

import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.config.CommonKeys;
import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaTableBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.catalog.CatalogStorageFormat;
import org.apache.spark.sql.catalyst.catalog.CatalogStorageFormat$;
import org.apache.spark.sql.catalyst.catalog.CatalogTable;
import org.apache.spark.sql.catalyst.catalog.CatalogTable$;
import org.apache.spark.sql.catalyst.catalog.CatalogTableType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * The curated tables of one warehouse: where each lives, how it is registered by name, and how
 * it is read. With {@code catalog.type: embedded} the Delta logs under the warehouse are the
 * catalog: {@link #attach} registers every table found there, so names resolve in every run
 * without a metastore service. With {@code hive} the cluster's metastore keeps the names.
 *
 * <p>Cost: {@link #attach} lists two directory levels and checks each table folder for a
 * {@code _delta_log}; it reads no Delta log. A name is registered the way Delta registers its
 * own tables in a metastore (provider {@code delta}, a location and an empty schema), so a
 * table's schema and snapshot are read only when a query first touches it.
 */
public final class Warehouse {
  private static final Logger LOG = LoggerFactory.getLogger(Warehouse.class);
  private static final Pattern COMMIT_FILE = Pattern.compile("(\\d{20})\\.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SparkSession spark;
  private final String root;
  private final boolean embedded;
  private final Set<String> ensured = ConcurrentHashMap.newKeySet();

  private Warehouse(SparkSession spark, String root, boolean embedded) {
    this.spark = spark;
    this.root = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
    this.embedded = embedded;
  }

  /** Opens the warehouse of {@code config} and registers its tables by name. */
  public static Warehouse attach(SparkSession spark, AppConfig config) {
    Warehouse w = new Warehouse(spark, config.get(CommonKeys.WAREHOUSE_ROOT),
        "embedded".equals(config.get(CommonKeys.CATALOG_TYPE)));
    if (w.embedded) {
      w.registerExistingTables();
    }
    return w;
  }

  public SparkSession spark() {
    return spark;
  }

  public String root() {
    return root;
  }

  public String path(TableSpec spec) {
    return root + "/" + spec.database() + "/" + spec.table();
  }

  public boolean exists(TableSpec spec) {
    return DeltaTable.isDeltaTable(spark, path(spec));
  }

  /**
   * Creates the table with its schema, comments and partitioning when it does not exist, and
   * adds the columns its declaration gained since it was created (each at its declared place,
   * null in the rows already there; a column is never dropped or retyped here). Done once per
   * table for this warehouse object (a job's, or a whole nightly chain's).
   */
  public void ensure(TableSpec spec) {
    if (ensured.contains(spec.name())) {
      return;
    }
    createDatabase(spec.database());
    addDeclaredColumns(spec);
    DeltaTableBuilder builder = DeltaTable.createIfNotExists(spark)
        .tableName(spec.name())
        .location(path(spec))
        .addColumns(spec.schema())
        .comment(spec.comment());
    if (spec.partitionColumn() != null) {
      builder = builder.partitionedBy(spec.partitionColumn());
    }
    if (embedded && !locationMatches(spec.name(), path(spec))) {
      dropRegistration(spec.name());
    }
    builder.execute();
    ensured.add(spec.name());
  }

  /** ALTER TABLE ... ADD COLUMNS for each declared column the table at its path lacks. */
  private void addDeclaredColumns(TableSpec spec) {
    if (!exists(spec)) {
      return;
    }
    Set<String> present = Set.of(DeltaTable.forPath(spark, path(spec)).toDF().columns());
    StructField previous = null;
    for (StructField f : spec.schema().fields()) {
      if (!present.contains(f.name())) {
        String comment = f.getComment().isDefined()
            ? " COMMENT '" + f.getComment().get().replace("'", "\\'") + "'" : "";
        String place = previous == null ? " FIRST" : " AFTER `" + previous.name() + "`";
        spark.sql("ALTER TABLE delta.`" + path(spec) + "` ADD COLUMNS (`" + f.name() + "` "
            + f.dataType().sql() + comment + place + ")");
        LOG.info("{}: added column {} (declared since the table was created)", spec.name(),
            f.name());
      }
      previous = f;
    }
  }

  /** Reads the table (empty with its schema when it was never written). */
  public Dataset<Row> read(TableSpec spec) {
    if (!exists(spec)) {
      return spark.createDataFrame(java.util.List.of(), spec.schema());
    }
    return spark.read().format("delta").load(path(spec));
  }

  /** A table version with the Delta metrics of its commit (e.g. numOutputRows). */
  public record Commit(long version, Map<String, String> metrics) {}

  /**
   * The table's latest commit: the highest {@code NNNNNNNNNNNNNNNNNNNN.json} of its Delta log
   * and the operation metrics of its {@code commitInfo} action, read as files (the Delta
   * protocol's commit files; Delta never removes the latest one). Cost: one listing of the log
   * and one small file read, no Spark job.
   */
  public Commit lastCommit(TableSpec spec) {
    Path log = new Path(path(spec), "_delta_log");
    try {
      FileSystem fs = log.getFileSystem(spark.sparkContext().hadoopConfiguration());
      long version = -1;
      for (FileStatus f : fs.listStatus(log)) {
        Matcher m = COMMIT_FILE.matcher(f.getPath().getName());
        if (m.matches()) {
          version = Math.max(version, Long.parseLong(m.group(1)));
        }
      }
      if (version < 0) {
        throw new IllegalStateException("no commit in " + log);
      }
      Map<String, String> metrics = new HashMap<>();
      Path commit = new Path(log, String.format("%020d.json", version));
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(fs.open(commit),
          StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          JsonNode info = JSON.readTree(line).path("commitInfo").path("operationMetrics");
          info.fields().forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asText()));
        }
      }
      return new Commit(version, Map.copyOf(metrics));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the Delta log " + log, e);
    }
  }

  private void registerExistingTables() {
    Path rootPath = new Path(root);
    try {
      FileSystem fs = rootPath.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(rootPath)) {
        return;
      }
      for (FileStatus db : fs.listStatus(rootPath)) {
        if (!db.isDirectory() || db.getPath().getName().startsWith("_")) {
          continue;
        }
        for (FileStatus table : fs.listStatus(db.getPath())) {
          if (table.isDirectory() && fs.exists(new Path(table.getPath(), "_delta_log"))) {
            register(db.getPath().getName() + "." + table.getPath().getName(),
                table.getPath().toString());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list warehouse " + root, e);
    }
  }

  private void register(String name, String location) {
    if (locationMatches(name, location)) {
      return;
    }
    dropRegistration(name);
    createDatabase(name.split("\\.")[0]);
    spark.sessionState().catalog().createTable(externalDeltaTable(name, location), true, false);
    LOG.debug("registered {} at {}", name, location);
  }

  /**
   * The catalog entry of an external Delta table as Delta itself writes one (its
   * CreateDeltaTableCommand keeps the schema out of the catalog): the Delta log stays the one
   * source of the schema, read when the table is first resolved.
   */
  private static CatalogTable externalDeltaTable(String name, String location) {
    String[] parts = name.split("\\.");
    CatalogStorageFormat empty = CatalogStorageFormat$.MODULE$.empty();
    CatalogStorageFormat storage = empty.copy(Option.apply(new Path(location).toUri()),
        empty.inputFormat(), empty.outputFormat(), empty.serde(), empty.compressed(),
        empty.properties());
    CatalogTable$ t = CatalogTable$.MODULE$;
    return new CatalogTable(new TableIdentifier(parts[1], Option.apply(parts[0])),
        CatalogTableType.EXTERNAL(), storage, new StructType(), Option.apply("delta"),
        t.apply$default$6(), t.apply$default$7(), t.apply$default$8(), t.apply$default$9(),
        t.apply$default$10(), t.apply$default$11(), t.apply$default$12(), t.apply$default$13(),
        t.apply$default$14(), t.apply$default$15(), t.apply$default$16(), t.apply$default$17(),
        t.apply$default$18(), t.apply$default$19(), t.apply$default$20());
  }

  private void createDatabase(String database) {
    spark.sql("CREATE DATABASE IF NOT EXISTS `" + database + "`");
  }

  private boolean locationMatches(String name, String location) {
    String[] parts = name.split("\\.");
    TableIdentifier id = new TableIdentifier(parts[1], Option.apply(parts[0]));
    var catalog = spark.sessionState().catalog();
    if (!catalog.tableExists(id)) {
      return false;
    }
    CatalogTable table;
    try {
      table = catalog.getTableMetadata(id);
    } catch (Exception e) {
      return false;
    }
    return new Path(table.location()).toUri().getPath()
        .equals(new Path(location).toUri().getPath());
  }

  private void dropRegistration(String name) {
    // Tables are external (explicit LOCATION): dropping the name never deletes data.
    spark.sql("DROP TABLE IF EXISTS " + quote(name));
  }

  private static String quote(String name) {
    String[] parts = name.split("\\.");
    return "`" + parts[0] + "`.`" + parts[1] + "`";
  }
}
