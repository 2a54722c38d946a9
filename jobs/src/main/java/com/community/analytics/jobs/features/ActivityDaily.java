package com.community.analytics.jobs.features;

import com.community.analytics.common.spark.JoinKeys;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
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
 * {@link FeatureTables#ACTIVITY_DAILY} out. Cost: one shuffle by (user, day) for the counts and
 * two smaller ones for the engagement maps; the content dimension is broadcast.
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
    for (String t : FeatureTables.COUNTED_TYPES) {
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
        .join(engagement(e, "topic", "topic_engagement"), JoinKeys.on("user_id", "activity_date"), "left")
        .join(engagement(e, "content_type", "content_type_engagement"), JoinKeys.on("user_id", "activity_date"), "left")
        .withColumn("topic_engagement", coalesce(col("topic_engagement"), expr("map()")
            .cast(DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType))))
        .withColumn("content_type_engagement", coalesce(col("content_type_engagement"),
            expr("map()").cast(DataTypes.createMapType(DataTypes.StringType,
                DataTypes.DoubleType))));
  }

  private static Dataset<Row> engagement(Dataset<Row> e, String dimension, String name) {
    return e.where(col("weight").gt(0).and(col(dimension).isNotNull()))
        .groupBy(col("user_id"), col("event_date").as("activity_date"), col(dimension))
        .agg(round(sum("weight"), 6).as("score"))
        .groupBy("user_id", "activity_date")
        .agg(map_from_entries(collect_list(struct(col(dimension), col("score")))).as(name));
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
