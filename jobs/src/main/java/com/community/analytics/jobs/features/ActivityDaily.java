package com.community.analytics.jobs.features;

import com.community.analytics.common.catalog.SharedTables;
import com.community.analytics.common.spark.JoinKeys;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Member x day aggregates of events: counts per type, sessions, dwell, money, and weighted
 * engagement per topic and content type. Pure: events and the content dimension in, rows of
 * {@link SharedTables#ACTIVITY_DAILY} out. Cost: two reads of the events: one shuffle by
 * (user, day) for the counts, and two smaller ones for both engagement maps at once; the
 * content dimension is broadcast.
 */
public final class ActivityDaily {

  private ActivityDaily() {}

  public static Dataset<Row> aggregate(Dataset<Row> events, Dataset<Row> content,
      Set<String> passiveTypes, TagRules.Interests weights) {
    Dataset<Row> e = events
        .join(broadcast(content.select("content_id", "topic", "content_type")), "content_id",
            "left")
        .withColumn("dwell", coalesce(expr("try_cast(properties['dwell_ms'] AS BIGINT)"),
            lit(0L)))
        .withColumn("weight", engagementWeight(weights));

    List<Column> aggs = new ArrayList<>();
    aggs.add(sum(when(col("event_type").isin(passiveTypes.toArray()), 0).otherwise(1))
        .gt(0).as("is_active"));
    aggs.add(count(lit(1)).as("events"));
    for (String t : SharedTables.COUNTED_TYPES) {
      aggs.add(sum(when(col("event_type").equalTo(t), 1L).otherwise(0L)).as("n_" + t));
    }
    aggs.add(countDistinct("session_id").as("sessions"));
    aggs.add(sum(when(col("event_type").equalTo("content_view"), col("dwell")).otherwise(0L))
        .as("dwell_ms"));
    aggs.add(sum(when(col("event_type").isin("click", "like", "comment", "share", "collect"), 1L)
        .otherwise(0L)).as("content_interactions"));
    aggs.add(sum(when(col("event_type").equalTo("post")
        .and(expr("lower(properties['is_original']) = 'true'")), 1L).otherwise(0L))
        .as("original_posts"));
    aggs.add(coalesce(sum(when(col("event_type").equalTo("purchase"), col("amount"))),
        lit(0).cast(DataTypes.createDecimalType(18, 2))).as("gmv"));
    aggs.add(coalesce(sum(when(col("event_type").equalTo("refund"), col("amount"))),
        lit(0).cast(DataTypes.createDecimalType(18, 2))).as("refund_amount"));
    aggs.add(expr("max_by(CASE WHEN event_type = 'membership_change' THEN "
        + "lower(properties['tier']) END, CASE WHEN event_type = 'membership_change' THEN "
        + "event_time END)").as("membership_tier_set"));

    Dataset<Row> counts = e.groupBy(col("user_id"), col("event_date").as("activity_date"))
        .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0]));
    return counts
        .join(engagement(e), JoinKeys.on("user_id", "activity_date"), "left")
        .withColumn("topic_engagement", coalesce(col("topic_engagement"), expr("map()")
            .cast(DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType))))
        .withColumn("content_type_engagement", coalesce(col("content_type_engagement"),
            expr("map()").cast(DataTypes.createMapType(DataTypes.StringType,
                DataTypes.DoubleType))));
  }

  /**
   * Both engagement maps from one pass over the weighted events: each event's weight goes to
   * its topic and to its content type, summed per member, day and value, then gathered into
   * one map per dimension.
   */
  private static Dataset<Row> engagement(Dataset<Row> e) {
    Column byValue = explode(array(
        struct(lit("topic").as("dimension"), col("topic").as("value")),
        struct(lit("content_type").as("dimension"), col("content_type").as("value"))));
    Dataset<Row> scores = e.where(col("weight").gt(0))
        .select(col("user_id"), col("event_date").as("activity_date"), col("weight"),
            byValue.as("on"))
        .where(col("on.value").isNotNull())
        .groupBy(col("user_id"), col("activity_date"), col("on.dimension").as("dimension"),
            col("on.value").as("value"))
        .agg(round(sum("weight"), 6).as("score"));
    return scores.groupBy("user_id", "activity_date")
        .agg(entries("topic").as("topic_engagement"),
            entries("content_type").as("content_type_engagement"));
  }

  private static Column entries(String dimension) {
    return map_from_entries(collect_list(when(col("dimension").equalTo(dimension),
        struct(col("value"), col("score")))));
  }

  /** The configured weight of each content event, plus dwell minutes for views. */
  private static Column engagementWeight(TagRules.Interests w) {
    Column weight = lit(0.0);
    for (Map.Entry<String, Double> entry : w.weights().entrySet()) {
      weight = when(col("event_type").equalTo(entry.getKey()), lit(entry.getValue()))
          .otherwise(weight);
    }
    return weight.plus(when(col("event_type").equalTo("content_view"),
        col("dwell").divide(60_000.0).multiply(w.dwellPerMinute())).otherwise(0.0));
  }
}
