package com.community.analytics.jobs.attribution;

import static com.community.analytics.jobs.attribution.AttributionTables.ALL;
import static com.community.analytics.jobs.attribution.AttributionTables.DIMENSIONS;
import static com.community.analytics.jobs.attribution.AttributionTables.MODELS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.community.analytics.common.spark.JoinKeys;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The four-dimension content-performance cube and the top-content list, as pure
 * transformations over the day's touches and the day's credits.
 *
 * <p>Facts: one row per touch on the date (engagement) and one per credit of a conversion on
 * the date (the dimensions of the credited touch). Grouped by date and CUBE(persona, time_slot,
 * channel, content_type) as grouping sets, so all 16 roll-ups, grand total included, come from
 * one aggregation of the detail cells.
 * Additive measures of a roll-up row equal the sum of its detail rows; unique viewers are
 * counted distinct at each level. Cost: three small shuffles: the facts summed per detail cell
 * (then rolled up), the distinct (cell, member) pairs of the views (expanded 16 times), and
 * the join of the two.
 */
public final class ContentCube {
  private ContentCube() {}

  /** Touches (with persona) and credits unified as fact rows keyed by {@code date}. */
  static Dataset<Row> facts(Dataset<Row> touches, Dataset<Row> credits) {
    List<Column> engagement = new ArrayList<>(List.of(col("touch_date").as("date"),
        col("persona"), col("time_slot"), col("channel"), col("content_type"), col("content_id"),
        col("user_id"),
        flag("content_view").as("n_view"), flag("like").as("n_like"),
        flag("comment").as("n_comment"), flag("collect").as("n_collect"),
        flag("share").as("n_share"),
        when(col("touch_type").equalTo("content_view"), col("dwell_ms")).otherwise(0L)
            .as("dwell_ms")));
    List<Column> credited = new ArrayList<>(List.of(col("conversion_date").as("date"),
        col("persona"), col("time_slot"), col("channel"), col("content_type"), col("content_id"),
        col("user_id"), lit(0).as("n_view"), lit(0).as("n_like"), lit(0).as("n_comment"),
        lit(0).as("n_collect"), lit(0).as("n_share"), lit(0L).as("dwell_ms")));
    for (String m : MODELS) {
      engagement.add(lit(0.0).as("conversions_" + m));
      engagement.add(lit(0.0).as("gmv_" + m));
      Column mine = col("model").equalTo(m);
      credited.add(when(mine, col("credit")).otherwise(0.0).as("conversions_" + m));
      credited.add(when(mine, col("credited_gmv")).otherwise(0.0).as("gmv_" + m));
    }
    return touches.select(engagement.toArray(new Column[0]))
        .unionByName(credits.select(credited.toArray(new Column[0])));
  }

  private static Column flag(String type) {
    return when(col("touch_type").equalTo(type), 1).otherwise(0);
  }

  /** The cube with the columns of {@link AttributionTables#CONTENT_PERFORMANCE}. */
  public static Dataset<Row> cube(Dataset<Row> touches, Dataset<Row> credits) {
    Dataset<Row> facts = facts(touches, credits);
    facts.createOrReplaceTempView("attribution_facts");
    return facts.sparkSession().sql(cubeSql("attribution_facts"));
  }

