package com.community.analytics.common.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructType;

/**
 * Builds a row of a schema by column name, so a row's values cannot shift when a column is added
 * or reordered: {@code RowBuilder.of(SCHEMA).set("user_id", id).set("score", s).build()}. A
 * column not set is null; a name not in the schema fails at once. The row carries its schema,
 * so it is read back by name too ({@code row.getAs("score")}).
 */
public final class RowBuilder {
  private final StructType schema;
  private final Object[] values;

  private RowBuilder(StructType schema) {
    this.schema = schema;
    this.values = new Object[schema.size()];
  }

  public static RowBuilder of(StructType schema) {
    return new RowBuilder(schema);
  }

  /** Sets {@code column}; throws IllegalArgumentException when the schema has no such column. */
  public RowBuilder set(String column, Object value) {
    values[schema.fieldIndex(column)] = value;
    return this;
  }

  public Row build() {
    return new GenericRowWithSchema(values.clone(), schema);
  }
}
