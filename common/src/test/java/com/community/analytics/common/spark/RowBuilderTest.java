package com.community.analytics.common.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RowBuilderTest {
  private static final StructType SCHEMA = new StructType().add("id", DataTypes.StringType)
      .add("score", DataTypes.DoubleType).add("note", DataTypes.StringType);

  @Test
  void valuesLandInTheirColumnsWhateverTheOrderTheyAreSetIn() {
    Row row = RowBuilder.of(SCHEMA).set("score", 0.5).set("id", "m1").build();
    assertEquals("m1", row.get(0));
    assertEquals(0.5, row.get(1));
    assertNull(row.get(2), "a column not set is null");
    assertEquals(0.5, (double) row.<Double>getAs("score"), "read back by name");
  }

  @Test
  void aColumnTheSchemaLacksFailsAndBuiltRowsDoNotShareValues() {
    RowBuilder builder = RowBuilder.of(SCHEMA).set("id", "m1");
    assertThrows(IllegalArgumentException.class, () -> builder.set("colour", "red"));
    Row first = builder.build();
    Row second = builder.set("id", "m2").build();
    assertEquals("m1", first.getAs("id"));
    assertEquals("m2", second.getAs("id"));
  }
}
