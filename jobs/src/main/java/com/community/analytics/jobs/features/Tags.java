package com.community.analytics.jobs.features;

import com.community.analytics.common.spark.JoinKeys;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_from_entries;
import static org.apache.spark.sql.functions.percent_rank;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The five-dimension tag profile, lifecycle stage and persona per member and as_of date, from
 * state snapshots, LTV rows and a fixed window of daily activity. Every threshold comes from
 * {@link TagRules}. Cost: shuffles for the percentile ranks (by as_of date) and the interest
 * scores (by member); reads only {@code interests.window_days} of activity.
 */
public final class Tags {
  private Tags() {}

  /** {@code measure} placed in the rules' bands (highest first), else {@code otherwise}. */
  static Column band(TagRules.Bands bands, Column measure) {
    Column result = lit(bands.otherwise());
    List<Map.Entry<String, Double>> entries = List.copyOf(bands.bands().entrySet());
    for (int i = entries.size() - 1; i >= 0; i--) {
      result = when(measure.geq(entries.get(i).getValue()), entries.get(i).getKey())
          .otherwise(result);
    }
    return result;
  }

  /** LTV tier: bands on the percentile of total LTV among buyers (per as_of date). */
  public static Dataset<Row> withLtvTier(Dataset<Row> ltv, TagRules rules) {
    Column pct = percent_rank().over(Window.partitionBy("as_of_date", "is_buyer")
        .orderBy("total_ltv"));
    return ltv.withColumn("is_buyer", col("orders").gt(0))
        .withColumn("ltv_pct", pct)
        .withColumn("ltv_tier", when(col("is_buyer"), band(rules.ltvTier(), col("ltv_pct")))
            .otherwise(rules.ltvTier().otherwise()))
        .drop("is_buyer", "ltv_pct");
  }

  /** Time-decayed engagement per member, as_of date and value of one dimension. */
  static Dataset<Row> interestScores(Dataset<Row> activity, Dataset<Row> asOfDates,
      String mapColumn, TagRules.Interests rules) {
    Dataset<Row> window = activity.join(asOfDates, col("activity_date").leq(col("as_of_date"))
        .and(datediff(col("as_of_date"), col("activity_date")).lt(rules.windowDays())));
    return window
        .select(col("user_id"), col("as_of_date"), col("activity_date"),
            explode(col(mapColumn)).as(new String[] {"value", "score"}))
        .withColumn("decayed", col("score").multiply(pow(lit(0.5),
            datediff(col("as_of_date"), col("activity_date")).divide(rules.halfLifeDays()))))
        .groupBy("user_id", "as_of_date", "value")
        .agg(round(sum("decayed"), 4).as("score"));
  }

  private static Dataset<Row> top(Dataset<Row> scores, int n, String listName, String mapName) {
    Dataset<Row> ranked = scores.withColumn("rank", row_number().over(
        Window.partitionBy("user_id", "as_of_date").orderBy(desc("score"), col("value"))));
    Dataset<Row> grouped = ranked.groupBy("user_id", "as_of_date").agg(
        expr("transform(array_sort(collect_list(CASE WHEN rank <= " + n
            + " THEN struct(rank, value) END)), s -> s.value)").as(listName),
        map_from_entries(collect_list(struct(col("value"), col("score")))).as(mapName));
    return grouped;
  }

  /** The tags of every member in {@code state} (one or more as_of dates). */
  public static Dataset<Row> tag(Dataset<Row> state, Dataset<Row> ltvWithTier,
      Dataset<Row> activity, TagRules rules) {
    Dataset<Row> dates = state.select("as_of_date").distinct();
    Dataset<Row> topics = top(interestScores(activity, dates, "topic_engagement",
        rules.interests()), rules.interests().topN(), "top_topics", "topic_scores");
    Dataset<Row> types = top(interestScores(activity, dates, "content_type_engagement",
        rules.interests()), rules.interests().topN(), "top_content_types", "type_scores");

    Column buyer = col("orders").gt(0);
    Column spendingScore = percent_rank().over(Window.partitionBy("as_of_date", "buyer")
        .orderBy("aov_value")).plus(percent_rank().over(Window.partitionBy("as_of_date",
        "buyer").orderBy("gmv_90"))).divide(2);
    TagRules.SocialCircle sc = rules.socialCircle();
    TagRules.Lifecycle lc = rules.lifecycle();
    Column day = col("as_of_date");
    Column sinceRegistered = datediff(day, expr("coalesce(registered_date, first_seen_date)"));
    Column inactive = datediff(day, expr(
        "coalesce(last_active_date, registered_date, first_seen_date)"));

    Dataset<Row> base = state
        .join(ltvWithTier.select("user_id", "as_of_date", "ltv_tier"),
            JoinKeys.on("user_id", "as_of_date"), "left")
        .join(topics, JoinKeys.on("user_id", "as_of_date"), "left")
        .join(types, JoinKeys.on("user_id", "as_of_date"), "left")
        .withColumn("buyer", buyer)
        .withColumn("aov_value", when(buyer, col("gmv").cast("double").divide(col("orders"))))
        .withColumn("spending_score", spendingScore);

    Dataset<Row> tagged = base.select(
        col("user_id"), day,
        expr("coalesce(ltv_tier, '" + rules.ltvTier().otherwise() + "')").as("ltv_tier"),
        band(rules.activityLevel(), col("active_days_30")).as("activity_level"),
        expr("coalesce(top_topics, array())").as("top_topics"),
        expr("coalesce(top_content_types, array())").as("top_content_types"),
        expr("coalesce(topic_scores, map())").cast("map<string,double>").as("topic_scores"),
        when(col("buyer"), band(rules.spendingPower(), col("spending_score")))
            .otherwise(rules.spendingPower().otherwise()).as("spending_power"),
        when(col("follower_count").geq(sc.headKolMinFollowers()), "head_kol")
            .when(col("follower_count").geq(sc.waistKolMinFollowers()), "waist_kol")
            .when(col("follower_count").geq(sc.kocMinFollowers())
                .or(col("shares_30").geq(sc.kocMinShares30())), "koc")
            .otherwise("ordinary").as("social_circle"),
        when(sinceRegistered.lt(lc.newDays()), "new")
            .when(inactive.gt(lc.churnedDays()), "churned")
            .when(inactive.geq(lc.dormantDays()), "dormant")
            .when(col("last_active_date").equalTo(day)
                .and(col("previous_active_gap_days").geq(lc.dormantDays())), "resurrected")
            .otherwise("active").as("lifecycle_stage"),
        col("membership_tier"));
    return tagged.withColumn("persona", persona(rules.personas()));
  }

  private static Column persona(List<TagRules.Persona> personas) {
    Column result = lit("unassigned");
    for (int i = personas.size() - 1; i >= 0; i--) {
      TagRules.Persona p = personas.get(i);
      Column cond = lit(true);
      for (Map.Entry<String, List<String>> c : p.when().entrySet()) {
        Column tag = c.getKey().equals("top_topic") ? element_at(col("top_topics"), 1)
            : col(c.getKey());
        cond = cond.and(tag.isin(c.getValue().toArray()));
      }
      result = when(cond, p.name()).otherwise(result);
    }
    return result;
  }
}
