package com.community.analytics.jobs.ingest;

import static org.apache.spark.sql.functions.col;

import com.community.analytics.common.catalog.TableSpec;
import com.community.analytics.common.lake.RawLake;
import com.community.analytics.jobs.ingest.StrictJson.Rejected;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.sql.Timestamp;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * keys present, each field of its declared type and within what the column holds, integers
 * within their declared range, times ISO-8601 with an offset and not before the earliest
 * plausible time, enum-like text lower-cased and within its configured set. The line is read
 * by {@link StrictJson}, as events are. Rows that fail get a quarantine reason, like events;
 * nothing in a line can make the parser throw, so a bad snapshot row never fails the run, and
 * since only valid rows are upserted it never overwrites a good one.
 */
public final class DimensionParser implements Serializable {
  private static final long serialVersionUID = 1L;

  /** An inclusive range of an integer field. */
  public record Range(long min, long max) implements Serializable {}

  /**
   * What the fields of a snapshot must satisfy beyond their types: required fields, fields
   * lower-cased, the allowed values of enum-like fields (after lower-casing), integer ranges,
   * and the earliest plausible time of every timestamp field.
   */
  public record Rules(Set<String> required, Set<String> lowerCase,
      Map<String, Set<String>> allowed, Map<String, Range> ranges, Instant earliest)
      implements Serializable {}

  private final TableSpec table;
  private final Rules rules;
  private final StructType parsed;

  public DimensionParser(TableSpec table, Rules rules) {
    this.table = table;
    this.rules = rules;
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
    String readError = line.getAs("read_error");
    if (readError != null) {
      return reject(out, base, QuarantineReason.UNREADABLE_FILE, readError);
    }
    String encodingError = line.getAs("encoding_error");
    if (encodingError != null) {
      return reject(out, base, QuarantineReason.INVALID_ENCODING, encodingError);
    }
    try {
      JsonNode root = StrictJson.object(line.getAs("raw"));
      StructField[] fields = table.schema().fields();
      for (int i = 0; i < fields.length; i++) {
        StructField f = fields[i];
        if (f.name().equals("snapshot_date")) {
          out[base + 3 + i] = line.getAs("arrival_date");
          continue;
        }
        JsonNode node = root.get(f.name());
        boolean absent = node == null || node.isNull() || (node.isTextual()
            && node.asText().isBlank());
        if (absent) {
          if (rules.required().contains(f.name())) {
            throw new Rejected(QuarantineReason.MISSING_REQUIRED_FIELD, "missing " + f.name());
          }
          continue;
        }
        out[base + 3 + i] = convert(f.name(), f.dataType(), node);
      }
      return RowFactory.create(out);
    } catch (Rejected r) {
      return reject(out, base, r.reason, r.getMessage());
    }
  }

  private Object convert(String name, DataType type, JsonNode node) throws Rejected {
    if (type.equals(DataTypes.StringType)) {
      if (!node.isTextual()) {
        throw new Rejected(QuarantineReason.WRONG_TYPE, name + " must be a string");
      }
      String text = node.asText().trim();
      String value = rules.lowerCase().contains(name) ? text.toLowerCase(Locale.ROOT) : text;
      Set<String> allowed = rules.allowed().get(name);
      if (allowed != null && !allowed.contains(value)) {
        throw new Rejected(QuarantineReason.UNKNOWN_VALUE, name + " '" + value
            + "' is not one of " + new TreeSet<>(allowed));
      }
      return value;
    }
    if (type.equals(DataTypes.IntegerType) || type.equals(DataTypes.LongType)) {
      return integer(name, type, node);
    }
    if (type.equals(DataTypes.BooleanType)) {
      if (!node.isBoolean()) {
        throw new Rejected(QuarantineReason.WRONG_TYPE, name + " must be true or false");
      }
      return node.asBoolean();
    }
    if (type.equals(DataTypes.TimestampType)) {
      return timestamp(name, node);
    }
    throw new IllegalStateException("unsupported dimension type " + type);
  }

  private Object integer(String name, DataType type, JsonNode node) throws Rejected {
    if (!node.isIntegralNumber()) {
      throw new Rejected(node.isNumber() && !Double.isFinite(node.doubleValue())
          ? QuarantineReason.NON_FINITE_NUMBER : QuarantineReason.WRONG_TYPE,
          name + " must be an integer, got " + node.asText());
    }
    boolean isInt = type.equals(DataTypes.IntegerType);
    Range range = rules.ranges().get(name);
    if (!(isInt ? node.canConvertToInt() : node.canConvertToLong())
        || (range != null && (node.asLong() < range.min() || node.asLong() > range.max()))) {
      throw new Rejected(QuarantineReason.OUT_OF_RANGE, name + " " + node.asText()
          + " is outside " + (range != null ? "[" + range.min() + ", " + range.max() + "]"
              : (isInt ? "an int" : "a long")));
    }
    return isInt ? (Object) node.asInt() : (Object) node.asLong();
  }

  private Timestamp timestamp(String name, JsonNode node) throws Rejected {
    Instant time;
    try {
      time = IsoTimes.parse(node.asText().trim());
    } catch (DateTimeException e) {
      throw new Rejected(QuarantineReason.UNPARSEABLE_TIME,
          name + " is not ISO-8601 with an offset: '" + node.asText() + "'");
    }
    if (time.isBefore(rules.earliest())) {
      throw new Rejected(QuarantineReason.IMPLAUSIBLE_TIME, name + " " + time
          + " is before ingest.earliest_event_time (" + rules.earliest() + ")");
    }
    return Timestamp.from(time);
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
