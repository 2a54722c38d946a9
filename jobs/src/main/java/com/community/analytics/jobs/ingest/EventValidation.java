package com.community.analytics.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.community.analytics.common.catalog.SilverTables;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Turns raw lines ({@link RawLake#LINES}) into parsed rows: each line either becomes a
 * normalised event or carries a quarantine reason; an unreadable file becomes one rejected row.
 * Then splits them into silver events and quarantine rows. Narrow transformations only (no
 * shuffle).
 */
public final class EventValidation {
  private EventValidation() {}

  /** {@link RawLake#LINES} plus reason, detail, and every column of silver.events. */
  public static final StructType PARSED = parsedSchema();

  private static StructType parsedSchema() {
    List<StructField> fields = new ArrayList<>(Arrays.asList(RawLake.LINES.fields()));
    fields.add(DataTypes.createStructField("reason", DataTypes.StringType, true));
    fields.add(DataTypes.createStructField("detail", DataTypes.StringType, true));
    for (StructField f : SilverTables.EVENTS.schema().fields()) {
      if (!f.name().equals("arrival_date") && !f.name().equals("source_file")) {
        fields.add(f);
      }
    }
    return new StructType(fields.toArray(new StructField[0]));
  }

  /** Parses every line; the result has one row per input row. */
  public static Dataset<Row> parse(Dataset<Row> lines, RawEventParser parser) {
    return lines.map((MapFunction<Row, Row>) line -> parseLine(line, parser),
        Encoders.row(PARSED));
  }

  static Row parseLine(Row line, RawEventParser parser) {
    String readError = line.getAs("read_error");
    String encodingError = line.getAs("encoding_error");
    if (readError != null) {
      return rejected(line, QuarantineReason.UNREADABLE_FILE, readError, null);
    }
    if (encodingError != null) {
      return rejected(line, QuarantineReason.INVALID_ENCODING, encodingError, null);
    }
    Date arrival = line.getAs("arrival_date");
    RawEventParser.Result r = parser.parse(line.getAs("raw"), arrival.toLocalDate());
    if (!r.isValid()) {
      return rejected(line, r.reason(), r.detail(), r.eventId());
    }
    RawEventParser.Event e = r.event();
    Map<String, Object> event = new HashMap<>();
    event.put("event_id", e.eventId());
    event.put("event_time", Timestamp.from(e.eventTime()));
    event.put("event_date", Date.valueOf(e.eventDate()));
    event.put("event_hour", e.eventHour());
    event.put("user_id", e.userId());
    event.put("event_type", e.eventType());
    event.put("session_id", e.sessionId());
    event.put("content_id", e.contentId());
    event.put("channel", e.channel());
    event.put("platform", e.platform());
    event.put("amount", e.amount());
    event.put("currency", e.currency());
    event.put("order_id", e.orderId());
    event.put("experiment_id", e.experimentId());
    event.put("variant", e.variant());
    event.put("properties", scala.collection.JavaConverters.mapAsScalaMap(e.properties()));
    Object[] values = lineValues(line);
    event.forEach((name, value) -> values[PARSED.fieldIndex(name)] = value);
    return RowFactory.create(values);
  }

  /** A row of {@link #PARSED} holding the line's own columns, everything else null. */
  private static Object[] lineValues(Row line) {
    Object[] values = new Object[PARSED.size()];
    for (String name : RawLake.LINES.fieldNames()) {
      values[PARSED.fieldIndex(name)] = line.getAs(name);
    }
    return values;
  }

  private static Row rejected(Row line, String reason, String detail, String eventId) {
    Object[] values = lineValues(line);
    values[PARSED.fieldIndex("reason")] = reason;
    values[PARSED.fieldIndex("detail")] = detail;
    values[PARSED.fieldIndex("event_id")] = eventId;
    return RowFactory.create(values);
  }

  /** The valid rows, with the columns of silver.events plus line_number for ordering. */
  public static Dataset<Row> validEvents(Dataset<Row> parsed) {
    List<Column> cols = new ArrayList<>();
    for (String name : SilverTables.EVENTS.schema().fieldNames()) {
      cols.add(col(name));
    }
    cols.add(col("line_number"));
    return parsed.where(col("reason").isNull()).select(cols.toArray(new Column[0]));
  }

  /** The rejected rows in the shape of ops.quarantine. */
  public static Dataset<Row> quarantine(Dataset<Row> parsed, String source) {
    return parsed.where(col("reason").isNotNull()).select(
        col("arrival_date").as("run_date"), lit(source).as("source"), col("source_file"),
        col("line_number"), col("reason"), col("detail"), col("event_id"), col("raw"));
  }
}
