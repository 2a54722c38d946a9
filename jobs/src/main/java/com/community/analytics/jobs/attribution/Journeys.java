package com.community.analytics.jobs.attribution;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;

import com.community.analytics.common.job.ModelApi;
import com.community.analytics.common.spark.JoinKeys;
import com.community.analytics.common.spark.RowBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Touches, conversions and the journeys between them, as pure transformations.
 *
 * <p>A conversion is a purchase. Its journey is the member's touches in the look-back window
 * before it and after the member's previous purchase: every touch belongs to the next purchase
 * when that purchase comes within the window, and to no conversion otherwise. A member's
 * touches that led to no purchase, within one block of look-back-many calendar days (counted
 * from the epoch), form a non-converting journey, which ends (is known not to convert) one
 * window after its block. Both rules depend only on events up to the journey's end, so a
 * nightly run and a backfill build the same journeys.
 *
 * <p>Cost: one shuffle by member (the window that finds each touch's next purchase) and a
 * broadcastable join with the content dimension; the persona lookup joins touches' distinct
 * (member, date) pairs with a bounded range of tag snapshots.
 */
@ModelApi
public final class Journeys {
  private Journeys() {}

  /** Touch events with channel, content type and time slot (persona added separately). */
  public static Dataset<Row> touches(Dataset<Row> events, Dataset<Row> content,
      AttributionSettings s) {
    Column slot = timeSlot(s);
    return events.where(col("event_type").isin(s.touchTypes().toArray()))
        .join(functions.broadcast(content.select("content_id", "content_type", "topic")),
            JoinKeys.on("content_id"), "left")
        .select(col("event_id").as("touch_event_id"), col("user_id"),
            col("event_time").as("touch_time"), col("event_date").as("touch_date"),
            col("event_type").as("touch_type"), col("content_id"),
            coalesce(col("channel"), lit("unknown")).as("channel"),
            coalesce(col("content_type"), lit("unknown")).as("content_type"),
            coalesce(col("topic"), lit("unknown")).as("topic"),
            slot.as("time_slot"),
            coalesce(col("properties").getItem("dwell_ms").cast("long"), lit(0L))
                .as("dwell_ms"));
  }

  /** The configured time slot of an event's local hour. */
  private static Column timeSlot(AttributionSettings s) {
    return element_at(functions.array(Arrays.stream(s.slotOfHour()).map(functions::lit)
        .toArray(Column[]::new)), col("event_hour").plus(1));
  }

  /** Purchases as conversions. */
  public static Dataset<Row> conversions(Dataset<Row> events, AttributionSettings s) {
    Column slot = timeSlot(s);
    return events.where(col("event_type").equalTo("purchase"))
        .select(col("event_id").as("conversion_id"), col("order_id"), col("user_id"),
            col("event_time").as("conversion_time"), col("event_date").as("conversion_date"),
            coalesce(col("amount").cast("double"), lit(0.0)).as("amount"),
            slot.as("conversion_slot"));
  }

  /**
   * Adds the member's persona on each row's date: from the newest snapshot of {@code tags}
   * (user_id, as_of_date, persona) at most {@code maxAgeDays} old, else 'unknown'.
   */
  public static Dataset<Row> withPersona(Dataset<Row> rows, String dateColumn,
      Dataset<Row> tags, int maxAgeDays) {
    // Keys renamed so that joining rows back to their own derivative is not a self-join.
    Dataset<Row> keys = rows.select(col("user_id").as("persona_user"),
        col(dateColumn).as("persona_date")).distinct();
    WindowSpec newest = Window.partitionBy("persona_user", "persona_date")
        .orderBy(col("as_of_date").desc());
    Dataset<Row> personas = keys.join(tags.select("user_id", "as_of_date", "persona"),
            col("persona_user").equalTo(col("user_id")))
        .where(col("as_of_date").leq(col("persona_date"))
            .and(col("as_of_date").gt(functions.date_sub(col("persona_date"), maxAgeDays))))
        .withColumn("n", row_number().over(newest))
        .where(col("n").equalTo(1))
        .select("persona_user", "persona_date", "persona");
    return rows.join(personas, col("user_id").equalTo(col("persona_user"))
            .and(col(dateColumn).equalTo(col("persona_date"))), "left")
        .drop("persona_user", "persona_date")
        .withColumn("persona", coalesce(col("persona"), lit("unknown")));
  }

  /**
   * Every touch with the purchase it leads to: conversion_id and conversion_time are set when
   * the member's next purchase comes within {@code lookbackDays} (a touch at the same instant
   * as the purchase counts), null otherwise.
   */
  public static Dataset<Row> assign(Dataset<Row> touches, Dataset<Row> conversions,
      int lookbackDays) {
    Dataset<Row> timeline = touches.withColumn("kind", lit(0))
        .withColumn("order_time", col("touch_time"))
        .withColumn("order_id_key", col("touch_event_id"))
        .unionByName(conversions.select(col("user_id"),
            col("conversion_time").as("order_time"), col("conversion_id").as("order_id_key"))
            .withColumn("kind", lit(1)), true);
    // The first purchase at or after each row, found as the last one seen walking the member's
    // timeline backwards: Spark grows a frame that starts at the partition's first row in one
    // pass, but re-aggregates a frame that ends at its last row for every row (quadratic in a
    // member's touches).
    WindowSpec backwardsSoFar = Window.partitionBy("user_id")
        .orderBy(col("order_time").desc(), col("kind").desc(), col("order_id_key").desc())
        .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Column nextId = last(when(col("kind").equalTo(1), col("order_id_key")), true)
        .over(backwardsSoFar);
    Column nextTime = last(when(col("kind").equalTo(1), col("order_time")), true)
        .over(backwardsSoFar);
    Column within = col("next_time").cast("long").minus(col("touch_time").cast("long"))
        .leq(lookbackDays * 86_400L);
    return timeline.withColumn("next_id", nextId).withColumn("next_time", nextTime)
        .where(col("kind").equalTo(0))
        .withColumn("conversion_id", when(within, col("next_id")))
        .drop("kind", "order_time", "order_id_key", "next_id", "next_time");
  }

  /**
   * Journeys as ordered state lists with their end date and outcome: one per conversion with
   * touches (ends on the conversion date) and one per member and block of touches that
   * converted to nothing (ends {@code lookbackDays} after the block). Columns: end_date,
   * last_touch_date, converted, amount (the purchase's; 0 without one), states (array of state
   * values in touch order).
   */
  public static Dataset<Row> journeys(Dataset<Row> assigned, Dataset<Row> conversions,
      String stateColumn, int lookbackDays) {
    Column ordered = functions.sort_array(functions.collect_list(functions.struct(
        col("touch_time"), col("touch_event_id"), col(stateColumn).as("state"),
        col("touch_date"))));
    Dataset<Row> converting = assigned.where(col("conversion_id").isNotNull())
        .groupBy("conversion_id").agg(ordered.as("path"))
        .join(conversions.select("conversion_id", "conversion_date", "amount"),
            JoinKeys.on("conversion_id"))
        .select(col("conversion_date").as("end_date"), lastTouchDate(), lit(true).as("converted"),
            col("amount"), col("path.state").as("states"));
    // Blocks of lookbackDays calendar days (counted from the epoch), so that journeys without
    // a purchase span about as long as those with one.
    Column block = functions.floor(functions.datediff(col("touch_date"), lit("1970-01-01"))
        .divide(lookbackDays));
    Dataset<Row> lost = assigned.where(col("conversion_id").isNull())
        .withColumn("block", block)
        .groupBy("user_id", "block").agg(ordered.as("path"))
        .select(date_add(lit("1970-01-01").cast("date"),
                col("block").multiply(lookbackDays).plus(2 * lookbackDays - 1).cast("int"))
                .as("end_date"), lastTouchDate(),
            lit(false).as("converted"), lit(0.0).as("amount"), col("path.state").as("states"));
    return converting.unionByName(lost);
  }

  /** The business date of the path's last touch. */
  private static Column lastTouchDate() {
    return element_at(col("path.touch_date"), -1).as("last_touch_date");
  }

  /**
   * Journeys summed by the set of states they went through, by the date of their last touch:
   * (last_touch_date, channels (sorted distinct states), journeys, conversions, gmv), the input
   * of {@link ShapleyGame}.
   */
  public static Dataset<Row> channelSets(Dataset<Row> journeys) {
    return journeys.groupBy(col("last_touch_date"),
            functions.array_sort(functions.array_distinct(col("states"))).as("channels"))
        .agg(functions.count(lit(1)).as("journeys"),
            functions.sum(when(col("converted"), 1L).otherwise(0L)).as("conversions"),
            functions.sum("amount").as("gmv"));
  }

  /** Purchases without any touch, per day: (conversion_date, conversions, gmv). */
  public static Dataset<Row> untouched(Dataset<Row> assigned, Dataset<Row> conversions) {
    return conversions.join(assigned.where(col("conversion_id").isNotNull())
            .select("conversion_id").distinct(), JoinKeys.on("conversion_id"), "left_anti")
        .groupBy("conversion_date")
        .agg(functions.count(lit(1)).as("conversions"), functions.sum("amount").as("gmv"));
  }

  private static final StructType TRANSITION = new StructType()
      .add("last_touch_date", DataTypes.DateType).add("from_state", DataTypes.StringType)
      .add("to_state", DataTypes.StringType).add("gmv", DataTypes.DoubleType);

  /**
   * Transition counts of a chain of the given order by the date of their journey's last touch:
   * (last_touch_date, from_state, to_state, n, gmv), gmv the purchases' amounts on the
   * transitions into conversion (0 elsewhere).
   */
  public static Dataset<Row> transitions(Dataset<Row> journeys, int order) {
    return journeys.flatMap((FlatMapFunction<Row, Row>) r -> {
      List<String> states = r.getList(r.fieldIndex("states"));
      List<Row> out = new ArrayList<>();
      for (MarkovChain.Transition t : MarkovChain.transitions(states,
          r.<Boolean>getAs("converted"), order)) {
        boolean purchase = t.to().equals(MarkovChain.CONVERSION);
        out.add(RowBuilder.of(TRANSITION).set("last_touch_date", r.getAs("last_touch_date"))
            .set("from_state", t.from()).set("to_state", t.to())
            .set("gmv", purchase ? r.<Double>getAs("amount") : 0.0).build());
      }
      return out.iterator();
    }, Encoders.row(TRANSITION))
        .groupBy("last_touch_date", "from_state", "to_state")
        .agg(functions.count(lit(1)).as("n"), functions.sum("gmv").as("gmv"));
  }
}
