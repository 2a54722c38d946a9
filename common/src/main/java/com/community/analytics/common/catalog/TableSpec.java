package com.community.analytics.common.catalog;

import java.io.Serializable;
import java.util.Objects;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A curated table: its name ({@code database.table}), comment, schema with a comment on every
 * column, and date partition column (or none). Tables live at {@code
 * <warehouse>/<database>/<table>}.
 */
public record TableSpec(String name, String comment, StructType schema, String partitionColumn)
    implements Serializable {

  public TableSpec {
    Objects.requireNonNull(name);
    Objects.requireNonNull(comment);
    if (name.split("\\.").length != 2) {
      throw new IllegalArgumentException("table name must be database.table: " + name);
    }
    for (StructField f : schema.fields()) {
      if (f.getComment().isEmpty()) {
        throw new IllegalArgumentException("column " + name + "." + f.name() + " has no comment");
      }
    }
    if (partitionColumn != null && !java.util.Arrays.asList(schema.fieldNames())
        .contains(partitionColumn)) {
      throw new IllegalArgumentException("partition column not in schema: " + partitionColumn);
    }
  }

  public String database() {
    return name.split("\\.")[0];
  }

  public String table() {
    return name.split("\\.")[1];
  }

  /** A column with its comment, for building schemas that read like documentation. */
  public static StructField column(String name, DataType type, String comment) {
    return new StructField(name, type, true, Metadata.empty()).withComment(comment);
  }

  public static StructType schema(StructField... fields) {
    return new StructType(fields);
  }
}
