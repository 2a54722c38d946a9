package com.community.analytics.jobs.attribution;

import static com.community.analytics.jobs.attribution.AttributionTables.NO_TOUCH;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.community.analytics.common.spark.JoinKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Credits of each conversion's touches under every model, as a pure transformation: first and
 * last touch, linear, time decay (weight 2^(-hours before the purchase / half-life)), position
 * based (first / middle / last shares, the middle share split evenly; two touches split the
 * first and last shares in their ratio), Markov (each touch weighted by the removal effect
 * of its state in the chain of the conversion's date; linear when no state of the journey has
 * an effect) and Shapley (the same with the states' Shapley values, a negative one counting as
 * 0). Conversions without touches get credit 1 under every model, as
 * '{@value AttributionTables#NO_TOUCH}'. For each conversion and model the credits sum to 1.
 *
 * <p>Cost: one shuffle by conversion (the journey window); the removal effects are a small
 * broadcast table.
 */
public final class Credits {
  private Credits() {}

  /** Each touch's share of its journey's {@code weight}; linear when they are all 0. */
  private static Column weighted(String weight, WindowSpec journey, Column touches) {
    Column total = sum(weight).over(journey);
    return when(total.gt(0), col(weight).divide(total)).otherwise(lit(1.0).divide(touches));
  }

  /**
   * @param touches assigned touches with persona (conversion_id null: not converting)
   * @param conversions conversions with persona
   * @param chainValues (period_end, state, removal_effect, shapley_value) of each period's
   *     final journeys: the Markov chain's removal effects and the Shapley values
   */
  public static Dataset<Row> compute(Dataset<Row> touches, Dataset<Row> conversions,
      Dataset<Row> chainValues, String stateColumn, AttributionSettings s) {
    WindowSpec journey = Window.partitionBy("conversion_id");
    WindowSpec inOrder = journey.orderBy(col("touch_time"), col("touch_event_id"));
    Dataset<Row> j = touches.where(col("conversion_id").isNotNull())
        .join(conversions.drop("persona"), JoinKeys.on("conversion_id", "user_id"))
        .withColumn("touch_index", row_number().over(inOrder))
        .withColumn("touches", count(lit(1)).over(journey).cast("int"))
        .withColumn("decay", pow(lit(0.5), col("conversion_time").cast("long")
            .minus(col("touch_time").cast("long")).divide(3600.0 * s.halfLifeHours())));
    Dataset<Row> effects = broadcast(chainValues
        .withColumnRenamed("period_end", "conversion_date")
        .withColumnRenamed("state", stateColumn));
    // A channel whose presence lowers the conversion rate has a negative Shapley value; within
    // a journey's split it gets nothing rather than a negative share.
    j = j.join(effects, JoinKeys.on("conversion_date", stateColumn), "left")
        .withColumn("removal_effect", coalesce(col("removal_effect"), lit(0.0)))
        .withColumn("shapley_weight", greatest(coalesce(col("shapley_value"), lit(0.0)),
            lit(0.0)));
    Column n = col("touches");
    Column idx = col("touch_index");
    Column twoTouches = when(idx.equalTo(1), s.firstShare() / (s.firstShare() + s.lastShare()))
        .otherwise(s.lastShare() / (s.firstShare() + s.lastShare()));
    Column manyTouches = when(idx.equalTo(1), s.firstShare())
        .when(idx.equalTo(n), s.lastShare())
        .otherwise(lit(s.middleShare()).divide(n.minus(2)));
    Map<String, Column> models = new LinkedHashMap<>();
    models.put("first_touch", when(idx.equalTo(1), 1.0).otherwise(0.0));
    models.put("last_touch", when(idx.equalTo(n), 1.0).otherwise(0.0));
    models.put("linear", lit(1.0).divide(n));
    models.put("time_decay", col("decay").divide(sum("decay").over(journey)));
    models.put("position_based", when(n.equalTo(1), 1.0).when(n.equalTo(2), twoTouches)
        .otherwise(manyTouches));
    models.put("markov", weighted("removal_effect", journey, n));
    models.put("shapley", weighted("shapley_weight", journey, n));
    // Window expressions cannot sit inside a generator: compute the credits first, then explode.
    List<Column> byModel = new ArrayList<>();
    for (Map.Entry<String, Column> m : models.entrySet()) {
      j = j.withColumn("credit_" + m.getKey(), m.getValue().cast("double"));
      byModel.add(struct(lit(m.getKey()).as("model"), col("credit_" + m.getKey()).as("credit")));
    }
    Dataset<Row> touched = j.withColumn("credit_by_model",
            explode(array(byModel.toArray(new Column[0]))))
        .select(col("*"), col("credit_by_model.model").as("model"),
            col("credit_by_model.credit").as("credit"))
        .select(creditColumns(col("touch_index"), col("touches"), col("touch_event_id"),
            col("touch_time"), col("touch_type"), col("content_id"), col("channel"),
            col("content_type"), col("time_slot"), col("persona")));
    return touched.unionByName(untouched(touches, conversions));
  }

  /** Credit 1 under every model for each conversion without touches. */
  private static Dataset<Row> untouched(Dataset<Row> touches, Dataset<Row> conversions) {
    return conversions
        .join(touches.where(col("conversion_id").isNotNull()).select("conversion_id").distinct(),
            JoinKeys.on("conversion_id"), "left_anti")
        .withColumn("model", explode(
            array(AttributionTables.MODELS.stream().map(m -> lit(m))
                .toArray(Column[]::new))))
        .withColumn("credit", lit(1.0))
        .select(creditColumns(lit(0), lit(0), lit(null).cast("string"),
            lit(null).cast("timestamp"), lit(null).cast("string"), lit(null).cast("string"),
            lit(NO_TOUCH), lit(NO_TOUCH), col("conversion_slot"), col("persona")));
  }

  private static Column[] creditColumns(Column touchIndex, Column touches, Column touchEventId,
      Column touchTime, Column touchType, Column contentId, Column channel, Column contentType,
      Column timeSlot, Column persona) {
    return new Column[] {col("conversion_id"), col("order_id"), col("user_id"),
        col("conversion_time"), col("conversion_date"), col("amount"), col("model"),
        touchIndex.cast("int").as("touch_index"), touches.cast("int").as("touches"),
        touchEventId.as("touch_event_id"), touchTime.as("touch_time"),
        touchType.as("touch_type"), contentId.as("content_id"), channel.as("channel"),
        contentType.as("content_type"), timeSlot.as("time_slot"), persona.as("persona"),
        col("credit"), col("credit").multiply(col("amount")).as("credited_gmv")};
  }
}
