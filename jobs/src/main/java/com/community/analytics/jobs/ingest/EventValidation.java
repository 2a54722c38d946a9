package com.community.analytics.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.community.analytics.common.catalog.SilverTables;
import com.community.analytics.common.lake.RawLake;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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

  // Positions in PARSED, looked up once: parseLine runs for every raw line.
  private static final int LINE_COLUMNS = RawLake.LINES.size();
  private static final int RAW = PARSED.fieldIndex("raw");
  private static final int REASON = PARSED.fieldIndex("reason");
  private static final int DETAIL = PARSED.fieldIndex("detail");
  private static final int EVENT_ID = PARSED.fieldIndex("event_id");
  private static final int EVENT_TIME = PARSED.fieldIndex("event_time");
  private static final int EVENT_DATE = PARSED.fieldIndex("event_date");
  private static final int EVENT_HOUR = PARSED.fieldIndex("event_hour");
  private static final int USER_ID = PARSED.fieldIndex("user_id");
  private static final int EVENT_TYPE = PARSED.fieldIndex("event_type");
  private static final int SESSION_ID = PARSED.fieldIndex("session_id");
  private static final int CONTENT_ID = PARSED.fieldIndex("content_id");
  private static final int CHANNEL = PARSED.fieldIndex("channel");
  private static final int PLATFORM = PARSED.fieldIndex("platform");
  private static final int AMOUNT = PARSED.fieldIndex("amount");
  private static final int CURRENCY = PARSED.fieldIndex("currency");
  private static final int ORDER_ID = PARSED.fieldIndex("order_id");
  private static final int EXPERIMENT_ID = PARSED.fieldIndex("experiment_id");
  private static final int VARIANT = PARSED.fieldIndex("variant");
  private static final int PROPERTIES = PARSED.fieldIndex("properties");

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
    Object[] values = lineValues(line);
    // A valid line's text is not kept: only rejects carry it (to ops.quarantine), and the
    // parsed rows are cached, so every kept byte is copied twice more.
    values[RAW] = null;
    values[EVENT_ID] = e.eventId();
    values[EVENT_TIME] = Timestamp.from(e.eventTime());
    values[EVENT_DATE] = Date.valueOf(e.eventDate());
    values[EVENT_HOUR] = e.eventHour();
    values[USER_ID] = e.userId();
    values[EVENT_TYPE] = e.eventType();
    values[SESSION_ID] = e.sessionId();
    values[CONTENT_ID] = e.contentId();
    values[CHANNEL] = e.channel();
    values[PLATFORM] = e.platform();
    values[AMOUNT] = e.amount();
    values[CURRENCY] = e.currency();
    values[ORDER_ID] = e.orderId();
    values[EXPERIMENT_ID] = e.experimentId();
    values[VARIANT] = e.variant();
    values[PROPERTIES] = scala.collection.JavaConverters.mapAsScalaMap(e.properties());
    return RowFactory.create(values);
  }

  /**
   * A row of {@link #PARSED} holding the line's own columns, everything else null. The line
   * columns lead PARSED in the same order, so they are copied by position.
   */
  private static Object[] lineValues(Row line) {
    Object[] values = new Object[PARSED.size()];
    for (int i = 0; i < LINE_COLUMNS; i++) {
      values[i] = line.get(i);
    }
    return values;
  }

  private static Row rejected(Row line, String reason, String detail, String eventId) {
    Object[] values = lineValues(line);
    values[REASON] = reason;
    values[DETAIL] = detail;
    values[EVENT_ID] = eventId;
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
