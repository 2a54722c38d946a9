package com.community.analytics.jobs.ingest;

import static org.apache.spark.sql.functions.col;

import com.community.analytics.common.catalog.TableSpec;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Validates dimension snapshot lines (users, content) against their silver table: required
 * keys present, each field of its declared type, times ISO-8601 with an offset. Enum-like text
 * is lower-cased. Rows that fail get a quarantine reason, like events.
 */
public final class DimensionParser implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final TableSpec table;
  private final Set<String> required;
  private final Set<String> lowerCase;
  private final StructType parsed;

  public DimensionParser(TableSpec table, Set<String> required, Set<String> lowerCase) {
    this.table = table;
    this.required = required;
    this.lowerCase = lowerCase;
    List<StructField> fields = new ArrayList<>(List.of(RawLake.LINES.fields()));
    fields.add(DataTypes.createStructField("reason", DataTypes.StringType, true));
    fields.add(DataTypes.createStructField("detail", DataTypes.StringType, true));
    fields.add(DataTypes.createStructField("event_id", DataTypes.StringType, true));
    for (StructField f : table.schema().fields()) {
      fields.add(f);
    }
    this.parsed = new StructType(fields.toArray(new StructField[0]));
  }

  public Dataset<Row> parse(Dataset<Row> lines) {
    return lines.map((MapFunction<Row, Row>) this::parseLine, Encoders.row(parsed));
  }

  /** Valid rows in the shape of the silver table (snapshot_date = folder date). */
  public static Dataset<Row> valid(Dataset<Row> parsedRows, TableSpec table) {
    List<Column> cols = new ArrayList<>();
    for (String name : table.schema().fieldNames()) {
      cols.add(col(name));
    }
    return parsedRows.where(col("reason").isNull()).select(cols.toArray(new Column[0]));
  }

  Row parseLine(Row line) {
    int base = RawLake.LINES.size();
    Object[] out = new Object[parsed.size()];
    for (int i = 0; i < base; i++) {
      out[i] = line.get(i);
    }
    if (line.getString(4) != null) {
      out[base] = QuarantineReason.UNREADABLE_FILE;
      out[base + 1] = line.getString(4);
      return RowFactory.create(out);
    }
    try {
      JsonNode root = JSON.readTree(line.getString(3));
      if (root == null || !root.isObject()) {
        return reject(out, base, QuarantineReason.MALFORMED_JSON, "not a JSON object");
      }
      StructField[] fields = table.schema().fields();
      for (int i = 0; i < fields.length; i++) {
        StructField f = fields[i];
        if (f.name().equals("snapshot_date")) {
          out[base + 3 + i] = line.getDate(0);
          continue;
        }
        JsonNode node = root.get(f.name());
        boolean absent = node == null || node.isNull() || (node.isTextual()
            && node.asText().isBlank());
        if (absent) {
          if (required.contains(f.name())) {
            return reject(out, base, QuarantineReason.MISSING_REQUIRED_FIELD,
                "missing " + f.name());
          }
          continue;
        }
        Object value = convert(f.name(), f.dataType(), node);
        if (value instanceof Reject r) {
          return reject(out, base, r.reason, r.detail);
        }
        out[base + 3 + i] = value;
      }
      return RowFactory.create(out);
    } catch (JsonProcessingException e) {
      return reject(out, base, QuarantineReason.MALFORMED_JSON, "not valid JSON: "
          + e.getOriginalMessage());
    }
  }

  private record Reject(String reason, String detail) {}

  private Object convert(String name, DataType type, JsonNode node) {
    if (type.equals(DataTypes.StringType)) {
      if (!node.isTextual()) {
        return new Reject(QuarantineReason.WRONG_TYPE, name + " must be a string");
      }
      String text = node.asText().trim();
      return lowerCase.contains(name) ? text.toLowerCase(Locale.ROOT) : text;
    }
    if (type.equals(DataTypes.IntegerType) || type.equals(DataTypes.LongType)) {
      if (!node.isIntegralNumber()) {
        return new Reject(QuarantineReason.WRONG_TYPE, name + " must be an integer");
      }
      return type.equals(DataTypes.IntegerType) ? (Object) node.asInt() : (Object) node.asLong();
    }
    if (type.equals(DataTypes.BooleanType)) {
      if (!node.isBoolean()) {
        return new Reject(QuarantineReason.WRONG_TYPE, name + " must be true or false");
      }
      return node.asBoolean();
    }
    if (type.equals(DataTypes.TimestampType)) {
      try {
        return Timestamp.from(OffsetDateTime.parse(node.asText().trim()).toInstant());
      } catch (DateTimeParseException e) {
        return new Reject(QuarantineReason.UNPARSEABLE_TIME,
            name + " is not ISO-8601 with an offset: '" + node.asText() + "'");
      }
    }
    if (type.equals(DataTypes.DateType)) {
      return Date.valueOf(node.asText());
    }
    throw new IllegalStateException("unsupported dimension type " + type);
  }

  private static Row reject(Object[] out, int base, String reason, String detail) {
    for (int i = base + 3; i < out.length; i++) {
      out[i] = null;
    }
    out[base] = reason;
    out[base + 1] = detail;
    return RowFactory.create(out);
  }
}