  /**
   * The cube query over a view of {@link #facts}. The additive measures are summed per detail
   * cell first and then rolled up, so the 16 grouping sets expand only the cells; unique
   * viewers, which do not add up, are counted distinct over the narrow (cell, member) pairs of
   * the views and joined on the grouping.
   */
  static String cubeSql(String view) {
    String dims = String.join(", ", DIMENSIONS);
    List<String> labels = new ArrayList<>();
    List<String> rolled = new ArrayList<>();
    for (String d : DIMENSIONS) {
      labels.add("CASE WHEN grouping(" + d + ") = 1 THEN '" + ALL + "' ELSE " + d + " END AS "
          + d);
      rolled.add("CASE WHEN grouping(" + d + ") = 1 THEN '" + d + "' END");
    }
    String grouping = "date, " + String.join(", ", labels) + ", concat_ws(',', "
        + String.join(", ", rolled) + ") AS rolled_up";
    String groupBy = " GROUP BY date, " + dims + " GROUPING SETS (" + groupingSets() + ")";
    List<String> additive = new ArrayList<>(List.of("n_view", "dwell_ms", "n_like", "n_comment",
        "n_collect", "n_share"));
    for (String m : MODELS) {
      additive.add("conversions_" + m);
      additive.add("gmv_" + m);
    }
    String cellSums = String.join(", ", additive.stream()
        .map(c -> "sum(" + c + ") AS " + c).toList());
    StringBuilder sql = new StringBuilder("WITH cells AS (SELECT date, ").append(dims)
        .append(", ").append(cellSums).append(" FROM ").append(view)
        .append(" GROUP BY date, ").append(dims).append("), ")
        .append("additive AS (SELECT ").append(grouping).append(", ").append(cellSums)
        .append(" FROM cells").append(groupBy).append("), ")
        .append("viewers AS (SELECT ").append(grouping)
        .append(", count(DISTINCT user_id) AS unique_viewers FROM (SELECT DISTINCT date, ")
        .append(dims).append(", user_id FROM ").append(view).append(" WHERE n_view = 1)")
        .append(groupBy).append(") ")
        .append("SELECT a.date, ").append(String.join(", ", DIMENSIONS.stream()
            .map(d -> "a." + d).toList())).append(", a.rolled_up")
        .append(", a.n_view AS impressions")
        .append(", coalesce(v.unique_viewers, 0) AS unique_viewers")
        .append(", a.dwell_ms / 1000.0 / nullif(a.n_view, 0) AS avg_dwell_seconds")
        .append(", a.n_like AS likes, a.n_comment AS comments, a.n_collect AS collects")
        .append(", a.n_share AS shares")
        .append(", (a.n_like + a.n_comment + a.n_collect + a.n_share) / nullif(a.n_view, 0)"
            + " AS interaction_rate")
        .append(", a.n_share / nullif(a.n_view, 0) AS share_rate");
    for (String m : MODELS) {
      sql.append(", a.conversions_").append(m).append(" AS conversions_").append(m)
          .append(", a.gmv_").append(m).append(" AS gmv_").append(m)
          .append(", a.conversions_").append(m).append(" / nullif(v.unique_viewers, 0) AS ")
          .append("conversion_rate_").append(m);
    }
    sql.append(" FROM additive a LEFT JOIN viewers v ON a.date = v.date AND a.rolled_up = ")
        .append("v.rolled_up");
    for (String d : DIMENSIONS) {
      sql.append(" AND a.").append(d).append(" <=> v.").append(d);
    }
    return sql.toString();
  }

  /** The 16 subsets of the dimensions, each with the date: CUBE per date as grouping sets. */
  private static String groupingSets() {
    List<String> sets = new ArrayList<>();
    for (int mask = 0; mask < 1 << DIMENSIONS.size(); mask++) {
      List<String> set = new ArrayList<>(List.of("date"));
      for (int i = 0; i < DIMENSIONS.size(); i++) {
        if ((mask & 1 << i) != 0) {
          set.add(DIMENSIONS.get(i));
        }
      }
      sets.add("(" + String.join(", ", set) + ")");
    }
    return String.join(", ", sets);
  }

  /** Per date, the top {@code n} content items by GMV credited by the linear model. */
  public static Dataset<Row> topContent(Dataset<Row> touches, Dataset<Row> credits,
      Dataset<Row> content, int n) {
    Dataset<Row> facts = facts(touches, credits).where(col("content_id").isNotNull());
    List<Column> aggs = new ArrayList<>(List.of(
        countDistinct(when(col("n_view").equalTo(1), col("user_id"))).as("unique_viewers"),
        sum(col("n_like").plus(col("n_comment")).plus(col("n_collect")).plus(col("n_share")))
            .as("interactions")));
    for (String m : MODELS) {
      aggs.add(sum("gmv_" + m).as("gmv_" + m));
    }
    WindowSpec byGmv = Window.partitionBy("date").orderBy(col("gmv_linear").desc(),
        col("impressions").desc(), col("content_id"));
    return facts.groupBy("date", "content_id")
        .agg(sum("n_view").as("impressions"), aggs.toArray(new Column[0]))
        .withColumn("rank", row_number().over(byGmv))
        .where(col("rank").leq(n))
        .join(content.select("content_id", "content_type", "topic"), JoinKeys.on("content_id"),
            "left");
  }
}
