package com.community.analytics.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.community.analytics.common.catalog.SilverTables;
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
    Date arrival = line.getDate(0);
    String file = line.getString(1);
    Object lineNo = line.get(2);
    String raw = line.getString(3);
    String readError = line.getString(4);
    if (readError != null) {
      return rejected(arrival, file, lineNo, raw, readError,
          QuarantineReason.UNREADABLE_FILE, readError, null);
    }
    RawEventParser.Result r = parser.parse(raw, arrival.toLocalDate());
    if (!r.isValid()) {
      return rejected(arrival, file, lineNo, raw, null, r.reason(), r.detail(), r.eventId());
    }
    RawEventParser.Event e = r.event();
    return RowFactory.create(arrival, file, lineNo, raw, null, null, null,
        e.eventId(), Timestamp.from(e.eventTime()), Date.valueOf(e.eventDate()), e.eventHour(),
        e.userId(), e.eventType(), e.sessionId(), e.contentId(), e.channel(), e.platform(),
        e.amount(), e.currency(), e.orderId(), e.experimentId(), e.variant(),
        scala.collection.JavaConverters.mapAsScalaMap(e.properties()));
  }

  private static Row rejected(Date arrival, String file, Object lineNo, String raw,
      String readError, String reason, String detail, String eventId) {
    Object[] values = new Object[PARSED.size()];
    values[0] = arrival;
    values[1] = file;
    values[2] = lineNo;
    values[3] = raw;
    values[4] = readError;
    values[5] = reason;
    values[6] = detail;
    values[7] = eventId;
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
