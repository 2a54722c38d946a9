package com.community.analytics.common.catalog;

import static com.community.analytics.common.catalog.TableSpec.column;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.config.CommonKeys;
import com.community.analytics.common.config.ConfigSchema;
import com.community.analytics.common.spark.RowBuilder;
import com.community.analytics.common.testing.SparkTestSession;
import com.community.analytics.common.testing.TestConfigs;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A table whose declaration gained a column since it was written gets the column at its
 * declared place, and the next write succeeds. (A test of common's warehouse kept in this
 * module, whose test JVM already has the shared SparkSession.)
 */
class WarehouseTest {
  private static final TableSpec BEFORE = new TableSpec("gold.evolving", "a table",
      TableSpec.schema(column("user_id", DataTypes.StringType, "member"),
          column("gmv", DataTypes.createDecimalType(18, 2), "amounts")), null);
  private static final TableSpec AFTER = new TableSpec("gold.evolving", "a table",
      TableSpec.schema(column("user_id", DataTypes.StringType, "member"),
          column("first_day_gmv", DataTypes.createDecimalType(18, 2), "it's new"),
          column("gmv", DataTypes.createDecimalType(18, 2), "amounts")), null);

  @Test
  void declaredColumnsAreAddedToAnExistingTable(@TempDir Path tmp) {
    SparkSession spark = SparkTestSession.get();
    AppConfig config = TestConfigs.load(new ConfigSchema().add(CommonKeys.all()),
        TestConfigs.write(tmp, "lake:\n  root: " + tmp.resolve("lake") + "\nwarehouse:\n  root: "
            + tmp.resolve("warehouse") + "\n"), Map.of());
    Warehouse before = Warehouse.attach(spark, config);
    new TableWriter(before).overwrite(BEFORE, spark.createDataFrame(List.of(
        RowBuilder.of(BEFORE.schema()).set("user_id", "m1")
            .set("gmv", new BigDecimal("12.50")).build()), BEFORE.schema()));

    Warehouse after = Warehouse.attach(spark, config);
    new TableWriter(after).append(AFTER, spark.createDataFrame(List.of(
        RowBuilder.of(AFTER.schema()).set("user_id", "m2")
            .set("first_day_gmv", new BigDecimal("3.00"))
            .set("gmv", new BigDecimal("7.00")).build()), AFTER.schema()));

    assertArrayEquals(AFTER.schema().fieldNames(), after.read(AFTER).columns(),
        "the new column at its declared place");
    assertEquals("it's new", after.read(AFTER).schema().apply("first_day_gmv").getComment()
        .get());
    List<Row> rows = after.read(AFTER).orderBy("user_id").collectAsList();
    assertNull(rows.get(0).getAs("first_day_gmv"), "rows written before: null");
    assertEquals(new BigDecimal("3.00"), rows.get(1).getAs("first_day_gmv"));
    assertEquals(2, spark.sql("select * from gold.evolving").count(), "still there by name");
  }
}
